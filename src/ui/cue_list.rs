//! The cue list: every cue sorted by time, filterable by action or lane; a click selects the
//! cue and moves the playhead to it.

use egui_extras::{Column, TableBuilder};

use super::{Action, EditorState};
use crate::doc::{CueId, Document};

#[derive(Default)]
pub struct CueListState {
    pub filter: String,
    /// Sorted, filtered rows, for (revision, filter).
    rows: Vec<(CueId, usize)>,
    rows_key: Option<(u64, String)>,
}

impl CueListState {
    /// Row indices (into the show's cues) matching the filter, sorted by time then order.
    fn rows(&mut self, doc: &Document) -> &[(CueId, usize)] {
        let key = (doc.revision(), self.filter.clone());
        if self.rows_key.as_ref() != Some(&key) {
            let needle = self.filter.trim().to_lowercase();
            let cues = &doc.show().cues;
            let mut rows: Vec<(CueId, usize)> = doc
                .cue_ids()
                .iter()
                .copied()
                .enumerate()
                .filter(|(i, _)| {
                    needle.is_empty()
                        || cues[*i].action.to_lowercase().contains(&needle)
                        || cues[*i]
                            .lane
                            .as_deref()
                            .is_some_and(|l| l.to_lowercase().contains(&needle))
                })
                .map(|(i, id)| (id, i))
                .collect();
            rows.sort_by_key(|&(_, i)| (cues[i].time, i));
            self.rows = rows;
            self.rows_key = Some(key);
        }
        &self.rows
    }
}

pub fn cue_list_ui(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    doc: &Document,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        let label = ui.label("Filter");
        ui.add(
            egui::TextEdit::singleline(&mut state.cue_list.filter)
                .hint_text("action or lane")
                .desired_width(ui.available_width()),
        )
        .labelled_by(label.id);
    });
    let modifiers = ui.input(|i| i.modifiers);
    let rows = state.cue_list.rows(doc).to_vec();
    ui.label(
        egui::RichText::new(format!("{} of {} cues", rows.len(), doc.show().cues.len())).weak(),
    );
    let cues = &doc.show().cues;
    let mut clicked: Option<(CueId, i64)> = None;
    TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        // Narrow enough for a small screen: the action takes what is left.
        .column(Column::exact(74.0))
        .column(Column::remainder().at_least(56.0).clip(true))
        .column(Column::exact(54.0).clip(true))
        .column(Column::exact(38.0))
        .header(18.0, |mut h| {
            for t in ["Time", "Action", "Lane", "Tol."] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|mut body| {
            // The row takes the click wherever it lands: text in a cell is not selectable.
            body.ui_mut().style_mut().interaction.selectable_labels = false;
            body.rows(18.0, rows.len(), |mut row| {
                let Some(&(id, i)) = rows.get(row.index()) else {
                    return;
                };
                let Some(cue) = cues.get(i) else { return };
                row.set_selected(state.selection.contains(&id));
                row.col(|ui| {
                    ui.monospace(cuesheet::format_time_ms(cue.time));
                });
                row.col(|ui| {
                    ui.label(&cue.action);
                });
                row.col(|ui| {
                    ui.label(cue.lane.as_deref().unwrap_or(""));
                });
                row.col(|ui| {
                    ui.label(cue.tolerance.map(|t| t.to_string()).unwrap_or_default());
                });
                if row.response().clicked() {
                    clicked = Some((id, cue.time));
                }
            });
        });
    if let Some((id, time)) = clicked {
        state.click_cue(id, modifiers);
        actions.push(Action::Seek(time));
    }
}
