//! The modal dialogs. Each answers with an [`Action`] and closes itself; none changes the
//! app directly.

use std::path::PathBuf;

use egui::RichText;

use super::command::shortcut_texts;
use super::{Action, Pending, PendingAdmin, Purpose, UiCommand};
use crate::doc::autosave::Recovery;

/// The open dialog and its own state.
#[derive(Clone, Debug, PartialEq)]
pub enum Modal {
    /// The show has unsaved changes: save, discard or cancel before doing this.
    Unsaved(Pending),
    /// No file dialog is available: a path typed by hand.
    Path {
        purpose: Purpose,
        text: String,
    },
    /// Autosaves found at start.
    Recover(Vec<Recovery>),
    Shortcuts,
    /// An operator's change to the live show, waiting for confirmation.
    ConfirmAdmin(PendingAdmin),
}

/// What the dialogs show besides their own state.
pub struct ModalView<'a> {
    pub doc_name: &'a str,
    /// The time server the live session follows.
    pub server: &'a str,
}

/// Draws the open dialog; it closes (`*modal = None`) when answered.
pub fn modal_ui(
    ctx: &egui::Context,
    modal: &mut Option<Modal>,
    view: &ModalView<'_>,
    actions: &mut Vec<Action>,
) {
    let Some(open) = modal.as_mut() else {
        return;
    };
    let mut answer: Option<Option<Action>> = None;
    match open {
        Modal::Unsaved(pending) => unsaved_ui(ctx, pending, view, &mut answer),
        Modal::Path { purpose, text } => path_ui(ctx, *purpose, text, &mut answer),
        Modal::Recover(list) => recover_ui(ctx, list, &mut answer),
        Modal::ConfirmAdmin(pending) => confirm_ui(ctx, pending, view, &mut answer),
        Modal::Shortcuts => shortcuts_ui(ctx, &mut answer),
    }
    // Answered: close, then act.
    if let Some(action) = answer {
        *modal = None;
        actions.extend(action);
    }
}

/// `answer` is set when the dialog closes: with the action it asks for, or `None` (cancel).
type Answer = Option<Option<Action>>;

fn escape(ui: &egui::Ui) -> bool {
    ui.input(|i| i.key_pressed(egui::Key::Escape))
}

fn unsaved_ui(ctx: &egui::Context, pending: &Pending, view: &ModalView<'_>, answer: &mut Answer) {
    egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!(
            "“{}” has changes that are not saved.",
            view.doc_name
        ));
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                *answer = Some(Some(Action::SaveThen(pending.clone())));
            }
            if ui.button("Discard changes").clicked() {
                *answer = Some(Some(Action::DiscardThen(pending.clone())));
            }
            if ui.button("Cancel").clicked() || escape(ui) {
                *answer = Some(None);
            }
        });
    });
}

fn path_ui(ctx: &egui::Context, purpose: Purpose, text: &mut String, answer: &mut Answer) {
    egui::Modal::new(egui::Id::unique("path")).show(ctx, |ui| {
        ui.heading(purpose.title());
        ui.label(RichText::new("No file dialog is available here: type a path.").weak());
        // Read Enter before the field takes it (a single-line field consumes Enter and
        // gives up focus, so after it the key is gone).
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
        let label = ui.label("Path");
        let resp = ui
            .add(egui::TextEdit::singleline(text).desired_width(480.0))
            .labelled_by(label.id);
        if !resp.has_focus() {
            resp.request_focus();
        }
        ui.horizontal(|ui| {
            if ui.button("OK").clicked() || enter {
                let path = PathBuf::from(text.trim());
                *answer = Some(Some(Action::PathChosen(purpose, path)));
            }
            if ui.button("Cancel").clicked() || escape(ui) {
                *answer = Some(None);
            }
        });
    });
}

fn recover_ui(ctx: &egui::Context, list: &[Recovery], answer: &mut Answer) {
    egui::Modal::new(egui::Id::unique("recover")).show(ctx, |ui| {
        ui.heading("Recover unsaved work?");
        ui.label("Cuestudio did not close cleanly. These autosaves were found:");
        for r in list {
            ui.horizontal(|ui| {
                let name = r
                    .original
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "Untitled show".into());
                ui.label(name);
                if ui.button("Restore").clicked() {
                    *answer = Some(Some(Action::Restore(r.clone())));
                }
            });
        }
        ui.horizontal(|ui| {
            if ui.button("Discard all").clicked() {
                *answer = Some(Some(Action::DiscardRecoveries(list.to_vec())));
            }
            if ui.button("Later").clicked() {
                *answer = Some(None);
            }
        });
    });
}

fn confirm_ui(
    ctx: &egui::Context,
    pending: &PendingAdmin,
    view: &ModalView<'_>,
    answer: &mut Answer,
) {
    egui::Modal::new(egui::Id::unique("confirm-admin")).show(ctx, |ui| {
        ui.heading("Confirm");
        ui.label(&pending.what);
        ui.label(RichText::new(format!("Server: {}", view.server)).weak());
        ui.horizontal(|ui| {
            if ui.button("Confirm").clicked() {
                *answer = Some(Some(Action::SendAdmin(pending.clone())));
            }
            if ui.button("Cancel").clicked() || escape(ui) {
                *answer = Some(None);
            }
        });
    });
}

/// Help → Keyboard shortcuts, listed from the commands themselves.
fn shortcuts_ui(ctx: &egui::Context, answer: &mut Answer) {
    egui::Modal::new(egui::Id::unique("shortcuts")).show(ctx, |ui| {
        ui.heading("Keyboard shortcuts");
        egui::ScrollArea::vertical()
            .max_height(520.0)
            .show(ui, |ui| {
                egui::Grid::new("keys").striped(true).show(ui, |ui| {
                    for &cmd in UiCommand::ALL {
                        ui.label(cmd.label());
                        ui.monospace(shortcut_texts(ui.ctx(), cmd).join(", "));
                        ui.label(RichText::new(cmd.tooltip()).weak());
                        ui.end_row();
                    }
                });
            });
        if ui.button("Close").clicked() || escape(ui) {
            *answer = Some(None);
        }
    });
}
