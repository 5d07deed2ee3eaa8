//! The status bar: the audio (decoding progress, failures with "Locate audio…", no device),
//! background work, the last message (an error stays until dismissed), and on the right the
//! cue count, the time under the pointer and whether the show is saved.

use egui::{Align, Color32, Layout, RichText};

use super::{Action, UiCommand};

/// Where the show's audio is.
#[derive(Clone, Debug, PartialEq)]
pub enum AudioStatus {
    None,
    Loading {
        decoded_ms: i64,
        total_ms: Option<i64>,
    },
    Ready {
        duration_ms: i64,
    },
    Failed(String),
}

/// What the status bar shows.
pub struct StatusView<'a> {
    pub audio: &'a AudioStatus,
    /// Why there is no sound (no output device), if so.
    pub device_notice: Option<String>,
    /// Background work in progress.
    pub busy: &'a [String],
    /// How far Edit › Analyse beats has got, while it runs.
    pub beat_analysis: Option<f32>,
    /// The message and whether it is an error.
    pub message: Option<(&'a str, bool)>,
    pub cues: usize,
    pub hover_ms: Option<i64>,
    /// The bar and beat under the pointer, when the show has a tempo grid.
    pub hover_bar_beat: Option<(i64, f64)>,
    pub dirty: bool,
}

const WARNING: Color32 = Color32::from_rgb(240, 180, 60);

pub fn status_ui(ui: &mut egui::Ui, view: &StatusView<'_>, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        // The right-hand figures first, so a long message on the left is cut short instead
        // of running over them.
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            ui.label(format!("{} cues", view.cues));
            if let Some(t) = view.hover_ms {
                let text = match view.hover_bar_beat {
                    Some(bb) => format!(
                        "{}  {}",
                        super::time_map::bar_beat_text(bb),
                        cuesheet::format_time_ms(t)
                    ),
                    None => cuesheet::format_time_ms(t),
                };
                ui.label(RichText::new(text).monospace().weak());
            }
            if view.dirty {
                ui.label(RichText::new("unsaved").color(WARNING));
            }
            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                left_ui(ui, view, actions);
            });
        });
    });
}

fn left_ui(ui: &mut egui::Ui, view: &StatusView<'_>, actions: &mut Vec<Action>) {
    audio_ui(ui, view.audio, actions);
    if let Some(notice) = &view.device_notice {
        ui.separator();
        ui.add(egui::Label::new(RichText::new(format!("⚠ {notice}")).color(WARNING)).truncate());
    }
    if let Some(p) = view.beat_analysis {
        ui.separator();
        ui.spinner();
        let text = format!("Analysing beats {:.0}%", p * 100.0);
        ui.add(egui::ProgressBar::new(p).desired_width(160.0).text(text));
    }
    for b in view.busy {
        ui.separator();
        ui.spinner();
        ui.add(egui::Label::new(b).truncate());
    }
    if let Some((text, error)) = view.message {
        ui.separator();
        if error {
            if ui
                .small_button("×")
                .on_hover_text("Dismiss this message")
                .clicked()
            {
                actions.push(Action::DismissMessage);
            }
            // A located problem can run to several lines: the first shows, all on hover.
            let mut lines = text.lines();
            let first = lines.next().unwrap_or_default();
            let more = lines.count();
            let shown = if more > 0 {
                format!("{first} (+{more} more)")
            } else {
                first.to_owned()
            };
            let color = ui.visuals().error_fg_color;
            ui.add(egui::Label::new(RichText::new(shown).color(color)).truncate())
                .on_hover_text(text);
        } else {
            ui.add(egui::Label::new(text).truncate());
        }
    }
}

fn audio_ui(ui: &mut egui::Ui, audio: &AudioStatus, actions: &mut Vec<Action>) {
    match audio {
        AudioStatus::None => {
            ui.label(
                RichText::new("No audio: the silent clock runs the length of the show").weak(),
            );
        }
        AudioStatus::Loading {
            decoded_ms,
            total_ms,
        } => {
            ui.spinner();
            let text = format!("Decoding audio {}", cuesheet::format_time_ms(*decoded_ms));
            match total_ms.filter(|t| *t > 0) {
                Some(t) => {
                    let frac = (*decoded_ms as f32 / t as f32).clamp(0.0, 1.0);
                    ui.add(egui::ProgressBar::new(frac).desired_width(200.0).text(text));
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
            if ui
                .button("Locate audio…")
                .on_hover_text(UiCommand::OpenAudio.tooltip())
                .clicked()
            {
                actions.push(Action::Command(UiCommand::OpenAudio));
            }
            let color = ui.visuals().error_fg_color;
            ui.add(egui::Label::new(RichText::new(format!("Audio: {e}")).color(color)).truncate())
                .on_hover_text(e);
        }
    }
}
