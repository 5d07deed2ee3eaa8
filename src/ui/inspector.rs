//! The inspector: edits the selected cues (several at once), or the show's settings when
//! nothing is selected. Typed values are checked as you type, with the error inline; each
//! field's typing is one undo step.

use std::collections::BTreeSet;

use cuesheet::catalog::Catalog;

use super::field::TypedField;
use super::tolerance::TOLERANCE_PRESETS;
use super::{Action, EditorState};
use crate::doc::{CueId, CuePatch, Document, Edit};

/// Text buffers for the fields, so half-typed values survive frames.
#[derive(Default)]
pub struct InspectorState {
    /// What the buffers were loaded from: the selection and the document revision.
    loaded: Option<(Vec<CueId>, u64)>,
    fields: [Field; FIELD_COUNT],
    show_fields: [TypedField; 3],
}

#[derive(Default, Clone)]
struct Field {
    typed: TypedField,
    /// The values differ across the selection.
    mixed: bool,
}

const FIELD_COUNT: usize = 7;
#[derive(Clone, Copy, PartialEq, Eq)]
enum F {
    Action = 0,
    Time = 1,
    Duration = 2,
    Tolerance = 3,
    Lane = 4,
    Note = 5,
    Params = 6,
}

impl F {
    fn label(self) -> &'static str {
        match self {
            F::Action => "Action",
            F::Time => "Time",
            F::Duration => "Duration",
            F::Tolerance => "Tolerance",
            F::Lane => "Lane",
            F::Note => "Note",
            F::Params => "Params",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            F::Action => "e.g. showParticles",
            F::Time => "ms or mm:ss.mmm",
            F::Duration | F::Tolerance => "ms (empty: catalog default)",
            F::Lane => "e.g. Lights",
            F::Note => "",
            F::Params => "{\"color\": \"#ffd700\"}",
        }
    }
}

fn text_of(cue: &cuesheet::Cue, f: F) -> String {
    match f {
        F::Action => cue.action.clone(),
        F::Time => cuesheet::format_time_ms(cue.time),
        F::Duration => cue.duration.map(|d| d.to_string()).unwrap_or_default(),
        F::Tolerance => cue.tolerance.map(|d| d.to_string()).unwrap_or_default(),
        F::Lane => cue.lane.clone().unwrap_or_default(),
        F::Note => cue.note.clone().unwrap_or_default(),
        F::Params => cue
            .params
            .as_ref()
            .and_then(|p| serde_json::to_string(p).ok())
            .unwrap_or_default(),
    }
}

/// Parses a field's text into a patch, or says what is wrong.
fn patch_from(f: F, text: &str) -> Result<CuePatch, String> {
    let t = text.trim();
    let opt_ms = |what: &str| -> Result<Option<i64>, String> {
        super::parse_opt_ms(t).map_err(|e| format!("{what}: {e}"))
    };
    let mut p = CuePatch::default();
    match f {
        F::Action => {
            if t.is_empty() {
                return Err("action: must not be empty".into());
            }
            p.action = Some(t.to_owned());
        }
        F::Time => match opt_ms("time")? {
            Some(v) => p.time = Some(v),
            None => return Err("time: required".into()),
        },
        F::Duration => p.duration = Some(opt_ms("duration")?),
        F::Tolerance => p.tolerance = Some(opt_ms("tolerance")?),
        F::Lane => p.lane = Some(Some(t.to_owned())),
        F::Note => p.note = Some(Some(text.to_owned())),
        F::Params => {
            if t.is_empty() {
                p.params = Some(None);
            } else {
                let m = cuesheet::parse_object(t).map_err(|e| format!("params: {e}"))?;
                p.params = Some(Some(m));
            }
        }
    }
    Ok(p)
}

const ALL_FIELDS: [F; FIELD_COUNT] = [
    F::Action,
    F::Time,
    F::Duration,
    F::Tolerance,
    F::Lane,
    F::Note,
    F::Params,
];

impl InspectorState {
    fn reload(&mut self, doc: &Document, ids: &[CueId]) {
        let cues: Vec<&cuesheet::Cue> = ids.iter().filter_map(|&id| doc.cue(id)).collect();
        for f in ALL_FIELDS {
            let slot = &mut self.fields[f as usize];
            if slot.typed.typing() {
                continue; // being typed into: keep the user's text
            }
            let mut texts = cues.iter().map(|c| text_of(c, f));
            let first = texts.next().unwrap_or_default();
            let mixed = texts.any(|t| t != first);
            *slot = Field {
                typed: TypedField::new(if mixed { String::new() } else { first }),
                mixed,
            };
        }
        let show = doc.show();
        let vals = [
            show.title.clone().unwrap_or_default(),
            show.expected_drift
                .map(|d| d.to_string())
                .unwrap_or_default(),
            show.time_server.clone().unwrap_or_default(),
        ];
        for (slot, v) in self.show_fields.iter_mut().zip(vals) {
            slot.load(v);
        }
    }
}

/// The actions offered for completion: the catalog's and the show's own.
pub fn known_actions(doc: &Document, catalog: &Catalog) -> Vec<String> {
    let mut set: BTreeSet<String> = catalog.iter().map(|(a, _)| a.to_owned()).collect();
    set.extend(doc.show().cues.iter().map(|c| c.action.clone()));
    set.into_iter().collect()
}

pub fn inspector_ui(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    doc: &Document,
    catalog: &Catalog,
    read_only: bool,
    actions: &mut Vec<Action>,
) {
    let ids: Vec<CueId> = state
        .selection
        .iter()
        .copied()
        .filter(|&id| doc.cue(id).is_some())
        .collect();
    let key = (ids.clone(), doc.revision());
    if state.inspector.loaded.as_ref() != Some(&key) {
        if state.inspector.loaded.as_ref().map(|(s, _)| s) != Some(&ids) {
            // A new selection: drop typing sessions.
            for f in state.inspector.fields.iter_mut() {
                f.typed.merge = None;
            }
        }
        state.inspector.reload(doc, &ids);
        state.inspector.loaded = Some(key);
    }

    if ids.is_empty() {
        show_settings_ui(ui, state, doc, read_only, actions);
        return;
    }
    ui.heading(if ids.len() == 1 {
        "Cue".to_owned()
    } else {
        format!("{} cues", ids.len())
    });
    ui.add_enabled_ui(!read_only, |ui| {
        egui::Grid::new("inspector-grid")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                for f in ALL_FIELDS {
                    field_row(ui, state, f, &ids, doc, catalog, actions);
                    ui.end_row();
                }
            });
        tolerance_presets_ui(ui, &ids, doc, catalog, actions);
    });
}

fn field_row(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    f: F,
    ids: &[CueId],
    doc: &Document,
    catalog: &Catalog,
    actions: &mut Vec<Action>,
) {
    let label = ui.label(f.label());
    let gesture = state.gesture_key();
    // Work on a copy of the field and put it back, so closures below borrow nothing else.
    let mut slot = std::mem::take(&mut state.inspector.fields[f as usize]);
    let mut reload = false;
    let params_hint;
    let hint = if slot.mixed {
        "(mixed)"
    } else if f == F::Params {
        // The defaults of the selected cues' action, when they share one.
        params_hint = default_params_hint(ids, doc, catalog);
        params_hint.as_str()
    } else {
        f.hint()
    };
    ui.vertical(|ui| {
        let mut picked: Option<String> = None;
        let resp = ui
            .horizontal(|ui| {
                let text = &mut slot.typed.text;
                let edit = if f == F::Params || f == F::Note {
                    egui::TextEdit::multiline(text).desired_rows(if f == F::Params { 3 } else { 2 })
                } else {
                    egui::TextEdit::singleline(text)
                };
                let resp = ui
                    .add(
                        edit.hint_text(hint)
                            .desired_width(170.0)
                            .code_editor_if(f == F::Params),
                    )
                    .labelled_by(label.id);
                // Actions and lanes are picked from what the show has.
                let choices = match f {
                    F::Action => Some(known_actions(doc, catalog)),
                    F::Lane => Some(doc.lanes().into_iter().filter(|l| !l.is_empty()).collect()),
                    _ => None,
                };
                if let Some(choices) = choices {
                    ui.menu_button("▾", |ui| {
                        egui::ScrollArea::vertical()
                            .max_height(300.0)
                            .show(ui, |ui| {
                                for a in choices {
                                    if ui.button(&a).clicked() {
                                        picked = Some(a);
                                        ui.close();
                                    }
                                }
                            });
                    });
                }
                resp
            })
            .inner;
        if let Some(a) = picked {
            slot.typed.text.clone_from(&a);
            slot.typed.merge = None;
            let patch = if f == F::Lane {
                CuePatch {
                    lane: Some(Some(a)),
                    ..CuePatch::default()
                }
            } else {
                CuePatch {
                    action: Some(a),
                    ..CuePatch::default()
                }
            };
            actions.push(Action::Edit(Edit::PatchCues {
                ids: ids.to_vec(),
                patch,
                merge: None,
            }));
        }
        let typed = slot
            .typed
            .after(ui, &resp, gesture, actions, |t| patch_from(f, t));
        if let Some((patch, merge)) = typed.value {
            actions.push(Action::Edit(Edit::PatchCues {
                ids: ids.to_vec(),
                patch,
                merge: Some(merge),
            }));
        }
        // Typing ended: the text is reloaded from the document.
        reload = typed.ended;
    });
    state.inspector.fields[f as usize] = slot;
    if reload {
        state.inspector.loaded = None;
    }
}

/// The catalog's params for the action the cues share, as a hint for their own params.
fn default_params_hint(ids: &[CueId], doc: &Document, catalog: &Catalog) -> String {
    let mut actions = ids.iter().filter_map(|&id| doc.cue(id)).map(|c| &c.action);
    let Some(first) = actions.next() else {
        return String::new();
    };
    if actions.any(|a| a != first) {
        return "(actions differ)".into();
    }
    match catalog.get(first) {
        Some(e) if !e.params.is_empty() => serde_json::to_string(&e.params)
            .map(|p| format!("default {p}"))
            .unwrap_or_default(),
        Some(_) => format!("{first} has no default params"),
        None => format!("{first} is not in the catalog"),
    }
}

trait CodeEditorIf {
    fn code_editor_if(self, yes: bool) -> Self;
}

impl CodeEditorIf for egui::TextEdit<'_> {
    fn code_editor_if(self, yes: bool) -> Self {
        if yes { self.code_editor() } else { self }
    }
}

fn tolerance_presets_ui(
    ui: &mut egui::Ui,
    ids: &[CueId],
    doc: &Document,
    catalog: &Catalog,
    actions: &mut Vec<Action>,
) {
    ui.add_space(4.0);
    ui.label("Tolerance presets");
    ui.horizontal_wrapped(|ui| {
        for (name, value, tip) in TOLERANCE_PRESETS {
            if ui.button(name).on_hover_text(tip).clicked() {
                actions.push(Action::Edit(Edit::PatchCues {
                    ids: ids.to_vec(),
                    patch: CuePatch {
                        tolerance: Some(value),
                        ..CuePatch::default()
                    },
                    merge: None,
                }));
            }
        }
    });
    if let [id] = ids
        && let Some(cue) = doc.cue(*id)
    {
        let eff = catalog.effective_tolerance(cue);
        let drift = doc.show().expected_drift.unwrap_or(0);
        let share = cuesheet::lint::share_outside_tolerance(eff, drift);
        ui.label(format!(
            "Effective tolerance {eff} ms; with ±{drift} ms expected drift, {:.1} % of viewers see it out of tolerance.",
            share * 100.0
        ));
    }
}

enum ShowSetting {
    Title(String),
    Drift(Option<i64>),
    TimeServer(String),
}

fn show_settings_ui(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    doc: &Document,
    read_only: bool,
    actions: &mut Vec<Action>,
) {
    ui.heading("Show");
    ui.label(egui::RichText::new("Select cues to edit them.").weak());
    ui.add_enabled_ui(!read_only, |ui| {
        egui::Grid::new("show-settings")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                let names = ["Title", "Expected drift (ms)", "Time server"];
                for (i, name) in names.iter().enumerate() {
                    let label = ui.label(*name);
                    let gesture = state.gesture_key();
                    let slot = &mut state.inspector.show_fields[i];
                    let parse = |text: &str| {
                        let t = text.trim();
                        match i {
                            0 => Ok(ShowSetting::Title(text.to_owned())),
                            1 if t.is_empty() => Ok(ShowSetting::Drift(None)),
                            1 => match t.parse::<i64>() {
                                Ok(v) if v >= 0 => Ok(ShowSetting::Drift(Some(v))),
                                _ => Err("expected drift: a whole number of ms >= 0".to_owned()),
                            },
                            _ => Ok(ShowSetting::TimeServer(t.to_owned())),
                        }
                    };
                    // What the panel has left, so a narrow panel is not pushed wider.
                    let width = (ui.available_width() - 8.0).clamp(110.0, 200.0);
                    let typed = slot.show(
                        ui,
                        &label,
                        |text| egui::TextEdit::singleline(text).desired_width(width),
                        gesture,
                        actions,
                        parse,
                    );
                    if let Some((setting, merge)) = typed.value {
                        let merge = Some(merge);
                        actions.push(Action::Edit(match setting {
                            ShowSetting::Title(t) => Edit::SetTitle {
                                title: Some(t),
                                merge,
                            },
                            ShowSetting::Drift(ms) => Edit::SetExpectedDrift { ms, merge },
                            ShowSetting::TimeServer(url) => Edit::SetTimeServer {
                                url: Some(url),
                                merge,
                            },
                        }));
                    }
                    ui.end_row();
                }
                ui.label("Audio");
                ui.label(doc.show().audio.as_deref().unwrap_or("(none)"));
                ui.end_row();
                ui.label("Event start");
                ui.label(doc.show().event_start.as_deref().unwrap_or("(not set)"));
                ui.end_row();
            });
    });
}

#[cfg(test)]
mod tests {
    use cuesheet::{Cue, Show};

    use super::*;

    #[test]
    fn the_params_hint_shows_the_actions_own_defaults() {
        let cue = |action: &str| Cue {
            action: action.into(),
            ..Cue::default()
        };
        let show = Show {
            cues: vec![
                cue("fireworks"),
                cue("fireworks"),
                cue("flash"),
                cue("nope"),
            ],
            ..Show::default()
        };
        let doc = Document::new(show, None);
        let ids = doc.cue_ids().to_vec();
        let catalog = Catalog::builtin();
        let hint = |ids: &[CueId]| default_params_hint(ids, &doc, &catalog);
        assert_eq!(hint(&ids[..2]), r#"default {"count":60}"#);
        assert_eq!(hint(&ids[2..3]), "flash has no default params");
        assert_eq!(hint(&ids[1..3]), "(actions differ)");
        assert_eq!(hint(&ids[3..]), "nope is not in the catalog");
    }
}
