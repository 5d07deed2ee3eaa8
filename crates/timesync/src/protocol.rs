//! The time protocol (DESIGN.md, "Time protocol"): the `GET /time` reply and the admin
//! transport update. Shared by the server, the edge tests and every client.

use serde::{Deserialize, Serialize};

/// Whether the show runs. `paused` doubles as the emergency stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Running,
    Paused,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Paused => "paused",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of `GET /time`.
///
/// `serverTime` is Unix ms. `eventStart` (Unix ms of the effective start, moved later by every
/// pause) and `position` (show ms at `serverTime`, frozen while paused) are optional: a client
/// that reads only the first three keys still works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeResponse {
    pub server_time: i64,
    pub status: Status,
    /// Always present in the JSON, `null` when there is no message.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

impl TimeResponse {
    /// Show time (ms since the event start) at server time `server_now`, by the one rule
    /// `follow`, the editor's live session and the page's runtime share:
    /// - paused: frozen, the reply's `position` (else where `eventStart` put it at the
    ///   reply's `serverTime`);
    /// - running: `server_now − eventStart` (else `position` carried from `serverTime`);
    /// - a server that keeps no transport: unknown.
    pub fn show_position_at(&self, server_now: i64) -> Option<i64> {
        let from_start = |at: i64| self.event_start.map(|es| at.saturating_sub(es));
        match self.status {
            Status::Paused => self.position.or_else(|| from_start(self.server_time)),
            Status::Running => from_start(server_now).or_else(|| {
                self.position
                    .map(|p| p.saturating_add(server_now.saturating_sub(self.server_time)))
            }),
        }
    }
}

/// The body of `POST /admin/transport`: any subset of the keys.
///
/// `message` distinguishes absent (leave as is) from `null` (clear it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransportUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "double_option"
    )]
    pub message: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_start: Option<i64>,
}

fn double_option<'de, D>(de: D) -> Result<Option<Option<String>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Option::<String>::deserialize(de).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_position_follows_the_transport() {
        let reply = |status, event_start, position| TimeResponse {
            server_time: 10_000,
            status,
            message: None,
            event_start,
            position,
        };
        // Running: from the event start, at the instant asked about.
        let running = reply(Status::Running, Some(4_000), Some(6_000));
        assert_eq!(running.show_position_at(10_500), Some(6_500));
        // Paused: frozen at the reported position, whenever asked.
        let paused = reply(Status::Paused, Some(4_000), Some(5_000));
        assert_eq!(paused.show_position_at(10_500), Some(5_000));
        assert_eq!(paused.show_position_at(99_000), Some(5_000));
        // Paused without a position: frozen where the start put it at the reply, not moving.
        let old = reply(Status::Paused, Some(4_000), None);
        assert_eq!(old.show_position_at(10_500), Some(6_000));
        assert_eq!(old.show_position_at(20_000), Some(6_000));
        // Running with only a position: carried forward from the reply.
        let pos_only = reply(Status::Running, None, Some(6_000));
        assert_eq!(pos_only.show_position_at(10_250), Some(6_250));
        // No transport at all.
        assert_eq!(reply(Status::Running, None, None).show_position_at(1), None);
        assert_eq!(reply(Status::Paused, None, None).show_position_at(1), None);
    }

    #[test]
    fn reply_keeps_null_message_and_omits_unset_transport() {
        let r = TimeResponse {
            server_time: 1_704_067_200_000,
            status: Status::Running,
            message: None,
            event_start: None,
            position: None,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"serverTime":1704067200000,"status":"running","message":null}"#
        );
    }

    #[test]
    fn update_tells_absent_message_from_null() {
        let u: TransportUpdate = serde_json::from_str(r#"{"message":null}"#).unwrap();
        assert_eq!(u.message, Some(None));
        let u: TransportUpdate = serde_json::from_str(r#"{"status":"paused"}"#).unwrap();
        assert_eq!(u.message, None);
        assert_eq!(u.status, Some(Status::Paused));
        assert!(serde_json::from_str::<TransportUpdate>(r#"{"stat":"paused"}"#).is_err());
    }
}
