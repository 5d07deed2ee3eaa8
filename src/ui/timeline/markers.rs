//! The markers row: the flags, with their labels, and the lines they draw across the lanes.

use egui::{Align2, Color32, FontId, Pos2, Stroke};

use super::paint::PaintCtx;

pub(super) fn draw_markers(cx: &PaintCtx<'_>) {
    let (painter, lay, map, visuals) = (&cx.painter, cx.lay, &cx.map, cx.visuals);
    let r = lay.markers;
    let start = map.start_ms;
    let end = map.end_ms();
    let markers = cx.input.doc.markers();
    let a = markers.partition_point(|m| m.time < start - 60_000);
    for m in markers[a..].iter().take_while(|m| m.time <= end) {
        let x = map.x_from_time(m.time);
        let color = Color32::from_rgb(255, 200, 80);
        painter.line_segment(
            [Pos2::new(x, r.top()), Pos2::new(x, lay.body.bottom())],
            Stroke::new(1.0, color.gamma_multiply(0.5)),
        );
        painter.add(egui::Shape::convex_polygon(
            vec![
                Pos2::new(x, r.bottom() - 2.0),
                Pos2::new(x - 5.0, r.top() + 4.0),
                Pos2::new(x + 5.0, r.top() + 4.0),
            ],
            color,
            Stroke::NONE,
        ));
        painter.text(
            Pos2::new(x + 7.0, r.center().y),
            Align2::LEFT_CENTER,
            &m.label,
            FontId::proportional(11.5),
            visuals.text_color(),
        );
    }
}
