//! The lint findings: each names its cue (a click selects it and moves the playhead there)
//! and offers its quick fix as a button.

use cuesheet::lint::{Finding, QuickFix, Severity};
use egui::Color32;

use super::{Action, EditorState};
use crate::doc::{CuePatch, Document, Edit};

pub fn findings_ui(
    ui: &mut egui::Ui,
    findings: &[Finding],
    doc: &Document,
    editor: &mut EditorState,
    actions: &mut Vec<Action>,
) {
    if findings.is_empty() {
        ui.label(egui::RichText::new("No findings.").weak());
        return;
    }
    let ids = doc.cue_ids();
    for f in findings {
        let id = f.cue.and_then(|i| ids.get(i)).copied();
        ui.horizontal_wrapped(|ui| {
            let color = match f.severity {
                Severity::Error => ui.visuals().error_fg_color,
                Severity::Warning => Color32::from_rgb(240, 180, 60),
                _ => ui.visuals().weak_text_color(),
            };
            ui.colored_label(color, f.code);
            let time = f.time.map(cuesheet::format_time_ms).unwrap_or_default();
            if ui.link(format!("{time} {}", f.message)).clicked()
                && let Some(id) = id
            {
                editor.selection.clear();
                editor.selection.insert(id);
                if let Some(t) = f.time {
                    actions.push(Action::Seek(t));
                }
            }
            if let (Some(fix), Some(id)) = (&f.fix, id) {
                let (label, patch) = fix_patch(fix);
                if ui.small_button(label).clicked() {
                    actions.push(Action::Edit(Edit::PatchCues {
                        ids: vec![id],
                        patch,
                        merge: None,
                    }));
                }
            }
        });
    }
}

/// A quick fix as a button label and the change it makes to its cue.
fn fix_patch(fix: &QuickFix) -> (String, CuePatch) {
    match fix {
        QuickFix::RaiseTolerance { to } => (
            format!("Raise tolerance to {to} ms"),
            CuePatch {
                tolerance: Some(Some(*to)),
                ..CuePatch::default()
            },
        ),
        QuickFix::SwapAction { to } => (
            format!("Use {to}"),
            CuePatch {
                action: Some(to.clone()),
                ..CuePatch::default()
            },
        ),
    }
}
