//! The Cuestudio time server: `GET /time` for every viewer and the editor, the show's
//! transport (pause, resume, message, event start) behind a bearer token, and optionally a
//! folder of static files, so one process is enough for a rehearsal.
//!
//! - [`transport`]: the pure transport type (pause freezes, resume shifts the start).
//! - [`clock`]: the injected clock.
//! - [`persist`]: the atomic state file.
//! - [`app`](mod@app): the axum router, testable with `tower::ServiceExt::oneshot`.
//! - [`fast`]: the raw path for plain `GET /time` requests, before hyper.
//! - [`server`]: per-core runtimes with `SO_REUSEPORT`, limits, timeouts, graceful shutdown.

pub mod app;
pub mod clock;
pub mod fast;
pub mod persist;
pub mod server;
pub mod transport;

pub use app::{AppState, ApplyError, TimeSource, app};
pub use clock::{Clock, ManualClock, SystemClock};
pub use server::{Config, ServerHandle, reserve, serve, spawn_background, spawn_on};
pub use transport::{Transport, TransportError};
