//! What a new, empty show says first: load the audio (or drop a file), then tap cues.

use egui::RichText;

use super::command::shortcut_texts;
use super::{Action, UiCommand};

pub fn empty_state_ui(ui: &mut egui::Ui, has_audio: bool, actions: &mut Vec<Action>) {
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.heading("An empty show");
            if has_audio {
                ui.label("Play, and tap a cue at each moment with T; or open a show.");
            } else {
                ui.label(
                    "Start with the event's audio: open it, or drop an audio or video file on \
                     this window. Then play, and tap a cue at each moment with T.",
                );
            }
            ui.horizontal_wrapped(|ui| {
                for cmd in [
                    UiCommand::OpenAudio,
                    UiCommand::Open,
                    UiCommand::ImportSheet,
                ] {
                    let keys = shortcut_texts(ui.ctx(), cmd).join(", ");
                    let tip = if keys.is_empty() {
                        cmd.tooltip().to_owned()
                    } else {
                        format!("{} ({keys})", cmd.tooltip())
                    };
                    if ui.button(cmd.label()).on_hover_text(tip).clicked() {
                        actions.push(Action::Command(cmd));
                    }
                }
            });
            ui.label(RichText::new("Help › Keyboard shortcuts (F1) lists every key.").weak());
        });
}
