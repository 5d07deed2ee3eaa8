//! The editor's live session: a background thread keeps the clock estimate and the
//! server's transport fresh (timesync's [`SyncLoop`]: a burst at start, a status poll every
//! 500 ms, a burst every 5 minutes or at once when the wall clock steps, backoff with jitter
//! on failure); the UI reads a cheap [`LiveSnapshot`] every frame and sends
//! operator changes through [`LiveSession::admin`]. Dropping the session stops the thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use timesync::client::{Clocks, TimeClient, random_seed};
use timesync::estimator::Estimator;
use timesync::policy::{BurstReason, Outcome, SyncConfig, SyncLoop};
use timesync::{Status, TimeResponse, TransportUpdate};

/// How often the status is polled (each poll is also a clock sample).
const POLL_MS: i64 = 500;

/// What the UI shows, as of the moment it was taken.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveSnapshot {
    pub url: String,
    pub connected: bool,
    pub offset_ms: Option<i64>,
    pub error_bound_ms: Option<i64>,
    pub rtt_ms: Option<i64>,
    pub last_sync_age_ms: Option<i64>,
    pub stale: bool,
    pub status: Status,
    pub message: Option<String>,
    pub server_event_start: Option<i64>,
    /// Show time now: from the server's transport (frozen while paused).
    pub show_position_ms: Option<i64>,
    pub last_error: Option<String>,
    pub last_admin_result: Option<Result<String, String>>,
    /// How long ago that change was answered.
    pub last_admin_age_ms: Option<i64>,
    /// The status that change left the server in (to tell a change made elsewhere since).
    pub last_admin_status: Option<Status>,
    /// The last time this computer's wall clock jumped against its monotonic clock (set by
    /// hand, NTP or a suspend), which the session answers with a fresh burst.
    pub clock_step: Option<ClockStep>,
}

/// A jump of the local wall clock, as the live session saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockStep {
    /// How far the wall clock moved (positive: ahead).
    pub step_ms: i64,
    /// How long ago it was noticed.
    pub age_ms: i64,
}

impl ClockStep {
    /// What the operator reads: the show follows the server through the monotonic clock,
    /// so nothing in the show moved, but wall-clock times shown on this computer did.
    pub fn notice(&self) -> String {
        format!(
            "This computer's clock jumped {} by {:.1} s {} s ago; the show follows the server \
             and re-synced",
            if self.step_ms >= 0 { "ahead" } else { "back" },
            self.step_ms.unsigned_abs() as f64 / 1000.0,
            self.age_ms.max(0) / 1000
        )
    }
}

struct Shared {
    est: Estimator,
    reply: Option<TimeResponse>,
    /// Monotonic ms of the last good reply.
    last_ok_mono: Option<i64>,
    last_error: Option<String>,
    admin_result: Option<Result<String, String>>,
    /// When the last change was answered (monotonic ms), and the status it left.
    admin_at: Option<i64>,
    admin_status: Option<Status>,
    /// The last wall-clock step and the monotonic ms it was noticed at.
    clock_step: Option<(i64, i64)>,
}

pub struct LiveSession {
    url: String,
    shared: Arc<Mutex<Shared>>,
    clock: Arc<TimeClient>,
    stop: Arc<AtomicBool>,
    admin_tx: Sender<(String, TransportUpdate)>,
}

impl LiveSession {
    /// Starts following `url` (a `/time` URL); `repaint` is called whenever news arrives.
    pub fn connect(url: &str, repaint: Box<dyn Fn() + Send + Sync>) -> Result<Self, String> {
        Self::connect_with_clocks(url, Clocks::default(), repaint)
    }

    /// [`connect`](Self::connect) reading the time from `clocks` (tests step the wall clock).
    pub fn connect_with_clocks(
        url: &str,
        clocks: Clocks,
        repaint: Box<dyn Fn() + Send + Sync>,
    ) -> Result<Self, String> {
        let client = Arc::new(
            TimeClient::new(url, Duration::from_secs(5))
                .map_err(|e| e.to_string())?
                .with_clocks(clocks),
        );
        let shared = Arc::new(Mutex::new(Shared {
            est: Estimator::new(),
            reply: None,
            last_ok_mono: None,
            last_error: None,
            admin_result: None,
            admin_at: None,
            admin_status: None,
            clock_step: None,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (admin_tx, admin_rx) = channel();
        {
            let (client, shared, stop) = (client.clone(), shared.clone(), stop.clone());
            std::thread::Builder::new()
                .name("live-sync".into())
                .spawn(move || {
                    sync_loop(&client, &shared, &stop, &admin_rx, &*repaint, random_seed())
                })
                .map_err(|e| e.to_string())?;
        }
        Ok(Self {
            url: url.to_owned(),
            shared,
            clock: client,
            stop,
            admin_tx,
        })
    }

    pub fn snapshot(&self) -> LiveSnapshot {
        let now_mono = self.clock.clocks.mono_ms();
        let now_wall = self.clock.clocks.wall_ms();
        let Ok(s) = self.shared.lock() else {
            return LiveSnapshot::default();
        };
        let est = s.est.estimate(now_mono, now_wall);
        let server_now = s.est.server_now(now_mono);
        let reply = s.reply.as_ref();
        let status = reply.map_or(Status::Running, |r| r.status);
        let position = reply
            .zip(server_now)
            .and_then(|(r, n)| r.show_position_at(n));
        LiveSnapshot {
            url: self.url.clone(),
            connected: reply.is_some(),
            offset_ms: est.map(|e| e.offset_ms),
            error_bound_ms: est.map(|e| e.error_bound_ms),
            rtt_ms: est.map(|e| e.rtt_ms),
            last_sync_age_ms: s.last_ok_mono.map(|m| now_mono - m),
            stale: s.est.is_stale(now_mono),
            status,
            message: reply.and_then(|r| r.message.clone()),
            server_event_start: reply.and_then(|r| r.event_start),
            show_position_ms: position,
            last_error: s.last_error.clone(),
            last_admin_result: s.admin_result.clone(),
            last_admin_age_ms: s.admin_at.map(|at| now_mono - at),
            last_admin_status: s.admin_status,
            clock_step: s.clock_step.map(|(step_ms, at)| ClockStep {
                step_ms,
                age_ms: now_mono - at,
            }),
        }
    }

    /// Sends a transport change with the operator's token (in the background); the result
    /// shows in a later snapshot's `last_admin_result`.
    pub fn admin(&self, token: &str, update: TransportUpdate) {
        let _ = self.admin_tx.send((token.to_owned(), update));
    }
}

impl Drop for LiveSession {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The I/O of the sync policy ([`SyncLoop`]), and the operator's transport changes between
/// requests. The UI sees a burst's estimate when the burst ends.
fn sync_loop(
    client: &TimeClient,
    shared: &Mutex<Shared>,
    stop: &AtomicBool,
    admin_rx: &Receiver<(String, TransportUpdate)>,
    repaint: &(dyn Fn() + Send + Sync),
    seed: u64,
) {
    let mut sync = SyncLoop::new(SyncConfig::polling_every(POLL_MS), seed);
    // The newest reply and error of the poll or burst in progress.
    let mut last_reply = None;
    let mut last_error = None;
    while !stop.load(Ordering::Relaxed) {
        while let Ok((token, update)) = admin_rx.try_recv() {
            let result = client.admin(&token, &update).map_err(|e| e.to_string());
            if let Ok(mut s) = shared.lock() {
                if let Ok(reply) = &result {
                    s.reply = Some(reply.clone());
                    // Newer than any reply of a burst in progress.
                    last_reply = None;
                }
                s.admin_at = Some(client.clocks.mono_ms());
                s.admin_status = result.as_ref().ok().map(|r| r.status);
                s.admin_result = Some(result.map(|r| format!("now {}", r.status)));
            }
            sync.request_now();
            repaint();
        }
        let Some((request, now)) = client.due_request(&mut sync) else {
            continue;
        };
        if let Some(BurstReason::ClockStep { step_ms }) = request.starts_burst()
            && let Ok(mut s) = shared.lock()
        {
            s.clock_step = Some((step_ms, now));
        }
        let (outcome, after, result) = client.sample_for(&mut sync);
        match result {
            Ok(reply) => last_reply = Some(reply),
            Err(e) => last_error = Some(e.to_string()),
        }
        if outcome == Outcome::BurstContinues {
            continue;
        }
        if let Ok(mut s) = shared.lock() {
            if let Outcome::Failed { .. } = outcome {
                s.last_error = last_error.take();
            } else {
                s.est = sync.estimator().clone();
                if let Some(reply) = last_reply.take() {
                    s.reply = Some(reply);
                }
                s.last_ok_mono = Some(after);
                s.last_error = None;
            }
        }
        repaint();
    }
}
