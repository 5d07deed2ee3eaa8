//! The clock-offset estimator (DESIGN.md, "Client clock sync"). Pure: it is fed timestamps
//! and never touches the network or a clock itself.
//!
//! One sample: the request left at `sent_mono` and the reply arrived at `recv_mono` (local
//! monotonic ms); the reply says `server_time`. The server read its clock somewhere in
//! between, so at `recv_mono` the server time is about `server_time + rtt/2`, with an error
//! of at most `rtt/2` (delay asymmetry cannot be observed). The estimator keeps the sample
//! with the lowest round trip of the current burst, anchors server time to the **monotonic**
//! clock (a wall-clock step on this machine does not move the show), and widens the error
//! bound with the time since the sample, at an assumed crystal drift of [`DRIFT_PPM`].

/// Assumed worst-case rate error between the local and the server clock (parts per million).
pub const DRIFT_PPM: i64 = 200;
/// Resync this often.
pub const RESYNC_MS: i64 = 5 * 60_000;
/// A burst at start (and after a detected clock step) takes this many samples.
pub const BURST: usize = 8;
/// An estimate older than this is reported as stale.
pub const STALE_MS: i64 = 15_000;

/// One round trip to the time server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Local monotonic ms when the request was sent.
    pub sent_mono: i64,
    /// Local monotonic ms when the reply arrived.
    pub recv_mono: i64,
    /// Local wall-clock (Unix) ms when the reply arrived.
    pub recv_wall: i64,
    /// The server's `serverTime` (Unix ms).
    pub server_time: i64,
}

impl Sample {
    pub fn rtt(&self) -> i64 {
        (self.recv_mono - self.sent_mono).max(0)
    }

    /// Server time at `recv_mono`, and its error bound (half the round trip, rounded up).
    fn server_at_recv(&self) -> (i64, i64) {
        let rtt = self.rtt();
        (self.server_time + rtt / 2, (rtt + 1) / 2)
    }
}

/// What the estimator knows now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// `serverNow = localWallNow + offset_ms` (the sign convention used everywhere).
    pub offset_ms: i64,
    /// The round trip of the sample the estimate rests on.
    pub rtt_ms: i64,
    /// The true server time is within ± this of the estimate.
    pub error_bound_ms: i64,
    /// Local monotonic ms since the sample.
    pub age_ms: i64,
}

/// Server time anchored to the monotonic clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Anchor {
    mono: i64,
    server: i64,
    bound: i64,
    rtt: i64,
}

/// Keeps the best sample of each burst and answers "what time is it on the server".
#[derive(Clone, Debug, Default)]
pub struct Estimator {
    anchor: Option<Anchor>,
    /// The lowest-RTT sample of the burst in progress.
    burst_best: Option<Anchor>,
    burst_count: usize,
    /// `wall - mono` at the last sample, to detect wall-clock steps and suspends.
    wall_minus_mono: Option<i64>,
}

impl Estimator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a sample. Within a burst the lowest round trip wins; outside a burst (status
    /// polls) a sample replaces the anchor when its bound is tighter than the anchor's
    /// bound grown by drift since then.
    pub fn add(&mut self, s: Sample) {
        let (server, bound) = s.server_at_recv();
        let cand = Anchor {
            mono: s.recv_mono,
            server,
            bound,
            rtt: s.rtt(),
        };
        self.wall_minus_mono = Some(s.recv_wall - s.recv_mono);
        self.burst_count += 1;
        if self.burst_best.is_none_or(|b| cand.rtt < b.rtt) {
            self.burst_best = Some(cand);
        }
        let take = match self.anchor {
            None => true,
            Some(a) => cand.bound <= grown_bound(a, s.recv_mono),
        };
        if take {
            self.anchor = Some(cand);
        }
    }

    /// Ends a burst: its best sample becomes the anchor (the burst is fresher than the old
    /// anchor even when the old one had a lower round trip).
    pub fn end_burst(&mut self) {
        if let Some(best) = self.burst_best.take() {
            self.anchor = Some(best);
        }
        self.burst_count = 0;
    }

    /// Server time now, from the monotonic clock.
    pub fn server_now(&self, now_mono: i64) -> Option<i64> {
        self.anchor.map(|a| a.server + (now_mono - a.mono))
    }

    pub fn estimate(&self, now_mono: i64, now_wall: i64) -> Option<Estimate> {
        let a = self.anchor?;
        let server = a.server + (now_mono - a.mono);
        Some(Estimate {
            offset_ms: server - now_wall,
            rtt_ms: a.rtt,
            error_bound_ms: grown_bound(a, now_mono),
            age_ms: now_mono - a.mono,
        })
    }

    pub fn is_stale(&self, now_mono: i64) -> bool {
        self.anchor.is_none_or(|a| now_mono - a.mono > STALE_MS)
    }

    /// Whether a resync burst is due.
    pub fn resync_due(&self, now_mono: i64) -> bool {
        self.anchor.is_none_or(|a| now_mono - a.mono >= RESYNC_MS)
    }

    /// True when the wall clock moved against the monotonic clock by more than
    /// `threshold_ms` since the last sample: the machine was suspended or its clock stepped,
    /// so a new burst should start at once.
    pub fn clock_stepped(&self, now_mono: i64, now_wall: i64, threshold_ms: i64) -> bool {
        self.wall_minus_mono
            .is_some_and(|d| ((now_wall - now_mono) - d).abs() > threshold_ms)
    }
}

fn grown_bound(a: Anchor, now_mono: i64) -> i64 {
    let age = (now_mono - a.mono).max(0);
    a.bound + (age * DRIFT_PPM + 999_999) / 1_000_000
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(sent: i64, rtt: i64, true_offset: i64, up_share: f64) -> Sample {
        // The server reads its clock after the upstream delay.
        let up = (rtt as f64 * up_share).round() as i64;
        let recv = sent + rtt;
        Sample {
            sent_mono: sent,
            recv_mono: recv,
            recv_wall: recv,
            server_time: sent + up + true_offset,
        }
    }

    #[test]
    fn the_lowest_round_trip_of_a_burst_wins() {
        let mut e = Estimator::new();
        for (i, rtt) in [120, 40, 300, 80].into_iter().enumerate() {
            e.add(sample(i as i64 * 1000, rtt, 5_000, 0.9));
        }
        e.end_burst();
        let est = e.estimate(4_000, 4_000).unwrap();
        assert_eq!(est.rtt_ms, 40);
        assert!((est.offset_ms - 5_000).abs() <= est.error_bound_ms);
        assert_eq!(e.estimate(1_040, 1_040).unwrap().error_bound_ms, 20);
    }

    #[test]
    fn the_bound_holds_for_any_asymmetry_and_grows_with_age() {
        for share in [0.0, 0.1, 0.5, 0.9, 1.0] {
            let mut e = Estimator::new();
            e.add(sample(0, 100, -123_456, share));
            e.end_burst();
            let est = e.estimate(100, 100).unwrap();
            assert!(
                (est.offset_ms + 123_456).abs() <= est.error_bound_ms,
                "share {share}"
            );
        }
        let mut e = Estimator::new();
        e.add(sample(0, 10, 0, 0.5));
        let b0 = e.estimate(10, 10).unwrap().error_bound_ms;
        let b1 = e
            .estimate(10 + 600_000, 10 + 600_000)
            .unwrap()
            .error_bound_ms;
        assert_eq!(b1 - b0, 120, "200 ppm over 10 minutes");
    }

    #[test]
    fn a_wall_clock_step_does_not_move_server_time_but_is_detected() {
        let mut e = Estimator::new();
        e.add(sample(0, 20, 1_000_000, 0.5));
        e.end_burst();
        let before = e.server_now(5_000).unwrap();
        // The wall clock jumps an hour ahead; monotonic time goes on.
        let est = e.estimate(5_000, 5_000 + 3_600_000).unwrap();
        assert_eq!(e.server_now(5_000).unwrap(), before);
        assert_eq!(est.offset_ms, before - (5_000 + 3_600_000));
        assert!(e.clock_stepped(5_000, 5_000 + 3_600_000, 1_000));
        assert!(!e.clock_stepped(5_000, 5_000, 1_000));
    }

    #[test]
    fn polls_replace_the_anchor_only_when_tighter() {
        let mut e = Estimator::new();
        e.add(sample(0, 20, 0, 0.5));
        e.end_burst();
        e.add(sample(1_000, 400, 0, 0.5));
        assert_eq!(e.estimate(2_000, 2_000).unwrap().rtt_ms, 20);
        e.add(sample(2_000, 10, 0, 0.5));
        assert_eq!(e.estimate(3_000, 3_000).unwrap().rtt_ms, 10);
    }

    #[test]
    fn staleness_and_resync() {
        let mut e = Estimator::new();
        assert!(e.is_stale(0) && e.resync_due(0));
        e.add(sample(0, 10, 0, 0.5));
        assert!(!e.is_stale(10) && !e.resync_due(10));
        assert!(e.is_stale(10 + STALE_MS + 1));
        assert!(e.resync_due(10 + RESYNC_MS));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        assert_eq!(backoff_ms(1, 0.5), 1_000);
        assert_eq!(backoff_ms(2, 0.5), 2_000);
        assert_eq!(backoff_ms(30, 0.5), 60_000);
        assert_eq!(backoff_ms(1, 0.0), 800);
        assert_eq!(backoff_ms(1, 1.0), 1_200);
    }
}
