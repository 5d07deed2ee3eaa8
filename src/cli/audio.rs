//! `cuestudio waveform`: an audio file's overview as audiowaveform JSON; `cuestudio beats`:
//! its beats, downbeats and tempo map.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use super::EXIT_IO;
use crate::audio::decode;
use crate::audio::waveform::Waveform;

/// Write the waveform overview of an audio file (or of a video's audio track) as BBC
/// audiowaveform JSON (version 2), which peaks.js reads. Decodes on every core.
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
#[command(after_help = "Examples:\n  \
    cuestudio waveform show.ogg -o show.peaks.json\n  \
    cuestudio waveform song.mp3 --pixels-per-second 20 --bits 8 > song.json\n  \
    cuestudio waveform event-video.mp4 -o show.peaks.json")]
pub struct WaveformArgs {
    /// The audio file: WAV, AIFF, CAF, MP3, MP2, FLAC, OGG Vorbis, AAC or ALAC, or the
    /// audio track of an MP4, MOV, M4A, MKV or WebM (not Opus).
    #[arg(value_name = "AUDIO")]
    pub audio: PathBuf,
    /// Write the JSON here (atomically) instead of to standard output.
    #[arg(short, long, value_name = "OUT.json")]
    pub output: Option<PathBuf>,
    /// Horizontal resolution; samples per pixel = sample rate / this.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub pixels_per_second: u32,
    /// Bits per value in `data`: 8 or 16.
    #[arg(long, value_name = "BITS", default_value_t = 16, value_parser = parse_bits)]
    pub bits: u8,
}

fn parse_bits(s: &str) -> Result<u8, String> {
    match s {
        "8" => Ok(8),
        "16" => Ok(16),
        _ => Err(format!("must be 8 or 16, not {s:?}")),
    }
}

/// Runs `cuestudio waveform`: 0 on success, 2 on an I/O or decode error (reported on
/// stderr as "FILE: message").
pub fn waveform(args: &WaveformArgs) -> ExitCode {
    let wave = match Waveform::compute(
        &args.audio,
        args.pixels_per_second,
        args.bits,
        decode::default_threads(),
    ) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_IO);
        }
    };
    let json = wave.to_json();
    let (target, written) = match &args.output {
        Some(out) => (
            out.display().to_string(),
            cuesheet::write_atomic(out, json.as_bytes()),
        ),
        None => {
            let mut stdout = std::io::stdout().lock();
            let r = stdout
                .write_all(json.as_bytes())
                .and_then(|()| stdout.flush());
            ("<stdout>".to_string(), r)
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{target}: {e}");
            ExitCode::from(EXIT_IO)
        }
    }
}

/// Find the beats, downbeats and tempo of an audio file (or of a video's audio track):
/// onset strength, tempo by autocorrelation and beat tracking by dynamic programming, in
/// pure Rust (the `beats` crate). Prints a summary, or JSON with `--json`.
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
#[command(after_help = "Examples:\n  \
    cuestudio beats song.mp3\n  \
    cuestudio beats song.flac --json > song.beats.json\n\n\
    JSON: {\"bpm\": 128.0, \"beats\": [ms, …], \"downbeats\": [ms, …], \"confidence\": 0..1,\n  \
    \"beatsPerBar\": 4, \"sections\": [{\"time\": ms, \"bpm\": …, \"beatsPerBar\": …}, …]}\n\
    sections is the tempo map: one per run of steady tempo, from its first downbeat.")]
pub struct BeatsArgs {
    /// The audio file: WAV, AIFF, CAF, MP3, MP2, FLAC, OGG Vorbis, AAC or ALAC, or the
    /// audio track of an MP4, MOV, M4A, MKV or WebM (not Opus).
    #[arg(value_name = "AUDIO")]
    pub audio: PathBuf,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

/// Runs `cuestudio beats`: 0 on success (also when no beat is found: silence), 2 on an I/O
/// or decode error (reported on stderr as "FILE: message").
pub fn beats(args: &BeatsArgs) -> ExitCode {
    let (samples, rate) =
        match decode::decode_mono(&args.audio, decode::default_threads(), beats::decimation) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(EXIT_IO);
            }
        };
    let analysis = beats::analyse(&samples, rate, &mut |_| {});
    if args.json {
        outln!("{}", beats_json(&analysis));
    } else {
        for line in beats_summary(&args.audio, &analysis) {
            outln!("{line}");
        }
    }
    ExitCode::SUCCESS
}

/// The analysis as the JSON `cuestudio beats --json` prints.
fn beats_json(a: &beats::Analysis) -> serde_json::Value {
    let round = |x: f64| (x * 100.0).round() / 100.0;
    serde_json::json!({
        "bpm": round(a.bpm),
        "beats": a.beats,
        "downbeats": a.downbeats,
        "confidence": round(a.confidence),
        "beatsPerBar": a.beats_per_bar,
        "sections": a.sections.iter().map(|s| serde_json::json!({
            "time": s.time,
            "bpm": round(s.bpm),
            "beatsPerBar": s.beats_per_bar,
        })).collect::<Vec<_>>(),
    })
}

/// `m:ss.mmm` of a time in ms.
fn clock(ms: i64) -> String {
    let ms = ms.max(0);
    format!("{}:{:02}.{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000)
}

/// The human summary: tempo, meter, counts, confidence, and the tempo map when it changes.
fn beats_summary(path: &std::path::Path, a: &beats::Analysis) -> Vec<String> {
    if a.beats.is_empty() {
        return vec![format!("{}: no beats found", path.display())];
    }
    let mut lines = vec![format!(
        "{}: {:.1} BPM, {} beats to the bar, {} beats, {} bars, confidence {:.2}",
        path.display(),
        a.bpm,
        a.beats_per_bar,
        a.beats.len(),
        a.downbeats.len(),
        a.confidence
    )];
    if let (Some(first), Some(last)) = (a.beats.first(), a.beats.last()) {
        lines.push(format!("beats from {} to {}", clock(*first), clock(*last)));
    }
    if a.sections.len() > 1 {
        lines.push("tempo map:".to_string());
        for s in &a.sections {
            lines.push(format!(
                "  {}  {:.1} BPM  {}/4",
                clock(s.time),
                s.bpm,
                s.beats_per_bar
            ));
        }
    }
    lines
}
