//! Issue 6 accuracy, simulated: prints the table of `timesync::sim` (single sample, lowest
//! round trip, the estimator) over the standard scenarios, then times `Estimator::add` and a
//! whole burst with criterion.
//!
//! `cargo bench -p timesync --bench sync_accuracy` (add `-- --quick` style criterion flags
//! after `--` as usual; `SYNC_TRIALS=N` changes the trials per scenario, default 20,000).

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use timesync::estimator::{BURST, Estimator, Sample};
use timesync::sim;

fn table() {
    let trials = std::env::var("SYNC_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    println!("simulated: {trials} bursts of {BURST} per scenario; errors are |estimate − truth|");
    println!("{}", sim::Report::header());
    for sc in sim::scenarios(trials) {
        println!("{}", sim::run(&sc).row());
    }
    println!();
}

fn samples(n: usize) -> Vec<Sample> {
    let mut rng = sim::Rng::new(42);
    let mut t = 1_000.0;
    (0..n)
        .map(|_| {
            let up = sim::ISSUE_LEG.delay(&mut rng);
            let down = sim::ISSUE_LEG.delay(&mut rng);
            let s = Sample {
                sent_mono: t as i64,
                recv_mono: (t + up + down) as i64,
                recv_wall: (t + up + down) as i64 + 1_700_000_000_000,
                server_time: (t + up) as i64 + 1_700_000_000_000,
            };
            t += up + down + 1.0;
            s
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let burst = samples(BURST);
    let polls = samples(1_000);
    c.bench_function("estimator burst of 8 (add ×8 + end_burst)", |b| {
        b.iter(|| {
            let mut e = Estimator::new();
            e.begin_burst();
            for s in &burst {
                e.add(black_box(*s));
            }
            e.end_burst();
            black_box(e.server_now(black_box(5_000)))
        })
    });
    let mut e = Estimator::new();
    let mut i = 0;
    c.bench_function("estimator add (a status poll)", |b| {
        b.iter(|| {
            e.add(black_box(polls[i % polls.len()]));
            i += 1;
            // Polls between bursts do not pile up: a burst clears them.
            if i % 1_000 == 0 {
                e.end_burst();
            }
        })
    });
}

fn main() {
    table();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    bench(&mut c);
    c.final_summary();
}
