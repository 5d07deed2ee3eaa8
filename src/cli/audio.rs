//! `cuestudio waveform`: an audio file's overview as audiowaveform JSON.

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
