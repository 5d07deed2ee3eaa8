//! `cuestudio follow`: fires each cue as the live show passes it, exactly as a viewer's
//! page would, on the server clock (monotonic-anchored), honouring pause and resume.
//!
//! A sync thread keeps the clock estimate and the server's state fresh (a burst at start, a
//! status poll every 250 ms, a burst every 5 minutes or at once when the wall clock steps,
//! backoff with jitter on failure: timesync's [`SyncLoop`]) and hands them over a channel.
//! The main loop fires cues from the monotonic clock and never waits on the network: a
//! server that is down, answers garbage or hangs does not hold the show up, and the show
//! runs on the last estimate.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use cuesheet::{Cue, Document};
use timesync::client::{Clocks, TimeClient, random_seed};
use timesync::estimator::{self, Estimator};
use timesync::policy::{BurstReason, Outcome, SyncConfig, SyncLoop};
use timesync::{Status, TimeResponse};

/// What `follow` is asked to do (the command line's `cuestudio follow`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowOptions {
    /// The time server's `/time` URL.
    pub server: String,
    /// A show (`*.cueshow.json`) or a CDN cue sheet.
    pub file: PathBuf,
    /// The event start: an RFC 3339 time with offset, or `now`; `None` for the server's or
    /// the show's.
    pub start: Option<String>,
    /// One JSON line per report instead of a line for people.
    pub json: bool,
    /// Report the estimate as stale after this many ms without a reply.
    pub stale_ms: i64,
}

/// Why [`run`] stopped before the last cue fired.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// The file was read but is not a valid show or cue sheet.
    #[error("{}: not a valid show or cue sheet", path.display())]
    Invalid {
        path: PathBuf,
        error: cuesheet::ParseError,
    },
    /// Anything else: the file could not be read, a bad start, no event start, the server's
    /// URL, the output.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// How often the status is polled (each poll is also a clock sample).
const POLL_MS: i64 = 250;
/// A reply later than this counts as a failure.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

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

/// What the sync thread reports.
#[derive(Clone, Debug)]
pub enum SyncEvent {
    /// A reply arrived: the estimator as it now stands and the server's state.
    Synced {
        est: Estimator,
        reply: TimeResponse,
        burst: Option<BurstReason>,
    },
    /// A request (or a whole burst) failed; the next try is in `retry_ms`.
    Failed {
        error: String,
        failures: u32,
        retry_ms: i64,
    },
}

/// Keeps the clock estimate and the server's state fresh on its own thread; stops when
/// dropped (a request in flight finishes or times out first, without holding anyone up).
pub struct SyncThread {
    rx: Receiver<SyncEvent>,
    stop: Arc<AtomicBool>,
}

impl SyncThread {
    pub fn spawn(client: TimeClient) -> std::io::Result<Self> {
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("follow-sync".into())
            .spawn(move || sync_loop(&client, &tx, &flag, random_seed()))?;
        Ok(Self { rx, stop })
    }

    pub fn recv_timeout(&self, timeout: Duration) -> Result<SyncEvent, RecvTimeoutError> {
        self.rx.recv_timeout(timeout)
    }
}

impl Drop for SyncThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The I/O of the sync policy ([`SyncLoop`]): sends what it asks for, when it asks, and
/// reports each poll and each whole burst.
fn sync_loop(client: &TimeClient, tx: &Sender<SyncEvent>, stop: &AtomicBool, seed: u64) {
    let mut sync = SyncLoop::new(SyncConfig::polling_every(POLL_MS), seed);
    // The newest reply and error of the poll or burst in progress.
    let mut last_reply = None;
    let mut last_error = None;
    while !stop.load(Ordering::Relaxed) {
        if client.due_request(&mut sync).is_none() {
            continue;
        }
        let (outcome, _, result) = client.sample_for(&mut sync);
        match result {
            Ok(reply) => last_reply = Some(reply),
            Err(e) => last_error = Some(e.to_string()),
        }
        let event = match outcome {
            Outcome::BurstContinues => continue,
            Outcome::Synced { burst } => {
                let Some(reply) = last_reply.take() else {
                    continue;
                };
                SyncEvent::Synced {
                    est: sync.estimator().clone(),
                    reply,
                    burst,
                }
            }
            Outcome::Failed { failures, retry_ms } => SyncEvent::Failed {
                error: last_error.take().unwrap_or_default(),
                failures,
                retry_ms,
            },
        };
        if tx.send(event).is_err() {
            return;
        }
    }
}

/// Where the show is, from the server's transport or a fixed start.
#[derive(Clone, Copy, Debug)]
enum Start {
    Fixed(i64),
    Server,
}

/// What the follower knows of the server, as the sync thread reports it.
#[derive(Default)]
struct Live {
    est: Option<Estimator>,
    reply: Option<TimeResponse>,
    start: Option<Start>,
    last_status: Option<(Status, Option<String>)>,
    last_ok_mono: Option<i64>,
    last_error: Option<String>,
    stale_reported: bool,
    paused_at: Option<i64>,
    pause_shift: i64,
}

/// Follows the show in `opts.file` on `opts.server`, reading the time from `clocks` and
/// writing what happens to `out`: the CLI passes the system clocks and stdout, tests a clock
/// that steps and a buffer. Returns when every cue has fired.
pub fn run(opts: &FollowOptions, clocks: Clocks, out: &mut dyn Write) -> Result<(), FollowError> {
    let doc = match cuesheet::read_document(&opts.file) {
        Ok(d) => d,
        Err(cuesheet::ReadError::Io(e)) => {
            return Err(anyhow::anyhow!("{}: {e}", opts.file.display()).into());
        }
        Err(cuesheet::ReadError::Invalid(error)) => {
            return Err(FollowError::Invalid {
                path: opts.file.clone(),
                error,
            });
        }
    };
    let show = match doc {
        Document::Show(s) => s,
        Document::Sheet(c) => cuesheet::show_from_sheet(c),
    };
    follow_show(opts, show, clocks, out).map_err(FollowError::Other)
}

/// [`run`] once the show is read.
fn follow_show(
    opts: &FollowOptions,
    show: cuesheet::Show,
    clocks: Clocks,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let catalog = cuesheet::catalog::Catalog::for_show(&show)
        .unwrap_or_else(|_| cuesheet::catalog::Catalog::builtin());
    let tolerances = show
        .cues
        .iter()
        .map(|c| catalog.effective_tolerance(c))
        .collect();
    let mut follower = Follower::new(show.cues.clone(), tolerances);
    let fixed_start = match opts.start.as_deref() {
        None | Some("now") => None,
        Some(s) => {
            Some(cuesheet::parse_rfc3339_ms(s).map_err(|e| anyhow::anyhow!("--start: {e}"))?)
        }
    };

    let client = TimeClient::new(&opts.server, REQUEST_TIMEOUT)?.with_clocks(clocks.clone());
    let sync = SyncThread::spawn(client)?;
    let mut live = Live::default();

    loop {
        match sync.recv_timeout(Duration::from_millis(5)) {
            Ok(SyncEvent::Synced { est, reply, burst }) => {
                let now = clocks.mono_ms();
                if live.start.is_none() {
                    live.start = Some(match (opts.start.as_deref(), fixed_start) {
                        (_, Some(s)) => Start::Fixed(s),
                        (Some(_), None) => {
                            Start::Fixed(est.server_now(now).unwrap_or(reply.server_time))
                        }
                        (None, None) if reply.event_start.is_some() => Start::Server,
                        (None, None) => match show.event_start.as_deref() {
                            Some(s) => {
                                Start::Fixed(cuesheet::parse_rfc3339_ms(s).map_err(|e| {
                                    anyhow::anyhow!("{}: eventStart: {e}", opts.file.display())
                                })?)
                            }
                            None => anyhow::bail!(
                                "{}: no event start: give --start, or set eventStart on the server or in the show",
                                opts.file.display()
                            ),
                        },
                    });
                }
                if live.stale_reported {
                    live.stale_reported = false;
                    emit(
                        out,
                        opts.json,
                        serde_json::json!({"stale": false}),
                        "back in sync",
                    )?;
                }
                if let Some(reason) = burst
                    && let Some(e) = est.estimate(now, clocks.wall_ms())
                {
                    report_sync(out, opts.json, reason, &e)?;
                }
                let status = (reply.status, reply.message.clone());
                if live.last_status.as_ref() != Some(&status) {
                    live.last_status = Some(status);
                    report_status(out, opts.json, &reply, est.server_now(now))?;
                }
                live.est = Some(est);
                live.reply = Some(reply);
                live.last_ok_mono = Some(now);
                live.last_error = None;
            }
            Ok(SyncEvent::Failed {
                error,
                failures,
                retry_ms,
            }) => {
                eprintln!("sync failed ({failures} in a row): {error}; retrying in {retry_ms} ms");
                if live.est.is_none() && !live.stale_reported {
                    live.stale_reported = true;
                    emit(
                        out,
                        opts.json,
                        serde_json::json!({"stale": true, "synced": false, "ageMs": null, "error": error}),
                        &format!(
                            "not synced yet ({error}); retrying, the show starts when the server answers"
                        ),
                    )?;
                }
                live.last_error = Some(error);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the sync thread stopped"),
        }
        let now_mono = clocks.mono_ms();
        if let Some(ok) = live.last_ok_mono
            && now_mono - ok > opts.stale_ms
            && !live.stale_reported
        {
            live.stale_reported = true;
            let age = now_mono - ok;
            let why = live.last_error.as_deref().unwrap_or("no reply yet");
            emit(
                out,
                opts.json,
                serde_json::json!({"stale": true, "ageMs": age, "error": live.last_error}),
                &format!("stale: no reply for {age} ms ({why}); running on the last estimate"),
            )?;
        }
        let (Some(est), Some(reply), Some(start)) = (&live.est, &live.reply, live.start) else {
            continue;
        };
        let Some(server_now) = est.server_now(now_mono) else {
            continue;
        };
        // Show position: the server's transport when it has one, else the fixed start with
        // pauses taken out.
        let pos = match start {
            Start::Server => reply.show_position_at(server_now),
            Start::Fixed(s) => {
                match (reply.status, live.paused_at) {
                    (Status::Paused, None) => live.paused_at = Some(server_now),
                    (Status::Running, Some(p)) => {
                        live.pause_shift += server_now - p;
                        live.paused_at = None;
                    }
                    _ => {}
                }
                Some(live.paused_at.unwrap_or(server_now) - s - live.pause_shift)
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
                emit(out, opts.json, v, &human)?;
            }
            if follower.done() {
                return Ok(());
            }
        }
    }
}

fn emit(out: &mut dyn Write, json: bool, v: serde_json::Value, human: &str) -> anyhow::Result<()> {
    if json {
        writeln!(out, "{v}")?;
    } else {
        writeln!(out, "{human}")?;
    }
    out.flush()?;
    Ok(())
}

fn report_sync(
    out: &mut dyn Write,
    json: bool,
    reason: BurstReason,
    e: &estimator::Estimate,
) -> anyhow::Result<()> {
    let mut v = serde_json::json!({
        "sync": match reason {
            BurstReason::Start => "start",
            BurstReason::Resync => "resync",
            BurstReason::ClockStep { .. } => "clockStep",
        },
        "offsetMs": e.offset_ms,
        "errorBoundMs": e.error_bound_ms,
        "rttMs": e.rtt_ms,
    });
    let what = match reason {
        BurstReason::Start => "synced".to_owned(),
        BurstReason::Resync => "re-synced".to_owned(),
        BurstReason::ClockStep { step_ms } => {
            v["stepMs"] = step_ms.into();
            format!(
                "the wall clock jumped {step_ms:+} ms (a clock step or a suspend; the show did not move); re-synced"
            )
        }
    };
    let human = format!(
        "{what}: offset {:+} ms ± {} ms (rtt {} ms)",
        e.offset_ms, e.error_bound_ms, e.rtt_ms
    );
    emit(out, json, v, &human)
}

fn report_status(
    out: &mut dyn Write,
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
