//! `cuestudio follow`: fires each cue as the live show passes it, exactly as a viewer's
//! page would, on the server clock (monotonic-anchored), honouring pause and resume.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use cuesheet::{Cue, Document};
use timesync::client::TimeClient;
use timesync::estimator::{self, Estimator};
use timesync::{Status, TimeResponse};

/// Follow the live show in the terminal: print each cue as it fires.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "The event start comes from --start if given, else from the server's \
                        eventStart, else from the show's eventStart.\n\
                        A cue whose time plus tolerance has passed when the follower joins is \
                        printed as skipped.\n\n\
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
}

/// How often the status is polled (each poll is also a clock sample).
const POLL_MS: i64 = 250;

/// Which cues are due: the pure part of following, shared with the editor.
pub struct Follower {
    cues: Vec<Cue>,
    tolerances: Vec<i64>,
    next: usize,
    joined: bool,
}

/// What happened to a cue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fired {
    pub time: i64,
    pub action: String,
    pub late_ms: i64,
    pub skipped: bool,
}

impl Follower {
    /// `cues` in any order; `tolerances[i]` is the effective tolerance of `cues[i]`.
    pub fn new(cues: Vec<Cue>, tolerances: Vec<i64>) -> Self {
        let mut pairs: Vec<(Cue, i64)> = cues.into_iter().zip(tolerances).collect();
        pairs.sort_by_key(|(c, _)| c.time);
        let (cues, tolerances) = pairs.into_iter().unzip();
        Self {
            cues,
            tolerances,
            next: 0,
            joined: false,
        }
    }

    pub fn done(&self) -> bool {
        self.next >= self.cues.len()
    }

    /// Cues due at show position `pos`. On the first call (joining), cues already past
    /// their tolerance are skipped; later, every passed cue fires (late if need be).
    pub fn advance(&mut self, pos: i64) -> Vec<Fired> {
        let joining = !self.joined;
        self.joined = true;
        let mut out = Vec::new();
        while let Some(cue) = self.cues.get(self.next) {
            if cue.time > pos {
                break;
            }
            let late = pos - cue.time;
            let tol = self.tolerances.get(self.next).copied().unwrap_or(0);
            out.push(Fired {
                time: cue.time,
                action: cue.action.clone(),
                late_ms: late,
                skipped: joining && late > tol,
            });
            self.next += 1;
        }
        out
    }
}

/// Where the show is, from the server's transport or a fixed start.
#[derive(Clone, Copy, Debug)]
enum Start {
    Fixed(i64),
    Server,
}

pub fn follow(args: &FollowArgs) -> ExitCode {
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &FollowArgs) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(&args.file).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let doc = match cuesheet::parse(&bytes) {
        Ok(d) => d,
        Err(e) => {
            for line in crate::cli::problem_lines(&args.file, &e) {
                eprintln!("{line}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let show = match doc {
        Document::Show(s) => s,
        Document::Sheet(c) => cuesheet::show_from_sheet(c),
    };
    let builtin = cuesheet::catalog::Catalog::builtin();
    let catalog = match &show.effects {
        Some(o) => builtin.with_overrides(o).unwrap_or(builtin),
        None => builtin,
    };
    let tolerances = show
        .cues
        .iter()
        .map(|c| catalog.effective_tolerance(c))
        .collect();
    let mut follower = Follower::new(show.cues.clone(), tolerances);

    let client = TimeClient::new(&args.server, Duration::from_secs(5))?;
    let mut est = Estimator::new();
    let mut reply = client.burst(&mut est, estimator::BURST)?;
    let start = match args.start.as_deref() {
        Some("now") => Start::Fixed(
            est.server_now(client.clocks.mono_ms())
                .unwrap_or(reply.server_time),
        ),
        Some(s) => Start::Fixed(
            cuesheet::parse_rfc3339_ms(s).map_err(|e| anyhow::anyhow!("--start: {e}"))?,
        ),
        None if reply.event_start.is_some() => Start::Server,
        None => match show.event_start.as_deref() {
            Some(s) => Start::Fixed(
                cuesheet::parse_rfc3339_ms(s)
                    .map_err(|e| anyhow::anyhow!("{}: eventStart: {e}", args.file.display()))?,
            ),
            None => anyhow::bail!(
                "{}: no event start: give --start, or set eventStart on the server or in the show",
                args.file.display()
            ),
        },
    };
    let mut out = std::io::stdout().lock();
    let mut last_status = (reply.status, reply.message.clone());
    report_status(&mut out, args.json, &reply, None)?;
    // Server time when the last reply was received, for freezing while paused.
    let mut last_poll_mono = client.clocks.mono_ms();
    let mut failures = 0u32;
    let mut next_poll_mono = last_poll_mono + POLL_MS;
    let mut stale_reported = false;
    let mut paused_at: Option<i64> = None;
    let mut pause_shift = 0i64;

    loop {
        let now_mono = client.clocks.mono_ms();
        if now_mono >= next_poll_mono {
            let stepped = est.clock_stepped(now_mono, client.clocks.wall_ms(), 1_000);
            let result = if stepped || est.resync_due(now_mono) {
                client.burst(&mut est, estimator::BURST)
            } else {
                client.sample().map(|(s, r)| {
                    est.add(s);
                    r
                })
            };
            match result {
                Ok(r) => {
                    failures = 0;
                    last_poll_mono = client.clocks.mono_ms();
                    next_poll_mono = last_poll_mono + POLL_MS;
                    if stale_reported {
                        stale_reported = false;
                        emit(
                            &mut out,
                            args.json,
                            serde_json::json!({"stale": false}),
                            "back in sync",
                        )?;
                    }
                    if (r.status, r.message.clone()) != last_status {
                        last_status = (r.status, r.message.clone());
                        report_status(&mut out, args.json, &r, est.server_now(last_poll_mono))?;
                    }
                    reply = r;
                }
                Err(e) => {
                    failures += 1;
                    let jitter = f64::from(now_mono.rem_euclid(1000) as u32) / 1000.0;
                    next_poll_mono = now_mono + estimator::backoff_ms(failures, jitter);
                    if est.is_stale(now_mono) && !stale_reported {
                        stale_reported = true;
                        let age = now_mono - last_poll_mono;
                        emit(
                            &mut out,
                            args.json,
                            serde_json::json!({"stale": true, "ageMs": age, "error": e.to_string()}),
                            &format!(
                                "stale: no reply for {age} ms ({e}); running on the last estimate"
                            ),
                        )?;
                    }
                }
            }
        }
        let Some(server_now) = est.server_now(now_mono) else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        // Show position: the server's transport when it has one, else the fixed start with
        // pauses taken out.
        let pos = match start {
            Start::Server => match (reply.status, reply.event_start, reply.position) {
                (Status::Paused, _, Some(p)) => Some(p),
                (Status::Running, Some(es), _) => Some(server_now - es),
                _ => None,
            },
            Start::Fixed(s) => {
                match (reply.status, paused_at) {
                    (Status::Paused, None) => paused_at = Some(server_now),
                    (Status::Running, Some(p)) => {
                        pause_shift += server_now - p;
                        paused_at = None;
                    }
                    _ => {}
                }
                Some(paused_at.unwrap_or(server_now) - s - pause_shift)
            }
        };
        if let Some(pos) = pos
            && reply.status == Status::Running
        {
            for f in follower.advance(pos) {
                let fired_at = server_now;
                let mut v = serde_json::json!({
                    "time": f.time,
                    "action": f.action,
                    "firedAtServerMs": fired_at,
                    "lateMs": f.late_ms,
                });
                if f.skipped {
                    v["skipped"] = serde_json::Value::Bool(true);
                }
                let human = if f.skipped {
                    format!(
                        "{}  skipped {} (joined {} ms late)",
                        cuesheet::format_time_ms(f.time),
                        f.action,
                        f.late_ms
                    )
                } else {
                    format!(
                        "{}  {} (+{} ms)",
                        cuesheet::format_time_ms(f.time),
                        f.action,
                        f.late_ms
                    )
                };
                emit(&mut out, args.json, v, &human)?;
            }
            if follower.done() {
                return Ok(ExitCode::SUCCESS);
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn emit(
    out: &mut impl std::io::Write,
    json: bool,
    v: serde_json::Value,
    human: &str,
) -> anyhow::Result<()> {
    if json {
        writeln!(out, "{v}")?;
    } else {
        writeln!(out, "{human}")?;
    }
    out.flush()?;
    Ok(())
}

fn report_status(
    out: &mut impl std::io::Write,
    json: bool,
    r: &TimeResponse,
    server_now: Option<i64>,
) -> anyhow::Result<()> {
    let v = serde_json::json!({
        "status": r.status.as_str(),
        "message": r.message,
        "serverMs": server_now.unwrap_or(r.server_time),
    });
    let human = match &r.message {
        Some(m) => format!("status: {} — {m}", r.status),
        None => format!("status: {}", r.status),
    };
    emit(out, json, v, &human)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(time: i64, action: &str) -> Cue {
        Cue {
            time,
            action: action.into(),
            ..Cue::default()
        }
    }

    #[test]
    fn joining_late_skips_cues_past_their_tolerance_only() {
        let mut f = Follower::new(
            vec![cue(3000, "c"), cue(0, "a"), cue(1000, "b"), cue(9000, "d")],
            vec![100, 5000, 100, 100],
        );
        let fired = f.advance(3050);
        let got: Vec<(&str, bool)> = fired
            .iter()
            .map(|f| (f.action.as_str(), f.skipped))
            .collect();
        assert_eq!(got, vec![("a", false), ("b", true), ("c", false)]);
        assert_eq!(fired[2].late_ms, 50);
        assert!(f.advance(8999).is_empty());
        let later = f.advance(9500);
        assert_eq!(later[0].action, "d");
        assert!(!later[0].skipped, "after joining, late cues still fire");
        assert!(f.done());
    }
}
