//! The timeline's input: zoom and pan, the pointer (add, select, move, rubber band, scrub;
//! select, move and rename markers) and the scrollbar. Changes to the document go out as
//! [`Action`]s.

use std::collections::BTreeSet;

use egui::{Color32, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};

use super::TimelineInput;
use super::beats::{beat_at, over_beat};
use super::cues::{cue_at, cues_in_band};
use super::lanes::{drop_index, start_rename as start_lane_rename};
use super::layout::Layout;
use super::markers::{marker_at, start_rename};
use super::paint::Hits;
use crate::doc::{CueId, Edit, MarkerId, commands};
use crate::ui::{Action, EditorState, Grid, TimeMapping, time_map};

/// How close (in points) a drag must come to a snap target to snap.
const SNAP_PX: f32 = 8.0;

/// The pointer gesture in progress.
#[derive(Clone, Debug)]
pub(super) enum Drag {
    /// Moving the selection; `anchor` is the grabbed cue, `origin_ms` its time at the start.
    Cues {
        anchor: CueId,
        origin_ms: i64,
        merge: u64,
    },
    /// Moving a marker; `origin_ms` is its time at the start.
    Marker {
        id: MarkerId,
        origin_ms: i64,
        merge: u64,
    },
    /// Rubber-band selection from this point.
    Select { from: Pos2, additive: bool },
    /// Scrubbing on the ruler.
    Scrub,
    /// Correcting one beat: beat `beat` of tempo section `section`, grabbed in the beat
    /// ruler where it was at `origin_ms`; the grid refits to follow the pointer.
    Beat {
        section: usize,
        beat: i64,
        origin_ms: i64,
        merge: u64,
    },
    /// Moving the lane at `from` by its header.
    Lane { from: usize },
}

/// Wheel and pinch over the timeline: zoom about the pointer, or pan.
pub(super) fn zoom_and_pan(
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

/// What the pointer handling of one frame reads.
pub(super) struct PointerCtx<'a> {
    pub ui: &'a egui::Ui,
    /// The timeline's own response (the whole rect, click and drag).
    pub response: &'a egui::Response,
    pub input: &'a TimelineInput<'a>,
    pub lay: &'a Layout,
    pub map: TimeMapping,
    /// Where each cue and marker was drawn this frame.
    pub hits: &'a Hits,
    pub modifiers: egui::Modifiers,
    /// The show's tempo grid (empty without one).
    pub tempo: &'a cuesheet::grid::TempoMap,
}

impl PointerCtx<'_> {
    /// Shift or Ctrl: add to the selection instead of replacing it.
    fn additive(&self) -> bool {
        self.modifiers.shift || self.modifiers.command
    }

    fn cue_at(&self, p: Pos2) -> Option<CueId> {
        cue_at(&self.hits.cues, p)
    }

    /// The marker whose flag or label is at `p` (in the markers row).
    fn marker_at(&self, p: Pos2) -> Option<MarkerId> {
        marker_at(&self.hits.markers, p)
    }
}

/// Clicks, double-clicks and drags on the timeline.
pub(super) fn handle_pointer(
    cx: &PointerCtx<'_>,
    state: &mut EditorState,
    actions: &mut Vec<Action>,
) {
    if rename_on_double_click(cx, state)
        || rename_lane_on_double_click(cx, state)
        || add_cue_on_double_click(cx, state, actions)
    {
        return;
    }
    if cx.response.clicked() {
        on_click(cx, state, actions);
    }
    if cx.response.drag_started() {
        on_drag_start(cx, state);
    }
    let pointer = cx
        .response
        .interact_pointer_pos()
        .or(cx.response.hover_pos());
    if cx.response.dragged()
        && let Some(p) = pointer
    {
        on_drag(cx, state, p, actions);
    }
    if cx.response.drag_stopped() {
        on_drag_stop(cx, state, pointer, actions);
    }
    // A beat's tick in the beat ruler can be dragged: say so.
    let grabbing = matches!(state.timeline.drag, Some(Drag::Beat { .. }));
    let hovering = !cx.input.read_only
        && cx
            .response
            .hover_pos()
            .is_some_and(|p| over_beat(cx.tempo, &cx.map, cx.lay.beats, p));
    if grabbing || hovering {
        cx.ui
            .ctx()
            .set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
    }
}

/// Double-click on a marker opens its rename field.
fn rename_on_double_click(cx: &PointerCtx<'_>, state: &mut EditorState) -> bool {
    if !cx.response.double_clicked() || cx.input.read_only {
        return false;
    }
    let Some(id) = cx
        .response
        .interact_pointer_pos()
        .and_then(|p| cx.marker_at(p))
    else {
        return false;
    };
    start_rename(state, cx.input, id);
    true
}

/// Double-click on a lane's header opens its rename field.
fn rename_lane_on_double_click(cx: &PointerCtx<'_>, state: &mut EditorState) -> bool {
    if !cx.response.double_clicked() || cx.input.read_only {
        return false;
    }
    let Some(lane) = cx
        .response
        .interact_pointer_pos()
        .filter(|p| p.x < cx.lay.body.left())
        .and_then(|p| cx.lay.lane_at(p.y))
    else {
        return false;
    };
    start_lane_rename(state, lane);
    true
}

/// Double-click on empty lane space adds a cue there with the new-cue action.
fn add_cue_on_double_click(
    cx: &PointerCtx<'_>,
    state: &EditorState,
    actions: &mut Vec<Action>,
) -> bool {
    if !cx.response.double_clicked() || cx.input.read_only {
        return false;
    }
    let Some(p) = cx.response.interact_pointer_pos() else {
        return false;
    };
    if p.y <= cx.lay.markers.bottom() || p.x < cx.lay.body.left() || cx.cue_at(p).is_some() {
        return false;
    }
    let Some(lane) = cx.lay.lane_at(p.y) else {
        return false;
    };
    let cue = cuesheet::Cue {
        time: cx.map.time_from_x(p.x).max(0),
        action: state.timeline.new_action.clone(),
        lane: (!lane.is_empty()).then(|| lane.to_owned()),
        ..cuesheet::Cue::default()
    };
    actions.push(Action::Edit(Edit::AddCues { cues: vec![cue] }));
    true
}

/// A click on a marker selects it and seeks to it; elsewhere on the header rows seeks; on a
/// lane's header selects the lane; on a cue selects it; elsewhere clears the selection.
fn on_click(cx: &PointerCtx<'_>, state: &mut EditorState, actions: &mut Vec<Action>) {
    let Some(p) = cx.response.interact_pointer_pos() else {
        return;
    };
    let lane_header = (p.x < cx.lay.body.left())
        .then(|| cx.lay.lane_at(p.y))
        .flatten();
    if let Some(lane) = lane_header {
        state.select_lane(lane);
    } else if let Some((id, marker)) = cx
        .marker_at(p)
        .and_then(|id| Some((id, cx.input.doc.marker(id)?)))
    {
        state.select_marker(id);
        actions.push(Action::Seek(marker.time));
    } else if cx.lay.in_header(p) {
        actions.push(Action::Seek(cx.map.time_from_x(p.x).max(0)));
    } else if let Some(id) = cx.cue_at(p) {
        state.click_cue(id, cx.modifiers);
    } else if !cx.additive() {
        state.clear_selection();
    }
}

/// Starts a scrub (ruler, waveform), a move (a marker, a cue) or a rubber band (empty lane
/// space), by what is where the pointer was pressed: egui recognises a drag only once the
/// pointer has moved a few points, and a fast hand is on another cue by then.
fn on_drag_start(cx: &PointerCtx<'_>, state: &mut EditorState) {
    let pressed = cx.ui.input(|i| i.pointer.press_origin());
    let Some(p) = pressed.or_else(|| cx.response.interact_pointer_pos()) else {
        return;
    };
    let editable = !cx.input.read_only;
    let header = (p.x < cx.lay.body.left())
        .then(|| cx.lay.lane_index_at(p.y))
        .flatten();
    let beat = (editable && cx.lay.beats.contains(p))
        .then(|| beat_at(cx.tempo, &cx.map, p.x))
        .flatten();
    state.timeline.drag = if let Some(line) = beat {
        Some(Drag::Beat {
            section: line.section,
            beat: line.beat,
            origin_ms: line.time,
            merge: state.gesture_key(),
        })
    } else if cx.lay.ruler.contains(p) || cx.lay.beats.contains(p) || cx.lay.wave.contains(p) {
        Some(Drag::Scrub)
    } else if let Some(from) = header {
        editable.then_some(Drag::Lane { from })
    } else if let Some(id) = cx.marker_at(p).filter(|_| editable) {
        start_marker_drag(cx, state, id)
    } else if let Some(id) = cx.cue_at(p).filter(|_| editable) {
        start_cue_drag(cx, state, id)
    } else if p.y > cx.lay.markers.bottom() {
        Some(Drag::Select {
            from: p,
            additive: cx.additive(),
        })
    } else {
        None
    };
}

/// Grabbing a marker selects it and moves it.
fn start_marker_drag(cx: &PointerCtx<'_>, state: &mut EditorState, id: MarkerId) -> Option<Drag> {
    let origin_ms = cx.input.doc.marker(id)?.time;
    state.select_marker(id);
    Some(Drag::Marker {
        id,
        origin_ms,
        merge: state.gesture_key(),
    })
}

/// Grabbing a cue selects it (unless it already is) and moves the whole selection.
fn start_cue_drag(cx: &PointerCtx<'_>, state: &mut EditorState, id: CueId) -> Option<Drag> {
    state.selected_marker = None;
    if !state.selection.contains(&id) {
        if !cx.additive() {
            state.selection.clear();
        }
        state.selection.insert(id);
    }
    let origin_ms = cx.input.doc.cue(id)?.time;
    Some(Drag::Cues {
        anchor: id,
        origin_ms,
        merge: state.gesture_key(),
    })
}

fn on_drag(cx: &PointerCtx<'_>, state: &mut EditorState, p: Pos2, actions: &mut Vec<Action>) {
    match state.timeline.drag.clone() {
        Some(Drag::Scrub) => actions.push(Action::Scrub(cx.map.time_from_x(p.x).max(0))),
        Some(Drag::Cues {
            anchor,
            origin_ms,
            merge,
        }) => drag_cues(cx, state, anchor, origin_ms, merge, actions),
        Some(Drag::Marker {
            id,
            origin_ms,
            merge,
        }) => drag_marker(cx, state, id, origin_ms, merge, actions),
        Some(Drag::Beat {
            section,
            beat,
            origin_ms,
            merge,
        }) => drag_beat(cx, state, (section, beat), origin_ms, merge, actions),
        Some(Drag::Lane { from }) => {
            // Where it would land: a line along that lane's far side.
            let to = drop_index(cx.lay, p.y);
            if let Some((_, r)) = cx.lay.lanes.get(to) {
                let y = if to > from { r.bottom() } else { r.top() };
                cx.ui.painter().hline(
                    cx.lay.gutter.left()..=r.right(),
                    y,
                    Stroke::new(2.0, cx.ui.visuals().selection.stroke.color),
                );
            }
        }
        Some(Drag::Select { from, .. }) => {
            cx.ui.painter().rect(
                Rect::from_two_pos(from, p),
                0.0,
                Color32::from_rgba_unmultiplied(120, 170, 255, 30),
                Stroke::new(1.0, Color32::from_rgb(120, 170, 255)),
                StrokeKind::Inside,
            );
        }
        None => {}
    }
}

/// Where a drag of something at `origin_ms` has got to, unsnapped: the pointer's travel
/// since the press.
fn dragged_to(cx: &PointerCtx<'_>, origin_ms: i64) -> Option<i64> {
    let (from, to) = cx
        .ui
        .input(|i| i.pointer.press_origin().zip(i.pointer.latest_pos()))?;
    Some(origin_ms + (f64::from(to.x - from.x) * cx.map.ms_per_px).round() as i64)
}

/// Where a drag that started at `origin_ms` has got to: the pointer's travel since the
/// press, snapped (unless Alt is held or snapping is off) to `candidates` or the grid chosen
/// in the toolbar (see [`Grid::snap_drag`]).
fn drag_target(
    cx: &PointerCtx<'_>,
    state: &EditorState,
    origin_ms: i64,
    candidates: impl FnOnce() -> Vec<i64>,
) -> Option<i64> {
    let raw = dragged_to(cx, origin_ms)?;
    let t = &state.timeline;
    let grid = Grid::new(
        t.snapping && !cx.modifiers.alt,
        t.snap_grid,
        t.grid_ms,
        cx.tempo,
    );
    let target = if grid == Grid::Off {
        raw
    } else {
        let threshold = (f64::from(SNAP_PX) * cx.map.ms_per_px).round() as i64;
        grid.snap_drag(raw, &candidates(), threshold)
    };
    Some(target.max(0))
}

/// Refits the tempo grid so the grabbed beat follows the pointer; each frame's refit merges
/// into the drag's one undo step. It snaps to a cue, marker or the playhead near it (a cue
/// tapped on the beat, say), never to the grid being placed, and not with Alt held.
fn drag_beat(
    cx: &PointerCtx<'_>,
    state: &EditorState,
    (section, beat): (usize, i64),
    origin_ms: i64,
    merge: u64,
    actions: &mut Vec<Action>,
) {
    let doc = cx.input.doc;
    let Some(raw) = dragged_to(cx, origin_ms) else {
        return;
    };
    let to = if state.timeline.snapping && !cx.modifiers.alt {
        let threshold = (f64::from(SNAP_PX) * cx.map.ms_per_px).round() as i64;
        let candidates = snap_candidates(cx, &BTreeSet::new(), None);
        time_map::snap(raw, &candidates, 0, threshold)
    } else {
        raw
    };
    if let Some(edit) = commands::refit_beat(doc, section, beat, to, merge)
        && let Edit::SetTempoSection {
            section: fitted, ..
        } = &edit
        && doc.tempo().get(section) != Some(fitted)
    {
        actions.push(Action::Edit(edit));
    }
}

/// Moves the selection so the grabbed cue follows the pointer; each frame's move merges
/// into the drag's one undo step.
fn drag_cues(
    cx: &PointerCtx<'_>,
    state: &EditorState,
    anchor: CueId,
    origin_ms: i64,
    merge: u64,
    actions: &mut Vec<Action>,
) {
    let Some(cur) = cx.input.doc.cue(anchor).map(|c| c.time) else {
        return;
    };
    let candidates = || snap_candidates(cx, &state.selection, None);
    let Some(target) = drag_target(cx, state, origin_ms, candidates) else {
        return;
    };
    let delta = target - cur;
    if delta != 0 {
        actions.push(Action::Edit(Edit::MoveCues {
            ids: state.selection.iter().copied().collect(),
            delta_ms: delta,
            merge: Some(merge),
        }));
    }
}

/// Moves the grabbed marker to follow the pointer, snapping like a cue; each frame's move
/// merges into the drag's one undo step. The markers stay sorted, so its index may change
/// from frame to frame: it is looked up by id.
fn drag_marker(
    cx: &PointerCtx<'_>,
    state: &EditorState,
    id: MarkerId,
    origin_ms: i64,
    merge: u64,
    actions: &mut Vec<Action>,
) {
    let doc = cx.input.doc;
    let Some((index, cur)) = doc
        .marker_index(id)
        .and_then(|i| Some((i, doc.markers().get(i)?.time)))
    else {
        return;
    };
    let candidates = || snap_candidates(cx, &BTreeSet::new(), Some(index));
    let Some(target) = drag_target(cx, state, origin_ms, candidates) else {
        return;
    };
    if target != cur {
        actions.push(Action::Edit(Edit::MoveMarker {
            index,
            time: target,
            merge: Some(merge),
        }));
    }
}

fn on_drag_stop(
    cx: &PointerCtx<'_>,
    state: &mut EditorState,
    pointer: Option<Pos2>,
    actions: &mut Vec<Action>,
) {
    match state.timeline.drag.take() {
        Some(Drag::Cues { .. } | Drag::Marker { .. } | Drag::Beat { .. }) => {
            actions.push(Action::SealHistory);
        }
        Some(Drag::Select { from, additive }) => {
            if let Some(p) = pointer {
                if !additive {
                    state.clear_selection();
                }
                let band = Rect::from_two_pos(from, p);
                state
                    .selection
                    .extend(cues_in_band(cx.input.doc, cx.lay, &cx.map, band));
            }
        }
        Some(Drag::Scrub) => {
            if let Some(p) = pointer {
                actions.push(Action::Seek(cx.map.time_from_x(p.x).max(0)));
            }
        }
        Some(Drag::Lane { from }) => {
            let to = pointer.map_or(from, |p| drop_index(cx.lay, p.y));
            if to != from {
                actions.push(Action::Edit(Edit::MoveLane { from, to }));
            }
        }
        None => {}
    }
}

/// Snap targets for a drag: markers (but the one at `moving_marker`), the playhead and the
/// cues near the view that are not in `moving_cues`.
fn snap_candidates(
    cx: &PointerCtx<'_>,
    moving_cues: &BTreeSet<CueId>,
    moving_marker: Option<usize>,
) -> Vec<i64> {
    let (input, map) = (cx.input, &cx.map);
    let (start, end) = (map.start_ms, map.end_ms());
    let mut c: Vec<i64> = input
        .doc
        .markers()
        .iter()
        .enumerate()
        .filter(|&(i, m)| Some(i) != moving_marker && (start..=end).contains(&m.time))
        .map(|(_, m)| m.time)
        .collect();
    c.push(input.playhead_ms);
    c.extend(
        input
            .doc
            .cues()
            .filter(|(id, cue)| !moving_cues.contains(id) && (start..=end).contains(&cue.time))
            .map(|(_, cue)| cue.time)
            .take(2000),
    );
    c
}

/// The horizontal scrollbar under the lanes.
pub(super) fn scrollbar_ui(
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
