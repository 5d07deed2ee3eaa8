//! `cuestudio import`: the timing files designers already have (Audacity labels, CSV, LRC,
//! SRT, xLights timing tracks, REAPER marker lists, MIDI) into a new show or an existing one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cuesheet::timing::Format;
use cuesheet::{Cue, Document};

use super::{EXIT_INVALID, EXIT_IO, problem_lines};

/// Import a timing file as cues: into a new show (`-o`) or added to a show (`--into`).
#[derive(clap::Args, Debug)]
#[command(
    group = clap::ArgGroup::new("target").required(true).args(["output", "into"]),
    after_help = "Formats: audacity (.txt label track), csv (time,action[,tolerance,duration,\
                  lane,note]), lrc, srt, xtiming (xLights), reaper (Region/Marker Manager \
                  CSV), midi (.mid: the notes of --track, by default the first track with \
                  notes; the file's tempo map and time signatures become the show's tempo \
                  grid unless the show already has one).\n\n\
                  Examples:\n  cuestudio import labels.txt -o new.cueshow.json\n  \
                  cuestudio import lyrics.srt --lane Lyrics --into show.cueshow.json\n  \
                  cuestudio import markers.csv --format reaper --action startSong1 -o new.cueshow.json"
)]
pub struct ImportArgs {
    /// The timing file.
    pub file: PathBuf,
    /// Its format; by default from the file's extension.
    #[arg(long, value_name = "F")]
    pub format: Option<String>,
    /// Give every imported cue this action.
    #[arg(long, value_name = "NAME")]
    pub action: Option<String>,
    /// Put every imported cue in this lane.
    #[arg(long, value_name = "NAME")]
    pub lane: Option<String>,
    /// MIDI: the track whose notes become cues (0-based, as `cuestudio import` lists them
    /// when it does not exist); by default the first track with notes.
    #[arg(long, value_name = "N")]
    pub track: Option<usize>,
    /// Write a new show with the imported cues (atomically).
    #[arg(short, long, value_name = "NEW")]
    pub output: Option<PathBuf>,
    /// Add the imported cues to this show and save it (atomically).
    #[arg(long, value_name = "SHOW")]
    pub into: Option<PathBuf>,
}

fn names() -> String {
    Format::ALL.map(|f| f.name()).join(", ")
}

fn format_of(args: &ImportArgs) -> Result<Format, String> {
    match &args.format {
        Some(name) => Format::from_name(name)
            .ok_or_else(|| format!("unknown format {name:?}; one of: {}", names())),
        None => Format::from_path(&args.file).ok_or_else(|| {
            format!(
                "{}: cannot tell the format from the name; say it with --format ({})",
                args.file.display(),
                names()
            )
        }),
    }
}

pub fn import(args: &ImportArgs) -> ExitCode {
    let format = match format_of(args) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_IO);
        }
    };
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: {e}", args.file.display());
            return ExitCode::from(EXIT_IO);
        }
    };
    let imported = match format {
        Format::Midi => cuesheet::timing::midi::read(&bytes).and_then(|midi| {
            let cues = match args.track {
                Some(track) => midi.track_cues(track)?,
                None => midi.first_notes(),
            };
            Ok((cues, midi.tempo_sections()))
        }),
        _ if args.track.is_some() => {
            eprintln!(
                "--track is for MIDI files; {} is {}",
                args.file.display(),
                format.name()
            );
            return ExitCode::from(EXIT_IO);
        }
        _ => format.import(&bytes).map(|cues| (cues, Vec::new())),
    };
    let (mut cues, tempo) = match imported {
        Ok(c) => c,
        Err(e) => {
            for line in problem_lines(&args.file, &e) {
                eprintln!("{line}");
            }
            return ExitCode::from(EXIT_INVALID);
        }
    };
    cuesheet::timing::assign(&mut cues, args.action.as_deref(), args.lane.as_deref());
    let n = cues.len();
    let (out, mut show) = match (&args.output, &args.into) {
        (_, Some(into)) => match add_to(into, cues) {
            Ok(show) => (into, show),
            Err(code) => return ExitCode::from(code),
        },
        (Some(out), None) => (out, cuesheet::show_from_sheet(cues)),
        (None, None) => return ExitCode::from(EXIT_IO), // clap requires one
    };
    if !tempo.is_empty() {
        if show.tempo.is_empty() {
            eprintln!(
                "tempo grid from the file: {}",
                tempo
                    .iter()
                    .map(|s| format!("{} BPM {} at {} ms", s.bpm, s.meter(), s.time))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            show.tempo = tempo;
        } else {
            eprintln!(
                "{}: kept its own tempo grid; the file's tempo map was not imported",
                out.display()
            );
        }
    }
    if let Err(e) = cuesheet::write_atomic(out, cuesheet::show_to_json(&show).as_bytes()) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::from(EXIT_IO);
    }
    eprintln!(
        "imported {n} cues ({}) from {} into {}",
        format.name(),
        args.file.display(),
        out.display()
    );
    ExitCode::SUCCESS
}

/// The show at `path` with `cues` added; problems reported on stderr.
fn add_to(path: &Path, cues: Vec<Cue>) -> Result<cuesheet::Show, u8> {
    match super::load_or_report(path)? {
        Document::Show(mut show) => {
            show.cues.extend(cues);
            Ok(show)
        }
        Document::Sheet(_) => {
            eprintln!(
                "{}: a CDN cue sheet, not a show; import into a show (*.cueshow.json)",
                path.display()
            );
            Err(EXIT_INVALID)
        }
    }
}
