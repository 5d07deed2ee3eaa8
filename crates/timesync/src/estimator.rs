//! The clock-offset estimator (DESIGN.md, "Client clock sync"). Pure: it is fed timestamps
//! and never touches the network or a clock itself.
//!
//! One sample: the request left at `sent_mono` and the reply arrived at `recv_mono` (local
//! monotonic ms); the reply says `server_time`. The server read its clock somewhere in
//! between, so at `recv_mono` the server time lies in `[server_time, server_time + rtt]`
//! (delay asymmetry cannot be observed). All three timestamps are truncated to whole ms, which
//! widens that by up to 1 ms on each side, and the clocks may run apart by [`DRIFT_PPM`] while
//! the request is in flight: so one sample says "server time at `recv_mono` is in
//! `(server_time − 1, server_time + rtt + 1)`", plus a few µs of drift.
//!
//! A burst intersects the intervals of all its samples, each carried to the newest sample's
//! instant and widened by the drift over the time between. The intersection's midpoint is the
//! estimate and its half-width the error bound: the lower end is set by the sample with the
//! shortest reply leg, the upper end by the one with the shortest request leg, so the error is
//! about half the difference of the two smallest one-way queueing delays, where the
//! lowest-round-trip sample alone gives half the difference of one sample's two legs. When the
//! samples disagree (the server clock stepped, or the drift is beyond [`DRIFT_PPM`]), the
//! newest samples win: the intersection stops at the first older sample that does not fit.
//!
//! Server time is anchored to the **monotonic** clock, so a wall-clock step on this machine
//! does not move the show. Between bursts, every sample (status poll) is intersected with the
//! anchor carried forward; a poll that contradicts the anchor replaces it and asks for a
//! resync. The bound grows with the time since the anchor at [`DRIFT_PPM`].

use std::collections::VecDeque;

/// Assumed worst-case rate error between the local and the server clock (parts per million).
pub const DRIFT_PPM: i64 = 200;
/// Resync this often.
pub const RESYNC_MS: i64 = 5 * 60_000;
/// A burst at start (and after a detected clock step) takes this many samples.
pub const BURST: usize = 8;
/// An estimate older than this is reported as stale.
pub const STALE_MS: i64 = 15_000;
/// A wall clock that moved this far against the monotonic clock since the last sample was
/// stepped (or the machine was suspended): report it and re-burst at once.
pub const CLOCK_STEP_MS: i64 = 1_000;
/// The burst in progress keeps at most this many samples (the newest).
const MAX_PENDING: usize = 256;

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
        self.recv_mono.saturating_sub(self.sent_mono).max(0)
    }
}

/// What the estimator knows now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// `serverNow = localWallNow + offset_ms` (the sign convention used everywhere).
    pub offset_ms: i64,
    /// The lowest round trip among the samples the estimate rests on.
    pub rtt_ms: i64,
    /// The true server time at the given monotonic instant is within ± this of the estimate.
    /// (The offset also carries the up-to-1-ms difference between reading the monotonic and
    /// the wall clock, which the estimator cannot see.)
    pub error_bound_ms: i64,
    /// Local monotonic ms since the newest sample the estimate rests on.
    pub age_ms: i64,
}

/// "Server time at local monotonic ms `mono` lies in `[lo_us, hi_us]`" (µs, closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Interval {
    mono: i64,
    lo_us: i64,
    hi_us: i64,
    /// The lowest round trip among the samples that made this interval.
    rtt: i64,
}

/// Drift over `age_ms` at [`DRIFT_PPM`], in µs, rounded up.
fn drift_us(age_ms: i64) -> i64 {
    age_ms
        .saturating_abs()
        .saturating_mul(DRIFT_PPM)
        .saturating_add(999)
        / 1000
}

impl Interval {
    fn from_sample(s: &Sample) -> Self {
        let rtt = s.rtt();
        let st = s.server_time.saturating_mul(1000);
        Self {
            mono: s.recv_mono,
            // Truncation of `recv_mono`: the reply may have been read up to 1 ms (of local
            // time, so 1 ms + drift of server time) before the instant `recv_mono` names.
            lo_us: st.saturating_sub(1000 + drift_us(1)),
            // Truncation of `server_time` (1 ms) and the whole round trip, plus its drift.
            hi_us: st
                .saturating_add(rtt.saturating_add(1).saturating_mul(1000))
                .saturating_add(drift_us(rtt)),
            rtt,
        }
    }

    /// The same knowledge carried to another monotonic instant, widened by the drift.
    fn at(self, mono: i64) -> Self {
        let d = mono.saturating_sub(self.mono);
        let shift = d.saturating_mul(1000);
        let widen = drift_us(d);
        Self {
            mono,
            lo_us: self.lo_us.saturating_add(shift).saturating_sub(widen),
            hi_us: self.hi_us.saturating_add(shift).saturating_add(widen),
            rtt: self.rtt,
        }
    }

    /// Both at once, at the later of the two instants; `None` when they contradict.
    fn intersect(self, other: Self) -> Option<Self> {
        let mono = self.mono.max(other.mono);
        let (a, b) = (self.at(mono), other.at(mono));
        let (lo_us, hi_us) = (a.lo_us.max(b.lo_us), a.hi_us.min(b.hi_us));
        (lo_us <= hi_us).then_some(Self {
            mono,
            lo_us,
            hi_us,
            rtt: a.rtt.min(b.rtt),
        })
    }

    /// The midpoint, rounded to whole ms (server time at `self.mono`).
    fn mid_ms(self) -> i64 {
        let mid = (i128::from(self.lo_us) + i128::from(self.hi_us)).div_euclid(2);
        clamp_i64((mid + 500).div_euclid(1000))
    }

    /// How far `est_ms` (server time at `self.mono`) can be from the truth, rounded up.
    fn bound_ms(self, est_ms: i64) -> i64 {
        let e = i128::from(est_ms) * 1000;
        let r = (e - i128::from(self.lo_us))
            .max(i128::from(self.hi_us) - e)
            .max(0);
        clamp_i64((r + 999).div_euclid(1000))
    }
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Intersects intervals newest first, stopping at the first one that contradicts the newer
/// ones (so after a server clock step the samples after it win).
fn intersect_newest_first(ivs: &VecDeque<Interval>) -> Option<Interval> {
    let mut it = ivs.iter().rev();
    let mut acc = *it.next()?;
    for iv in it {
        match acc.intersect(*iv) {
            Some(i) => acc = i,
            None => break,
        }
    }
    Some(acc)
}

/// Intersects the samples of each burst and answers "what time is it on the server".
#[derive(Clone, Debug, Default)]
pub struct Estimator {
    anchor: Option<Interval>,
    /// The samples since [`Estimator::begin_burst`] or the last [`Estimator::end_burst`].
    pending: VecDeque<Interval>,
    /// Monotonic ms when a burst (or the first sample) last set the anchor afresh.
    synced_mono: Option<i64>,
    /// A sample contradicted the anchor: resync at once.
    contradicted: bool,
    /// `wall - mono` at the last sample, to detect wall-clock steps and suspends.
    wall_minus_mono: Option<i64>,
}

impl Estimator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a burst: the samples added until [`Estimator::end_burst`] make the next anchor
    /// on their own. Optional: without it the burst is every sample since the last one.
    pub fn begin_burst(&mut self) {
        self.pending.clear();
    }

    /// Adds a sample. It counts towards the burst in progress, and it is intersected with
    /// the anchor at once (so status polls between bursts tighten the estimate); a sample
    /// that contradicts the anchor replaces it and makes a resync due.
    pub fn add(&mut self, s: Sample) {
        let cand = Interval::from_sample(&s);
        self.wall_minus_mono = Some(s.recv_wall.saturating_sub(s.recv_mono));
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(cand);
        self.anchor = Some(match self.anchor {
            None => {
                self.synced_mono = Some(cand.mono);
                cand
            }
            Some(a) => a.intersect(cand).unwrap_or_else(|| {
                self.contradicted = true;
                cand
            }),
        });
    }

    /// Ends a burst: the intersection of its samples becomes the anchor on its own (the burst
    /// is fresher than the old anchor, which a suspend may have made wrong).
    pub fn end_burst(&mut self) {
        if let Some(iv) = intersect_newest_first(&self.pending) {
            self.anchor = Some(iv);
            self.synced_mono = Some(iv.mono);
            self.contradicted = false;
        }
        self.pending.clear();
    }

    /// Server time now, from the monotonic clock.
    pub fn server_now(&self, now_mono: i64) -> Option<i64> {
        self.anchor
            .map(|a| a.mid_ms().saturating_add(now_mono.saturating_sub(a.mono)))
    }

    pub fn estimate(&self, now_mono: i64, now_wall: i64) -> Option<Estimate> {
        let a = self.anchor?;
        let server = self.server_now(now_mono)?;
        Some(Estimate {
            offset_ms: server.saturating_sub(now_wall),
            rtt_ms: a.rtt,
            error_bound_ms: a.at(now_mono).bound_ms(server),
            age_ms: now_mono.saturating_sub(a.mono),
        })
    }

    /// No sample for longer than [`STALE_MS`] (or none at all).
    pub fn is_stale(&self, now_mono: i64) -> bool {
        self.anchor
            .is_none_or(|a| now_mono.saturating_sub(a.mono) > STALE_MS)
    }

    /// Whether a resync burst is due: never synced, the last burst is [`RESYNC_MS`] old, or
    /// a sample contradicted the anchor.
    pub fn resync_due(&self, now_mono: i64) -> bool {
        self.contradicted
            || self
                .synced_mono
                .is_none_or(|m| now_mono.saturating_sub(m) >= RESYNC_MS)
    }

    /// How far the wall clock moved against the monotonic clock since the last sample, when
    /// that is more than [`CLOCK_STEP_MS`]: the machine was suspended or its clock stepped,
    /// so a new burst should start at once.
    pub fn clock_step_ms(&self, now_mono: i64, now_wall: i64) -> Option<i64> {
        self.wall_step_ms(now_mono, now_wall)
            .filter(|d| d.saturating_abs() > CLOCK_STEP_MS)
    }

    /// How far the wall clock moved against the monotonic clock since the last sample
    /// (positive: the wall clock jumped ahead, or the machine was suspended).
    pub fn wall_step_ms(&self, now_mono: i64, now_wall: i64) -> Option<i64> {
        self.wall_minus_mono
            .map(|d| now_wall.saturating_sub(now_mono).saturating_sub(d))
    }
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
        // Half the 40 ms round trip, plus 1 ms for the truncated timestamps, rounded up.
        assert_eq!(e.estimate(1_040, 1_040).unwrap().error_bound_ms, 22);
    }

    #[test]
    fn the_intersection_combines_the_best_leg_of_each_sample() {
        // One sample's request was quick (its server read is close to its send), another's
        // reply was quick: each alone has a 100 ms round trip, together they pin the time.
        let mut e = Estimator::new();
        e.begin_burst();
        e.add(sample(0, 100, 7_000, 0.02));
        e.add(sample(200, 100, 7_000, 0.98));
        e.end_burst();
        let est = e.estimate(300, 300).unwrap();
        assert!((est.offset_ms - 7_000).abs() <= 1, "{est:?}");
        assert!(est.error_bound_ms <= 4, "{est:?}");
        assert!((est.offset_ms - 7_000).abs() <= est.error_bound_ms);
    }

    #[test]
    fn after_a_server_clock_step_mid_burst_the_newest_samples_win() {
        let mut e = Estimator::new();
        e.begin_burst();
        for i in 0..4 {
            e.add(sample(i * 100, 40, 0, 0.5));
        }
        for i in 4..8 {
            e.add(sample(i * 100, 40, 2_000, 0.5));
        }
        assert!(e.resync_due(800), "the contradiction asks for a resync");
        e.end_burst();
        assert!(!e.resync_due(800));
        let est = e.estimate(800, 800).unwrap();
        assert!(
            (est.offset_ms - 2_000).abs() <= est.error_bound_ms,
            "{est:?}"
        );
        assert!(est.error_bound_ms <= 22, "{est:?}");
    }

    #[test]
    fn truncated_timestamps_keep_a_zero_round_trip_honest() {
        // Loopback: sent and received in the same ms. The server may have read its clock at
        // x.999 and the reply arrived at the end of that local ms: ±1 ms is all one can say.
        let mut e = Estimator::new();
        e.add(Sample {
            sent_mono: 50,
            recv_mono: 50,
            recv_wall: 1_000_050,
            server_time: 1_000_050,
        });
        let est = e.estimate(50, 1_000_050).unwrap();
        assert_eq!(est.offset_ms, 0);
        assert_eq!(
            est.error_bound_ms, 2,
            "1 ms either side, plus drift, rounded up"
        );
    }

    #[test]
    fn absurd_server_times_do_not_panic() {
        let mut e = Estimator::new();
        for t in [i64::MAX, i64::MIN, 0, i64::MAX] {
            e.add(Sample {
                sent_mono: 0,
                recv_mono: i64::MAX,
                recv_wall: i64::MIN,
                server_time: t,
            });
        }
        e.end_burst();
        let _ = e.estimate(i64::MIN, i64::MAX);
        let _ = e.server_now(i64::MAX);
        let _ = e.resync_due(i64::MIN);
        let _ = e.clock_step_ms(i64::MIN, i64::MAX);
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
        assert_eq!(e.clock_step_ms(5_000, 5_000 + 3_600_000), Some(3_600_000));
        assert_eq!(e.wall_step_ms(5_000, 5_000 + 3_600_000), Some(3_600_000));
        assert_eq!(e.clock_step_ms(5_000, 5_000), None);
        assert_eq!(e.clock_step_ms(5_000, 5_000 + CLOCK_STEP_MS), None);
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
}
