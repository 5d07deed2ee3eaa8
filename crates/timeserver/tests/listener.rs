//! Tests against a real listener on port 0: the fast path, restart persistence and the
//! robustness limits (malformed HTTP, oversized heads, slow clients).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use timeserver::{Config, spawn_background};

fn config(state: Option<std::path::PathBuf>) -> Config {
    Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        state_file: state,
        admin_token: Some("tok".into()),
        serve_dir: None,
    }
}

/// Sends raw bytes, half-closes nothing, reads until the server closes or 5 s pass.
fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A connection with a 10 s read timeout.
fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

fn body_of(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

fn post(addr: SocketAddr, json: &str) -> String {
    raw(
        addr,
        format!(
            "POST /admin/transport HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{json}",
            json.len()
        )
        .as_bytes(),
    )
}

const GET_TIME: &[u8] = b"GET /time HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

#[test]
fn real_listener_serves_time_with_protocol_headers() {
    let server = spawn_background(config(None)).unwrap();
    assert_ne!(server.addr.port(), 0);
    let res = raw(server.addr, GET_TIME);
    assert!(res.starts_with("HTTP/1.1 200 OK\r\n"), "{res}");
    let lower = res.to_ascii_lowercase();
    for h in [
        "content-type: application/json",
        "cache-control: no-store",
        "access-control-allow-origin: *",
    ] {
        assert!(lower.contains(h), "missing {h} in {res}");
    }
    let v: serde_json::Value = serde_json::from_str(body_of(&res)).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((v["serverTime"].as_i64().unwrap() - now).abs() < 2_000);
    assert_eq!(v["status"], "running");
    assert!(v["message"].is_null());
    // Keep-alive: several requests on one connection.
    let two = raw(
        server.addr,
        b"GET /time HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(two.matches("HTTP/1.1 200 OK").count(), 2, "{two}");
    server.stop();
}

#[test]
fn a_restart_keeps_the_transport() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let server = spawn_background(config(Some(path.clone()))).unwrap();
    let res = post(
        server.addr,
        r#"{"eventStart":1000,"status":"paused","message":"Hold on"}"#,
    );
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    let before: serde_json::Value =
        serde_json::from_str(body_of(&raw(server.addr, GET_TIME))).unwrap();
    drop(server);

    let server = spawn_background(config(Some(path))).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(body_of(&raw(server.addr, GET_TIME))).unwrap();
    assert_eq!(after["status"], "paused");
    assert_eq!(after["message"], "Hold on");
    assert_eq!(after["eventStart"], 1000);
    assert_eq!(
        after["position"], before["position"],
        "frozen across the restart"
    );
}

#[test]
fn a_taken_port_is_an_error() {
    let server = spawn_background(config(None)).unwrap();
    let mut second = config(None);
    second.listen = server.addr;
    let err = spawn_background(second).err().unwrap();
    assert!(err.to_string().contains("cannot listen"), "{err}");
}

#[test]
fn malformed_and_oversized_requests_are_refused_and_the_server_lives_on() {
    let server = spawn_background(config(None)).unwrap();
    // Each refusal is an answer, not a dropped connection: a client (or a proxy in front)
    // learns what was wrong.
    let res = raw(server.addr, b"HELLO\x00\x01 nonsense\r\n\r\n");
    assert!(res.starts_with("HTTP/1.1 400 "), "{res:?}");
    let huge = format!(
        "GET /time HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let res = raw(server.addr, huge.as_bytes());
    assert!(res.starts_with("HTTP/1.1 431 "), "{res:?}");
    let declared = "POST /admin/transport HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\n\
                    Content-Length: 10000000\r\nConnection: close\r\n\r\n{";
    let res = raw(server.addr, declared.as_bytes());
    assert!(res.starts_with("HTTP/1.1 413"), "{res}");
    assert!(raw(server.addr, GET_TIME).starts_with("HTTP/1.1 200"));
}

#[test]
fn a_half_sent_request_does_not_block_others() {
    let server = spawn_background(config(None)).unwrap();
    // Slowloris-style clients that never finish their heads.
    let slow: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            s.write_all(b"GET /time HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    assert!(raw(server.addr, GET_TIME).starts_with("HTTP/1.1 200"));
    drop(slow);
}

/// Splits a stream of HTTP/1.1 responses with `content-length` bodies (and none for `HEAD`).
fn responses(mut raw: &str, heads: &[bool]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for &head in heads {
        let (headers, rest) = raw.split_once("\r\n\r\n").expect("a complete head");
        let len: usize = headers
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .map(str::to_owned)
            })
            .map_or(0, |v| v.trim().parse().unwrap());
        let len = if head { 0 } else { len };
        out.push((headers.to_owned(), rest[..len].to_owned()));
        raw = &rest[len..];
    }
    assert!(raw.is_empty(), "unexpected trailing bytes: {raw:?}");
    out
}

/// The header lines without `date`, whose value may differ by a second.
fn without_date(head: &str) -> Vec<&str> {
    head.lines().filter(|l| !l.starts_with("date: ")).collect()
}

#[test]
fn pipelined_time_requests_then_other_requests_on_one_connection() {
    let server = spawn_background(config(None)).unwrap();
    // Three plain /time requests (fast path), then one hyper must answer (405), then /time
    // again (now through hyper), then a close.
    let res = raw(
        server.addr,
        b"GET /time HTTP/1.1\r\nHost: x\r\n\r\n\
          HEAD /time?cb=1 HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /time?cb=2 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n\
          POST /time HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}\
          GET /time HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    let parts = responses(&res, &[false, true, false, false, false, false]);
    let statuses: Vec<&str> = parts.iter().map(|(h, _)| &h[..12]).collect();
    assert_eq!(
        statuses,
        [
            "HTTP/1.1 200",
            "HTTP/1.1 200",
            "HTTP/1.1 200",
            "HTTP/1.1 405",
            "HTTP/1.1 200",
            "HTTP/1.1 200"
        ],
        "{res}"
    );
    // The raw fast path writes the same headers, in the same order, as hyper.
    assert_eq!(without_date(&parts[0].0), without_date(&parts[4].0));
    assert!(parts[0].0.contains("\r\ndate: "), "{}", parts[0].0);
    assert_eq!(parts[1].1, "", "HEAD has no body");
    assert_eq!(
        without_date(&parts[1].0),
        without_date(&parts[0].0),
        "HEAD gives GET's headers, content-length included"
    );
    for i in [0, 2, 4] {
        let v: serde_json::Value = serde_json::from_str(&parts[i].1).unwrap();
        assert_eq!(v["status"], "running", "{}", parts[i].1);
    }
    assert_eq!(parts[5].1, "ok\n");
}

#[test]
fn a_request_head_split_across_packets_is_answered() {
    let server = spawn_background(config(None)).unwrap();
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_nodelay(true).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    for piece in [
        &b"GE"[..],
        b"T /ti",
        b"me HTTP/1.1\r\nHo",
        b"st: x\r\n",
        b"\r\n",
    ] {
        s.write_all(piece).unwrap();
        std::thread::sleep(Duration::from_millis(30));
    }
    let mut got = [0u8; 512];
    let n = s.read(&mut got).unwrap();
    let text = String::from_utf8_lossy(&got[..n]);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    // HTTP/1.0 goes to hyper, which answers in 1.0 and closes.
    let res = raw(server.addr, b"GET /time HTTP/1.0\r\n\r\n");
    assert!(res.starts_with("HTTP/1.0 200 OK\r\n"), "{res}");
}

#[test]
fn shutdown_closes_idle_keep_alive_connections_at_once() {
    let server = spawn_background(config(None)).unwrap();
    let mut s = connect(server.addr);
    s.write_all(b"GET /time HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut got = [0u8; 512];
    assert!(s.read(&mut got).unwrap() > 0);
    let started = std::time::Instant::now();
    server.stop();
    assert!(
        started.elapsed() < timeserver::server::SHUTDOWN_GRACE,
        "shutdown waited {:?} for an idle connection",
        started.elapsed()
    );
    assert_eq!(
        s.read(&mut got).unwrap_or(0),
        0,
        "the idle connection is closed"
    );
}

#[test]
fn an_open_connection_sees_a_transport_change_at_its_next_request() {
    let server = spawn_background(config(None)).unwrap();
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let ask = |s: &mut TcpStream| -> serde_json::Value {
        s.write_all(b"GET /time HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut got = [0u8; 1024];
        let n = s.read(&mut got).unwrap();
        let text = String::from_utf8_lossy(&got[..n]).into_owned();
        serde_json::from_str(body_of(&text)).unwrap()
    };
    assert_eq!(ask(&mut s)["status"], "running");
    let res = post(server.addr, r#"{"status":"paused","message":"一時停止中"}"#);
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    let after = ask(&mut s);
    assert_eq!(after["status"], "paused");
    assert_eq!(after["message"], "一時停止中");
}

#[test]
fn a_long_pipeline_gets_every_answer_in_order() {
    let server = spawn_background(config(None)).unwrap();
    let mut request = b"GET /time HTTP/1.1\r\nHost: x\r\n\r\n".repeat(50);
    request.extend_from_slice(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let res = raw(server.addr, &request);
    let parts = responses(&res, &[false; 51]);
    assert!(
        parts[..50]
            .iter()
            .all(|(h, b)| h.starts_with("HTTP/1.1 200") && b.starts_with('{'))
    );
    assert_eq!(parts[50].1, "ok\n");
}

#[test]
fn a_request_begun_before_shutdown_is_answered_then_the_connection_closes() {
    let server = spawn_background(config(None)).unwrap();
    let mut s = connect(server.addr);
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let started = std::time::Instant::now();
    let stopping = std::thread::spawn(move || server.stop());
    std::thread::sleep(Duration::from_millis(200));
    s.write_all(b"\r\n").unwrap();
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.ends_with("ok\n"), "{text}");
    stopping.join().unwrap();
    assert!(
        started.elapsed() < timeserver::server::SHUTDOWN_GRACE,
        "closed only after {:?}",
        started.elapsed()
    );
}
