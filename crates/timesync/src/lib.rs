//! Time protocol types, the clock-offset estimator and (feature `client`) the HTTP client.
//!
//! Sign convention, used everywhere: `serverNow = localNow + offset`.

#[cfg(feature = "client")]
pub mod client;
pub mod estimator;
pub mod protocol;

pub use estimator::{Estimate, Estimator, Sample};
pub use protocol::{Status, TimeResponse, TransportUpdate};
