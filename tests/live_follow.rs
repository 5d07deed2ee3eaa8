//! End to end: a real time server on a free port, `cuestudio follow --json` against it, the
//! event start set through the admin API, then a pause and a resume. Asserts which cues
//! fired or were skipped, that each fired within its tolerance, and that the pause delayed
//! the rest by exactly the pause the server recorded instead of skipping it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const TOKEN: &str = "test-token";

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A minimal HTTP/1.1 POST to the admin route; returns the status code.
fn admin(addr: SocketAddr, body: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /admin/transport HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// `GET /time` as JSON.
fn time(addr: SocketAddr) -> serde_json::Value {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /time HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let body = reply.split("\r\n\r\n").nth(1).unwrap();
    serde_json::from_str(body).unwrap()
}

#[test]
fn follow_fires_skips_and_pauses_with_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = timeserver::spawn_background(timeserver::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        state_file: Some(dir.path().join("state.json")),
        admin_token: Some(TOKEN.to_owned()),
        serve_dir: None,
    })
    .unwrap();
    let url = format!("http://{}/time", server.addr);
    let sheet = dir.path().join("cues.json");
    std::fs::write(
        &sheet,
        r#"[{"time":0,"action":"missed","tolerance":100},
            {"time":200,"action":"lateButFine","tolerance":5000},
            {"time":2000,"action":"beforePause","tolerance":100},
            {"time":4000,"action":"afterPause","tolerance":100}]"#,
    )
    .unwrap();
    // The show started 1 s ago: the first cue is past its tolerance, the second is not.
    let start = now_ms() - 1_000;
    assert_eq!(
        admin(server.addr, &format!(r#"{{"eventStart":{start}}}"#)),
        200
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_cuestudio"))
        .args([
            "follow",
            "--server",
            &url,
            sheet.to_str().unwrap(),
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<serde_json::Value>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });

    // Pause at show time 2.5 s for 1.5 s, then resume. The server moves the event start by
    // the pause as it measured it; the test brackets that from outside.
    let pause_at = Instant::now() + Duration::from_millis((start + 2_500 - now_ms()).max(0) as u64);
    std::thread::sleep(pause_at.saturating_duration_since(Instant::now()));
    let start_before = time(server.addr)["eventStart"].as_i64().unwrap();
    let pause_sent = Instant::now();
    assert_eq!(
        admin(
            server.addr,
            r#"{"status":"paused","message":"技術的な問題 / technical pause"}"#
        ),
        200
    );
    let pause_done = Instant::now();
    std::thread::sleep(Duration::from_millis(1_500));
    let resume_sent = Instant::now();
    assert_eq!(
        admin(server.addr, r#"{"status":"running","message":null}"#),
        200
    );
    let resume_done = Instant::now();
    let paused_ms = time(server.addr)["eventStart"].as_i64().unwrap() - start_before;
    let (shortest, longest) = (
        (resume_sent - pause_done).as_millis() as i64,
        (resume_done - pause_sent).as_millis() as i64,
    );
    assert!(
        (shortest - 1..=longest + 1).contains(&paused_ms),
        "the server recorded a {paused_ms} ms pause; it lasted {shortest}..={longest} ms"
    );

    let deadline = Instant::now() + Duration::from_secs(15);
    let mut lines = Vec::new();
    loop {
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "follow exited with {status}");
                break;
            }
            None if Instant::now() > deadline => {
                let _ = child.kill();
                panic!("follow did not finish; got {lines:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    std::thread::sleep(Duration::from_millis(100));
    lines.extend(rx.try_iter());
    let cue = |a: &str| {
        lines
            .iter()
            .find(|l| l["action"] == a)
            .unwrap_or_else(|| panic!("no line for {a} in {lines:?}"))
            .clone()
    };
    assert_eq!(cue("missed")["skipped"], true);
    assert!(cue("lateButFine").get("skipped").is_none());
    assert!(cue("lateButFine")["lateMs"].as_i64().unwrap() >= 800);
    for a in ["beforePause", "afterPause"] {
        let c = cue(a);
        assert!(c.get("skipped").is_none(), "{a}: {c}");
        let late = c["lateMs"].as_i64().unwrap();
        assert!((0..=100).contains(&late), "{a} fired {late} ms late");
    }
    // The pause moved the rest of the show later by exactly the pause instead of skipping
    // it: in server time, afterPause fired 2 s of show plus the recorded pause after
    // beforePause, give or take how late each fired (and 2 ms of ms-truncated clocks).
    let fired = |a: &str| cue(a)["firedAtServerMs"].as_i64().unwrap();
    let late = |a: &str| cue(a)["lateMs"].as_i64().unwrap();
    let gap = fired("afterPause") - fired("beforePause");
    let expected = 2_000 + paused_ms + late("afterPause") - late("beforePause");
    assert!(
        (gap - expected).abs() <= 2,
        "gap {gap} ms, expected {expected} ms (2 s of show and a {paused_ms} ms pause)"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["status"] == "paused" && l["message"] == "技術的な問題 / technical pause"),
        "{lines:?}"
    );
}
