//! Selection rules shared by the panels (the timeline and the cue list), so neither reaches
//! into the other.
//!
//! The selection is cues or one marker, never both: selecting a marker clears the cues,
//! selecting a cue clears the marker, and where cues are selected some other way (select
//! all, a new cue, a finding) they win: [`EditorState::selected_marker_index`] then gives
//! nothing, and the timeline drops the marker on its next frame.
//!
//! A lane picked in the timeline's lane headers (where tapped cues go) is selected alone
//! too; clicking a cue, a marker or empty space drops it. Cues that a tap adds to it do not:
//! they are in that lane.

use std::collections::BTreeSet;

use super::EditorState;
use crate::doc::{CueId, Document, MarkerId};

impl EditorState {
    /// A click on cue `id` in any panel ([`select_click`]); no marker or lane stays
    /// selected.
    pub fn click_cue(&mut self, id: CueId, modifiers: egui::Modifiers) {
        self.selected_marker = None;
        self.timeline.selected_lane = None;
        select_click(&mut self.selection, id, modifiers);
    }

    /// Selects the marker `id` alone.
    pub fn select_marker(&mut self, id: MarkerId) {
        self.selection.clear();
        self.timeline.selected_lane = None;
        self.selected_marker = Some(id);
    }

    /// Selects the lane `name` alone (`""` is the "(no lane)" lane).
    pub fn select_lane(&mut self, name: &str) {
        self.selection.clear();
        self.selected_marker = None;
        self.timeline.selected_lane = Some(name.to_owned());
    }

    /// Selects nothing.
    pub fn clear_selection(&mut self) {
        self.selection.clear();
        self.selected_marker = None;
        self.timeline.selected_lane = None;
    }

    /// Where the selected marker is in `doc`'s markers: `None` when no marker is selected,
    /// when it is gone (deleted, undone) or when cues are selected, which win.
    pub fn selected_marker_index(&self, doc: &Document) -> Option<usize> {
        if !self.selection.is_empty() {
            return None;
        }
        self.selected_marker.and_then(|id| doc.marker_index(id))
    }
}

/// Click selection: plain click selects one; Shift or Ctrl toggles the cue in the selection.
pub fn select_click(selection: &mut BTreeSet<CueId>, id: CueId, modifiers: egui::Modifiers) {
    if modifiers.shift || modifiers.command {
        if !selection.remove(&id) {
            selection.insert(id);
        }
    } else {
        selection.clear();
        selection.insert(id);
    }
}

#[cfg(test)]
mod tests {
    use cuesheet::{Cue, Marker, Show};
    use egui::Modifiers;

    use super::*;

    #[test]
    fn a_marker_and_cues_are_never_selected_together() {
        let doc = Document::new(
            Show {
                cues: vec![Cue::default()],
                markers: vec![Marker {
                    time: 500,
                    label: "Intro".into(),
                }],
                ..Show::default()
            },
            None,
        );
        let (cue, marker) = (doc.cue_ids()[0], doc.marker_ids()[0]);
        let mut st = EditorState::default();
        st.click_cue(cue, Modifiers::NONE);
        st.select_marker(marker);
        assert!(st.selection.is_empty());
        assert_eq!(st.selected_marker_index(&doc), Some(0));
        st.click_cue(cue, Modifiers::SHIFT);
        assert_eq!(st.selected_marker, None);
        // Cues selected behind its back (select all) win over a selected marker.
        st.select_marker(marker);
        st.selection.insert(cue);
        assert_eq!(st.selected_marker_index(&doc), None);
        // A lane is selected alone too; a cue or a marker drops it.
        st.select_lane("Pyro");
        assert!(st.selection.is_empty() && st.selected_marker.is_none());
        assert_eq!(st.timeline.selected_lane.as_deref(), Some("Pyro"));
        st.click_cue(cue, Modifiers::NONE);
        assert_eq!(st.timeline.selected_lane, None);
        st.select_lane("");
        st.select_marker(marker);
        assert_eq!(st.timeline.selected_lane, None);
        st.select_lane("Pyro");
        st.clear_selection();
        assert_eq!((st.selection.len(), st.selected_marker), (0, None));
        assert_eq!(st.timeline.selected_lane, None);
        // A marker of another document is not one of this one's.
        let other = Document::new(doc.show().clone(), None);
        st.select_marker(other.marker_ids()[0]);
        assert_eq!(st.selected_marker_index(&doc), None);
    }

    #[test]
    fn a_plain_click_selects_one_and_shift_or_ctrl_toggles() {
        let mut sel: BTreeSet<CueId> = [CueId(1), CueId(2)].into_iter().collect();
        select_click(&mut sel, CueId(3), Modifiers::NONE);
        assert_eq!(sel, [CueId(3)].into_iter().collect());
        select_click(&mut sel, CueId(4), Modifiers::SHIFT);
        assert_eq!(sel, [CueId(3), CueId(4)].into_iter().collect());
        select_click(&mut sel, CueId(3), Modifiers::COMMAND);
        assert_eq!(sel, [CueId(4)].into_iter().collect());
    }
}
