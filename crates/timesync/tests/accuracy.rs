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
