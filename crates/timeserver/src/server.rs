//! Running the server: one single-threaded tokio runtime per core, each accepting on its own
//! `SO_REUSEPORT` listener (Linux; one runtime elsewhere), hyper HTTP/1.1 connections with a
//! header-read timeout and a buffer cap, a global connection limit, and graceful shutdown.
//!
//! A connection starts on the raw fast path for plain `GET /time` requests (see `fast.rs`);
//! at its first other request it moves to hyper, where `/time` still skips the router and
//! everything else goes through [`app`].

use std::convert::Infallible;
use std::future::Future;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::http::{Method, Request};
use http_body_util::Either;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
pub use socket2::Socket;
use socket2::{Domain, Protocol, Type};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt as _;

use crate::app::{AppState, app};
use crate::clock::SystemClock;
use crate::fast;
use crate::persist;

/// Open connections beyond this are accepted and closed at once.
pub const MAX_CONNECTIONS: usize = 16_384;
/// A client must send a complete request head within this time of connecting or of its
/// previous response, which also closes idle keep-alive connections and slowloris clients.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// The per-connection read buffer cap: request heads larger than this get 431.
pub const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// How long shutdown waits for open requests to finish.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
const LISTEN_BACKLOG: i32 = 4096;

/// What to serve and where.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The transport state file, loaded at start and saved on every change.
    pub state_file: Option<PathBuf>,
    /// The bearer token for the admin routes; without it they do not exist.
    pub admin_token: Option<String>,
    /// A folder of static files served next to `/time`.
    pub serve_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            state_file: None,
            admin_token: None,
            serve_dir: None,
        }
    }
}

impl Config {
    /// The shared state this configuration describes, with the system clock and the saved
    /// transport (if there is a state file).
    pub fn app_state(&self) -> anyhow::Result<AppState> {
        let transport = match &self.state_file {
            Some(path) => persist::load(path)?,
            None => Default::default(),
        };
        let mut state = AppState::new(Arc::new(SystemClock), transport);
        if let Some(token) = &self.admin_token {
            anyhow::ensure!(!token.trim().is_empty(), "the admin token is empty");
            state = state.with_admin_token(token);
        }
        if let Some(path) = &self.state_file {
            state = state.with_state_file(path);
        }
        if let Some(dir) = &self.serve_dir {
            anyhow::ensure!(
                dir.is_dir(),
                "the serve folder {} is not a directory",
                dir.display()
            );
            state = state.with_serve_dir(dir);
        }
        Ok(state)
    }
}

/// A running server. Stops (gracefully, waiting up to [`SHUTDOWN_GRACE`]) on [`stop`] or drop.
///
/// [`stop`]: ServerHandle::stop
pub struct ServerHandle {
    /// The bound address (with the real port when the config asked for port 0).
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    threads: Vec<JoinHandle<()>>,
}

impl ServerHandle {
    /// Stops accepting, lets open requests finish, and waits for the worker threads.
    pub fn stop(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        let _ = self.stop.send(true);
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("a server thread panicked");
            }
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Runs the server on its own threads and returns its bound address and a handle that stops
/// it when dropped or on [`ServerHandle::stop`].
pub fn spawn_background(config: Config) -> anyhow::Result<ServerHandle> {
    let state = config.app_state()?;
    start(config.listen, state)
}

/// Runs the server until `shutdown` completes, then shuts down gracefully.
pub async fn serve(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let handle = spawn_background(config)?;
    shutdown.await;
    tracing::info!("shutting down");
    tokio::task::spawn_blocking(move || handle.stop())
        .await
        .context("joining the server threads")?;
    Ok(())
}

/// A socket bound to `addr` (port 0: a free one) that is not listening yet: it holds the
/// port, connections to it are refused, and [`spawn_on`] later serves on it.
pub fn reserve(addr: SocketAddr) -> std::io::Result<(Socket, SocketAddr)> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    #[cfg(target_os = "linux")]
    socket.set_reuse_port(true)?;
    socket.bind(&addr.into())?;
    let bound = socket
        .local_addr()?
        .as_socket()
        .ok_or_else(|| std::io::Error::other("not an IP socket"))?;
    Ok((socket, bound))
}

/// Like [`spawn_background`], on a socket the caller already bound (`config.listen` is
/// ignored). With `SO_REUSEPORT` set on it, each worker gets a listener of its own on the
/// same port; without, one worker serves. A caller that holds a port from the start (bound,
/// not yet listening: connections are refused) hands it over with no moment where another
/// process could take it.
pub fn spawn_on(socket: Socket, config: Config) -> anyhow::Result<ServerHandle> {
    let state = config.app_state()?;
    socket
        .listen(LISTEN_BACKLOG)
        .context("cannot listen on the given socket")?;
    socket.set_nonblocking(true)?;
    let first = StdListener::from(socket);
    let addr = first.local_addr()?;
    let mut listeners = vec![first];
    while listeners.len() < worker_count() {
        match reuseport_listener(addr) {
            Ok(l) => listeners.push(l),
            Err(_) => break,
        }
    }
    run(listeners, state)
}

/// Binds and starts serving `state` on `listen`.
pub fn start(listen: SocketAddr, state: AppState) -> anyhow::Result<ServerHandle> {
    run(bind(listen, worker_count())?, state)
}

/// Serves `state` on `listeners` (all on one address), one worker thread each.
fn run(listeners: Vec<StdListener>, state: AppState) -> anyhow::Result<ServerHandle> {
    let workers = listeners.len();
    let addr = listeners
        .first()
        .context("no listener to serve on")?
        .local_addr()?;
    let (stop, stop_rx) = watch::channel(false);
    let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut handle = ServerHandle {
        addr,
        stop,
        threads: Vec::with_capacity(workers),
    };
    for (i, listener) in listeners.into_iter().enumerate() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("building a server runtime")?;
        let worker = Worker {
            state: state.clone(),
            limit: Arc::clone(&limit),
            stop: stop_rx.clone(),
        };
        let thread = std::thread::Builder::new()
            .name(format!("timeserver-{i}"))
            .spawn(move || runtime.block_on(worker.run(listener)))
            .context("starting a server thread")?;
        handle.threads.push(thread);
    }
    tracing::info!(%addr, workers, admin = state.has_admin(), "listening");
    if !state.has_admin() {
        tracing::warn!("no admin token: the admin routes do not exist");
    }
    Ok(handle)
}

fn worker_count() -> usize {
    if cfg!(target_os = "linux") {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    }
}

/// Binds `n` listeners on one address. For a given port, a plain probe bind first makes a
/// taken port an error (two `SO_REUSEPORT` servers would otherwise silently share it). For
/// port 0 the first listener takes whatever port the kernel gives it (a fresh port nobody
/// holds) and the others join that one, so there is no moment where the port is free.
fn bind(listen: SocketAddr, n: usize) -> anyhow::Result<Vec<StdListener>> {
    let listener = reuseport_listener;
    let mut listeners = Vec::with_capacity(n);
    let addr = if listen.port() == 0 {
        let first = listener(listen).with_context(|| format!("cannot listen on {listen}"))?;
        let addr = first.local_addr()?;
        listeners.push(first);
        addr
    } else {
        let probe =
            StdListener::bind(listen).with_context(|| format!("cannot listen on {listen}"))?;
        let addr = probe.local_addr()?;
        drop(probe);
        addr
    };
    while listeners.len() < n.max(1) {
        listeners.push(listener(addr).with_context(|| format!("cannot listen on {addr}"))?);
    }
    Ok(listeners)
}

/// A listening, non-blocking socket on `addr` that others with `SO_REUSEPORT` can share.
fn reuseport_listener(addr: SocketAddr) -> std::io::Result<StdListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    #[cfg(target_os = "linux")]
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    Ok(StdListener::from(socket))
}

struct Worker {
    state: AppState,
    limit: Arc<Semaphore>,
    stop: watch::Receiver<bool>,
}

impl Worker {
    async fn run(mut self, listener: StdListener) {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "cannot register the listener");
                return;
            }
        };
        let router = app(self.state.clone());
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .max_buf_size(MAX_REQUEST_HEAD);
        let http = Arc::new(http);
        let mut last_shed_log: Option<Instant> = None;
        loop {
            let accepted = tokio::select! {
                biased;
                _ = self.stop.changed() => break,
                accepted = listener.accept() => accepted,
            };
            let stream = match accepted {
                Ok((stream, _peer)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Ok(permit) = Arc::clone(&self.limit).try_acquire_owned() else {
                if last_shed_log.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                    tracing::warn!(
                        limit = MAX_CONNECTIONS,
                        "connection limit reached, closing new connections"
                    );
                    last_shed_log = Some(Instant::now());
                }
                continue;
            };
            let _ = stream.set_nodelay(true);
            let (state, router, http, mut stop) = (
                self.state.clone(),
                router.clone(),
                Arc::clone(&http),
                self.stop.clone(),
            );
            tokio::spawn(async move {
                let _permit = permit;
                let mut stream = stream;
                let buffered = match fast::serve(&mut stream, &state, &mut stop).await {
                    Ok(fast::Next::HandOff(buffered)) => buffered,
                    Ok(fast::Next::Close) => return,
                    Err(e) => {
                        tracing::debug!(error = %e, "connection ended with an error");
                        return;
                    }
                };
                let service = service_fn(move |req: Request<Incoming>| {
                    let fast = (req.method() == Method::GET && req.uri().path() == "/time")
                        .then(|| state.time_response());
                    let router = router.clone();
                    async move {
                        Ok::<_, Infallible>(match fast {
                            Some(res) => res.map(Either::Left),
                            None => match router.oneshot(req).await {
                                Ok(res) => res.map(Either::Right),
                                Err(never) => match never {},
                            },
                        })
                    }
                });
                let io = TokioIo::new(fast::Rewind::new(buffered, stream));
                // Shutdown began while the fast path was reading this request: answer it,
                // then close (a graceful shutdown now would close before reading it).
                let http = if *stop.borrow() {
                    let mut last = (*http).clone();
                    last.keep_alive(false);
                    Arc::new(last)
                } else {
                    http
                };
                let mut conn = std::pin::pin!(http.serve_connection(io, service));
                let result = tokio::select! {
                    r = conn.as_mut() => r,
                    _ = stop.changed() => {
                        conn.as_mut().graceful_shutdown();
                        conn.await
                    }
                };
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
            });
        }
        drop(listener);
        // Let open requests finish: every connection holds a permit until it ends.
        let deadline = Instant::now() + SHUTDOWN_GRACE;
        while self.limit.available_permits() < MAX_CONNECTIONS && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
