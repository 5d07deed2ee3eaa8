//! The HTTP surface: [`AppState`] and [`app`], the axum router for `/time`, `/healthz`, the
//! admin route and the optional static folder.
//!
//! The `/time` reply is written by hand from pre-built header values and a pre-escaped
//! message, because every viewer asks for it; [`AppState::time_response`] is the one place
//! that builds it, used by the router and by the server's fast path alike.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use subtle::ConstantTimeEq;
use thiserror::Error;
use timesync::{TimeResponse, TransportUpdate};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;

use crate::clock::Clock;
use crate::persist::{self, StateFileError};
use crate::transport::{Transport, TransportError};

/// The largest admin body accepted; larger ones get 413.
pub const MAX_ADMIN_BODY: usize = 64 * 1024;
/// How long any routed request may take before it gets 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
const ANY_ORIGIN: HeaderValue = HeaderValue::from_static("*");
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

/// The transport as served: the state plus its message already escaped as JSON.
#[derive(Debug)]
struct Published {
    transport: Transport,
    message_json: String,
}

impl Published {
    fn new(transport: Transport) -> Self {
        let message_json =
            serde_json::to_string(&transport.message()).unwrap_or_else(|_| "null".to_owned());
        Self {
            transport,
            message_json,
        }
    }
}

struct Shared {
    clock: Arc<dyn Clock>,
    published: RwLock<Arc<Published>>,
    /// Bumped after every change to `published`, so [`TimeSource`]s know to re-read it.
    generation: AtomicU64,
    /// Serialises admin changes, so each is saved before the next one reads the state.
    write_lock: tokio::sync::Mutex<()>,
}

/// Why an admin change failed.
#[derive(Debug, Error)]
pub enum ApplyError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Save(#[from] StateFileError),
    #[error("saving the state was interrupted: {0}")]
    Interrupted(#[from] tokio::task::JoinError),
}

/// Everything the handlers share. Cheap to clone; clones share one transport.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
    admin_token: Option<Arc<[u8]>>,
    state_file: Option<Arc<Path>>,
    serve_dir: Option<Arc<Path>>,
}

impl AppState {
    /// A server state with this clock and initial transport, no admin token, no state file and
    /// no static folder.
    pub fn new(clock: Arc<dyn Clock>, transport: Transport) -> Self {
        Self {
            shared: Arc::new(Shared {
                clock,
                published: RwLock::new(Arc::new(Published::new(transport))),
                generation: AtomicU64::new(0),
                write_lock: tokio::sync::Mutex::new(()),
            }),
            admin_token: None,
            state_file: None,
            serve_dir: None,
        }
    }

    /// Enables the admin routes, guarded by this bearer token.
    pub fn with_admin_token(mut self, token: &str) -> Self {
        self.admin_token = Some(Arc::from(token.as_bytes()));
        self
    }

    /// Saves every transport change to this file (atomically) before it takes effect.
    pub fn with_state_file(mut self, path: &Path) -> Self {
        self.state_file = Some(Arc::from(path));
        self
    }

    /// Serves this folder's files next to `/time`.
    pub fn with_serve_dir(mut self, dir: &Path) -> Self {
        self.serve_dir = Some(Arc::from(dir));
        self
    }

    /// Whether the admin routes exist.
    pub fn has_admin(&self) -> bool {
        self.admin_token.is_some()
    }

    /// The current transport.
    pub fn transport(&self) -> Transport {
        read(&self.shared.published).transport.clone()
    }

    /// The `GET /time` reply now, as a value.
    pub fn snapshot(&self) -> TimeResponse {
        let now = self.shared.clock.now_ms();
        read(&self.shared.published).transport.snapshot(now)
    }

    /// Applies a transport change: validated, saved to the state file (if any), then
    /// published, and logged. Returns the reply `/time` gives right after it.
    pub async fn apply(&self, update: &TransportUpdate) -> Result<TimeResponse, ApplyError> {
        let _guard = self.shared.write_lock.lock().await;
        let now = self.shared.clock.now_ms();
        let mut next = read(&self.shared.published).transport.clone();
        let changes = next.apply(update, now)?;
        if !changes.is_empty() {
            if let Some(path) = &self.state_file {
                let (path, to_save) = (Arc::clone(path), next.clone());
                tokio::task::spawn_blocking(move || persist::save(&path, &to_save)).await??;
            }
            for change in &changes {
                tracing::info!(change = %change, "transport changed");
            }
            let published = Arc::new(Published::new(next.clone()));
            match self.shared.published.write() {
                Ok(mut slot) => *slot = published,
                Err(poisoned) => *poisoned.into_inner() = published,
            }
            self.shared.generation.fetch_add(1, Ordering::Release);
        } else {
            tracing::info!(?update, "transport update changed nothing");
        }
        Ok(next.snapshot(now))
    }

    /// The `/time` JSON body at the clock's current time.
    pub fn time_body(&self) -> Bytes {
        let mut buf = Vec::with_capacity(128);
        let now = self.shared.clock.now_ms();
        write_body(now, &read(&self.shared.published), &mut buf);
        Bytes::from(buf)
    }

    /// A reader of the `/time` body for one connection (see [`TimeSource`]).
    pub fn time_source(&self) -> TimeSource {
        let generation = self.shared.generation.load(Ordering::Acquire);
        TimeSource {
            published: Arc::clone(&read(&self.shared.published)),
            generation,
            state: self.clone(),
        }
    }

    /// The complete `GET /time` response: JSON, `no-store`, open CORS.
    pub fn time_response(&self) -> Response<Full<Bytes>> {
        let mut res = Response::new(Full::new(self.time_body()));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, JSON);
        h.insert(header::CACHE_CONTROL, NO_STORE);
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN);
        res
    }
}

/// Writes `/time` bodies without taking the shared lock or touching a shared reference
/// count per request: it keeps its own reference to the published transport and re-reads it
/// only when the generation counter moved (a plain load, which both cores can cache). A
/// change is seen from the next request on.
pub struct TimeSource {
    state: AppState,
    generation: u64,
    published: Arc<Published>,
}

impl TimeSource {
    /// Appends the `/time` JSON body at the clock's current time to `buf`.
    pub fn write_body(&mut self, buf: &mut Vec<u8>) {
        let shared = &self.state.shared;
        let generation = shared.generation.load(Ordering::Acquire);
        if generation != self.generation {
            self.published = Arc::clone(&read(&shared.published));
            self.generation = generation;
        }
        write_body(shared.clock.now_ms(), &self.published, buf);
    }
}

/// The `/time` JSON body at `now`, appended to `buf`.
fn write_body(now: i64, published: &Published, buf: &mut Vec<u8>) {
    let t = &published.transport;
    buf.reserve(112 + published.message_json.len());
    let mut ints = itoa::Buffer::new();
    buf.extend_from_slice(b"{\"serverTime\":");
    buf.extend_from_slice(ints.format(now).as_bytes());
    buf.extend_from_slice(b",\"status\":\"");
    buf.extend_from_slice(t.status().as_str().as_bytes());
    buf.extend_from_slice(b"\",\"message\":");
    buf.extend_from_slice(published.message_json.as_bytes());
    if let Some(start) = t.event_start() {
        buf.extend_from_slice(b",\"eventStart\":");
        buf.extend_from_slice(ints.format(start).as_bytes());
    }
    if let Some(position) = t.position(now) {
        buf.extend_from_slice(b",\"position\":");
        buf.extend_from_slice(ints.format(position).as_bytes());
    }
    buf.push(b'}');
}

fn read(lock: &RwLock<Arc<Published>>) -> std::sync::RwLockReadGuard<'_, Arc<Published>> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The router: `GET|HEAD|OPTIONS /time`, `GET /healthz`, `POST /admin/transport` (only with
/// an admin token) and, with a serve folder, its files for every other path.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/time", get(time).options(time_preflight))
        .route("/healthz", get(healthz));
    if state.has_admin() {
        router = router.route("/admin/transport", post(admin_transport));
    }
    if let Some(dir) = &state.serve_dir {
        // A published bundle carries `.br` and `.gz` twins of its cue sheet: sent as they are
        // to clients that accept them (with `Vary: Accept-Encoding`).
        let files = ServeDir::new(dir)
            .append_index_html_on_directories(true)
            .precompressed_br()
            .precompressed_gzip();
        router = router.fallback_service(
            Router::new()
                .fallback_service(files)
                .layer(axum::middleware::from_fn(static_cache_headers)),
        );
    }
    router
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

async fn time(State(state): State<AppState>) -> Response<Full<Bytes>> {
    state.time_response()
}

/// `OPTIONS /time`: a CORS preflight answer, for clients that send one anyway.
async fn time_preflight() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, HEAD, OPTIONS"),
            ),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, ANY_ORIGIN),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            ),
            (
                header::ALLOW,
                HeaderValue::from_static("GET, HEAD, OPTIONS"),
            ),
        ],
    )
}

async fn healthz() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, NO_STORE)], "ok\n")
}

/// A JSON error reply: `{"error": "..."}`.
fn error_reply(status: StatusCode, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "error": message }).to_string();
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, JSON);
    res.headers_mut().insert(header::CACHE_CONTROL, NO_STORE);
    res
}

/// Checks `Authorization: Bearer TOKEN` in constant time (in the token's content).
fn authorized(headers: &HeaderMap, token: &[u8]) -> Result<(), &'static str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or("missing Authorization: Bearer token")?
        .as_bytes();
    let (_, given) = value
        .split_at_checked(7)
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case(b"bearer "))
        .ok_or("the Authorization header must be \"Bearer TOKEN\"")?;
    if bool::from(given.ct_eq(token)) {
        Ok(())
    } else {
        Err("wrong admin token")
    }
}

/// `POST /admin/transport`: auth, size, parse, apply. Every refusal says why in JSON.
async fn admin_transport(State(state): State<AppState>, req: Request) -> Response<Body> {
    let Some(token) = &state.admin_token else {
        return error_reply(StatusCode::NOT_FOUND, "no admin token is configured");
    };
    if let Err(why) = authorized(req.headers(), token) {
        let mut res = error_reply(StatusCode::UNAUTHORIZED, why);
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return res;
    }
    let too_large = format!("the body is larger than {MAX_ADMIN_BODY} bytes");
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_ADMIN_BODY as u64) {
        return error_reply(StatusCode::PAYLOAD_TOO_LARGE, &too_large);
    }
    let body = match Limited::new(req.into_body(), MAX_ADMIN_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => {
            return error_reply(StatusCode::PAYLOAD_TOO_LARGE, &too_large);
        }
        Err(e) => {
            return error_reply(
                StatusCode::BAD_REQUEST,
                &format!("could not read the body: {e}"),
            );
        }
    };
    let update: TransportUpdate = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            return error_reply(
                StatusCode::BAD_REQUEST,
                &format!(
                    "invalid transport update: {e}; expected a JSON object with any of \
                     \"status\" (\"paused\"|\"running\"), \"message\" (string|null), \
                     \"eventStart\" (Unix ms)"
                ),
            );
        }
    };
    match state.apply(&update).await {
        Ok(reply) => match serde_json::to_vec(&reply) {
            Ok(json) => {
                let mut res = Response::new(Body::from(json));
                res.headers_mut().insert(header::CONTENT_TYPE, JSON);
                res.headers_mut().insert(header::CACHE_CONTROL, NO_STORE);
                res
            }
            Err(e) => error_reply(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
        Err(ApplyError::Transport(e)) => error_reply(StatusCode::BAD_REQUEST, &e.to_string()),
        Err(e) => {
            tracing::error!(error = %e, "transport change not saved");
            error_reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("the change was not applied: {e}"),
            )
        }
    }
}

/// Static files: `immutable` for content-hashed names, revalidate everything else; readable
/// from any origin (a public bundle; the event page may live elsewhere).
async fn static_cache_headers(req: Request, next: axum::middleware::Next) -> Response<Body> {
    let hashed = is_content_hashed(req.uri().path());
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let value = if hashed { IMMUTABLE } else { NO_CACHE };
        res.headers_mut().insert(header::CACHE_CONTROL, value);
        res.headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN);
    }
    res
}

/// Whether a path names content-hashed bytes: its file name, or a folder it is in, has a
/// `.`- or `-`-separated part of at least 8 hex digits, as in `cues.3f9a1c2b.json`,
/// `app-0123abcd4567.js` or `runtime.0123abcd4567ef89/clock.js`.
pub fn is_content_hashed(path: &str) -> bool {
    let mut segments = path.split('/').filter(|s| !s.is_empty()).rev();
    let Some(name) = segments.next() else {
        return false;
    };
    let has_hash = |stem: &str| {
        stem.split(['.', '-'])
            .any(|p| p.len() >= 8 && p.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    // A file's extension (and a `.gz`/`.br` twin's second one) is never the hash.
    let mut stem = name;
    for round in 0..2 {
        match stem.rsplit_once('.') {
            Some((rest, ext)) if round == 0 || matches!(ext, "json" | "js" | "css" | "html") => {
                let twin = matches!(ext, "gz" | "br");
                stem = rest;
                if !twin {
                    break;
                }
            }
            _ => break,
        }
    }
    has_hash(stem) || segments.any(has_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_names() {
        assert!(is_content_hashed("/cues.3f9a1c2b.json"));
        assert!(is_content_hashed("/assets/app-0123abcd4567.js"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/cues.json"));
        assert!(!is_content_hashed("/3f9a1c2"), "7 digits are not a hash");
        assert!(!is_content_hashed("/notes.3f9a1c2bzz.txt"));
        assert!(is_content_hashed("/cues.3f9a1c2b4d5e6f70.json.br"));
        assert!(is_content_hashed("/runtime.0123abcd4567ef89/clock.js"));
        assert!(!is_content_hashed("/runtime/clock.js"));
        assert!(!is_content_hashed("/manifest.json"));
        assert!(!is_content_hashed("/"));
    }

    #[test]
    fn bearer_scheme_and_token_are_checked() {
        let mut h = HeaderMap::new();
        assert!(authorized(&h, b"s3cret").is_err());
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(authorized(&h, b"s3cret").is_ok());
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer s3cret"),
        );
        assert!(authorized(&h, b"s3cret").is_ok());
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cre"),
        );
        assert_eq!(authorized(&h, b"s3cret"), Err("wrong admin token"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic s3cret"),
        );
        assert!(authorized(&h, b"s3cret").is_err());
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bear"));
        assert!(authorized(&h, b"s3cret").is_err());
    }
}
