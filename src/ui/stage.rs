//! The stage pane: the effects active at the playhead, as the ideal view or as a 3×3 grid
//! of virtual viewers whose clocks drift (offsets drawn from the drift model with a fixed
//! seed), all rendered by the same pure effect functions.

use cuesheet::Cue;
use cuesheet::catalog::Catalog;
use egui::{Align2, Color32, FontId, Rect, Sense, Vec2};

use super::{Action, UiCommand};
use crate::preview;

/// The seed of the audience grid: the same viewers every time.
const AUDIENCE_SEED: u64 = 2026;

/// The stage pane with its header: the choice of ideal view or audience view.
pub fn stage_panel_ui(
    ui: &mut egui::Ui,
    show_time_ms: i64,
    cues: &[Cue],
    catalog: &Catalog,
    expected_drift_ms: i64,
    audience: bool,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        ui.strong("Stage");
        let mut choice = audience;
        ui.selectable_value(&mut choice, false, "Ideal view");
        ui.selectable_value(&mut choice, true, "Audience view (3×3)")
            .on_hover_text(UiCommand::ToggleAudience.tooltip());
        if choice != audience {
            actions.push(Action::Command(UiCommand::ToggleAudience));
        }
    });
    stage_ui(ui, show_time_ms, cues, catalog, expected_drift_ms, audience);
}

pub fn stage_ui(
    ui: &mut egui::Ui,
    show_time_ms: i64,
    cues: &[Cue],
    catalog: &Catalog,
    expected_drift_ms: i64,
    audience: bool,
) {
    let (rect, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
    // Keep 16:9 inside the pane.
    let size = fit_16_9(rect.size());
    let stage = Rect::from_center_size(rect.center(), size);
    let ctx = ui.ctx().clone();
    let mut shapes = Vec::new();
    if audience {
        let offsets = preview::audience_offsets(9, expected_drift_ms, AUDIENCE_SEED);
        let tile = Vec2::new(stage.width() / 3.0, stage.height() / 3.0);
        for (i, offset) in offsets.iter().enumerate() {
            let min = stage.min + Vec2::new((i % 3) as f32 * tile.x, (i / 3) as f32 * tile.y);
            let r = Rect::from_min_size(min, tile).shrink(2.0);
            // A viewer whose clock runs `offset` ms ahead is that much further into the show.
            let label = format!("{offset:+} ms");
            ctx.fonts_mut(|f| {
                preview::paint_stage(&mut shapes, f, r, show_time_ms + offset, cues, catalog);
                shapes.push(egui::Shape::text(
                    f,
                    r.left_top() + Vec2::new(4.0, 3.0),
                    Align2::LEFT_TOP,
                    label,
                    FontId::monospace(11.0),
                    Color32::from_gray(220),
                ));
            });
        }
    } else {
        ctx.fonts_mut(|f| preview::paint_stage(&mut shapes, f, stage, show_time_ms, cues, catalog));
    }
    ui.painter_at(rect).extend(shapes);
}

fn fit_16_9(avail: Vec2) -> Vec2 {
    let w = avail.x.min(avail.y * 16.0 / 9.0).max(1.0);
    Vec2::new(w, w * 9.0 / 16.0)
}
