//! The Live panel and banner: the server to follow, the sync figures, and the operator's
//! controls behind a token and a confirmation. Connecting, the rehearsal server and the
//! changes themselves are [`Action`]s the app carries out.

use egui::{Color32, RichText};
use timesync::{Status, TransportUpdate};

use super::{Action, PendingAdmin};
use crate::live::session::LiveSnapshot;

/// The panel's fields.
#[derive(Clone, Debug, Default)]
pub struct LiveForm {
    /// The `/time` URL to connect to.
    pub url: String,
    /// Held in memory for the session only; never saved.
    pub token: String,
    /// The message viewers see while paused.
    pub message: String,
}

/// What the panel shows.
pub struct LiveView<'a> {
    /// `None` when not connected.
    pub snapshot: Option<&'a LiveSnapshot>,
    /// The `/time` URL being followed (a rehearsal's is its own, not the form's).
    pub connected_url: &'a str,
    pub connect_error: Option<&'a str>,
    /// Audible position minus server show time, last frame.
    pub audio_error_ms: Option<i64>,
    /// Wall-clock now (Unix ms), for "Start in 10 s".
    pub now_unix_ms: i64,
}

/// How long a jump of this computer's clock stays on screen.
const CLOCK_STEP_NOTICE_MS: i64 = 60_000;
const PAUSED_RED: Color32 = Color32::from_rgb(160, 30, 30);

/// Above the stage while live: PAUSED with the viewers' message, a stale estimate, a
/// clock step.
pub fn live_banner_ui(ui: &mut egui::Ui, snap: &LiveSnapshot) {
    if snap.status == Status::Paused {
        egui::Frame::new()
            .fill(PAUSED_RED)
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

pub fn live_panel_ui(
    ui: &mut egui::Ui,
    form: &mut LiveForm,
    view: &LiveView<'_>,
    actions: &mut Vec<Action>,
) {
    let connected = view.snapshot.is_some();
    ui.horizontal(|ui| {
        let label = ui.label("Server");
        if connected {
            // What is followed now; the field keeps the designer's own server for later.
            ui.add(egui::Label::new(RichText::new(view.connected_url).monospace()).truncate())
                .labelled_by(label.id);
        } else {
            ui.add(egui::TextEdit::singleline(&mut form.url).desired_width(220.0))
                .labelled_by(label.id);
        }
    });
    ui.horizontal(|ui| {
        if connected {
            if ui.button("Disconnect").clicked() {
                actions.push(Action::Disconnect);
            }
        } else {
            if ui.button("Connect").clicked() {
                actions.push(Action::Connect(form.url.trim().to_owned()));
            }
            if ui
                .button("Rehearsal")
                .on_hover_text(
                    "Start a local time server and run the show as if live, starting in 5 s",
                )
                .clicked()
            {
                actions.push(Action::Rehearsal);
            }
        }
    });
    if let Some(e) = view.connect_error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    let Some(snap) = view.snapshot else {
        return;
    };
    ui.label(RichText::new("Live: the document is read-only").strong());
    figures_ui(ui, snap, view.audio_error_ms);
    if snap.stale {
        ui.colored_label(Color32::from_rgb(255, 120, 80), "⚠ Stale estimate");
    }
    if let Some(e) = &snap.last_error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    ui.separator();
    operator_ui(ui, form, snap, view.now_unix_ms, actions);
}

fn figures_ui(ui: &mut egui::Ui, snap: &LiveSnapshot, audio_error_ms: Option<i64>) {
    egui::Grid::new("live-grid").num_columns(2).show(ui, |ui| {
        let row = |ui: &mut egui::Ui, name: &str, value: String| {
            ui.label(name);
            ui.label(value);
            ui.end_row();
        };
        let offset = match (snap.offset_ms, snap.error_bound_ms) {
            (Some(o), Some(b)) => format!("{o:+} ms ± {b} ms"),
            _ => "—".into(),
        };
        row(ui, "Offset", offset);
        row(
            ui,
            "Round trip",
            snap.rtt_ms.map_or("—".into(), |r| format!("{r} ms")),
        );
        let age = snap
            .last_sync_age_ms
            .map_or("—".into(), |a| format!("{:.1} s ago", a as f64 / 1000.0));
        row(ui, "Last sync", age);
        ui.label("Status");
        let (text, color) = status_text(snap);
        ui.colored_label(color, text);
        ui.end_row();
        row(
            ui,
            "Message",
            snap.message.clone().unwrap_or_else(|| "—".into()),
        );
        let show_time = snap
            .show_position_ms
            .map_or("(no event start)".into(), cuesheet::format_time_ms);
        row(ui, "Show time", show_time);
        row(
            ui,
            "Audio vs clock",
            audio_error_ms.map_or("—".into(), |e| format!("{e:+} ms")),
        );
    });
}

/// The server's status as the panel says it: what the server last said, unless it has
/// stopped answering, which is said first.
fn status_text(snap: &LiveSnapshot) -> (String, Color32) {
    if snap.last_error.is_some() || snap.stale {
        let text = format!("no reply (last known: {})", snap.status.as_str());
        return (text, Color32::from_rgb(255, 160, 60));
    }
    let color = if snap.status == Status::Paused {
        Color32::from_rgb(255, 90, 90)
    } else {
        Color32::from_rgb(90, 200, 120)
    };
    (snap.status.as_str().to_owned(), color)
}

/// "Last change" with its age, and whether the server has moved on since.
fn last_change_text(snap: &LiveSnapshot) -> Option<(String, bool)> {
    let result = snap.last_admin_result.as_ref()?;
    let ago = snap
        .last_admin_age_ms
        .map(|a| format!(", {} s ago", a.max(0) / 1000))
        .unwrap_or_default();
    Some(match result {
        Ok(s) => {
            let elsewhere = snap.last_admin_status.is_some_and(|set| set != snap.status);
            let tail = if elsewhere {
                format!("; changed elsewhere since, now {}", snap.status.as_str())
            } else {
                String::new()
            };
            (format!("Last change from here{ago}: ok ({s}){tail}"), false)
        }
        Err(e) => (format!("Last change from here{ago} failed: {e}"), true),
    })
}

fn operator_ui(
    ui: &mut egui::Ui,
    form: &mut LiveForm,
    snap: &LiveSnapshot,
    now_unix_ms: i64,
    actions: &mut Vec<Action>,
) {
    ui.label(RichText::new("Operator").strong());
    ui.horizontal(|ui| {
        let label = ui.label("Admin token");
        ui.add(
            egui::TextEdit::singleline(&mut form.token)
                .password(true)
                .desired_width(180.0),
        )
        .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let label = ui.label("Message");
        ui.add(egui::TextEdit::singleline(&mut form.message).desired_width(200.0))
            .labelled_by(label.id);
    });
    let has_token = !form.token.trim().is_empty();
    ui.add_enabled_ui(has_token, |ui| {
        ui.horizontal_wrapped(|ui| {
            for (button, pending) in admin_choices(form, snap, now_unix_ms) {
                if ui.button(button).clicked() {
                    actions.push(Action::AskAdmin(pending));
                }
            }
        });
    });
    if !has_token {
        ui.label(RichText::new("Enter the admin token to pause, resume or move the start.").weak());
    }
    match last_change_text(snap) {
        Some((text, false)) => {
            ui.label(text);
        }
        Some((text, true)) => {
            ui.colored_label(ui.visuals().error_fg_color, text);
        }
        None => {}
    }
}

/// The operator's buttons and the change each asks for.
fn admin_choices(
    form: &LiveForm,
    snap: &LiveSnapshot,
    now_unix_ms: i64,
) -> Vec<(&'static str, PendingAdmin)> {
    let msg = form.message.trim().to_owned();
    let mut out = vec![
        (
            "Pause…",
            PendingAdmin {
                what: if msg.is_empty() {
                    "Pause the show for every viewer, with no message".into()
                } else {
                    format!("Pause the show for every viewer, who will read: “{msg}”")
                },
                update: TransportUpdate {
                    status: Some(Status::Paused),
                    message: Some((!msg.is_empty()).then_some(msg)),
                    ..TransportUpdate::default()
                },
            },
        ),
        (
            "Resume…",
            PendingAdmin {
                what: "Resume the show for every viewer".into(),
                update: TransportUpdate {
                    status: Some(Status::Running),
                    message: Some(None),
                    ..TransportUpdate::default()
                },
            },
        ),
        (
            "Start in 10 s…",
            PendingAdmin {
                what: "Set the event start to 10 s from now".into(),
                update: TransportUpdate {
                    event_start: Some(now_unix_ms + 10_000),
                    ..TransportUpdate::default()
                },
            },
        ),
    ];
    if let Some(es) = snap.server_event_start {
        out.push((
            "Delay 30 s…",
            PendingAdmin {
                what: "Delay the event start by 30 s".into(),
                update: TransportUpdate {
                    event_start: Some(es + 30_000),
                    ..TransportUpdate::default()
                },
            },
        ));
    }
    out
}
