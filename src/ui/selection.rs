//! Selection rules shared by the panels (the timeline and the cue list), so neither reaches
//! into the other.

use std::collections::BTreeSet;

use crate::doc::CueId;

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
    use egui::Modifiers;

    use super::*;

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
