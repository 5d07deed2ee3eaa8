//! A deterministic, seeded simulation of clock sync over a delaying network (issue 6), shared
//! by the accuracy test (`tests/accuracy.rs`) and the `sync_accuracy` bench. No dependencies:
//! a SplitMix64 generator and inverse-CDF exponentials.
//!
//! The model, in the local crystal's time `τ` (ms, real-valued):
//! - the local monotonic clock reads `floor(τ)`, the local wall clock `floor(τ) + base`;
//! - the server clock is `S(τ) = s0 + τ·(1 + d)` with a crystal drift `d` of ± the scenario's
//!   ppm (the sign is drawn per trial), and answers `floor(S)`;
//! - each request waits `up` before the server reads its clock, each reply `down` before it
//!   arrives, both `floor + Exp(tail mean)`, drawn independently per sample;
//! - the samples of a burst follow one another, each sent 0–2 ms after the previous reply.
//!
//! Compared, at the end of the burst (and again later, for the bound):
//! - "single": the article's one sample, `offset = serverTime + rtt/2 − localRecv`;
//! - "min-RTT": the lowest-round-trip sample of the burst (this crate's first estimator);
//! - "estimator": [`Estimator`] fed the burst.
//!
//! The error is the estimated server time at a monotonic instant minus the true server time
//! at that instant (the same as the offset error, since wall and monotonic share a crystal).

use crate::estimator::{Estimator, Sample};

pub use crate::rng::Rng;

/// One direction of the network: a floor plus an exponential queueing tail.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Leg {
    pub floor_ms: f64,
    pub tail_mean_ms: f64,
}

impl Leg {
    pub const fn new(floor_ms: f64, tail_mean_ms: f64) -> Self {
        Self {
            floor_ms,
            tail_mean_ms,
        }
    }

    pub fn delay(&self, rng: &mut Rng) -> f64 {
        self.floor_ms + rng.exp(self.tail_mean_ms)
    }
}

/// One simulated network and clock pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: &'static str,
    pub up: Leg,
    pub down: Leg,
    /// The server crystal runs this many ppm fast or slow (sign drawn per trial).
    pub drift_ppm: f64,
    /// The server clock steps by this many ms before this sample of the burst.
    pub server_step: Option<(usize, f64)>,
    pub burst: usize,
    pub trials: usize,
    pub seed: u64,
    /// The bound is checked again this long after the burst (drift grows the error).
    pub later_ms: i64,
    /// Status polls after the burst, one sample this often until the later check (each is
    /// intersected with the anchor, as a client's status polls are).
    pub poll_ms: Option<i64>,
    /// Whether the 0.3× accuracy goal applies (symmetric paths, where it is reachable: any
    /// estimator is off by half the floor asymmetry, which no measurement can reveal).
    pub goal_applies: bool,
}

/// The issue's network: 20 ms + Exp(mean 40 ms) each way, independently.
pub const ISSUE_LEG: Leg = Leg::new(20.0, 40.0);

/// The standard scenarios, `trials` each.
pub fn scenarios(trials: usize) -> Vec<Scenario> {
    let base = Scenario {
        name: "",
        up: ISSUE_LEG,
        down: ISSUE_LEG,
        drift_ppm: 0.0,
        server_step: None,
        burst: crate::estimator::BURST,
        trials,
        seed: 0,
        later_ms: 60_000,
        poll_ms: None,
        goal_applies: true,
    };
    vec![
        Scenario {
            name: "symmetric 20+Exp(40)",
            seed: 1,
            ..base.clone()
        },
        Scenario {
            name: "symmetric, drift ±200 ppm",
            drift_ppm: 200.0,
            seed: 2,
            ..base.clone()
        },
        Scenario {
            name: "asym up 5+Exp(40) / down 80+Exp(40), ±200 ppm",
            up: Leg::new(5.0, 40.0),
            down: Leg::new(80.0, 40.0),
            drift_ppm: 200.0,
            seed: 3,
            goal_applies: false,
            ..base.clone()
        },
        Scenario {
            name: "asym up 80+Exp(120) / down 5+Exp(10), ±200 ppm",
            up: Leg::new(80.0, 120.0),
            down: Leg::new(5.0, 10.0),
            drift_ppm: 200.0,
            seed: 4,
            goal_applies: false,
            ..base.clone()
        },
        Scenario {
            name: "loopback 0.05+Exp(0.2), ±200 ppm",
            up: Leg::new(0.05, 0.2),
            down: Leg::new(0.05, 0.2),
            drift_ppm: 200.0,
            seed: 5,
            goal_applies: false,
            ..base.clone()
        },
        Scenario {
            name: "server clock steps +2 s mid-burst",
            drift_ppm: 200.0,
            server_step: Some((3, 2_000.0)),
            seed: 6,
            goal_applies: false,
            ..base
        },
    ]
}

/// The errors (estimate − truth, ms) of one trial.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trial {
    pub single_err: f64,
    pub min_rtt_err: f64,
    pub est_err: f64,
    pub est_bound: i64,
    /// The estimator's error and bound [`Scenario::later_ms`] after the burst.
    pub later_err: f64,
    pub later_bound: i64,
    /// Whether the estimator reported itself stale at the later check.
    pub later_stale: bool,
}

impl Trial {
    /// The true server time lay outside the reported bound (at the end of the burst or later).
    pub fn violated(&self) -> bool {
        self.est_err.abs() > self.est_bound as f64 || self.later_violated()
    }

    /// The true server time lay outside the bound at the later check.
    pub fn later_violated(&self) -> bool {
        self.later_err.abs() > self.later_bound as f64
    }
}

/// One burst over the scenario's network.
pub fn run_trial(sc: &Scenario, rng: &mut Rng) -> Trial {
    let drift = if rng.uniform() < 0.5 { -1.0 } else { 1.0 } * sc.drift_ppm * 1e-6;
    let tau0 = 1_000.0 + rng.uniform() * 1e6;
    let s0 = 1.7e12 + rng.uniform() * 1e9;
    let wall_base = 1_700_000_000_000 + (rng.uniform() * 1e6) as i64;
    let mut step = 0.0;
    let server = |tau: f64, step: f64| s0 + tau * (1.0 + drift) + step;

    let mut est = Estimator::new();
    est.begin_burst();
    let mut tau = tau0;
    let mut samples = Vec::with_capacity(sc.burst);
    for i in 0..sc.burst.max(1) {
        if let Some((at, by)) = sc.server_step
            && at == i
        {
            step = by;
        }
        let sent = tau;
        let read = sent + sc.up.delay(rng);
        let recv = read + sc.down.delay(rng);
        let recv_mono = recv.floor() as i64;
        let s = Sample {
            sent_mono: sent.floor() as i64,
            recv_mono,
            recv_wall: recv_mono + wall_base,
            server_time: server(read, step).floor() as i64,
        };
        est.add(s);
        samples.push(s);
        tau = recv + rng.uniform() * 2.0;
    }
    est.end_burst();
    let now = samples.last().map_or(0, |s| s.recv_mono);

    let truth = |m: i64, step: f64| server(m as f64, step);
    // The estimator's error and bound at monotonic instant `m`.
    let est_at = |est: &Estimator, m: i64, step: f64| {
        est.estimate(m, m + wall_base)
            .map_or((f64::INFINITY, 0), |e| {
                (
                    (m + wall_base + e.offset_ms) as f64 - truth(m, step),
                    e.error_bound_ms,
                )
            })
    };
    let (est_err, est_bound) = est_at(&est, now, step);

    // Status polls: one sample each `poll_ms`, the last one answered before the later check.
    let later = now + sc.later_ms;
    if let Some(every) = sc.poll_ms.filter(|p| *p > 0) {
        let mut at = now + every;
        while at + 1_000 <= later {
            let read = at as f64 + sc.up.delay(rng);
            let recv = read + sc.down.delay(rng);
            let recv_mono = recv.floor() as i64;
            est.add(Sample {
                sent_mono: at,
                recv_mono,
                recv_wall: recv_mono + wall_base,
                server_time: server(read, step).floor() as i64,
            });
            at += every;
        }
    }
    let (later_err, later_bound) = est_at(&est, later, step);

    // Server time at monotonic instant `m` per the article's single sample and per min-RTT.
    let article = |s: &Sample, m: i64| {
        let offset = s.server_time as f64 + s.rtt() as f64 / 2.0 - s.recv_wall as f64;
        (m + wall_base) as f64 + offset
    };
    let first = samples[0];
    let best = samples
        .iter()
        .min_by_key(|s| s.rtt())
        .copied()
        .unwrap_or(first);
    Trial {
        single_err: article(&first, now) - truth(now, step),
        min_rtt_err: article(&best, now) - truth(now, step),
        est_err,
        est_bound,
        later_err,
        later_bound,
        later_stale: est.is_stale(later),
    }
}

/// The summary of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub name: String,
    pub trials: usize,
    pub mae_single: f64,
    pub mae_min_rtt: f64,
    pub mae_est: f64,
    pub p95_est: f64,
    pub max_est: f64,
    pub mean_bound: f64,
    pub violations: usize,
}

impl Report {
    /// MAE of the estimator over MAE of the single sample.
    pub fn ratio(&self) -> f64 {
        self.mae_est / self.mae_single
    }

    /// From absolute errors (ms) and bounds of any source: the real-network bench uses it too.
    pub fn from_errors(
        name: &str,
        single: &[f64],
        min_rtt: &[f64],
        est: &[f64],
        bounds: &[i64],
        violations: usize,
    ) -> Self {
        let mae = |v: &[f64]| v.iter().map(|e| e.abs()).sum::<f64>() / v.len().max(1) as f64;
        let mut sorted: Vec<f64> = est.iter().map(|e| e.abs()).collect();
        sorted.sort_by(f64::total_cmp);
        let p95 = sorted
            .get(((sorted.len() as f64 * 0.95).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0);
        Self {
            name: name.to_owned(),
            trials: est.len(),
            mae_single: mae(single),
            mae_min_rtt: mae(min_rtt),
            mae_est: mae(est),
            p95_est: p95,
            max_est: sorted.last().copied().unwrap_or(0.0),
            mean_bound: bounds.iter().sum::<i64>() as f64 / bounds.len().max(1) as f64,
            violations,
        }
    }

    pub fn header() -> String {
        format!(
            "| {:<48} | {:>6} | {:>10} | {:>10} | {:>10} | {:>5} | {:>13} | {:>10} | {:>10} |\n|{}|",
            "scenario",
            "trials",
            "MAE single",
            "MAE minRTT",
            "MAE est.",
            "ratio",
            "p95 / max",
            "mean bound",
            "violations",
            ["-"; 9].join("|")
        )
    }

    pub fn row(&self) -> String {
        format!(
            "| {:<48} | {:>6} | {:>7.2} ms | {:>7.2} ms | {:>7.2} ms | {:>5.3} | {:>5.1} / {:>4.1} ms | {:>7.1} ms | {:>10} |",
            self.name,
            self.trials,
            self.mae_single,
            self.mae_min_rtt,
            self.mae_est,
            self.ratio(),
            self.p95_est,
            self.max_est,
            self.mean_bound,
            self.violations
        )
    }
}

/// Every trial of a scenario.
pub fn trials(sc: &Scenario) -> Vec<Trial> {
    let mut rng = Rng::new(sc.seed);
    (0..sc.trials).map(|_| run_trial(sc, &mut rng)).collect()
}

/// Runs every trial of a scenario.
pub fn run(sc: &Scenario) -> Report {
    let trials = trials(sc);
    let col = |f: fn(&Trial) -> f64| trials.iter().map(f).collect::<Vec<f64>>();
    Report::from_errors(
        sc.name,
        &col(|t| t.single_err),
        &col(|t| t.min_rtt_err),
        &col(|t| t.est_err),
        &trials.iter().map(|t| t.est_bound).collect::<Vec<_>>(),
        trials.iter().filter(|t| t.violated()).count(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_the_exponential_has_its_mean() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.next_u64(), b.next_u64());
        let n = 200_000;
        let mean = (0..n).map(|_| a.exp(40.0)).sum::<f64>() / n as f64;
        assert!((mean - 40.0).abs() < 0.5, "{mean}");
        assert!((0..1000).all(|_| (0.0..1.0).contains(&a.uniform())));
    }

    #[test]
    fn the_single_sample_error_matches_theory() {
        // (up − down)/2 with both legs 20 + Exp(40): |Laplace(40)|/2 has mean 20 ms.
        let r = run(&Scenario {
            trials: 20_000,
            ..scenarios(0)[0].clone()
        });
        assert!((r.mae_single - 20.0).abs() < 1.0, "{r:?}");
    }
}
