//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1 in front of the real time server, for the
//! issue 6 accuracy bench and the fault tests.
//!
//! It reads each request, then (per [`Mode`]) forwards it after the request delay and passes
//! the reply back after the reply delay (each `floor + Exp(mean)`, drawn afresh per request,
//! so every sample of a keep-alive connection gets its own delays), or answers garbage, or
//! hangs, or drops the connection. The server reads its clock when the delayed request
//! reaches it, so the delays are true one-way delays. Also [`measure`]: bursts of the real
//! `TimeClient` through the proxy, scored against the truth (on loopback the server clock
//! is this machine's wall clock).
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use timesync::client::TimeClient;
use timesync::estimator::{BURST, Estimator, Sample};
use timesync::sim::{Leg, Report, Rng};

/// What the proxy does with the next request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Forward it to the server, with the proxy's delays.
    Forward,
    /// Answer `200 OK` with this body (as JSON) at once.
    Reply(String),
    /// Forward it only after this long.
    Hang(Duration),
    /// Close the connection without an answer.
    Drop,
}

struct Shared {
    upstream: SocketAddr,
    up: Leg,
    down: Leg,
    rng: Mutex<Rng>,
    mode: Mutex<Mode>,
    requests: AtomicUsize,
    stop: AtomicBool,
}

/// The running proxy; stops accepting when dropped.
pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Starts a proxy to `upstream` delaying requests by `up` and replies by `down`.
    pub fn start(upstream: SocketAddr, up: Leg, down: Leg, seed: u64) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream,
            up,
            down,
            rng: Mutex::new(Rng::new(seed)),
            mode: Mutex::new(Mode::Forward),
            requests: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let s = shared.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stop.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                thread::spawn(move || {
                    let _ = serve(conn, &s);
                });
            }
        });
        Ok(Self { addr, shared })
    }

    /// A proxy that adds no delay (for fault injection only).
    pub fn plain(upstream: SocketAddr) -> io::Result<Self> {
        Self::start(upstream, Leg::new(0.0, 0.0), Leg::new(0.0, 0.0), 0)
    }

    /// The `/time` URL through the proxy.
    pub fn url(&self) -> String {
        format!("http://{}/time", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap() = mode;
    }

    /// Requests seen so far.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::Relaxed)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.addr);
    }
}

/// One HTTP/1.1 message head and body, as bytes.
fn read_message(r: &mut BufReader<TcpStream>) -> io::Result<Option<Vec<u8>>> {
    let mut msg = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line)? == 0 {
            return if msg.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
        if let Some(v) = text.strip_prefix("content-length:") {
            content_length = v.trim().parse().unwrap_or(0);
        }
        msg.extend_from_slice(&line);
        if line == b"\r\n" {
            break;
        }
    }
    let at = msg.len();
    msg.resize(at + content_length, 0);
    r.read_exact(&mut msg[at..])?;
    Ok(Some(msg))
}

fn sleep_until(t: Instant) {
    let now = Instant::now();
    if t > now {
        thread::sleep(t - now);
    }
}

fn serve(client: TcpStream, s: &Shared) -> io::Result<()> {
    client.set_nodelay(true)?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    let mut upstream: Option<(TcpStream, BufReader<TcpStream>)> = None;
    while let Some(request) = read_message(&mut reader)? {
        let arrived = Instant::now();
        s.requests.fetch_add(1, Ordering::Relaxed);
        let mode = s.mode.lock().unwrap().clone();
        let (up, down) = {
            let mut rng = s.rng.lock().unwrap();
            (s.up.delay(&mut rng), s.down.delay(&mut rng))
        };
        match mode {
            Mode::Drop => {
                let _ = client.shutdown(Shutdown::Both);
                return Ok(());
            }
            Mode::Reply(body) => {
                write!(
                    client,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                )?;
                client.flush()?;
                return Ok(());
            }
            Mode::Hang(d) => thread::sleep(d),
            Mode::Forward => {}
        }
        sleep_until(arrived + Duration::from_secs_f64(up / 1000.0));
        if upstream.is_none() {
            let conn = TcpStream::connect(s.upstream)?;
            conn.set_nodelay(true)?;
            let reader = BufReader::new(conn.try_clone()?);
            upstream = Some((conn, reader));
        }
        let Some((conn, reader)) = upstream.as_mut() else {
            return Ok(());
        };
        conn.write_all(&request)?;
        let Some(reply) = read_message(reader)? else {
            return Ok(());
        };
        let replied = Instant::now();
        sleep_until(replied + Duration::from_secs_f64(down / 1000.0));
        client.write_all(&reply)?;
        client.flush()?;
    }
    Ok(())
}

/// The errors of one real-network run: per burst, (single, min-RTT, estimator) errors in ms,
/// the bound, and whether it held.
pub struct Measured {
    pub report: Report,
    pub errors: Vec<(f64, f64, f64, i64)>,
}

/// `bursts` bursts of the real `TimeClient` against `server` through a proxy with these
/// legs. Scores, right after each burst, the article's single sample (the burst's first),
/// the lowest round trip and the estimator against the truth: on loopback the server clock
/// is this machine's wall clock, read with µs beside the monotonic clock.
pub fn measure(
    name: &str,
    server: SocketAddr,
    up: Leg,
    down: Leg,
    bursts: usize,
    seed: u64,
) -> io::Result<Measured> {
    let proxy = Proxy::start(server, up, down, seed)?;
    let client = TimeClient::new(&proxy.url(), Duration::from_secs(5)).map_err(io::Error::other)?;
    let mut errors = Vec::with_capacity(bursts);
    for _ in 0..bursts {
        let mut est = Estimator::new();
        est.begin_burst();
        let mut samples: Vec<Sample> = Vec::with_capacity(BURST);
        for _ in 0..BURST {
            let (s, _) = client.sample().map_err(io::Error::other)?;
            est.add(s);
            samples.push(s);
        }
        est.end_burst();
        let mono_us = client.clocks.mono_us();
        let wall_us = client.clocks.wall_us();
        let m = mono_us.div_euclid(1000);
        // The server clock (this machine's wall clock) at the instant the monotonic clock
        // read exactly `m` ms.
        let truth = (wall_us - (mono_us - m * 1000)) as f64 / 1000.0;
        let at =
            |s: &Sample| s.server_time as f64 + s.rtt() as f64 / 2.0 + (m - s.recv_mono) as f64;
        let best = samples.iter().min_by_key(|s| s.rtt()).unwrap();
        let e = est.estimate(m, wall_us.div_euclid(1000)).unwrap();
        let est_err = est.server_now(m).unwrap() as f64 - truth;
        errors.push((
            at(&samples[0]) - truth,
            at(best) - truth,
            est_err,
            e.error_bound_ms,
        ));
    }
    let col = |f: fn(&(f64, f64, f64, i64)) -> f64| errors.iter().map(f).collect::<Vec<_>>();
    let report = Report::from_errors(
        name,
        &col(|e| e.0),
        &col(|e| e.1),
        &col(|e| e.2),
        &errors.iter().map(|e| e.3).collect::<Vec<_>>(),
        errors.iter().filter(|e| e.2.abs() > e.3 as f64).count(),
    );
    Ok(Measured { report, errors })
}
