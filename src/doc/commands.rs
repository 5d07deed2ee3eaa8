//! The maths of the editing commands: pure functions of the document that answer what a
//! command changes, as the [`Edit`] to apply. The app only decides when to run them.

use cuesheet::grid::TapTempo;
use cuesheet::{Cue, Marker, TempoSection};

use super::{CueId, Document, Edit};

/// How long a cue without a duration counts for when looping over it.
pub const LOOP_MIN_CUE_MS: i64 = 1000;

/// The cues to put on the clipboard: the selected ones, in document order.
pub fn copied(doc: &Document, ids: &[CueId]) -> Vec<Cue> {
    ids.iter().filter_map(|&id| doc.cue(id).cloned()).collect()
}

/// Pastes `clipboard` so that its earliest cue lands at `at_ms`, keeping the spacing.
pub fn paste(clipboard: &[Cue], at_ms: i64) -> Option<Edit> {
    let first = clipboard.iter().map(|c| c.time).min()?;
    let cues = clipboard
        .iter()
        .cloned()
        .map(|mut c| {
            c.time = c.time - first + at_ms;
            c
        })
        .collect();
    Some(Edit::AddCues { cues })
}

/// The span to loop over for the selected cues: from the first start to the last end,
/// where a cue without a duration lasts [`LOOP_MIN_CUE_MS`].
pub fn loop_span(doc: &Document, ids: &[CueId]) -> Option<(i64, i64)> {
    ids.iter()
        .filter_map(|&id| doc.cue(id))
        .fold(None, |acc: Option<(i64, i64)>, c| {
            let end = c.time + c.duration.unwrap_or(LOOP_MIN_CUE_MS).max(1);
            Some(acc.map_or((c.time, end), |(a, b)| (a.min(c.time), b.max(end))))
        })
}

/// The lane a cue tapped with `action` lands in, so taps are predictable:
/// 1. the selected lane: `selected_lane`, the lane picked in the timeline's lane headers
///    (`""` is "no lane"), else the one lane all the selected cues are in;
/// 2. else the lane that the cues of `action` mostly use (ties: the lane that comes first
///    in [`Document::lanes`]; cues without a lane do not count);
/// 3. else no lane. (The effect catalog has no lanes, so it cannot suggest one.)
pub fn tap_lane(
    doc: &Document,
    selected_lane: Option<&str>,
    selection: &[CueId],
    action: &str,
) -> Option<String> {
    let lane = |name: &str| (!name.is_empty()).then(|| name.to_owned());
    if let Some(name) = selected_lane {
        return lane(name);
    }
    let mut selected = selection
        .iter()
        .filter_map(|&id| doc.cue(id))
        .map(|c| c.lane.as_deref().unwrap_or(""));
    if let Some(first) = selected.next()
        && selected.all(|l| l == first)
    {
        return lane(first);
    }
    let lanes = doc.lanes();
    let mut counts = vec![0usize; lanes.len()];
    for cue in doc.show().cues.iter().filter(|c| c.action == action) {
        if let Some(i) = cue
            .lane
            .as_deref()
            .and_then(|l| lanes.iter().position(|name| name == l))
        {
            counts[i] += 1;
        }
    }
    // The most used; on a tie the first, as `max_by_key` would give the last.
    let best = counts
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .min_by_key(|&(i, &n)| (std::cmp::Reverse(n), i))?;
    lanes.get(best.0).cloned()
}

/// A cue tapped at `at_ms` (never before 0) with `action`, in the lane [`tap_lane`] picks.
pub fn tap(
    doc: &Document,
    selected_lane: Option<&str>,
    selection: &[CueId],
    at_ms: i64,
    action: &str,
) -> Edit {
    Edit::AddCues {
        cues: vec![Cue {
            time: at_ms.max(0),
            action: action.to_owned(),
            lane: tap_lane(doc, selected_lane, selection, action),
            ..Cue::default()
        }],
    }
}

/// A marker at `at_ms` named after how many there are.
pub fn add_marker(doc: &Document, at_ms: i64) -> Edit {
    Edit::AddMarker {
        marker: Marker {
            time: at_ms.max(0),
            label: format!("Marker {}", doc.markers().len() + 1),
        },
    }
}

/// While playing, Previous marker skips a marker passed less than this long ago, so that
/// pressing it again and again goes further back instead of back to the same marker.
pub const PREV_MARKER_GRACE_MS: i64 = 750;

/// Where Next marker goes from `at_ms`: the first marker after it; `None` past the last.
pub fn next_marker(doc: &Document, at_ms: i64) -> Option<i64> {
    let markers = doc.markers();
    markers
        .get(markers.partition_point(|m| m.time <= at_ms))
        .map(|m| m.time)
}

/// Where Previous marker goes from `at_ms`: the last marker before it (while `playing`, at
/// least [`PREV_MARKER_GRACE_MS`] before it); `None` before the first.
pub fn prev_marker(doc: &Document, at_ms: i64, playing: bool) -> Option<i64> {
    let before = if playing {
        at_ms.saturating_sub(PREV_MARKER_GRACE_MS)
    } else {
        at_ms
    };
    let markers = doc.markers();
    markers
        .partition_point(|m| m.time < before)
        .checked_sub(1)
        .and_then(|i| markers.get(i))
        .map(|m| m.time)
}

/// `base` if no lane has that name, else `base 2`, `base 3`… the first not taken (a blank
/// `base` counts as "Imported"): the name of a lane a file comes in as.
pub fn unique_lane(doc: &Document, base: &str) -> String {
    let base = match base.trim() {
        "" => "Imported",
        b => b,
    };
    unique_among(base, &doc.lanes())
}

/// `base`, or `base 2`, `base 3`, …: the first that is not in `taken`.
pub fn unique_among(base: &str, taken: &[String]) -> String {
    std::iter::once(base.to_owned())
        .chain((2..).map(|n| format!("{base} {n}")))
        .find(|name| !taken.contains(name))
        .unwrap_or_default()
}

/// The span of `cues`: the first start to the last end (time + duration); `None` if empty.
pub fn span_of(cues: &[Cue]) -> Option<(i64, i64)> {
    let start = cues.iter().map(|c| c.time).min()?;
    let end = cues
        .iter()
        .map(|c| c.time.saturating_add(c.duration.unwrap_or(0)))
        .max()?;
    Some((start, end))
}

/// A new lane, named "Lane N" with the first N not taken.
pub fn add_lane(doc: &Document) -> Edit {
    let lanes = doc.lanes();
    let name = (1..)
        .map(|n| format!("Lane {n}"))
        .find(|name| !lanes.contains(name))
        .unwrap_or_default();
    Edit::AddLane { name }
}

/// Moves the selected cues by `delta_ms`; nothing when none is selected.
pub fn nudge(ids: &[CueId], delta_ms: i64) -> Option<Edit> {
    (!ids.is_empty()).then(|| Edit::MoveCues {
        ids: ids.to_vec(),
        delta_ms,
        merge: None,
    })
}

/// Deletes the selected cues; nothing when none is selected.
pub fn delete(ids: &[CueId]) -> Option<Edit> {
    (!ids.is_empty()).then(|| Edit::DeleteCues { ids: ids.to_vec() })
}

/// Quantise: the cues `ids` moved to `snap` of their times (the grid's nearest line), as
/// one undo step named after how many cues it quantises; nothing when none would move.
pub fn quantise(doc: &Document, ids: &[CueId], snap: impl Fn(i64) -> i64) -> Option<Edit> {
    // One pass over the show (a selection may be thousands of cues).
    let wanted: std::collections::BTreeSet<CueId> = ids.iter().copied().collect();
    let mut moves = false;
    let times: Vec<(CueId, i64)> = doc
        .cues()
        .filter(|(id, _)| wanted.contains(id))
        .map(|(id, c)| {
            let to = snap(c.time).max(0);
            moves |= to != c.time;
            (id, to)
        })
        .collect();
    moves.then_some(Edit::QuantiseCues { times })
}

/// Tap tempo's Apply: a tempo section at the tapped tempo whose first downbeat is the first
/// tap's playhead, in the meter of the section in effect there (4/4 without one). It
/// replaces a section at that very time; later sections stay. `None` before two taps or
/// for a tempo no section may have.
pub fn tap_tempo(doc: &Document, tap: &TapTempo) -> Option<Edit> {
    let at = tap.first_show_ms()?;
    let map = doc.tempo_map();
    let meter = map
        .section_at(at)
        .and_then(|i| map.sections().get(i))
        .map_or((4, 4), |s| (s.beats_per_bar, s.beat_unit));
    let section = tap.section(meter)?;
    Some(Edit::AddTempoSection { section })
}

/// Correct one beat: beat `beat` of tempo section `section` dragged to `to` (see
/// [`cuesheet::grid::TempoMap::refit`]); frames of one drag share `merge`, one undo step.
pub fn refit_beat(doc: &Document, section: usize, beat: i64, to: i64, merge: u64) -> Option<Edit> {
    let map = doc.tempo_map();
    // The grid's indices are the show's when every section is valid, as a document's are.
    if map.sections().len() != doc.tempo().len() {
        return None;
    }
    let fitted = map.refit(section, beat, to)?;
    Some(Edit::SetTempoSection {
        index: section,
        section: fitted,
        merge: Some(merge),
    })
}

/// A new tempo section at `at_ms` for the Tempo panel's Add: the tempo and meter of the
/// section in effect there (120 BPM in 4/4 in a show without one).
pub fn add_tempo_section(doc: &Document, at_ms: i64) -> Edit {
    let map = doc.tempo_map();
    let base = map
        .section_at(at_ms)
        .and_then(|i| map.sections().get(i).copied())
        .unwrap_or_default();
    Edit::AddTempoSection {
        section: TempoSection {
            time: at_ms.max(0),
            ..base
        },
    }
}

#[cfg(test)]
mod tests {
    use cuesheet::Show;

    use super::*;

    fn cue(time: i64, lane: Option<&str>, duration: Option<i64>) -> Cue {
        Cue {
            time,
            action: "flash".into(),
            lane: lane.map(str::to_owned),
            duration,
            ..Cue::default()
        }
    }

    fn doc(cues: Vec<Cue>) -> Document {
        Document::new(
            Show {
                cues,
                ..Show::default()
            },
            None,
        )
    }

    #[test]
    fn paste_lands_the_first_cue_at_the_playhead_and_keeps_the_spacing() {
        let clip = vec![cue(5_300, None, None), cue(5_000, Some("A"), None)];
        let Some(Edit::AddCues { cues }) = paste(&clip, 20_000) else {
            panic!("a paste adds cues");
        };
        let times: Vec<i64> = cues.iter().map(|c| c.time).collect();
        assert_eq!(times, vec![20_300, 20_000]);
        assert_eq!(cues[1].lane.as_deref(), Some("A"));
        assert_eq!(paste(&[], 1_000), None, "nothing to paste");
    }

    #[test]
    fn loop_span_covers_starts_and_ends_with_a_floor_for_instant_cues() {
        let d = doc(vec![
            cue(1_000, None, Some(500)),
            cue(4_000, None, None),
            cue(2_000, None, Some(6_000)),
        ]);
        let ids = d.cue_ids().to_vec();
        assert_eq!(
            loop_span(&d, &ids[..2]),
            Some((1_000, 4_000 + LOOP_MIN_CUE_MS))
        );
        assert_eq!(loop_span(&d, &ids), Some((1_000, 8_000)));
        assert_eq!(loop_span(&d, &[]), None);
        // A zero duration still loops over one millisecond.
        let z = doc(vec![cue(300, None, Some(0))]);
        assert_eq!(loop_span(&z, z.cue_ids()), Some((300, 301)));
    }

    #[test]
    fn a_tapped_cue_lands_in_the_selected_lane_else_where_its_action_mostly_goes() {
        let c = |time, lane: Option<&str>, action: &str| Cue {
            action: action.into(),
            ..cue(time, lane, None)
        };
        let d = doc(vec![
            c(0, Some("Lights"), "flash"),
            c(10, Some("Text"), "textFade"),
            c(20, Some("Pyro"), "fireworks"),
            c(30, Some("Lights"), "fireworks"),
            c(40, Some("Pyro"), "fireworks"),
            c(50, None, "fireworks"),
            c(60, None, "fireworks"),
            c(70, None, "fireworks"),
            c(80, Some("Text"), "flash"),
            c(90, None, "confetti"),
        ]);
        let ids = d.cue_ids().to_vec();
        let lane = |sel_lane, sel: &[CueId], action| tap_lane(&d, sel_lane, sel, action);
        // 1. The lane picked in the headers wins, "" being "no lane"; else the lane of the
        //    selected cues, when they share one.
        assert_eq!(
            lane(Some("Text"), &ids[..1], "fireworks").as_deref(),
            Some("Text")
        );
        assert_eq!(lane(Some(""), &ids[..1], "fireworks"), None);
        assert_eq!(
            lane(None, &ids[..1], "fireworks").as_deref(),
            Some("Lights")
        );
        assert_eq!(
            lane(None, &[ids[1], ids[8]], "fireworks").as_deref(),
            Some("Text")
        );
        assert_eq!(
            lane(None, &[ids[5]], "fireworks"),
            None,
            "a cue without a lane"
        );
        // 2. Nothing selected, or cues in several lanes: where the action's cues mostly
        //    are. Cues without a lane do not count (three here), so Pyro (two) wins.
        assert_eq!(lane(None, &[], "fireworks").as_deref(), Some("Pyro"));
        assert_eq!(
            lane(None, &[ids[0], ids[1]], "fireworks").as_deref(),
            Some("Pyro")
        );
        // A tie goes to the lane that comes first.
        assert_eq!(lane(None, &[], "flash").as_deref(), Some("Lights"));
        // 3. An action no laned cue uses: no lane.
        assert_eq!(lane(None, &[], "confetti"), None);
        assert_eq!(lane(None, &[], "showOpening"), None);

        let Edit::AddCues { cues } = tap(&d, None, &[], 1_234, "fireworks") else {
            panic!("a tap adds a cue");
        };
        assert_eq!(
            (
                cues[0].time,
                cues[0].lane.as_deref(),
                cues[0].action.as_str()
            ),
            (1_234, Some("Pyro"), "fireworks")
        );
        let Edit::AddCues { cues } = tap(&d, None, &[], -40, "x") else {
            panic!("a tap adds a cue");
        };
        assert_eq!(cues[0].time, 0, "never before the start");
    }

    #[test]
    fn a_new_lane_takes_the_first_free_name_and_is_one_undo_step() {
        let mut d = doc(vec![
            cue(0, Some("Lane 1"), None),
            cue(5, Some("Pyro"), None),
        ]);
        let edit = add_lane(&d);
        assert_eq!(
            edit,
            Edit::AddLane {
                name: "Lane 2".into()
            }
        );
        d.apply(edit);
        assert_eq!(
            d.lanes(),
            ["Lane 1", "Pyro", "Lane 2"],
            "listed without any cue"
        );
        assert_eq!(d.undo_label(), Some("Add lane"));
        // Adding a name that is taken changes nothing.
        d.apply(Edit::AddLane {
            name: "Pyro".into(),
        });
        assert_eq!(d.lanes().len(), 3);
        d.undo();
        d.undo();
        assert_eq!(d.lanes(), ["Lane 1", "Pyro"]);
    }

    #[test]
    fn markers_are_numbered_and_nudges_and_deletes_need_a_selection() {
        let mut d = doc(vec![cue(0, None, None)]);
        d.apply(add_marker(&d, 500));
        let Edit::AddMarker { marker } = add_marker(&d, -3) else {
            panic!()
        };
        assert_eq!((marker.time, marker.label.as_str()), (0, "Marker 2"));
        assert_eq!(nudge(&[], 10), None);
        assert_eq!(delete(&[]), None);
        let ids = d.cue_ids().to_vec();
        assert!(matches!(
            nudge(&ids, -100),
            Some(Edit::MoveCues { delta_ms: -100, .. })
        ));
        assert_eq!(copied(&d, &ids).len(), 1);
    }

    #[test]
    fn next_and_previous_marker_from_the_playhead() {
        let mut d = doc(vec![]);
        assert_eq!(
            (next_marker(&d, 0), prev_marker(&d, 0, false)),
            (None, None)
        );
        for t in [16_000, 0, 64_000, 64_000] {
            d.apply(add_marker(&d, t));
        }
        // Between markers; on one (it is not where either goes); before the first and
        // past the last.
        assert_eq!(next_marker(&d, 10_000), Some(16_000));
        assert_eq!(prev_marker(&d, 10_000, false), Some(0));
        assert_eq!(next_marker(&d, 16_000), Some(64_000));
        assert_eq!(prev_marker(&d, 16_000, false), Some(0));
        assert_eq!(next_marker(&d, -5), Some(0));
        assert_eq!(prev_marker(&d, 0, false), None);
        assert_eq!(next_marker(&d, 64_000), None);
        assert_eq!(prev_marker(&d, 99_000, false), Some(64_000));
        // Playing just past a marker: back to the one before it, not to it again.
        assert_eq!(prev_marker(&d, 16_300, true), Some(0));
        assert_eq!(
            prev_marker(&d, 16_000 + PREV_MARKER_GRACE_MS + 1, true),
            Some(16_000)
        );
    }
}
