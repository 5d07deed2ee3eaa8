//! One frame: `logic` advances clocks and background work and decides when the next frame
//! is needed; `ui` lays out the panels, which push actions that are applied at the end of
//! the frame.

use std::time::{Duration, Instant};

use super::{CuestudioApp, SETTINGS_KEY};
use crate::ui::findings::findings_ui;
use crate::ui::live::{LiveView, live_banner_ui, live_panel_ui};
use crate::ui::menu::{MenuView, menu_ui};
use crate::ui::modal::{ModalView, modal_ui};
use crate::ui::status::{AudioStatus, StatusView, status_ui};
use crate::ui::transport::{TransportView, transport_ui};
use crate::ui::{self, stage::stage_panel_ui};

impl eframe::App for CuestudioApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll_jobs();
        self.poll_audio();
        self.poll_beats();
        self.player.update();
        self.follow_live();
        self.refresh_derived();
        self.maybe_autosave();
        self.schedule_repaint(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.handle_keys(&ctx);
        self.title_ui(&ctx);
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("transport").show(ui, |ui| self.transport_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        // The side panels give way on small screens: at most a share of the window each,
        // so the timeline keeps most of it.
        let width = ctx.content_rect().width();
        if self.settings.show_cue_list {
            egui::Panel::left("cue-list")
                .resizable(true)
                .default_size((width * 0.21).clamp(200.0, 330.0))
                .min_size(170.0)
                .max_size((width * 0.3).max(170.0))
                .show(ui, |ui| {
                    ui::cue_list::cue_list_ui(ui, &mut self.editor, &self.doc, &mut self.actions);
                });
        }
        if self.settings.show_side_panel {
            egui::Panel::right("side")
                .resizable(true)
                .default_size((width * 0.23).clamp(240.0, 360.0))
                .min_size(220.0)
                .max_size((width * 0.34).max(220.0))
                .show(ui, |ui| self.side_ui(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(s) = &self.live.session {
                live_banner_ui(ui, &s.snapshot());
            }
            if self.doc.show().cues.is_empty() && !self.is_live() {
                let has_audio = !matches!(self.audio_status, AudioStatus::None);
                ui::empty::empty_state_ui(ui, has_audio, &mut self.actions);
            }
            egui::Panel::top("stage")
                .resizable(true)
                .default_size(300.0)
                .min_size(120.0)
                .show(ui, |ui| self.stage_ui(ui));
            self.timeline_ui(ui);
        });
        // The panels' actions first, so a dialog they open shows in this frame; then the
        // dialog's answer.
        self.apply_actions();
        let view = ModalView {
            doc_name: &self.doc.display_name(),
            server: &self.live.url,
        };
        modal_ui(&ctx, &mut self.modal, &view, &mut self.actions);
        ui::timing_import::timing_import_ui(
            &ctx,
            &mut self.timing_import,
            &self.doc,
            &mut self.actions,
        );
        self.apply_actions();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.snapping = self.editor.timeline.snapping;
        self.settings.grid_ms = self.editor.timeline.grid_ms;
        self.settings.snap_grid = self.editor.timeline.snap_grid;
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

impl CuestudioApp {
    /// Asks for the next frame only when something will change: every frame while playing,
    /// decoding or live; else when the status message expires or an autosave falls due.
    /// Input, finished background jobs and the live session's replies wake the editor on
    /// their own.
    fn schedule_repaint(&self, ctx: &egui::Context) {
        let decoding = matches!(self.audio_status, AudioStatus::Loading { .. });
        if self.player.is_playing() || decoding || self.is_live() {
            ctx.request_repaint();
            return;
        }
        let next = [self.message_expires(), self.autosave_due()]
            .into_iter()
            .flatten()
            .min();
        if let Some(at) = next {
            let wait = at.saturating_duration_since(Instant::now());
            ctx.request_repaint_after(wait.max(Duration::from_millis(10)));
        }
    }

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

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let commands = self.command_state();
        let view = MenuView {
            commands: &commands,
            recent: &self.settings.recent,
            history: self.doc.history_labels(),
        };
        menu_ui(ui, &view, &mut self.actions);
    }

    fn transport_ui(&mut self, ui: &mut egui::Ui) {
        let view = TransportView {
            playing: self.player.is_playing(),
            position_ms: self.player.position_ms(),
            rate: self.player.rate(),
            looping: self.loop_range.is_some(),
            output_latency_ms: self.settings.output_latency_ms,
            clicks: self.settings.clicks,
            has_beats: !self.player.click_schedule().beats.is_empty(),
            known_actions: ui::inspector::known_actions(&self.doc, &self.catalog),
            has_tempo: !self.doc.tempo().is_empty(),
            bar_beat: self.doc.tempo_map().bar_beat_at(self.player.position_ms()),
        };
        transport_ui(ui, &view, &mut self.editor, &mut self.actions);
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        let view = StatusView {
            audio: &self.audio_status,
            device_notice: self.player.device_notice(),
            busy: &self.busy,
            beat_analysis: self.beat_analysis_progress(),
            message: self.message(),
            cues: self.doc.show().cues.len(),
            hover_ms: self.editor.timeline.hover_ms,
            hover_bar_beat: self
                .editor
                .timeline
                .hover_ms
                .and_then(|t| self.doc.tempo_map().bar_beat_at(t)),
            dirty: self.doc.is_dirty(),
        };
        let mut actions = Vec::new();
        status_ui(ui, &view, &mut actions);
        self.actions.extend(actions);
    }

    fn side_ui(&mut self, ui: &mut egui::Ui) {
        self.default_live_url();
        let read_only = self.read_only();
        let live = self.live.session.as_ref().map(|s| s.snapshot());
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui::inspector::inspector_ui(
                ui,
                &mut self.editor,
                &self.doc,
                &self.catalog,
                read_only,
                &mut self.actions,
            );
            ui.separator();
            let sections = self.doc.tempo().len();
            // Open in a show with a tempo grid; closed, one line, without (each remembered
            // on its own, so a tempo tapped in opens it).
            egui::CollapsingHeader::new(format!("Tempo ({sections})"))
                .id_salt(("tempo", sections > 0))
                .default_open(sections > 0)
                .show(ui, |ui| {
                    ui::tempo::tempo_ui(
                        ui,
                        &mut self.editor,
                        &self.doc,
                        self.player.position_ms(),
                        read_only,
                        &mut self.actions,
                    )
                });
            let n = self.findings.len();
            egui::CollapsingHeader::new(format!("Drift & lint ({n})"))
                .default_open(true)
                .show(ui, |ui| {
                    // A long list scrolls on its own, so the panels below stay in reach.
                    egui::ScrollArea::vertical()
                        .id_salt("findings")
                        .max_height(220.0)
                        .show(ui, |ui| {
                            findings_ui(
                                ui,
                                &self.findings,
                                &self.doc,
                                &mut self.editor,
                                &mut self.actions,
                            )
                        });
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
                .default_open(live.is_some())
                .show(ui, |ui| {
                    let view = LiveView {
                        snapshot: live.as_ref(),
                        connected_url: &self.live.url,
                        connect_error: self.live.connect_error.as_deref(),
                        audio_error_ms: self.live.audio_error_ms,
                        now_unix_ms: crate::doc::autosave::now_unix_ms(),
                    };
                    live_panel_ui(ui, &mut self.editor.live, &view, &mut self.actions);
                });
        });
    }

    fn stage_ui(&mut self, ui: &mut egui::Ui) {
        stage_panel_ui(
            ui,
            self.player.position_ms(),
            &self.doc.preview_cues(),
            &self.catalog,
            self.doc.show().expected_drift.unwrap_or(0),
            self.settings.audience_view,
            &mut self.actions,
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
}
