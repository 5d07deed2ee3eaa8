//! The command line: `cuestudio [SHOW]` opens the editor; subcommands serve pipelines and
//! operators.
//!
//! Exit codes: 0 ok, 1 invalid input (or lint findings), 2 usage or I/O error. Problems go to
//! stderr as `FILE: location: message`, one line each.
//!
//! Every clap definition and exit code lives in this folder, one file per command group:
//! [`sheet`] (validate, export, info, lint), [`audio`] (waveform, beats), [`live`] (clock, follow),
//! [`publish`] and [`timing`] (import). The library modules they call take plain options and know nothing of
//! the command line; only `main.rs` calls into it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cuesheet::{Document, ParseError};

/// `println!` that never panics: a closed pipe (`cuestudio lint … | head`) ends the output
/// quietly instead.
macro_rules! outln {
    ($($arg:tt)*) => {{
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, $($arg)*);
    }};
}

pub mod audio;
pub mod live;
pub mod publish;
pub mod sheet;
pub mod timing;

/// Invalid input: a show or cue sheet with problems, lint findings.
const EXIT_INVALID: u8 = 1;
/// A usage error, or a file, device or server that could not be read or reached.
const EXIT_IO: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "cuestudio",
    version,
    about = "Author and run large synchronized viewing events",
    long_about = "Cuestudio authors cue sheets against the show's audio, checks them for drift \
                  risk, exports CDN-ready JSON and follows the live time server.\n\n\
                  Without a subcommand it opens the editor on SHOW (or the last show).",
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  cuestudio sample_shows/hoshizora.cueshow.json\n  \
                  cuestudio validate show.cueshow.json cues.json\n  \
                  cuestudio export show.cueshow.json -o cues.json --format seed"
)]
pub struct Cli {
    /// The show to open in the editor (`*.cueshow.json`, or a CDN cue sheet to import).
    pub show: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Validate(sheet::ValidateArgs),
    Export(sheet::ExportArgs),
    Info(sheet::InfoArgs),
    Lint(sheet::LintArgs),
    Waveform(audio::WaveformArgs),
    Beats(audio::BeatsArgs),
    Clock(live::ClockArgs),
    Follow(live::FollowArgs),
    Publish(publish::PublishArgs),
    Import(timing::ImportArgs),
}

pub fn main() -> ExitCode {
    init_tracing();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_IO)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        None => match crate::app::run(cli.show) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cuestudio: could not open the editor window: {e}");
                ExitCode::from(EXIT_IO)
            }
        },
        Some(Command::Validate(a)) => sheet::validate(&a),
        Some(Command::Export(a)) => sheet::export(&a),
        Some(Command::Info(a)) => sheet::info(&a),
        Some(Command::Lint(a)) => sheet::lint(&a),
        Some(Command::Waveform(a)) => audio::waveform(&a),
        Some(Command::Beats(a)) => audio::beats(&a),
        Some(Command::Clock(a)) => live::clock(&a),
        Some(Command::Follow(a)) => live::follow(&a),
        Some(Command::Publish(a)) => publish::publish(&a),
        Some(Command::Import(a)) => timing::import(&a),
    }
}

fn init_tracing() {
    // symphonia warns about every MP3 frame whose bit reservoir lies before a segment start
    // when segments are decoded in parallel; those frames are expected and handled, so
    // only its errors are shown unless RUST_LOG asks for more.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,symphonia=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// `FILE: location: message`, one line per problem.
fn problem_lines(path: &Path, err: &ParseError) -> Vec<String> {
    err.located_lines(path)
}

/// Loads a document or reports why not on stderr, returning the exit code to use.
fn load_or_report(path: &Path) -> Result<Document, u8> {
    match cuesheet::read_document(path) {
        Ok(doc) => Ok(doc),
        Err(cuesheet::ReadError::Io(e)) => {
            eprintln!("{}: {e}", path.display());
            Err(EXIT_IO)
        }
        Err(cuesheet::ReadError::Invalid(err)) => {
            for line in problem_lines(path, &err) {
                eprintln!("{line}");
            }
            Err(EXIT_INVALID)
        }
    }
}
