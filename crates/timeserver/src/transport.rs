//! The show's transport: running or paused, the viewer message and the effective event start.
//!
//! Pure: every operation takes "now" as an argument, so the semantics are unit-tested without
//! a clock. While running, `position = now - eventStart`. A pause freezes `position`; resume
//! moves `eventStart` later by the length of the pause, so no content is skipped.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use timesync::{Status, TimeResponse, TransportUpdate};

/// The largest Unix ms accepted for `eventStart` (9999-12-31T23:59:59.999Z), in absolute value.
/// Keeps every `now - eventStart` far from `i64` overflow.
pub const MAX_ABS_UNIX_MS: i64 = 253_402_300_799_999;

/// Why an update was refused. Nothing is changed when an update is refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TransportError {
    #[error("the update is empty: give at least one of \"status\", \"message\", \"eventStart\"")]
    Empty,
    #[error(
        "\"eventStart\" {0} is out of range: it must be Unix milliseconds within ±{MAX_ABS_UNIX_MS}"
    )]
    EventStartOutOfRange(i64),
}

/// The transport state. Also the on-disk form of the state file (`--state`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Transport {
    /// Text for viewers, or none.
    #[serde(default)]
    message: Option<String>,
    /// Unix ms of the effective start, moved later by every pause; none until set.
    #[serde(default)]
    event_start: Option<i64>,
    /// When the current pause began (Unix ms); none while running.
    #[serde(default)]
    paused_at: Option<i64>,
}

impl Transport {
    /// Running or paused.
    pub fn status(&self) -> Status {
        if self.paused_at.is_some() {
            Status::Paused
        } else {
            Status::Running
        }
    }

    /// The viewer message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Unix ms of the effective event start, if one was set.
    pub fn event_start(&self) -> Option<i64> {
        self.event_start
    }

    /// Show ms at `now_ms`: frozen at the pause instant while paused. None without an event start.
    pub fn position(&self, now_ms: i64) -> Option<i64> {
        let start = self.event_start?;
        Some(self.paused_at.unwrap_or(now_ms).saturating_sub(start))
    }

    /// The `GET /time` reply at `now_ms`.
    pub fn snapshot(&self, now_ms: i64) -> TimeResponse {
        TimeResponse {
            server_time: now_ms,
            status: self.status(),
            message: self.message.clone(),
            event_start: self.event_start,
            position: self.position(now_ms),
        }
    }

    /// Checks a loaded state: the same bounds an update must meet.
    pub fn validate(&self) -> Result<(), TransportError> {
        for t in [self.event_start, self.paused_at].into_iter().flatten() {
            if t.abs() > MAX_ABS_UNIX_MS {
                return Err(TransportError::EventStartOutOfRange(t));
            }
        }
        Ok(())
    }

    /// Applies an admin update at `now_ms` and returns a description of each change (empty if
    /// the update changed nothing, e.g. pausing a paused show).
    ///
    /// Order: `eventStart` first, then `status`, then `message`. Setting `eventStart` while
    /// paused means "the show is now at `now - eventStart`, frozen": the pause restarts at
    /// `now`, so a later resume shifts the new start by the remaining pause only.
    pub fn apply(
        &mut self,
        update: &TransportUpdate,
        now_ms: i64,
    ) -> Result<Vec<String>, TransportError> {
        if update.status.is_none() && update.message.is_none() && update.event_start.is_none() {
            return Err(TransportError::Empty);
        }
        if let Some(start) = update.event_start
            && start.abs() > MAX_ABS_UNIX_MS
        {
            return Err(TransportError::EventStartOutOfRange(start));
        }
        let mut changes = Vec::new();
        if let Some(start) = update.event_start {
            if self.event_start != Some(start) {
                changes.push(format!("eventStart {:?} -> {start}", self.event_start));
                self.event_start = Some(start);
            }
            if self.paused_at.is_some() {
                self.paused_at = Some(now_ms);
            }
        }
        match (update.status, self.paused_at) {
            (Some(Status::Paused), None) => {
                self.paused_at = Some(now_ms);
                changes.push(format!(
                    "paused at {now_ms} (position {:?})",
                    self.position(now_ms)
                ));
            }
            (Some(Status::Running), Some(paused_at)) => {
                let pause_ms = now_ms.saturating_sub(paused_at).max(0);
                self.paused_at = None;
                if let Some(start) = self.event_start.as_mut() {
                    *start = start.saturating_add(pause_ms);
                }
                changes.push(format!(
                    "resumed at {now_ms} after {pause_ms} ms (eventStart {:?})",
                    self.event_start
                ));
            }
            _ => {}
        }
        if let Some(message) = &update.message
            && *message != self.message
        {
            changes.push(format!("message {:?} -> {message:?}", self.message));
            self.message = message.clone();
        }
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(json: &str) -> TransportUpdate {
        serde_json::from_str(json).unwrap()
    }

    fn started(start: i64) -> Transport {
        let mut t = Transport::default();
        t.apply(&update(&format!(r#"{{"eventStart":{start}}}"#)), 0)
            .unwrap();
        t
    }

    #[test]
    fn default_is_running_with_no_start() {
        let t = Transport::default();
        assert_eq!(t.status(), Status::Running);
        let r = t.snapshot(5);
        assert_eq!((r.server_time, r.event_start, r.position), (5, None, None));
        assert_eq!(r.message, None);
    }

    #[test]
    fn position_runs_with_the_clock() {
        let t = started(10_000);
        assert_eq!(t.position(10_000), Some(0));
        assert_eq!(t.position(12_345), Some(2_345));
        assert_eq!(t.position(9_000), Some(-1_000), "before the start");
    }

    #[test]
    fn pause_freezes_and_resume_shifts_the_start() {
        let mut t = started(10_000);
        let changes = t.apply(&update(r#"{"status":"paused"}"#), 15_000).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(t.status(), Status::Paused);
        assert_eq!(t.position(15_000), Some(5_000));
        assert_eq!(t.position(20_000), Some(5_000), "frozen while paused");
        assert_eq!(t.event_start(), Some(10_000), "start moves only on resume");

        t.apply(&update(r#"{"status":"running"}"#), 22_000).unwrap();
        assert_eq!(t.status(), Status::Running);
        assert_eq!(t.event_start(), Some(17_000));
        assert_eq!(t.position(22_000), Some(5_000), "no content skipped");
        assert_eq!(t.position(23_000), Some(6_000));
    }

    #[test]
    fn repeated_pause_or_resume_changes_nothing() {
        let mut t = started(0);
        t.apply(&update(r#"{"status":"paused"}"#), 1_000).unwrap();
        let again = t.apply(&update(r#"{"status":"paused"}"#), 3_000).unwrap();
        assert!(again.is_empty());
        assert_eq!(
            t.position(9_000),
            Some(1_000),
            "the first pause instant holds"
        );
        t.apply(&update(r#"{"status":"running"}"#), 4_000).unwrap();
        let again = t.apply(&update(r#"{"status":"running"}"#), 5_000).unwrap();
        assert!(again.is_empty());
        assert_eq!(t.event_start(), Some(3_000));
    }

    #[test]
    fn setting_the_start_while_paused_restarts_the_pause() {
        let mut t = started(0);
        t.apply(&update(r#"{"status":"paused"}"#), 1_000).unwrap();
        t.apply(&update(r#"{"eventStart":2000}"#), 5_000).unwrap();
        assert_eq!(t.position(6_000), Some(3_000), "now - start, frozen");
        t.apply(&update(r#"{"status":"running"}"#), 7_000).unwrap();
        assert_eq!(t.event_start(), Some(4_000));
        assert_eq!(t.position(7_000), Some(3_000));
    }

    #[test]
    fn start_and_resume_in_one_update_take_the_start_as_given() {
        let mut t = started(0);
        t.apply(&update(r#"{"status":"paused"}"#), 1_000).unwrap();
        t.apply(&update(r#"{"eventStart":500,"status":"running"}"#), 9_000)
            .unwrap();
        assert_eq!(t.event_start(), Some(500));
        assert_eq!(t.position(9_000), Some(8_500));
    }

    #[test]
    fn pause_without_a_start_has_no_position() {
        let mut t = Transport::default();
        t.apply(&update(r#"{"status":"paused"}"#), 1_000).unwrap();
        assert_eq!(t.status(), Status::Paused);
        assert_eq!(t.position(2_000), None);
        t.apply(&update(r#"{"status":"running"}"#), 3_000).unwrap();
        assert_eq!(t.event_start(), None);
    }

    #[test]
    fn message_is_set_and_cleared() {
        let mut t = Transport::default();
        t.apply(&update(r#"{"message":"Back soon"}"#), 0).unwrap();
        assert_eq!(t.message(), Some("Back soon"));
        assert_eq!(
            t.status(),
            Status::Running,
            "a message alone does not pause"
        );
        t.apply(&update(r#"{"message":null}"#), 0).unwrap();
        assert_eq!(t.message(), None);
    }

    #[test]
    fn refused_updates_change_nothing() {
        let mut t = started(100);
        let before = t.clone();
        assert_eq!(t.apply(&update("{}"), 0), Err(TransportError::Empty));
        let far = MAX_ABS_UNIX_MS + 1;
        assert_eq!(
            t.apply(
                &update(&format!(r#"{{"eventStart":{far},"status":"paused"}}"#)),
                0
            ),
            Err(TransportError::EventStartOutOfRange(far))
        );
        assert_eq!(t, before);
    }

    #[test]
    fn state_file_form_round_trips_and_rejects_unknown_keys() {
        let mut t = started(42);
        t.apply(&update(r#"{"status":"paused","message":"hi"}"#), 50)
            .unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"message":"hi","eventStart":42,"pausedAt":50}"#);
        assert_eq!(serde_json::from_str::<Transport>(&json).unwrap(), t);
        assert!(serde_json::from_str::<Transport>(r#"{"paused":1}"#).is_err());
    }
}
