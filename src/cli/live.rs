//! The live commands: `cuestudio clock` measures this machine's clock against a time server;
//! `cuestudio follow` fires the cues as the live show passes them (`crate::live::follow`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use timesync::Estimator;
use timesync::client::{Clocks, TimeClient};

use super::{EXIT_INVALID, EXIT_IO};
use crate::live::follow::{self, FollowError, FollowOptions};

/// Measure this machine's clock against a time server.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Prints the offset (serverNow = localNow + offset), the lowest round trip of \
                        the burst, the error bound, and the server's status and message.\n\n\
                        Exit status: 0 ok, 2 the server could not be reached or answered garbage.\n\n\
                        Examples:\n  cuestudio clock --server http://127.0.0.1:8787/time\n  \
                        cuestudio clock --server https://time.example.com/time --samples 16 --json"
)]
pub struct ClockArgs {
    /// The time server's `/time` URL.
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// How many samples in the burst (each bounds the offset; the estimate is where their
    /// intervals meet, so more samples give a tighter bound).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub samples: u16,
    /// Print `{"offsetMs","rttMs","errorBoundMs","status","message"}`.
    #[arg(long)]
    pub json: bool,
}

pub fn clock(args: &ClockArgs) -> ExitCode {
    let client = match TimeClient::new(&args.server, Duration::from_secs(5)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_IO);
        }
    };
    let mut est = Estimator::new();
    let reply = match client.burst(&mut est, usize::from(args.samples)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_IO);
        }
    };
    let Some(e) = est.estimate(client.clocks.mono_ms(), client.clocks.wall_ms()) else {
        eprintln!("{}: no usable sample", args.server);
        return ExitCode::from(EXIT_IO);
    };
    if args.json {
        let v = serde_json::json!({
            "offsetMs": e.offset_ms,
            "rttMs": e.rtt_ms,
            "errorBoundMs": e.error_bound_ms,
            "status": reply.status.as_str(),
            "message": reply.message,
            "eventStart": reply.event_start,
            "position": reply.position,
        });
        println!("{v}");
    } else {
        println!("server   {}", args.server);
        println!(
            "offset   {:+} ms  (serverNow = localNow + offset)",
            e.offset_ms
        );
        println!("rtt      {} ms (lowest of {})", e.rtt_ms, args.samples);
        println!("bound    ±{} ms", e.error_bound_ms);
        println!("status   {}", reply.status);
        println!("message  {}", reply.message.as_deref().unwrap_or("—"));
    }
    ExitCode::SUCCESS
}

/// Follow the live show in the terminal: print each cue as it fires.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "The event start comes from --start if given, else from the server's \
                        eventStart, else from the show's eventStart.\n\
                        A cue whose time plus tolerance has passed when the follower joins is \
                        printed as skipped.\n\
                        Through server outages the show runs on the last clock estimate; a \
                        stale estimate and the recovery are reported. A server that is down at \
                        start is retried until it answers.\n\n\
                        Examples:\n  cuestudio follow --server http://127.0.0.1:8787/time show.cueshow.json\n  \
                        cuestudio follow --server http://127.0.0.1:8787/time cues.json --start now --json"
)]
pub struct FollowArgs {
    /// The time server's `/time` URL.
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// A show (`*.cueshow.json`) or a CDN cue sheet.
    pub file: PathBuf,
    /// The event start: an RFC 3339 time with offset, or `now`.
    #[arg(long, value_name = "RFC3339|now")]
    pub start: Option<String>,
    /// One JSON line per cue: {"time","action","firedAtServerMs","lateMs"} (+ "skipped").
    #[arg(long)]
    pub json: bool,
    /// Report the estimate as stale after this many ms without a reply.
    #[arg(long, value_name = "MS", default_value_t = timesync::estimator::STALE_MS, hide = true)]
    pub stale_ms: i64,
}

impl FollowArgs {
    /// What the library's follower takes.
    pub fn options(&self) -> FollowOptions {
        FollowOptions {
            server: self.server.clone(),
            file: self.file.clone(),
            start: self.start.clone(),
            json: self.json,
            stale_ms: self.stale_ms,
        }
    }
}

pub fn follow(args: &FollowArgs) -> ExitCode {
    match run_with(args, Clocks::default(), &mut std::io::stdout().lock()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(EXIT_IO)
        }
    }
}

/// `follow` with its clocks and output given: the CLI passes the system clocks and stdout,
/// tests a clock that steps and a buffer. Returns when every cue has fired: exit 0; an
/// invalid file is reported on stderr with its located problems (exit 1); other errors are
/// returned (exit 2).
pub fn run_with(
    args: &FollowArgs,
    clocks: Clocks,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    match follow::run(&args.options(), clocks, out) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(FollowError::Invalid { path, error }) => {
            for line in error.located_lines(&path) {
                eprintln!("{line}");
            }
            Ok(ExitCode::from(EXIT_INVALID))
        }
        Err(FollowError::Other(e)) => Err(e),
    }
}
