//! The in-memory types: cues, markers, the show, and a parsed document of either kind.

use serde_json::{Map, Value};

/// One cue: fire `action` at show time `time` (ms from event start).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Cue {
    /// Show time in ms, >= 0.
    pub time: i64,
    /// The effect to fire; non-empty.
    pub action: String,
    /// The latest (ms after `time`) a client may still fire this cue.
    pub tolerance: Option<i64>,
    /// How long the effect lasts, in ms.
    pub duration: Option<i64>,
    /// An object handed to the effect, keys in document order.
    pub params: Option<Map<String, Value>>,
    /// Editor-only: the timeline lane. Never exported.
    pub lane: Option<String>,
    /// Editor-only: a free note. Never exported.
    pub note: Option<String>,
}

/// A labelled point on the timeline (editor-only).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Marker {
    pub time: i64,
    pub label: String,
}

/// Editor-only: a timeline lane of its own, in the order the editor shows the lanes. Cues
/// name their lane by `name` (the name `""` is the lane of the cues that have none); a lane
/// that cues use need not be listed, and a listed one may have no cues yet.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Lane {
    pub name: String,
    /// Collapsed in the timeline: its cues are not drawn.
    pub hidden: bool,
    /// Left out of the editor's stage preview.
    pub muted: bool,
    /// When any lane is soloed, the stage preview plays only the soloed lanes.
    pub solo: bool,
}

/// Editor-only: one section of the tempo grid, from `time` to the next section's time
/// (the first section also reaches back before its time, so the grid has lines there too).
///
/// `bpm` counts the meter's beats (notes of `beat_unit`): a bar is `beats_per_bar` beats.
/// A tempo given in quarter notes (MIDI's) is `quarter_bpm * beat_unit / 4` here.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TempoSection {
    /// Show time (ms) of the section's first downbeat (its bar 1, beat 1).
    pub time: i64,
    /// Beats per minute: finite, within [`TempoSection::BPM_RANGE`]; saved to a millionth.
    pub bpm: f64,
    /// The meter's upper number, 1 to [`TempoSection::MAX_BEATS_PER_BAR`].
    pub beats_per_bar: u32,
    /// The meter's lower number, one of [`TempoSection::BEAT_UNITS`].
    pub beat_unit: u32,
}

impl Default for TempoSection {
    /// 120 BPM in 4/4 from 0.
    fn default() -> Self {
        Self {
            time: 0,
            bpm: 120.0,
            beats_per_bar: 4,
            beat_unit: 4,
        }
    }
}

impl TempoSection {
    /// The tempi a section may have.
    pub const BPM_RANGE: std::ops::RangeInclusive<f64> = 20.0..=400.0;
    pub const MAX_BEATS_PER_BAR: u32 = 32;
    pub const BEAT_UNITS: [u32; 5] = [1, 2, 4, 8, 16];

    /// One beat in ms (not rounded).
    pub fn beat_ms(&self) -> f64 {
        60_000.0 / self.bpm
    }

    /// The meter as written: `"4/4"`.
    pub fn meter(&self) -> String {
        format!("{}/{}", self.beats_per_bar, self.beat_unit)
    }

    /// Reads a meter written `"beats/unit"` (`"4/4"`, `"6/8"`, spaces allowed around the
    /// numbers) as `(beats_per_bar, beat_unit)`; `None` when it is not one a section may have.
    pub fn parse_meter(text: &str) -> Option<(u32, u32)> {
        let (beats, unit) = text.split_once('/')?;
        let beats: u32 = beats.trim().parse().ok()?;
        let unit: u32 = unit.trim().parse().ok()?;
        ((1..=Self::MAX_BEATS_PER_BAR).contains(&beats) && Self::BEAT_UNITS.contains(&unit))
            .then_some((beats, unit))
    }

    /// Whether `bpm` is one a section may have.
    pub fn bpm_ok(bpm: f64) -> bool {
        bpm.is_finite() && Self::BPM_RANGE.contains(&bpm)
    }

    /// `bpm` rounded to a millionth, as the show file keeps it and the editor stores the
    /// tempi it computes (a tap's mean, a refit): it reads back exactly, and a millionth of
    /// a beat per minute moves the 1,000th beat of a 120 BPM section by 4 µs.
    pub fn round_bpm(bpm: f64) -> f64 {
        (bpm * 1e6).round() / 1e6
    }

    /// Whether every field is one a section may have (the time at least 0).
    pub fn is_valid(&self) -> bool {
        self.time >= 0
            && Self::bpm_ok(self.bpm)
            && (1..=Self::MAX_BEATS_PER_BAR).contains(&self.beats_per_bar)
            && Self::BEAT_UNITS.contains(&self.beat_unit)
    }
}

/// A show document (`*.cueshow.json`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Show {
    pub title: Option<String>,
    /// Audio file path, relative to the show file.
    pub audio: Option<String>,
    /// RFC 3339 with an offset, kept as written (see [`crate::parse_rfc3339_ms`]).
    pub event_start: Option<String>,
    /// The time server URL.
    pub time_server: Option<String>,
    /// How far apart (ms) the designer assumes viewers are.
    pub expected_drift: Option<i64>,
    /// Cues in document order (see [`Show::sorted_cues`]).
    pub cues: Vec<Cue>,
    pub markers: Vec<Marker>,
    /// Editor-only: the lanes listed in the show, in order (see [`Lane`]).
    pub lanes: Vec<Lane>,
    /// Editor-only: the tempo grid's sections, in strictly increasing time order (see
    /// [`TempoSection`] and [`crate::grid`]); empty when the show has no grid.
    pub tempo: Vec<TempoSection>,
    /// Per-show effect-catalog overrides: action name -> object, kept raw.
    pub effects: Option<Map<String, Value>>,
}

/// A parsed input: a show document or a CDN cue sheet.
// One value per parsed file, matched at once: boxing the show would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    Show(Show),
    Sheet(Vec<Cue>),
}

impl Show {
    /// The cues sorted by time, ties kept in document order.
    pub fn sorted_cues(&self) -> Vec<Cue> {
        let mut cues = self.cues.clone();
        cues.sort_by_key(|cue| cue.time);
        cues
    }

    /// The show-time range covered by cues (from `time` to `time + duration`) and
    /// markers, as `(earliest, latest)` ms; `None` for a show with neither.
    pub fn span(&self) -> Option<(i64, i64)> {
        let cue_spans = self
            .cues
            .iter()
            .map(|cue| (cue.time, cue.time.saturating_add(cue.duration.unwrap_or(0))));
        let marker_spans = self.markers.iter().map(|marker| (marker.time, marker.time));
        cue_spans
            .chain(marker_spans)
            .reduce(|(lo, hi), (start, end)| (lo.min(start), hi.max(end)))
    }
}

/// Imports a CDN cue sheet as a new show holding its cues (in the sheet's order).
pub fn show_from_sheet(cues: Vec<Cue>) -> Show {
    Show {
        cues,
        ..Show::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(time: i64, action: &str, duration: Option<i64>) -> Cue {
        Cue {
            time,
            action: action.into(),
            duration,
            ..Cue::default()
        }
    }

    #[test]
    fn sorted_cues_is_stable_for_ties() {
        let show = show_from_sheet(vec![
            cue(500, "b", None),
            cue(100, "a", None),
            cue(500, "c", None),
        ]);
        let actions: Vec<_> = show.sorted_cues().into_iter().map(|c| c.action).collect();
        assert_eq!(actions, ["a", "b", "c"]);
        assert_eq!(show.cues[0].action, "b", "the show itself is untouched");
    }

    #[test]
    fn span_covers_durations_and_markers() {
        let mut show = show_from_sheet(vec![cue(1000, "a", Some(5000)), cue(2000, "b", None)]);
        assert_eq!(show.span(), Some((1000, 6000)));
        show.markers.push(Marker {
            time: 9000,
            label: "end".into(),
        });
        assert_eq!(show.span(), Some((1000, 9000)));
        show.cues.push(cue(i64::MAX, "late", Some(10)));
        assert_eq!(show.span(), Some((1000, i64::MAX)));
        assert_eq!(Show::default().span(), None);
    }
}
