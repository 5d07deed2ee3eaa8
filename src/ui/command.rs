//! The user-level commands as data, in the manner of rerun's `UICommand`: one enum gives
//! each its label, tooltip and shortcuts, used by the menus, the keymap and Help → Keyboard
//! shortcuts; [`CommandState`] says which apply now and what Undo and Redo would do.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::Action;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UiCommand {
    New,
    Open,
    Save,
    SaveAs,
    ImportSheet,
    ImportTiming,
    AnalyseBeats,
    ExportExtended,
    ExportSeed,
    OpenAudio,
    /// The n-th file of File → Open Recent.
    OpenRecent(usize),
    Quit,
    Undo,
    Redo,
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
    AddLane,
    /// Tap tempo: one tap in time with the music.
    TapTempo,
    /// Tap tempo's Apply: a tempo section at the tapped tempo from the first tap.
    ApplyTapTempo,
    /// The selected cues to the snap grid.
    Quantise,
    PrevMarker,
    NextMarker,
    NudgeLeft,
    NudgeRight,
    NudgeLeftBig,
    NudgeRightBig,
    LoopSelection,
    ZoomIn,
    ZoomOut,
    ZoomFit,
    ToggleAudience,
    ToggleFollowPlayhead,
    ToggleSnap,
    ToggleCueList,
    ToggleSidePanel,
    ShowShortcuts,
}

impl UiCommand {
    /// Every command with a fixed meaning (not [`UiCommand::OpenRecent`]), in menu order.
    pub const ALL: &[UiCommand] = &[
        UiCommand::New,
        UiCommand::Open,
        UiCommand::Save,
        UiCommand::SaveAs,
        UiCommand::ImportSheet,
        UiCommand::ImportTiming,
        UiCommand::AnalyseBeats,
        UiCommand::ExportExtended,
        UiCommand::ExportSeed,
        UiCommand::OpenAudio,
        UiCommand::Quit,
        UiCommand::Undo,
        UiCommand::Redo,
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
        UiCommand::AddLane,
        UiCommand::TapTempo,
        UiCommand::ApplyTapTempo,
        UiCommand::Quantise,
        UiCommand::PrevMarker,
        UiCommand::NextMarker,
        UiCommand::NudgeLeft,
        UiCommand::NudgeRight,
        UiCommand::NudgeLeftBig,
        UiCommand::NudgeRightBig,
        UiCommand::LoopSelection,
        UiCommand::ZoomIn,
        UiCommand::ZoomOut,
        UiCommand::ZoomFit,
        UiCommand::ToggleAudience,
        UiCommand::ToggleFollowPlayhead,
        UiCommand::ToggleSnap,
        UiCommand::ToggleCueList,
        UiCommand::ToggleSidePanel,
        UiCommand::ShowShortcuts,
    ];

    pub fn label(self) -> &'static str {
        match self {
            UiCommand::New => "New",
            UiCommand::Open => "Open…",
            UiCommand::Save => "Save",
            UiCommand::SaveAs => "Save As…",
            UiCommand::ImportSheet => "Import cue sheet…",
            UiCommand::ImportTiming => "Import timing…",
            UiCommand::AnalyseBeats => "Analyse beats",
            UiCommand::ExportExtended => "Export cue sheet…",
            UiCommand::ExportSeed => "Export seed sheet…",
            UiCommand::OpenAudio => "Open audio…",
            UiCommand::OpenRecent(_) => "Open recent",
            UiCommand::Quit => "Quit",
            UiCommand::Undo => "Undo",
            UiCommand::Redo => "Redo",
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
            UiCommand::AddLane => "Add lane",
            UiCommand::TapTempo => "Tap tempo",
            UiCommand::ApplyTapTempo => "Apply tapped tempo",
            UiCommand::Quantise => "Quantise to grid",
            UiCommand::PrevMarker => "Previous marker",
            UiCommand::NextMarker => "Next marker",
            UiCommand::NudgeLeft => "Nudge left 10 ms",
            UiCommand::NudgeRight => "Nudge right 10 ms",
            UiCommand::NudgeLeftBig => "Nudge left 100 ms",
            UiCommand::NudgeRightBig => "Nudge right 100 ms",
            UiCommand::LoopSelection => "Loop selected range",
            UiCommand::ZoomIn => "Zoom in",
            UiCommand::ZoomOut => "Zoom out",
            UiCommand::ZoomFit => "Zoom to fit",
            UiCommand::ToggleAudience => "Audience view",
            UiCommand::ToggleFollowPlayhead => "Follow playhead",
            UiCommand::ToggleSnap => "Snap to grid",
            UiCommand::ToggleCueList => "Cue list",
            UiCommand::ToggleSidePanel => "Inspector panel",
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
            UiCommand::ImportTiming => {
                "Bring a timing file in as a new lane, after a preview: Audacity labels, CSV, \
                 LRC lyrics, SRT subtitles, xLights timing, REAPER markers or MIDI notes"
            }
            UiCommand::AnalyseBeats => {
                "Find the beats, bars and tempo of the show's audio (in the background) and \
                 make them the tempo grid, in one undo step"
            }
            UiCommand::ExportExtended => {
                "Write the CDN cue sheet with tolerance, duration and params"
            }
            UiCommand::ExportSeed => "Write the CDN cue sheet with only time and action",
            UiCommand::OpenAudio => {
                "Choose the show's audio track: an audio file (WAV, MP3, Ogg, FLAC, AIFF…) \
                 or a video's sound (MP4, MOV, M4A, MKV, WebM)"
            }
            UiCommand::OpenRecent(_) => "Open a show opened before",
            UiCommand::Quit => "Close Cuestudio",
            UiCommand::Undo => "Undo the last change",
            UiCommand::Redo => "Redo the last undone change",
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
            UiCommand::AddLane => {
                "Add an empty lane and select it, so taps land there (double-click its name to rename it)"
            }
            UiCommand::TapTempo => {
                "Tap in time with the music, playing or not; the tempo shows in the toolbar \
                 (a pause of 2 s starts over)"
            }
            UiCommand::ApplyTapTempo => {
                "Set a tempo section at the tapped tempo, its first downbeat where the first \
                 tap was"
            }
            UiCommand::Quantise => {
                "Move the selected cues to the nearest line of the snap grid chosen in the \
                 toolbar (one undo step)"
            }
            UiCommand::PrevMarker => {
                "Move the playhead to the marker before it (while playing, the one before the \
                 marker just passed)"
            }
            UiCommand::NextMarker => "Move the playhead to the marker after it",
            UiCommand::NudgeLeft => "Move the selected cues 10 ms earlier",
            UiCommand::NudgeRight => "Move the selected cues 10 ms later",
            UiCommand::NudgeLeftBig => "Move the selected cues 100 ms earlier",
            UiCommand::NudgeRightBig => "Move the selected cues 100 ms later",
            UiCommand::LoopSelection => "Loop playback over the selected cues' span",
            UiCommand::ZoomIn => "Show less time",
            UiCommand::ZoomOut => "Show more time",
            UiCommand::ZoomFit => "Show the whole show",
            UiCommand::ToggleAudience => "Show the stage as a grid of viewers whose clocks drift",
            UiCommand::ToggleFollowPlayhead => "Scroll the timeline to keep the playhead in view",
            UiCommand::ToggleSnap => {
                "Snap drags to the grid chosen in the toolbar (the tempo's bars, beats or \
                 parts of a beat; 250 ms without a tempo) and to other cues (hold Alt to \
                 bypass)"
            }
            UiCommand::ToggleCueList => "Show or hide the cue list on the left",
            UiCommand::ToggleSidePanel => {
                "Show or hide the inspector, lint, catalog and Live panel on the right"
            }
            UiCommand::ShowShortcuts => "List every command and its keys",
        }
    }

    /// The keys that run this command, the first one shown in menus. Copy, Cut and Paste
    /// come as clipboard events instead (see [`clipboard_command`]).
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        use Modifiers as M;
        const CMD_SHIFT: Modifiers = M::COMMAND.plus(M::SHIFT);
        match self {
            UiCommand::New => const { &[key(M::COMMAND, Key::N)] },
            UiCommand::Open => const { &[key(M::COMMAND, Key::O)] },
            UiCommand::Save => const { &[key(M::COMMAND, Key::S)] },
            UiCommand::SaveAs => const { &[key(CMD_SHIFT, Key::S)] },
            UiCommand::ImportSheet => const { &[key(M::COMMAND, Key::I)] },
            UiCommand::ImportTiming => const { &[key(CMD_SHIFT, Key::I)] },
            UiCommand::ExportExtended => const { &[key(M::COMMAND, Key::E)] },
            UiCommand::ExportSeed => const { &[key(CMD_SHIFT, Key::E)] },
            UiCommand::Quit => const { &[key(M::COMMAND, Key::Q)] },
            UiCommand::Undo => const { &[key(M::COMMAND, Key::Z)] },
            UiCommand::Redo => const { &[key(CMD_SHIFT, Key::Z), key(M::COMMAND, Key::Y)] },
            UiCommand::SelectAll => const { &[key(M::COMMAND, Key::A)] },
            UiCommand::ZoomFit => const { &[key(M::COMMAND, Key::Num0)] },
            UiCommand::NudgeLeftBig => const { &[key(M::SHIFT, Key::ArrowLeft)] },
            UiCommand::NudgeRightBig => const { &[key(M::SHIFT, Key::ArrowRight)] },
            UiCommand::NudgeLeft => const { &[key(M::NONE, Key::ArrowLeft)] },
            UiCommand::NudgeRight => const { &[key(M::NONE, Key::ArrowRight)] },
            UiCommand::PlayPause => const { &[key(M::NONE, Key::Space)] },
            UiCommand::JumpStart => const { &[key(M::NONE, Key::Home)] },
            UiCommand::JumpEnd => const { &[key(M::NONE, Key::End)] },
            UiCommand::TapCue => const { &[key(M::NONE, Key::T)] },
            UiCommand::TapTempo => const { &[key(M::NONE, Key::B)] },
            UiCommand::ApplyTapTempo => const { &[key(M::NONE, Key::Enter)] },
            UiCommand::Quantise => const { &[key(M::NONE, Key::Q)] },
            UiCommand::AddMarker => const { &[key(M::NONE, Key::M)] },
            UiCommand::PrevMarker => const { &[key(M::NONE, Key::OpenBracket)] },
            UiCommand::NextMarker => const { &[key(M::NONE, Key::CloseBracket)] },
            UiCommand::LoopSelection => const { &[key(M::NONE, Key::L)] },
            UiCommand::Delete => const { &[key(M::NONE, Key::Delete)] },
            UiCommand::ZoomIn => const { &[key(M::NONE, Key::Plus), key(M::NONE, Key::Equals)] },
            UiCommand::ZoomOut => const { &[key(M::NONE, Key::Minus)] },
            UiCommand::ToggleAudience => const { &[key(M::NONE, Key::A)] },
            UiCommand::ShowShortcuts => const { &[key(M::NONE, Key::F1)] },
            UiCommand::ToggleCueList => const { &[key(M::COMMAND, Key::Num1)] },
            UiCommand::ToggleSidePanel => const { &[key(M::COMMAND, Key::Num2)] },
            UiCommand::Copy
            | UiCommand::Cut
            | UiCommand::Paste
            | UiCommand::OpenAudio
            | UiCommand::AddLane
            | UiCommand::AnalyseBeats
            | UiCommand::OpenRecent(_)
            | UiCommand::ToggleFollowPlayhead
            | UiCommand::ToggleSnap => &[],
        }
    }

    /// Whether the command's key is left to the widgets (Enter to a focused button) when
    /// the command does not apply, instead of being taken and ignored.
    pub fn leaves_its_key_unless_it_applies(self) -> bool {
        matches!(self, UiCommand::ApplyTapTempo)
    }

    /// Whether the command edits text-field-like state that a focused text field handles
    /// itself (its own undo, select all), so the app leaves the keys to it while typing.
    pub fn yields_to_text_fields(self) -> bool {
        matches!(
            self,
            UiCommand::Undo | UiCommand::Redo | UiCommand::SelectAll
        )
    }
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

/// The keymap, derived from [`UiCommand::shortcuts`]: key → command, with the shortcuts
/// that hold more modifiers first, because egui also matches Ctrl+Z when Shift is held.
pub fn keymap() -> Vec<(KeyboardShortcut, UiCommand)> {
    let mut map: Vec<(KeyboardShortcut, UiCommand)> = UiCommand::ALL
        .iter()
        .flat_map(|&c| c.shortcuts().iter().map(move |&k| (k, c)))
        .collect();
    let weight = |k: &KeyboardShortcut| {
        let m = k.modifiers;
        [m.command || m.ctrl, m.shift, m.alt]
            .iter()
            .filter(|&&b| b)
            .count()
    };
    map.sort_by_key(|(k, _)| std::cmp::Reverse(weight(k)));
    map
}

/// What decides whether a command applies now, and what Undo and Redo name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CommandState {
    /// The document may change (not live).
    pub editable: bool,
    /// The server's clock drives the transport.
    pub live: bool,
    pub cues_selected: bool,
    pub marker_selected: bool,
    /// The show has markers.
    pub markers: bool,
    pub clipboard: bool,
    /// Playback loops over a range.
    pub looping: bool,
    /// What Undo would undo, e.g. "Move 3 cues".
    pub undo: Option<String>,
    pub redo: Option<String>,
    /// How many files File → Open Recent lists.
    pub recent: usize,
    /// The state of the toggles.
    pub audience: bool,
    pub following: bool,
    pub snapping: bool,
    pub cue_list: bool,
    pub side_panel: bool,
    /// The show's audio has decoded.
    pub audio_ready: bool,
    /// Edit › Analyse beats is running.
    pub analysing: bool,
    /// Tap tempo has a tempo to apply (two taps or more).
    pub tapped_tempo: bool,
}

impl CommandState {
    /// Whether `cmd` would do anything now: menus show the rest disabled, keys do nothing.
    pub fn applies(&self, cmd: UiCommand) -> bool {
        let edit = self.editable;
        match cmd {
            UiCommand::Undo => edit && self.undo.is_some(),
            UiCommand::Redo => edit && self.redo.is_some(),
            UiCommand::Copy => self.cues_selected,
            UiCommand::Cut => edit && self.cues_selected,
            UiCommand::Delete => edit && (self.cues_selected || self.marker_selected),
            UiCommand::NudgeLeft
            | UiCommand::NudgeRight
            | UiCommand::NudgeLeftBig
            | UiCommand::NudgeRightBig => edit && self.cues_selected,
            // Looping turns off with nothing selected.
            UiCommand::LoopSelection => self.cues_selected || self.looping,
            UiCommand::Paste => edit && self.clipboard,
            UiCommand::Quantise => edit && self.cues_selected && self.snapping,
            UiCommand::ApplyTapTempo => edit && self.tapped_tempo,
            UiCommand::TapCue
            | UiCommand::TapTempo
            | UiCommand::AddMarker
            | UiCommand::AddLane
            | UiCommand::ImportSheet
            | UiCommand::ImportTiming
            | UiCommand::OpenAudio => edit,
            UiCommand::AnalyseBeats => edit && self.audio_ready && !self.analysing,
            UiCommand::PlayPause | UiCommand::JumpStart | UiCommand::JumpEnd => !self.live,
            UiCommand::PrevMarker | UiCommand::NextMarker => !self.live && self.markers,
            UiCommand::OpenRecent(i) => i < self.recent,
            _ => true,
        }
    }

    /// Whether a toggle is on; `None` for commands that are not toggles.
    pub fn checked(&self, cmd: UiCommand) -> Option<bool> {
        match cmd {
            UiCommand::ToggleAudience => Some(self.audience),
            UiCommand::ToggleFollowPlayhead => Some(self.following),
            UiCommand::ToggleSnap => Some(self.snapping),
            UiCommand::ToggleCueList => Some(self.cue_list),
            UiCommand::ToggleSidePanel => Some(self.side_panel),
            _ => None,
        }
    }

    /// The menu text: Undo and Redo say what they would do.
    pub fn menu_label(&self, cmd: UiCommand) -> String {
        match (cmd, &self.undo, &self.redo) {
            (UiCommand::Undo, Some(what), _) => format!("Undo {what}"),
            (UiCommand::Redo, _, Some(what)) => format!("Redo {what}"),
            _ => cmd.label().to_owned(),
        }
    }
}

/// Copy and cut arrive as events, not key presses, in egui; so does paste, with the system
/// clipboard's text (and only when it holds text).
pub fn clipboard_action(event: &egui::Event) -> Option<Action> {
    match event {
        egui::Event::Copy => Some(Action::Command(UiCommand::Copy)),
        egui::Event::Cut => Some(Action::Command(UiCommand::Cut)),
        egui::Event::Paste(text) => Some(Action::PasteText(text.clone())),
        _ => None,
    }
}

/// Every binding for `command`, formatted for people (e.g. "Ctrl+Shift+Z").
pub fn shortcut_texts(ctx: &egui::Context, command: UiCommand) -> Vec<String> {
    let mut texts: Vec<String> = command
        .shortcuts()
        .iter()
        .map(|k| ctx.format_shortcut(k))
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
        let map = keymap();
        for (i, (a, _)) in map.iter().enumerate() {
            for (b, _) in &map[i + 1..] {
                assert!(a != b, "{a:?} bound twice");
            }
        }
        for &c in UiCommand::ALL {
            assert!(!c.label().is_empty() && !c.tooltip().is_empty());
            let clipboard = matches!(c, UiCommand::Copy | UiCommand::Cut | UiCommand::Paste);
            let menu_only = matches!(
                c,
                UiCommand::OpenAudio
                    | UiCommand::AddLane
                    | UiCommand::AnalyseBeats
                    | UiCommand::ToggleFollowPlayhead
                    | UiCommand::ToggleSnap
            );
            assert!(
                !c.shortcuts().is_empty() || clipboard || menu_only,
                "{c:?} has no key"
            );
        }
    }

    #[test]
    fn a_command_can_have_several_keys_and_specific_ones_come_first() {
        let map = keymap();
        let redo: Vec<_> = map.iter().filter(|(_, c)| *c == UiCommand::Redo).collect();
        assert_eq!(redo.len(), 2, "Ctrl+Shift+Z and Ctrl+Y");
        let pos = |cmd| map.iter().position(|(_, c)| *c == cmd).unwrap();
        // Ctrl+Shift+Z must be tried before Ctrl+Z, which egui also matches with Shift held.
        assert!(pos(UiCommand::Redo) < pos(UiCommand::Undo));
        assert!(pos(UiCommand::NudgeLeftBig) < pos(UiCommand::NudgeLeft));
    }

    #[test]
    fn commands_apply_only_when_they_would_do_something() {
        let idle = CommandState {
            editable: true,
            ..CommandState::default()
        };
        assert!(!idle.applies(UiCommand::Undo));
        assert!(!idle.applies(UiCommand::Delete));
        assert!(!idle.applies(UiCommand::Paste));
        assert!(!idle.applies(UiCommand::OpenRecent(0)));
        assert!(idle.applies(UiCommand::TapCue));
        assert!(idle.applies(UiCommand::TapTempo));
        assert!(
            !idle.applies(UiCommand::ApplyTapTempo),
            "nothing tapped yet"
        );
        assert!(!idle.applies(UiCommand::Quantise), "nothing selected");
        let grid = |snapping| CommandState {
            editable: true,
            cues_selected: true,
            snapping,
            tapped_tempo: true,
            ..CommandState::default()
        };
        assert!(grid(true).applies(UiCommand::Quantise));
        assert!(!grid(false).applies(UiCommand::Quantise), "no grid chosen");
        assert!(grid(false).applies(UiCommand::ApplyTapTempo));
        assert!(!idle.applies(UiCommand::NextMarker), "no markers to go to");
        let busy = CommandState {
            editable: true,
            marker_selected: true,
            markers: true,
            undo: Some("Move 3 cues".into()),
            recent: 2,
            ..CommandState::default()
        };
        assert!(busy.applies(UiCommand::Undo));
        assert!(
            busy.applies(UiCommand::Delete),
            "a selected marker can be deleted"
        );
        assert!(!busy.applies(UiCommand::Copy), "no cues to copy");
        assert!(busy.applies(UiCommand::OpenRecent(1)));
        assert!(!busy.applies(UiCommand::OpenRecent(2)));
        assert!(busy.applies(UiCommand::PrevMarker) && busy.applies(UiCommand::NextMarker));
        assert_eq!(busy.menu_label(UiCommand::Undo), "Undo Move 3 cues");
        assert_eq!(busy.menu_label(UiCommand::Redo), "Redo");
        let live = CommandState {
            live: true,
            cues_selected: true,
            markers: true,
            undo: Some("Move 3 cues".into()),
            ..CommandState::default()
        };
        assert!(
            !live.applies(UiCommand::Undo),
            "the document is read-only while live"
        );
        assert!(
            !live.applies(UiCommand::PlayPause),
            "the server drives the transport"
        );
        assert!(live.applies(UiCommand::Copy));
        assert!(!live.applies(UiCommand::NextMarker), "nor can it seek");
    }
}
