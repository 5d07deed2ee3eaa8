//! The status bar: the audio (decoding progress, failures, no device), background work,
//! the last message, and on the right the cue count, the time under the pointer and
//! whether the show is saved.

use egui::{Align, Color32, Layout, RichText};

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
    /// The last message and whether it is an error, while it is fresh.
    pub message: Option<(&'a str, bool)>,
    pub cues: usize,
    pub hover_ms: Option<i64>,
    pub dirty: bool,
}

const WARNING: Color32 = Color32::from_rgb(240, 180, 60);

pub fn status_ui(ui: &mut egui::Ui, view: &StatusView<'_>) {
    ui.horizontal(|ui| {
        audio_ui(ui, view.audio);
        if let Some(notice) = &view.device_notice {
            ui.separator();
            ui.colored_label(WARNING, format!("⚠ {notice}"));
        }
        for b in view.busy {
            ui.separator();
            ui.spinner();
            ui.label(b);
        }
        if let Some((text, error)) = view.message {
            ui.separator();
            if error {
                ui.colored_label(ui.visuals().error_fg_color, text);
            } else {
                ui.label(text);
            }
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            ui.label(format!("{} cues", view.cues));
            if let Some(t) = view.hover_ms {
                ui.label(
                    RichText::new(cuesheet::format_time_ms(t))
                        .monospace()
                        .weak(),
                );
            }
            if view.dirty {
                ui.label(RichText::new("unsaved").color(WARNING));
            }
        });
    });
}

fn audio_ui(ui: &mut egui::Ui, audio: &AudioStatus) {
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
            ui.colored_label(ui.visuals().error_fg_color, format!("Audio: {e}"));
        }
    }
}
