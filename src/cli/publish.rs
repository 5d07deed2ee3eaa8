//! `cuestudio publish`: the CDN bundle (`crate::publish`) from the command line.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{EXIT_INVALID, EXIT_IO, problem_lines};

/// Write the bundle a CDN serves as it is: the cue sheet under its content hash (with .gz
/// and .br twins), the runtime and the audio under hashed names, manifest.json and a working
/// index.html.
///
/// Hashed names are immutable and never overwritten with other bytes; manifest.json and
/// index.html are the only files that change, so a rollback is a manifest change.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Serve hashed names with `Cache-Control: public, max-age=31536000, immutable`, \
                        manifest.json and index.html with `no-cache` (docs/publish.md).\n\n\
                        Exit status: 0 ok, 1 the show is invalid, 2 usage or I/O error.\n\n\
                        Examples:\n  cuestudio publish show.cueshow.json -o dist\n  \
                        cuestudio publish show.cueshow.json -o dist --time-server https://time.example.com/time\n  \
                        cuestudio publish show.cueshow.json -o dist --base-url https://cdn.example.com/winter-live"
)]
pub struct PublishArgs {
    /// The show (`*.cueshow.json`).
    pub show: PathBuf,
    /// The bundle's folder (created when missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// The time server's `/time` URL (default: the show's `timeServer`).
    #[arg(long, value_name = "URL")]
    pub time_server: Option<String>,
    /// Where the bundle will be served from; the manifest and the page name files under it.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// How often pages poll the time server for the transport (ms).
    #[arg(long, value_name = "MS", default_value_t = crate::publish::DEFAULT_STATUS_POLL_MS,
          value_parser = clap::value_parser!(i64).range(500..=600_000))]
    pub status_poll_ms: i64,
    /// Print what was written as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn publish(args: &PublishArgs) -> ExitCode {
    use crate::publish::{Options, PublishError};
    let opts = Options {
        show: args.show.clone(),
        out_dir: args.output.clone(),
        time_server: args.time_server.clone(),
        base_url: args.base_url.clone(),
        status_poll_ms: args.status_poll_ms,
    };
    match crate::publish::publish(&opts) {
        Ok(p) => {
            if args.json {
                let v = serde_json::json!({
                    "cues": p.cues,
                    "integrity": p.cues_integrity,
                    "cueCount": p.cue_count,
                    "runtime": p.runtime,
                    "media": p.media,
                    "written": p.written,
                    "unchanged": p.unchanged,
                });
                outln!("{v}");
            } else {
                outln!(
                    "{}: {} cues in {} ({}), runtime {}, {} files written, {} unchanged",
                    args.output.display(),
                    p.cue_count,
                    p.cues,
                    p.cues_integrity,
                    p.runtime,
                    p.written.len(),
                    p.unchanged.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(PublishError::Invalid(e)) => {
            for line in problem_lines(&args.show, &e) {
                eprintln!("{line}");
            }
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => {
            eprintln!("cuestudio publish: {e}");
            ExitCode::from(EXIT_IO)
        }
    }
}
