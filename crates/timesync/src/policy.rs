//! The sync policy (DESIGN.md, "Client clock sync"; docs/clock-sync.md): when to ask the time
//! server, and whether a request is a status poll or a sample of a burst. The one home of
//! the loop that `cuestudio follow` and the editor's live session run; they keep only the
//! I/O (a thread, the HTTP client) and what they report.
//!
//! Pure and deterministic, like the [`Estimator`] it owns: it is told the time and what
//! happened, and answers. The jitter comes from a generator seeded by the caller
//! (`client::random_seed` in production, a constant in tests).
//!
//! The rules:
//! - **Bursts**: [`SyncConfig::burst_samples`] samples, each sent [`SyncConfig::burst_gap_ms`]
//!   after the previous one's reply (or failure). A burst gives up at its first failure when
//!   no sample has been answered yet, and at its second in any case ([`Burst`]), so a server
//!   that is down or hangs costs one failure (one timeout at most), not a whole burst's.
//!   A burst with at least one reply makes a fresh anchor ([`Estimator::end_burst`]).
//! - **Why a burst** ([`BurstReason`], first that applies): never synced (start); this
//!   computer's wall clock moved against its monotonic clock by more than
//!   [`CLOCK_STEP_MS`](crate::estimator::CLOCK_STEP_MS) since the last sample (a step or a
//!   suspend); a resync is due (the last burst is [`RESYNC_MS`](crate::estimator::RESYNC_MS)
//!   old, or a poll contradicted the anchor). Otherwise the request is a status poll, which is
//!   also a sample. A burst that failed is retried as a burst, since its reason still holds.
//! - **Timing**: the next request is timed from the moment the last one ended (its reply
//!   or its failure): [`SyncConfig::poll_ms`] after a reply, [`backoff_ms`] after a failure
//!   (1 s doubling to 60 s, ±20 % jitter), so a slow or hanging server is never asked again
//!   at once and a backoff is not eaten by the timeout that caused it.

use crate::estimator::{BURST, Estimator, Sample};
use crate::rng::Rng;

/// The loop's settings; [`SyncConfig::polling_every`] gives the defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncConfig {
    /// Between bursts, a status poll this long after the last reply.
    pub poll_ms: i64,
    /// Samples in a burst (at least 1).
    pub burst_samples: usize,
    /// From one burst sample's end to the next one's request; 0 is back to back.
    pub burst_gap_ms: i64,
}

impl SyncConfig {
    /// Polls every `poll_ms`; bursts of [`BURST`] samples back to back.
    pub const fn polling_every(poll_ms: i64) -> Self {
        Self {
            poll_ms,
            burst_samples: BURST,
            burst_gap_ms: 0,
        }
    }
}

/// Why a burst was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BurstReason {
    /// The first sync.
    Start,
    /// The periodic resync, or a sample contradicted the estimate.
    Resync,
    /// The wall clock moved this far against the monotonic clock (a step or a suspend).
    ClockStep { step_ms: i64 },
}

/// What to send now: one `GET /time` either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// A status poll (also a sample).
    Poll,
    /// Sample `index` (from 0) of a burst of at most `of`.
    Burst {
        reason: BurstReason,
        index: usize,
        of: usize,
    },
}

impl Request {
    pub fn is_burst(&self) -> bool {
        matches!(self, Request::Burst { .. })
    }

    /// Why this burst was taken, on its first sample only (to report or act on it once).
    pub fn starts_burst(&self) -> Option<BurstReason> {
        match *self {
            Request::Burst {
                reason, index: 0, ..
            } => Some(reason),
            _ => None,
        }
    }
}

/// What a finished request amounts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A burst sample, and the burst goes on: nothing to report yet.
    BurstContinues,
    /// A poll was answered, or a burst ended with at least one reply: the estimator is fresh.
    Synced { burst: Option<BurstReason> },
    /// A poll failed, or a whole burst did: the next try is in `retry_ms`, on the old
    /// estimate meanwhile. `failures` counts them in a row.
    Failed { failures: u32, retry_ms: i64 },
}

/// When a burst gives up: the rule [`SyncLoop`] and `client::TimeClient::burst`
/// share. Feed it each sample's result; it says whether to send another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Burst {
    samples: usize,
    sent: usize,
    replies: usize,
    failures: usize,
}

impl Burst {
    /// A burst of `samples` (at least 1).
    pub fn new(samples: usize) -> Self {
        Self {
            samples: samples.max(1),
            sent: 0,
            replies: 0,
            failures: 0,
        }
    }

    /// A sample was answered; whether another should follow.
    pub fn replied(&mut self) -> bool {
        self.sent += 1;
        self.replies += 1;
        self.sent < self.samples
    }

    /// A sample failed; whether another should follow: not when nothing has been answered
    /// yet (the server is down or hangs), and not after a second failure.
    pub fn failed(&mut self) -> bool {
        self.sent += 1;
        self.failures += 1;
        self.replies > 0 && self.failures < 2 && self.sent < self.samples
    }

    /// Samples answered so far.
    pub fn replies(&self) -> usize {
        self.replies
    }

    /// Samples sent so far (answered or failed).
    pub fn sent(&self) -> usize {
        self.sent
    }

    /// The most samples this burst takes.
    pub fn samples(&self) -> usize {
        self.samples
    }
}

/// Exponential backoff with jitter for failure number `failures` (1-based): 1 s doubling to
/// 60 s, with ±20 % jitter from `jitter` in [0, 1).
pub fn backoff_ms(failures: u32, jitter: f64) -> i64 {
    let base = 1_000i64
        .saturating_mul(1 << failures.saturating_sub(1).min(6))
        .min(60_000);
    let j = (jitter.clamp(0.0, 1.0) * 0.4 - 0.2) * base as f64;
    (base as f64 + j).round() as i64
}

/// The sync loop's state: the estimator, the burst in progress, the failures in a row and
/// when the next request is due.
///
/// Drive it with [`SyncLoop::next_request`]; send what it asks for; report the reply with
/// [`SyncLoop::on_reply`] or the failure with [`SyncLoop::on_failure`]. One request is in
/// flight at a time: until its result is reported, nothing else is due.
#[derive(Clone, Debug)]
pub struct SyncLoop {
    config: SyncConfig,
    est: Estimator,
    /// Monotonic ms from which the next request is due.
    due_mono: i64,
    in_flight: bool,
    burst: Option<(BurstReason, Burst)>,
    failures: u32,
    rng: Rng,
}

impl SyncLoop {
    /// The first request (a burst) is due at once. `seed` seeds the backoff's jitter.
    pub fn new(config: SyncConfig, seed: u64) -> Self {
        Self {
            config,
            est: Estimator::new(),
            due_mono: i64::MIN,
            in_flight: false,
            burst: None,
            failures: 0,
            rng: Rng::new(seed),
        }
    }

    pub fn config(&self) -> &SyncConfig {
        &self.config
    }

    /// The estimator as the samples so far made it (mid-burst, partly updated: publish it on
    /// [`Outcome::Synced`]).
    pub fn estimator(&self) -> &Estimator {
        &self.est
    }

    /// Monotonic ms from which the next request is due; `None` while one is in flight.
    pub fn due_mono(&self) -> Option<i64> {
        (!self.in_flight).then_some(self.due_mono)
    }

    /// Failed polls or bursts in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Why a new burst would be taken now, if one would (the first that applies: start, clock
    /// step, resync). Pure; [`SyncLoop::next_request`] acts on it.
    pub fn burst_reason(&self, now_mono: i64, now_wall: i64) -> Option<BurstReason> {
        if self.est.server_now(now_mono).is_none() {
            Some(BurstReason::Start)
        } else if let Some(step_ms) = self.est.clock_step_ms(now_mono, now_wall) {
            Some(BurstReason::ClockStep { step_ms })
        } else if self.est.resync_due(now_mono) {
            Some(BurstReason::Resync)
        } else {
            None
        }
    }

    /// What to send at monotonic ms `now_mono` (wall clock `now_wall`), or `None` when
    /// nothing is due yet (or a request is in flight).
    pub fn next_request(&mut self, now_mono: i64, now_wall: i64) -> Option<Request> {
        if self.in_flight || now_mono < self.due_mono {
            return None;
        }
        let request = match self.burst {
            Some((reason, b)) => Request::Burst {
                reason,
                index: b.sent(),
                of: b.samples(),
            },
            None => match self.burst_reason(now_mono, now_wall) {
                Some(reason) => {
                    let b = Burst::new(self.config.burst_samples);
                    self.est.begin_burst();
                    self.burst = Some((reason, b));
                    Request::Burst {
                        reason,
                        index: 0,
                        of: b.samples(),
                    }
                }
                None => Request::Poll,
            },
        };
        self.in_flight = true;
        Some(request)
    }

    /// The request in flight was answered at monotonic ms `now_mono` with `sample`.
    pub fn on_reply(&mut self, now_mono: i64, sample: Sample) -> Outcome {
        self.in_flight = false;
        self.est.add(sample);
        match self.burst.as_mut().map(|(_, b)| b.replied()) {
            Some(true) => self.burst_continues(now_mono),
            Some(false) => self.end_burst(now_mono),
            None => self.synced(now_mono, None),
        }
    }

    /// The request in flight failed (an error, garbage, a timeout), noticed at `now_mono`.
    pub fn on_failure(&mut self, now_mono: i64) -> Outcome {
        self.in_flight = false;
        match self.burst.as_mut().map(|(_, b)| b.failed()) {
            Some(true) => self.burst_continues(now_mono),
            Some(false) => self.end_burst(now_mono),
            None => self.failed(now_mono),
        }
    }

    /// The next request is due at once (for example after an operator changed the
    /// transport). Without effect while a request is in flight.
    pub fn request_now(&mut self) {
        if !self.in_flight {
            self.due_mono = i64::MIN;
        }
    }

    fn burst_continues(&mut self, now_mono: i64) -> Outcome {
        self.due_mono = now_mono.saturating_add(self.config.burst_gap_ms);
        Outcome::BurstContinues
    }

    fn end_burst(&mut self, now_mono: i64) -> Outcome {
        self.est.end_burst();
        match self.burst.take() {
            Some((reason, b)) if b.replies() > 0 => self.synced(now_mono, Some(reason)),
            _ => self.failed(now_mono),
        }
    }

    fn synced(&mut self, now_mono: i64, burst: Option<BurstReason>) -> Outcome {
        self.failures = 0;
        self.due_mono = now_mono.saturating_add(self.config.poll_ms);
        Outcome::Synced { burst }
    }

    fn failed(&mut self, now_mono: i64) -> Outcome {
        self.failures = self.failures.saturating_add(1);
        let retry_ms = backoff_ms(self.failures, self.rng.uniform());
        self.due_mono = now_mono.saturating_add(retry_ms);
        Outcome::Failed {
            failures: self.failures,
            retry_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimator::{CLOCK_STEP_MS, RESYNC_MS};

    const POLL: i64 = 250;
    /// The local wall clock at monotonic 0, until a test steps it.
    const WALL0: i64 = 1_700_000_000_000;
    /// The simulated server runs this far ahead of the (unstepped) local wall clock.
    const OFFSET: i64 = 5_000;
    /// Each simulated round trip takes this long.
    const RTT: i64 = 10;

    /// A loop with a local wall clock `wall_shift` ms off the monotonic one, and a server
    /// clock [`WALL0`] + [`OFFSET`] off it.
    struct World {
        sync: SyncLoop,
        mono: i64,
        wall_shift: i64,
    }

    impl World {
        fn new(config: SyncConfig, seed: u64) -> Self {
            Self {
                sync: SyncLoop::new(config, seed),
                mono: 1_000,
                wall_shift: WALL0,
            }
        }

        fn wall(&self) -> i64 {
            self.mono + self.wall_shift
        }

        /// Waits until the next request is due and takes it.
        fn next(&mut self) -> Request {
            let due = self.sync.due_mono().expect("nothing in flight");
            self.mono = self.mono.max(due);
            let wall = self.wall();
            self.sync
                .next_request(self.mono, wall)
                .expect("a request is due")
        }

        /// The request in flight is answered after [`RTT`].
        fn reply(&mut self) -> Outcome {
            let sent = self.mono;
            self.mono += RTT;
            let sample = Sample {
                sent_mono: sent,
                recv_mono: self.mono,
                recv_wall: self.wall(),
                server_time: sent + RTT / 2 + WALL0 + OFFSET,
            };
            self.sync.on_reply(self.mono, sample)
        }

        /// The request in flight fails after `after_ms`.
        fn fail(&mut self, after_ms: i64) -> Outcome {
            self.mono += after_ms;
            self.sync.on_failure(self.mono)
        }

        /// Runs a whole burst that every sample answers; returns its outcome and when each
        /// sample was sent.
        fn answered_burst(&mut self) -> (Outcome, Vec<i64>) {
            let mut sent = Vec::new();
            loop {
                let r = self.next();
                assert!(r.is_burst(), "{r:?}");
                sent.push(self.mono);
                match self.reply() {
                    Outcome::BurstContinues => {}
                    o => return (o, sent),
                }
            }
        }
    }

    fn config() -> SyncConfig {
        SyncConfig::polling_every(POLL)
    }

    #[test]
    fn a_start_burst_of_eight_back_to_back_then_polls() {
        let mut w = World::new(config(), 1);
        let first = w.next();
        assert_eq!(
            first,
            Request::Burst {
                reason: BurstReason::Start,
                index: 0,
                of: BURST
            }
        );
        assert_eq!(first.starts_burst(), Some(BurstReason::Start));
        assert_eq!(w.reply(), Outcome::BurstContinues);
        let (outcome, sent) = w.answered_burst();
        assert_eq!(
            outcome,
            Outcome::Synced {
                burst: Some(BurstReason::Start)
            }
        );
        assert_eq!(sent.len(), BURST - 1, "the rest of the burst");
        // Back to back: each sample is sent as the previous reply arrives.
        assert!(sent.windows(2).all(|p| p[1] - p[0] == RTT), "{sent:?}");
        let est = w.sync.estimator().estimate(w.mono, w.wall()).unwrap();
        assert!((est.offset_ms - OFFSET).abs() <= est.error_bound_ms);

        // Then a poll, POLL after the burst's last reply and not before.
        let end = w.mono;
        assert_eq!(w.sync.due_mono(), Some(end + POLL));
        assert_eq!(w.sync.next_request(end + POLL - 1, w.wall()), None);
        let poll = w.next();
        assert_eq!((poll, w.mono), (Request::Poll, end + POLL));
        assert_eq!(poll.starts_burst(), None);
        assert_eq!(w.reply(), Outcome::Synced { burst: None });
    }

    #[test]
    fn burst_samples_follow_the_configured_count_and_gap() {
        let mut w = World::new(
            SyncConfig {
                poll_ms: POLL,
                burst_samples: 3,
                burst_gap_ms: 40,
            },
            1,
        );
        let (outcome, sent) = w.answered_burst();
        assert_eq!(
            outcome,
            Outcome::Synced {
                burst: Some(BurstReason::Start)
            }
        );
        assert_eq!(sent.len(), 3);
        // Each sent 40 ms after the previous reply.
        assert!(sent.windows(2).all(|p| p[1] - p[0] == RTT + 40), "{sent:?}");
        // A burst of 0 samples is one sample.
        let mut one = SyncLoop::new(
            SyncConfig {
                burst_samples: 0,
                ..config()
            },
            1,
        );
        assert_eq!(
            one.next_request(0, 0),
            Some(Request::Burst {
                reason: BurstReason::Start,
                index: 0,
                of: 1
            })
        );
    }

    #[test]
    fn one_request_at_a_time() {
        let mut w = World::new(config(), 1);
        w.next();
        assert_eq!(w.sync.due_mono(), None);
        assert_eq!(w.sync.next_request(w.mono + 60_000, w.wall()), None);
        w.sync.request_now();
        assert_eq!(w.sync.next_request(w.mono + 60_000, w.wall()), None);
        assert_eq!(w.reply(), Outcome::BurstContinues);
        assert!(w.sync.due_mono().is_some());
    }

    #[test]
    fn a_burst_gives_up_at_the_first_failure_before_any_reply_and_at_the_second_after() {
        let mut b = Burst::new(8);
        assert!(!b.failed(), "nothing answered: the server is down");
        let mut b = Burst::new(8);
        assert!(b.replied());
        assert!(b.failed(), "one failure after a reply: go on");
        assert!(b.replied());
        assert!(!b.failed(), "the second failure ends it");
        assert_eq!((b.sent(), b.replies()), (4, 2));
        let mut b = Burst::new(2);
        assert!(b.replied());
        assert!(!b.replied(), "all samples sent");

        // In the loop: a burst with a reply is a sync even though it ended on failures.
        let mut w = World::new(config(), 1);
        w.next();
        w.reply();
        w.next();
        assert_eq!(w.fail(5), Outcome::BurstContinues);
        w.next();
        assert_eq!(
            w.fail(5),
            Outcome::Synced {
                burst: Some(BurstReason::Start)
            }
        );
        assert_eq!(w.sync.failures(), 0);
        assert!(w.sync.estimator().server_now(w.mono).is_some());
        assert_eq!(w.sync.due_mono(), Some(w.mono + POLL));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        assert_eq!(backoff_ms(1, 0.5), 1_000);
        assert_eq!(backoff_ms(2, 0.5), 2_000);
        assert_eq!(backoff_ms(30, 0.5), 60_000);
        assert_eq!(backoff_ms(1, 0.0), 800);
        assert_eq!(backoff_ms(1, 1.0), 1_200);
    }

    /// The retries of `n` failed start bursts, each failing after `after_ms`: (when the next
    /// request is due, the reported retry).
    fn retries(seed: u64, n: usize, after_ms: i64) -> Vec<(i64, i64)> {
        let mut w = World::new(config(), seed);
        (0..n)
            .map(|i| {
                let r = w.next();
                assert_eq!(
                    r.starts_burst(),
                    Some(BurstReason::Start),
                    "a failed start is retried as a start"
                );
                match w.fail(after_ms) {
                    Outcome::Failed { failures, retry_ms } => {
                        assert_eq!(failures as usize, i + 1);
                        (w.sync.due_mono().unwrap() - w.mono, retry_ms)
                    }
                    o => panic!("{o:?}"),
                }
            })
            .collect()
    }

    #[test]
    fn failures_back_off_from_the_failure_with_jitter_within_its_bounds() {
        for seed in 0..50 {
            for (i, (due_in, retry)) in retries(seed, 10, 5_000).into_iter().enumerate() {
                // Timed from the failure (here a 5 s timeout), not from the request.
                assert_eq!(due_in, retry);
                let base = (1_000i64 << i.min(6)).min(60_000);
                assert!(
                    (base * 8 / 10..=base * 12 / 10).contains(&retry),
                    "failure {}: {retry} ms, base {base}",
                    i + 1
                );
            }
        }
        // Deterministic for a seed; another seed jitters otherwise.
        assert_eq!(retries(7, 6, 0), retries(7, 6, 0));
        assert_ne!(retries(7, 6, 0), retries(8, 6, 0));
        // The jitter spreads: over many seeds the first retry takes many values.
        let firsts: std::collections::BTreeSet<i64> =
            (0..200).map(|s| retries(s, 1, 0)[0].1).collect();
        assert!(firsts.len() > 100, "{}", firsts.len());
        assert!(firsts.iter().any(|r| *r < 900) && firsts.iter().any(|r| *r > 1_100));
    }

    #[test]
    fn a_failed_poll_backs_off_is_retried_as_a_poll_and_a_reply_resets_the_count() {
        let mut w = World::new(config(), 3);
        w.answered_burst();
        assert_eq!(w.next(), Request::Poll);
        let Outcome::Failed {
            failures: 1,
            retry_ms,
        } = w.fail(5_000)
        else {
            panic!("a failed poll is a failure")
        };
        assert_eq!(w.sync.due_mono(), Some(w.mono + retry_ms));
        assert_eq!(w.next(), Request::Poll, "the anchor still holds");
        assert!(matches!(w.fail(1), Outcome::Failed { failures: 2, .. }));
        assert_eq!(w.next(), Request::Poll);
        assert_eq!(w.reply(), Outcome::Synced { burst: None });
        assert_eq!(w.sync.failures(), 0);
        assert_eq!(w.sync.due_mono(), Some(w.mono + POLL));
    }

    #[test]
    fn a_resync_burst_when_the_last_burst_is_old_or_a_poll_contradicts_it() {
        let mut w = World::new(config(), 1);
        w.answered_burst();
        let synced_at = w.mono;
        // Polls until the resync is due, then a burst.
        let mut polls = 0;
        loop {
            let r = w.next();
            if r.is_burst() {
                assert_eq!(r.starts_burst(), Some(BurstReason::Resync));
                break;
            }
            polls += 1;
            w.reply();
        }
        assert!(
            w.mono - synced_at >= RESYNC_MS - RTT,
            "{}",
            w.mono - synced_at
        );
        assert!(polls > 1_000, "{polls}");
        w.reply();
        let (outcome, _) = w.answered_burst();
        assert_eq!(
            outcome,
            Outcome::Synced {
                burst: Some(BurstReason::Resync)
            }
        );

        // A poll that contradicts the anchor (the server clock stepped) asks for a resync.
        let mut w = World::new(config(), 1);
        w.answered_burst();
        assert_eq!(w.next(), Request::Poll);
        let sent = w.mono;
        w.mono += RTT;
        let stepped = Sample {
            sent_mono: sent,
            recv_mono: w.mono,
            recv_wall: w.wall(),
            server_time: sent + WALL0 + OFFSET + 2_000,
        };
        assert_eq!(
            w.sync.on_reply(w.mono, stepped),
            Outcome::Synced { burst: None }
        );
        assert_eq!(w.next().starts_burst(), Some(BurstReason::Resync));
    }

    #[test]
    fn after_an_outage_a_poll_refreshes_a_stale_estimate_and_a_resync_follows_a_long_one() {
        use crate::estimator::STALE_MS;
        let mut w = World::new(config(), 5);
        w.answered_burst();
        let synced_at = w.mono;
        // Polls fail (connection refused) until the estimate is stale: the first request
        // after the outage is still a poll, which the anchor carried forward takes in.
        while w.mono - synced_at <= STALE_MS {
            assert_eq!(w.next(), Request::Poll);
            assert!(matches!(w.fail(1), Outcome::Failed { .. }));
        }
        assert!(w.sync.estimator().is_stale(w.mono));
        assert_eq!(w.next(), Request::Poll);
        assert_eq!(w.reply(), Outcome::Synced { burst: None });
        assert!(!w.sync.estimator().is_stale(w.mono));
        // An outage past the resync interval ends with a resync burst.
        while w
            .sync
            .due_mono()
            .is_some_and(|due| due - synced_at < RESYNC_MS)
        {
            assert_eq!(w.next(), Request::Poll);
            assert!(matches!(w.fail(1), Outcome::Failed { .. }));
        }
        assert_eq!(w.next().starts_burst(), Some(BurstReason::Resync));
    }

    #[test]
    fn a_wall_clock_step_starts_a_burst_that_settles_it() {
        let mut w = World::new(config(), 1);
        w.answered_burst();
        w.next();
        w.reply();
        // The wall clock jumps 30 s ahead; the monotonic clock goes on.
        w.wall_shift += 30_000;
        let before = w.sync.estimator().server_now(w.mono + POLL);
        let r = w.next();
        assert_eq!(
            r.starts_burst(),
            Some(BurstReason::ClockStep { step_ms: 30_000 })
        );
        // The show (server time on the monotonic clock) did not move.
        assert_eq!(w.sync.estimator().server_now(w.mono), before);
        w.reply();
        let (outcome, _) = w.answered_burst();
        assert_eq!(
            outcome,
            Outcome::Synced {
                burst: Some(BurstReason::ClockStep { step_ms: 30_000 })
            }
        );
        let est = w.sync.estimator().estimate(w.mono, w.wall()).unwrap();
        assert!((est.offset_ms - (OFFSET - 30_000)).abs() <= est.error_bound_ms);
        // Settled: the next request is a poll. A move within CLOCK_STEP_MS is no step.
        w.wall_shift += CLOCK_STEP_MS;
        assert_eq!(w.next(), Request::Poll);
    }

    #[test]
    fn a_step_seen_during_a_failing_burst_is_retried_with_it() {
        let mut w = World::new(config(), 1);
        w.answered_burst();
        w.wall_shift -= 5_000;
        let r = w.next();
        let step = Some(BurstReason::ClockStep { step_ms: -5_000 });
        assert_eq!(r.starts_burst(), step);
        assert!(matches!(w.fail(5_000), Outcome::Failed { failures: 1, .. }));
        assert_eq!(w.next().starts_burst(), step, "the step still stands");
    }

    #[test]
    fn request_now_makes_the_next_request_due_at_once() {
        let mut w = World::new(config(), 1);
        w.answered_burst();
        assert_eq!(w.sync.next_request(w.mono, w.wall()), None);
        w.sync.request_now();
        assert_eq!(w.sync.next_request(w.mono, w.wall()), Some(Request::Poll));
    }
}
