//! The mixed samples, checked with no sound card: clicks start at the frames of their show
//! times, each kind sounds its own way, levels scale them, and seeks, speed and schedule
//! changes keep them in place.

use std::num::NonZero;
use std::time::Duration;

use rodio::Source;
use rodio::buffer::SamplesBuffer;

use super::*;

const ALL_ON: ClickLevels = ClickLevels {
    metronome: true,
    metronome_level: 1.0,
    cues: true,
    cue_level: 1.0,
};

fn buffer(channels: u16, rate: u32, data: Vec<f32>) -> SamplesBuffer {
    let channels = NonZero::new(channels).unwrap();
    let rate = NonZero::new(rate).unwrap();
    SamplesBuffer::new(channels, rate, data)
}

fn silence(channels: u16, rate: u32, secs: f64) -> Vec<f32> {
    vec![0.0; (secs * f64::from(rate)) as usize * usize::from(channels)]
}

/// A 220 Hz tone at 0.4, the same on every channel.
fn tone(channels: u16, rate: u32, secs: f64) -> Vec<f32> {
    let frames = (secs * f64::from(rate)) as usize;
    (0..frames)
        .flat_map(|i| {
            let s = (std::f64::consts::TAU * 220.0 * i as f64 / f64::from(rate)).sin() * 0.4;
            std::iter::repeat_n(s as f32, usize::from(channels))
        })
        .collect()
}

fn clicks(beats: &[(i64, bool)], cues: &[i64], levels: ClickLevels) -> Clicks {
    let mut c = Clicks::new();
    c.set_times(beats.to_vec(), cues.to_vec());
    c.set_levels(levels);
    c
}

/// `source` mixed with `clicks`, all of it.
fn mix(clicks: &Clicks, channels: u16, rate: u32, source: &[f32]) -> Vec<f32> {
    clicks
        .mix(buffer(channels, rate, source.to_vec()))
        .collect()
}

/// Per frame of channel `ch`: mixed − source.
fn diff(out: &[f32], src: &[f32], channels: u16, ch: usize) -> Vec<f32> {
    let n = usize::from(channels);
    out.iter()
        .zip(src)
        .skip(ch)
        .step_by(n)
        .map(|(o, s)| o - s)
        .collect()
}

/// The runs of frames where something was added: `(first, last)`, joining gaps shorter
/// than 2 ms (a tone's zero crossings).
fn runs(diff: &[f32], rate: u32) -> Vec<(usize, usize)> {
    let gap = rate as usize / 500;
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, d) in diff.iter().enumerate() {
        if *d == 0.0 {
            continue;
        }
        match out.last_mut() {
            Some(last) if i - last.1 <= gap => last.1 = i,
            _ => out.push((i, i)),
        }
    }
    out
}

fn frame(ms: i64, rate: u32) -> usize {
    (ms as f64 * f64::from(rate) / 1000.0).round() as usize
}

fn assert_onsets(found: &[(usize, usize)], expected: &[usize]) {
    let starts: Vec<usize> = found.iter().map(|r| r.0).collect();
    assert_eq!(starts.len(), expected.len(), "{starts:?} vs {expected:?}");
    for (s, e) in starts.iter().zip(expected) {
        // A tone starts at sin(0) = 0: its first non-zero sample is the one after.
        assert!(
            s >= e && *s <= e + 2,
            "click at frame {s}, expected {e}: {starts:?}"
        );
    }
}

fn peak(xs: &[f32]) -> f32 {
    xs.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Sign changes among samples louder than `floor`.
fn crossings(xs: &[f32]) -> usize {
    let loud: Vec<f32> = xs.iter().copied().filter(|x| x.abs() > 1e-3).collect();
    loud.windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count()
}

#[test]
fn beats_and_cues_click_at_the_frames_of_their_times() {
    let rate = 48_000;
    let beats = [(100, true), (600, false), (1100, false)];
    let cues = [350, 875];
    let c = clicks(&beats, &cues, ALL_ON);
    let src = silence(1, rate, 1.5);
    let out = mix(&c, 1, rate, &src);
    assert_eq!(out.len(), src.len());
    let found = runs(&diff(&out, &src, 1, 0), rate);
    let expected: Vec<usize> = [100, 350, 600, 875, 1100]
        .iter()
        .map(|&t| frame(t, rate))
        .collect();
    assert_onsets(&found, &expected);
    for (a, b) in &found {
        let ms = (b - a) as f64 * 1000.0 / f64::from(rate);
        assert!((5.0..=26.0).contains(&ms), "a click lasts {ms} ms");
    }
}

#[test]
fn times_that_are_not_whole_frames_round_to_the_nearest() {
    // 44.1 frames a ms: 10 ms is frame 441, 13 ms frame 573.3 → 573.
    let rate = 44_100;
    let c = clicks(&[], &[10, 13, 999], ALL_ON);
    let src = silence(1, rate, 1.1);
    let out = mix(&c, 1, rate, &src);
    let d = diff(&out, &src, 1, 0);
    // The cue tick is noise: it is non-zero from its first frame. 10 and 13 ms overlap.
    assert_eq!(d[440], 0.0);
    assert_ne!(d[441], 0.0);
    let at_999 = frame(999, rate);
    assert!(d[at_999 - 300..at_999].iter().all(|x| *x == 0.0));
    assert_ne!(d[at_999], 0.0);
    // The second tick starts at 573: its onset adds to the first's tail there.
    let only_first = mix(&clicks(&[], &[10], ALL_ON), 1, rate, &src);
    let d1 = diff(&only_first, &src, 1, 0);
    assert_eq!(d[572], d1[572]);
    assert_ne!(d[573], d1[573]);
}

#[test]
fn downbeats_are_louder_and_higher_and_cues_sound_different() {
    let rate = 48_000;
    let src = silence(1, rate, 1.0);
    let one = |beats: &[(i64, bool)], cues: &[i64]| {
        let out = mix(&clicks(beats, cues, ALL_ON), 1, rate, &src);
        let d = diff(&out, &src, 1, 0);
        d[frame(200, rate)..frame(230, rate)].to_vec()
    };
    let down = one(&[(200, true)], &[]);
    let beat = one(&[(200, false)], &[]);
    let cue = one(&[], &[200]);
    assert!(
        peak(&down) > 1.4 * peak(&beat),
        "{} {}",
        peak(&down),
        peak(&beat)
    );
    assert!(peak(&beat) > 0.2);
    assert!(peak(&cue) > 0.2);
    // 1.5 kHz against 1 kHz: half as many crossings again.
    let (cd, cb, cc) = (crossings(&down), crossings(&beat), crossings(&cue));
    assert!(cd * 2 > cb * 3 - 6 && cd * 2 < cb * 3 + 6, "{cd} vs {cb}");
    assert!(cc > cd * 2, "the cue tick is noisier: {cc} vs {cd}");
}

#[test]
fn levels_scale_the_clicks() {
    let rate = 48_000;
    let src = silence(1, rate, 1.0);
    let at = |levels| {
        let out = mix(&clicks(&[(100, true)], &[500], levels), 1, rate, &src);
        diff(&out, &src, 1, 0)
    };
    let full = at(ALL_ON);
    let half = at(ClickLevels {
        metronome_level: 0.5,
        cue_level: 0.25,
        ..ALL_ON
    });
    let (b, c) = (frame(100, rate), frame(500, rate));
    for i in b..b + 1000 {
        assert!((half[i] - full[i] * 0.5).abs() < 1e-6, "beat frame {i}");
    }
    for i in c..c + 1000 {
        assert!((half[i] - full[i] * 0.25).abs() < 1e-6, "cue frame {i}");
    }
    assert!(peak(&full[b..b + 1000]) > 0.5);
    // Each kind has its own level: the metronome off leaves the cue.
    let cues_only = at(ClickLevels {
        metronome: false,
        ..ALL_ON
    });
    assert_eq!(peak(&cues_only[b..b + 1000]), 0.0);
    assert_eq!(cues_only[c..c + 1000], full[c..c + 1000]);
}

#[test]
fn level_zero_or_off_gives_exactly_the_source() {
    let rate = 48_000;
    // Louder than full scale too: untouched where nothing clicks, not even clamped.
    let mut src = tone(2, rate, 1.0);
    src.iter_mut().step_by(7).for_each(|s| *s *= 3.0);
    let beats = [(0, true), (250, false), (500, false)];
    let cues = [0, 100, 333];
    for levels in [
        ClickLevels {
            metronome_level: 0.0,
            cue_level: 0.0,
            ..ALL_ON
        },
        ClickLevels {
            metronome: false,
            cues: false,
            ..ALL_ON
        },
        ClickLevels::default(),
    ] {
        let out = mix(&clicks(&beats, &cues, levels), 2, rate, &src);
        assert!(out == src, "{levels:?}");
    }
    // And an empty schedule.
    assert!(mix(&clicks(&[], &[], ALL_ON), 2, rate, &src) == src);
}

#[test]
fn clicks_add_to_the_music_and_the_mix_is_clamped() {
    let rate = 48_000;
    let src = tone(1, rate, 1.0);
    let beats = [(250, true), (750, false)];
    let out = mix(&clicks(&beats, &[], ALL_ON), 1, rate, &src);
    let d = diff(&out, &src, 1, 0);
    let found = runs(&d, rate);
    assert_onsets(&found, &[frame(250, rate), frame(750, rate)]);
    assert!(out.iter().all(|s| (-1.0..=1.0).contains(s)));
    // A source at full scale: the click is clipped at 1, not wrapped or overflowing.
    let loud = vec![0.95; rate as usize];
    let out = mix(&clicks(&beats, &[], ALL_ON), 1, rate, &loud);
    assert!(out.iter().all(|s| (-1.0..=1.0).contains(s)));
    assert!(out.contains(&1.0));
    assert!(out[..frame(250, rate)].iter().all(|s| *s == 0.95));
}

#[test]
fn both_stereo_channels_get_the_same_click() {
    let rate = 44_100;
    let src = tone(2, rate, 1.0);
    let out = mix(&clicks(&[(300, true)], &[650], ALL_ON), 2, rate, &src);
    let (l, r) = (diff(&out, &src, 2, 0), diff(&out, &src, 2, 1));
    assert_eq!(l.len(), rate as usize);
    let found = runs(&l, rate);
    assert_onsets(&found, &[frame(300, rate), frame(650, rate)]);
    for (i, (a, b)) in l.iter().zip(&r).enumerate() {
        assert!((a - b).abs() < 1e-6, "frame {i}: {a} vs {b}");
    }
}

#[test]
fn after_a_seek_the_clicks_go_on_from_the_new_position() {
    let rate = 48_000;
    let beats: Vec<(i64, bool)> = (0..6).map(|i| (i * 500, i % 2 == 0)).collect();
    let c = clicks(&beats, &[1_400], ALL_ON);
    let src = silence(1, rate, 3.0);
    let mut m = c.mix(buffer(1, rate, src.clone()));
    let head: Vec<f32> = m.by_ref().take(frame(200, rate)).collect();
    assert_onsets(&runs(&head, rate), &[0]);
    // Forward into the middle of nothing: the cue at 1.4 s and the beat at 1.5 s come next,
    // the beat at 1 s (passed over) never does.
    m.try_seek(Duration::from_millis(1_300)).unwrap();
    assert_eq!(c.played_ms(), Some(1_300));
    let after: Vec<f32> = m.by_ref().take(frame(500, rate)).collect();
    assert_onsets(&runs(&after, rate), &[frame(100, rate), frame(200, rate)]);
    // Back, into the middle of a click: it does not go on; the next beat is at 500 ms.
    m.try_seek(Duration::from_millis(10)).unwrap();
    let back: Vec<f32> = m.by_ref().take(frame(600, rate)).collect();
    assert_onsets(&runs(&back, rate), &[frame(490, rate)]);
    // To a beat's very time: it sounds.
    m.try_seek(Duration::from_millis(2_000)).unwrap();
    let on: Vec<f32> = m.by_ref().take(frame(100, rate)).collect();
    assert_onsets(&runs(&on, rate), &[0]);
}

#[test]
fn at_another_speed_clicks_start_on_the_same_frames_and_keep_their_sound() {
    let rate = 48_000;
    let src = silence(1, rate, 1.0);
    let beats = [(100, false), (400, false)];
    let c = clicks(&beats, &[700], ALL_ON);
    let normal = diff(&mix(&c, 1, rate, &src), &src, 1, 0);
    c.set_speed(2.0);
    let fast = diff(&mix(&c, 1, rate, &src), &src, 1, 0);
    let (rn, rf) = (runs(&normal, rate), runs(&fast, rate));
    let expected: Vec<usize> = [100, 400, 700].iter().map(|&t| frame(t, rate)).collect();
    assert_onsets(&rn, &expected);
    assert_onsets(&rf, &expected);
    // Played twice as fast by rodio, a click read at double step lasts as long as before.
    for (n, f) in rn.iter().zip(&rf) {
        let (ln, lf) = ((n.1 - n.0) as f64, (f.1 - f.0) as f64);
        assert!((lf / ln - 0.5).abs() < 0.1, "{ln} frames at 1×, {lf} at 2×");
    }
    // Frame k at 2× is frame 2k of the click.
    let b = frame(100, rate);
    for k in 0..200 {
        assert!((fast[b + k] - normal[b + 2 * k]).abs() < 1e-5, "{k}");
    }
}

#[test]
fn a_schedule_set_while_playing_is_heard_from_then_on() {
    let rate = 48_000;
    let mut c = clicks(&[], &[100, 900], ALL_ON);
    let src = silence(1, rate, 1.5);
    let mut m = c.mix(buffer(1, rate, src));
    let first: Vec<f32> = m.by_ref().take(frame(300, rate)).collect();
    assert_onsets(&runs(&first, rate), &[frame(100, rate)]);
    // The designer moves the cue at 900 to 600 and adds one at 1200.
    c.set_times(vec![], vec![100, 600, 1_200]);
    let rest: Vec<f32> = m.by_ref().collect();
    let expected: Vec<usize> = [600, 1_200]
        .iter()
        .map(|&t| frame(t, rate) - frame(300, rate))
        .collect();
    assert_onsets(&runs(&rest, rate), &expected);
    // The levels too.
    let mut c = clicks(&[], &[100, 900], ALL_ON);
    let mut m = c.mix(buffer(1, rate, silence(1, rate, 1.5)));
    let _ = m.by_ref().take(frame(300, rate)).count();
    c.set_levels(ClickLevels {
        cues: false,
        ..ALL_ON
    });
    assert!(m.all(|s| s == 0.0));
}

#[test]
fn replaced_schedules_are_freed_by_the_app_not_the_audio_thread() {
    let mut c = clicks(&[], &[100], ALL_ON);
    let mut m = c.mix(buffer(1, 48_000, silence(1, 48_000, 1.0)));
    let held = Arc::downgrade(c.schedule());
    c.set_times(vec![], vec![200]);
    // The mixer still holds the old one: the handle keeps it too.
    assert_eq!(held.strong_count(), 2);
    let _ = m.by_ref().take(CHECK_EVERY_FRAMES as usize + 1).count();
    assert_eq!(held.strong_count(), 1, "the mixer took the new one");
    c.set_times(vec![], vec![300]);
    assert_eq!(held.strong_count(), 0, "freed by set_times");
}

#[test]
fn the_schedule_is_sorted_and_unchanged_times_are_not_republished() {
    let s = ClickSchedule::new(
        vec![(500, false), (0, true), (500, true)],
        vec![30, 10, 30, 20],
        ClickLevels {
            metronome_level: 7.0,
            cue_level: f32::NAN,
            ..ALL_ON
        },
    );
    assert_eq!(s.beats, [(0, true), (500, true)]);
    assert_eq!(s.cues, [10, 20, 30]);
    assert_eq!((s.levels.metronome_level, s.levels.cue_level), (1.0, 0.0));
    let mut c = clicks(&[(0, true)], &[10], ALL_ON);
    let before = c.schedule().clone();
    c.set_times(vec![(0, true)], vec![10, 10]);
    assert!(Arc::ptr_eq(&before, c.schedule()));
}

#[test]
fn the_played_position_follows_the_mixer() {
    let rate = 44_100;
    let c = Clicks::new();
    assert_eq!(c.played_ms(), None);
    let mut m = c.mix(buffer(2, rate, silence(2, rate, 1.0)));
    let _ = m.by_ref().take(2 * frame(250, rate) + 1).count();
    assert_eq!(c.played_ms(), Some(250));
}

/// A WAV of silence: 16-bit PCM, `channels` × `frames` at `rate`.
fn write_wav(path: &std::path::Path, channels: u16, rate: u32, frames: u32) {
    let data_len = frames * u32::from(channels) * 2;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
    b.extend_from_slice(&(channels * 2).to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    b.resize(b.len() + data_len as usize, 0);
    std::fs::write(path, b).unwrap();
}

#[test]
fn the_players_playback_clicks_at_show_time_after_a_seek() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("silence.wav");
    let rate = 22_050;
    write_wav(&path, 2, rate, rate * 2);
    let c = clicks(&[(250, true), (1_250, false)], &[700], ALL_ON);
    let playback = crate::audio::stream::Playback::open(&path).unwrap();
    let mut m = c.mix(playback);
    assert_eq!(m.channels().get(), 2);
    let head: Vec<f32> = m.by_ref().take(2 * frame(500, rate)).collect();
    let left = |xs: &[f32]| xs.iter().step_by(2).copied().collect::<Vec<f32>>();
    assert_onsets(&runs(&left(&head), rate), &[frame(250, rate)]);
    m.try_seek(Duration::from_millis(600)).unwrap();
    let rest: Vec<f32> = m.collect();
    assert_eq!(rest.len(), 2 * (2 * rate as usize - frame(600, rate)));
    let expected = [frame(100, rate), frame(650, rate)];
    assert_onsets(&runs(&left(&rest), rate), &expected);
}
