//! The menu bar: every item is a [`UiCommand`], disabled when it does not apply.

use std::path::PathBuf;

use egui::RichText;

use super::command::{CommandState, shortcut_texts};
use super::{Action, UiCommand};

/// What the menus show besides the commands.
pub struct MenuView<'a> {
    pub commands: &'a CommandState,
    pub recent: &'a [PathBuf],
    /// The undo steps, oldest first, and how many are applied.
    pub history: (Vec<&'a str>, usize),
}

/// One command as a menu item: its label (Undo and Redo say what), its keys, its tooltip.
pub fn command_button(
    ui: &mut egui::Ui,
    cmd: UiCommand,
    commands: &CommandState,
    actions: &mut Vec<Action>,
) {
    let enabled = commands.applies(cmd);
    if let Some(mut on) = commands.checked(cmd) {
        let check = egui::Checkbox::new(&mut on, commands.menu_label(cmd));
        if ui
            .add_enabled(enabled, check)
            .on_hover_text(cmd.tooltip())
            .clicked()
        {
            actions.push(Action::Command(cmd));
        }
        return;
    }
    let shortcut = shortcut_texts(ui.ctx(), cmd).join(", ");
    let button = egui::Button::new(commands.menu_label(cmd)).shortcut_text(shortcut);
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(cmd.tooltip())
        .on_disabled_hover_text(cmd.tooltip())
        .clicked()
    {
        actions.push(Action::Command(cmd));
        ui.close();
    }
}

/// Several menu items, then a separator unless it is the last group.
fn group(
    ui: &mut egui::Ui,
    cmds: &[UiCommand],
    state: &CommandState,
    actions: &mut Vec<Action>,
    separator: bool,
) {
    for &cmd in cmds {
        command_button(ui, cmd, state, actions);
    }
    if separator {
        ui.separator();
    }
}

pub fn menu_ui(ui: &mut egui::Ui, view: &MenuView<'_>, actions: &mut Vec<Action>) {
    use UiCommand as C;
    let state = view.commands;
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            group(ui, &[C::New, C::Open], state, actions, false);
            ui.menu_button("Open Recent", |ui| recent_ui(ui, view, actions));
            ui.separator();
            group(ui, &[C::Save, C::SaveAs], state, actions, true);
            let files = [
                C::ImportSheet,
                C::ImportTiming,
                C::ExportExtended,
                C::ExportSeed,
                C::OpenAudio,
            ];
            group(ui, &files, state, actions, true);
            group(ui, &[C::Quit], state, actions, false);
        });
        ui.menu_button("Edit", |ui| {
            group(ui, &[C::Undo, C::Redo], state, actions, true);
            let clipboard = [C::Cut, C::Copy, C::Paste, C::Delete, C::SelectAll];
            group(ui, &clipboard, state, actions, true);
            group(
                ui,
                &[C::TapCue, C::AddMarker, C::AddLane],
                state,
                actions,
                true,
            );
            group(
                ui,
                &[C::TapTempo, C::ApplyTapTempo, C::Quantise],
                state,
                actions,
                true,
            );
            group(ui, &[C::AnalyseBeats], state, actions, true);
            ui.menu_button("History", |ui| history_ui(ui, view));
        });
        ui.menu_button("View", |ui| {
            group(ui, &[C::PrevMarker, C::NextMarker], state, actions, true);
            group(
                ui,
                &[C::ZoomIn, C::ZoomOut, C::ZoomFit],
                state,
                actions,
                true,
            );
            let toggles = [C::ToggleAudience, C::ToggleFollowPlayhead, C::ToggleSnap];
            group(ui, &toggles, state, actions, true);
            group(
                ui,
                &[C::ToggleCueList, C::ToggleSidePanel],
                state,
                actions,
                false,
            );
        });
        ui.menu_button("Help", |ui| {
            group(ui, &[C::ShowShortcuts], state, actions, false);
        });
    });
}

fn recent_ui(ui: &mut egui::Ui, view: &MenuView<'_>, actions: &mut Vec<Action>) {
    if view.recent.is_empty() {
        ui.label(RichText::new("(none yet)").weak());
    }
    for (i, path) in view.recent.iter().enumerate() {
        let cmd = UiCommand::OpenRecent(i);
        let button = egui::Button::new(path.display().to_string());
        if ui.add_enabled(view.commands.applies(cmd), button).clicked() {
            actions.push(Action::Command(cmd));
            ui.close();
        }
    }
}

fn history_ui(ui: &mut egui::Ui, view: &MenuView<'_>) {
    let (labels, applied) = &view.history;
    if labels.is_empty() {
        ui.label(RichText::new("(no changes yet)").weak());
    }
    for (i, l) in labels.iter().enumerate() {
        let text = if i < *applied {
            RichText::new(format!("{}. {l}", i + 1))
        } else {
            RichText::new(format!("{}. {l} (undone)", i + 1)).weak()
        };
        ui.label(text);
    }
}
