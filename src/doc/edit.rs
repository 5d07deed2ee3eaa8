//! The edits a panel can ask for. Each is applied by [`apply`], the only code that changes
//! a [`Document`]'s show.

use cuesheet::{Cue, Marker, TempoSection};
use serde_json::{Map, Value};

use super::{CueId, Document, MarkerId};

/// Fields to set on every targeted cue. `None` leaves a field alone; for optional fields,
/// `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CuePatch {
    pub time: Option<i64>,
    pub action: Option<String>,
    pub duration: Option<Option<i64>>,
    pub tolerance: Option<Option<i64>>,
    pub lane: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub params: Option<Option<Map<String, Value>>>,
}

impl CuePatch {
    fn apply_to(&self, cue: &mut Cue) {
        if let Some(t) = self.time {
            cue.time = t.max(0);
        }
        if let Some(a) = &self.action {
            cue.action.clone_from(a);
        }
        if let Some(d) = self.duration {
            cue.duration = d.map(|d| d.max(0));
        }
        if let Some(t) = self.tolerance {
            cue.tolerance = t.map(|t| t.max(0));
        }
        if let Some(l) = &self.lane {
            cue.lane = l.clone().filter(|l| !l.is_empty());
        }
        if let Some(n) = &self.note {
            cue.note = n.clone().filter(|n| !n.is_empty());
        }
        if let Some(p) = &self.params {
            cue.params = p.clone();
        }
    }
}

/// A change to the document. `merge` keys let a gesture (a drag, typing in one field) form
/// one undo step: consecutive edits with the same `Some(key)` merge.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    AddCues {
        cues: Vec<Cue>,
    },
    DeleteCues {
        ids: Vec<CueId>,
    },
    /// Move by `delta_ms`; no cue goes below 0 (the whole group stops at 0 together).
    MoveCues {
        ids: Vec<CueId>,
        delta_ms: i64,
        merge: Option<u64>,
    },
    PatchCues {
        ids: Vec<CueId>,
        patch: CuePatch,
        merge: Option<u64>,
    },
    AddMarker {
        marker: Marker,
    },
    DeleteMarker {
        index: usize,
    },
    /// Move the marker at `index` to `time` (at least 0). The markers stay sorted by time,
    /// so its index may change: [`Document::marker_index`] of its id tells where it went.
    MoveMarker {
        index: usize,
        time: i64,
        merge: Option<u64>,
    },
    RenameMarker {
        index: usize,
        label: String,
    },
    SetTitle {
        title: Option<String>,
        merge: Option<u64>,
    },
    SetExpectedDrift {
        ms: Option<i64>,
        merge: Option<u64>,
    },
    SetTimeServer {
        url: Option<String>,
        merge: Option<u64>,
    },
    SetAudio {
        audio: Option<String>,
    },
    /// Replace the show's effect-catalog overrides.
    SetEffects {
        effects: Option<Map<String, Value>>,
        merge: Option<u64>,
    },
    /// Replace all cues (import of a CDN cue sheet).
    ReplaceCues {
        cues: Vec<Cue>,
    },
    /// Rename the lane `from` to `to`, in the lane list and on each of its cues (onto
    /// another lane's name, the cues join that lane; onto `""`, they have none).
    RenameLane {
        from: String,
        to: String,
    },
    /// Import a file's cues, each in the lane it names: `lanes` are added at the end of the
    /// lane list, in order (joined where the name is taken). One undo step named after
    /// `source`, the file.
    ImportCues {
        source: String,
        lanes: Vec<String>,
        cues: Vec<Cue>,
        /// A MIDI file's tempo map: replaces the show's tempo grid in the same step.
        tempo: Option<Vec<TempoSection>>,
    },
    /// Add an empty lane at the end of the lane list (nothing if the name is taken).
    AddLane {
        name: String,
    },
    /// Move the lane at `from` to `to` (positions in [`Document::lanes`]).
    MoveLane {
        from: usize,
        to: usize,
    },
    /// Set or clear one flag of the lane `name`.
    SetLaneFlag {
        name: String,
        flag: LaneFlag,
        on: bool,
    },
    /// Replace the tempo grid (an analysis, an import): the valid sections, in time order,
    /// the later of two at one time kept.
    SetTempo {
        sections: Vec<TempoSection>,
    },
    /// Add a tempo section (tap tempo, the Tempo panel); it replaces one at the same time.
    AddTempoSection {
        section: TempoSection,
    },
    /// Change the tempo section at `index` (a typed field, a dragged beat). Its time stays
    /// between its neighbours' and at least 0, its tempo and meter within what a section
    /// may have (a value out of range is clamped; a meter unit that is none is ignored).
    SetTempoSection {
        index: usize,
        section: TempoSection,
        merge: Option<u64>,
    },
    RemoveTempoSection {
        index: usize,
    },
    /// Move each cue to its time: the selection snapped to the grid, as one step.
    QuantiseCues {
        times: Vec<(CueId, i64)>,
    },
}

/// A lane's flags (see [`cuesheet::Lane`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneFlag {
    Hidden,
    Muted,
    Solo,
}

impl Edit {
    /// The undo history's name for this edit.
    pub fn label(&self) -> String {
        // "Move cue", "Move 3 cues": what Edit → Undo names.
        fn n(verb: &str, count: usize) -> String {
            if count == 1 {
                format!("{verb} cue")
            } else {
                format!("{verb} {count} cues")
            }
        }
        match self {
            Edit::AddCues { cues } => n("Add", cues.len()),
            Edit::DeleteCues { ids } => n("Delete", ids.len()),
            Edit::MoveCues { ids, .. } => n("Move", ids.len()),
            Edit::PatchCues { ids, .. } => n("Edit", ids.len()),
            Edit::AddMarker { .. } => "Add marker".to_owned(),
            Edit::DeleteMarker { .. } => "Delete marker".to_owned(),
            Edit::MoveMarker { .. } => "Move marker".to_owned(),
            Edit::RenameMarker { .. } => "Rename marker".to_owned(),
            Edit::SetTitle { .. } => "Set title".to_owned(),
            Edit::SetExpectedDrift { .. } => "Set expected drift".to_owned(),
            Edit::SetTimeServer { .. } => "Set time server".to_owned(),
            Edit::SetAudio { .. } => "Set audio".to_owned(),
            Edit::SetEffects { .. } => "Edit effect catalog".to_owned(),
            Edit::ReplaceCues { .. } => "Import cue sheet".to_owned(),
            Edit::ImportCues { source, cues, .. } => {
                format!("{} from {source}", n("Import", cues.len()))
            }
            Edit::RenameLane { .. } => "Rename lane".to_owned(),
            Edit::AddLane { .. } => "Add lane".to_owned(),
            Edit::MoveLane { .. } => "Move lane".to_owned(),
            Edit::SetLaneFlag { flag, on, .. } => match (flag, on) {
                (LaneFlag::Hidden, true) => "Hide lane",
                (LaneFlag::Hidden, false) => "Show lane",
                (LaneFlag::Muted, true) => "Mute lane",
                (LaneFlag::Muted, false) => "Unmute lane",
                (LaneFlag::Solo, true) => "Solo lane",
                (LaneFlag::Solo, false) => "Unsolo lane",
            }
            .to_owned(),
            Edit::SetTempo { .. } => "Set tempo".to_owned(),
            Edit::AddTempoSection { .. } => "Add tempo section".to_owned(),
            Edit::SetTempoSection { .. } => "Edit tempo".to_owned(),
            Edit::RemoveTempoSection { .. } => "Remove tempo section".to_owned(),
            Edit::QuantiseCues { times } => n("Quantise", times.len()),
        }
    }

    pub fn merge_key(&self) -> Option<u64> {
        match self {
            Edit::MoveCues { merge, .. }
            | Edit::PatchCues { merge, .. }
            | Edit::MoveMarker { merge, .. }
            | Edit::SetTitle { merge, .. }
            | Edit::SetExpectedDrift { merge, .. }
            | Edit::SetTimeServer { merge, .. }
            | Edit::SetEffects { merge, .. }
            | Edit::SetTempoSection { merge, .. } => *merge,
            _ => None,
        }
    }
}

/// Applies `edit` to `doc`'s show; returns the ids of created cues.
pub(super) fn apply(doc: &mut Document, edit: Edit) -> Vec<CueId> {
    let mut created = Vec::new();
    match edit {
        Edit::AddCues { cues } => add_cues(doc, cues, &mut created),
        Edit::DeleteCues { ids } => {
            let mut i = 0;
            while i < doc.ids.len() {
                if ids.contains(&doc.ids[i]) {
                    doc.ids.remove(i);
                    doc.show.cues.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        Edit::MoveCues { ids, delta_ms, .. } => {
            let idx = indices_of(doc, &ids);
            let earliest = idx
                .iter()
                .filter_map(|&i| doc.show.cues.get(i).map(|c| c.time))
                .min()
                .unwrap_or(0);
            let delta = delta_ms.max(-earliest);
            for i in idx {
                if let Some(cue) = doc.show.cues.get_mut(i) {
                    cue.time = cue.time.saturating_add(delta).max(0);
                }
            }
        }
        Edit::PatchCues { ids, patch, .. } => {
            for i in indices_of(doc, &ids) {
                if let Some(cue) = doc.show.cues.get_mut(i) {
                    patch.apply_to(cue);
                }
            }
        }
        Edit::AddMarker { mut marker } => {
            marker.time = marker.time.max(0);
            let at = doc.show.markers.partition_point(|m| m.time <= marker.time);
            doc.show.markers.insert(at, marker);
            doc.marker_ids.insert(at, MarkerId::fresh());
        }
        Edit::DeleteMarker { index } => {
            if index < doc.show.markers.len() {
                doc.show.markers.remove(index);
                doc.marker_ids.remove(index);
            }
        }
        Edit::MoveMarker { index, time, .. } => {
            if index < doc.show.markers.len() {
                let mut marker = doc.show.markers.remove(index);
                let id = doc.marker_ids.remove(index);
                marker.time = time.max(0);
                let at = sorted_slot(&doc.show.markers, marker.time, index);
                doc.show.markers.insert(at, marker);
                doc.marker_ids.insert(at, id);
            }
        }
        Edit::RenameMarker { index, label } => {
            if let Some(marker) = doc.show.markers.get_mut(index) {
                marker.label = label;
            }
        }
        Edit::SetTitle { title, .. } => doc.show.title = title.filter(|t| !t.is_empty()),
        Edit::SetExpectedDrift { ms, .. } => doc.show.expected_drift = ms.map(|m| m.max(0)),
        Edit::SetTimeServer { url, .. } => doc.show.time_server = url.filter(|u| !u.is_empty()),
        Edit::SetAudio { audio } => doc.show.audio = audio,
        Edit::SetEffects { effects, .. } => doc.show.effects = effects,
        Edit::RenameLane { from, to } => rename_lane(doc, &from, &to),
        Edit::ImportCues {
            lanes, cues, tempo, ..
        } => {
            if let Some(sections) = tempo {
                doc.show.tempo = in_time_order(sections);
            }
            list_every_lane(doc);
            for lane in lanes {
                add_lane(doc, lane);
            }
            add_cues(doc, cues, &mut created);
        }
        Edit::AddLane { name } => {
            list_every_lane(doc);
            add_lane(doc, name);
        }
        Edit::MoveLane { from, to } => {
            list_every_lane(doc);
            let lanes = &mut doc.show.lanes;
            if from < lanes.len() && to < lanes.len() {
                let lane = lanes.remove(from);
                lanes.insert(to, lane);
            }
        }
        Edit::SetLaneFlag { name, flag, on } => {
            list_every_lane(doc);
            if let Some(lane) = doc.show.lanes.iter_mut().find(|l| l.name == name) {
                *match flag {
                    LaneFlag::Hidden => &mut lane.hidden,
                    LaneFlag::Muted => &mut lane.muted,
                    LaneFlag::Solo => &mut lane.solo,
                } = on;
            }
        }
        Edit::SetTempo { sections } => doc.show.tempo = in_time_order(sections),
        Edit::AddTempoSection { section } => {
            let mut sections = std::mem::take(&mut doc.show.tempo);
            sections.push(section);
            doc.show.tempo = in_time_order(sections);
        }
        Edit::SetTempoSection { index, section, .. } => set_tempo_section(doc, index, section),
        Edit::RemoveTempoSection { index } => {
            if index < doc.show.tempo.len() {
                doc.show.tempo.remove(index);
            }
        }
        Edit::QuantiseCues { mut times } => {
            // One pass over the cues against the times sorted by id, as `indices_of` does.
            times.sort_unstable_by_key(|&(id, _)| id);
            for (id, cue) in doc.ids.iter().zip(doc.show.cues.iter_mut()) {
                if let Ok(k) = times.binary_search_by_key(id, |&(id, _)| id) {
                    cue.time = times[k].1.max(0);
                }
            }
        }
        Edit::ReplaceCues { cues } => {
            doc.show.cues.clear();
            doc.ids.clear();
            for cue in cues {
                let id = doc.fresh_id();
                doc.show.cues.push(cue);
                doc.ids.push(id);
                created.push(id);
            }
        }
    }
    created
}

/// The valid sections of `sections` in time order; of two at one time, the later in the
/// list.
fn in_time_order(sections: Vec<TempoSection>) -> Vec<TempoSection> {
    let mut sections: Vec<TempoSection> = sections.into_iter().filter(|s| s.is_valid()).collect();
    // Stable: among equal times the list's order stays, and the last one is kept.
    sections.sort_by_key(|s| s.time);
    let mut kept: Vec<TempoSection> = Vec::with_capacity(sections.len());
    for s in sections {
        match kept.last_mut() {
            Some(last) if last.time == s.time => *last = s,
            _ => kept.push(s),
        }
    }
    kept
}

fn set_tempo_section(doc: &mut Document, index: usize, new: TempoSection) {
    let tempo = &mut doc.show.tempo;
    let lo = index
        .checked_sub(1)
        .and_then(|i| tempo.get(i))
        .map_or(0, |s| s.time + 1);
    let hi = tempo.get(index + 1).map_or(i64::MAX, |s| s.time - 1);
    let Some(section) = tempo.get_mut(index) else {
        return;
    };
    if lo <= hi {
        section.time = new.time.clamp(lo, hi);
    }
    if !new.bpm.is_nan() {
        let range = TempoSection::BPM_RANGE;
        section.bpm = new.bpm.clamp(*range.start(), *range.end());
    }
    section.beats_per_bar = new.beats_per_bar.clamp(1, TempoSection::MAX_BEATS_PER_BAR);
    if TempoSection::BEAT_UNITS.contains(&new.beat_unit) {
        section.beat_unit = new.beat_unit;
    }
}

/// Lists every lane in the show, in the order shown, so that a change to one lane (its
/// place, a flag) keeps the order of the others.
fn list_every_lane(doc: &mut Document) {
    doc.show.lanes = doc.lane_list();
}

/// Adds the lane `name` at the end of the show's list, unless it is listed already.
fn add_lane(doc: &mut Document, name: String) {
    if !doc.show.lanes.iter().any(|l| l.name == name) {
        doc.show.lanes.push(cuesheet::Lane {
            name,
            ..cuesheet::Lane::default()
        });
    }
}

/// Adds `cues` (a negative time becomes 0), each with a fresh id pushed to `created`.
fn add_cues(doc: &mut Document, cues: Vec<Cue>, created: &mut Vec<CueId>) {
    for mut cue in cues {
        cue.time = cue.time.max(0);
        let id = doc.fresh_id();
        doc.show.cues.push(cue);
        doc.ids.push(id);
        created.push(id);
    }
}

fn rename_lane(doc: &mut Document, from: &str, to: &str) {
    if from == to {
        return;
    }
    list_every_lane(doc);
    let lanes = &mut doc.show.lanes;
    if lanes.iter().any(|l| l.name == to) {
        lanes.retain(|l| l.name != from);
    } else if let Some(lane) = lanes.iter_mut().find(|l| l.name == from) {
        lane.name = to.to_owned();
    }
    for cue in &mut doc.show.cues {
        if cue.lane.as_deref().unwrap_or("") == from {
            cue.lane = (!to.is_empty()).then(|| to.to_owned());
        }
    }
}

/// Where a marker at `time` goes in the sorted `markers`: among the places that keep them
/// sorted (after every earlier marker, before every later one), the one nearest `near`, so
/// a marker moved onto another's time, or not moved at all, keeps its order among equals.
fn sorted_slot(markers: &[Marker], time: i64, near: usize) -> usize {
    let first = markers.partition_point(|m| m.time < time);
    let last = markers.partition_point(|m| m.time <= time);
    near.clamp(first, last)
}

/// The positions of `ids` in `doc`, in document order: one pass over the cues against the
/// ids sorted, not a search of the whole show per id (a drag moves 1,000 cues of 20,000).
fn indices_of(doc: &Document, ids: &[CueId]) -> Vec<usize> {
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    doc.ids
        .iter()
        .enumerate()
        .filter(|(_, id)| wanted.binary_search(id).is_ok())
        .map(|(i, _)| i)
        .collect()
}
