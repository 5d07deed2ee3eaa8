//! The hot path: plain `GET /time` and `HEAD /time` requests answered straight from the
//! socket, without hyper's request and response types.
//!
//! Every viewer polls `/time`, so this is nearly all of the server's traffic. A connection
//! starts here; its requests are parsed with `httparse` and, while they are simple HTTP/1.1
//! `GET`/`HEAD /time` requests without a body, answered from pre-written header bytes, several
//! pipelined requests in one write. The first request that is anything else (another path or
//! method, HTTP/1.0, a body, `Connection: close` or `upgrade`, a malformed or oversized head)
//! hands the connection, with the bytes already read, to hyper and the router, which give
//! every other answer, error statuses included. The bytes on the wire are the same as hyper's
//! for the same request (status line, headers in the same order, `date`).
//!
//! The limits match the hyper side: a request head must arrive within
//! [`HEADER_READ_TIMEOUT`] of connecting or of the previous response, and heads larger than
//! [`MAX_REQUEST_HEAD`] go to hyper, which answers 431.

use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::app::{AppState, TimeSource};
use crate::server::{HEADER_READ_TIMEOUT, MAX_REQUEST_HEAD};

/// Headers the fast path looks at; a head with more goes to hyper.
const MAX_HEADERS: usize = 32;
const READ_CHUNK: usize = 2048;
/// The `/time` response up to the value of `content-length`, as hyper writes it.
const TIME_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\n\
content-type: application/json\r\n\
cache-control: no-store\r\n\
access-control-allow-origin: *\r\n\
content-length: ";

/// How a connection left the fast path.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Closed: by the client, the header-read timeout or shutdown.
    Close,
    /// A request the fast path does not answer: serve the connection with hyper, starting
    /// with these bytes already read from it.
    HandOff(Vec<u8>),
}

/// What the front of a buffer holds.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    /// A complete `GET` (`head: false`) or `HEAD /time` request of `len` bytes.
    Time { len: usize, head: bool },
    /// Not a complete head yet.
    Partial,
    /// Anything else, for hyper.
    Other,
}

fn parse(buf: &[u8]) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Parsed::Partial,
        Err(_) => return Parsed::Other,
    };
    let head = match req.method {
        Some("GET") => false,
        Some("HEAD") => true,
        _ => return Parsed::Other,
    };
    let path = req.path.unwrap_or_default();
    let path = path.split_once('?').map_or(path, |(p, _query)| p);
    if req.version != Some(1) || path != "/time" {
        return Parsed::Other;
    }
    for h in req.headers.iter() {
        let name = h.name.as_bytes();
        let plain = if name.eq_ignore_ascii_case(b"content-length") {
            h.value.trim_ascii() == b"0"
        } else if name.eq_ignore_ascii_case(b"connection") {
            let v = h.value.to_ascii_lowercase();
            !contains(&v, b"close") && !contains(&v, b"upgrade")
        } else {
            !name.eq_ignore_ascii_case(b"transfer-encoding")
                && !name.eq_ignore_ascii_case(b"upgrade")
                && !name.eq_ignore_ascii_case(b"expect")
        };
        if !plain {
            return Parsed::Other;
        }
    }
    Parsed::Time { len, head }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Appends the whole `/time` response (headers only for `HEAD`); `body` is scratch space.
fn write_time(out: &mut Vec<u8>, body: &mut Vec<u8>, source: &mut TimeSource, head: bool) {
    body.clear();
    source.write_body(body);
    out.extend_from_slice(TIME_HEAD);
    out.extend_from_slice(itoa::Buffer::new().format(body.len()).as_bytes());
    out.extend_from_slice(b"\r\ndate: ");
    write_date(out);
    out.extend_from_slice(b"\r\n\r\n");
    if !head {
        out.extend_from_slice(body);
    }
}

/// Appends the current `date` header value, formatted once a second per thread (as hyper).
fn write_date(out: &mut Vec<u8>) {
    thread_local! {
        static DATE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let now = SystemTime::now();
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    DATE.with_borrow_mut(|(cached_secs, text)| {
        if *cached_secs != secs {
            *cached_secs = secs;
            *text = httpdate::fmt_http_date(now);
        }
        out.extend_from_slice(text.as_bytes());
    });
}

/// The most responses written at once: a client that pipelines requests without reading the
/// replies holds at most this many in memory (a few KiB), besides its read buffer.
pub const MAX_BATCH: usize = 16;

/// Why [`answer`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The rest of the buffer is not a complete request head yet.
    Partial,
    /// The next request is one the fast path does not answer.
    HandOff,
    /// [`MAX_BATCH`] responses are waiting: write them, then answer the rest.
    Batch,
}

/// What [`answer`] did with a buffer.
#[derive(Debug, PartialEq, Eq)]
pub struct Answered {
    /// The bytes of the requests answered, from the front of the buffer.
    pub used: usize,
    pub stop: Stop,
}

/// Answers the complete plain `/time` requests at the front of `buf`, up to [`MAX_BATCH`],
/// appending their responses to `out` (`scratch` is reused space for the body). Stops at an
/// incomplete head or at the first request for hyper.
pub fn answer(
    source: &mut TimeSource,
    buf: &[u8],
    out: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
) -> Answered {
    let mut used = 0;
    for _ in 0..MAX_BATCH {
        let stop = match parse(&buf[used..]) {
            Parsed::Time { len, head } => {
                write_time(out, scratch, source, head);
                used += len;
                continue;
            }
            Parsed::Partial => Stop::Partial,
            Parsed::Other => Stop::HandOff,
        };
        return Answered { used, stop };
    }
    Answered {
        used,
        stop: Stop::Batch,
    }
}

/// Serves `stream` while its requests are plain `/time` requests; see the module docs.
pub(crate) async fn serve(
    stream: &mut TcpStream,
    state: &AppState,
    stop: &mut watch::Receiver<bool>,
) -> io::Result<Next> {
    let mut buf: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut out: Vec<u8> = Vec::with_capacity(512);
    let mut body: Vec<u8> = Vec::with_capacity(128);
    let mut source = state.time_source();
    // The timer is armed once and pushed back lazily: each response only moves `deadline`,
    // and an early wake-up re-arms the timer to it.
    let mut deadline = Instant::now() + HEADER_READ_TIMEOUT;
    let timer = tokio::time::sleep_until(deadline.into());
    tokio::pin!(timer);
    let mut stopping = *stop.borrow();
    loop {
        let Answered { used, stop: why } = answer(&mut source, &buf, &mut out, &mut body);
        if !out.is_empty() {
            // The client has as long to take its replies as to send a request.
            deadline = Instant::now() + HEADER_READ_TIMEOUT;
            let write = stream.write_all(&out);
            tokio::pin!(write);
            loop {
                tokio::select! {
                    biased;
                    written = &mut write => {
                        written?;
                        break;
                    }
                    () = &mut timer => {
                        if deadline_passed(timer.as_mut(), deadline) {
                            return Ok(Next::Close);
                        }
                    }
                }
            }
            out.clear();
            deadline = Instant::now() + HEADER_READ_TIMEOUT;
        }
        buf.drain(..used);
        match why {
            Stop::Batch => continue,
            Stop::HandOff => return Ok(Next::HandOff(buf)),
            Stop::Partial if buf.len() >= MAX_REQUEST_HEAD => return Ok(Next::HandOff(buf)),
            Stop::Partial => {}
        }
        if stopping && buf.is_empty() {
            return Ok(Next::Close);
        }
        buf.reserve(READ_CHUNK);
        loop {
            tokio::select! {
                biased;
                read = stream.read_buf(&mut buf) => {
                    if read? == 0 {
                        return Ok(Next::Close);
                    }
                    break;
                }
                () = &mut timer => {
                    if deadline_passed(timer.as_mut(), deadline) {
                        return Ok(Next::Close);
                    }
                }
                changed = stop.changed(), if !stopping => {
                    stopping = changed.is_err() || *stop.borrow();
                    if stopping && buf.is_empty() {
                        return Ok(Next::Close);
                    }
                }
            }
        }
    }
}

/// Called when the lazily pushed-back timer fires: true when `deadline` has passed, else
/// the timer is re-armed to it.
fn deadline_passed(timer: Pin<&mut tokio::time::Sleep>, deadline: Instant) -> bool {
    if Instant::now() >= deadline {
        return true;
    }
    timer.reset(deadline.into());
    false
}

/// A stream that first yields bytes already read from it, for handing a connection to hyper.
pub(crate) struct Rewind<S> {
    prefix: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S> Rewind<S> {
    pub(crate) fn new(prefix: Vec<u8>, inner: S) -> Self {
        Self {
            prefix,
            at: 0,
            inner,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Rewind<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.at < this.prefix.len() {
            let n = buf.remaining().min(this.prefix.len() - this.at);
            buf.put_slice(&this.prefix[this.at..this.at + n]);
            this.at += n;
            if this.at == this.prefix.len() {
                this.prefix = Vec::new();
                this.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Rewind<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: &[u8] = b"GET /time HTTP/1.1\r\nHost: x\r\n\r\n";

    /// A server state whose clock reads 1000 ms.
    fn state_at_1000() -> AppState {
        AppState::new(
            std::sync::Arc::new(crate::ManualClock::new(1_000)),
            crate::Transport::default(),
        )
    }

    #[test]
    fn plain_time_requests_take_the_fast_path() {
        let get = b"GET /time HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n";
        assert_eq!(
            parse(get),
            Parsed::Time {
                len: get.len(),
                head: false
            }
        );
        let head = b"HEAD /time?cb=123 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET";
        assert_eq!(
            parse(head),
            Parsed::Time {
                len: head.len() - 3,
                head: true
            }
        );
        assert_eq!(parse(b"GET /time HTTP/1.1\r\nHost: x\r\n"), Parsed::Partial);
        assert_eq!(parse(b""), Parsed::Partial);
    }

    #[test]
    fn pipelined_requests_are_answered_up_to_a_partial_or_foreign_one() {
        let state = state_at_1000();
        let get = GET;
        let (mut out, mut scratch) = (Vec::new(), Vec::new());
        let buf = [get, get, b"GET /ti"].concat();
        let done = answer(&mut state.time_source(), &buf, &mut out, &mut scratch);
        assert_eq!(
            done,
            Answered {
                used: 2 * get.len(),
                stop: Stop::Partial
            }
        );
        let text = String::from_utf8(out.clone()).unwrap();
        let body = r#"{"serverTime":1000,"status":"running","message":null}"#;
        assert_eq!(text.matches(body).count(), 2, "{text}");
        assert_eq!(
            text.matches("content-length: 53\r\ndate: ").count(),
            2,
            "{text}"
        );

        out.clear();
        let buf = [get, b"POST /time HTTP/1.1\r\n\r\n", get].concat();
        let done = answer(&mut state.time_source(), &buf, &mut out, &mut scratch);
        assert_eq!(
            done,
            Answered {
                used: get.len(),
                stop: Stop::HandOff
            }
        );
        assert_eq!(
            String::from_utf8(out)
                .unwrap()
                .matches("HTTP/1.1 200 OK")
                .count(),
            1
        );
    }

    #[test]
    fn a_long_pipeline_is_answered_in_batches() {
        let state = state_at_1000();
        let get = GET;
        let buf = get.repeat(MAX_BATCH + 4);
        let (mut out, mut scratch) = (Vec::new(), Vec::new());
        let mut source = state.time_source();
        let first = answer(&mut source, &buf, &mut out, &mut scratch);
        assert_eq!(
            first,
            Answered {
                used: MAX_BATCH * get.len(),
                stop: Stop::Batch
            }
        );
        let rest = answer(&mut source, &buf[first.used..], &mut out, &mut scratch);
        assert_eq!(
            rest,
            Answered {
                used: 4 * get.len(),
                stop: Stop::Partial
            }
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("HTTP/1.1 200 OK").count(), MAX_BATCH + 4);
    }

    #[test]
    fn everything_else_goes_to_hyper() {
        for req in [
            &b"GET /healthz HTTP/1.1\r\n\r\n"[..],
            b"GET /timer HTTP/1.1\r\n\r\n",
            b"POST /time HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            b"OPTIONS /time HTTP/1.1\r\n\r\n",
            b"GET /time HTTP/1.0\r\n\r\n",
            b"GET http://x/time HTTP/1.1\r\n\r\n",
            b"GET /time HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            b"GET /time HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET /time HTTP/1.1\r\nConnection: Close\r\n\r\n",
            b"GET /time HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
            b"GET /time HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
            b"HELLO\x00\x01 nonsense\r\n\r\n",
        ] {
            assert_eq!(
                parse(req),
                Parsed::Other,
                "{}",
                String::from_utf8_lossy(req)
            );
        }
        let many = format!(
            "GET /time HTTP/1.1\r\n{}\r\n",
            "X-A: b\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(parse(many.as_bytes()), Parsed::Other);
    }
}
