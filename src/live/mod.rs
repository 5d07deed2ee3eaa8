//! Live: following the time server. `cuestudio clock` measures the offset to a server;
//! `cuestudio follow` fires the cues as the live show passes them.

pub mod follow;
pub mod session;

pub use follow::{FollowArgs, follow};

use std::process::ExitCode;
use std::time::Duration;

use timesync::Estimator;
use timesync::client::TimeClient;

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
            return ExitCode::from(2);
        }
    };
    let mut est = Estimator::new();
    let reply = match client.burst(&mut est, usize::from(args.samples)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let Some(e) = est.estimate(client.clocks.mono_ms(), client.clocks.wall_ms()) else {
        eprintln!("{}: no usable sample", args.server);
        return ExitCode::from(2);
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
