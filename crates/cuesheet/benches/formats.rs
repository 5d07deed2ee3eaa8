//! Round trip of a whole show: parse + validate the show file, then export the CDN sheet.
//! Target: under 100 ms for 100,000 cues; the 1,000-cue case shows growth is linear.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cuesheet::{Cue, ExportFormat, Show, export_sheet, parse_show, show_to_json};

/// `n` realistic cues (some with tolerance, duration, params, lane, note), in a
/// shuffled-looking order so export has real sorting to do.
fn shuffled_cues(n: usize) -> Vec<Cue> {
    (0..n)
        .map(|i| {
            let i = i as i64;
            Cue {
                time: (i * 7919) % (n as i64 * 250),
                action: format!("effect{}", i % 17),
                tolerance: (i % 3 == 0).then_some(2000),
                duration: (i % 4 == 0).then_some(5000),
                params: (i % 5 == 0).then(|| {
                    serde_json::json!({"color": "#ffd700", "count": i % 100})
                        .as_object()
                        .cloned()
                        .unwrap_or_default()
                }),
                lane: (i % 2 == 0).then(|| "Lights".to_owned()),
                note: (i % 10 == 0).then(|| "花火 big one".to_owned()),
            }
        })
        .collect()
}

/// A saved show of [`shuffled_cues`]: in time order, as `show_to_json` writes it.
fn show_text(n: usize) -> String {
    let cues = shuffled_cues(n);
    show_to_json(&Show {
        title: Some("Bench".into()),
        expected_drift: Some(1500),
        cues,
        ..Show::default()
    })
}

fn formats(c: &mut Criterion) {
    let mut group = c.benchmark_group("round_trip");
    for n in [1_000, 100_000] {
        let text = show_text(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("parse_validate_export", n),
            &text,
            |b, text| {
                b.iter(|| {
                    let show = parse_show(black_box(text.as_bytes())).map_err(|e| e.to_string());
                    let cues = show.map(|s| s.cues).unwrap_or_default();
                    assert_eq!(cues.len(), n);
                    export_sheet(&cues, ExportFormat::Extended, false)
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("parse_validate", n), &text, |b, text| {
            b.iter(|| parse_show(black_box(text.as_bytes())).map(|s| s.cues.len()))
        });
        let cues = shuffled_cues(n);
        group.bench_with_input(BenchmarkId::new("export", n), &cues, |b, cues| {
            b.iter(|| export_sheet(black_box(cues), ExportFormat::Extended, false))
        });
    }
    group.finish();
}

criterion_group!(benches, formats);
criterion_main!(benches);
