//! Shared by the tests: a click track with known beats (`click_wav`); for the live tests,
//! a real time server, the `cuestudio follow` binary with its output timestamped as it
//! arrives, RFC 3339 instants, and the delaying proxy.
#![allow(dead_code)]

pub mod proxy;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const TOKEN: &str = "test-token";

/// Runs the `cuestudio` binary (logs off) and collects its output.
pub fn cuestudio(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cuestudio"))
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("run cuestudio")
}

/// The bundled sample show.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_shows/hoshizora.cueshow.json")
}

/// Bytes as text, lossily.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

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

/// A port on 127.0.0.1 that nothing listens on yet, held from the start: a bound socket
/// that does not listen (connections are refused, as with no server, and no other process
/// can take the port) until [`Reserved::serve`] starts the real time server on it.
pub fn reserve_addr() -> Reserved {
    let (socket, addr) = timeserver::reserve("127.0.0.1:0".parse().unwrap()).unwrap();
    Reserved { addr, socket }
}

pub struct Reserved {
    pub addr: SocketAddr,
    socket: timeserver::server::Socket,
}

impl Reserved {
    /// Holds `addr` (a port this test's server just left).
    pub fn hold(addr: SocketAddr) -> Reserved {
        let (socket, addr) = timeserver::reserve(addr).unwrap();
        Reserved { addr, socket }
    }

    /// The real time server on the reserved port, its transport kept in `dir`.
    pub fn serve(self, dir: &Path) -> timeserver::ServerHandle {
        timeserver::spawn_on(self.socket, config(self.addr, dir)).unwrap()
    }
}

fn config(addr: SocketAddr, dir: &Path) -> timeserver::Config {
    timeserver::Config {
        listen: addr,
        state_file: Some(dir.join("state.json")),
        admin_token: Some(TOKEN.to_owned()),
        serve_dir: None,
    }
}

/// The real time server on `addr` (port 0 for any), its transport kept in `dir`.
pub fn server(addr: SocketAddr, dir: &Path) -> timeserver::ServerHandle {
    timeserver::spawn_background(config(addr, dir)).unwrap()
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

/// Asserts that cue `action` at show time `time` (tolerance 100 ms) fired and was not
/// skipped, by the follower's own account within its tolerance, and that its account agrees
/// with what the test saw: the server clock here is this machine's, so the line cannot reach
/// the test before the server time the follower says it fired at (a follower whose clock ran
/// ahead would fire early), nor before the cue's instant. How long delivery takes on a loaded
/// machine is not asserted beyond a gross 1 s.
pub fn assert_on_time(f: &Follow, action: &str, start: i64, time: i64) {
    let l = f.cue(action);
    assert!(l.v.get("skipped").is_none(), "{action} skipped: {:?}", l.v);
    let late = l.v["lateMs"].as_i64().unwrap();
    assert!(
        (0..=100).contains(&late),
        "{action} fired {late} ms late, beyond its tolerance: {:?}",
        l.v
    );
    let fired = l.v["firedAtServerMs"].as_i64().unwrap();
    assert!(
        (fired - (start + time) - late).abs() <= 1,
        "{action}: firedAtServerMs and lateMs disagree: {:?}",
        l.v
    );
    // 2 ms: both clocks are read truncated to whole ms, and the follower's offset (shown to
    // be within its bound of the true 0 by the sync lines) rounds too.
    assert!(
        l.at_ms >= fired - 2 && l.at_ms >= start + time - 2,
        "{action} was seen at {} before it fired at {fired}: {:?}",
        l.at_ms,
        l.v
    );
    assert!(
        l.at_ms - fired <= 1_000,
        "{action} reached the test {} ms after it fired: {:?}",
        l.at_ms - fired,
        l.v
    );
}

/// Stereo 16-bit WAV at 44.1 kHz: a kick-like click (a decaying 60 Hz sweep) on every beat
/// at `bpm` from 0.5 s for `seconds`, a softer hi-hat-like tick between beats, and the same
/// in both channels. Returns the beat times in ms.
pub fn click_wav(path: &Path, bpm: f64, seconds: f64) -> Vec<i64> {
    let rate = 44_100u32;
    let n = (seconds * f64::from(rate)) as usize;
    let mut mono = vec![0f64; n];
    let ibi = 60.0 / bpm;
    let mut beats = Vec::new();
    let mut t = 0.5;
    let mut noise = 0x1234_5678_u32;
    while t < seconds - 0.5 {
        beats.push((t * 1000.0).round() as i64);
        for (i, (at, gain)) in [(t, 0.8), (t + ibi / 2.0, 0.2)].into_iter().enumerate() {
            let start = (at * f64::from(rate)) as usize;
            for k in 0..(0.2 * f64::from(rate)) as usize {
                let Some(s) = mono.get_mut(start + k) else {
                    break;
                };
                let x = k as f64 / f64::from(rate);
                let v = if i == 0 {
                    (std::f64::consts::TAU * (60.0 + 100.0 * (-x / 0.02).exp()) * x).sin()
                        * (-x / 0.08).exp()
                } else {
                    noise ^= noise << 13;
                    noise ^= noise >> 17;
                    noise ^= noise << 5;
                    (f64::from(noise) / f64::from(u32::MAX) - 0.5) * (-x / 0.02).exp()
                };
                *s += gain * v;
            }
        }
        t += ibi;
    }
    let frames: Vec<i16> = mono
        .iter()
        .flat_map(|s| [(s * 20_000.0).clamp(-32_768.0, 32_767.0) as i16; 2])
        .collect();
    std::fs::write(path, wav_bytes(rate, 2, &frames)).unwrap();
    beats
}

/// A 16-bit PCM WAV file of `samples` (interleaved when `channels` > 1).
pub fn wav_bytes(rate: u32, channels: u16, samples: &[i16]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let block = channels * 2;
    let mut b = Vec::with_capacity(44 + samples.len() * 2);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    b.extend_from_slice(&block.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        b.extend_from_slice(&s.to_le_bytes());
    }
    b
}
