//! Accuracy on synthetic songs with known beats, scored as mir_eval does (F-measure within
//! ±70 ms, beats before 5 s trimmed from both lists, as `mir_eval.beat.evaluate` does), and
//! robustness on degenerate input.

mod support;

use beats::eval::{WINDOW_MS, f_measure, trim};
use support::synth::{self, Song, Style};

fn score(song: &Song) -> (f64, beats::Analysis, synth::Rendered) {
    let r = synth::render(song);
    let a = beats::analyse(&r.samples, r.sample_rate, &mut |_| {});
    let f = f_measure(&trim(&r.beats_ms()), &trim(&a.beats), WINDOW_MS);
    (f, a, r)
}

#[test]
fn the_test_set_scores_at_least_0_9_on_every_song() {
    let mut failures = Vec::new();
    let mut total = 0.0;
    let set = synth::test_set(22_050, 0.5);
    for song in &set {
        let (f, a, r) = score(song);
        total += f;
        let offsets: Vec<i64> = a
            .beats
            .iter()
            .filter_map(|&b| {
                r.beats_ms()
                    .iter()
                    .map(|&t| b - t)
                    .min_by_key(|d| d.abs())
            })
            .filter(|d| d.abs() <= WINDOW_MS)
            .collect();
        let mean_offset = offsets.iter().sum::<i64>() as f64 / offsets.len().max(1) as f64;
        println!(
            "{:28} F {:.3}  bpm {:6.1}  meter {}  conf {:.2}  sections {}  offset {:+.0} ms",
            song.name,
            f,
            a.bpm,
            a.beats_per_bar,
            a.confidence,
            a.sections.len(),
            mean_offset
        );
        if f < 0.9 {
            failures.push(format!("{}: F = {f:.3}", song.name));
        }
    }
    println!("mean F {:.3}", total / set.len() as f64);
    assert!(failures.is_empty(), "{failures:?}");
}
