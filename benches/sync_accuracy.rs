//! Issue 6 accuracy over a real network path: the real `TimeClient` against the real time
//! server (in-process, on 127.0.0.1) through a proxy that delays each request and each
//! reply by `floor + Exp(mean)`. Prints the same table as the simulated bench in
//! `crates/timesync` (single sample, lowest round trip, the estimator; true offset 0).
//!
//! `cargo bench --bench sync_accuracy` (200 samples, about 30 s).

#[path = "../tests/support/proxy.rs"]
mod proxy;

use timesync::estimator::BURST;
use timesync::sim::{ISSUE_LEG, Leg, Report};

fn main() -> anyhow::Result<()> {
    let server = timeserver::spawn_background(timeserver::Config {
        listen: "127.0.0.1:0".parse()?,
        ..timeserver::Config::default()
    })?;
    let runs = [
        ("proxy 20+Exp(40) each way", ISSUE_LEG, ISSUE_LEG, 20, 11),
        (
            "proxy up 5+Exp(40) / down 80+Exp(40)",
            Leg::new(5.0, 40.0),
            Leg::new(80.0, 40.0),
            5,
            12,
        ),
    ];
    println!(
        "real TimeClient → delaying proxy → real timeserver on 127.0.0.1, bursts of {BURST}; \
         errors are |estimate − truth| right after each burst"
    );
    println!("{}", Report::header());
    for (name, up, down, bursts, seed) in runs {
        let started = std::time::Instant::now();
        let m = proxy::measure(name, server.addr, up, down, bursts, seed)?;
        println!("{}", m.report.row());
        eprintln!(
            "  ({} samples in {:.1} s)",
            bursts * BURST,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
