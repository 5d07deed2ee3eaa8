//! Writes the beat-analysis test set of `bench/beats/`: for each song of the synthetic set
//! (`tests/support/synth.rs`), `NAME.wav` (44.1 kHz, 16-bit mono) and `NAME.beats` (one
//! line per beat: time in seconds, tab, position in the bar, 1 for a downbeat).
//!
//! `cargo run --release -p beats --example testset -- OUTDIR [--sweep SWEEPDIR] [--long
//! SECONDS]`: with `--sweep`, also the sweep of six styles at six tempos (`synth::sweep`, 24
//! bars each) in SWEEPDIR; with `--long`, also `long.wav`, a pop song of about that many
//! seconds for timing.

#[path = "../tests/support/synth.rs"]
mod synth;

use std::io::Write as _;
use std::path::{Path, PathBuf};

fn write_wav(path: &Path, samples: &[f32], rate: u32) -> std::io::Result<()> {
    let data_len = u32::try_from(samples.len() * 2).unwrap_or(u32::MAX);
    let mut b = Vec::with_capacity(44 + samples.len() * 2);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * 2).to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        b.extend_from_slice(&((s.clamp(-1.0, 1.0) * 32_767.0) as i16).to_le_bytes());
    }
    std::fs::write(path, b)
}

fn write_song(dir: &Path, song: &synth::Song) -> std::io::Result<()> {
    let r = synth::render(song);
    write_wav(
        &dir.join(format!("{}.wav", song.name)),
        &r.samples,
        r.sample_rate,
    )?;
    let mut f = std::fs::File::create(dir.join(format!("{}.beats", song.name)))?;
    for (t, pos) in &r.beats {
        writeln!(f, "{t:.4}\t{pos}")?;
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: testset OUTDIR [--sweep SWEEPDIR] [--long SECONDS]");
        return std::process::ExitCode::from(2);
    };
    let sweep = args
        .iter()
        .position(|a| a == "--sweep")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let long = args
        .iter()
        .position(|a| a == "--long")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse::<f64>().ok());
    let result = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        for song in synth::test_set(44_100, 1.0) {
            write_song(&dir, &song)?;
            println!("{}", song.name);
        }
        if let Some(sweep) = &sweep {
            std::fs::create_dir_all(sweep)?;
            for mut song in synth::sweep(44_100, 24) {
                song.sample_rate = 44_100;
                write_song(sweep, &song)?;
            }
        }
        if let Some(seconds) = long {
            let bars = (seconds / 2.0).round() as u32;
            let mut song = synth::Song::new("long", synth::Style::Pop, 120.0, bars);
            song.sample_rate = 44_100;
            let r = synth::render(&song);
            write_wav(&dir.join("long.wav"), &r.samples, r.sample_rate)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            std::process::ExitCode::from(2)
        }
    }
}
