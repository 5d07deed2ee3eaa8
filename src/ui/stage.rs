//! The stage pane (being written by the preview engineer; this minimal version only
//! paints the background so the editor builds meanwhile).

use cuesheet::Cue;
use cuesheet::catalog::Catalog;

pub fn stage_ui(
    ui: &mut egui::Ui,
    _show_time_ms: i64,
    _cues: &[Cue],
    _catalog: &Catalog,
    _expected_drift_ms: i64,
    _audience: bool,
) {
    let (rect, _) = ui.allocate_exact_size(ui.available_size(), egui::Sense::hover());
    ui.painter().rect_filled(rect, 0.0, egui::Color32::BLACK);
}
