//! Decoding real WAV, MP3, FLAC and OGG files made with sox at test time, and the audio of
//! MP4, MOV, M4A, MKV and WebM files made with ffmpeg: background loading into peaks,
//! parallel against sequential decoding, playback through the rodio source, errors for
//! missing, empty, silent (no audio track) and corrupt files, and the `waveform` JSON.
//! Needs `sox` (with MP3 and Vorbis support) and `ffmpeg` (with libx264, libvpx,
//! libvorbis and libopus, as Debian's has); a missing tool fails the test.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use cuestudio::audio::AudioError;
use cuestudio::audio::load::{LoadEvent, probe_duration_ms, spawn_load};
use cuestudio::audio::peaks::Peaks;
use cuestudio::audio::player::Player;
use cuestudio::audio::stream::Playback;
use cuestudio::audio::waveform::Waveform;
use cuestudio::cli::audio::{WaveformArgs, waveform};
use rodio::Source as _;

const FORMATS: [&str; 4] = ["wav", "mp3", "flac", "ogg"];

/// Files made by ffmpeg from a WAV: (file name, ffmpeg arguments after the inputs). The
/// `video` ones also take a 3 s, 10 fps test picture as their first stream.
const FFMPEG_FORMATS: [(&str, bool, &[&str]); 7] = [
    ("clip.mp4", true, &["-c:v", "libx264", "-c:a", "aac"]),
    ("clip.mov", true, &["-c:v", "libx264", "-c:a", "aac"]),
    ("song.m4a", false, &["-c:a", "aac"]),
    ("lossless.m4a", false, &["-c:a", "alac"]),
    ("clip.mkv", true, &["-c:v", "libx264", "-c:a", "libvorbis"]),
    ("clip.webm", true, &["-c:v", "libvpx", "-c:a", "libvorbis"]),
    ("song.mka", false, &["-c:a", "flac"]),
];

/// Runs ffmpeg quietly; fails the test when ffmpeg is missing (CI installs it).
fn ffmpeg(args: &[&str]) {
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-y"])
        .args(args)
        .status()
        .unwrap_or_else(|e| {
            panic!("ffmpeg is required for these tests (apt-get install ffmpeg): {e}")
        });
    assert!(status.success(), "ffmpeg {args:?} failed");
}

/// `name` made by ffmpeg from `wav` (`seconds` long): with a 64×64 test picture as the
/// first stream when `video`.
fn ffmpeg_fixture(
    dir: &Path,
    wav: &Path,
    seconds: u32,
    (name, video, codecs): (&str, bool, &[&str]),
) -> PathBuf {
    let path = dir.join(name);
    let (w, p) = (wav.to_string_lossy(), path.to_string_lossy());
    let picture = format!("testsrc=size=64x64:rate=10:duration={seconds}");
    let mut args = Vec::new();
    if video {
        args.extend(["-f", "lavfi", "-i", &picture]);
    }
    args.extend(["-i", &w]);
    args.extend(codecs);
    args.push(&p);
    ffmpeg(&args);
    path
}

/// How often `needle` occurs in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

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

/// Checks peaks of the tone fixture: silence, then the tone at half scale from 1 s to 2 s,
/// then silence, in 100 ms columns (those next to the edges skipped: codec delay, fades).
fn assert_tone_columns(peaks: &Peaks, what: &str) {
    let cols = peaks.columns(0, 3000, 30);
    for (i, col) in cols.iter().enumerate() {
        let (lo, hi) = col.unwrap_or_else(|| panic!("{what}: column {i} missing"));
        if (1..9).contains(&i) || (21..29).contains(&i) {
            assert!(
                hi < 0.02 && lo > -0.02,
                "{what}: column {i} should be silent: {lo} {hi}"
            );
        } else if (11..19).contains(&i) {
            assert!(
                (hi - 0.5).abs() < 0.05 && (lo + 0.5).abs() < 0.05,
                "{what}: column {i}: {lo} {hi}"
            );
        }
    }
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
        assert_tone_columns(&peaks, ext);
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
    let mut files: Vec<(String, PathBuf)> = FORMATS
        .iter()
        .map(|ext| {
            let path = dir.path().join(format!("long.{ext}"));
            if *ext != "wav" {
                sox(&["-R", &w, &path.to_string_lossy()]);
            }
            (ext.to_string(), path)
        })
        .collect();
    // Seeks in MP4 (AAC after a video track, with an edit list), ALAC and Matroska
    // (millisecond timestamps).
    for spec in FFMPEG_FORMATS {
        if ["clip.mp4", "lossless.m4a", "clip.mkv"].contains(&spec.0) {
            let path = ffmpeg_fixture(dir.path(), &wav, 70, spec);
            files.push((spec.0.to_string(), path));
        }
    }
    for (ext, path) in files {
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
        // AAC fills some bands with noise (PNS) from the decoder's random state, which a
        // seek resets: a few units of noise anywhere after a chunk seam.
        let tolerance = if ext == "clip.mp4" { 8 } else { 2 };
        assert!(
            worst <= tolerance,
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

#[test]
fn the_audio_of_videos_and_apple_files_loads_like_audio() {
    let dir = tempfile::tempdir().unwrap();
    let wav = tone_fixture(dir.path(), "wav");
    // Where the tone starts, in 1 ms pixels.
    let onset = |path: &Path| {
        let w = Waveform::compute(path, 1000, 16, 1).unwrap_or_else(|e| panic!("{e}"));
        w.data.iter().position(|&(_, hi)| hi > 8_000)
    };
    let Some(wav_onset) = onset(&wav) else {
        panic!("no tone in the WAV");
    };
    for spec in FFMPEG_FORMATS {
        let name = spec.0;
        let path = ffmpeg_fixture(dir.path(), &wav, 3, spec);
        // Within one AAC frame (1024 frames, 23 ms) of the WAV's 3 s.
        let header_ms = probe_duration_ms(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            (header_ms - 3000).abs() <= 23,
            "{name}: header duration {header_ms}"
        );
        let (peaks, events, _) = load_to_end(path.clone());
        let Some(LoadEvent::Done { duration_ms }) = events.last() else {
            panic!("{name}: {events:?}");
        };
        assert!(
            (duration_ms - 3000).abs() <= 23,
            "{name}: decoded {duration_ms} ms"
        );
        let peaks = peaks.read().unwrap();
        assert_eq!(peaks.sample_rate(), 44_100, "{name}");
        assert_tone_columns(&peaks, name);
        // The tone starts where the WAV's does: AAC's priming (23 ms) is trimmed by the
        // MP4 edit list; Matroska's timestamps are whole milliseconds.
        let at = onset(&path).unwrap_or_else(|| panic!("{name}: no tone"));
        assert!(
            at.abs_diff(wav_onset) <= 4,
            "{name}: the tone starts at pixel {at}, the WAV's at {wav_onset}"
        );
    }
}

#[test]
fn playback_plays_the_audio_track_of_a_video_and_seeks_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let wav = tone_fixture(dir.path(), "wav");
    let mut files = vec![wav.clone()];
    for spec in FFMPEG_FORMATS {
        if ["clip.mp4", "clip.mkv"].contains(&spec.0) {
            files.push(ffmpeg_fixture(dir.path(), &wav, 3, spec));
        }
    }
    for path in files {
        let name = path.display().to_string();
        let mut pb = Playback::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pb.channels().get(), 2, "{name}");
        assert_eq!(pb.sample_rate().get(), 44_100, "{name}");
        // rodio's own decoder says 1.8 s here (the video track's length in the audio's
        // time base) and clamps its seeks to that.
        let total = pb.total_duration().map_or(0, |d| d.as_millis() as i64);
        assert!((total - 3000).abs() <= 23, "{name}: {total} ms");
        let samples: Vec<f32> = pb.by_ref().collect();
        let frames = samples.len() as i64 / 2;
        assert!((frames - 132_300).abs() <= 1024, "{name}: {frames} frames");
        let onset = samples
            .chunks(2)
            .position(|f| f[0].abs() > 0.25)
            .unwrap_or_else(|| panic!("{name}: no tone"));
        // Within 4 ms of 1 s, as in the waveform (ffmpeg stamps Vorbis in Matroska about
        // 3 ms later than in OGG).
        assert!(
            onset.abs_diff(44_100) <= 176,
            "{name}: tone at frame {onset}"
        );

        // Into the tone, then back into the first silence.
        assert!(pb.try_seek(Duration::from_millis(1500)).is_ok(), "{name}");
        let tone: Vec<f32> = pb.by_ref().take(2 * 4410).collect();
        assert!(
            tone.iter().any(|s| s.abs() > 0.4),
            "{name}: silent after seek"
        );
        let rest = (pb.by_ref().count() + tone.len()) as i64 / 2;
        assert!((rest - 66_150).abs() <= 1024, "{name}: {rest} frames left");
        assert!(pb.try_seek(Duration::from_millis(300)).is_ok(), "{name}");
        let quiet: Vec<f32> = pb.by_ref().take(2 * 26_460).collect();
        assert_eq!(quiet.len(), 2 * 26_460, "{name}");
        assert!(
            quiet.iter().all(|s| s.abs() < 0.02),
            "{name}: 0.3 s to 0.9 s should be silent"
        );
    }
}

#[test]
fn empty_files_and_videos_without_sound_say_so_naming_the_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("show.mp3");
    std::fs::write(&empty, b"").unwrap();
    let expected = format!("{}: empty file", empty.display());
    let err = probe_duration_ms(&empty).unwrap_err();
    assert!(matches!(err, AudioError::Empty { .. }), "{err:?}");
    assert_eq!(err.to_string(), expected);
    let (_, events, _) = load_to_end(empty.clone());
    assert_eq!(events.last(), Some(&LoadEvent::Failed(expected.clone())));
    let mut player = Player::with_clock(Box::new(cuestudio::audio::player::ManualClock::new()));
    let opened = player.open(&empty).map_err(|e| e.to_string());
    assert_eq!(opened, Err(expected.clone()));
    let cli = Command::new(env!("CARGO_BIN_EXE_cuestudio"))
        .arg("waveform")
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&cli.stderr),
        format!("{expected}\n")
    );

    // A video without sound.
    let silent = dir.path().join("silent.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=64x64:rate=10:duration=1",
        "-c:v",
        "libx264",
        &silent.to_string_lossy(),
    ]);
    let err = Waveform::compute(&silent, 100, 16, 2).unwrap_err();
    assert!(matches!(err, AudioError::NoAudio { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{}: no audio track", silent.display())
    );

    // Opus (WebM's usual audio), which symphonia cannot decode: named, with a way out.
    let wav = tone_fixture(dir.path(), "wav");
    let opus = ffmpeg_fixture(
        dir.path(),
        &wav,
        3,
        ("opus.webm", true, &["-c:v", "libvpx", "-c:a", "libopus"]),
    );
    let err = probe_duration_ms(&opus).unwrap_err().to_string();
    assert!(err.contains("Opus") && err.contains("ffmpeg"), "{err}");

    // Not audio at all: the formats are listed.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "just some words\n").unwrap();
    let err = probe_duration_ms(&text).unwrap_err().to_string();
    assert!(err.contains("MP4") && err.contains("WAV"), "{err}");

    for file in [&silent, &opus, &text] {
        let shown = probe_duration_ms(file).unwrap_err().to_string();
        let path = file.display().to_string();
        assert_eq!(count(&shown, &path), 1, "the path once: {shown}");
    }
}

#[test]
fn waveform_command_reads_the_audio_of_an_mp4() {
    let dir = tempfile::tempdir().unwrap();
    let wav = tone_fixture(dir.path(), "wav");
    let mp4 = ffmpeg_fixture(dir.path(), &wav, 3, FFMPEG_FORMATS[0]);
    let out = dir.path().join("clip.json");
    let args = WaveformArgs {
        audio: mp4.clone(),
        output: Some(out.clone()),
        pixels_per_second: 20,
        bits: 8,
    };
    assert_eq!(waveform(&args), std::process::ExitCode::SUCCESS);
    let from_file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    // The binary, as a pipeline runs it: the same JSON on stdout.
    let cli = Command::new(env!("CARGO_BIN_EXE_cuestudio"))
        .arg("waveform")
        .arg(&mp4)
        .args(["--pixels-per-second", "20", "--bits", "8"])
        .output()
        .unwrap();
    assert_eq!(
        cli.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(v, from_file);
    assert_eq!(v["version"], 2);
    assert_eq!(v["channels"], 1);
    assert_eq!(v["sample_rate"], 44_100);
    assert_eq!(v["samples_per_pixel"], 2205);
    assert_eq!(v["bits"], 8);
    assert_eq!(v["length"], 60);
    let vals: Vec<i64> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect();
    assert_eq!(vals.len(), 120);
    // Pixel 30 (1.5 s) is in the tone: about half of full scale; pixel 5 is silent.
    assert!(
        (vals[61] - 64).abs() <= 4 && (vals[60] + 64).abs() <= 4,
        "{:?}",
        &vals[60..62]
    );
    assert_eq!((vals[10], vals[11]), (0, 0));
}

#[test]
fn a_video_longer_than_its_sound_ends_with_the_sound() {
    let dir = tempfile::tempdir().unwrap();
    // 30 s of sound under 70 s of picture: Matroska gives every track the 70 s, so the
    // chunks past 30 s find no audio.
    let wav = dir.path().join("thirty.wav");
    let w = wav.to_string_lossy().into_owned();
    sox(&[
        "-R", "-n", "-r", "44100", "-c", "2", &w, "synth", "30", "sine", "220", "tremolo", "2",
        "90",
    ]);
    for spec in [FFMPEG_FORMATS[0], FFMPEG_FORMATS[4]] {
        let name = spec.0;
        let path = ffmpeg_fixture(dir.path(), &wav, 70, spec);
        for threads in [1, 2] {
            let w = Waveform::compute(&path, 10, 16, threads).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                (w.data.len() as i64 - 300).abs() <= 2,
                "{name} on {threads} threads: {} pixels of 100 ms",
                w.data.len()
            );
        }
        let (_, events, _) = load_to_end(path.clone());
        let Some(LoadEvent::Done { duration_ms }) = events.last() else {
            panic!("{name}: {events:?}");
        };
        assert!(
            (duration_ms - 30_000).abs() <= 100,
            "{name}: {duration_ms} ms"
        );
        // Playback past the sound's end plays nothing, without an error.
        let mut pb = Playback::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(pb.try_seek(Duration::from_secs(50)).is_ok(), "{name}");
        assert_eq!(pb.by_ref().count(), 0, "{name}");
        assert!(pb.try_seek(Duration::from_secs(29)).is_ok(), "{name}");
        let left = pb.by_ref().count() as i64 / 2;
        assert!(
            (left - 44_100).abs() <= 4410,
            "{name}: {left} frames after 29 s"
        );
    }
}

#[test]
fn decode_mono_decimates_as_the_beat_analysis_does_and_the_analysis_is_the_same() {
    use cuestudio::audio::decode::decode_mono;
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("clicks.wav");
    let reference = support::click_wav(&wav, 125.0, 12.0);
    let (full, rate) = decode_mono(&wav, 2, |_| 1).unwrap();
    assert_eq!(rate, 44_100);
    assert_eq!(beats::decimation(rate), 4);
    let (quarter, quarter_rate) = decode_mono(&wav, 2, beats::decimation).unwrap();
    assert_eq!(quarter_rate, 11_025);
    assert_eq!(quarter.len(), full.len().div_ceil(4));
    for (i, run) in full.chunks(4).enumerate() {
        let mean = run.iter().sum::<f32>() / run.len() as f32;
        assert_eq!(quarter[i], mean, "run {i}");
    }
    // The analysis does the same reduction first: the same beats either way.
    let a = beats::analyse(&full, rate, &mut |_| {});
    let b = beats::analyse(&quarter, quarter_rate, &mut |_| {});
    assert_eq!(a, b);
    assert_eq!(a.beats.len(), reference.len());
    // A factor that does not divide the rate decodes at the full rate.
    let (same, same_rate) = decode_mono(&wav, 2, |_| 11).unwrap();
    assert_eq!((same.len(), same_rate), (full.len(), 44_100));
}
