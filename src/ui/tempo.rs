//! The Tempo panel: the show's tempo sections set by hand, each with its start, tempo and
//! meter typed in (one undo step per typing session), added at the playhead and removed.

use cuesheet::TempoSection;
use egui::RichText;

use super::field::TypedField;
use super::{Action, EditorState, UiCommand};
use crate::doc::{Document, Edit, commands};

/// The fields' text, so half-typed values survive frames.
#[derive(Default)]
pub struct TempoPanelState {
    /// The document revision the fields were loaded from.
    loaded: Option<u64>,
    /// Per section: start, BPM, meter.
    rows: Vec<[TypedField; 3]>,
}

impl TempoPanelState {
    fn load(&mut self, doc: &Document) {
        if self.loaded == Some(doc.revision()) {
            return;
        }
        self.loaded = Some(doc.revision());
        let sections = doc.tempo();
        if self.rows.len() != sections.len() {
            self.rows = vec![Default::default(); sections.len()];
        }
        for (row, s) in self.rows.iter_mut().zip(sections) {
            for (field, text) in row.iter_mut().zip(texts(s)) {
                field.load(text);
            }
        }
    }
}

/// What the fields show for a section.
fn texts(s: &TempoSection) -> [String; 3] {
    [
        cuesheet::format_time_ms(s.time),
        super::time_map::bpm_text(s.bpm),
        s.meter(),
    ]
}

fn parse_start(text: &str) -> Result<i64, String> {
    super::parse_opt_ms(text)?.ok_or_else(|| "a start time is needed".to_owned())
}

fn parse_bpm(text: &str) -> Result<f64, String> {
    let range = TempoSection::BPM_RANGE;
    let (lo, hi) = (range.start(), range.end());
    match text.trim().parse::<f64>() {
        Ok(bpm) if TempoSection::bpm_ok(bpm) => Ok(TempoSection::round_bpm(bpm)),
        _ => Err(format!("a tempo from {lo} to {hi} BPM")),
    }
}

fn parse_meter(text: &str) -> Result<(u32, u32), String> {
    TempoSection::parse_meter(text).ok_or_else(|| {
        format!(
            "a meter such as 4/4 or 6/8 (1 to {} beats of 1, 2, 4, 8 or 16)",
            TempoSection::MAX_BEATS_PER_BAR
        )
    })
}

pub fn tempo_ui(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    doc: &Document,
    playhead_ms: i64,
    read_only: bool,
    actions: &mut Vec<Action>,
) {
    state.tempo.load(doc);
    let gesture = state.gesture_key();
    let sections = doc.tempo();
    if sections.is_empty() {
        ui.label(
            RichText::new(format!(
                "No tempo grid yet. Tap the tempo in time with the music ({}), then Apply, \
                 or add a section here and type its tempo.",
                UiCommand::TapTempo
                    .shortcuts()
                    .first()
                    .map_or(String::new(), |k| { ui.ctx().format_shortcut(k) })
            ))
            .weak(),
        );
    }
    let map = doc.tempo_map();
    ui.add_enabled_ui(!read_only, |ui| {
        for (index, section) in sections.iter().enumerate() {
            let Some(row) = state.tempo.rows.get_mut(index) else {
                break;
            };
            section_ui(ui, index, section, &map, row, gesture, actions);
        }
        let add = ui
            .button("Add section at playhead")
            .on_hover_text("A new section from the playhead, with the tempo and meter there");
        if add.clicked() {
            actions.push(Action::Edit(commands::add_tempo_section(doc, playhead_ms)));
        }
    });
    if !sections.is_empty() {
        ui.label(RichText::new("Drag a beat in the Beats ruler to correct the grid there.").weak());
    }
}

fn section_ui(
    ui: &mut egui::Ui,
    index: usize,
    section: &TempoSection,
    map: &cuesheet::grid::TempoMap,
    row: &mut [TypedField; 3],
    gesture: u64,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Section {}", index + 1)).strong());
        if let Some((bar, _)) = map.bar_beat_at(section.time) {
            ui.label(RichText::new(format!("from bar {bar}")).weak());
        }
        let remove = ui
            .small_button("Remove")
            .on_hover_text(format!("Remove section {}", index + 1));
        if remove.clicked() {
            actions.push(Action::Edit(Edit::RemoveTempoSection { index }));
        }
    });
    let set = |section: TempoSection, merge: u64| {
        Action::Edit(Edit::SetTempoSection {
            index,
            section,
            merge: Some(merge),
        })
    };
    egui::Grid::new(("tempo-section", index))
        .num_columns(2)
        .show(ui, |ui| {
            let [start, bpm, meter] = row;
            let label = ui.label("Start");
            if let Some((time, merge)) = typed(ui, start, &label, gesture, actions, parse_start) {
                actions.push(set(TempoSection { time, ..*section }, merge));
            }
            ui.end_row();
            let label = ui.label("BPM");
            ui.horizontal(|ui| {
                if let Some((bpm, merge)) = typed(ui, bpm, &label, gesture, actions, parse_bpm) {
                    actions.push(set(TempoSection { bpm, ..*section }, merge));
                }
                // A beat tracker's (or a tapper's) tempo is often half or double the one
                // the music is felt in: one click fixes it, the start and meter kept.
                for (text, factor, what) in [("÷2", 0.5, "Halve"), ("×2", 2.0, "Double")] {
                    let to = TempoSection::round_bpm(section.bpm * factor);
                    let button = ui
                        .add_enabled(TempoSection::bpm_ok(to), egui::Button::new(text).small())
                        .on_hover_text(format!(
                            "{what} the tempo of section {}: {} BPM",
                            index + 1,
                            super::time_map::bpm_text(to)
                        ));
                    if button.clicked() {
                        actions.push(Action::Edit(Edit::SetTempoSection {
                            index,
                            section: TempoSection {
                                bpm: to,
                                ..*section
                            },
                            merge: None,
                        }));
                    }
                }
            });
            ui.end_row();
            let label = ui.label("Meter");
            let typed = typed(ui, meter, &label, gesture, actions, parse_meter);
            if let Some(((beats_per_bar, beat_unit), merge)) = typed {
                let section = TempoSection {
                    beats_per_bar,
                    beat_unit,
                    ..*section
                };
                actions.push(set(section, merge));
            }
            ui.end_row();
        });
}

/// One of a section's fields: the value typed, once it parses, with its typing session.
fn typed<T>(
    ui: &mut egui::Ui,
    field: &mut TypedField,
    label: &egui::Response,
    gesture: u64,
    actions: &mut Vec<Action>,
    parse: fn(&str) -> Result<T, String>,
) -> Option<(T, u64)> {
    field
        .show(
            ui,
            label,
            |t| egui::TextEdit::singleline(t).desired_width(90.0),
            gesture,
            actions,
            parse,
        )
        .value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_are_checked_as_the_file_is() {
        assert_eq!(parse_start("1:02.5"), Ok(62_500));
        assert_eq!(parse_start("560"), Ok(560));
        assert!(parse_start("").is_err() && parse_start("-5").is_err());
        assert_eq!(parse_bpm(" 127.9317697 "), Ok(127.93177));
        assert!(parse_bpm("401").is_err() && parse_bpm("fast").is_err());
        assert_eq!(parse_meter("6/8"), Ok((6, 8)));
        assert!(parse_meter("6/7").is_err());
        let s = TempoSection {
            time: 92_060,
            bpm: 87.5,
            beats_per_bar: 6,
            beat_unit: 8,
        };
        assert_eq!(texts(&s), ["01:32.060", "87.5", "6/8"]);
    }
}
