//! The fast path for valid input: typed serde deserialization straight from the text (no
//! intermediate tree), then the same checks the precise path makes. It answers only "valid,
//! here it is" or "not sure": on any serde error or failed check the caller falls back to
//! the precise path, which reports every problem with its location. So errors are exactly
//! the precise path's, and valid files skip building a tree.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Number, Value};

use crate::json::quote;
use crate::model::{Cue, Lane, Marker, Show, TempoSection};
use crate::{FORMAT_VERSION, parse_rfc3339_ms};

/// An optional key that, when present, must not be `null` (the precise path rejects null).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A JSON object read straight into a `serde_json::Map` (document order), rejecting
/// duplicate keys at any depth, as the precise path's tree does. Numbers become what
/// [`crate::json::Json::into_value`] makes of them, so both paths build equal values.
struct StrictObject(Map<String, Value>);

impl<'de> Deserialize<'de> for StrictObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(StrictValue)? {
            Value::Object(map) => Ok(StrictObject(map)),
            _ => Err(de::Error::custom("expected an object")),
        }
    }
}

#[derive(Clone, Copy)]
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(i64::try_from(n).map_or(Value::from(n), Value::from))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Number::from_f64(f).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key {}", quote(&key))));
            }
            let value = access.next_value_seed(self)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

fn ms_ok(v: Option<i64>) -> bool {
    v.is_none_or(|v| v >= 0)
}

/// A cue of either format, read straight into the model and checked as it is read; any
/// failure (a serde error or a failed check) sends the whole file to the precise path.
/// `LANES` says whether the editor-only keys `lane` and `note` are allowed.
#[repr(transparent)]
struct FastCue<const LANES: bool>(Cue);

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum CueKey {
    Time,
    Action,
    Tolerance,
    Duration,
    Params,
    Lane,
    Note,
}

impl<'de, const LANES: bool> Deserialize<'de> for FastCue<LANES> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(CueVisitor::<LANES>)
    }
}

struct CueVisitor<const LANES: bool>;

fn set_once<T, E: de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::custom("duplicate key"));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de, const LANES: bool> Visitor<'de> for CueVisitor<LANES> {
    type Value = FastCue<LANES>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a cue")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let (mut time, mut action, mut tolerance, mut duration) = (None, None, None, None);
        let (mut params, mut lane, mut note) = (None, None, None);
        while let Some(key) = m.next_key::<CueKey>()? {
            match key {
                CueKey::Time => set_once(&mut time, m.next_value::<i64>()?)?,
                CueKey::Action => set_once(&mut action, m.next_value::<String>()?)?,
                CueKey::Tolerance => set_once(&mut tolerance, m.next_value::<i64>()?)?,
                CueKey::Duration => set_once(&mut duration, m.next_value::<i64>()?)?,
                CueKey::Params => set_once(&mut params, m.next_value::<StrictObject>()?.0)?,
                CueKey::Lane if LANES => set_once(&mut lane, m.next_value::<String>()?)?,
                CueKey::Note if LANES => set_once(&mut note, m.next_value::<String>()?)?,
                CueKey::Lane | CueKey::Note => return Err(de::Error::custom("unknown key")),
            }
        }
        let (Some(time), Some(action)) = (time, action) else {
            return Err(de::Error::custom("missing key"));
        };
        if time < 0 || action.is_empty() || !ms_ok(tolerance) || !ms_ok(duration) {
            return Err(de::Error::custom("invalid cue"));
        }
        Ok(FastCue(Cue {
            time,
            action,
            tolerance,
            duration,
            params,
            lane,
            note,
        }))
    }
}

fn into_cues<const LANES: bool>(cues: Vec<FastCue<LANES>>) -> Vec<Cue> {
    // Same size and alignment: collected in place, no copy of the vector.
    cues.into_iter().map(|c| c.0).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FastMarker {
    time: i64,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FastLane {
    name: String,
    #[serde(default)]
    hidden: bool,
    #[serde(default)]
    muted: bool,
    #[serde(default)]
    solo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FastTempo {
    time: i64,
    bpm: f64,
    #[serde(default, deserialize_with = "present")]
    meter: Option<String>,
}

impl FastTempo {
    /// The section, or `None` when the precise path must decide (a bad value). Both paths
    /// read the number with serde_json, so they read the same `f64`.
    fn section(self) -> Option<TempoSection> {
        let (beats_per_bar, beat_unit) = match &self.meter {
            None => (4, 4),
            Some(m) => TempoSection::parse_meter(m)?,
        };
        let section = TempoSection {
            time: self.time,
            bpm: self.bpm,
            beats_per_bar,
            beat_unit,
        };
        section.is_valid().then_some(section)
    }
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
    cues: Vec<FastCue<true>>,
    #[serde(default, deserialize_with = "present")]
    markers: Option<Vec<FastMarker>>,
    #[serde(default, deserialize_with = "present")]
    lanes: Option<Vec<FastLane>>,
    #[serde(default, deserialize_with = "present")]
    tempo: Option<Vec<FastTempo>>,
    #[serde(default, deserialize_with = "present")]
    effects: Option<StrictObject>,
}

/// A valid CDN cue sheet, or `None` when the precise path must decide.
pub(crate) fn sheet(text: &str) -> Option<Vec<Cue>> {
    let cues: Vec<FastCue<false>> = serde_json::from_str(text).ok()?;
    Some(into_cues(cues))
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
        Some(StrictObject(map)) => {
            if !map.values().all(Value::is_object) {
                return None;
            }
            Some(map)
        }
    };
    let cues = into_cues(s.cues);
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
    let lanes: Vec<Lane> = s
        .lanes
        .unwrap_or_default()
        .into_iter()
        .map(|l| Lane {
            name: l.name,
            hidden: l.hidden,
            muted: l.muted,
            solo: l.solo,
        })
        .collect();
    // A name listed twice is for the precise path to report.
    if lanes
        .iter()
        .enumerate()
        .any(|(i, l)| lanes[..i].iter().any(|o| o.name == l.name))
    {
        return None;
    }
    let tempo = s
        .tempo
        .unwrap_or_default()
        .into_iter()
        .map(FastTempo::section)
        .collect::<Option<Vec<TempoSection>>>()?;
    if tempo.windows(2).any(|w| w[1].time <= w[0].time) {
        return None;
    }
    Some(Show {
        title: s.title,
        audio: s.audio,
        event_start: s.event_start,
        time_server: s.time_server,
        expected_drift: s.expected_drift,
        cues,
        markers,
        lanes,
        tempo,
        effects,
    })
}
