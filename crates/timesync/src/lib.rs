//! Time protocol types, the clock-offset estimator and (feature `client`) the HTTP client.
//!
//! Sign convention, used everywhere: `serverNow = localNow + offset`.

#[cfg(feature = "client")]
pub mod client;
pub mod estimator;
pub mod protocol;
/// The accuracy simulation (issue 6), shared by a test and a bench; not a stable API.
#[doc(hidden)]
pub mod sim;

pub use estimator::{Estimate, Estimator, Sample};
pub use protocol::{Status, TimeResponse, TransportUpdate};
