//! Undo and redo as whole-show snapshots, bounded in count and size.
//!
//! A snapshot of 20,000 cues is a few MB; the history keeps at most [`MAX_STEPS`] steps and
//! at most [`MAX_WEIGHT`] cues and markers over all of them, dropping the oldest first.
//! The history is never saved.

use super::Snapshot;

const MAX_STEPS: usize = 200;
const MAX_WEIGHT: usize = 2_000_000;

struct Step {
    label: String,
    /// The state before this step.
    before: Snapshot,
}

#[derive(Default)]
pub(super) struct History {
    undo: Vec<Step>,
    /// States undone, most recent last, each with the label of the step that leads to it.
    redo: Vec<Step>,
    /// The merge key of the last recorded step, while merging is allowed.
    open_merge: Option<u64>,
}

impl History {
    /// Whether an edit with `merge` continues the last step (the same gesture), which keeps
    /// its older "before" state, so the edit needs no snapshot.
    pub fn continues(&self, merge: Option<u64>) -> bool {
        merge.is_some() && merge == self.open_merge && !self.undo.is_empty()
    }

    /// Records an edit that [`History::continues`] the last step.
    pub fn record_continued(&mut self) {
        self.redo.clear();
    }

    pub fn record(&mut self, label: String, merge: Option<u64>, before: Snapshot) {
        self.redo.clear();
        if self.continues(merge) {
            // Same gesture: keep the older "before" state.
            return;
        }
        self.open_merge = merge;
        self.undo.push(Step { label, before });
        self.trim();
    }

    pub fn seal(&mut self) {
        self.open_merge = None;
    }

    pub fn undo(&mut self, current: Snapshot) -> Option<Snapshot> {
        let step = self.undo.pop()?;
        self.open_merge = None;
        self.redo.push(Step {
            label: step.label,
            before: current,
        });
        Some(step.before)
    }

    pub fn redo(&mut self, current: Snapshot) -> Option<Snapshot> {
        let step = self.redo.pop()?;
        self.open_merge = None;
        self.undo.push(Step {
            label: step.label,
            before: current,
        });
        Some(step.before)
    }

    /// All step labels, oldest first (applied ones, then undone ones), and the applied count.
    pub fn labels(&self) -> (Vec<&str>, usize) {
        let applied = self.undo.iter().map(|s| s.label.as_str());
        let undone = self.redo.iter().rev().map(|s| s.label.as_str());
        (applied.chain(undone).collect(), self.undo.len())
    }

    fn trim(&mut self) {
        let mut weight: usize = self.undo.iter().map(|s| s.before.weight()).sum();
        let mut drop = 0;
        while self.undo.len() - drop > 1
            && (self.undo.len() - drop > MAX_STEPS || weight > MAX_WEIGHT)
        {
            weight -= self.undo[drop].before.weight();
            drop += 1;
        }
        self.undo.drain(..drop);
    }
}
