//! Writing: the CDN cue sheet (sorted, deterministic bytes) and the editor's show file
//! (sorted too, one cue per line, so that a show under version control diffs cleanly).
//!
//! Both are UTF-8 without BOM and end in exactly one newline. Keys come in a fixed order
//! (`time, action, tolerance, duration, params`, then `lane, note` in a show); `params`
//! keep their own document order.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::FORMAT_VERSION;
use crate::model::{Cue, Lane, Marker, Show, TempoSection};

/// Which keys a cue sheet keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// `time`, `action`, and `tolerance`, `duration`, `params` when set.
    #[default]
    Extended,
    /// Only `time` and `action`.
    Seed,
}

/// One cue as written; `None` fields are left out.
#[derive(Serialize)]
struct CueOut<'a> {
    time: i64,
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tolerance: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lane: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

impl<'a> CueOut<'a> {
    fn for_sheet(cue: &'a Cue, format: ExportFormat) -> Self {
        let extended = format == ExportFormat::Extended;
        Self {
            time: cue.time,
            action: &cue.action,
            tolerance: cue.tolerance.filter(|_| extended),
            duration: cue.duration.filter(|_| extended),
            params: cue.params.as_ref().filter(|_| extended),
            lane: None,
            note: None,
        }
    }

    fn for_show(cue: &'a Cue) -> Self {
        Self {
            lane: cue.lane.as_deref(),
            note: cue.note.as_deref(),
            ..Self::for_sheet(cue, ExportFormat::Extended)
        }
    }
}

/// A lane: its name, and only the flags that are set.
#[derive(Serialize)]
struct LaneOut<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "is_false")]
    hidden: bool,
    #[serde(skip_serializing_if = "is_false")]
    muted: bool,
    #[serde(skip_serializing_if = "is_false")]
    solo: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl<'a> From<&'a Lane> for LaneOut<'a> {
    fn from(lane: &'a Lane) -> Self {
        Self {
            name: &lane.name,
            hidden: lane.hidden,
            muted: lane.muted,
            solo: lane.solo,
        }
    }
}

/// A tempo section: `{"time": 0, "bpm": 128, "meter": "4/4"}`.
#[derive(Serialize)]
struct TempoOut {
    time: i64,
    bpm: Bpm,
    meter: String,
}

/// A tempo as written: to a millionth ([`TempoSection::round_bpm`]), which reads back as
/// the same `f64` (serde_json reads up to 15 significant digits exactly, not all 17), and a
/// whole number without a decimal point (`128`, as a designer types it).
struct Bpm(f64);

impl Serialize for Bpm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let bpm = TempoSection::round_bpm(self.0);
        if bpm.fract() == 0.0 && bpm.abs() < 1e15 {
            s.serialize_i64(bpm as i64)
        } else {
            s.serialize_f64(bpm)
        }
    }
}

impl From<&TempoSection> for TempoOut {
    fn from(section: &TempoSection) -> Self {
        Self {
            time: section.time,
            bpm: Bpm(section.bpm),
            meter: section.meter(),
        }
    }
}

#[derive(Serialize)]
struct MarkerOut<'a> {
    time: i64,
    label: &'a str,
}

impl<'a> From<&'a Marker> for MarkerOut<'a> {
    fn from(marker: &'a Marker) -> Self {
        Self {
            time: marker.time,
            label: &marker.label,
        }
    }
}

/// Serializes to JSON text plus one newline, compact or pretty (2-space indent).
fn to_text(value: &impl Serialize, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // Invariant: these types only hold strings, integers and `serde_json::Value`s with
    // string keys and finite numbers, for which serde_json's serializer cannot fail.
    let mut text = text.expect("serializing cues to JSON cannot fail");
    text.push('\n');
    text
}

/// Writes the CDN cue sheet: cues sorted by time (ties in their given order), the keys
/// `format` keeps, compact or pretty. The same cues always give the same bytes.
pub fn export_sheet(cues: &[Cue], format: ExportFormat, pretty: bool) -> String {
    let order = time_order(cues);
    if !pretty {
        return compact_sheet(cues, &order, format);
    }
    let out: Vec<CueOut<'_>> = order
        .iter()
        .map(|&(_, i)| CueOut::for_sheet(&cues[i as usize], format))
        .collect();
    to_text(&out, pretty)
}

/// Indices of `cues` sorted by time, ties in index order. Sorting small `(time, index)`
/// pairs is much faster than sorting references that each chase a cue in memory.
fn time_order(cues: &[Cue]) -> Vec<(i64, u32)> {
    let mut order: Vec<(i64, u32)> = cues
        .iter()
        .zip(0u32..)
        .map(|(cue, i)| (cue.time, i))
        .collect();
    // Unique keys (the index breaks ties), so an unstable sort gives the stable order.
    order.sort_unstable();
    order
}

/// The compact sheet, written by hand: the same bytes as serde_json's compact output of
/// [`CueOut`] (a test checks this on generated cues), about three times faster.
fn compact_sheet(cues: &[Cue], order: &[(i64, u32)], format: ExportFormat) -> String {
    let extended = format == ExportFormat::Extended;
    let mut out: Vec<u8> = Vec::with_capacity(cues.len() * 48 + 4);
    let mut ints = itoa::Buffer::new();
    out.push(b'[');
    for (n, &(_, i)) in order.iter().enumerate() {
        let cue = &cues[i as usize];
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"time\":");
        out.extend_from_slice(ints.format(cue.time).as_bytes());
        out.extend_from_slice(b",\"action\":");
        write_json_str(&mut out, &cue.action);
        if extended {
            if let Some(t) = cue.tolerance {
                out.extend_from_slice(b",\"tolerance\":");
                out.extend_from_slice(ints.format(t).as_bytes());
            }
            if let Some(d) = cue.duration {
                out.extend_from_slice(b",\"duration\":");
                out.extend_from_slice(ints.format(d).as_bytes());
            }
            if let Some(p) = &cue.params {
                out.extend_from_slice(b",\"params\":");
                // Invariant: a map of string keys and `Value`s always serializes, and
                // writing to a `Vec` cannot fail.
                serde_json::to_writer(&mut out, p).expect("serializing params cannot fail");
            }
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]\n");
    // Invariant: built from `&str`s, ASCII and serde_json's UTF-8 output.
    String::from_utf8(out).expect("the sheet is UTF-8")
}

/// Writes `s` as a JSON string exactly as serde_json does: `"` and `\\` escaped, the
/// control characters as `\b \t \n \f \r` or `\u00xx`, everything else as is.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut start = 0;
    let mut unicode = *b"\\u00xx";
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0A => b"\\n",
            0x0C => b"\\f",
            0x0D => b"\\r",
            0x00..=0x1F => {
                unicode[4] = HEX[usize::from(b >> 4)];
                unicode[5] = HEX[usize::from(b & 0xF)];
                &unicode
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Writes the editor's save format, laid out for version control: the show's settings one
/// per line in a fixed order, then one line per cue (time order, ties in document order,
/// keys as in the module doc), one line per marker (time order) and one line per entry of
/// `effects` (document order), each line an inline object (`{"time": 560, "action": …}`);
/// one line per lane (the designer's order), one per tempo section (`{"time": 0, "bpm":
/// 128, "meter": "4/4"}`, the show's order), `markers`, `lanes`, `tempo` and `effects` only
/// when there are some. Non-ASCII text is written as is.
/// One edit to a cue changes that cue's line (and moves it when its time changes); a new
/// cue adds one line. Parses back (with [`crate::parse_show`]) to the same [`Show`] with
/// its cues and markers in that order, when the show is valid, and writing that again
/// gives the same bytes.
pub fn show_to_json(show: &Show) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(show.cues.len() * 96 + 256);
    out.extend_from_slice(b"{\n  \"cuestudio\": ");
    out.extend_from_slice(itoa::Buffer::new().format(FORMAT_VERSION).as_bytes());
    let settings = [
        ("title", show.title.as_deref()),
        ("audio", show.audio.as_deref()),
        ("eventStart", show.event_start.as_deref()),
        ("timeServer", show.time_server.as_deref()),
    ];
    for (key, value) in settings {
        if let Some(value) = value {
            write_member_start(&mut out, key);
            write_json_str(&mut out, value);
        }
    }
    if let Some(drift) = show.expected_drift {
        write_member_start(&mut out, "expectedDrift");
        out.extend_from_slice(itoa::Buffer::new().format(drift).as_bytes());
    }
    let cues = time_order(&show.cues)
        .into_iter()
        .map(|(_, i)| CueOut::for_show(&show.cues[i as usize]));
    write_member_start(&mut out, "cues");
    write_lines(&mut out, b'[', b']', cues.map(|cue| (None, cue)));
    if !show.markers.is_empty() {
        let mut markers: Vec<&Marker> = show.markers.iter().collect();
        markers.sort_by_key(|marker| marker.time);
        write_member_start(&mut out, "markers");
        let markers = markers
            .into_iter()
            .map(|marker| (None, MarkerOut::from(marker)));
        write_lines(&mut out, b'[', b']', markers);
    }
    if !show.lanes.is_empty() {
        // The lane list is in the designer's order, not sorted.
        write_member_start(&mut out, "lanes");
        let lanes = show.lanes.iter().map(|lane| (None, LaneOut::from(lane)));
        write_lines(&mut out, b'[', b']', lanes);
    }
    if !show.tempo.is_empty() {
        // In the show's order, which is time order in a valid show.
        write_member_start(&mut out, "tempo");
        let tempo = show.tempo.iter().map(|t| (None, TempoOut::from(t)));
        write_lines(&mut out, b'[', b']', tempo);
    }
    if let Some(effects) = &show.effects {
        write_member_start(&mut out, "effects");
        let entries = effects
            .iter()
            .map(|(action, entry)| (Some(action.as_str()), entry));
        write_lines(&mut out, b'{', b'}', entries);
    }
    out.extend_from_slice(b"\n}\n");
    // Invariant: built from `&str`s, ASCII and serde_json's UTF-8 output.
    String::from_utf8(out).expect("the show is UTF-8")
}

/// `,` after the previous member (there always is one: `cuestudio`), a new line, the key.
fn write_member_start(out: &mut Vec<u8>, key: &str) {
    out.extend_from_slice(b",\n  ");
    write_json_str(out, key);
    out.extend_from_slice(b": ");
}

/// An array (`open` `[`) or object (`{`) of one item per line, indented by four spaces,
/// each item inline; `[]` or `{}` when empty. Object items come with their key.
fn write_lines<'a, T: Serialize>(
    out: &mut Vec<u8>,
    open: u8,
    close: u8,
    items: impl Iterator<Item = (Option<&'a str>, T)>,
) {
    out.push(open);
    let mut any = false;
    for (key, item) in items {
        out.extend_from_slice(if any { b",\n    " } else { b"\n    " });
        any = true;
        if let Some(key) = key {
            write_json_str(out, key);
            out.extend_from_slice(b": ");
        }
        write_inline(out, &item);
    }
    if any {
        out.extend_from_slice(b"\n  ");
    }
    out.push(close);
}

/// One value on one line, with a space after each `:` and `,`: `{"time": 0, "a": [1, 2]}`.
fn write_inline(out: &mut Vec<u8>, value: &impl Serialize) {
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, InlineFormatter);
    // Invariant: these types only hold strings, integers and `serde_json::Value`s with
    // string keys and finite numbers, and writing to a `Vec` cannot fail.
    value
        .serialize(&mut serializer)
        .expect("serializing a show to JSON cannot fail");
}

/// serde_json's compact output with a space after each `:` and `,`.
struct InlineFormatter;

impl serde_json::ser::Formatter for InlineFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.begin_array_value(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Vec<Cue> {
        let params = json!({"color": "#ffd700", "a": 1}).as_object().cloned();
        vec![
            Cue {
                time: 1200,
                action: "showParticles".into(),
                duration: Some(5000),
                params,
                lane: Some("FX".into()),
                note: Some("gold".into()),
                ..Cue::default()
            },
            Cue {
                time: 560,
                action: "startSong1".into(),
                tolerance: Some(2000),
                ..Cue::default()
            },
            Cue {
                time: 560,
                action: "花火".into(),
                ..Cue::default()
            },
        ]
    }

    #[test]
    fn extended_compact_sorts_and_drops_editor_keys() {
        assert_eq!(
            export_sheet(&sample(), ExportFormat::Extended, false),
            "[{\"time\":560,\"action\":\"startSong1\",\"tolerance\":2000},{\"time\":560,\"action\":\"花火\"},\
             {\"time\":1200,\"action\":\"showParticles\",\"duration\":5000,\"params\":{\"color\":\"#ffd700\",\"a\":1}}]\n"
        );
    }

    #[test]
    fn seed_pretty_keeps_only_time_and_action() {
        assert_eq!(
            export_sheet(&sample(), ExportFormat::Seed, true),
            "[\n  {\n    \"time\": 560,\n    \"action\": \"startSong1\"\n  },\n  {\n    \"time\": 560,\n    \"action\": \"花火\"\n  },\n  \
             {\n    \"time\": 1200,\n    \"action\": \"showParticles\"\n  }\n]\n"
        );
        assert_eq!(export_sheet(&[], ExportFormat::Seed, true), "[]\n");
    }

    fn winter_live() -> Show {
        Show {
            title: Some("Winter Live".into()),
            event_start: Some("2026-12-24T19:00:00+09:00".into()),
            expected_drift: Some(1500),
            cues: sample(),
            markers: vec![
                Marker {
                    time: 60_000,
                    label: "Song 1".into(),
                },
                Marker {
                    time: 0,
                    label: "開演".into(),
                },
            ],
            effects: json!({"flash": {"tolerance": 0}, "花火": {"kind": "burst", "params": {"a": [1, {}], "b": []}}})
                .as_object()
                .cloned(),
            ..Show::default()
        }
    }

    #[test]
    fn show_is_written_one_cue_per_line_in_time_order() {
        let text = show_to_json(&winter_live());
        assert_eq!(
            text,
            r##"{
  "cuestudio": 1,
  "title": "Winter Live",
  "eventStart": "2026-12-24T19:00:00+09:00",
  "expectedDrift": 1500,
  "cues": [
    {"time": 560, "action": "startSong1", "tolerance": 2000},
    {"time": 560, "action": "花火"},
    {"time": 1200, "action": "showParticles", "duration": 5000, "params": {"color": "#ffd700", "a": 1}, "lane": "FX", "note": "gold"}
  ],
  "markers": [
    {"time": 0, "label": "開演"},
    {"time": 60000, "label": "Song 1"}
  ],
  "effects": {
    "flash": {"tolerance": 0},
    "花火": {"kind": "burst", "params": {"a": [1, {}], "b": []}}
  }
}
"##
        );
        let bare = show_to_json(&Show::default());
        assert_eq!(bare, "{\n  \"cuestudio\": 1,\n  \"cues\": []\n}\n");
        let no_effects = Show {
            effects: Some(Map::new()),
            ..Show::default()
        };
        assert_eq!(
            show_to_json(&no_effects),
            "{\n  \"cuestudio\": 1,\n  \"cues\": [],\n  \"effects\": {}\n}\n"
        );
    }

    #[test]
    fn show_round_trips_sorted_and_rewrites_to_the_same_bytes() {
        let show = winter_live();
        let text = show_to_json(&show);
        let back = crate::parse_show(text.as_bytes()).expect("a saved show parses");
        let sorted = Show {
            cues: show.sorted_cues(),
            markers: vec![show.markers[1].clone(), show.markers[0].clone()],
            ..show
        };
        assert_eq!(back, sorted);
        assert_eq!(show_to_json(&back), text);
    }

    #[test]
    fn lanes_are_saved_in_order_with_only_the_flags_set() {
        let show = Show {
            cues: sample(),
            lanes: vec![
                Lane {
                    name: "Pyro".into(),
                    hidden: true,
                    ..Lane::default()
                },
                Lane {
                    name: "FX".into(),
                    muted: true,
                    solo: true,
                    ..Lane::default()
                },
                Lane::default(),
            ],
            ..Show::default()
        };
        let text = show_to_json(&show);
        assert!(
            text.contains(
                "\"lanes\": [\n    {\"name\": \"Pyro\", \"hidden\": true},\n    \
                 {\"name\": \"FX\", \"muted\": true, \"solo\": true},\n    {\"name\": \"\"}\n  ]"
            ),
            "{text}"
        );
        // Both parsers read it back (with the cues in time order, as saved).
        let saved = Show {
            cues: show.sorted_cues(),
            ..show
        };
        assert_eq!(crate::parse_show(text.as_bytes()), Ok(saved.clone()));
        assert_eq!(
            crate::parse_precise(text.as_bytes()),
            Ok(crate::Document::Show(saved))
        );
    }

    fn serde_compact(cues: &[Cue], format: ExportFormat) -> String {
        let mut sorted: Vec<&Cue> = cues.iter().collect();
        sorted.sort_by_key(|cue| cue.time);
        let out: Vec<CueOut<'_>> = sorted
            .into_iter()
            .map(|cue| CueOut::for_sheet(cue, format))
            .collect();
        to_text(&out, false)
    }

    #[test]
    fn hand_written_compact_escapes_like_serde_json() {
        let every_control: String = (0u8..0x20).map(char::from).collect();
        let cues: Vec<Cue> = [
            every_control.as_str(),
            "\"q\" \\ / \u{7f} é 花火 \u{1F386}",
            "",
        ]
        .iter()
        .zip(0..)
        .map(|(a, t)| Cue {
            time: t,
            action: (*a).to_owned(),
            params: json!({"k\n": a}).as_object().cloned(),
            ..Cue::default()
        })
        .collect();
        assert_eq!(
            export_sheet(&cues, ExportFormat::Extended, false),
            serde_compact(&cues, ExportFormat::Extended)
        );
    }

    proptest::proptest! {
        #[test]
        fn hand_written_compact_matches_serde_json(
            raw in proptest::collection::vec(
                (0i64..50, any_string(), proptest::option::of(0i64..i64::MAX),
                 proptest::option::of(0i64..10), proptest::option::of(any_string())),
                0..30,
            ),
            seed in proptest::bool::ANY,
        ) {
            let cues: Vec<Cue> = raw
                .into_iter()
                .map(|(time, action, tolerance, duration, p)| Cue {
                    time,
                    action,
                    tolerance,
                    duration,
                    params: p.map(|v| json!({ v.clone(): [v, 1.5, null, {"x": true}] }))
                        .and_then(|v| v.as_object().cloned()),
                    ..Cue::default()
                })
                .collect();
            let format = if seed { ExportFormat::Seed } else { ExportFormat::Extended };
            proptest::prop_assert_eq!(
                export_sheet(&cues, format, false),
                serde_compact(&cues, format)
            );
        }
    }

    fn any_string() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("(?s).{0,12}").expect("a valid regex")
    }
}
