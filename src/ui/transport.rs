//! The transport bar: play, the time, rate, loop, the clicks (metronome and cues), zoom,
//! snapping, the action new cues get, the output latency, and tap tempo's tempo while
//! tapping.

use egui::RichText;
use egui::containers::menu::{MenuButton, MenuConfig};

use super::{Action, EditorState, SnapGrid, UiCommand};
use crate::audio::clicks::ClickLevels;

/// What the transport bar shows.
pub struct TransportView {
    pub playing: bool,
    pub position_ms: i64,
    pub rate: f32,
    pub looping: bool,
    pub output_latency_ms: i64,
    /// The metronome and cue clicks.
    pub clicks: ClickLevels,
    /// Whether the show has beats for the metronome (a tempo grid).
    pub has_beats: bool,
    /// The actions offered for new cues.
    pub known_actions: Vec<String>,
    /// The show has a tempo grid (else a tempo division snaps to the fixed grid).
    pub has_tempo: bool,
    /// The bar and beat at the playhead, when the show has a tempo grid.
    pub bar_beat: Option<(i64, f64)>,
}

pub fn transport_ui(
    ui: &mut egui::Ui,
    view: &TransportView,
    editor: &mut EditorState,
    actions: &mut Vec<Action>,
) {
    // Wraps onto a second row when the window is narrow, instead of cutting tools off.
    ui.horizontal_wrapped(|ui| {
        let command = |ui: &mut egui::Ui, text: &str, tip: &str, cmd: UiCommand| {
            ui.button(text)
                .on_hover_text(tip)
                .clicked()
                .then_some(Action::Command(cmd))
        };
        let play = if view.playing { "Pause" } else { "▶ Play" };
        command(
            ui,
            play,
            UiCommand::PlayPause.tooltip(),
            UiCommand::PlayPause,
        );
        actions.extend(command(
            ui,
            "|◀",
            "Jump to start (Home)",
            UiCommand::JumpStart,
        ));
        ui.label(
            RichText::new(cuesheet::format_time_ms(view.position_ms))
                .monospace()
                .size(18.0)
                .strong(),
        );
        if let Some(bb) = view.bar_beat {
            ui.label(RichText::new(super::time_map::bar_beat_text(bb)).monospace())
                .on_hover_text("The bar and beat at the playhead, on the show's tempo grid");
        }
        ui.separator();
        group(ui, 220.0, |ui| {
            let label = ui.label("Rate");
            let mut rate = view.rate;
            let slider = egui::Slider::new(&mut rate, 0.5..=2.0)
                .step_by(0.05)
                .suffix("×");
            if ui.add(slider).labelled_by(label.id).changed() {
                actions.push(Action::SetRate(rate));
            }
        });
        let loop_text = if view.looping { "Loop: on" } else { "Loop" };
        if ui
            .selectable_label(view.looping, loop_text)
            .on_hover_text(UiCommand::LoopSelection.tooltip())
            .clicked()
        {
            actions.push(Action::Command(UiCommand::LoopSelection));
        }
        clicks_ui(ui, view, actions);
        ui.separator();
        actions.extend(command(
            ui,
            "－",
            UiCommand::ZoomOut.label(),
            UiCommand::ZoomOut,
        ));
        actions.extend(command(
            ui,
            "＋",
            UiCommand::ZoomIn.label(),
            UiCommand::ZoomIn,
        ));
        actions.extend(command(
            ui,
            "Fit",
            UiCommand::ZoomFit.tooltip(),
            UiCommand::ZoomFit,
        ));
        snap_ui(ui, view, editor, actions);
        ui.separator();
        group(ui, 260.0, |ui| {
            let label = ui.label("New cue action");
            egui::ComboBox::from_id_salt("new-action")
                .selected_text(editor.timeline.new_action.clone())
                .show_ui(ui, |ui| {
                    for a in &view.known_actions {
                        ui.selectable_value(&mut editor.timeline.new_action, a.clone(), a);
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.separator();
        // A label stays with its value when the bar wraps.
        group(ui, 170.0, |ui| {
            let label = ui.label("Output latency");
            let mut latency = view.output_latency_ms;
            if ui
                .add(
                    egui::DragValue::new(&mut latency)
                        .range(0..=1000)
                        .suffix(" ms"),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "How late the sound reaches the ears; taps and the playhead are corrected by it",
                )
                .changed()
            {
                actions.push(Action::SetOutputLatency(latency));
            }
        });
    });
}

/// "Clicks": a button that opens the metronome's and the cue clicks' switches and levels.
/// Each change is one [`Action::SetClicks`].
fn clicks_ui(ui: &mut egui::Ui, view: &TransportView, actions: &mut Vec<Action>) {
    let clicks = view.clicks;
    let button = egui::Button::new("Clicks").selected(clicks.metronome || clicks.cues);
    // Stays open while switches and sliders are used; a click elsewhere closes it.
    let config = MenuConfig::new().close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    let (response, _) = MenuButton::from_button(button).config(config).ui(ui, |ui| {
        let mut next = clicks;
        egui::Grid::new("clicks")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.checkbox(&mut next.metronome, "Metronome").on_hover_text(
                    "A click on every beat during playback, louder on the downbeats",
                );
                ui.end_row();
                level_row(
                    ui,
                    "Metronome level",
                    next.metronome,
                    &mut next.metronome_level,
                );
                ui.checkbox(&mut next.cues, "Cue clicks").on_hover_text(
                    "A tick as the playhead passes each cue (of the lanes the stage plays)",
                );
                ui.end_row();
                level_row(ui, "Cue click level", next.cues, &mut next.cue_level);
            });
        if !view.has_beats {
            ui.weak("The show has no tempo grid yet: the metronome has no beats to click.");
        }
        if next != clicks {
            actions.push(Action::SetClicks(next));
        }
    });
    response.on_hover_text("Hear the timing: a metronome and a tick on each cue while playing");
}

/// A level's label and slider, a row of the clicks' grid; greyed out while `on` is not.
fn level_row(ui: &mut egui::Ui, label: &str, on: bool, level: &mut f32) {
    let label = ui.add_enabled(on, egui::Label::new(label));
    let slider = egui::Slider::new(level, 0.0..=1.0).step_by(0.05);
    ui.add_enabled(on, slider).labelled_by(label.id);
    ui.end_row();
}

/// Snapping: Off, the fixed grid or a division of the tempo grid, in one compact menu.
fn snap_ui(
    ui: &mut egui::Ui,
    view: &TransportView,
    editor: &EditorState,
    actions: &mut Vec<Action>,
) {
    let t = &editor.timeline;
    group(ui, 200.0, |ui| {
        let label = ui.label("Snap");
        let current = if t.snapping {
            t.snap_grid.label(t.grid_ms)
        } else {
            "Off".to_owned()
        };
        let tip = if t.snapping && matches!(t.snap_grid, SnapGrid::Tempo(_)) && !view.has_tempo {
            format!(
                "{}. This show has no tempo yet, so drags snap to {} ms.",
                UiCommand::ToggleSnap.tooltip(),
                t.grid_ms
            )
        } else {
            UiCommand::ToggleSnap.tooltip().to_owned()
        };
        let mut chosen = None;
        egui::ComboBox::from_id_salt("snap")
            .selected_text(current)
            .width(130.0)
            .show_ui(ui, |ui| {
                if ui.selectable_label(!t.snapping, "Off").clicked() {
                    chosen = Some(None);
                }
                for grid in SnapGrid::CHOICES {
                    let on = t.snapping && t.snap_grid == grid;
                    let mut item = ui.selectable_label(on, grid.label(t.grid_ms));
                    if matches!(grid, SnapGrid::Tempo(_)) && !view.has_tempo {
                        item = item.on_hover_text(format!(
                            "The show has no tempo yet: snaps to {} ms. Tap it (B) or set it \
                             in the Tempo panel.",
                            t.grid_ms
                        ));
                    }
                    if item.clicked() {
                        chosen = Some(Some(grid));
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(tip);
        if let Some(choice) = chosen {
            actions.push(Action::SetSnap(choice));
        }
    });
    tap_ui(ui, editor, actions);
}

/// While tapping: the tapped tempo and its Apply.
fn tap_ui(ui: &mut egui::Ui, editor: &EditorState, actions: &mut Vec<Action>) {
    let tap = &editor.tap;
    if tap.taps() == 0 {
        return;
    }
    group(ui, 230.0, |ui| {
        let text = match tap.bpm() {
            Some(bpm) => format!("Tap: {bpm:.1} BPM"),
            None => "Tap: keep tapping…".to_owned(),
        };
        ui.label(RichText::new(text).monospace())
            .on_hover_text(format!(
                "{} taps; {}",
                tap.taps(),
                UiCommand::TapTempo.tooltip()
            ));
        let apply = egui::Button::new("Apply");
        if ui
            .add_enabled(tap.bpm().is_some(), apply)
            .on_hover_text(UiCommand::ApplyTapTempo.tooltip())
            .clicked()
        {
            actions.push(Action::Command(UiCommand::ApplyTapTempo));
        }
    });
}

/// A label with its value, kept together: on a new row when the rest of this one is
/// narrower than `width`.
fn group(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui)) {
    if ui.available_size_before_wrap().x < width {
        ui.end_row();
    }
    ui.horizontal(add);
}
