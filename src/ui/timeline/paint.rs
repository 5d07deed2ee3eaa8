//! Drawing the timeline: gutter, ruler, waveform, cues, loop range and playhead (the
//! markers row draws itself, in `markers`).
//! Every function takes one [`PaintCtx`], what a frame's drawing reads.

use std::sync::Arc;

use egui::{Align2, Color32, CornerRadius, FontId, Pos2, Rect, Stroke, StrokeKind, Vec2};

use super::TimelineInput;
use super::beats;
use super::cues::{Cluster, CueLook, Hit, tier_color};
use super::layout::Layout;
use super::markers::{self, MarkerHit};
use crate::ui::{EditorState, TimeMapping};

/// What drawing one frame of the timeline reads.
pub(super) struct PaintCtx<'a> {
    /// Clipped to the timeline's rect.
    pub painter: egui::Painter,
    /// The whole timeline (gutter included).
    pub rect: Rect,
    pub lay: &'a Layout,
    pub map: TimeMapping,
    pub visuals: &'a egui::Visuals,
    pub state: &'a EditorState,
    pub input: &'a TimelineInput<'a>,
    /// The show's tempo grid (empty without one).
    pub tempo: &'a cuesheet::grid::TempoMap,
}

/// Where the cues and markers were drawn, for the pointer.
pub(super) struct Hits {
    pub cues: Vec<Hit>,
    pub markers: Vec<MarkerHit>,
}

/// Draws everything in order, back to front; returns where each cue and marker is.
pub(super) fn paint_timeline(cx: &PaintCtx<'_>) -> Hits {
    cx.painter
        .rect_filled(cx.rect, 0.0, cx.visuals.extreme_bg_color);
    draw_gutter(cx);
    draw_ruler(cx);
    beats::draw_beat_ruler(cx);
    draw_wave(cx);
    beats::draw_grid(cx);
    let markers = markers::draw_markers(cx);
    let cues = draw_cues(cx);
    draw_loop_and_playhead(cx);
    Hits { cues, markers }
}

fn draw_gutter(cx: &PaintCtx<'_>) {
    let (painter, lay, visuals, rect) = (&cx.painter, cx.lay, cx.visuals, cx.rect);
    let gutter = Rect::from_min_max(rect.left_top(), Pos2::new(lay.ruler.left(), rect.bottom()));
    painter.rect_filled(gutter, 0.0, visuals.faint_bg_color);
    let font = FontId::proportional(12.0);
    let text = visuals.text_color();
    let label = |r: &Rect, s: &str| {
        painter.text(
            Pos2::new(gutter.left() + 6.0, r.center().y),
            Align2::LEFT_CENTER,
            s,
            font.clone(),
            text,
        );
    };
    label(&lay.ruler, "Time");
    if lay.beats.height() > 0.0 {
        label(&lay.beats, "Beats");
    }
    label(&lay.wave, "Audio");
    label(&lay.markers, "Markers");
    let selected = cx.state.timeline.selected_lane.as_deref();
    for (name, r) in &lay.lanes {
        if selected == Some(name.as_str()) {
            // The header on the selection colour, the lane faintly tinted.
            let header = Rect::from_x_y_ranges(gutter.x_range(), r.y_range());
            painter.rect_filled(header, 0.0, visuals.selection.bg_fill);
            painter.rect_filled(*r, 0.0, visuals.selection.bg_fill.gamma_multiply(0.12));
        }
        // The lane's name and its buttons are drawn by `lanes::headers_ui`.
        painter.line_segment(
            [
                Pos2::new(rect.left(), r.bottom()),
                Pos2::new(rect.right(), r.bottom()),
            ],
            Stroke::new(1.0, visuals.faint_bg_color),
        );
    }
}

fn draw_ruler(cx: &PaintCtx<'_>) {
    let (painter, lay, map, visuals) = (&cx.painter, cx.lay, &cx.map, cx.visuals);
    painter.rect_filled(lay.ruler, 0.0, visuals.window_fill);
    let (minor, major) = map.tick_steps(12.0);
    let start = map.start_ms.max(0) / minor * minor;
    let end = map.end_ms();
    let color = visuals.weak_text_color();
    let mut t = start;
    while t <= end {
        let x = map.x_from_time(t);
        let is_major = t % major == 0;
        let h = if is_major { 10.0 } else { 4.0 };
        painter.line_segment(
            [
                Pos2::new(x, lay.ruler.bottom() - h),
                Pos2::new(x, lay.ruler.bottom()),
            ],
            Stroke::new(1.0, color),
        );
        // The time grid's lines across the lanes, unless the tempo grid draws its own.
        if is_major && cx.tempo.is_empty() {
            painter.line_segment(
                [
                    Pos2::new(x, lay.ruler.bottom()),
                    Pos2::new(x, lay.body.bottom()),
                ],
                Stroke::new(1.0, visuals.faint_bg_color),
            );
        }
        if is_major {
            painter.text(
                Pos2::new(x + 3.0, lay.ruler.top() + 2.0),
                Align2::LEFT_TOP,
                cuesheet::format_time_ms(t),
                FontId::monospace(10.5),
                visuals.text_color(),
            );
        }
        t += minor;
    }
}

fn draw_wave(cx: &PaintCtx<'_>) {
    let (painter, map, visuals) = (&cx.painter, &cx.map, cx.visuals);
    let r = cx.lay.wave;
    painter.rect_filled(r, 0.0, visuals.faint_bg_color);
    let Some(peaks) = cx.input.peaks else {
        painter.text(
            r.center(),
            Align2::CENTER_CENTER,
            "No audio",
            FontId::proportional(12.0),
            visuals.weak_text_color(),
        );
        return;
    };
    let cols = r.width().max(1.0) as usize;
    let start = map.start_ms;
    let end = map.time_from_x(r.left() + cols as f32);
    let mid = r.center().y;
    let half = r.height() * 0.46;
    let color = Color32::from_rgb(90, 170, 230);
    let mut mesh = egui::Mesh::default();
    for (i, col) in peaks.columns(start, end, cols).into_iter().enumerate() {
        let Some((lo, hi)) = col else { continue };
        let x = r.left() + i as f32;
        let top = mid - hi.clamp(-1.0, 1.0) * half;
        let bottom = (mid - lo.clamp(-1.0, 1.0) * half).max(top + 1.0);
        mesh.add_colored_rect(
            Rect::from_min_max(Pos2::new(x, top), Pos2::new(x + 1.0, bottom)),
            color,
        );
    }
    painter.add(egui::Shape::mesh(mesh));
    painter.line_segment(
        [Pos2::new(r.left(), mid), Pos2::new(r.right(), mid)],
        Stroke::new(1.0, visuals.weak_text_color().gamma_multiply(0.4)),
    );
}

fn draw_loop_and_playhead(cx: &PaintCtx<'_>) {
    let (painter, lay, map, rect) = (&cx.painter, cx.lay, &cx.map, cx.rect);
    if let Some((a, b)) = cx.input.loop_range {
        let r = Rect::from_x_y_ranges(map.x_from_time(a)..=map.x_from_time(b), lay.ruler.y_range());
        painter.rect_filled(r, 0.0, Color32::from_rgba_unmultiplied(80, 160, 255, 60));
    }
    let px = map.x_from_time(cx.input.playhead_ms);
    if px >= lay.ruler.left() {
        painter.line_segment(
            [Pos2::new(px, rect.top()), Pos2::new(px, rect.bottom())],
            Stroke::new(1.5, Color32::from_rgb(255, 80, 80)),
        );
    }
}

/// What drawing the cues of one frame builds up: every cue's rectangles in one mesh, the
/// labels, and the hit rectangles.
struct CueBatch<'a> {
    /// The painter clipped to the lanes.
    body_clip: egui::Painter,
    mesh: egui::Mesh,
    labels: Labels<'a>,
    hits: Vec<Hit>,
}

fn draw_cues<'a>(cx: &PaintCtx<'a>) -> Vec<Hit> {
    let (lay, map, state) = (cx.lay, &cx.map, cx.state);
    // Sized from the last frame, so a steady view grows no buffers.
    let last = state.timeline.last_cue_count;
    let body_clip = cx.painter.with_clip_rect(lay.body);
    let from = map.start_ms.saturating_sub(state.timeline.max_extent_ms);
    let end = map.end_ms();
    // Level of detail: cues closer than a few points form clusters drawn as one bar, so
    // work per frame is bounded by pixels, not by the number of cues.
    let mut mesh = egui::Mesh::default();
    mesh.vertices.reserve(last * 20 + 64);
    mesh.indices.reserve(last * 30 + 96);
    // The rectangles go under everything else; the labels over everything, as one shape.
    let mesh_slot = body_clip.add(egui::Shape::Noop);
    let mut batch = CueBatch {
        body_clip,
        mesh,
        labels: Labels {
            galleys: Vec::with_capacity(8),
            shapes: Vec::with_capacity(last),
        },
        hits: Vec::with_capacity(last),
    };
    let lanes = lay
        .lanes
        .iter()
        .zip(&lay.hidden)
        .zip(&state.timeline.lane_orders);
    for ((((_, lane_rect), hidden), order), clusters) in lanes.zip(&state.timeline.clusters) {
        if *hidden {
            continue;
        }
        let mut c = clusters.partition_point(|c| c.last_ms < from);
        while let Some(cluster) = clusters.get(c) {
            if cluster.first_ms > end {
                break;
            }
            if cluster.count == 1 {
                if let Some(&i) = order.get(cluster.first) {
                    let next_ms = clusters.get(c + 1).map(|next| next.first_ms);
                    draw_cue(cx, &mut batch, lane_rect, i, next_ms);
                }
            } else {
                draw_cluster(cx, &mut batch, lane_rect, order, cluster);
            }
            c += 1;
        }
    }
    // Every cue's rectangles go into one mesh, drawn under the labels and outlines.
    let CueBatch {
        body_clip,
        mesh,
        labels,
        hits,
    } = batch;
    body_clip.set(mesh_slot, egui::Shape::mesh(mesh));
    body_clip.add(egui::Shape::Vec(labels.shapes));
    outline_hidden_selection(cx, &body_clip);
    hits
}

/// Selected cues hidden by the level of detail still show their outline.
fn outline_hidden_selection(cx: &PaintCtx<'_>, body_clip: &egui::Painter) {
    let (lay, map, state) = (cx.lay, &cx.map, cx.state);
    if state.selection.is_empty() || state.selection.len() > 500 {
        return;
    }
    let doc = cx.input.doc;
    let cues = &doc.show().cues;
    let ids = doc.cue_ids();
    let end = map.end_ms();
    for (li, order) in state.timeline.lane_orders.iter().enumerate() {
        let Some((_, lane_rect)) = lay
            .lanes
            .get(li)
            .filter(|_| lay.hidden.get(li) != Some(&true))
        else {
            continue;
        };
        let a = order.partition_point(|&i| cues[i].time < map.start_ms);
        let b = order.partition_point(|&i| cues[i].time <= end);
        if b.saturating_sub(a) > 5_000 {
            continue;
        }
        for &i in &order[a..b.max(a)] {
            if ids.get(i).is_some_and(|id| state.selection.contains(id)) {
                let x = map.x_from_time(cues[i].time);
                let r = Rect::from_min_max(
                    Pos2::new(x - 1.0, lane_rect.top() + 3.0),
                    Pos2::new(x + 5.0, lane_rect.bottom() - 3.0),
                );
                body_clip.rect_stroke(
                    r,
                    1.0,
                    Stroke::new(2.0, Color32::WHITE),
                    StrokeKind::Outside,
                );
            }
        }
    }
}

/// A run of cues too close to tell apart: one bar from the first to the last, in the first
/// cue's colour, with the count when it fits. Zoom in to pick single cues.
fn draw_cluster(
    cx: &PaintCtx<'_>,
    batch: &mut CueBatch<'_>,
    lane_rect: &Rect,
    order: &[usize],
    cluster: &Cluster,
) {
    let map = &cx.map;
    let color = order
        .get(cluster.first)
        .and_then(|&i| cx.state.timeline.cue_looks.get(i))
        .map_or(Color32::GRAY, |l| l.color);
    let x0 = map.x_from_time(cluster.first_ms);
    let x1 = map.x_from_time(cluster.last_ms).max(x0) + 3.0;
    let top = lane_rect.top() + 3.0;
    let bottom = lane_rect.bottom() - 3.0;
    let bar = Rect::from_min_max(Pos2::new(x0 - 1.0, top), Pos2::new(x1, bottom));
    let mesh = &mut batch.mesh;
    mesh.add_colored_rect(bar, color.gamma_multiply(0.45));
    // Edge ticks mark where the run starts and ends.
    mesh.add_colored_rect(
        Rect::from_min_max(bar.min, Pos2::new(x0 + 2.0, bottom)),
        color,
    );
    mesh.add_colored_rect(Rect::from_min_max(Pos2::new(x1 - 2.0, top), bar.max), color);
    if bar.width() >= 60.0 {
        let body_clip = &batch.body_clip;
        let visible = bar.intersect(body_clip.clip_rect());
        body_clip.with_clip_rect(visible).text(
            Pos2::new(visible.left().max(bar.left()) + 5.0, top + 1.0),
            Align2::LEFT_TOP,
            format!("{} cues", cluster.count),
            FontId::proportional(11.0),
            cx.visuals.strong_text_color(),
        );
    }
}

/// The cue labels of one frame: each distinct text and width laid out once (cut with an
/// ellipsis to the label's room), and every label's shape, added together at the end.
#[derive(Default)]
struct Labels<'a> {
    galleys: Vec<(&'a str, u32, Arc<egui::Galley>)>,
    shapes: Vec<egui::Shape>,
}

impl<'a> Labels<'a> {
    fn add(
        &mut self,
        painter: &egui::Painter,
        pos: Pos2,
        text: &'a str,
        width: f32,
        color: Color32,
    ) {
        // Whole points, so cues of one duration share a layout at any zoom.
        let width = width.floor().max(8.0);
        let key = width as u32;
        let galley = match self
            .galleys
            .iter()
            .find(|(t, w, _)| *w == key && *t == text)
        {
            Some((_, _, galley)) => Arc::clone(galley),
            None => {
                let mut job = egui::text::LayoutJob::single_section(
                    text.to_owned(),
                    egui::TextFormat::simple(FontId::proportional(11.0), Color32::PLACEHOLDER),
                );
                job.wrap = egui::text::TextWrapping::truncate_at_width(width);
                let galley = painter.layout_job(job);
                self.galleys.push((text, key, Arc::clone(&galley)));
                galley
            }
        };
        self.shapes.push(egui::Shape::galley(pos, galley, color));
    }
}

/// One cue `i` (document order) on its lane: tolerance span, duration bar, head, drift
/// badge, selection outline and label, which may run up to `next_on_lane_ms`.
fn draw_cue<'a>(
    cx: &PaintCtx<'a>,
    batch: &mut CueBatch<'a>,
    lane_rect: &Rect,
    i: usize,
    next_on_lane_ms: Option<i64>,
) {
    let (map, input) = (&cx.map, cx.input);
    let (Some(cue), Some(&id)) = (input.doc.show().cues.get(i), input.doc.cue_ids().get(i)) else {
        return;
    };
    let Some(&CueLook {
        color: base,
        tolerance,
    }) = cx.state.timeline.cue_looks.get(i)
    else {
        return;
    };
    let CueBatch {
        body_clip,
        mesh,
        labels,
        hits,
    } = batch;
    let x = map.x_from_time(cue.time);
    let top = lane_rect.top() + 3.0;
    let bottom = lane_rect.bottom() - 3.0;
    // Tolerance: a shaded span after the cue.
    if tolerance > 0 {
        let tx = map.x_from_time(cue.time + tolerance);
        mesh.add_colored_rect(
            Rect::from_min_max(
                Pos2::new(x, bottom - 6.0),
                Pos2::new(tx.max(x + 1.0), bottom),
            ),
            base.gamma_multiply(0.25),
        );
    }
    // Duration: a bar; the head marks the instant.
    let dur_w = cue.duration.map_or(0.0, |d| map.px_from_ms(d));
    let head_w = 6.0_f32;
    let body = Rect::from_min_max(
        Pos2::new(x, top),
        Pos2::new(x + dur_w.max(head_w), bottom - 7.0),
    );
    mesh.add_colored_rect(body, base.gamma_multiply(0.55));
    mesh.add_colored_rect(
        Rect::from_min_max(Pos2::new(x - 1.0, top), Pos2::new(x + 2.0, bottom)),
        base,
    );
    // Drift badge: a square coloured by tier, ringed in red when the lint flagged the cue.
    let dot = Pos2::new(x + 4.5, bottom - 3.0);
    mesh.add_colored_rect(
        Rect::from_center_size(dot, Vec2::splat(5.0)),
        tier_color(tolerance, input.expected_drift_ms),
    );
    if input.flagged.contains(&i) {
        body_clip.circle_stroke(dot, 5.0, Stroke::new(1.5, Color32::from_rgb(255, 90, 90)));
    }
    let selected = cx.state.selection.contains(&id);
    if selected {
        body_clip.rect_stroke(
            body.expand(1.0),
            CornerRadius::same(2),
            Stroke::new(2.0, Color32::WHITE),
            StrokeKind::Outside,
        );
    }
    // Label, when there is room for a few letters.
    if dur_w >= 24.0 || map.ms_per_px <= 20.0 {
        let label = input
            .catalog
            .get(&cue.action)
            .map(|e| e.label.as_str())
            .filter(|l| !l.is_empty())
            .unwrap_or(cue.action.as_str());
        // The label starts 4 points into the bar and may run to its end or 90 points, but
        // not into the next cue on the lane, whose label starts there.
        let room = dur_w.max(90.0);
        let room = next_on_lane_ms.map_or(room, |t| room.min(map.x_from_time(t) - x)) - 6.0;
        if room >= 12.0 {
            labels.add(
                body_clip,
                Pos2::new(x + 4.0, top + 1.0),
                label,
                room,
                if selected {
                    Color32::WHITE
                } else {
                    cx.visuals.strong_text_color()
                },
            );
        }
    }
    hits.push(Hit {
        id,
        rect: Rect::from_min_max(
            Pos2::new(x - 3.0, top),
            Pos2::new(x + dur_w.max(head_w + 4.0), bottom),
        ),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_share_layouts_and_are_cut_to_their_room() {
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let painter = ui.painter().clone();
            let mut labels = Labels::default();
            let long = "花火とレーザーのフィナーレ Fireworks finale";
            for x in [0.0, 100.0, 200.0] {
                labels.add(&painter, Pos2::new(x, 0.0), long, 84.0, Color32::WHITE);
            }
            labels.add(&painter, Pos2::ZERO, "Flash", 84.0, Color32::WHITE);
            labels.add(&painter, Pos2::ZERO, long, 400.0, Color32::WHITE);
            assert_eq!(labels.shapes.len(), 5);
            // One layout per distinct text and room.
            assert_eq!(labels.galleys.len(), 3);
            let (_, _, cut) = &labels.galleys[0];
            assert!(cut.size().x <= 84.0, "{}", cut.size().x);
            let last = cut
                .rows
                .first()
                .and_then(|r| r.glyphs.last())
                .map(|g| g.chr);
            assert_eq!(last, Some('…'), "cut with an ellipsis");
            let (_, _, whole) = &labels.galleys[2];
            assert_eq!(whole.text(), long);
            assert_eq!(whole.rows.len(), 1);
        });
        out.textures_delta.clear();
    }
}
