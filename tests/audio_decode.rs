//! Decoding real WAV, MP3, FLAC and OGG files made with sox at test time: background
//! loading into peaks, parallel against sequential decoding, errors for missing and
//! corrupt files, and the `waveform` JSON. Needs `sox` (with MP3 and Vorbis support).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use cuestudio::audio::AudioError;
use cuestudio::audio::load::{LoadEvent, probe_duration_ms, spawn_load};
use cuestudio::audio::peaks::Peaks;
use cuestudio::audio::waveform::Waveform;
use cuestudio::cli::audio::{WaveformArgs, waveform};

const FORMATS: [&str; 4] = ["wav", "mp3", "flac", "ogg"];

/// Runs sox; fails the test when sox is missing (CI installs it).
fn sox(args: &[&str]) {
    let status = Command::new("sox").args(args).status().unwrap_or_else(|e| {
        panic!("sox is required for these tests (apt-get install sox libsox-fmt-all): {e}")
    });
    assert!(status.success(), "sox {args:?} failed");
}

/// 1 s of silence, 1 s of a 440 Hz sine at half scale, 1 s of silence (stereo, 44.1 kHz).
fn tone_fixture(dir: &Path, ext: &str) -> PathBuf {
    let path = dir.join(format!("tone.{ext}"));
    let p = path.to_string_lossy().into_owned();
    sox(&[
        "-R", "-n", "-r", "44100", "-c", "2", &p, "synth", "1", "sine", "440", "vol", "0.5", "pad",
        "1", "1",
    ]);
    path
}

fn load_to_end(path: PathBuf) -> (Arc<RwLock<Peaks>>, Vec<LoadEvent>, usize) {
    let repaints = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&repaints);
    let load = spawn_load(
        path,
        Box::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
    );
    let mut events = Vec::new();
    loop {
        let event = load
            .events
            .recv_timeout(Duration::from_secs(60))
            .expect("the loader reports within 60 s");
        let last = matches!(event, LoadEvent::Done { .. } | LoadEvent::Failed(_));
        events.push(event);
        if last {
            break;
        }
    }
    (load.peaks, events, repaints.load(Ordering::SeqCst))
}

#[test]
fn every_format_loads_into_peaks_that_show_the_tone() {
    let dir = tempfile::tempdir().unwrap();
    for ext in FORMATS {
        let path = tone_fixture(dir.path(), ext);
        let header_ms = probe_duration_ms(&path).unwrap();
        assert!(
            (header_ms - 3000).abs() <= 80,
            "{ext}: header duration {header_ms}"
        );
        let (peaks, events, repaints) = load_to_end(path);
        let Some(LoadEvent::Done { duration_ms }) = events.last() else {
            panic!("{ext}: {events:?}");
        };
        assert!(
            (duration_ms - 3000).abs() <= 80,
            "{ext}: decoded {duration_ms} ms"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, LoadEvent::Progress { .. })),
            "{ext}"
        );
        assert!(repaints >= 1);
        let peaks = peaks.read().unwrap();
        assert_eq!(peaks.sample_rate(), 44_100);
        // 30 columns of 100 ms; skip those next to the edges (codec delay, fades).
        let cols = peaks.columns(0, 3000, 30);
        for (i, col) in cols.iter().enumerate() {
            let (lo, hi) = col.unwrap_or_else(|| panic!("{ext}: column {i} missing"));
            if (1..9).contains(&i) || (21..29).contains(&i) {
                assert!(
                    hi < 0.02 && lo > -0.02,
                    "{ext}: column {i} should be silent: {lo} {hi}"
                );
            } else if (11..19).contains(&i) {
                assert!(
                    (hi - 0.5).abs() < 0.05 && (lo + 0.5).abs() < 0.05,
                    "{ext}: column {i}: {lo} {hi}"
                );
            }
        }
        assert_eq!(
            peaks.columns(3100, 4000, 9),
            vec![None; 9],
            "{ext}: past the end"
        );
    }
}

#[test]
fn parallel_chunks_match_sequential_decoding() {
    let dir = tempfile::tempdir().unwrap();
    // 70 s of a chord with a beat: 4 chunks, so chunk seams fall inside the music.
    let wav = dir.path().join("long.wav");
    let w = wav.to_string_lossy().into_owned();
    sox(&[
        "-R", "-n", "-r", "44100", "-c", "2", &w, "synth", "70", "sine", "220", "sine", "331",
        "tremolo", "2", "90",
    ]);
    for ext in FORMATS {
        let path = dir.path().join(format!("long.{ext}"));
        if ext != "wav" {
            sox(&["-R", &w, &path.to_string_lossy()]);
        }
        let seq = Waveform::compute(&path, 100, 16, 1).unwrap();
        let par = Waveform::compute(&path, 100, 16, 2).unwrap();
        assert_eq!(seq.samples_per_pixel, 441);
        assert!(
            (seq.data.len() as i64 - 7000).abs() <= 10,
            "{ext}: {} pixels",
            seq.data.len()
        );
        assert_eq!(seq.data.len(), par.data.len(), "{ext}");
        let worst = seq
            .data
            .iter()
            .zip(&par.data)
            .map(|(a, b)| (a.0 - b.0).unsigned_abs().max((a.1 - b.1).unsigned_abs()))
            .max()
            .unwrap_or(0);
        assert!(
            worst <= 2,
            "{ext}: parallel differs from sequential by {worst}"
        );
        assert!(
            seq.data.iter().any(|&(_, hi)| hi > 10_000),
            "{ext}: the audio is there"
        );
    }
}

#[test]
fn missing_corrupt_and_unsupported_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.ogg");
    let err = probe_duration_ms(&missing).unwrap_err();
    assert!(matches!(err, AudioError::Io { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}: ", missing.display())),
        "{err}"
    );

    let text = dir.path().join("notes.mp3");
    std::fs::write(
        &text,
        "these are not the frames you are looking for\n".repeat(100),
    )
    .unwrap();
    let err = Waveform::compute(&text, 100, 16, 2).unwrap_err();
    assert_eq!(err.path(), text);
    assert!(err.to_string().contains("notes.mp3"), "{err}");

    // A real OGG cut in half and with its middle overwritten.
    let ogg = tone_fixture(dir.path(), "ogg");
    let mut bytes = std::fs::read(&ogg).unwrap();
    let n = bytes.len();
    bytes[n / 4..n / 2].iter_mut().for_each(|b| *b = 0x5a);
    bytes.truncate(n * 3 / 4);
    let broken = dir.path().join("broken.ogg");
    std::fs::write(&broken, &bytes).unwrap();
    // Either an error naming the file or the part that survives, never a panic.
    match Waveform::compute(&broken, 100, 16, 2) {
        Ok(w) => assert!(w.data.len() < 300),
        Err(e) => assert!(e.to_string().contains("broken.ogg"), "{e}"),
    }

    let (_, events, _) = load_to_end(missing.clone());
    match events.last() {
        Some(LoadEvent::Failed(msg)) => assert!(msg.contains("nope.ogg"), "{msg}"),
        other => panic!("{other:?}"),
    }

    let args = WaveformArgs {
        audio: missing,
        output: None,
        pixels_per_second: 100,
        bits: 16,
    };
    assert_eq!(waveform(&args), std::process::ExitCode::from(2));
}

#[test]
fn waveform_command_writes_audiowaveform_json() {
    let dir = tempfile::tempdir().unwrap();
    let flac = tone_fixture(dir.path(), "flac");
    let out = dir.path().join("tone.json");
    let args = WaveformArgs {
        audio: flac,
        output: Some(out.clone()),
        pixels_per_second: 20,
        bits: 8,
    };
    assert_eq!(waveform(&args), std::process::ExitCode::SUCCESS);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["version"], 2);
    assert_eq!(v["channels"], 1);
    assert_eq!(v["sample_rate"], 44_100);
    assert_eq!(v["samples_per_pixel"], 2205);
    assert_eq!(v["bits"], 8);
    assert_eq!(v["length"], 60);
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 60 * 2);
    let vals: Vec<i64> = data.iter().map(|x| x.as_i64().unwrap()).collect();
    assert!(vals.iter().all(|x| (-128..=127).contains(x)));
    // Pixel 30 (1.5 s) is in the tone: about half of full scale.
    assert!(
        (vals[61] - 64).abs() <= 4 && (vals[60] + 64).abs() <= 4,
        "{:?}",
        &vals[60..62]
    );
    assert_eq!((vals[10], vals[11]), (0, 0));
}
