//! Time protocol types, the clock-offset estimator and (feature `client`) the HTTP client.
//!
//! Sign convention, used everywhere: `serverNow = localNow + offset`.

pub mod protocol;

pub use protocol::{Status, TimeResponse, TransportUpdate};
