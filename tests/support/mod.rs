//! Shared by the live tests: a real time server, the `cuestudio follow` binary with its
//! output timestamped as it arrives, RFC 3339 instants, and the delaying proxy.
#![allow(dead_code)]

pub mod proxy;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const TOKEN: &str = "test-token";

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Unix ms as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339(ms: i64) -> String {
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// A port on 127.0.0.1 that nothing listens on (right now).
pub fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// The real time server on `addr` (port 0 for any), its transport kept in `dir`.
pub fn server(addr: SocketAddr, dir: &Path) -> timeserver::ServerHandle {
    timeserver::spawn_background(timeserver::Config {
        listen: addr,
        state_file: Some(dir.join("state.json")),
        admin_token: Some(TOKEN.to_owned()),
        serve_dir: None,
    })
    .unwrap()
}

/// A cue sheet of `(time, action, tolerance)`.
pub fn sheet(dir: &Path, cues: &[(i64, &str, i64)]) -> PathBuf {
    let body: Vec<serde_json::Value> = cues
        .iter()
        .map(|(t, a, tol)| serde_json::json!({"time": t, "action": a, "tolerance": tol}))
        .collect();
    let path = dir.join("cues.json");
    std::fs::write(&path, serde_json::to_string(&body).unwrap()).unwrap();
    path
}

/// One line of output and the wall-clock ms when the test read it.
#[derive(Clone, Debug)]
pub struct Line {
    pub at_ms: i64,
    pub v: serde_json::Value,
}

/// `cuestudio follow --json` as a child process; killed when dropped.
pub struct Follow {
    child: Child,
    lines: Receiver<Line>,
    stderr: Receiver<String>,
    pub seen: Vec<Line>,
    pub err: Vec<String>,
}

impl Follow {
    pub fn spawn(url: &str, sheet: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cuestudio"))
            .args(["follow", "--server", url, sheet.to_str().unwrap(), "--json"])
            .args(extra)
            .env("RUST_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let at_ms = now_ms();
                let v = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not JSON on stdout: {line:?}: {e}"));
                if tx.send(Line { at_ms, v }).is_err() {
                    break;
                }
            }
        });
        let (etx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if etx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            stderr,
            seen: Vec::new(),
            err: Vec::new(),
        }
    }

    fn pump(&mut self) {
        self.seen.extend(self.lines.try_iter());
        self.err.extend(self.stderr.try_iter());
    }

    /// Waits until a line satisfies `pred` (returning it) or `timeout` passes (panicking).
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Line) -> bool,
    ) -> Line {
        let deadline = Instant::now() + timeout;
        loop {
            self.pump();
            if let Some(l) = self.seen.iter().find(|l| pred(l)) {
                return l.clone();
            }
            if Instant::now() > deadline {
                panic!(
                    "no {what} within {timeout:?}; stdout {:#?}\nstderr {:#?}",
                    self.seen, self.err
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The exit status if the process has exited.
    pub fn finish_now(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Waits for the process to exit (panicking after `timeout`).
    pub fn finish(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100));
                self.pump();
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                self.pump();
                panic!(
                    "follow did not finish; stdout {:#?}\nstderr {:#?}",
                    self.seen, self.err
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The line of cue `action`.
    pub fn cue(&self, action: &str) -> Line {
        self.seen
            .iter()
            .find(|l| l.v["action"] == action)
            .unwrap_or_else(|| panic!("no line for {action} in {:#?}", self.seen))
            .clone()
    }

    /// Index of the first line satisfying `pred`.
    pub fn position(&self, pred: impl Fn(&serde_json::Value) -> bool) -> Option<usize> {
        self.seen.iter().position(|l| pred(&l.v))
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts that cue `action` at show time `time` fired, not skipped, within 50 ms of its
/// time by the follower's own account, and that its line reached the test within 150 ms of
/// the cue's true instant `start + time` (the server clock here is this machine's).
pub fn assert_on_time(f: &Follow, action: &str, start: i64, time: i64) {
    let l = f.cue(action);
    assert!(l.v.get("skipped").is_none(), "{action} skipped: {:?}", l.v);
    let late = l.v["lateMs"].as_i64().unwrap();
    assert!(
        (0..=50).contains(&late),
        "{action} fired {late} ms late: {:?}",
        l.v
    );
    let seen_late = l.at_ms - (start + time);
    assert!(
        (-5..=150).contains(&seen_late),
        "{action} reached the test {seen_late} ms after its instant: {:?}",
        l.v
    );
}
