//! Live: following the time server. [`follow`] fires the cues as the live show passes them
//! (`cuestudio follow`); [`session`] is the editor's live session. Both run timesync's sync
//! policy on a thread of their own.

pub mod follow;
pub mod session;
