//! The open show: the document, the edits that change it, undo history and autosave.
//!
//! Nothing here knows egui. Panels emit [`Edit`]s; [`Document::apply`] is the one place
//! that changes the show, and it records undo steps. Consecutive edits that carry the same
//! `merge` key (one drag, one typed field) form a single undo step.

pub mod autosave;
pub mod commands;
mod edit;
mod history;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use cuesheet::grid::TempoMap;
use cuesheet::{Cue, Lane, Marker, Show, TempoSection};

pub use edit::{CuePatch, Edit, LaneFlag};
use history::History;

/// A cue's identity for the lifetime of an open document (not saved).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CueId(pub u64);

/// A marker's identity while the program runs (not saved). Unique across documents, so a
/// selection made in one document never names a marker of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MarkerId(u64);

impl MarkerId {
    fn fresh() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Self(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// The open show with its file, undo history and cue identities.
pub struct Document {
    show: Show,
    /// `ids[i]` names `show.cues[i]`.
    ids: Vec<CueId>,
    next_id: u64,
    /// `marker_ids[i]` names `show.markers[i]`.
    marker_ids: Vec<MarkerId>,
    path: Option<PathBuf>,
    history: History,
    /// Changes with every change (including undo and redo); unique across documents, so
    /// caches keyed by it never mix two documents up.
    revision: u64,
    saved_revision: u64,
}

impl Default for Document {
    fn default() -> Self {
        Self::new(Show::default(), None)
    }
}

impl Document {
    pub fn new(show: Show, path: Option<PathBuf>) -> Self {
        let ids = (0..show.cues.len() as u64).map(CueId).collect();
        let next_id = show.cues.len() as u64;
        let marker_ids = show.markers.iter().map(|_| MarkerId::fresh()).collect();
        let revision = next_revision();
        Self {
            show,
            ids,
            next_id,
            marker_ids,
            path,
            history: History::default(),
            revision,
            saved_revision: revision,
        }
    }

    pub fn show(&self) -> &Show {
        &self.show
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The show's title, else the file name, else "Untitled".
    pub fn display_name(&self) -> String {
        if let Some(t) = self.show.title.as_deref().filter(|t| !t.trim().is_empty()) {
            return t.to_owned();
        }
        self.path
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Untitled".to_owned())
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// Call after the document was written to `path`.
    pub fn mark_saved(&mut self, path: PathBuf, revision: u64) {
        self.path = Some(path);
        self.saved_revision = revision;
    }

    /// Mark the document as modified without an undo step (e.g. restored from autosave).
    pub fn mark_dirty(&mut self) {
        self.revision = next_revision();
    }

    pub fn cue_ids(&self) -> &[CueId] {
        &self.ids
    }

    pub fn index_of(&self, id: CueId) -> Option<usize> {
        self.ids.iter().position(|&i| i == id)
    }

    pub fn cue(&self, id: CueId) -> Option<&Cue> {
        self.index_of(id).and_then(|i| self.show.cues.get(i))
    }

    /// Cues with their ids, in document order.
    pub fn cues(&self) -> impl Iterator<Item = (CueId, &Cue)> {
        self.ids.iter().copied().zip(self.show.cues.iter())
    }

    /// The markers, sorted by time.
    pub fn markers(&self) -> &[Marker] {
        &self.show.markers
    }

    /// `marker_ids()[i]` names `markers()[i]`.
    pub fn marker_ids(&self) -> &[MarkerId] {
        &self.marker_ids
    }

    /// Where the marker `id` is now in [`Document::markers`] (edits that move a marker
    /// keep the list sorted, so its index can change; its id does not).
    pub fn marker_index(&self, id: MarkerId) -> Option<usize> {
        self.marker_ids.iter().position(|&m| m == id)
    }

    pub fn marker(&self, id: MarkerId) -> Option<&Marker> {
        self.marker_index(id).and_then(|i| self.show.markers.get(i))
    }

    /// The lanes' names in order: those the show lists, then those its cues use that the
    /// list leaves out, in order of first appearance; cues without a lane are in lane "".
    pub fn lanes(&self) -> Vec<String> {
        let mut lanes: Vec<String> = self.show.lanes.iter().map(|l| l.name.clone()).collect();
        for cue in &self.show.cues {
            let lane = cue.lane.as_deref().unwrap_or("");
            if !lanes.iter().any(|l| l == lane) {
                lanes.push(lane.to_owned());
            }
        }
        if lanes.is_empty() {
            lanes.push(String::new());
        }
        lanes
    }

    /// The lanes in [`Document::lanes`] order with their flags (a lane the show does not
    /// list has none set).
    pub fn lane_list(&self) -> Vec<Lane> {
        self.lanes()
            .into_iter()
            .map(|name| {
                self.show
                    .lanes
                    .iter()
                    .find(|l| l.name == name)
                    .cloned()
                    .unwrap_or(Lane {
                        name,
                        ..Lane::default()
                    })
            })
            .collect()
    }

    /// The cues the stage preview plays: all of them, less those on muted lanes, and only
    /// those on soloed lanes when any lane is soloed. Borrowed when nothing is left out.
    pub fn preview_cues(&self) -> Cow<'_, [Cue]> {
        let lanes = &self.show.lanes;
        let any_solo = lanes.iter().any(|l| l.solo);
        if !any_solo && !lanes.iter().any(|l| l.muted) {
            return Cow::Borrowed(&self.show.cues);
        }
        let plays = |cue: &&Cue| {
            let name = cue.lane.as_deref().unwrap_or("");
            let lane = lanes.iter().find(|l| l.name == name);
            let solo = lane.is_some_and(|l| l.solo);
            !lane.is_some_and(|l| l.muted) && (solo || !any_solo)
        };
        Cow::Owned(self.show.cues.iter().filter(plays).cloned().collect())
    }

    /// The tempo grid's sections, in time order.
    pub fn tempo(&self) -> &[TempoSection] {
        &self.show.tempo
    }

    /// The tempo grid (empty when the show has no sections). Its section indices are the
    /// show's: every section a document holds is valid (files are checked, edits keep them).
    pub fn tempo_map(&self) -> TempoMap {
        TempoMap::new(&self.show.tempo)
    }

    /// The end of the last cue or marker (time + duration), at least 0.
    pub fn content_end_ms(&self) -> i64 {
        let cues = self
            .show
            .cues
            .iter()
            .map(|c| c.time.saturating_add(c.duration.unwrap_or(0)));
        let markers = self.show.markers.iter().map(|m| m.time);
        cues.chain(markers).max().unwrap_or(0).max(0)
    }

    /// What Undo would undo, e.g. "Move 3 cues".
    pub fn undo_label(&self) -> Option<&str> {
        let (labels, applied) = self.history.labels();
        applied.checked_sub(1).and_then(|i| labels.get(i).copied())
    }

    /// What Redo would redo.
    pub fn redo_label(&self) -> Option<&str> {
        let (labels, applied) = self.history.labels();
        labels.get(applied).copied()
    }

    /// Labels of the undo steps, oldest first, and how many of them are applied.
    pub fn history_labels(&self) -> (Vec<&str>, usize) {
        self.history.labels()
    }

    /// Apply one edit, recording an undo step (or merging into the last one).
    /// Returns the ids of cues the edit created (for selecting them).
    pub fn apply(&mut self, edit: Edit) -> Vec<CueId> {
        let merge = edit.merge_key();
        // Within a gesture (each frame of a drag) the step keeps its first state: no copy
        // of the show for an edit that continues it.
        let created = if self.history.continues(merge) {
            let created = edit::apply(self, edit);
            self.history.record_continued();
            created
        } else {
            let snapshot = self.snapshot();
            let label = edit.label();
            let created = edit::apply(self, edit);
            self.history.record(label, merge, snapshot);
            created
        };
        self.revision = next_revision();
        created
    }

    pub fn undo(&mut self) -> bool {
        let current = self.snapshot();
        match self.history.undo(current) {
            Some(s) => {
                self.restore(s);
                true
            }
            None => false,
        }
    }

    pub fn redo(&mut self) -> bool {
        let current = self.snapshot();
        match self.history.redo(current) {
            Some(s) => {
                self.restore(s);
                true
            }
            None => false,
        }
    }

    /// Ends any merging: the next edit starts a new undo step even with the same merge key.
    pub fn seal_history(&mut self) {
        self.history.seal();
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            show: self.show.clone(),
            ids: self.ids.clone(),
            marker_ids: self.marker_ids.clone(),
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.show = s.show;
        self.ids = s.ids;
        self.marker_ids = s.marker_ids;
        self.revision = next_revision();
    }

    fn fresh_id(&mut self) -> CueId {
        let id = CueId(self.next_id);
        self.next_id += 1;
        id
    }
}

fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The state an undo step returns to.
#[derive(Clone)]
struct Snapshot {
    show: Show,
    ids: Vec<CueId>,
    marker_ids: Vec<MarkerId>,
}

impl Snapshot {
    /// A rough size, for bounding the history's memory.
    fn weight(&self) -> usize {
        self.show.cues.len() + self.show.markers.len() + 1
    }
}

#[cfg(test)]
mod tests;
