//! Parsing with precise errors: bytes -> UTF-8 text -> strict JSON tree (syntax errors at
//! `line:column`) -> validated [`Show`] or cue sheet (every semantic problem, with its
//! path, in document order).

use crate::check::Checker;
use crate::error::{ParseError, Problem};
use crate::json::{Json, UTF8_BOM, object_into_map, quote, read_tree};
use crate::model::{Cue, Document, Lane, Marker, Show, TempoSection};
use crate::{FORMAT_VERSION, fast, parse_rfc3339_ms};

/// Parses a show document or a CDN cue sheet, telling them apart by shape: an array is a
/// cue sheet, an object with `cuestudio` or `cues` is a show.
pub fn parse(bytes: &[u8]) -> Result<Document, ParseError> {
    if let Some(text) = fast_text(bytes) {
        let fast = match text.trim_start().as_bytes().first() {
            Some(b'[') => fast::sheet(text).map(Document::Sheet),
            Some(b'{') => fast::show(text).map(Document::Show),
            _ => None,
        };
        if let Some(doc) = fast {
            return Ok(doc);
        }
    }
    parse_precise(bytes)
}

/// The precise path alone: builds the strict tree and checks it, reporting every problem.
/// [`parse`] gives the same result faster for valid files; this is public for the tests
/// that prove it.
#[doc(hidden)]
pub fn parse_precise(bytes: &[u8]) -> Result<Document, ParseError> {
    match read_tree(bytes, SHOW_OR_SHEET)? {
        Json::Array(items) => check_sheet(items).map(Document::Sheet),
        Json::Object(entries) if looks_like_show(&entries) => {
            check_show(entries).map(Document::Show)
        }
        other => Err(neither(&other).into()),
    }
}

/// Parses a show document; anything else (including a valid cue sheet) is an error that
/// says what it is.
pub fn parse_show(bytes: &[u8]) -> Result<Show, ParseError> {
    if let Some(show) = fast_text(bytes).and_then(fast::show) {
        return Ok(show);
    }
    match read_tree(bytes, SHOW_OR_SHEET)? {
        Json::Object(entries) if looks_like_show(&entries) => check_show(entries),
        Json::Array(items) => Err(match check_sheet(items) {
            Ok(_) => Problem::whole(
                "this is a CDN cue sheet (a JSON array of cues), not a show document; import it into a show instead",
            ),
            Err(_) => Problem::whole(
                "expected a show document (a JSON object with \"cuestudio\" and \"cues\"), got an array",
            ),
        }
        .into()),
        other => Err(neither(&other).into()),
    }
}

/// Parses a CDN cue sheet; a show document is an error that says so.
pub fn parse_sheet(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    if let Some(cues) = fast_text(bytes).and_then(fast::sheet) {
        return Ok(cues);
    }
    match read_tree(bytes, SHOW_OR_SHEET)? {
        Json::Array(items) => check_sheet(items),
        Json::Object(entries) if looks_like_show(&entries) => Err(Problem::whole(
            "this is a show document, not a CDN cue sheet (a JSON array of cues); export it to get a cue sheet",
        )
        .into()),
        other => Err(neither(&other).into()),
    }
}

fn looks_like_show(entries: &[(String, Json)]) -> bool {
    entries.iter().any(|(k, _)| k == "cuestudio" || k == "cues")
}

fn neither(root: &Json) -> Problem {
    const BOTH: &str = "a show document (a JSON object with \"cuestudio\" and \"cues\") \
                        or a CDN cue sheet (a JSON array of cues)";
    match root {
        Json::Object(entries) if entries.iter().any(|(k, _)| k == "time" || k == "action") => {
            Problem::whole(format!(
                "this object is neither a show document nor a cue sheet: expected {BOTH}; \
             it looks like a single cue, so wrap it in [ ]"
            ))
        }
        Json::Object(_) => Problem::whole(format!(
            "this object is neither a show document nor a cue sheet: expected {BOTH}"
        )),
        other => Problem::whole(format!("expected {BOTH}, got {}", other.describe())),
    }
}

/// The text for the fast path (valid UTF-8, BOM stripped), or `None`. It skips the scans
/// for NUL bytes and wide encodings that [`read_tree`] makes for its messages: text with
/// either never parses as JSON, so it reaches the precise path anyway.
fn fast_text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)).ok()
}

/// What an empty file should have been.
const SHOW_OR_SHEET: &str = "a show document (a JSON object) or a cue sheet (a JSON array)";

// ---------------------------------------------------------------------------------------
// Tree to show or sheet.

const SHOW_KEYS: &str = "cuestudio, title, audio, eventStart, timeServer, expectedDrift, \
                         cues, markers, lanes, tempo, effects";
const SHOW_CUE_KEYS: &str = "time, action, tolerance, duration, params, lane, note";
const SHEET_CUE_KEYS: &str = "time, action, tolerance, duration, params";

/// Where a list item sits: `cues[3]`, `markers[0]` or, in a sheet, `[3]`.
#[derive(Clone, Copy)]
struct Item<'a> {
    list: &'a str,
    index: usize,
}

impl Item<'_> {
    fn path(self) -> String {
        format!("{}[{}]", self.list, self.index)
    }

    fn key(self, key: &str) -> String {
        format!("{}[{}].{key}", self.list, self.index)
    }
}

/// The show and sheet checks; the shared ones are in [`crate::check`].
impl Checker {
    fn action(&mut self, value: Json, path: impl FnOnce() -> String) -> Option<String> {
        match value {
            Json::Str(s) if !s.is_empty() => Some(s),
            Json::Str(_) => {
                self.report(
                    path(),
                    "must be a non-empty string (the effect to fire), got an empty string",
                );
                None
            }
            other => {
                self.report(
                    path(),
                    format!(
                        "must be a non-empty string (the effect to fire), got {}",
                        other.describe()
                    ),
                );
                None
            }
        }
    }

    fn cue(&mut self, value: Json, item: Item<'_>, in_show: bool) -> Cue {
        let mut cue = Cue::default();
        let Json::Object(entries) = value else {
            self.report(
                item.path(),
                format!(
                    "must be a cue object with \"time\" and \"action\", got {}",
                    value.describe()
                ),
            );
            return cue;
        };
        let (mut has_time, mut has_action) = (false, false);
        for (key, value) in entries {
            match key.as_str() {
                "time" => {
                    has_time = true;
                    cue.time = self.whole_ms(&value, || item.key("time")).unwrap_or(0);
                }
                "action" => {
                    has_action = true;
                    cue.action = self
                        .action(value, || item.key("action"))
                        .unwrap_or_default();
                }
                "tolerance" => cue.tolerance = self.whole_ms(&value, || item.key("tolerance")),
                "duration" => cue.duration = self.whole_ms(&value, || item.key("duration")),
                "params" => {
                    cue.params = self
                        .object(value, || item.key("params"))
                        .map(object_into_map)
                }
                "lane" if in_show => cue.lane = self.string(value, || item.key("lane")),
                "note" if in_show => cue.note = self.string(value, || item.key("note")),
                _ => {
                    let (what, keys) = if in_show {
                        ("a cue", SHOW_CUE_KEYS)
                    } else {
                        ("a cue sheet's cue", SHEET_CUE_KEYS)
                    };
                    self.unknown_key(item.key(&key), &key, what, keys);
                }
            }
        }
        if !has_time {
            self.report(
                item.path(),
                "missing required key \"time\" (ms from event start)",
            );
        }
        if !has_action {
            self.report(
                item.path(),
                "missing required key \"action\" (the effect to fire)",
            );
        }
        cue
    }

    fn cues(&mut self, items: Vec<Json>, list: &str, in_show: bool) -> Vec<Cue> {
        items
            .into_iter()
            .enumerate()
            .map(|(index, value)| self.cue(value, Item { list, index }, in_show))
            .collect()
    }

    fn marker(&mut self, value: Json, item: Item<'_>) -> Marker {
        let mut marker = Marker::default();
        let Json::Object(entries) = value else {
            self.report(
                item.path(),
                format!(
                    "must be a marker object with \"time\" and \"label\", got {}",
                    value.describe()
                ),
            );
            return marker;
        };
        let (mut has_time, mut has_label) = (false, false);
        for (key, value) in entries {
            match key.as_str() {
                "time" => {
                    has_time = true;
                    marker.time = self.whole_ms(&value, || item.key("time")).unwrap_or(0);
                }
                "label" => {
                    has_label = true;
                    marker.label = self.string(value, || item.key("label")).unwrap_or_default();
                }
                _ => self.unknown_key(item.key(&key), &key, "a marker", "time, label"),
            }
        }
        if !has_time {
            self.report(item.path(), "missing required key \"time\"");
        }
        if !has_label {
            self.report(item.path(), "missing required key \"label\"");
        }
        marker
    }

    /// A lane; `None` without a name (reported).
    fn lane(&mut self, value: Json, item: Item<'_>) -> Option<Lane> {
        let mut lane = Lane::default();
        let Json::Object(entries) = value else {
            self.report(
                item.path(),
                format!(
                    "must be a lane object with \"name\", got {}",
                    value.describe()
                ),
            );
            return None;
        };
        let (mut has_name, mut name) = (false, None);
        for (key, value) in entries {
            let flag = match key.as_str() {
                "name" => {
                    has_name = true;
                    name = self.string(value, || item.key("name"));
                    continue;
                }
                "hidden" => &mut lane.hidden,
                "muted" => &mut lane.muted,
                "solo" => &mut lane.solo,
                _ => {
                    self.unknown_key(item.key(&key), &key, "a lane", "name, hidden, muted, solo");
                    continue;
                }
            };
            match value {
                Json::Bool(b) => *flag = b,
                other => self.report(
                    item.key(&key),
                    format!("must be true or false, got {}", other.describe()),
                ),
            }
        }
        if !has_name {
            self.report(item.path(), "missing required key \"name\"");
        }
        lane.name = name?;
        Some(lane)
    }

    fn lanes(&mut self, items: Vec<Json>) -> Vec<Lane> {
        let mut lanes: Vec<Lane> = Vec::with_capacity(items.len());
        for (index, value) in items.into_iter().enumerate() {
            let item = Item {
                list: "lanes",
                index,
            };
            let Some(lane) = self.lane(value, item) else {
                continue;
            };
            if lanes.iter().any(|l| l.name == lane.name) {
                self.report(
                    item.key("name"),
                    format!("lane {} is listed twice", quote(&lane.name)),
                );
            }
            lanes.push(lane);
        }
        lanes
    }

    /// A tempo section's time, when it has a good one, and the section, when every field
    /// is good (what is not was reported).
    fn tempo_section(
        &mut self,
        value: Json,
        item: Item<'_>,
    ) -> (Option<i64>, Option<TempoSection>) {
        let Json::Object(entries) = value else {
            self.report(
                item.path(),
                format!(
                    "must be a tempo section object with \"time\" and \"bpm\", got {}",
                    value.describe()
                ),
            );
            return (None, None);
        };
        let mut section = TempoSection::default();
        let (mut time, mut bpm, mut meter_ok) = (None, None, true);
        let (mut has_time, mut has_bpm) = (false, false);
        for (key, value) in entries {
            match key.as_str() {
                "time" => {
                    has_time = true;
                    time = self.whole_ms(&value, || item.key("time"));
                }
                "bpm" => {
                    has_bpm = true;
                    bpm = self.bpm(&value, || item.key("bpm"));
                }
                "meter" => match self.meter(value, || item.key("meter")) {
                    Some((beats, unit)) => {
                        section.beats_per_bar = beats;
                        section.beat_unit = unit;
                    }
                    None => meter_ok = false,
                },
                _ => self.unknown_key(item.key(&key), &key, "a tempo section", "time, bpm, meter"),
            }
        }
        if !has_time {
            self.report(
                item.path(),
                "missing required key \"time\" (ms of the section's first downbeat)",
            );
        }
        if !has_bpm {
            self.report(
                item.path(),
                "missing required key \"bpm\" (beats per minute)",
            );
        }
        let section = time.zip(bpm).filter(|_| meter_ok).map(|(time, bpm)| {
            section.time = time;
            section.bpm = bpm;
            section
        });
        (time, section)
    }

    /// Beats per minute: a number within [`TempoSection::BPM_RANGE`].
    fn bpm(&mut self, value: &Json, path: impl FnOnce() -> String) -> Option<f64> {
        let (lo, hi) = (
            TempoSection::BPM_RANGE.start(),
            TempoSection::BPM_RANGE.end(),
        );
        let bpm = match value {
            Json::Int(n) => *n as f64,
            Json::UInt(n) => *n as f64,
            Json::Float(f) => *f,
            Json::Str(s) if s.trim().parse::<f64>().is_ok() => {
                self.report(
                    path(),
                    format!(
                        "must be a number of beats per minute from {lo} to {hi}, got a string {}; remove the quotes",
                        quote(s)
                    ),
                );
                return None;
            }
            other => {
                self.report(
                    path(),
                    format!(
                        "must be a number of beats per minute from {lo} to {hi}, got {}",
                        other.describe()
                    ),
                );
                return None;
            }
        };
        if TempoSection::bpm_ok(bpm) {
            Some(bpm)
        } else {
            self.report(
                path(),
                format!(
                    "must be a number of beats per minute from {lo} to {hi}, got {}",
                    value.describe()
                ),
            );
            None
        }
    }

    /// A meter, `"beats/unit"`.
    fn meter(&mut self, value: Json, path: impl FnOnce() -> String) -> Option<(u32, u32)> {
        let got = match &value {
            Json::Str(s) => match TempoSection::parse_meter(s) {
                Some(meter) => return Some(meter),
                None => value.describe(),
            },
            other => other.describe(),
        };
        self.report(
            path(),
            format!(
                "must be a meter \"beats/unit\" such as \"4/4\" or \"6/8\" (beats 1 to {}, \
                 unit 1, 2, 4, 8 or 16), got {got}",
                TempoSection::MAX_BEATS_PER_BAR
            ),
        );
        None
    }

    /// The tempo sections, each after the one before it.
    fn tempo(&mut self, items: Vec<Json>) -> Vec<TempoSection> {
        let mut sections: Vec<TempoSection> = Vec::with_capacity(items.len());
        let mut last: Option<(usize, i64)> = None;
        for (index, value) in items.into_iter().enumerate() {
            let item = Item {
                list: "tempo",
                index,
            };
            let (time, section) = self.tempo_section(value, item);
            let Some(time) = time else {
                continue;
            };
            if let Some((before, last_time)) = last
                && time <= last_time
            {
                self.report(
                    item.key("time"),
                    format!(
                        "must be after tempo[{before}]'s time ({last_time} ms): sections are \
                         listed in time order, each from its own time"
                    ),
                );
            }
            last = Some((index, time));
            sections.extend(section);
        }
        sections
    }

    fn version(&mut self, value: &Json) {
        match value {
            Json::Int(FORMAT_VERSION) => {}
            Json::Int(n) => self.report(
                "cuestudio".into(),
                format!(
                    "unsupported format version {n}; this build reads version {FORMAT_VERSION}"
                ),
            ),
            other => self.report(
                "cuestudio".into(),
                format!(
                    "must be the format version, the integer {FORMAT_VERSION}, got {}",
                    other.describe()
                ),
            ),
        }
    }
}

fn check_sheet(items: Vec<Json>) -> Result<Vec<Cue>, ParseError> {
    let mut checker = Checker::default();
    let cues = checker.cues(items, "", false);
    checker.finish(cues)
}

fn check_show(entries: Vec<(String, Json)>) -> Result<Show, ParseError> {
    let mut c = Checker::default();
    let mut show = Show::default();
    let (mut has_version, mut has_cues) = (false, false);
    for (key, value) in entries {
        match key.as_str() {
            "cuestudio" => {
                has_version = true;
                c.version(&value);
            }
            "title" => show.title = c.string(value, || key.clone()),
            "audio" => show.audio = c.string(value, || key.clone()),
            "eventStart" => {
                show.event_start =
                    c.string(value, || key.clone())
                        .filter(|s| match parse_rfc3339_ms(s) {
                            Ok(_) => true,
                            Err(why) => {
                                c.report(
                                    key.clone(),
                                    format!(
                                        "must be an RFC 3339 date-time with an offset, \
                                 like \"2026-12-24T19:00:00+09:00\": {why}"
                                    ),
                                );
                                false
                            }
                        });
            }
            "timeServer" => {
                show.time_server = c.string(value, || key.clone()).filter(|url| {
                    let ok = url.starts_with("http://") || url.starts_with("https://");
                    if !ok {
                        c.report(
                            key.clone(),
                            format!("must be an http:// or https:// URL, got {}", quote(url)),
                        );
                    }
                    ok
                });
            }
            "expectedDrift" => show.expected_drift = c.whole_ms(&value, || key.clone()),
            "cues" => {
                has_cues = true;
                match value {
                    Json::Array(items) => show.cues = c.cues(items, "cues", true),
                    other => c.report(
                        key.clone(),
                        format!("must be an array of cues, got {}", other.describe()),
                    ),
                }
            }
            "markers" => match value {
                Json::Array(items) => {
                    show.markers = items
                        .into_iter()
                        .enumerate()
                        .map(|(index, value)| {
                            c.marker(
                                value,
                                Item {
                                    list: "markers",
                                    index,
                                },
                            )
                        })
                        .collect();
                }
                other => c.report(
                    key.clone(),
                    format!("must be an array of markers, got {}", other.describe()),
                ),
            },
            "lanes" => match value {
                Json::Array(items) => show.lanes = c.lanes(items),
                other => c.report(
                    key.clone(),
                    format!("must be an array of lanes, got {}", other.describe()),
                ),
            },
            "tempo" => match value {
                Json::Array(items) => show.tempo = c.tempo(items),
                other => c.report(
                    key.clone(),
                    format!(
                        "must be an array of tempo sections, got {}",
                        other.describe()
                    ),
                ),
            },
            "effects" => {
                if let Some(effects) = c.object(value, || key.clone()) {
                    for (name, effect) in &effects {
                        if !matches!(effect, Json::Object(_)) {
                            c.report(
                                format!("effects.{name}"),
                                format!(
                                    "must be an object (effect overrides), got {}",
                                    effect.describe()
                                ),
                            );
                        }
                    }
                    show.effects = Some(object_into_map(effects));
                }
            }
            _ => c.unknown_key(key.clone(), &key, "a show", SHOW_KEYS),
        }
    }
    if !has_version {
        c.report_whole(format!(
            "missing required key \"cuestudio\" (the format version, {FORMAT_VERSION})"
        ));
    }
    if !has_cues {
        c.report_whole("missing required key \"cues\" (an array of cues)");
    }
    c.finish(show)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(bytes: &[u8]) -> Vec<String> {
        match parse(bytes) {
            Ok(doc) => panic!("expected an error, got {doc:?}"),
            Err(err) => err.problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn lanes_are_checked_like_the_rest() {
        let text = br#"{"cuestudio": 1, "cues": [], "lanes": [
            {"name": "Pyro", "hidden": true},
            {"name": "Pyro"},
            {"hidden": "yes", "colour": 1},
            "Text"
        ]}"#;
        assert_eq!(
            messages(text),
            [
                "lanes[1].name: lane \"Pyro\" is listed twice",
                "lanes[2].hidden: must be true or false, got a string \"yes\"",
                "lanes[2].colour: unknown key \"colour\" (a lane has name, hidden, muted, solo)",
                "lanes[2]: missing required key \"name\"",
                "lanes[3]: must be a lane object with \"name\", got a string \"Text\"",
            ]
        );
        // A show without lanes is still a show, with none listed.
        let Ok(Document::Show(show)) = parse(br#"{"cuestudio": 1, "cues": []}"#) else {
            panic!("a show");
        };
        assert!(show.lanes.is_empty());
    }

    #[test]
    fn tells_formats_apart_by_shape() {
        assert!(matches!(parse(b"[]"), Ok(Document::Sheet(c)) if c.is_empty()));
        assert!(matches!(
            parse(b"{\"cuestudio\":1,\"cues\":[]}"),
            Ok(Document::Show(_))
        ));
        assert_eq!(
            messages(b"{\"time\": 1, \"action\": \"x\"}")[0],
            "this object is neither a show document nor a cue sheet: expected a show document \
             (a JSON object with \"cuestudio\" and \"cues\") or a CDN cue sheet (a JSON array of cues); \
             it looks like a single cue, so wrap it in [ ]"
        );
    }

    #[test]
    fn reports_every_problem_in_document_order() {
        let text = br#"{"cuestudio": 1, "cues": [
            {"time": -5, "action": ""},
            {"time": 1.5, "action": "a", "colour": "red"},
            {"action": 3}
        ], "titel": "x"}"#;
        assert_eq!(
            messages(text),
            [
                "cues[0].time: must be a whole number of milliseconds >= 0, got -5",
                "cues[0].action: must be a non-empty string (the effect to fire), got an empty string",
                "cues[1].time: must be a whole number of milliseconds >= 0, got 1.5, which has a fraction",
                "cues[1].colour: unknown key \"colour\" (a cue has time, action, tolerance, duration, params, lane, note)",
                "cues[2].action: must be a non-empty string (the effect to fire), got 3",
                "cues[2]: missing required key \"time\" (ms from event start)",
                "titel: unknown key \"titel\" (a show has cuestudio, title, audio, eventStart, timeServer, expectedDrift, cues, markers, lanes, tempo, effects)",
            ]
        );
    }

    #[test]
    fn sheet_and_show_entry_points_name_the_other_format() {
        let sheet = b"[{\"time\": 0, \"action\": \"go\"}]";
        let show = b"{\"cuestudio\": 1, \"cues\": []}";
        assert!(
            parse_show(sheet)
                .unwrap_err()
                .to_string()
                .contains("this is a CDN cue sheet")
        );
        assert!(
            parse_sheet(show)
                .unwrap_err()
                .to_string()
                .contains("this is a show document")
        );
        assert_eq!(parse_sheet(sheet).unwrap()[0].action, "go");
        assert_eq!(parse_show(show).unwrap(), Show::default());
    }

    #[test]
    fn decoding_errors() {
        assert_eq!(
            messages(b"\xEF\xBB\xBF\n\x80")[0],
            "invalid UTF-8 at byte 4; save the file as UTF-8"
        );
        assert_eq!(
            messages(b"[\x00]")[0],
            "binary data, not JSON text (a NUL byte at byte 1)"
        );
        assert_eq!(
            messages(b"[\x00]\x00")[0],
            "not UTF-8 text (looks like UTF-16 LE); save the file as UTF-8"
        );
        assert_eq!(
            messages(b"\xFE\xFF\x00[")[0],
            "not UTF-8 text (looks like UTF-16 BE); save the file as UTF-8"
        );
        assert!(parse(b"\xEF\xBB\xBF[]").is_ok(), "a UTF-8 BOM is accepted");
    }

    #[test]
    fn keeps_params_and_effects_in_document_order() {
        let text = br#"{"cuestudio": 1, "cues": [{"time": 0, "action": "a", "params": {"z": 1, "a": [1.5, null]}}],
            "effects": {"a": {"kind": "flash"}}}"#;
        let show = parse_show(text).unwrap();
        let params = show.cues[0].params.as_ref().unwrap();
        assert_eq!(params.keys().collect::<Vec<_>>(), ["z", "a"]);
        assert_eq!(params["a"], serde_json::json!([1.5, null]));
        assert_eq!(show.effects.unwrap()["a"]["kind"], "flash");
    }
}
