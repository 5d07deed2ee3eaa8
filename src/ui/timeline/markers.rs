//! The markers row: the flags with their labels, the lines they draw across the lanes, where
//! each flag can be grabbed, and the in-place field that renames one.

use std::sync::Arc;

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke};

use super::TimelineInput;
use super::layout::Layout;
use super::paint::PaintCtx;
use super::rename::{Renamed, rename_field};
use crate::doc::{Edit, MarkerId};
use crate::ui::{Action, EditorState, TimeMapping};

const FLAG: Color32 = Color32::from_rgb(255, 200, 80);
/// The rename field's width.
const FIELD_W: f32 = 180.0;

/// Where a drawn marker's flag and label are, for hit testing (later wins).
pub(super) struct MarkerHit {
    pub id: MarkerId,
    pub rect: Rect,
}

/// The topmost drawn marker at `p`.
pub(super) fn marker_at(hits: &[MarkerHit], p: Pos2) -> Option<MarkerId> {
    hits.iter().rev().find(|h| h.rect.contains(p)).map(|h| h.id)
}

/// The gap left between a label and the next flag.
const LABEL_GAP: f32 = 4.0;
/// Where a label starts, right of its flag.
const LABEL_DX: f32 = 7.0;
/// A label given less room than this is left out (the flag stays).
const MIN_LABEL_W: f32 = 24.0;

/// Where the label of the flag at `x` starts: right of the flag, or at `left`, the row's
/// left edge, while the flag is scrolled out of view (the section the view is in keeps its
/// name in sight).
fn label_x(x: f32, left: f32) -> f32 {
    (x + LABEL_DX).max(left + 2.0)
}

/// The room, in points, for the label of each flag at `xs` (in time order) in a row that
/// starts at `left`: up to the next flag further right, less a gap, so no label runs into
/// the next one; `None` where that is too little for a label (markers close together keep
/// their flags, but only the last shows its name); the last label may run to the edge.
pub(super) fn label_rooms(xs: &[f32], left: f32) -> Vec<Option<f32>> {
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let next = xs[i + 1..].iter().copied().find(|&n| n > x);
            let same_place = xs[i + 1..].iter().any(|&n| n <= x);
            match next {
                _ if same_place => None,
                Some(n) => Some(n - label_x(x, left) - LABEL_GAP).filter(|&w| w >= MIN_LABEL_W),
                None => Some(f32::INFINITY),
            }
        })
        .collect()
}

/// Draws the visible markers, the selected one highlighted, clipped to the rows right of
/// the lane headers; returns where each is.
pub(super) fn draw_markers(cx: &PaintCtx<'_>) -> Vec<MarkerHit> {
    let (lay, map) = (cx.lay, &cx.map);
    let (start, end) = (map.start_ms, map.end_ms());
    let doc = cx.input.doc;
    let markers = doc.markers();
    let selected = cx.state.selected_marker;
    // A label may reach into view from a marker up to a minute before it.
    let a = markers.partition_point(|m| m.time < start - 60_000);
    let shown: Vec<_> = markers[a..]
        .iter()
        .zip(&doc.marker_ids()[a..])
        .take_while(|(m, _)| m.time <= end)
        .map(|(m, &id)| (map.x_from_time(m.time), m, id))
        .collect();
    let xs: Vec<f32> = shown.iter().map(|&(x, _, _)| x).collect();
    let area = Rect::from_min_max(lay.markers.left_top(), lay.body.right_bottom());
    let painter = cx
        .painter
        .with_clip_rect(area.intersect(cx.painter.clip_rect()));
    let mut hits = Vec::new();
    for ((x, m, id), room) in shown.into_iter().zip(label_rooms(&xs, lay.markers.left())) {
        let flag = Flag {
            x,
            label_x: label_x(x, lay.markers.left()),
            label: &m.label,
            room,
        };
        let label = if selected == Some(id) {
            draw_selected_flag(cx, &painter, &flag)
        } else {
            draw_flag(cx, &painter, &flag)
        };
        let rect = Rect::from_min_max(
            Pos2::new(x - 6.0, lay.markers.top()),
            Pos2::new(label.right().max(x + 6.0), lay.markers.bottom()),
        )
        .intersect(lay.markers);
        if rect.is_positive() {
            hits.push(MarkerHit { id, rect });
        }
    }
    hits
}

/// One marker to draw: its flag's x, its label, where it starts and the room it has.
struct Flag<'a> {
    x: f32,
    label_x: f32,
    label: &'a str,
    room: Option<f32>,
}

impl Flag<'_> {
    /// The label laid out in its room (cut with an ellipsis), `None` when it has none.
    fn galley(&self, painter: &egui::Painter, color: Color32) -> Option<Arc<egui::Galley>> {
        let room = self.room?;
        let mut job = egui::text::LayoutJob::single_section(
            self.label.to_owned(),
            egui::TextFormat::simple(FontId::proportional(11.5), color),
        );
        if room.is_finite() {
            job.wrap = egui::text::TextWrapping::truncate_at_width(room);
        }
        Some(painter.layout_job(job))
    }
}

fn flag_shape(r: Rect, x: f32, fill: Color32, stroke: Stroke) -> egui::Shape {
    egui::Shape::convex_polygon(
        vec![
            Pos2::new(x, r.bottom() - 2.0),
            Pos2::new(x - 5.0, r.top() + 4.0),
            Pos2::new(x + 5.0, r.top() + 4.0),
        ],
        fill,
        stroke,
    )
}

/// A marker's flag, line and label; returns the label's rect (empty at the flag when the
/// label has no room).
fn draw_flag(cx: &PaintCtx<'_>, painter: &egui::Painter, flag: &Flag<'_>) -> Rect {
    let (lay, x) = (cx.lay, flag.x);
    let r = lay.markers;
    painter.line_segment(
        [Pos2::new(x, r.top()), Pos2::new(x, lay.body.bottom())],
        Stroke::new(1.0, FLAG.gamma_multiply(0.5)),
    );
    painter.add(flag_shape(r, x, FLAG, Stroke::NONE));
    let at = Pos2::new(flag.label_x, r.center().y);
    let Some(galley) = flag.galley(painter, cx.visuals.text_color()) else {
        return Rect::from_center_size(Pos2::new(x, r.center().y), egui::Vec2::ZERO);
    };
    let rect = Align2::LEFT_CENTER.anchor_size(at, galley.size());
    painter.galley(rect.min, galley, Color32::PLACEHOLDER);
    rect
}

/// The selected marker: a full-strength line, the flag ringed in white and the label on the
/// selection colour.
fn draw_selected_flag(cx: &PaintCtx<'_>, painter: &egui::Painter, flag: &Flag<'_>) -> Rect {
    let (lay, visuals, x) = (cx.lay, cx.visuals, flag.x);
    let r = lay.markers;
    painter.line_segment(
        [Pos2::new(x, r.top()), Pos2::new(x, lay.body.bottom())],
        Stroke::new(2.0, FLAG),
    );
    painter.add(flag_shape(r, x, FLAG, Stroke::new(1.5, Color32::WHITE)));
    let Some(galley) = flag.galley(painter, Color32::WHITE) else {
        return Rect::from_center_size(Pos2::new(x, r.center().y), egui::Vec2::ZERO);
    };
    let rect =
        Align2::LEFT_CENTER.anchor_size(Pos2::new(x + LABEL_DX, r.center().y), galley.size());
    painter.rect_filled(rect.expand(2.0), 3.0, visuals.selection.bg_fill);
    painter.galley(rect.min, galley, Color32::PLACEHOLDER);
    rect
}

/// A marker being renamed: the text typed so far.
pub(super) struct Rename {
    pub id: MarkerId,
    pub text: String,
    /// Whether the field has had the keyboard (it asks for it until then).
    pub focused: bool,
}

/// Opens the rename field on marker `id`, filled with its label.
pub(super) fn start_rename(state: &mut EditorState, input: &TimelineInput<'_>, id: MarkerId) {
    if let Some(m) = input.doc.marker(id) {
        state.timeline.rename = Some(Rename {
            id,
            text: m.label.clone(),
            focused: false,
        });
    }
}

/// The rename field over the marker's label. Enter or leaving the field renames (one undo
/// step; a blank or unchanged name changes nothing); Escape cancels.
pub(super) fn rename_ui(
    ui: &egui::Ui,
    state: &mut EditorState,
    input: &TimelineInput<'_>,
    lay: &Layout,
    map: &TimeMapping,
    actions: &mut Vec<Action>,
) {
    let Some(rename) = state.timeline.rename.as_mut() else {
        return;
    };
    let found = input
        .doc
        .marker_index(rename.id)
        .and_then(|i| Some((i, input.doc.markers().get(i)?)));
    let Some((index, marker)) = found.filter(|_| !input.read_only) else {
        state.timeline.rename = None;
        return;
    };
    // Over the label, kept inside the row when the marker is scrolled out of view.
    let (left, right) = (lay.markers.left(), lay.markers.right() - FIELD_W - 10.0);
    let x = (map.x_from_time(marker.time) + 3.0).clamp(left, right.max(left));
    let at = Pos2::new(x, lay.markers.top() - 2.0);
    let old = marker.label.as_str();
    let (text, focused) = (&mut rename.text, &mut rename.focused);
    match rename_field(
        ui,
        "marker-rename",
        at,
        FIELD_W,
        "Marker name",
        (text, focused),
        old,
    ) {
        Renamed::Editing => {}
        Renamed::Unchanged => state.timeline.rename = None,
        Renamed::To(label) => {
            actions.push(Action::Edit(Edit::RenameMarker { index, label }));
            state.timeline.rename = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use cuesheet::catalog::Catalog;
    use cuesheet::{Marker, Show};

    use super::*;
    use crate::doc::Document;
    use crate::ui::TimeView;

    #[test]
    fn labels_stop_before_the_next_flag_and_crowded_ones_are_left_out() {
        let rooms = label_rooms(&[0.0, 200.0, 215.0, 300.0, 300.0, 500.0], -100.0);
        assert_eq!(
            rooms,
            [
                Some(200.0 - LABEL_DX - LABEL_GAP),
                None,                              // 15 points: too little room
                Some(85.0 - LABEL_DX - LABEL_GAP), // up to the flag at 300
                None,                              // another flag at the same place
                Some(200.0 - LABEL_DX - LABEL_GAP),
                Some(f32::INFINITY), // the last runs to the edge
            ]
        );
        // Flags left of the row: the last of them names the section from the row's edge.
        let rooms = label_rooms(&[-300.0, -50.0, 100.0], 0.0);
        assert_eq!(
            rooms,
            [None, Some(100.0 - 2.0 - LABEL_GAP), Some(f32::INFINITY)]
        );
        assert_eq!(label_rooms(&[], 0.0), []);
    }

    /// Where the markers of `show` are drawn in a 700-point timeline at 20 ms a point from
    /// `start_ms`: the hit rectangles, and the clip rectangles of what was painted.
    fn drawn(show: Show, start_ms: i64) -> (Layout, Vec<Rect>, Vec<Rect>) {
        let doc = Document::new(show, None);
        let catalog = Catalog::builtin();
        let flagged = BTreeSet::new();
        let input = TimelineInput {
            doc: &doc,
            catalog: &catalog,
            peaks: None,
            audio_ms: None,
            playhead_ms: 0,
            playing: false,
            loop_range: None,
            read_only: false,
            flagged: &flagged,
            expected_drift_ms: 0,
        };
        let state = EditorState::default();
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(700.0, 300.0));
        let lay = Layout::new(rect, &[cuesheet::Lane::default()], false);
        let map = TimeView {
            start_ms,
            ms_per_px: 20.0,
        }
        .mapping(lay.ruler.left(), lay.ruler.width());
        let ctx = egui::Context::default();
        let mut rects = Vec::new();
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let cx = PaintCtx {
                painter: ui.painter_at(rect),
                rect,
                lay: &lay,
                map,
                visuals: ui.visuals(),
                state: &state,
                input: &input,
                tempo: &cuesheet::grid::TempoMap::default(),
            };
            rects = draw_markers(&cx).into_iter().map(|h| h.rect).collect();
        });
        out.textures_delta.clear();
        let clips = out.shapes.iter().map(|s| s.clip_rect).collect();
        (lay, rects, clips)
    }

    #[test]
    fn marker_labels_do_not_overlap_and_stay_out_of_the_lane_headers() {
        let marker = |time: i64, label: &str| Marker {
            time,
            label: label.to_owned(),
        };
        let long = "A very long section name that would run on and on";
        let show = Show {
            markers: vec![
                marker(1_000, long), // before the view: its label reaches into it
                marker(10_000, long),
                marker(11_000, long),
                marker(11_050, long),
                marker(14_000, "Finale"),
            ],
            ..Show::default()
        };
        let (lay, rects, clips) = drawn(show, 5_000);
        assert_eq!(rects.len(), 5);
        for r in rects.iter().chain(&clips) {
            assert!(r.left() >= lay.markers.left(), "{r:?} in the lane headers");
        }
        assert!(!clips.is_empty());
        // Each label ends before the next flag (whose grab area reaches 6 points either side).
        for pair in rects.windows(2) {
            assert!(
                pair[0].right() <= pair[1].left() + 12.0,
                "a label runs past the next flag: {pair:?}"
            );
        }
        // The last label is whole: "Finale" is wider than its flag.
        assert!(rects[4].width() > 30.0, "{:?}", rects[4]);
    }
}
