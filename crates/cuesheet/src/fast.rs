//! The fast path for valid input: typed serde deserialization straight from the text (no
//! intermediate tree), then the same checks the precise path makes. It answers only "valid,
//! here it is" or "not sure": on any serde error or failed check the caller falls back to
//! the precise path, which reports every problem with its location. So errors are exactly
//! the precise path's, and valid files skip building a tree.

use serde::{Deserialize, Deserializer};

use crate::json::{Json, object_into_map};
use crate::model::{Cue, Marker, Show};
use crate::{FORMAT_VERSION, parse_rfc3339_ms};

/// An optional key that, when present, must not be `null` (the precise path rejects null).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SheetCue {
    time: i64,
    action: String,
    #[serde(default, deserialize_with = "present")]
    tolerance: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    duration: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    params: Option<Json>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShowCue {
    time: i64,
    action: String,
    #[serde(default, deserialize_with = "present")]
    tolerance: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    duration: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    params: Option<Json>,
    #[serde(default, deserialize_with = "present")]
    lane: Option<String>,
    #[serde(default, deserialize_with = "present")]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FastMarker {
    time: i64,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FastShow {
    cuestudio: i64,
    #[serde(default, deserialize_with = "present")]
    title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    audio: Option<String>,
    #[serde(default, deserialize_with = "present")]
    event_start: Option<String>,
    #[serde(default, deserialize_with = "present")]
    time_server: Option<String>,
    #[serde(default, deserialize_with = "present")]
    expected_drift: Option<i64>,
    cues: Vec<ShowCue>,
    #[serde(default, deserialize_with = "present")]
    markers: Option<Vec<FastMarker>>,
    #[serde(default, deserialize_with = "present")]
    effects: Option<Json>,
}

fn ms_ok(v: Option<i64>) -> bool {
    v.is_none_or(|v| v >= 0)
}

/// `params` must be an object; returns it as a map.
fn params(p: Option<Json>) -> Option<Option<serde_json::Map<String, serde_json::Value>>> {
    match p {
        None => Some(None),
        Some(Json::Object(entries)) => Some(Some(object_into_map(entries))),
        Some(_) => None,
    }
}

fn cue(
    time: i64,
    action: String,
    tolerance: Option<i64>,
    duration: Option<i64>,
    p: Option<Json>,
) -> Option<Cue> {
    if time < 0 || action.is_empty() || !ms_ok(tolerance) || !ms_ok(duration) {
        return None;
    }
    Some(Cue {
        time,
        action,
        tolerance,
        duration,
        params: params(p)?,
        lane: None,
        note: None,
    })
}

/// A valid CDN cue sheet, or `None` when the precise path must decide.
pub(crate) fn sheet(text: &str) -> Option<Vec<Cue>> {
    let cues: Vec<SheetCue> = serde_json::from_str(text).ok()?;
    cues.into_iter()
        .map(|c| cue(c.time, c.action, c.tolerance, c.duration, c.params))
        .collect()
}

/// A valid show document, or `None` when the precise path must decide.
pub(crate) fn show(text: &str) -> Option<Show> {
    let s: FastShow = serde_json::from_str(text).ok()?;
    if s.cuestudio != FORMAT_VERSION || !ms_ok(s.expected_drift) {
        return None;
    }
    if let Some(es) = &s.event_start {
        parse_rfc3339_ms(es).ok()?;
    }
    if let Some(url) = &s.time_server
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return None;
    }
    let effects = match s.effects {
        None => None,
        Some(Json::Object(entries)) => {
            if !entries.iter().all(|(_, v)| matches!(v, Json::Object(_))) {
                return None;
            }
            Some(object_into_map(entries))
        }
        Some(_) => return None,
    };
    let cues = s
        .cues
        .into_iter()
        .map(|c| {
            let mut out = cue(c.time, c.action, c.tolerance, c.duration, c.params)?;
            out.lane = c.lane;
            out.note = c.note;
            Some(out)
        })
        .collect::<Option<Vec<Cue>>>()?;
    let markers = s
        .markers
        .unwrap_or_default()
        .into_iter()
        .map(|m| {
            (m.time >= 0).then_some(Marker {
                time: m.time,
                label: m.label,
            })
        })
        .collect::<Option<Vec<Marker>>>()?;
    Some(Show {
        title: s.title,
        audio: s.audio,
        event_start: s.event_start,
        time_server: s.time_server,
        expected_drift: s.expected_drift,
        cues,
        markers,
        effects,
    })
}
