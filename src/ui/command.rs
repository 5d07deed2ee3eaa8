//! The user-level commands: one enum gives each its label, tooltip and default shortcut,
//! used by the menus, the keymap and Help → Keyboard shortcuts.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UiCommand {
    New,
    Open,
    Save,
    SaveAs,
    ImportSheet,
    ExportExtended,
    ExportSeed,
    Quit,
    Undo,
    Redo,
    RedoAlt,
    Copy,
    Cut,
    Paste,
    Delete,
    SelectAll,
    PlayPause,
    JumpStart,
    JumpEnd,
    TapCue,
    AddMarker,
    NudgeLeft,
    NudgeRight,
    NudgeLeftBig,
    NudgeRightBig,
    LoopSelection,
    ZoomIn,
    ZoomOut,
    ZoomFit,
    ToggleAudience,
    ShowShortcuts,
}

impl UiCommand {
    pub const ALL: &[UiCommand] = &[
        UiCommand::New,
        UiCommand::Open,
        UiCommand::Save,
        UiCommand::SaveAs,
        UiCommand::ImportSheet,
        UiCommand::ExportExtended,
        UiCommand::ExportSeed,
        UiCommand::Quit,
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::RedoAlt,
        UiCommand::Copy,
        UiCommand::Cut,
        UiCommand::Paste,
        UiCommand::Delete,
        UiCommand::SelectAll,
        UiCommand::PlayPause,
        UiCommand::JumpStart,
        UiCommand::JumpEnd,
        UiCommand::TapCue,
        UiCommand::AddMarker,
        UiCommand::NudgeLeft,
        UiCommand::NudgeRight,
        UiCommand::NudgeLeftBig,
        UiCommand::NudgeRightBig,
        UiCommand::LoopSelection,
        UiCommand::ZoomIn,
        UiCommand::ZoomOut,
        UiCommand::ZoomFit,
        UiCommand::ToggleAudience,
        UiCommand::ShowShortcuts,
    ];

    pub fn label(self) -> &'static str {
        match self {
            UiCommand::New => "New",
            UiCommand::Open => "Open…",
            UiCommand::Save => "Save",
            UiCommand::SaveAs => "Save As…",
            UiCommand::ImportSheet => "Import cue sheet…",
            UiCommand::ExportExtended => "Export cue sheet…",
            UiCommand::ExportSeed => "Export seed sheet…",
            UiCommand::Quit => "Quit",
            UiCommand::Undo => "Undo",
            UiCommand::Redo => "Redo",
            UiCommand::RedoAlt => "Redo (alternative)",
            UiCommand::Copy => "Copy",
            UiCommand::Cut => "Cut",
            UiCommand::Paste => "Paste at playhead",
            UiCommand::Delete => "Delete",
            UiCommand::SelectAll => "Select all",
            UiCommand::PlayPause => "Play / pause",
            UiCommand::JumpStart => "Jump to start",
            UiCommand::JumpEnd => "Jump to end",
            UiCommand::TapCue => "Tap cue at playhead",
            UiCommand::AddMarker => "Add marker at playhead",
            UiCommand::NudgeLeft => "Nudge left 10 ms",
            UiCommand::NudgeRight => "Nudge right 10 ms",
            UiCommand::NudgeLeftBig => "Nudge left 100 ms",
            UiCommand::NudgeRightBig => "Nudge right 100 ms",
            UiCommand::LoopSelection => "Loop selected range",
            UiCommand::ZoomIn => "Zoom in",
            UiCommand::ZoomOut => "Zoom out",
            UiCommand::ZoomFit => "Zoom to fit",
            UiCommand::ToggleAudience => "Audience view",
            UiCommand::ShowShortcuts => "Keyboard shortcuts",
        }
    }

    pub fn tooltip(self) -> &'static str {
        match self {
            UiCommand::New => "Start an empty show",
            UiCommand::Open => "Open a show or a CDN cue sheet",
            UiCommand::Save => "Save the show (atomically)",
            UiCommand::SaveAs => "Save the show under a new name",
            UiCommand::ImportSheet => "Replace the cues with those of a CDN cue sheet",
            UiCommand::ExportExtended => {
                "Write the CDN cue sheet with tolerance, duration and params"
            }
            UiCommand::ExportSeed => "Write the CDN cue sheet with only time and action",
            UiCommand::Quit => "Close Cuestudio",
            UiCommand::Undo => "Undo the last change",
            UiCommand::Redo => "Redo the last undone change",
            UiCommand::RedoAlt => "Redo the last undone change",
            UiCommand::Copy => "Copy the selected cues",
            UiCommand::Cut => "Cut the selected cues",
            UiCommand::Paste => "Paste cues so the first lands at the playhead",
            UiCommand::Delete => "Delete the selected cues",
            UiCommand::SelectAll => "Select every cue",
            UiCommand::PlayPause => "Start or pause playback",
            UiCommand::JumpStart => "Move the playhead to 0:00",
            UiCommand::JumpEnd => "Move the playhead to the end",
            UiCommand::TapCue => {
                "Add a cue at the audible position (minus the output latency setting)"
            }
            UiCommand::AddMarker => "Add a section marker at the playhead",
            UiCommand::NudgeLeft => "Move the selected cues 10 ms earlier",
            UiCommand::NudgeRight => "Move the selected cues 10 ms later",
            UiCommand::NudgeLeftBig => "Move the selected cues 100 ms earlier",
            UiCommand::NudgeRightBig => "Move the selected cues 100 ms later",
            UiCommand::LoopSelection => "Loop playback over the selected cues' span",
            UiCommand::ZoomIn => "Show less time",
            UiCommand::ZoomOut => "Show more time",
            UiCommand::ZoomFit => "Show the whole show",
            UiCommand::ToggleAudience => "Show the stage as a grid of viewers whose clocks drift",
            UiCommand::ShowShortcuts => "List every command and its keys",
        }
    }

    /// The default key for this command (the keymap is [`default_keymap`]).
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        default_keymap()
            .into_iter()
            .find(|(_, c)| *c == self)
            .map(|(k, _)| k)
    }
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

/// The keymap as data: key → command. Checked in this order, so more specific shortcuts
/// (with more modifiers) come first.
pub fn default_keymap() -> Vec<(KeyboardShortcut, UiCommand)> {
    use Modifiers as M;
    let cmd_shift = M::COMMAND.plus(M::SHIFT);
    vec![
        (key(cmd_shift, Key::S), UiCommand::SaveAs),
        (key(cmd_shift, Key::Z), UiCommand::Redo),
        (key(cmd_shift, Key::E), UiCommand::ExportSeed),
        (key(M::COMMAND, Key::N), UiCommand::New),
        (key(M::COMMAND, Key::O), UiCommand::Open),
        (key(M::COMMAND, Key::S), UiCommand::Save),
        (key(M::COMMAND, Key::I), UiCommand::ImportSheet),
        (key(M::COMMAND, Key::E), UiCommand::ExportExtended),
        (key(M::COMMAND, Key::Q), UiCommand::Quit),
        (key(M::COMMAND, Key::Z), UiCommand::Undo),
        (key(M::COMMAND, Key::Y), UiCommand::RedoAlt),
        (key(M::COMMAND, Key::A), UiCommand::SelectAll),
        (key(M::COMMAND, Key::Num0), UiCommand::ZoomFit),
        (key(M::SHIFT, Key::ArrowLeft), UiCommand::NudgeLeftBig),
        (key(M::SHIFT, Key::ArrowRight), UiCommand::NudgeRightBig),
        (key(M::NONE, Key::ArrowLeft), UiCommand::NudgeLeft),
        (key(M::NONE, Key::ArrowRight), UiCommand::NudgeRight),
        (key(M::NONE, Key::Space), UiCommand::PlayPause),
        (key(M::NONE, Key::Home), UiCommand::JumpStart),
        (key(M::NONE, Key::End), UiCommand::JumpEnd),
        (key(M::NONE, Key::T), UiCommand::TapCue),
        (key(M::NONE, Key::M), UiCommand::AddMarker),
        (key(M::NONE, Key::L), UiCommand::LoopSelection),
        (key(M::NONE, Key::Delete), UiCommand::Delete),
        (key(M::NONE, Key::Plus), UiCommand::ZoomIn),
        (key(M::NONE, Key::Equals), UiCommand::ZoomIn),
        (key(M::NONE, Key::Minus), UiCommand::ZoomOut),
        (key(M::NONE, Key::A), UiCommand::ToggleAudience),
        (key(M::NONE, Key::F1), UiCommand::ShowShortcuts),
    ]
}

/// Copy, cut and paste arrive as events, not key presses, in egui.
pub fn clipboard_command(event: &egui::Event) -> Option<UiCommand> {
    match event {
        egui::Event::Copy => Some(UiCommand::Copy),
        egui::Event::Cut => Some(UiCommand::Cut),
        egui::Event::Paste(_) => Some(UiCommand::Paste),
        _ => None,
    }
}

/// Every binding for `command`, formatted for people (e.g. "Ctrl+Shift+Z").
pub fn shortcut_texts(ctx: &egui::Context, command: UiCommand) -> Vec<String> {
    let mut texts: Vec<String> = default_keymap()
        .into_iter()
        .filter(|(_, c)| *c == command)
        .map(|(k, _)| ctx.format_shortcut(&k))
        .collect();
    match command {
        UiCommand::Copy => texts.push("Ctrl+C".into()),
        UiCommand::Cut => texts.push("Ctrl+X".into()),
        UiCommand::Paste => texts.push("Ctrl+V".into()),
        _ => {}
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_reachable_and_no_key_is_bound_twice() {
        let map = default_keymap();
        for (i, (a, _)) in map.iter().enumerate() {
            for (b, _) in &map[i + 1..] {
                assert!(a != b, "{a:?} bound twice");
            }
        }
        for &c in UiCommand::ALL {
            assert!(!c.label().is_empty() && !c.tooltip().is_empty());
            let clipboard = matches!(c, UiCommand::Copy | UiCommand::Cut | UiCommand::Paste);
            let menu_only = matches!(c, UiCommand::Quit);
            assert!(
                c.shortcut().is_some() || clipboard || menu_only,
                "{c:?} has no key"
            );
        }
    }
}
