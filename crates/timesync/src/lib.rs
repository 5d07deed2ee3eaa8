//! Time protocol types, the clock-offset estimator, the sync policy and (feature `client`)
//! the HTTP client.
//!
//! Sign convention, used everywhere: `serverNow = localNow + offset`.

#[cfg(feature = "client")]
pub mod client;
pub mod estimator;
pub mod policy;
pub mod protocol;
mod rng;
/// The accuracy simulation (issue 6), shared by a test and a bench; not a stable API.
#[doc(hidden)]
pub mod sim;

pub use estimator::{Estimate, Estimator, Sample};
pub use policy::{BurstReason, Outcome, Request, SyncConfig, SyncLoop};
pub use protocol::{Status, TimeResponse, TransportUpdate};
