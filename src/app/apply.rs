//! The one place where the frame's [`Action`]s take effect, the commands they name, and
//! the keys, clipboard events and dropped files that become actions.

use std::path::{Path, PathBuf};

use super::CuestudioApp;
use crate::doc::{Document, Edit, commands};
use crate::ui::modal::Modal;
use crate::ui::{Action, Grid, Pending, Purpose, UiCommand};

/// How far the arrow keys move the selected cues, and with Shift.
const NUDGE_MS: i64 = 10;
const NUDGE_BIG_MS: i64 = 100;
/// Zoom in or out by this factor.
const ZOOM_STEP: f64 = 1.5;

impl CuestudioApp {
    /// Applies the actions pushed so far this frame, in order, and asks for a frame to
    /// show what they changed.
    pub(super) fn apply_actions(&mut self) {
        let actions = std::mem::take(&mut self.actions);
        if !actions.is_empty() {
            self.ctx.request_repaint();
        }
        for action in actions {
            self.apply(action);
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Edit(e) => self.apply_edit(e),
            Action::Command(c) => self.execute(c),
            // While live the server's clock drives the transport.
            Action::Seek(_) | Action::Scrub(_) if self.is_live() => {}
            Action::Seek(t) => self.player.seek(t),
            Action::Scrub(t) => {
                self.player.seek(t);
                self.player.play_snippet(t, 80);
            }
            Action::SealHistory => self.doc.seal_history(),
            Action::PasteText(text) => self.paste_text(&text),
            Action::DismissMessage => self.status = None,
            Action::SetRate(r) => self.player.set_rate(r),
            Action::SetSnap(choice) => {
                let t = &mut self.editor.timeline;
                t.snapping = choice.is_some();
                if let Some(grid) = choice {
                    t.snap_grid = grid;
                }
            }
            Action::SetOutputLatency(ms) => {
                self.settings.output_latency_ms = ms;
                self.player.set_output_latency_ms(ms);
            }
            Action::SetClicks(levels) => self.set_clicks(levels),
            Action::PathChosen(purpose, path) => self.path_chosen(purpose, path),
            Action::SaveThen(pending) => {
                self.pending_after_save = Some(pending);
                self.execute(UiCommand::Save);
            }
            Action::DiscardThen(pending) => {
                self.discard_recovery();
                self.run_pending(pending);
            }
            Action::Restore(r) => self.restore(&r),
            Action::DiscardRecoveries(list) => {
                // Off the UI thread: it is disk I/O.
                std::thread::spawn(move || list.iter().for_each(|r| r.discard()));
            }
            Action::Connect(url) => self.connect_live(url),
            Action::Disconnect => self.disconnect_live(),
            Action::Rehearsal => self.start_rehearsal(),
            Action::AskAdmin(pending) => self.modal = Some(Modal::ConfirmAdmin(pending)),
            Action::SendAdmin(pending) => self.send_admin(pending),
            Action::ParseTiming { file, format } => self.parse_timing(file, format),
            Action::ImportTiming {
                source,
                lanes,
                cues,
                tempo,
            } => self.import_timing(source, lanes, cues, tempo),
        }
    }

    /// Adds a timing file's cues in new lanes, in one undo step; they become the selection
    /// and the view fits them.
    fn import_timing(
        &mut self,
        source: String,
        lanes: Vec<String>,
        cues: Vec<cuesheet::Cue>,
        tempo: Option<Vec<cuesheet::TempoSection>>,
    ) {
        if self.read_only() {
            self.notify(
                format!("Not imported from {source}: the show is live"),
                true,
            );
            return;
        }
        let n = cues.len();
        let span = commands::span_of(&cues);
        let named = match lanes.as_slice() {
            [lane] => format!("as the lane “{lane}”"),
            lanes => format!(
                "as the lanes {}",
                lanes
                    .iter()
                    .map(|l| format!("“{l}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.apply_edit(Edit::ImportCues {
            source: source.clone(),
            lanes,
            cues,
            tempo,
        });
        self.editor.selected_marker = None;
        if let Some((start, end)) = span {
            self.editor.timeline.show_span(start, end);
        }
        let cues = if n == 1 {
            "1 cue".into()
        } else {
            format!("{n} cues")
        };
        self.notify(format!("Imported {cues} from {source} {named}"), false);
    }

    /// Applies an edit unless the document is read-only (live); the cues it creates
    /// become the selection.
    pub fn apply_edit(&mut self, edit: Edit) {
        if self.read_only() {
            return;
        }
        let created = self.doc.apply(edit);
        if !created.is_empty() {
            self.editor.selection = created.into_iter().collect();
        }
    }

    fn apply_opt(&mut self, edit: Option<Edit>) {
        if let Some(e) = edit {
            self.apply_edit(e);
        }
    }

    /// Runs a command, if it applies now.
    pub fn execute(&mut self, cmd: UiCommand) {
        if !self.command_applies(cmd) {
            return;
        }
        let playhead = self.player.position_ms();
        let ids = self.selected_ids();
        match cmd {
            UiCommand::New => self.guard_unsaved(Pending::New),
            UiCommand::Open => self.guard_unsaved(Pending::Open(None)),
            UiCommand::OpenRecent(i) => {
                if let Some(p) = self.settings.recent.get(i).cloned() {
                    self.guard_unsaved(Pending::Open(Some(p)));
                }
            }
            UiCommand::Save => match self.doc.path().map(Path::to_path_buf) {
                Some(p) => self.save_to(p),
                None => self.pick(Purpose::SaveAs),
            },
            UiCommand::SaveAs => self.pick(Purpose::SaveAs),
            UiCommand::ImportSheet => self.pick(Purpose::Import),
            UiCommand::ImportTiming => self.pick(Purpose::ImportTiming),
            UiCommand::AnalyseBeats => self.analyse_beats(),
            UiCommand::ExportExtended => self.pick(Purpose::Export(false)),
            UiCommand::ExportSeed => self.pick(Purpose::Export(true)),
            UiCommand::OpenAudio => self.pick(Purpose::Audio),
            UiCommand::Quit => self.guard_unsaved(Pending::Quit),
            UiCommand::Undo => {
                self.doc.undo();
            }
            UiCommand::Redo => {
                self.doc.redo();
            }
            UiCommand::Copy => self.copy(&ids),
            UiCommand::Cut => {
                self.copy(&ids);
                self.apply_opt(commands::delete(&ids));
            }
            UiCommand::Paste => self.apply_opt(commands::paste(&self.clipboard, playhead)),
            UiCommand::Delete => {
                // The selected cues; else the selected marker.
                if ids.is_empty() {
                    if let Some(index) = self.editor.selected_marker_index(&self.doc) {
                        self.apply_edit(Edit::DeleteMarker { index });
                        self.editor.selected_marker = None;
                    }
                } else {
                    self.apply_opt(commands::delete(&ids));
                    self.editor.selection.clear();
                }
            }
            UiCommand::SelectAll => {
                self.editor.selection = self.doc.cue_ids().iter().copied().collect();
            }
            UiCommand::PlayPause => self.player.toggle(),
            UiCommand::JumpStart => self.player.seek(0),
            UiCommand::JumpEnd => {
                let end = self
                    .audio_duration_ms()
                    .unwrap_or(0)
                    .max(self.doc.content_end_ms());
                self.player.seek(end);
            }
            UiCommand::TapCue => {
                // The player's position is already what is audible (output latency applied).
                let action = self.editor.timeline.new_action.clone();
                let lane = self.editor.timeline.selected_lane.as_deref();
                let edit = commands::tap(&self.doc, lane, &ids, playhead, &action);
                self.apply_edit(edit);
            }
            UiCommand::AddMarker => self.apply_edit(commands::add_marker(&self.doc, playhead)),
            UiCommand::TapTempo => {
                // Intervals on the show's clock while playing (a slowed playback still
                // gives the music's tempo), else on the frame clock.
                let clock = if self.player.is_playing() {
                    playhead
                } else {
                    (self.ctx.input(|i| i.time) * 1000.0).round() as i64
                };
                self.editor.tap.tap(clock, playhead);
            }
            UiCommand::ApplyTapTempo => {
                self.apply_opt(commands::tap_tempo(&self.doc, &self.editor.tap));
                self.editor.tap = Default::default();
            }
            UiCommand::Quantise => {
                let tempo = self.doc.tempo_map();
                let t = &self.editor.timeline;
                let grid = Grid::new(t.snapping, t.snap_grid, t.grid_ms, &tempo);
                self.apply_opt(commands::quantise(&self.doc, &ids, |t| grid.nearest(t)));
            }
            UiCommand::AddLane => {
                let edit = commands::add_lane(&self.doc);
                if let Edit::AddLane { name } = &edit {
                    // Selected, so the next taps land in it.
                    self.editor.timeline.selected_lane = Some(name.clone());
                }
                self.apply_edit(edit);
            }
            UiCommand::NextMarker => {
                if let Some(t) = commands::next_marker(&self.doc, playhead) {
                    self.player.seek(t);
                    self.editor.timeline.reveal(t);
                }
            }
            UiCommand::PrevMarker => {
                let playing = self.player.is_playing();
                if let Some(t) = commands::prev_marker(&self.doc, playhead, playing) {
                    self.player.seek(t);
                    self.editor.timeline.reveal(t);
                }
            }
            UiCommand::NudgeLeft => self.apply_opt(commands::nudge(&ids, -NUDGE_MS)),
            UiCommand::NudgeRight => self.apply_opt(commands::nudge(&ids, NUDGE_MS)),
            UiCommand::NudgeLeftBig => self.apply_opt(commands::nudge(&ids, -NUDGE_BIG_MS)),
            UiCommand::NudgeRightBig => self.apply_opt(commands::nudge(&ids, NUDGE_BIG_MS)),
            UiCommand::LoopSelection => {
                self.loop_range = match self.loop_range {
                    Some(_) => None,
                    None => commands::loop_span(&self.doc, &ids),
                };
                self.player.set_loop(self.loop_range);
            }
            UiCommand::ZoomIn => self.editor.view = self.editor.view.zoomed(ZOOM_STEP, playhead),
            UiCommand::ZoomOut => {
                self.editor.view = self.editor.view.zoomed(1.0 / ZOOM_STEP, playhead);
            }
            UiCommand::ZoomFit => self.editor.fit_pending = true,
            UiCommand::ToggleAudience => {
                self.settings.audience_view = !self.settings.audience_view;
            }
            UiCommand::ToggleFollowPlayhead => {
                let t = &mut self.editor.timeline;
                t.follow_playhead = !t.follow_playhead;
            }
            UiCommand::ToggleSnap => {
                // Off, or back to the grid chosen last.
                let t = &mut self.editor.timeline;
                t.snapping = !t.snapping;
            }
            UiCommand::ToggleCueList => {
                self.settings.show_cue_list = !self.settings.show_cue_list;
            }
            UiCommand::ToggleSidePanel => {
                self.settings.show_side_panel = !self.settings.show_side_panel;
            }
            UiCommand::ShowShortcuts => self.modal = Some(Modal::Shortcuts),
        }
    }

    /// Copies the cues to the editor's clipboard and, as a JSON cue sheet, to the system
    /// clipboard, so they paste into another editor window or into text.
    fn copy(&mut self, ids: &[crate::doc::CueId]) {
        self.clipboard = commands::copied(&self.doc, ids);
        let sheet =
            cuesheet::export_sheet(&self.clipboard, cuesheet::ExportFormat::Extended, false);
        self.ctx.copy_text(sheet);
    }

    /// Pastes a cue sheet (or a show's cues) from the system clipboard at the playhead; the
    /// cues also become the editor's clipboard.
    fn paste_text(&mut self, text: &str) {
        if self.read_only() {
            return;
        }
        match cuesheet::parse(text.as_bytes()) {
            Ok(parsed) => {
                self.clipboard = match parsed {
                    cuesheet::Document::Sheet(cues) => cues,
                    cuesheet::Document::Show(show) => show.cues,
                };
                let at = self.player.position_ms();
                self.apply_opt(commands::paste(&self.clipboard, at));
            }
            Err(e) => {
                let first = e
                    .problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                self.notify(
                    format!(
                        "Nothing pasted: the clipboard holds text that is not a cue sheet ({first})"
                    ),
                    true,
                );
            }
        }
    }

    /// Runs `pending` unless there are unsaved changes, in which case it asks first.
    fn guard_unsaved(&mut self, pending: Pending) {
        if self.doc.is_dirty() {
            self.modal = Some(Modal::Unsaved(pending));
        } else {
            self.run_pending(pending);
        }
    }

    fn run_pending(&mut self, pending: Pending) {
        match pending {
            Pending::New => self.set_document(Document::default()),
            Pending::Open(Some(p)) => self.open_path(p),
            Pending::Open(None) => self.pick(Purpose::Open),
            Pending::Quit => {
                self.discard_recovery();
                self.quit_confirmed = true;
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    pub(super) fn continue_pending(&mut self) {
        if let Some(p) = self.pending_after_save.take() {
            self.run_pending(p);
        }
    }

    /// Keys and clipboard events become commands; dropped files are opened; closing the
    /// window asks about unsaved changes.
    pub(super) fn handle_keys(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input();
        // The import preview is modal: the show behind it takes no keys (Delete, Ctrl+Z).
        let previewing = self.timing_import.is_some();
        let keymap = if previewing {
            Vec::new()
        } else {
            crate::ui::command::keymap()
        };
        for (shortcut, cmd) in keymap {
            // While typing, only shortcuts with Ctrl (save, open…) reach the app; text fields
            // keep their own undo, select all and arrows.
            if typing && (!shortcut.modifiers.command || cmd.yields_to_text_fields()) {
                continue;
            }
            if cmd.leaves_its_key_unless_it_applies() && !self.command_applies(cmd) {
                continue;
            }
            // Every press counts: several can arrive in one frame.
            let presses = ctx
                .input_mut(|i| i.count_and_consume_key(shortcut.modifiers, shortcut.logical_key));
            for _ in 0..presses {
                self.actions.push(Action::Command(cmd));
            }
        }
        if !typing && !previewing {
            let events = ctx.input(|i| i.events.clone());
            for e in &events {
                if let Some(action) = crate::ui::command::clipboard_action(e) {
                    self.actions.push(action);
                }
            }
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        for path in dropped {
            self.dropped(path);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.quit_confirmed {
            if self.doc.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.modal = Some(Modal::Unsaved(Pending::Quit));
            } else {
                self.discard_recovery();
            }
        }
    }

    fn dropped(&mut self, path: PathBuf) {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            e if crate::audio::is_audio_extension(e) => self.path_chosen(Purpose::Audio, path),
            // A timing file opens the import preview (nothing changes until Import).
            _ if cuesheet::timing::Format::from_path(&path).is_some() => {
                if self.command_applies(UiCommand::ImportTiming) {
                    self.path_chosen(Purpose::ImportTiming, path);
                }
            }
            _ => self.guard_unsaved(Pending::Open(Some(path))),
        }
    }
}
