//! Issue 6, accuracy: over a network with a floor plus a long queueing tail each way, the
//! estimator after a burst has at most 0.3× the mean absolute error of the article's single
//! sample, and the true server time stays inside the reported bound in every trial, on
//! asymmetric paths, with ±200 ppm of crystal drift, integer-ms timestamps, and a server
//! clock that steps mid-burst.

use timesync::sim::{self, Scenario};

const TRIALS: usize = 3_000;

fn check(sc: &Scenario) -> sim::Report {
    let r = sim::run(sc);
    eprintln!("{}", r.row());
    assert_eq!(r.trials, sc.trials);
    assert_eq!(r.violations, 0, "bound violated: {r:?}");
    r
}

#[test]
fn the_estimator_meets_the_goal_on_symmetric_paths() {
    for sc in sim::scenarios(TRIALS).iter().filter(|s| s.goal_applies) {
        let r = check(sc);
        assert!(r.ratio() <= 0.3, "{}: ratio {:.3}", sc.name, r.ratio());
        // And it beats keeping the lowest round trip (this crate's first estimator).
        assert!(r.mae_est < r.mae_min_rtt, "{r:?}");
        assert!(r.max_est < r.mae_single * 2.0, "{r:?}");
    }
}

#[test]
fn the_bound_holds_in_every_trial_of_every_scenario() {
    for sc in sim::scenarios(TRIALS) {
        let r = check(&sc);
        if sc.server_step.is_none() {
            assert!(r.mae_est <= r.mae_single, "{r:?}");
        }
    }
}

#[test]
fn asymmetry_costs_half_the_floor_difference_and_no_more() {
    // Up 5 ms, down 80 ms: nothing can see the 37.5 ms bias, but the tails are filtered out.
    let sc = &sim::scenarios(TRIALS)[2];
    let r = check(sc);
    assert!((r.mae_est - 37.5).abs() < 4.0, "{r:?}");
    assert!(r.mae_single > r.mae_est, "{r:?}");
}

#[test]
fn the_issue_network_with_one_sample_per_burst_is_the_article() {
    // A "burst" of one sample is the single sample (up to ms rounding), so the comparison
    // measures the burst and not a difference in how the error is counted.
    let sc = Scenario {
        burst: 1,
        ..sim::scenarios(TRIALS)[0].clone()
    };
    let r = check(&sc);
    assert!((r.mae_est - r.mae_single).abs() < 0.6, "{r:?}");
}

#[test]
fn drift_beyond_the_assumption_is_reported_stale_or_costs_only_the_unmodelled_drift() {
    // The bound rests on DRIFT_PPM (200 ppm: NTP-disciplined clocks stay far inside it, and
    // NTP itself gives up at 500 ppm). These clocks are 2×, 10× and 50× worse.
    use timesync::estimator::{DRIFT_PPM, STALE_MS};
    for ppm in [2 * DRIFT_PPM, 10 * DRIFT_PPM, 50 * DRIFT_PPM] {
        let quiet = Scenario {
            name: "drift beyond the assumption, no polls",
            drift_ppm: ppm as f64,
            seed: 7,
            ..sim::scenarios(TRIALS)[0].clone()
        };
        let trials = sim::trials(&quiet);
        let end_violations = trials
            .iter()
            .filter(|t| t.est_err.abs() > t.est_bound as f64)
            .count();
        let later_violations = trials.iter().filter(|t| t.later_violated()).count();
        eprintln!(
            "{ppm} ppm: {end_violations} at the burst's end, {later_violations} a minute later"
        );
        // At the end of the burst (about a second of drift) the bound holds even at 50×.
        assert_eq!(end_violations, 0, "{ppm} ppm");
        // A minute later with no sample the drift may have outrun the bound (it does from
        // 10× on), and every such estimate is reported stale (no sample for > STALE_MS).
        assert!(quiet.later_ms > STALE_MS);
        assert!(trials.iter().all(|t| t.later_stale), "{ppm} ppm");
        assert_eq!(later_violations > 0, ppm >= 10 * DRIFT_PPM, "{ppm} ppm");

        // With a status poll every 5 s (as the page and follow poll) the estimate stays
        // fresh. At 2× the polls keep the bound. Beyond that, nothing a client measures can
        // tell drift it assumes away from a wider network tail, so a fresh estimate can be
        // off by more than its bound; what it costs is at most the unmodelled drift since
        // the burst, (ppm − DRIFT_PPM) × age, which the resync every RESYNC_MS caps
        // (docs/clock-sync.md).
        let polled = Scenario {
            name: "drift beyond the assumption, polls every 5 s",
            poll_ms: Some(5_000),
            ..quiet
        };
        let trials = sim::trials(&polled);
        assert!(trials.iter().all(|t| !t.later_stale));
        let violated = trials.iter().filter(|t| t.violated()).count();
        let worst = trials
            .iter()
            .map(|t| t.later_err.abs() - t.later_bound as f64)
            .fold(f64::MIN, f64::max);
        let unmodelled = (ppm - DRIFT_PPM) as f64 * 1e-6 * polled.later_ms as f64;
        eprintln!(
            "{ppm} ppm, polled: {violated} violations, worst {worst:.1} ms past the bound \
             (unmodelled drift {unmodelled:.1} ms)"
        );
        if ppm <= 2 * DRIFT_PPM {
            assert_eq!(violated, 0, "{ppm} ppm with polls");
        } else {
            assert!(violated > 0, "{ppm} ppm: the limit is real");
            assert!(worst <= unmodelled, "{ppm} ppm: {worst} > {unmodelled}");
        }
    }
}
