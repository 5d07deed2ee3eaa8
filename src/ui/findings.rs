//! The lint findings: each names its cue by time and action (a click selects it, moves the
//! playhead there and scrolls the timeline to it) and offers its quick fix as a button
//! whose tooltip says what it changes and what it would cause.

use cuesheet::lint::{Finding, Fix, QuickFix, Severity};
use egui::Color32;

use super::{Action, EditorState, TimeView};
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
            if let Some(subject) = f.subject() {
                let link = ui
                    .link(subject)
                    .on_hover_text("Select the cue and show it in the timeline");
                if link.clicked()
                    && let Some(id) = id
                {
                    editor.selection.clear();
                    editor.selection.insert(id);
                    if let Some(t) = f.time {
                        actions.push(Action::Seek(t));
                        let width = editor.timeline.last_rect.width();
                        editor.view = centred_on(editor.view, t, width);
                    }
                }
            }
            ui.label(&f.message);
            if let (Some(fix), Some(id)) = (&f.fix, id) {
                let (label, patch) = fix_patch(&fix.change);
                let label = match fix.creates.len() {
                    0 => label,
                    1 => format!("{label} (causes 1 new finding)"),
                    n => format!("{label} (causes {n} new findings)"),
                };
                // A long label wraps rather than widening the side panel.
                let button = egui::Button::new(label)
                    .small()
                    .wrap_mode(egui::TextWrapMode::Wrap);
                if ui.add(button).on_hover_text(fix_tooltip(fix)).clicked() {
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

/// The view at the same zoom with `t_ms` in the middle of a timeline `width` points wide
/// (the timeline's whole width, its lane headers included: close enough to the middle of
/// its time area to show the cue). An unknown width (nothing drawn yet) puts `t_ms` at
/// the left edge.
fn centred_on(view: TimeView, t_ms: i64, width: f32) -> TimeView {
    let width = if width.is_finite() {
        width.max(0.0)
    } else {
        0.0
    };
    TimeView {
        start_ms: (t_ms - view.span_ms(width) / 2).max(0),
        ..view
    }
}

/// What the fix changes (and, for a drift risk, the share of viewers outside the cue's
/// tolerance before and after), then the findings it would create.
fn fix_tooltip(fix: &Fix) -> String {
    let mut text = fix.effect.clone();
    if fix.creates.is_empty() {
        text.push_str("\nCreates no new finding.");
    } else {
        text.push_str("\nIt would also cause:");
        for caused in &fix.creates {
            text.push_str(&format!("\n• {caused}"));
        }
    }
    text
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centring_keeps_the_zoom_and_puts_the_time_in_the_middle() {
        let view = TimeView {
            start_ms: 0,
            ms_per_px: 10.0,
        };
        let centred = centred_on(view, 100_000, 1000.0);
        assert_eq!(centred.ms_per_px, 10.0);
        assert_eq!(centred.start_ms, 95_000);
        // Near the start the view stops at 0; without a width the time is at the left.
        assert_eq!(centred_on(view, 2_000, 1000.0).start_ms, 0);
        assert_eq!(centred_on(view, 7_000, f32::NEG_INFINITY).start_ms, 7_000);
    }
}
