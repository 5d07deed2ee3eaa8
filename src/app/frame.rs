//! One frame: `logic` advances clocks and background work; `ui` lays out the panels, which
//! push actions that are applied at the end of the frame.

use std::path::PathBuf;
use std::time::Duration;

use egui::{Align, Color32, Layout, RichText};

use super::{AudioStatus, CuestudioApp, Modal, Pending, Purpose, SETTINGS_KEY};
use crate::doc::Edit;
use crate::ui::{self, Action, UiCommand};

impl eframe::App for CuestudioApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll_jobs();
        self.poll_audio();
        self.player.update();
        self.follow_live();
        self.refresh_derived();
        self.maybe_autosave();
        if self.player.is_playing() || matches!(self.audio_status, AudioStatus::Loading { .. }) {
            ctx.request_repaint();
        } else {
            // Autosave and status messages need an occasional frame even when idle.
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.handle_keys(&ctx);
        self.title_ui(&ctx);
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("transport").show(ui, |ui| self.transport_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        egui::Panel::left("cue-list")
            .resizable(true)
            .default_size(330.0)
            .min_size(220.0)
            .show(ui, |ui| {
                ui::cue_list::cue_list_ui(ui, &mut self.editor, &self.doc, &mut self.actions);
            });
        egui::Panel::right("side")
            .resizable(true)
            .default_size(360.0)
            .min_size(260.0)
            .show(ui, |ui| self.side_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            self.live_banner_ui(ui);
            egui::Panel::top("stage")
                .resizable(true)
                .default_size(300.0)
                .min_size(120.0)
                .show(ui, |ui| self.stage_ui(ui));
            self.timeline_ui(ui);
        });
        self.modal_ui(&ctx);
        self.apply_actions();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.snapping = self.editor.timeline.snapping;
        self.settings.grid_ms = self.editor.timeline.grid_ms;
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

/// What a modal asks to run once it has closed.
type Then = Box<dyn FnOnce(&mut CuestudioApp)>;

impl CuestudioApp {
    /// Sets the window title when it changes. Compared with the title last sent, not the
    /// one the platform reports: without a window manager (Xvfb) the report never comes, and
    /// a command every frame is a repaint every frame (an idle editor then used 1.5 cores).
    fn title_ui(&mut self, ctx: &egui::Context) {
        let dirty = if self.doc.is_dirty() { "● " } else { "" };
        let title = format!("{dirty}{} — Cuestudio", self.doc.display_name());
        if self.window_title != title {
            self.window_title.clone_from(&title);
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title));
        }
    }

    fn command_button(&mut self, ui: &mut egui::Ui, cmd: UiCommand) {
        let shortcut = ui::command::shortcut_texts(ui.ctx(), cmd).join(", ");
        let button = egui::Button::new(cmd.label()).shortcut_text(shortcut);
        let enabled = self.command_applies(cmd);
        if ui
            .add_enabled(enabled, button)
            .on_hover_text(cmd.tooltip())
            .on_disabled_hover_text(cmd.tooltip())
            .clicked()
        {
            self.actions.push(Action::Command(cmd));
            ui.close();
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                self.command_button(ui, UiCommand::New);
                self.command_button(ui, UiCommand::Open);
                ui.menu_button("Open Recent", |ui| {
                    if self.settings.recent.is_empty() {
                        ui.label(RichText::new("(none yet)").weak());
                    }
                    for p in self.settings.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            self.guard_unsaved(Pending::Open(Some(p)));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                self.command_button(ui, UiCommand::Save);
                self.command_button(ui, UiCommand::SaveAs);
                ui.separator();
                self.command_button(ui, UiCommand::ImportSheet);
                self.command_button(ui, UiCommand::ExportExtended);
                self.command_button(ui, UiCommand::ExportSeed);
                if ui.button("Open audio…").clicked() {
                    self.pick(Purpose::Audio);
                    ui.close();
                }
                ui.separator();
                self.command_button(ui, UiCommand::Quit);
            });
            ui.menu_button("Edit", |ui| {
                self.command_button(ui, UiCommand::Undo);
                self.command_button(ui, UiCommand::Redo);
                ui.separator();
                self.command_button(ui, UiCommand::Cut);
                self.command_button(ui, UiCommand::Copy);
                self.command_button(ui, UiCommand::Paste);
                self.command_button(ui, UiCommand::Delete);
                self.command_button(ui, UiCommand::SelectAll);
                ui.separator();
                self.command_button(ui, UiCommand::TapCue);
                self.command_button(ui, UiCommand::AddMarker);
                ui.separator();
                ui.menu_button("History", |ui| {
                    let (labels, applied) = self.doc.history_labels();
                    if labels.is_empty() {
                        ui.label(RichText::new("(no changes yet)").weak());
                    }
                    for (i, l) in labels.iter().enumerate() {
                        let text = if i < applied {
                            RichText::new(format!("{}. {l}", i + 1))
                        } else {
                            RichText::new(format!("{}. {l} (undone)", i + 1)).weak()
                        };
                        ui.label(text);
                    }
                });
            });
            ui.menu_button("View", |ui| {
                self.command_button(ui, UiCommand::ZoomIn);
                self.command_button(ui, UiCommand::ZoomOut);
                self.command_button(ui, UiCommand::ZoomFit);
                ui.separator();
                self.command_button(ui, UiCommand::ToggleAudience);
                ui.checkbox(&mut self.editor.timeline.follow_playhead, "Follow playhead");
                ui.checkbox(
                    &mut self.editor.timeline.snapping,
                    "Snap (hold Alt to bypass)",
                );
            });
            ui.menu_button("Help", |ui| {
                self.command_button(ui, UiCommand::ShowShortcuts);
            });
        });
    }

    fn transport_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let playing = self.player.is_playing();
            let label = if playing { "Pause" } else { "▶ Play" };
            if ui
                .button(label)
                .on_hover_text(UiCommand::PlayPause.tooltip())
                .clicked()
            {
                self.actions.push(Action::Command(UiCommand::PlayPause));
            }
            if ui
                .button("|◀")
                .on_hover_text("Jump to start (Home)")
                .clicked()
            {
                self.actions.push(Action::Command(UiCommand::JumpStart));
            }
            let pos = self.player.position_ms();
            ui.label(
                RichText::new(cuesheet::format_time_ms(pos))
                    .monospace()
                    .size(18.0)
                    .strong(),
            );
            ui.separator();
            ui.label("Rate");
            let mut rate = self.player.rate();
            if ui
                .add(
                    egui::Slider::new(&mut rate, 0.5..=2.0)
                        .step_by(0.05)
                        .suffix("×"),
                )
                .changed()
            {
                self.player.set_rate(rate);
            }
            let loop_text = if self.loop_range.is_some() {
                "Loop: on"
            } else {
                "Loop"
            };
            if ui
                .selectable_label(self.loop_range.is_some(), loop_text)
                .on_hover_text(UiCommand::LoopSelection.tooltip())
                .clicked()
            {
                self.actions.push(Action::Command(UiCommand::LoopSelection));
            }
            ui.separator();
            for cmd in [UiCommand::ZoomOut, UiCommand::ZoomIn] {
                let t = if cmd == UiCommand::ZoomIn {
                    "＋"
                } else {
                    "－"
                };
                if ui.button(t).on_hover_text(cmd.label()).clicked() {
                    self.actions.push(Action::Command(cmd));
                }
            }
            if ui
                .button("Fit")
                .on_hover_text(UiCommand::ZoomFit.tooltip())
                .clicked()
            {
                self.actions.push(Action::Command(UiCommand::ZoomFit));
            }
            ui.checkbox(&mut self.editor.timeline.snapping, "Snap");
            ui.separator();
            ui.label("New cue action");
            egui::ComboBox::from_id_salt("new-action")
                .selected_text(self.editor.timeline.new_action.clone())
                .show_ui(ui, |ui| {
                    for a in ui::inspector::known_actions(&self.doc, &self.catalog) {
                        ui.selectable_value(&mut self.editor.timeline.new_action, a.clone(), a);
                    }
                });
            ui.separator();
            ui.label("Output latency");
            ui.add(
                egui::DragValue::new(&mut self.settings.output_latency_ms)
                    .range(0..=1000)
                    .suffix(" ms"),
            )
            .on_hover_text(
                "How late the sound reaches the ears; taps and the playhead are corrected by it",
            );
            self.player
                .set_output_latency_ms(self.settings.output_latency_ms);
        });
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            match &self.audio_status {
                AudioStatus::None => {
                    ui.label(
                        RichText::new("No audio: the silent clock runs the length of the show")
                            .weak(),
                    );
                }
                AudioStatus::Loading {
                    decoded_ms,
                    total_ms,
                } => {
                    ui.spinner();
                    let frac = total_ms
                        .filter(|t| *t > 0)
                        .map(|t| (*decoded_ms as f32 / t as f32).clamp(0.0, 1.0));
                    let text = format!("Decoding audio {}", cuesheet::format_time_ms(*decoded_ms));
                    match frac {
                        Some(f) => {
                            ui.add(egui::ProgressBar::new(f).desired_width(200.0).text(text));
                        }
                        None => {
                            ui.label(text);
                        }
                    }
                }
                AudioStatus::Ready { duration_ms } => {
                    ui.label(format!("Audio {}", cuesheet::format_time_ms(*duration_ms)));
                }
                AudioStatus::Failed(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, format!("Audio: {e}"));
                }
            }
            if let Some(notice) = self.player.device_notice() {
                ui.separator();
                ui.colored_label(Color32::from_rgb(240, 180, 60), format!("⚠ {notice}"));
            }
            for b in &self.busy {
                ui.separator();
                ui.spinner();
                ui.label(b);
            }
            if let Some((text, error, at)) = &self.status
                && at.elapsed() < Duration::from_secs(12)
            {
                ui.separator();
                if *error {
                    ui.colored_label(ui.visuals().error_fg_color, text);
                } else {
                    ui.label(text);
                }
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                let n = self.doc.show().cues.len();
                ui.label(format!("{n} cues"));
                if let Some(t) = self.editor.timeline.hover_ms {
                    ui.label(
                        RichText::new(cuesheet::format_time_ms(t))
                            .monospace()
                            .weak(),
                    );
                }
                if self.doc.is_dirty() {
                    ui.label(RichText::new("unsaved").color(Color32::from_rgb(240, 180, 60)));
                }
            });
        });
    }

    fn side_ui(&mut self, ui: &mut egui::Ui) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            let read_only = self.read_only();
            ui::inspector::inspector_ui(
                ui,
                &mut self.editor,
                &self.doc,
                &self.catalog,
                read_only,
                &mut self.actions,
            );
            ui.separator();
            let n = self.findings.len();
            egui::CollapsingHeader::new(format!("Drift & lint ({n})"))
                .default_open(true)
                .show(ui, |ui| {
                    // A long list scrolls on its own, so the panels below stay in reach.
                    egui::ScrollArea::vertical()
                        .id_salt("findings")
                        .max_height(220.0)
                        .show(ui, |ui| self.findings_ui(ui));
                });
            egui::CollapsingHeader::new(format!("Effect catalog ({})", self.catalog.len()))
                .id_salt("effect-catalog")
                .show(ui, |ui| {
                    ui::catalog::catalog_ui(
                        ui,
                        &mut self.editor,
                        &self.doc,
                        &self.catalog,
                        self.catalog_error.as_deref(),
                        read_only,
                        &mut self.actions,
                    )
                });
            egui::CollapsingHeader::new("Live")
                .default_open(self.is_live())
                .show(ui, |ui| self.live_panel_ui(ui));
        });
    }

    fn findings_ui(&mut self, ui: &mut egui::Ui) {
        if self.findings.is_empty() {
            ui.label(RichText::new("No findings.").weak());
            return;
        }
        let ids = self.doc.cue_ids().to_vec();
        for f in &self.findings {
            ui.horizontal_wrapped(|ui| {
                let color = match f.severity {
                    cuesheet::lint::Severity::Error => ui.visuals().error_fg_color,
                    cuesheet::lint::Severity::Warning => Color32::from_rgb(240, 180, 60),
                    _ => ui.visuals().weak_text_color(),
                };
                ui.colored_label(color, f.code);
                let time = f.time.map(cuesheet::format_time_ms).unwrap_or_default();
                let resp = ui.link(format!("{time} {}", f.message));
                if resp.clicked()
                    && let Some(id) = f.cue.and_then(|i| ids.get(i))
                {
                    self.editor.selection.clear();
                    self.editor.selection.insert(*id);
                    if let Some(t) = f.time {
                        self.actions.push(Action::Seek(t));
                    }
                }
                if let (Some(fix), Some(id)) = (&f.fix, f.cue.and_then(|i| ids.get(i))) {
                    let (label, patch) = match fix {
                        cuesheet::lint::QuickFix::RaiseTolerance { to } => (
                            format!("Raise tolerance to {to} ms"),
                            crate::doc::CuePatch {
                                tolerance: Some(Some(*to)),
                                ..Default::default()
                            },
                        ),
                        cuesheet::lint::QuickFix::SwapAction { to } => (
                            format!("Use {to}"),
                            crate::doc::CuePatch {
                                action: Some(to.clone()),
                                ..Default::default()
                            },
                        ),
                    };
                    if ui.small_button(label).clicked() {
                        self.actions.push(Action::Edit(Edit::PatchCues {
                            ids: vec![*id],
                            patch,
                            merge: None,
                        }));
                    }
                }
            });
        }
    }

    fn stage_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.strong("Stage");
            ui.selectable_value(&mut self.settings.audience_view, false, "Ideal view");
            ui.selectable_value(
                &mut self.settings.audience_view,
                true,
                "Audience view (3×3)",
            )
            .on_hover_text(UiCommand::ToggleAudience.tooltip());
        });
        let drift = self.doc.show().expected_drift.unwrap_or(0);
        ui::stage::stage_ui(
            ui,
            self.player.position_ms(),
            &self.doc.show().cues,
            &self.catalog,
            drift,
            self.settings.audience_view,
        );
    }

    fn timeline_ui(&mut self, ui: &mut egui::Ui) {
        let peaks_guard = self.audio.as_ref().and_then(|a| a.peaks.read().ok());
        let input = ui::timeline::TimelineInput {
            doc: &self.doc,
            catalog: &self.catalog,
            peaks: peaks_guard.as_deref(),
            audio_ms: self.audio_duration_ms(),
            playhead_ms: self.player.position_ms(),
            playing: self.player.is_playing(),
            loop_range: self.loop_range,
            read_only: self.read_only(),
            flagged: &self.flagged,
            expected_drift_ms: self.doc.show().expected_drift.unwrap_or(0),
        };
        ui::timeline::timeline_ui(ui, &mut self.editor, &input, &mut self.actions);
    }

    fn modal_ui(&mut self, ctx: &egui::Context) {
        let Some(modal) = self.modal.take() else {
            return;
        };
        let mut keep = true;
        let mut next: Option<Then> = None;
        let modal = match modal {
            Modal::Unsaved(pending) => {
                egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
                    ui.heading("Unsaved changes");
                    ui.label(format!(
                        "“{}” has changes that are not saved.",
                        self.doc.display_name()
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            keep = false;
                            let p = pending.clone();
                            next = Some(Box::new(move |app: &mut Self| {
                                app.pending_after_save = Some(p);
                                app.execute(UiCommand::Save);
                            }));
                        }
                        if ui.button("Discard changes").clicked() {
                            keep = false;
                            let p = pending.clone();
                            next = Some(Box::new(move |app: &mut Self| {
                                app.discard_recovery();
                                app.run_pending(p);
                            }));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                });
                Modal::Unsaved(pending)
            }
            Modal::Path { purpose, mut text } => {
                egui::Modal::new(egui::Id::unique("path")).show(ctx, |ui| {
                    ui.heading(purpose.title());
                    ui.label(
                        RichText::new("No file dialog is available here: type a path.").weak(),
                    );
                    let label = ui.label("Path");
                    let resp = ui
                        .add(egui::TextEdit::singleline(&mut text).desired_width(480.0))
                        .labelled_by(label.id);
                    resp.request_focus();
                    let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    ui.horizontal(|ui| {
                        if ui.button("OK").clicked() || enter {
                            keep = false;
                            let path = PathBuf::from(text.trim());
                            next = Some(Box::new(move |app: &mut Self| {
                                app.path_chosen(purpose, path)
                            }));
                        }
                        if ui.button("Cancel").clicked()
                            || ui.input(|i| i.key_pressed(egui::Key::Escape))
                        {
                            keep = false;
                        }
                    });
                });
                Modal::Path { purpose, text }
            }
            Modal::Recover(list) => {
                egui::Modal::new(egui::Id::unique("recover")).show(ctx, |ui| {
                    ui.heading("Recover unsaved work?");
                    ui.label("Cuestudio did not close cleanly. These autosaves were found:");
                    for r in &list {
                        ui.horizontal(|ui| {
                            let name = r
                                .original
                                .as_ref()
                                .map(|p| p.display().to_string())
                                .unwrap_or_else(|| "Untitled show".into());
                            ui.label(name);
                            if ui.button("Restore").clicked() {
                                keep = false;
                                let r = r.clone();
                                next = Some(Box::new(move |app: &mut Self| match r.load() {
                                    Ok(show) => {
                                        let mut doc =
                                            crate::doc::Document::new(show, r.original.clone());
                                        doc.mark_dirty();
                                        app.set_document(doc);
                                        app.notify(
                                            "Restored from autosave; save to keep it",
                                            false,
                                        );
                                    }
                                    Err(e) => app.notify(format!("Could not restore: {e}"), true),
                                }));
                            }
                        });
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Discard all").clicked() {
                            keep = false;
                            for r in &list {
                                r.discard();
                            }
                        }
                        if ui.button("Later").clicked() {
                            keep = false;
                        }
                    });
                });
                Modal::Recover(list)
            }
            Modal::ConfirmAdmin(pending) => {
                egui::Modal::new(egui::Id::unique("confirm-admin")).show(ctx, |ui| {
                    ui.heading("Confirm");
                    ui.label(&pending.what);
                    ui.label(RichText::new(format!("Server: {}", self.live.url)).weak());
                    ui.horizontal(|ui| {
                        if ui.button("Confirm").clicked() {
                            keep = false;
                            let p = pending.clone();
                            next = Some(Box::new(move |app: &mut Self| app.send_admin(p)));
                        }
                        if ui.button("Cancel").clicked()
                            || ui.input(|i| i.key_pressed(egui::Key::Escape))
                        {
                            keep = false;
                        }
                    });
                });
                Modal::ConfirmAdmin(pending)
            }
            Modal::Shortcuts => {
                egui::Modal::new(egui::Id::unique("shortcuts")).show(ctx, |ui| {
                    ui.heading("Keyboard shortcuts");
                    egui::ScrollArea::vertical()
                        .max_height(520.0)
                        .show(ui, |ui| {
                            egui::Grid::new("keys").striped(true).show(ui, |ui| {
                                for &cmd in UiCommand::ALL {
                                    ui.label(cmd.label());
                                    ui.monospace(
                                        ui::command::shortcut_texts(ui.ctx(), cmd).join(", "),
                                    );
                                    ui.label(RichText::new(cmd.tooltip()).weak());
                                    ui.end_row();
                                }
                            });
                        });
                    if ui.button("Close").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        keep = false;
                    }
                });
                Modal::Shortcuts
            }
        };
        if keep && self.modal.is_none() {
            self.modal = Some(modal);
        }
        if let Some(f) = next {
            f(self);
        }
    }
}
