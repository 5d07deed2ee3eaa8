//! The Live panel: connect to a time server, follow it (playhead, audio, read-only
//! document), operator controls behind a token and a confirmation, and a rehearsal server
//! started in-process.

use egui::{Color32, RichText};
use timesync::{Status, TransportUpdate};

use super::{CuestudioApp, Modal};
use crate::live::session::LiveSession;

/// A change the operator asked for, waiting for confirmation.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingAdmin {
    pub what: String,
    pub update: TransportUpdate,
}

/// Live state that is not part of the document.
#[derive(Default)]
pub struct LiveUi {
    pub url: String,
    /// Held in memory for the session only; never saved.
    pub token: String,
    pub message: String,
    pub session: Option<LiveSession>,
    pub rehearsal: Option<timeserver::ServerHandle>,
    pub connect_error: Option<String>,
    /// Audible position minus server show position, last frame.
    pub audio_error_ms: Option<i64>,
}

fn now_unix_ms() -> i64 {
    crate::doc::autosave::now_unix_ms()
}

impl CuestudioApp {
    pub fn is_live(&self) -> bool {
        self.live.session.is_some()
    }

    pub fn connect_live(&mut self, url: String) {
        let ctx = self.ctx.clone();
        match LiveSession::connect(&url, Box::new(move || ctx.request_repaint())) {
            Ok(s) => {
                self.live.session = Some(s);
                self.live.connect_error = None;
                self.live.url = url;
                self.editor.timeline.follow_playhead = true;
            }
            Err(e) => self.live.connect_error = Some(e),
        }
    }

    pub fn disconnect_live(&mut self) {
        self.live.session = None;
        self.live.rehearsal = None;
        self.live.audio_error_ms = None;
        self.player.pause();
    }

    /// Starts a local time server (rehearsal) and follows it, with the show starting in 5 s.
    fn start_rehearsal(&mut self) {
        let token = format!("rehearsal-{:x}", now_unix_ms());
        let config = timeserver::Config {
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            state_file: None,
            admin_token: Some(token.clone()),
            serve_dir: None,
        };
        match timeserver::spawn_background(config) {
            Ok(handle) => {
                let url = format!("http://{}/time", handle.addr);
                self.live.rehearsal = Some(handle);
                self.live.token = token.clone();
                self.connect_live(url);
                if let Some(s) = &self.live.session {
                    s.admin(
                        &token,
                        TransportUpdate {
                            event_start: Some(now_unix_ms() + 5_000),
                            ..TransportUpdate::default()
                        },
                    );
                }
            }
            Err(e) => self.live.connect_error = Some(format!("rehearsal server: {e}")),
        }
    }

    /// Once per frame while live: the playhead and the audio follow server show time.
    pub fn follow_live(&mut self) {
        let Some(s) = &self.live.session else { return };
        let snap = s.snapshot();
        let Some(pos) = snap.show_position_ms else {
            self.live.audio_error_ms = None;
            return;
        };
        let running = snap.status == Status::Running && pos >= 0;
        if running && !self.player.is_playing() {
            self.player.seek(pos.max(0));
            self.player.play();
        } else if !running && self.player.is_playing() {
            self.player.pause();
        }
        let err = self.player.position_ms() - pos.max(0);
        if err.abs() > 50 || !running {
            self.player.seek(pos.max(0));
        }
        self.live.audio_error_ms = Some(err);
        self.ctx.request_repaint();
    }

    pub fn live_banner_ui(&self, ui: &mut egui::Ui) {
        let Some(s) = &self.live.session else { return };
        let snap = s.snapshot();
        if snap.status == Status::Paused {
            egui::Frame::new()
                .fill(Color32::from_rgb(160, 30, 30))
                .inner_margin(8.0)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    let msg = snap.message.as_deref().unwrap_or("");
                    ui.label(
                        RichText::new(format!("PAUSED  {msg}"))
                            .size(22.0)
                            .strong()
                            .color(Color32::WHITE),
                    );
                });
        }
        if snap.stale {
            ui.colored_label(
                Color32::from_rgb(255, 120, 80),
                format!(
                    "STALE: no reply for {} s; running on the last estimate",
                    snap.last_sync_age_ms.unwrap_or(0) / 1000
                ),
            );
        }
        if let Some(step) = snap.clock_step.filter(|s| s.age_ms < CLOCK_STEP_NOTICE_MS) {
            ui.colored_label(Color32::from_rgb(255, 200, 80), step.notice());
        }
    }

    pub fn live_panel_ui(&mut self, ui: &mut egui::Ui) {
        if self.live.url.is_empty() {
            self.live.url = self
                .doc
                .show()
                .time_server
                .clone()
                .unwrap_or_else(|| "http://127.0.0.1:8787/time".to_owned());
        }
        let connected = self.is_live();
        ui.horizontal(|ui| {
            let label = ui.label("Server");
            ui.add_enabled(
                !connected,
                egui::TextEdit::singleline(&mut self.live.url).desired_width(220.0),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            if connected {
                if ui.button("Disconnect").clicked() {
                    self.disconnect_live();
                }
            } else {
                if ui.button("Connect").clicked() {
                    let url = self.live.url.trim().to_owned();
                    self.connect_live(url);
                }
                if ui
                    .button("Rehearsal")
                    .on_hover_text(
                        "Start a local time server and run the show as if live, starting in 5 s",
                    )
                    .clicked()
                {
                    self.start_rehearsal();
                }
            }
        });
        if let Some(e) = &self.live.connect_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let Some(session) = &self.live.session else {
            return;
        };
        let snap = session.snapshot();
        ui.label(RichText::new("🔒 Live: the document is read-only").strong());
        egui::Grid::new("live-grid").num_columns(2).show(ui, |ui| {
            ui.label("Offset");
            ui.label(match (snap.offset_ms, snap.error_bound_ms) {
                (Some(o), Some(b)) => format!("{o:+} ms ± {b} ms"),
                _ => "—".into(),
            });
            ui.end_row();
            ui.label("Round trip");
            ui.label(snap.rtt_ms.map_or("—".into(), |r| format!("{r} ms")));
            ui.end_row();
            ui.label("Last sync");
            ui.label(
                snap.last_sync_age_ms
                    .map_or("—".into(), |a| format!("{:.1} s ago", a as f64 / 1000.0)),
            );
            ui.end_row();
            ui.label("Status");
            let color = if snap.status == Status::Paused {
                Color32::from_rgb(255, 90, 90)
            } else {
                Color32::from_rgb(90, 200, 120)
            };
            ui.colored_label(color, snap.status.as_str());
            ui.end_row();
            ui.label("Message");
            ui.label(snap.message.as_deref().unwrap_or("—"));
            ui.end_row();
            ui.label("Show time");
            ui.label(
                snap.show_position_ms
                    .map_or("(no event start)".into(), cuesheet::format_time_ms),
            );
            ui.end_row();
            ui.label("Audio vs clock");
            ui.label(
                self.live
                    .audio_error_ms
                    .map_or("—".into(), |e| format!("{e:+} ms")),
            );
            ui.end_row();
        });
        if snap.stale {
            ui.colored_label(Color32::from_rgb(255, 120, 80), "⚠ Stale estimate");
        }
        if let Some(e) = &snap.last_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.separator();
        ui.label(RichText::new("Operator").strong());
        ui.horizontal(|ui| {
            let label = ui.label("Admin token");
            ui.add(
                egui::TextEdit::singleline(&mut self.live.token)
                    .password(true)
                    .desired_width(180.0),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label("Message");
            ui.add(egui::TextEdit::singleline(&mut self.live.message).desired_width(200.0))
                .labelled_by(label.id);
        });
        let has_token = !self.live.token.trim().is_empty();
        let mut ask: Option<PendingAdmin> = None;
        ui.add_enabled_ui(has_token, |ui| {
            ui.horizontal_wrapped(|ui| {
                let msg = self.live.message.trim().to_owned();
                if ui.button("Pause…").clicked() {
                    ask = Some(PendingAdmin {
                        what: "Pause the show for every viewer".into(),
                        update: TransportUpdate {
                            status: Some(Status::Paused),
                            message: Some((!msg.is_empty()).then_some(msg.clone())),
                            ..TransportUpdate::default()
                        },
                    });
                }
                if ui.button("Resume…").clicked() {
                    ask = Some(PendingAdmin {
                        what: "Resume the show for every viewer".into(),
                        update: TransportUpdate {
                            status: Some(Status::Running),
                            message: Some(None),
                            ..TransportUpdate::default()
                        },
                    });
                }
                if ui.button("Start in 10 s…").clicked() {
                    ask = Some(PendingAdmin {
                        what: "Set the event start to 10 s from now".into(),
                        update: TransportUpdate {
                            event_start: Some(now_unix_ms() + 10_000),
                            ..TransportUpdate::default()
                        },
                    });
                }
                if let Some(es) = snap.server_event_start
                    && ui.button("Delay 30 s…").clicked()
                {
                    ask = Some(PendingAdmin {
                        what: "Delay the event start by 30 s".into(),
                        update: TransportUpdate {
                            event_start: Some(es + 30_000),
                            ..TransportUpdate::default()
                        },
                    });
                }
            });
        });
        if !has_token {
            ui.label(
                RichText::new("Enter the admin token to pause, resume or move the start.").weak(),
            );
        }
        match &snap.last_admin_result {
            Some(Ok(s)) => {
                ui.label(format!("Last change: ok ({s})"));
            }
            Some(Err(e)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Last change failed: {e}"),
                );
            }
            None => {}
        }
        if let Some(a) = ask {
            self.modal = Some(Modal::ConfirmAdmin(a));
        }
    }

    pub fn send_admin(&mut self, pending: PendingAdmin) {
        if let Some(s) = &self.live.session {
            s.admin(self.live.token.trim(), pending.update);
        }
    }
}

/// How long a jump of this computer's clock stays on screen.
const CLOCK_STEP_NOTICE_MS: i64 = 60_000;
