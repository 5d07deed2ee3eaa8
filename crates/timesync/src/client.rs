//! The HTTP side (feature `client`): one sample is one `GET /time` timed on the monotonic
//! clock. Errors say what went wrong with which URL; nothing here panics on a bad reply.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::estimator::{Estimator, Sample};
use crate::policy::{Burst, Outcome, Request, SyncLoop};
use crate::protocol::{TimeResponse, TransportUpdate};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{url}: {}", chain(source))]
    Http {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: the server refused the admin token (HTTP {status}); check the token")]
    Refused { url: String, status: u16 },
    #[error(
        "{url}: the server did not take the change: HTTP {status}{}",
        detail_suffix(detail)
    )]
    Rejected {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{url}: not a time reply: {reason}")]
    Garbage { url: String, reason: String },
    #[error("{url}: not an http:// or https:// URL{}", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    BadUrl { url: String, reason: Option<String> },
}

/// ": detail", or nothing for an empty body.
fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

/// An error with its causes, e.g. "error sending request: connection refused".
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Where a client reads the time: the monotonic and the wall clock, in µs. The system's by
/// default; tests inject their own (for example a wall clock that steps).
pub trait ClockSource: Send + Sync {
    /// Monotonic µs from any fixed origin.
    fn mono_us(&self) -> i64;
    /// Unix µs.
    fn wall_us(&self) -> i64;
}

/// A monotonic clock in ms since the client was made, with the wall clock beside it. Cheap
/// to clone; clones share the origin, so their readings agree.
#[derive(Clone)]
pub struct Clocks {
    origin: Instant,
    source: Option<Arc<dyn ClockSource>>,
}

impl Default for Clocks {
    fn default() -> Self {
        Self {
            origin: Instant::now(),
            source: None,
        }
    }
}

impl std::fmt::Debug for Clocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clocks")
            .field("custom", &self.source.is_some())
            .finish()
    }
}

impl Clocks {
    /// Clocks read from `source` instead of the system.
    pub fn with_source(source: Arc<dyn ClockSource>) -> Self {
        Self {
            origin: Instant::now(),
            source: Some(source),
        }
    }

    pub fn mono_us(&self) -> i64 {
        match &self.source {
            Some(s) => s.mono_us(),
            None => i64::try_from(self.origin.elapsed().as_micros()).unwrap_or(i64::MAX),
        }
    }

    pub fn wall_us(&self) -> i64 {
        match &self.source {
            Some(s) => s.wall_us(),
            None => system_wall_us(),
        }
    }

    /// Monotonic ms (truncated).
    pub fn mono_ms(&self) -> i64 {
        self.mono_us().div_euclid(1000)
    }

    /// Unix ms (truncated).
    pub fn wall_ms(&self) -> i64 {
        self.wall_us().div_euclid(1000)
    }
}

/// The system's wall clock in Unix µs (0 if it is set before 1970).
pub fn system_wall_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A seed for [`crate::policy::SyncLoop`]'s jitter that differs between processes and
/// calls (std's randomly keyed hasher; no dependency), so clients that fail together do not
/// retry together.
pub fn random_seed() -> u64 {
    use std::hash::BuildHasher as _;
    std::collections::hash_map::RandomState::new().hash_one(system_wall_us())
}

/// Talks to one time server.
pub struct TimeClient {
    url: String,
    http: reqwest::blocking::Client,
    pub clocks: Clocks,
}

impl TimeClient {
    /// `timeout` bounds each request (a reply after it counts as a failure).
    pub fn new(url: &str, timeout: Duration) -> Result<Self, ClientError> {
        match reqwest::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            Ok(_) => {
                return Err(ClientError::BadUrl {
                    url: url.to_owned(),
                    reason: None,
                });
            }
            Err(e) => {
                return Err(ClientError::BadUrl {
                    url: url.to_owned(),
                    reason: Some(e.to_string()),
                });
            }
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|source| ClientError::Http {
                url: url.to_owned(),
                source,
            })?;
        Ok(Self {
            url: url.to_owned(),
            http,
            clocks: Clocks::default(),
        })
    }

    /// The same client reading `clocks` (for tests that step the wall clock).
    pub fn with_clocks(mut self, clocks: Clocks) -> Self {
        self.clocks = clocks;
        self
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The request `sync` wants now, with the monotonic time it was asked at; when none is
    /// due yet, sleeps toward it (at most 20 ms, so a caller can check for a stop) and says
    /// `None`.
    pub fn due_request(&self, sync: &mut SyncLoop) -> Option<(Request, i64)> {
        let now = self.clocks.mono_ms();
        if let Some(request) = sync.next_request(now, self.clocks.wall_ms()) {
            return Some((request, now));
        }
        let due = sync.due_mono().unwrap_or(now);
        let wait = due.saturating_sub(now).clamp(1, 20);
        std::thread::sleep(Duration::from_millis(wait as u64));
        None
    }

    /// One request for `sync`: samples the server and tells `sync` how it went, timed at the
    /// end of the request. Returns the outcome, that time and the reply or the error.
    pub fn sample_for(
        &self,
        sync: &mut SyncLoop,
    ) -> (Outcome, i64, Result<TimeResponse, ClientError>) {
        let result = self.sample();
        let after = self.clocks.mono_ms();
        match result {
            Ok((sample, reply)) => (sync.on_reply(after, sample), after, Ok(reply)),
            Err(e) => (sync.on_failure(after), after, Err(e)),
        }
    }

    /// One timed `GET`.
    pub fn sample(&self) -> Result<(Sample, TimeResponse), ClientError> {
        let sent_mono = self.clocks.mono_ms();
        let resp = self
            .http
            .get(&self.url)
            .header("Cache-Control", "no-store")
            .send()
            .map_err(|source| ClientError::Http {
                url: self.url.clone(),
                source,
            })?;
        let status = resp.status();
        let body = resp.bytes().map_err(|source| ClientError::Http {
            url: self.url.clone(),
            source,
        })?;
        let recv_mono = self.clocks.mono_ms();
        let recv_wall = self.clocks.wall_ms();
        if !status.is_success() {
            return Err(ClientError::Status {
                url: self.url.clone(),
                status: status.as_u16(),
            });
        }
        let reply: TimeResponse =
            serde_json::from_slice(&body).map_err(|e| ClientError::Garbage {
                url: self.url.clone(),
                reason: e.to_string(),
            })?;
        Ok((
            Sample {
                sent_mono,
                recv_mono,
                recv_wall,
                server_time: reply.server_time,
            },
            reply,
        ))
    }

    /// The admin URL next to the time URL: `…/time` → `…/admin/transport`.
    pub fn admin_url(&self) -> String {
        let base = self
            .url
            .strip_suffix("/time")
            .unwrap_or(self.url.trim_end_matches('/'));
        format!("{base}/admin/transport")
    }

    /// `POST /admin/transport` with a bearer token; the server's new state on success.
    pub fn admin(
        &self,
        token: &str,
        update: &TransportUpdate,
    ) -> Result<TimeResponse, ClientError> {
        let url = self.admin_url();
        let resp = self
            .http
            .post(&url)
            .bearer_auth(token)
            .json(update)
            .send()
            .map_err(|source| ClientError::Http {
                url: url.clone(),
                source,
            })?;
        let status = resp.status();
        let body = resp.bytes().map_err(|source| ClientError::Http {
            url: url.clone(),
            source,
        })?;
        if !status.is_success() {
            let status = status.as_u16();
            if matches!(status, 401 | 403) {
                return Err(ClientError::Refused { url, status });
            }
            let detail = String::from_utf8_lossy(&body)
                .trim()
                .chars()
                .take(300)
                .collect::<String>();
            return Err(ClientError::Rejected {
                url,
                status,
                detail,
            });
        }
        serde_json::from_slice(&body).map_err(|e| ClientError::Garbage {
            url,
            reason: e.to_string(),
        })
    }

    /// A burst of `n` samples into `est` (their intersection becomes its anchor), back to
    /// back; returns the last reply. Fails only when every sample failed (with the last
    /// error), leaving the old anchor in place. It gives up as [`Burst`] says (at the first
    /// failure when no sample has succeeded yet, and at the second in any case), so a server
    /// that is down or hangs costs one failure (one timeout at most), not `n`.
    pub fn burst(&self, est: &mut Estimator, n: usize) -> Result<TimeResponse, ClientError> {
        est.begin_burst();
        let mut burst = Burst::new(n);
        let mut last_ok = None;
        let mut last_err = None;
        loop {
            let more = match self.sample() {
                Ok((s, r)) => {
                    est.add(s);
                    last_ok = Some(r);
                    burst.replied()
                }
                Err(e) => {
                    last_err = Some(e);
                    burst.failed()
                }
            };
            if !more {
                break;
            }
        }
        est.end_burst();
        last_ok.ok_or_else(|| {
            last_err.unwrap_or_else(|| ClientError::Garbage {
                url: self.url.clone(),
                reason: "no sample was taken".to_owned(),
            })
        })
    }
}
