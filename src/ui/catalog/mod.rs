//! The effect-catalog panel: every action the show can use, with its preview kind, label,
//! colour and default tolerance, duration and params. The built-in catalog comes from
//! `assets/effects.json`; what the designer changes here is stored in the show's
//! `effects` (only the entries that differ from the built-in ones), so it travels with the
//! show. Every change is one [`Edit::SetEffects`], undoable; typing in a field is one step.

use std::collections::BTreeMap;

use cuesheet::catalog::{Catalog, EffectEntry, EffectKind, Tier, is_hex_color};
use egui::{Color32, RichText};
use serde_json::{Map, Value};

use super::field::TypedField;
use super::tolerance::TOLERANCE_PRESETS;
use super::{Action, EditorState, color_from_hex, parse_opt_ms};
use crate::doc::{Document, Edit};

/// The panel's own state: the chosen entry and the text of its fields.
#[derive(Default)]
pub struct CatalogPanelState {
    pub selected: Option<String>,
    /// What the buffers were loaded from: the action and the document revision.
    loaded: Option<(String, u64)>,
    label: TypedField,
    tolerance: TypedField,
    duration: TypedField,
    params: TypedField,
    /// The undo merge key of the current colour-picker session.
    color_merge: Option<u64>,
    new_action: String,
    new_kind: Option<EffectKind>,
    new_error: Option<String>,
}

/// The show's `effects` that make `base` into `catalog`; `None` when nothing differs.
pub fn overrides(catalog: &Catalog, base: &Catalog) -> Option<Map<String, Value>> {
    let map = catalog.overrides_against(base);
    (!map.is_empty()).then_some(map)
}

/// The edit that gives `action` the entry `entry` (or removes it when `None`).
fn set_entry(
    catalog: &Catalog,
    base: &Catalog,
    action: &str,
    entry: Option<EffectEntry>,
    merge: Option<u64>,
) -> Edit {
    let mut next = catalog.clone();
    match entry {
        Some(e) => {
            next.insert(action, e);
        }
        None => {
            next.remove(action);
            // Removing a built-in entry cannot be stored: it falls back to the built-in one.
            if let Some(b) = base.get(action) {
                next.insert(action, b.clone());
            }
        }
    }
    Edit::SetEffects {
        effects: overrides(&next, base),
        merge,
    }
}

/// Why a new action name cannot be added, if it cannot.
pub fn check_new_action(name: &str, catalog: &Catalog) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("type an action name".into());
    }
    if name != name.trim() {
        return Err("no spaces around the name".into());
    }
    if catalog.get(name).is_some() {
        return Err(format!("{name} is already in the catalog"));
    }
    Ok(())
}

fn parse_params(text: &str) -> Result<Map<String, Value>, String> {
    cuesheet::parse_object(text).map_err(|e| format!("params: {e}"))
}

pub fn catalog_ui(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    doc: &Document,
    catalog: &Catalog,
    error: Option<&str>,
    read_only: bool,
    actions: &mut Vec<Action>,
) {
    let base = Catalog::builtin_ref();
    if let Some(e) = error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!(
                "The show's effect overrides are invalid, so the built-in catalog is used: {e}"
            ),
        );
        ui.label(RichText::new("Fix them in the show file, or reset them:").weak());
        if ui
            .add_enabled(
                !read_only,
                egui::Button::new("Reset to the built-in catalog"),
            )
            .clicked()
        {
            actions.push(Action::Edit(Edit::SetEffects {
                effects: None,
                merge: None,
            }));
        }
        return;
    }
    // Cues per action, in one pass over the show.
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for cue in &doc.show().cues {
        *used.entry(cue.action.as_str()).or_default() += 1;
    }
    egui::Grid::new("catalog-grid")
        .num_columns(4)
        .striped(true)
        .spacing([8.0, 2.0])
        .show(ui, |ui| {
            for (action, entry) in catalog.iter() {
                let (swatch, _) =
                    ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter()
                    .rect_filled(swatch, 2.0, color_from_hex(&entry.color));
                let selected = state.catalog.selected.as_deref() == Some(action);
                let mut text = RichText::new(action);
                if base.get(action) != Some(entry) {
                    // Changed or added by this show.
                    text = text.italics();
                }
                if ui
                    .selectable_label(selected, text)
                    .on_hover_text(format!("{} ({})", entry.label, entry.kind))
                    .clicked()
                {
                    state.catalog.selected = (!selected).then(|| action.to_owned());
                }
                ui.label(RichText::new(entry.kind.name()).weak());
                let tol = entry.tolerance.unwrap_or(catalog.default_tolerance);
                let tier = Tier::from_tolerance(tol);
                ui.label(
                    RichText::new(format!(
                        "{} {tol} ms · {}×",
                        tier.label(),
                        used.get(action).copied().unwrap_or(0)
                    ))
                    .small(),
                )
                .on_hover_text("Default tolerance and tier · cues using it");
                ui.end_row();
            }
        });
    ui.label(
        RichText::new("Italic: changed or added by this show.")
            .weak()
            .small(),
    );
    ui.separator();
    let selected = state
        .catalog
        .selected
        .clone()
        .filter(|a| catalog.get(a).is_some());
    if let Some(action) = selected {
        ui.add_enabled_ui(!read_only, |ui| {
            entry_ui(ui, state, doc, catalog, base, &action, actions)
        });
        ui.separator();
    }
    ui.add_enabled_ui(!read_only, |ui| {
        new_entry_ui(ui, state, catalog, base, actions)
    });
}

fn entry_ui(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    doc: &Document,
    catalog: &Catalog,
    base: &Catalog,
    action: &str,
    actions: &mut Vec<Action>,
) {
    let Some(entry) = catalog.get(action) else {
        return;
    };
    let gesture = state.gesture_key();
    let st = &mut state.catalog;
    let key = (action.to_owned(), doc.revision());
    let typing = [&st.label, &st.tolerance, &st.duration, &st.params]
        .iter()
        .any(|b| b.typing());
    // Reload on another entry, or when the document changed under us (undo) while the
    // designer is not typing here.
    let reload = match &st.loaded {
        Some((a, rev)) => a != action || (*rev != doc.revision() && !typing),
        None => true,
    };
    if reload {
        st.label = TypedField::new(entry.label.clone());
        st.tolerance = TypedField::new(entry.tolerance.map(|t| t.to_string()).unwrap_or_default());
        st.duration = TypedField::new(entry.duration.map(|t| t.to_string()).unwrap_or_default());
        st.params = TypedField::new(if entry.params.is_empty() {
            String::new()
        } else {
            serde_json::to_string_pretty(&entry.params).unwrap_or_default()
        });
    }
    st.loaded = Some(key);
    ui.strong(action);
    let mut changed: Option<(EffectEntry, Option<u64>)> = None;
    egui::Grid::new("catalog-entry")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Kind");
            let mut kind = entry.kind;
            egui::ComboBox::from_id_salt("catalog-kind")
                .selected_text(kind.name())
                .show_ui(ui, |ui| {
                    for k in EffectKind::ALL {
                        ui.selectable_value(&mut kind, k, k.name());
                    }
                });
            if kind != entry.kind {
                changed = Some((
                    EffectEntry {
                        kind,
                        ..entry.clone()
                    },
                    None,
                ));
            }
            ui.end_row();

            ui.label("Colour");
            let mut rgb = color_from_hex(&entry.color).to_array();
            let mut srgb = [rgb[0], rgb[1], rgb[2]];
            let resp = ui.color_edit_button_srgb(&mut srgb);
            // The picker closed: the next colour change is a new undo step.
            if !resp.changed() && !ui.ctx().any_popup_open() && st.color_merge.take().is_some() {
                actions.push(Action::SealHistory);
            }
            if resp.changed() {
                rgb[..3].copy_from_slice(&srgb);
                let color = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
                if is_hex_color(&color) && color != entry.color {
                    // One undo step per colour-picker session.
                    let merge = *st.color_merge.get_or_insert(gesture);
                    changed = Some((
                        EffectEntry {
                            color,
                            ..entry.clone()
                        },
                        Some(merge),
                    ));
                }
            }
            ui.end_row();

            type Parse = fn(&str, &EffectEntry) -> Result<EffectEntry, String>;
            let fields: [(&str, &str, Field, Parse); 3] = [
                ("Label", "shown in the editor", Field::Label, |t, e| {
                    if t.trim().is_empty() {
                        Err("type a label".to_owned())
                    } else {
                        Ok(EffectEntry {
                            label: t.to_owned(),
                            ..e.clone()
                        })
                    }
                }),
                (
                    "Tolerance",
                    "ms or mm:ss.mmm; blank: the show's default",
                    Field::Tolerance,
                    |t, e| {
                        parse_opt_ms(t).map(|tolerance| EffectEntry {
                            tolerance,
                            ..e.clone()
                        })
                    },
                ),
                (
                    "Duration",
                    "ms or mm:ss.mmm; blank: the kind's default",
                    Field::Duration,
                    |t, e| {
                        parse_opt_ms(t).map(|duration| EffectEntry {
                            duration,
                            ..e.clone()
                        })
                    },
                ),
            ];
            for (name, hint, field, parse) in fields {
                let label = ui.label(name);
                let typed = st.buffer(field).show(
                    ui,
                    &label,
                    |text| {
                        egui::TextEdit::singleline(text)
                            .hint_text(hint)
                            .desired_width(180.0)
                    },
                    gesture,
                    actions,
                    |t| parse(t, entry),
                );
                if let Some((e, merge)) = typed.value {
                    changed = Some((e, Some(merge)));
                }
                ui.end_row();
            }

            let label = ui.label("Params");
            ui.vertical(|ui| {
                let buf = &mut st.params;
                let resp = ui
                    .add(
                        egui::TextEdit::multiline(&mut buf.text)
                            .code_editor()
                            .desired_rows(3)
                            .desired_width(180.0)
                            .hint_text("{\"color\": \"#ffd700\"}"),
                    )
                    .labelled_by(label.id);
                let parse = |t: &str| {
                    parse_params(t).map(|params| EffectEntry {
                        params,
                        ..entry.clone()
                    })
                };
                if let Some((e, merge)) = buf.after(ui, &resp, gesture, actions, parse).value {
                    changed = Some((e, Some(merge)));
                }
            });
            ui.end_row();
        });
    // Below the grid, the full width of the panel: in a grid cell the buttons wrapped
    // under the Params box.
    ui.label("Tolerance presets");
    ui.horizontal_wrapped(|ui| {
        for (name, value, tip) in TOLERANCE_PRESETS {
            if ui.small_button(name).on_hover_text(tip).clicked() && entry.tolerance != value {
                changed = Some((
                    EffectEntry {
                        tolerance: value,
                        ..entry.clone()
                    },
                    None,
                ));
            }
        }
    });
    if let Some((e, merge)) = changed {
        actions.push(Action::Edit(set_entry(
            catalog,
            base,
            action,
            Some(e),
            merge,
        )));
    }
    let tol = entry.tolerance.unwrap_or(catalog.default_tolerance);
    if !entry.kind.is_drift_tolerant() && tol < Tier::GOOD_MIN_MS {
        ui.label(
            RichText::new(format!(
                "{} effects look wrong when viewers drift apart; keep them for moments that must hit the instant.",
                entry.kind
            ))
            .small()
            .color(Color32::from_rgb(240, 180, 60)),
        );
    }
    ui.horizontal(|ui| match base.get(action) {
        Some(b) if b != entry => {
            if ui.button("Reset to built-in").clicked() {
                actions.push(Action::Edit(set_entry(catalog, base, action, None, None)));
            }
        }
        Some(_) => {
            ui.label(RichText::new("Built-in entry").weak());
        }
        None => {
            let n = doc
                .show()
                .cues
                .iter()
                .filter(|c| c.action == action)
                .count();
            let remove = ui.add_enabled(n == 0, egui::Button::new("Remove"));
            let remove = if n > 0 {
                remove.on_disabled_hover_text(format!("{n} cues use {action}"))
            } else {
                remove
            };
            if remove.clicked() {
                state.catalog.selected = None;
                actions.push(Action::Edit(set_entry(catalog, base, action, None, None)));
            }
        }
    });
}

#[derive(Clone, Copy)]
enum Field {
    Label,
    Tolerance,
    Duration,
}

impl CatalogPanelState {
    fn buffer(&mut self, f: Field) -> &mut TypedField {
        match f {
            Field::Label => &mut self.label,
            Field::Tolerance => &mut self.tolerance,
            Field::Duration => &mut self.duration,
        }
    }
}

fn new_entry_ui(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    catalog: &Catalog,
    base: &Catalog,
    actions: &mut Vec<Action>,
) {
    let st = &mut state.catalog;
    ui.horizontal(|ui| {
        let name = ui.label("New action");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut st.new_action)
                    .hint_text("e.g. confetti")
                    .desired_width(120.0),
            )
            .labelled_by(name.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let kind = st.new_kind.get_or_insert(EffectKind::Marker);
        egui::ComboBox::from_id_salt("catalog-new-kind")
            .selected_text(kind.name())
            .show_ui(ui, |ui| {
                for k in EffectKind::ALL {
                    ui.selectable_value(kind, k, k.name());
                }
            });
        if ui.button("Add effect").clicked() || entered {
            match check_new_action(&st.new_action, catalog) {
                Ok(()) => {
                    let action = std::mem::take(&mut st.new_action);
                    let entry = EffectEntry::new(*kind, action.clone());
                    actions.push(Action::Edit(set_entry(
                        catalog,
                        base,
                        &action,
                        Some(entry),
                        None,
                    )));
                    st.selected = Some(action);
                    st.new_error = None;
                }
                Err(e) => st.new_error = Some(e),
            }
        }
    });
    if let Some(e) = &st.new_error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}

#[cfg(test)]
mod tests;
