//! Issue 6 failures, each against the real time server on 127.0.0.1 or a proxy in front of
//! it that injects the fault: the real client through a delaying network stays inside its
//! bound; `cuestudio follow` waits for a server that is down at start, rides out an outage,
//! reports garbage replies and replies after 5 s as clear failures and keeps the show
//! running on its last estimate, and a wall-clock step on this machine moves nothing but
//! triggers a re-burst.
//!
//! The timing tests run one at a time (a lock), so that they do not starve one another of
//! the two cores while they assert "within 50 ms".

mod support;

use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use cuestudio::cli::live::{FollowArgs, run_with};
use support::proxy::{self, Mode, Proxy};
use support::{Follow, assert_on_time, now_ms, rfc3339, server, sheet};
use timesync::client::{ClockSource, Clocks, system_wall_us};
use timesync::sim::{ISSUE_LEG, Leg};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The serial lock, a temporary folder and the real server on a free port, its state file
/// in that folder. Bind them in this order, so they drop in reverse: the server stops before
/// the lock is released.
fn serial_server() -> (
    MutexGuard<'static, ()>,
    tempfile::TempDir,
    timeserver::ServerHandle,
) {
    let lock = serial();
    let dir = tempfile::tempdir().unwrap();
    let srv = server("127.0.0.1:0".parse().unwrap(), dir.path());
    (lock, dir, srv)
}

fn is_stale(v: &serde_json::Value) -> bool {
    v["stale"] == true
}

fn is_recovered(v: &serde_json::Value) -> bool {
    v["stale"] == false
}

#[test]
fn the_real_client_through_a_delaying_proxy_stays_inside_its_bound() {
    let (_serial, _dir, srv) = serial_server();
    for (name, up, down, bursts) in [
        ("symmetric", ISSUE_LEG, ISSUE_LEG, 3),
        ("asymmetric", Leg::new(5.0, 40.0), Leg::new(80.0, 40.0), 2),
    ] {
        let m = proxy::measure(name, srv.addr, up, down, bursts, 99).unwrap();
        eprintln!("{}", m.report.row());
        assert_eq!(m.errors.len(), bursts);
        for (single, _, est, bound) in &m.errors {
            // True offset 0: the estimate is inside its bound, and the bound is no wider
            // than the network makes it (half the fastest legs, which the floors limit).
            assert!(
                est.abs() <= *bound as f64,
                "{name}: error {est} ms, bound {bound} ms"
            );
            assert!((10..=150).contains(bound), "{name}: bound {bound} ms");
            assert!(single.is_finite());
        }
        assert_eq!(m.report.violations, 0);
    }
    // The delays were real: the symmetric path cannot be measured better than its floor.
    let m = proxy::measure("check", srv.addr, ISSUE_LEG, ISSUE_LEG, 1, 5).unwrap();
    assert!(m.errors[0].3 >= 20, "{:?}", m.errors);
}

#[test]
fn follow_waits_for_a_server_that_is_down_at_start() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let reserved = support::reserve_addr();
    let addr = reserved.addr;
    let url = format!("http://{addr}/time");
    let start = now_ms() + 3_500;
    let cues = sheet(
        dir.path(),
        &[
            (0, "first", 100),
            (500, "second", 100),
            (1000, "third", 100),
        ],
    );
    let mut f = Follow::spawn(&url, &cues, &["--start", &rfc3339(start)]);

    // Nothing listens yet: the follower says it is not synced, with the reason, and waits.
    let unsynced = f.wait_for("an unsynced report", Duration::from_secs(3), |l| {
        is_stale(&l.v)
    });
    assert_eq!(unsynced.v["synced"], false, "{:?}", unsynced.v);
    assert!(
        unsynced.v["error"].as_str().unwrap().contains(&url),
        "the error names the server: {:?}",
        unsynced.v
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(f.finish_now().is_none(), "follow gave up: {:?}", f.err);

    let _srv = reserved.serve(dir.path());
    let synced = f.wait_for("the first sync", Duration::from_secs(3), |l| {
        l.v["sync"] == "start"
    });
    // The bound is what the round trip allows: half the lowest round trip, plus 1 ms for
    // each ms-truncated clock reading (no guess at how fast this machine answers).
    let rtt = synced.v["rttMs"].as_i64().unwrap();
    assert!(
        synced.v["errorBoundMs"].as_i64().unwrap() <= (rtt + 1) / 2 + 2,
        "{:?}",
        synced.v
    );
    // True offset 0 (one machine). The estimate is inside its bound; reading it as an
    // offset subtracts the wall clock, and both clocks are read truncated to whole ms, which
    // adds up to 1 ms (seen once in CI: offset -3 with bound 2).
    let bound = synced.v["errorBoundMs"].as_i64().unwrap();
    assert!(
        synced.v["offsetMs"].as_i64().unwrap().abs() <= bound + 1,
        "{:?}",
        synced.v
    );
    assert!(f.position(is_recovered).is_some(), "{:#?}", f.seen);
    let status = f.finish(Duration::from_secs(6));
    assert!(status.success(), "{status}: {:?}", f.err);
    for (action, time) in [("first", 0), ("second", 500), ("third", 1000)] {
        assert_on_time(&f, action, start, time);
    }
    assert!(
        f.err.iter().any(|l| l.contains("sync failed")),
        "{:?}",
        f.err
    );
}

#[test]
fn follow_rides_out_a_server_outage_and_reports_stale_and_recovery() {
    let (_serial, dir, srv) = serial_server();
    let addr = srv.addr;
    let url = format!("http://{addr}/time");
    let start = now_ms() + 1_500;
    let times = [0, 1000, 2000, 3000, 4000, 5000];
    let (names, cues) = numbered_sheet(dir.path(), &times);
    let mut f = Follow::spawn(
        &url,
        &cues,
        &["--start", &rfc3339(start), "--stale-ms", "700"],
    );
    f.wait_for("cue0", Duration::from_secs(4), |l| l.v["action"] == "cue0");

    // The server goes down at show time 0.2 s, for 2 s.
    std::thread::sleep(Duration::from_millis(200));
    srv.stop();
    // Hold the port while the server is down (connections are refused, as with no server),
    // so nothing else can take it before the server comes back on it.
    let reserved = support::Reserved::hold(addr);
    let down_at = now_ms();
    let stale = f.wait_for("a stale report", Duration::from_secs(3), |l| is_stale(&l.v));
    assert!(stale.v["ageMs"].as_i64().unwrap() >= 700, "{:?}", stale.v);
    std::thread::sleep(Duration::from_millis(
        (down_at + 2_000 - now_ms()).max(0) as u64
    ));
    let _srv = reserved.serve(dir.path());
    f.wait_for("the recovery", Duration::from_secs(5), |l| {
        is_recovered(&l.v)
    });
    let status = f.finish(Duration::from_secs(6));
    assert!(status.success(), "{status}: {:?}", f.err);

    // Every cue fired on time, including those during the outage (on the last estimate).
    all_on_time(&f, &names, start, &times);
    let stale_at = f.position(is_stale).unwrap();
    let back_at = f.position(is_recovered).unwrap();
    assert!(stale_at < back_at);
    assert!(
        f.position(|v| v["action"] == "cue2000").unwrap() > stale_at,
        "cue2000 fired while stale: {:#?}",
        f.seen
    );
    assert!(
        f.err.iter().any(|l| l.contains("sync failed")),
        "{:?}",
        f.err
    );
}

#[test]
fn garbage_replies_give_a_clear_error_and_no_crash() {
    let (_serial, dir, srv) = serial_server();
    let proxy = Proxy::plain(srv.addr).unwrap();
    proxy.set_mode(Mode::Reply("<html>502 Bad Gateway</html>".into()));
    let t0 = now_ms();
    let start = t0 + 2_000;
    let times = [0, 1000, 2000, 3000, 4000, 5000];
    let (names, cues) = numbered_sheet(dir.path(), &times);
    let mut f = Follow::spawn(
        &proxy.url(),
        &cues,
        &["--start", &rfc3339(start), "--stale-ms", "700"],
    );

    // HTTP 200 with HTML: not synced, and the error says why.
    let unsynced = f.wait_for("an unsynced report", Duration::from_secs(3), |l| {
        is_stale(&l.v)
    });
    let why = unsynced.v["error"].as_str().unwrap();
    assert!(why.contains("not a time reply"), "{why}");
    assert!(why.contains(&proxy.url()), "{why}");
    proxy.set_mode(Mode::Forward);
    f.wait_for("the first sync", Duration::from_secs(3), |l| {
        l.v["sync"] == "start"
    });

    // Mid-show, valid JSON of the wrong shape: stale with the reason, the show goes on.
    std::thread::sleep(Duration::from_millis((start + 300 - now_ms()).max(0) as u64));
    proxy.set_mode(Mode::Reply(r#"{"time": 5, "status": "running"}"#.into()));
    let stale = f.wait_for("a stale report", Duration::from_secs(3), |l| {
        is_stale(&l.v) && l.v.get("ageMs").is_some_and(|a| !a.is_null())
    });
    let why = stale.v["error"].as_str().unwrap_or_default();
    assert!(why.contains("serverTime"), "{:?}", stale.v);
    std::thread::sleep(Duration::from_millis(
        (start + 2_000 - now_ms()).max(0) as u64
    ));
    proxy.set_mode(Mode::Forward);
    f.wait_for("the recovery", Duration::from_secs(5), |l| {
        is_recovered(&l.v) && l.at_ms > start
    });
    let status = f.finish(Duration::from_secs(6));
    assert!(status.success(), "{status}: {:?}", f.err);
    all_on_time(&f, &names, start, &times);
    assert!(
        f.err.iter().any(|l| l.contains("not a time reply")),
        "{:?}",
        f.err
    );
}

#[test]
fn a_reply_after_5_s_times_out_and_the_show_keeps_running() {
    let (_serial, dir, srv) = serial_server();
    let proxy = Proxy::plain(srv.addr).unwrap();
    let start = now_ms() + 1_000;
    let times = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000];
    let (names, cues) = numbered_sheet(dir.path(), &times);
    let mut f = Follow::spawn(
        &proxy.url(),
        &cues,
        &["--start", &rfc3339(start), "--stale-ms", "1500"],
    );
    f.wait_for("cue0", Duration::from_secs(3), |l| l.v["action"] == "cue0");
    let hang_from = now_ms();
    proxy.set_mode(Mode::Hang(Duration::from_secs(6)));
    let before = proxy.requests();
    // The poll in flight hangs; the cues of the next 4 s fire on time regardless.
    let stale = f.wait_for("a stale report", Duration::from_secs(4), |l| is_stale(&l.v));
    assert!(stale.v["ageMs"].as_i64().unwrap() >= 1500, "{:?}", stale.v);
    std::thread::sleep(Duration::from_millis(
        (hang_from + 3_800 - now_ms()).max(0) as u64
    ));
    assert!(
        proxy.requests() > before,
        "a request was sent into the hang"
    );
    proxy.set_mode(Mode::Forward);
    f.wait_for("the recovery", Duration::from_secs(6), |l| {
        is_recovered(&l.v)
    });
    let status = f.finish(Duration::from_secs(6));
    assert!(status.success(), "{status}: {:?}", f.err);
    all_on_time(&f, &names, start, &times);
    assert!(
        f.err
            .iter()
            .any(|l| l.contains("sync failed") && l.contains("timed out")),
        "{:?}",
        f.err
    );
}

/// The system clocks, with a wall clock that can be stepped.
struct SteppingClock {
    origin: Instant,
    wall_shift_us: AtomicI64,
}

impl SteppingClock {
    fn new() -> Self {
        Self {
            origin: Instant::now(),
            wall_shift_us: AtomicI64::new(0),
        }
    }
}

impl ClockSource for SteppingClock {
    fn mono_us(&self) -> i64 {
        self.origin.elapsed().as_micros() as i64
    }
    fn wall_us(&self) -> i64 {
        system_wall_us() + self.wall_shift_us.load(Ordering::Relaxed)
    }
}

/// A `Write` the test can read while the follower writes; notes the (real) wall-clock ms
/// at which each line was completed.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<(Vec<u8>, Vec<i64>)>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut s = self.0.lock().unwrap();
        s.0.extend_from_slice(buf);
        let now = now_ms();
        s.1.extend(buf.iter().filter(|b| **b == b'\n').map(|_| now));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    /// Each line with the wall-clock ms it was written at.
    fn lines(&self) -> Vec<(serde_json::Value, i64)> {
        let s = self.0.lock().unwrap();
        String::from_utf8_lossy(&s.0)
            .lines()
            .zip(&s.1)
            .map(|(l, at)| (serde_json::from_str(l).unwrap(), *at))
            .collect()
    }
}

#[test]
fn a_wall_clock_step_does_not_move_the_show_and_triggers_a_re_burst() {
    let (_serial, dir, srv) = serial_server();
    let proxy = Proxy::plain(srv.addr).unwrap();
    let start = now_ms() + 1_000;
    let times = [0, 500, 1000, 1500, 2000, 2500];
    let names: Vec<String> = times.iter().map(|t| format!("cue{t}")).collect();
    let cues: Vec<(i64, &str, i64)> = times
        .iter()
        .zip(&names)
        .map(|(t, n)| (*t, n.as_str(), 100))
        .collect();
    let args = FollowArgs {
        server: proxy.url(),
        file: sheet(dir.path(), &cues),
        start: Some(rfc3339(start)),
        json: true,
        stale_ms: 15_000,
    };
    let clock = Arc::new(SteppingClock::new());
    let out = Shared::default();
    let follower = {
        let (clock, mut out) = (clock.clone(), out.clone());
        std::thread::spawn(move || {
            let source: Arc<dyn ClockSource> = clock;
            run_with(&args, Clocks::with_source(source), &mut out).map_err(|e| e.to_string())
        })
    };

    // At show time 0.7 s this machine's clock jumps 30 s ahead.
    std::thread::sleep(Duration::from_millis((start + 700 - now_ms()).max(0) as u64));
    let requests_before = proxy.requests();
    clock.wall_shift_us.store(30_000_000, Ordering::Relaxed);
    let deadline = Instant::now() + Duration::from_secs(6);
    while !follower.is_finished() {
        assert!(
            Instant::now() < deadline,
            "follow did not finish: {:#?}",
            out.lines()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let code = follower.join().unwrap().unwrap();
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let timed = out.lines();
    let lines: Vec<serde_json::Value> = timed.iter().map(|(v, _)| v.clone()).collect();

    // The step was noticed and answered with a burst that measured the new offset...
    let step = lines
        .iter()
        .find(|l| l["sync"] == "clockStep")
        .unwrap_or_else(|| panic!("no clock-step resync in {lines:#?}"));
    let step_ms = step["stepMs"].as_i64().unwrap();
    assert!((29_900..=30_100).contains(&step_ms), "{step}");
    let bound = step["errorBoundMs"].as_i64().unwrap();
    assert!(
        (step["offsetMs"].as_i64().unwrap() + 30_000).abs() <= bound + 1,
        "serverNow = wall + offset, and the wall is now 30 s ahead: {step}"
    );
    assert!(
        proxy.requests() >= requests_before + timesync::estimator::BURST,
        "a burst of requests after the step"
    );
    // ...and the show did not move: every cue fired once, on time, in server time.
    for (t, n) in times.iter().zip(&names) {
        let (cue, at) = timed
            .iter()
            .find(|(l, _)| l["action"] == n.as_str())
            .unwrap_or_else(|| panic!("no {n} in {lines:#?}"));
        assert!(cue.get("skipped").is_none(), "{cue}");
        // Within its tolerance (100 ms) by the follower's account...
        let late = cue["lateMs"].as_i64().unwrap();
        assert!((0..=100).contains(&late), "{cue}");
        // ...and by the real clock: `at` is when the line was written, right after firing,
        // and the server's clock is this machine's real one. Had the step moved the show,
        // these would be 30 s off; how late a loaded machine runs the thread is only
        // bounded by what the follower itself reported.
        let real_late = at - (start + t);
        assert!(
            real_late >= -2 && real_late <= late + 20,
            "fired {real_late} ms off (reported {late}): {cue}"
        );
        let fired = cue["firedAtServerMs"].as_i64().unwrap();
        assert!(
            (fired - at).abs() <= bound + 20,
            "server time {fired} vs real {at}: {cue}"
        );
    }
    assert_eq!(
        lines.iter().filter(|l| l.get("action").is_some()).count(),
        times.len()
    );
}

/// A cue sheet with one cue `cue{t}` at each time (tolerance 100 ms), and the names.
fn numbered_sheet(dir: &std::path::Path, times: &[i64]) -> (Vec<String>, std::path::PathBuf) {
    let names: Vec<String> = times.iter().map(|t| format!("cue{t}")).collect();
    let cues: Vec<(i64, &str, i64)> = times
        .iter()
        .zip(&names)
        .map(|(t, n)| (*t, n.as_str(), 100))
        .collect();
    let path = sheet(dir, &cues);
    (names, path)
}

fn all_on_time(f: &Follow, names: &[String], start: i64, times: &[i64]) {
    for (t, n) in times.iter().zip(names) {
        assert_on_time(f, n, start, *t);
    }
}

#[test]
fn the_editors_live_session_reports_a_wall_clock_step_and_re_syncs() {
    let (_serial, _dir, srv) = serial_server();
    let clock = Arc::new(SteppingClock::new());
    let source: Arc<dyn ClockSource> = clock.clone();
    let session = cuestudio::live::session::LiveSession::connect_with_clocks(
        &format!("http://{}/time", srv.addr),
        Clocks::with_source(source),
        Box::new(|| {}),
    )
    .unwrap();
    let wait_for = |what: &str, ok: &dyn Fn(&cuestudio::live::session::LiveSnapshot) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            let snap = session.snapshot();
            if ok(&snap) {
                return snap;
            }
            assert!(Instant::now() < deadline, "no {what}: {snap:#?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let before = wait_for("first sync", &|s| s.offset_ms.is_some());
    assert!(before.offset_ms.unwrap().abs() < 50, "{before:#?}");
    assert_eq!(before.clock_step, None);

    clock.wall_shift_us.store(30_000_000, Ordering::Relaxed);
    let after = wait_for("re-sync after the step", &|s| {
        s.clock_step.is_some() && s.offset_ms.is_some_and(|o| o < -29_000)
    });
    let step = after.clock_step.unwrap();
    assert!((29_900..=30_100).contains(&step.step_ms), "{after:#?}");
    assert!((after.offset_ms.unwrap() + 30_000).abs() <= after.error_bound_ms.unwrap() + 1);
    let notice = step.notice();
    assert!(notice.contains("jumped ahead by 30.0 s"), "{notice}");
    let back = cuestudio::live::session::ClockStep {
        step_ms: -1_249,
        age_ms: 12_300,
    };
    assert!(
        back.notice().contains("jumped back by 1.2 s 12 s ago"),
        "{}",
        back.notice()
    );
}
