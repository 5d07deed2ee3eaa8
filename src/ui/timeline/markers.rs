//! The markers row: the flags with their labels, the lines they draw across the lanes, where
//! each flag can be grabbed, and the in-place field that renames one.

use egui::{Align2, Color32, FontId, Key, Pos2, Rect, Stroke};

use super::TimelineInput;
use super::layout::Layout;
use super::paint::PaintCtx;
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

/// Draws the visible markers, the selected one highlighted; returns where each is.
pub(super) fn draw_markers(cx: &PaintCtx<'_>) -> Vec<MarkerHit> {
    let (lay, map) = (cx.lay, &cx.map);
    let (start, end) = (map.start_ms, map.end_ms());
    let doc = cx.input.doc;
    let markers = doc.markers();
    let selected = cx.state.selected_marker;
    let a = markers.partition_point(|m| m.time < start - 60_000);
    let mut hits = Vec::new();
    for (m, &id) in markers[a..]
        .iter()
        .zip(&doc.marker_ids()[a..])
        .take_while(|(m, _)| m.time <= end)
    {
        let x = map.x_from_time(m.time);
        let label = if selected == Some(id) {
            draw_selected_flag(cx, x, &m.label)
        } else {
            draw_flag(cx, x, &m.label)
        };
        hits.push(MarkerHit {
            id,
            rect: Rect::from_min_max(
                Pos2::new(x - 6.0, lay.markers.top()),
                Pos2::new(label.right().max(x + 6.0), lay.markers.bottom()),
            ),
        });
    }
    hits
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

/// A marker's flag, line and label; returns the label's rect.
fn draw_flag(cx: &PaintCtx<'_>, x: f32, label: &str) -> Rect {
    let (painter, lay) = (&cx.painter, cx.lay);
    let r = lay.markers;
    painter.line_segment(
        [Pos2::new(x, r.top()), Pos2::new(x, lay.body.bottom())],
        Stroke::new(1.0, FLAG.gamma_multiply(0.5)),
    );
    painter.add(flag_shape(r, x, FLAG, Stroke::NONE));
    painter.text(
        Pos2::new(x + 7.0, r.center().y),
        Align2::LEFT_CENTER,
        label,
        FontId::proportional(11.5),
        cx.visuals.text_color(),
    )
}

/// The selected marker: a full-strength line, the flag ringed in white and the label on the
/// selection colour.
fn draw_selected_flag(cx: &PaintCtx<'_>, x: f32, label: &str) -> Rect {
    let (painter, lay, visuals) = (&cx.painter, cx.lay, cx.visuals);
    let r = lay.markers;
    painter.line_segment(
        [Pos2::new(x, r.top()), Pos2::new(x, lay.body.bottom())],
        Stroke::new(2.0, FLAG),
    );
    painter.add(flag_shape(r, x, FLAG, Stroke::new(1.5, Color32::WHITE)));
    let galley =
        painter.layout_no_wrap(label.to_owned(), FontId::proportional(11.5), Color32::WHITE);
    let rect = Align2::LEFT_CENTER.anchor_size(Pos2::new(x + 7.0, r.center().y), galley.size());
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
    let field = egui::Area::new(ui.scope_id().with("marker-rename"))
        .order(egui::Order::Foreground)
        .fixed_pos(at)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(2.0)
                .show(ui, |ui| {
                    ui.add(egui::TextEdit::singleline(&mut rename.text).desired_width(FIELD_W))
                        .accessible_name("Marker name")
                })
                .inner
        })
        .inner;
    // The widget's focus, not `has_focus`, which also needs the window to have it.
    rename.focused |= ui.ctx().memory(|m| m.has_focus(field.id));
    if !rename.focused {
        // Until the field has the keyboard: a new area's first frame only measures it.
        field.request_focus();
        ui.ctx().request_repaint();
    } else if field.lost_focus() {
        let label = rename.text.trim();
        let cancelled = ui.input(|i| i.key_pressed(Key::Escape));
        if !cancelled && !label.is_empty() && label != marker.label {
            actions.push(Action::Edit(Edit::RenameMarker {
                index,
                label: label.to_owned(),
            }));
        }
        state.timeline.rename = None;
    }
}
