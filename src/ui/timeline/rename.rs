//! The in-place rename field of markers and lanes: a one-line field floating over what it
//! renames, which takes the keyboard until it has it, and ends on Enter or a click away
//! (a new name) or Escape (none).

use egui::{Key, Pos2};

/// How a rename field's frame ended.
pub(super) enum Renamed {
    /// Still typing.
    Editing,
    /// Ended with no change: Escape, a blank name or the old one.
    Unchanged,
    /// Ended with this new name (trimmed).
    To(String),
}

/// Draws the field for `text` at `at`, `width` wide; `focused` remembers that it had the
/// keyboard once (both kept by the caller between frames). `old` is the current name;
/// `accessible` names the field.
pub(super) fn rename_field(
    ui: &egui::Ui,
    salt: &str,
    at: Pos2,
    width: f32,
    accessible: &str,
    (text, focused): (&mut String, &mut bool),
    old: &str,
) -> Renamed {
    let field = egui::Area::new(ui.scope_id().with(salt))
        .order(egui::Order::Foreground)
        .fixed_pos(at)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(2.0)
                .show(ui, |ui| {
                    ui.add(egui::TextEdit::singleline(text).desired_width(width))
                        .accessible_name(accessible)
                })
                .inner
        })
        .inner;
    // The widget's focus, not `has_focus`, which also needs the window to have it.
    *focused |= ui.ctx().memory(|m| m.has_focus(field.id));
    if !*focused {
        // Until the field has the keyboard: a new area's first frame only measures it.
        field.request_focus();
        ui.ctx().request_repaint();
        return Renamed::Editing;
    }
    if !field.lost_focus() {
        return Renamed::Editing;
    }
    let new = text.trim();
    let cancelled = ui.input(|i| i.key_pressed(Key::Escape));
    if cancelled || new.is_empty() || new == old {
        Renamed::Unchanged
    } else {
        Renamed::To(new.to_owned())
    }
}
