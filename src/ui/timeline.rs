//! The timeline: ruler, waveform lane, markers lane and one lane per cue `lane`.
//!
//! Drawing is culled: a time-sorted index of the cues (rebuilt when the document changes)
//! is binary-searched for the visible range, so a frame costs what is visible, not the
//! size of the show.

use std::collections::BTreeSet;
use std::sync::Arc;

use cuesheet::catalog::Catalog;
use egui::{Align2, Color32, CornerRadius, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};

use super::{Action, EditorState, TimeMapping, TimeView, color_from_hex, time_map};
use crate::audio::peaks::Peaks;
use crate::doc::{CueId, Document, Edit};

pub const RULER_H: f32 = 24.0;
pub const WAVE_H: f32 = 96.0;
pub const MARKERS_H: f32 = 22.0;
pub const LANE_H: f32 = 38.0;
pub const GUTTER_W: f32 = 96.0;
/// How close (in points) a drag must come to a snap target to snap.
const SNAP_PX: f32 = 8.0;

/// Everything the timeline reads for one frame.
pub struct TimelineInput<'a> {
    pub doc: &'a Document,
    pub catalog: &'a Catalog,
    pub peaks: Option<&'a Peaks>,
    /// The audio's length when known (decoded so far while loading).
    pub audio_ms: Option<i64>,
    pub playhead_ms: i64,
    pub playing: bool,
    pub loop_range: Option<(i64, i64)>,
    /// While live, the document cannot be edited.
    pub read_only: bool,
    /// Cue indices (document order) with lint findings, for badges.
    pub flagged: &'a BTreeSet<usize>,
    /// Show default for cues whose tolerance comes from nowhere else.
    pub expected_drift_ms: i64,
}

#[derive(Clone, Debug)]
enum Drag {
    /// Moving the selection; `anchor` is the grabbed cue, `origin_ms` its time at the start.
    Cues {
        anchor: CueId,
        origin_ms: i64,
        merge: u64,
    },
    /// Rubber-band selection from this point.
    Select { from: Pos2, additive: bool },
    /// Scrubbing on the ruler.
    Scrub,
}

/// The timeline's own view state.
pub struct TimelineState {
    drag: Option<Drag>,
    /// Per lane (in `Document::lanes` order), cue indices sorted by time, for `revision`.
    lane_orders: Vec<Vec<usize>>,
    /// Colour and effective tolerance per cue (document order), for `order_revision`.
    cue_looks: Vec<CueLook>,
    /// `Document::lanes` and `Document::content_end_ms` for `order_revision`.
    lanes: Vec<String>,
    content_end_ms: i64,
    order_revision: Option<u64>,
    /// The longest (duration or tolerance) extent of any cue, to cull from the left.
    max_extent_ms: i64,
    /// Per lane, runs of cues closer than [`MIN_CUE_GAP_PX`] at the current zoom, for
    /// `cluster_key` (document revision, gap in ms).
    clusters: Vec<Vec<Cluster>>,
    cluster_key: Option<(u64, i64)>,
    /// How many single cues the last frame drew, to size this frame's buffers.
    last_cue_count: usize,
    pub snapping: bool,
    pub grid_ms: i64,
    pub follow_playhead: bool,
    /// The action given to cues added by double-click or tap.
    pub new_action: String,
    /// Last pointer time over the timeline, shown in the status bar.
    pub hover_ms: Option<i64>,
    /// Where the timeline was drawn last frame (for tests and tools).
    pub last_rect: Rect,
}

impl Default for TimelineState {
    fn default() -> Self {
        Self {
            drag: None,
            lane_orders: Vec::new(),
            lanes: Vec::new(),
            content_end_ms: 0,
            cue_looks: Vec::new(),
            order_revision: None,
            max_extent_ms: 0,
            clusters: Vec::new(),
            cluster_key: None,
            last_cue_count: 0,
            snapping: true,
            grid_ms: 250,
            follow_playhead: true,
            new_action: "flash".to_owned(),
            hover_ms: None,
            last_rect: Rect::NOTHING,
        }
    }
}

impl TimelineState {
    fn refresh_index(&mut self, doc: &Document, catalog: &Catalog) {
        if self.order_revision == Some(doc.revision()) {
            return;
        }
        self.cue_looks = doc
            .show()
            .cues
            .iter()
            .map(|c| CueLook {
                color: catalog
                    .get(&c.action)
                    .map_or(Color32::GRAY, |e| color_from_hex(&e.color)),
                tolerance: catalog.effective_tolerance(c),
            })
            .collect();
        let cues = &doc.show().cues;
        let lanes = doc.lanes();
        let mut orders: Vec<Vec<usize>> = vec![Vec::new(); lanes.len()];
        for (i, cue) in cues.iter().enumerate() {
            let lane = cue.lane.as_deref().unwrap_or("");
            if let Some(li) = lanes.iter().position(|l| l == lane) {
                orders[li].push(i);
            }
        }
        for order in &mut orders {
            order.sort_by_key(|&i| (cues[i].time, i));
        }
        self.lane_orders = orders;
        self.lanes = lanes;
        self.content_end_ms = doc.content_end_ms();
        self.max_extent_ms = cues
            .iter()
            .map(|c| c.duration.unwrap_or(0).max(c.tolerance.unwrap_or(0)))
            .max()
            .unwrap_or(0);
        self.order_revision = Some(doc.revision());
    }

    /// Groups each lane's cues into runs whose neighbours are less than `min_gap_ms` apart.
    /// Recomputed only when the document or the zoom changes, so panning costs nothing
    /// and a frame draws clusters, bounded by pixels, however many cues the show has.
    fn refresh_clusters(&mut self, doc: &Document, min_gap_ms: i64) {
        let key = (doc.revision(), min_gap_ms);
        if self.cluster_key == Some(key) {
            return;
        }
        let cues = &doc.show().cues;
        let time = |i: usize| cues.get(i).map_or(0, |c| c.time);
        self.clusters = self
            .lane_orders
            .iter()
            .map(|order| {
                let mut out: Vec<Cluster> = Vec::new();
                for (k, &i) in order.iter().enumerate() {
                    let t = time(i);
                    match out.last_mut() {
                        Some(c) if t - c.last_ms < min_gap_ms => {
                            c.last_ms = t;
                            c.count += 1;
                        }
                        _ => out.push(Cluster {
                            first_ms: t,
                            last_ms: t,
                            first: k,
                            count: 1,
                        }),
                    }
                }
                out
            })
            .collect();
        self.cluster_key = Some(key);
    }
}

/// Cues on one lane drawn as one bar because they are too close to tell apart at this zoom.
#[derive(Clone, Copy, Debug)]
struct Cluster {
    first_ms: i64,
    last_ms: i64,
    /// Position of the first cue in the lane's time order.
    first: usize,
    count: usize,
}

/// How a cue is drawn, derived from the catalog once per document revision.
#[derive(Clone, Copy)]
struct CueLook {
    color: Color32,
    tolerance: i64,
}

/// Lane geometry for one frame.
struct Layout {
    ruler: Rect,
    wave: Rect,
    markers: Rect,
    lanes: Vec<(String, Rect)>,
    body: Rect,
}

fn layout(rect: Rect, lanes: Vec<String>) -> Layout {
    let x0 = rect.left() + GUTTER_W;
    let row = |y: f32, h: f32| Rect::from_min_max(Pos2::new(x0, y), Pos2::new(rect.right(), y + h));
    let ruler = row(rect.top(), RULER_H);
    let wave = row(ruler.bottom(), WAVE_H);
    let markers = row(wave.bottom(), MARKERS_H);
    let avail = (rect.bottom() - markers.bottom()).max(0.0);
    let lane_h = if lanes.is_empty() {
        LANE_H
    } else {
        (avail / lanes.len() as f32).clamp(22.0, LANE_H)
    };
    let lanes = lanes
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, row(markers.bottom() + i as f32 * lane_h, lane_h)))
        .collect();
    let body = Rect::from_min_max(Pos2::new(x0, markers.bottom()), rect.right_bottom());
    Layout {
        ruler,
        wave,
        markers,
        lanes,
        body,
    }
}

/// Draws the timeline into the available space and handles its mouse input.
pub fn timeline_ui(
    ui: &mut egui::Ui,
    state: &mut EditorState,
    input: &TimelineInput<'_>,
    actions: &mut Vec<Action>,
) {
    let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    state.timeline.last_rect = rect;
    state.timeline.refresh_index(input.doc, input.catalog);
    let lay = layout(rect, state.timeline.lanes.clone());
    let width = lay.ruler.width();
    let end_ms = state
        .timeline
        .content_end_ms
        .max(input.audio_ms.unwrap_or(0));

    if state.fit_pending && width > 10.0 {
        state.view = TimeView::fit(end_ms, width);
        state.fit_pending = false;
    }
    if input.playing && state.timeline.follow_playhead && state.timeline.drag.is_none() {
        state.view = state.view.following(input.playhead_ms, width);
    }
    handle_zoom_and_pan(ui, &response, state, &lay);
    let map = state.view.mapping(lay.ruler.left(), width);
    state
        .timeline
        .refresh_clusters(input.doc, min_gap_ms(map.ms_per_px));

    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    painter.rect_filled(rect, 0.0, visuals.extreme_bg_color);
    draw_gutter(&painter, &lay, rect, &visuals);
    draw_ruler(&painter, &lay, &map, &visuals);
    draw_wave(&painter, &lay, &map, input, &visuals);
    draw_markers(&painter, &lay, &map, input.doc, &visuals);
    let hits = draw_cues(&painter, &lay, &map, state, input, &visuals);
    state.timeline.last_cue_count = hits.len();

    if let Some((a, b)) = input.loop_range {
        let r = Rect::from_x_y_ranges(map.x_from_time(a)..=map.x_from_time(b), lay.ruler.y_range());
        painter.rect_filled(r, 0.0, Color32::from_rgba_unmultiplied(80, 160, 255, 60));
    }
    // Playhead.
    let px = map.x_from_time(input.playhead_ms);
    if px >= lay.ruler.left() {
        painter.line_segment(
            [Pos2::new(px, rect.top()), Pos2::new(px, rect.bottom())],
            Stroke::new(1.5, Color32::from_rgb(255, 80, 80)),
        );
    }

    state.timeline.hover_ms = response
        .hover_pos()
        .filter(|p| p.x >= lay.ruler.left())
        .map(|p| map.time_from_x(p.x));
    handle_pointer(ui, &response, state, input, &lay, &map, &hits, actions);
    draw_scrollbar(ui, &lay, rect, state, end_ms);
}

fn handle_zoom_and_pan(
    ui: &egui::Ui,
    response: &egui::Response,
    state: &mut EditorState,
    lay: &Layout,
) {
    if !response.hovered() {
        return;
    }
    let (scroll, zoom, pointer) =
        ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta(), i.pointer.hover_pos()));
    let width = lay.ruler.width();
    let map = state.view.mapping(lay.ruler.left(), width);
    let anchor = pointer.map_or(state.view.start_ms, |p| map.time_from_x(p.x));
    if zoom != 1.0 {
        state.view = state.view.zoomed(f64::from(zoom), anchor);
    } else if scroll != Vec2::ZERO {
        // The wheel (vertical or horizontal) pans; up/left goes earlier.
        let d = if scroll.x.abs() > scroll.y.abs() {
            scroll.x
        } else {
            scroll.y
        };
        state.view = state.view.panned(-d);
    }
}

fn draw_gutter(painter: &egui::Painter, lay: &Layout, rect: Rect, visuals: &egui::Visuals) {
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
    label(&lay.wave, "Audio");
    label(&lay.markers, "Markers");
    for (name, r) in &lay.lanes {
        let shown = if name.is_empty() { "(no lane)" } else { name };
        label(r, shown);
        painter.line_segment(
            [
                Pos2::new(rect.left(), r.bottom()),
                Pos2::new(rect.right(), r.bottom()),
            ],
            Stroke::new(1.0, visuals.faint_bg_color),
        );
    }
}

fn draw_ruler(painter: &egui::Painter, lay: &Layout, map: &TimeMapping, visuals: &egui::Visuals) {
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
        if is_major {
            painter.text(
                Pos2::new(x + 3.0, lay.ruler.top() + 2.0),
                Align2::LEFT_TOP,
                cuesheet::format_time_ms(t),
                FontId::monospace(10.5),
                visuals.text_color(),
            );
            painter.line_segment(
                [
                    Pos2::new(x, lay.ruler.bottom()),
                    Pos2::new(x, lay.body.bottom()),
                ],
                Stroke::new(1.0, visuals.faint_bg_color),
            );
        }
        t += minor;
    }
}

fn draw_wave(
    painter: &egui::Painter,
    lay: &Layout,
    map: &TimeMapping,
    input: &TimelineInput<'_>,
    visuals: &egui::Visuals,
) {
    let r = lay.wave;
    painter.rect_filled(r, 0.0, visuals.faint_bg_color);
    let Some(peaks) = input.peaks else {
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

fn draw_markers(
    painter: &egui::Painter,
    lay: &Layout,
    map: &TimeMapping,
    doc: &Document,
    visuals: &egui::Visuals,
) {
    let r = lay.markers;
    let start = map.start_ms;
    let end = map.end_ms();
    let markers = doc.markers();
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

/// Where each drawn cue is, for hit testing (in draw order; later wins).
struct Hit {
    id: CueId,
    rect: Rect,
}

fn draw_cues(
    painter: &egui::Painter,
    lay: &Layout,
    map: &TimeMapping,
    state: &EditorState,
    input: &TimelineInput<'_>,
    visuals: &egui::Visuals,
) -> Vec<Hit> {
    let doc = input.doc;
    let cues = &doc.show().cues;
    // Sized from the last frame, so a steady view grows no buffers.
    let last = state.timeline.last_cue_count;
    let mut hits = Vec::with_capacity(last);
    let body_clip = painter.with_clip_rect(lay.body);
    let from = map.start_ms.saturating_sub(state.timeline.max_extent_ms);
    let end = map.end_ms();
    // Level of detail: cues closer than a few points form clusters drawn as one bar, so
    // work per frame is bounded by pixels, not by the number of cues.
    let mut mesh = egui::Mesh::default();
    mesh.vertices.reserve(last * 20 + 64);
    mesh.indices.reserve(last * 30 + 96);
    // The rectangles go under everything else; the labels over everything, as one shape.
    let mesh_slot = body_clip.add(egui::Shape::Noop);
    let mut labels = Labels {
        galleys: Vec::with_capacity(8),
        shapes: Vec::with_capacity(last),
    };
    let lanes = lay.lanes.iter().zip(&state.timeline.lane_orders);
    for (((_, lane_rect), order), clusters) in lanes.zip(&state.timeline.clusters) {
        let mut c = clusters.partition_point(|c| c.last_ms < from);
        while let Some(cluster) = clusters.get(c) {
            if cluster.first_ms > end {
                break;
            }
            if cluster.count == 1 {
                if let Some(&i) = order.get(cluster.first) {
                    draw_cue(
                        &body_clip,
                        &mut mesh,
                        &mut labels,
                        lane_rect,
                        map,
                        state,
                        input,
                        visuals,
                        i,
                        clusters.get(c + 1).map(|next| next.first_ms),
                        &mut hits,
                    );
                }
            } else {
                draw_cluster(
                    &body_clip, &mut mesh, lane_rect, map, state, order, cluster, visuals,
                );
            }
            c += 1;
        }
    }
    // Every cue's rectangles go into one mesh, drawn under the labels and outlines.
    body_clip.set(mesh_slot, egui::Shape::mesh(mesh));
    body_clip.add(egui::Shape::Vec(labels.shapes));
    // Selected cues hidden by the level of detail still show their outline.
    if !state.selection.is_empty() && state.selection.len() <= 500 {
        let ids = doc.cue_ids();
        for (li, order) in state.timeline.lane_orders.iter().enumerate() {
            let Some((_, lane_rect)) = lay.lanes.get(li) else {
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
    hits
}

/// The closest two drawn cues on one lane may be, in points.
const MIN_CUE_GAP_PX: f32 = 4.0;

/// [`MIN_CUE_GAP_PX`] in ms at a zoom.
fn min_gap_ms(ms_per_px: f64) -> i64 {
    ((f64::from(MIN_CUE_GAP_PX) * ms_per_px).ceil() as i64).max(1)
}

/// A run of cues too close to tell apart: one bar from the first to the last, in the first
/// cue's colour, with the count when it fits. Zoom in to pick single cues.
#[allow(clippy::too_many_arguments)]
fn draw_cluster(
    body_clip: &egui::Painter,
    mesh: &mut egui::Mesh,
    lane_rect: &Rect,
    map: &TimeMapping,
    state: &EditorState,
    order: &[usize],
    cluster: &Cluster,
    visuals: &egui::Visuals,
) {
    let color = order
        .get(cluster.first)
        .and_then(|&i| state.timeline.cue_looks.get(i))
        .map_or(Color32::GRAY, |l| l.color);
    let x0 = map.x_from_time(cluster.first_ms);
    let x1 = map.x_from_time(cluster.last_ms).max(x0) + 3.0;
    let top = lane_rect.top() + 3.0;
    let bottom = lane_rect.bottom() - 3.0;
    let bar = Rect::from_min_max(Pos2::new(x0 - 1.0, top), Pos2::new(x1, bottom));
    mesh.add_colored_rect(bar, color.gamma_multiply(0.45));
    // Edge ticks mark where the run starts and ends.
    mesh.add_colored_rect(
        Rect::from_min_max(bar.min, Pos2::new(x0 + 2.0, bottom)),
        color,
    );
    mesh.add_colored_rect(Rect::from_min_max(Pos2::new(x1 - 2.0, top), bar.max), color);
    if bar.width() >= 60.0 {
        let visible = bar.intersect(body_clip.clip_rect());
        body_clip.with_clip_rect(visible).text(
            Pos2::new(visible.left().max(bar.left()) + 5.0, top + 1.0),
            Align2::LEFT_TOP,
            format!("{} cues", cluster.count),
            FontId::proportional(11.0),
            visuals.strong_text_color(),
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

#[allow(clippy::too_many_arguments)]
fn draw_cue<'a>(
    body_clip: &egui::Painter,
    mesh: &mut egui::Mesh,
    labels: &mut Labels<'a>,
    lane_rect: &Rect,
    map: &TimeMapping,
    state: &EditorState,
    input: &TimelineInput<'a>,
    visuals: &egui::Visuals,
    i: usize,
    next_on_lane_ms: Option<i64>,
    hits: &mut Vec<Hit>,
) {
    let (Some(cue), Some(&id)) = (input.doc.show().cues.get(i), input.doc.cue_ids().get(i)) else {
        return;
    };
    let Some(&CueLook {
        color: base,
        tolerance,
    }) = state.timeline.cue_looks.get(i)
    else {
        return;
    };
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
    let selected = state.selection.contains(&id);
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
                    visuals.strong_text_color()
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

/// The tolerance tier's colour (`Tier::from_tolerance`: Good green, Fair amber, Poor red);
/// a tolerance below the show's expected drift is never shown as green.
pub fn tier_color(tolerance_ms: i64, expected_drift_ms: i64) -> Color32 {
    use cuesheet::catalog::Tier;
    match Tier::from_tolerance(tolerance_ms) {
        Tier::Good if tolerance_ms >= expected_drift_ms => Color32::from_rgb(90, 200, 120),
        Tier::Good | Tier::Fair => Color32::from_rgb(240, 180, 60),
        Tier::Poor => Color32::from_rgb(235, 80, 80),
    }
}

#[cfg(test)]
mod tier_tests {
    use super::*;

    #[test]
    fn tier_colours_follow_the_catalog_tiers_and_the_drift() {
        let (green, amber, red) = (
            Color32::from_rgb(90, 200, 120),
            Color32::from_rgb(240, 180, 60),
            Color32::from_rgb(235, 80, 80),
        );
        use cuesheet::catalog::Tier;
        assert_eq!(tier_color(Tier::GOOD_MIN_MS, 500), green);
        assert_eq!(
            tier_color(Tier::GOOD_MIN_MS, 1500),
            amber,
            "below the drift"
        );
        assert_eq!(tier_color(Tier::GOOD_MIN_MS - 1, 0), amber);
        assert_eq!(tier_color(Tier::FAIR_MIN_MS, 0), amber);
        assert_eq!(tier_color(Tier::FAIR_MIN_MS - 1, 0), red);
    }
}

fn lane_at(lay: &Layout, y: f32) -> Option<&str> {
    lay.lanes
        .iter()
        .find(|(_, r)| r.y_range().contains(y))
        .map(|(n, _)| n.as_str())
}

#[allow(clippy::too_many_arguments)]
fn handle_pointer(
    ui: &egui::Ui,
    response: &egui::Response,
    state: &mut EditorState,
    input: &TimelineInput<'_>,
    lay: &Layout,
    map: &TimeMapping,
    hits: &[Hit],
    actions: &mut Vec<Action>,
) {
    let modifiers = ui.input(|i| i.modifiers);
    let hit_at = |p: Pos2| hits.iter().rev().find(|h| h.rect.contains(p)).map(|h| h.id);

    if response.double_clicked()
        && !input.read_only
        && let Some(p) = response.interact_pointer_pos()
        && p.y > lay.markers.bottom()
        && hit_at(p).is_none()
        && let Some(lane) = lane_at(lay, p.y)
    {
        let time = map.time_from_x(p.x).max(0);
        let cue = cuesheet::Cue {
            time,
            action: state.timeline.new_action.clone(),
            lane: (!lane.is_empty()).then(|| lane.to_owned()),
            ..cuesheet::Cue::default()
        };
        actions.push(Action::Edit(Edit::AddCues { cues: vec![cue] }));
        return;
    }

    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        if lay.ruler.contains(p) || lay.wave.contains(p) || lay.markers.contains(p) {
            actions.push(Action::Seek(map.time_from_x(p.x).max(0)));
        } else if let Some(id) = hit_at(p) {
            select_click(&mut state.selection, id, modifiers);
        } else if !(modifiers.shift || modifiers.command) {
            state.selection.clear();
        }
    }

    if response.drag_started()
        && let Some(p) = response.interact_pointer_pos()
    {
        let grabbed = hit_at(p);
        state.timeline.drag = if lay.ruler.contains(p) || lay.wave.contains(p) {
            Some(Drag::Scrub)
        } else if let Some(id) = grabbed.filter(|_| !input.read_only) {
            if !state.selection.contains(&id) {
                if !(modifiers.shift || modifiers.command) {
                    state.selection.clear();
                }
                state.selection.insert(id);
            }
            input.doc.cue(id).map(|c| Drag::Cues {
                anchor: id,
                origin_ms: c.time,
                merge: state.gesture_key(),
            })
        } else if p.y > lay.markers.bottom() {
            Some(Drag::Select {
                from: p,
                additive: modifiers.shift || modifiers.command,
            })
        } else {
            None
        };
    }

    let pointer = response.interact_pointer_pos().or(response.hover_pos());
    match (state.timeline.drag.clone(), pointer) {
        (Some(Drag::Scrub), Some(p)) if response.dragged() => {
            actions.push(Action::Scrub(map.time_from_x(p.x).max(0)));
        }
        (
            Some(Drag::Cues {
                anchor,
                origin_ms,
                merge,
            }),
            Some(_),
        ) if response.dragged() => {
            let total = ui.input(|i| i.pointer.press_origin().zip(i.pointer.latest_pos()));
            if let (Some((from, to)), Some(cur)) = (total, input.doc.cue(anchor).map(|c| c.time)) {
                let raw = origin_ms + (f64::from(to.x - from.x) * map.ms_per_px).round() as i64;
                let target = if state.timeline.snapping && !modifiers.alt {
                    let candidates =
                        snap_candidates(input, &state.selection, map, input.playhead_ms);
                    time_map::snap(
                        raw,
                        &candidates,
                        state.timeline.grid_ms,
                        (f64::from(SNAP_PX) * map.ms_per_px).round() as i64,
                    )
                } else {
                    raw
                };
                let delta = target.max(0) - cur;
                if delta != 0 {
                    actions.push(Action::Edit(Edit::MoveCues {
                        ids: state.selection.iter().copied().collect(),
                        delta_ms: delta,
                        merge: Some(merge),
                    }));
                }
            }
        }
        (Some(Drag::Select { from, .. }), Some(p)) if response.dragged() => {
            let r = Rect::from_two_pos(from, p);
            ui.painter().rect(
                r,
                0.0,
                Color32::from_rgba_unmultiplied(120, 170, 255, 30),
                Stroke::new(1.0, Color32::from_rgb(120, 170, 255)),
                StrokeKind::Inside,
            );
        }
        _ => {}
    }

    if response.drag_stopped() {
        match state.timeline.drag.take() {
            Some(Drag::Cues { .. }) => actions.push(Action::SealHistory),
            Some(Drag::Select { from, additive }) => {
                if let Some(p) = pointer {
                    let r = Rect::from_two_pos(from, p);
                    if !additive {
                        state.selection.clear();
                    }
                    // By time and lane, so cues merged by the level of detail are included.
                    let (t0, t1) = (map.time_from_x(r.left()), map.time_from_x(r.right()));
                    let lanes: Vec<&str> = lay
                        .lanes
                        .iter()
                        .filter(|(_, lr)| lr.intersects(r))
                        .map(|(n, _)| n.as_str())
                        .collect();
                    state.selection.extend(
                        input
                            .doc
                            .cues()
                            .filter(|(_, c)| {
                                (t0..=t1).contains(&c.time)
                                    && lanes.contains(&c.lane.as_deref().unwrap_or(""))
                            })
                            .map(|(id, _)| id),
                    );
                }
            }
            Some(Drag::Scrub) => {
                if let Some(p) = pointer {
                    actions.push(Action::Seek(map.time_from_x(p.x).max(0)));
                }
            }
            None => {}
        }
    }
}

/// Click selection: plain click selects one; Shift or Ctrl toggles the cue in the selection.
pub fn select_click(selection: &mut BTreeSet<CueId>, id: CueId, modifiers: egui::Modifiers) {
    if modifiers.shift || modifiers.command {
        if !selection.remove(&id) {
            selection.insert(id);
        }
    } else {
        selection.clear();
        selection.insert(id);
    }
}

/// Snap targets for a drag: markers, the playhead and unselected cues near the view.
fn snap_candidates(
    input: &TimelineInput<'_>,
    selection: &BTreeSet<CueId>,
    map: &TimeMapping,
    playhead: i64,
) -> Vec<i64> {
    let (start, end) = (map.start_ms, map.end_ms());
    let mut c: Vec<i64> = input
        .doc
        .markers()
        .iter()
        .map(|m| m.time)
        .filter(|t| (start..=end).contains(t))
        .collect();
    c.push(playhead);
    c.extend(
        input
            .doc
            .cues()
            .filter(|(id, cue)| !selection.contains(id) && (start..=end).contains(&cue.time))
            .map(|(_, cue)| cue.time)
            .take(2000),
    );
    c
}

fn draw_scrollbar(
    ui: &mut egui::Ui,
    lay: &Layout,
    rect: Rect,
    state: &mut EditorState,
    end_ms: i64,
) {
    let width = lay.ruler.width();
    let span = state.view.span_ms(width).max(1);
    let total = end_ms.max(span).max(1) as f32;
    let track = Rect::from_min_max(
        Pos2::new(lay.ruler.left(), rect.bottom() - 8.0),
        Pos2::new(rect.right(), rect.bottom()),
    );
    let thumb_w = (track.width() * span as f32 / total).clamp(16.0, track.width());
    let thumb_x = track.left()
        + (track.width() - thumb_w)
            * (state.view.start_ms as f32 / (total - span as f32).max(1.0)).clamp(0.0, 1.0);
    let thumb = Rect::from_min_size(
        Pos2::new(thumb_x, track.top() + 1.0),
        Vec2::new(thumb_w, 6.0),
    );
    let resp = ui.interact(
        track,
        ui.scope_id().with("timeline-scroll"),
        Sense::click_and_drag(),
    );
    let painter = ui.painter();
    painter.rect_filled(track, 3.0, ui.visuals().faint_bg_color);
    let fill = if resp.hovered() || resp.dragged() {
        ui.visuals().widgets.hovered.bg_fill
    } else {
        ui.visuals().widgets.inactive.bg_fill
    };
    painter.rect_filled(thumb, 3.0, fill);
    if resp.dragged() {
        let ms_per_track_px = f64::from(total) / f64::from(track.width());
        let start =
            state.view.start_ms + (f64::from(resp.drag_delta().x) * ms_per_track_px).round() as i64;
        state.view.start_ms = start.clamp(0, (end_ms - span).max(0));
    }
}

#[cfg(test)]
mod tests {
    use cuesheet::{Cue, Show};

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

    fn cue(time: i64, lane: &str) -> Cue {
        Cue {
            time,
            action: "flash".into(),
            lane: Some(lane.into()),
            ..Cue::default()
        }
    }

    #[test]
    fn close_cues_cluster_per_lane_and_the_clusters_follow_the_zoom() {
        // Lane A: 0, 10, 20 (a run), 500 (alone); lane B: 15 alone.
        let doc = Document::new(
            Show {
                cues: vec![
                    cue(20, "A"),
                    cue(0, "A"),
                    cue(15, "B"),
                    cue(500, "A"),
                    cue(10, "A"),
                ],
                ..Show::default()
            },
            None,
        );
        let mut st = TimelineState::default();
        st.refresh_index(&doc, &Catalog::builtin());
        st.refresh_clusters(&doc, 11);
        let summary = |st: &TimelineState| -> Vec<Vec<(i64, i64, usize)>> {
            st.clusters
                .iter()
                .map(|l| l.iter().map(|c| (c.first_ms, c.last_ms, c.count)).collect())
                .collect()
        };
        assert_eq!(st.lanes, ["A", "B"]);
        assert_eq!(
            summary(&st),
            [vec![(0, 20, 3), (500, 500, 1)], vec![(15, 15, 1)]]
        );
        // Zoomed in: every cue stands alone.
        st.refresh_clusters(&doc, 5);
        assert_eq!(
            summary(&st)[0],
            [(0, 0, 1), (10, 10, 1), (20, 20, 1), (500, 500, 1)]
        );
        // Zoomed far out: one run per lane.
        st.refresh_clusters(&doc, min_gap_ms(1_000.0));
        assert_eq!(summary(&st), [vec![(0, 500, 4)], vec![(15, 15, 1)]]);
    }
}
