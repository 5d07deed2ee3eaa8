//! The timeline: ruler, beat ruler (with a tempo grid), waveform lane, markers lane and one
//! lane per cue `lane`.
//!
//! Drawing is culled: a time-sorted index of the cues (rebuilt when the document changes)
//! is binary-searched for the visible range, so a frame costs what is visible, not the
//! size of the show.
//!
//! - `layout`: the rows and lanes of a frame;
//! - `cues`: the cue index (time order per lane, clusters, looks) and hit testing;
//! - `markers`: the markers row;
//! - `beats`: the tempo grid: the beat ruler, the lines across the lanes, grabbing a beat;
//! - `lanes`: the lane headers (hide, mute, solo, rename, reorder);
//! - `paint`: drawing, through one paint context;
//! - `interaction`: zoom, pan, the pointer and the scrollbar.

mod beats;
mod cues;
mod interaction;
mod lanes;
mod layout;
mod markers;
mod paint;
mod rename;

use std::collections::BTreeSet;

use cuesheet::catalog::Catalog;
use egui::{Rect, Sense};

use super::{Action, EditorState, SnapGrid, TimeView};
use crate::audio::peaks::Peaks;
use crate::doc::Document;
pub use cues::tier_color;
use cues::{Cluster, CueLook, min_gap_ms};
use interaction::{Drag, PointerCtx};
use layout::Layout;
pub use layout::{BEATS_H, GUTTER_W, HIDDEN_LANE_H, LANE_H, MARKERS_H, RULER_H, WAVE_H};
use markers::Rename;
use paint::PaintCtx;

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

/// The timeline's own view state.
pub struct TimelineState {
    drag: Option<Drag>,
    /// The marker being renamed in place, if any.
    rename: Option<Rename>,
    /// The lane being renamed in place, if any.
    lane_rename: Option<lanes::LaneRename>,
    /// Per lane (in `Document::lanes` order), cue indices sorted by time, for `revision`.
    lane_orders: Vec<Vec<usize>>,
    /// Colour and effective tolerance per cue (document order), for `order_revision`.
    cue_looks: Vec<CueLook>,
    /// `Document::lane_list` and `Document::content_end_ms` for `order_revision`.
    lanes: Vec<cuesheet::Lane>,
    content_end_ms: i64,
    order_revision: Option<u64>,
    /// The longest (duration or tolerance) extent of any cue, to cull from the left.
    max_extent_ms: i64,
    /// Per lane, runs of cues closer than `cues::MIN_CUE_GAP_PX` at the current zoom, for
    /// `cluster_key` (document revision, gap in ms).
    clusters: Vec<Vec<Cluster>>,
    cluster_key: Option<(u64, i64)>,
    /// How many single cues the last frame drew, to size this frame's buffers.
    last_cue_count: usize,
    /// Whether drags snap (to `snap_grid`; Alt bypasses).
    pub snapping: bool,
    /// What drags snap to, and Quantise moves cues to.
    pub snap_grid: SnapGrid,
    /// The fixed grid, in ms.
    pub grid_ms: i64,
    pub follow_playhead: bool,
    /// The action given to cues added by double-click or tap.
    pub new_action: String,
    /// The lane picked in the lane headers (`""` is the "(no lane)" lane): tapped cues go
    /// there. Kept apart from the cue selection by the rules of `ui/selection.rs`.
    pub selected_lane: Option<String>,
    /// Last pointer time over the timeline, shown in the status bar.
    pub hover_ms: Option<i64>,
    /// Where the timeline was drawn last frame (for tests and tools).
    pub last_rect: Rect,
    /// A time to bring into view on the next frame (see [`TimelineState::reveal`]).
    reveal_ms: Option<i64>,
    /// A span to fit the view to on the next frame (see [`TimelineState::show_span`]).
    show_span_ms: Option<(i64, i64)>,
}

impl TimelineState {
    /// Scrolls the view on the next frame, if need be, so that `ms` shows (a jump of the
    /// playhead out of view).
    pub fn reveal(&mut self, ms: i64) {
        self.reveal_ms = Some(ms);
    }

    /// Fits the view to `[start_ms, end_ms]` on the next frame (cues just imported).
    pub fn show_span(&mut self, start_ms: i64, end_ms: i64) {
        self.show_span_ms = Some((start_ms, end_ms));
    }
}

impl Default for TimelineState {
    fn default() -> Self {
        Self {
            drag: None,
            rename: None,
            lane_rename: None,
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
            snap_grid: SnapGrid::default(),
            grid_ms: 250,
            follow_playhead: true,
            new_action: "flash".to_owned(),
            selected_lane: None,
            hover_ms: None,
            last_rect: Rect::NOTHING,
            reveal_ms: None,
            show_span_ms: None,
        }
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
    // Cues selected elsewhere (select all, a new cue, a finding) deselect the marker.
    if !state.selection.is_empty() {
        state.selected_marker = None;
    }
    state.timeline.refresh_index(input.doc, input.catalog);
    // A lane whose last cue went (deleted, undone) is no longer there to select.
    let timeline = &mut state.timeline;
    if let Some(lane) = &timeline.selected_lane
        && !timeline.lanes.iter().any(|l| &l.name == lane)
    {
        timeline.selected_lane = None;
    }
    let tempo = input.doc.tempo_map();
    let lay = Layout::new(rect, &state.timeline.lanes, !tempo.is_empty());
    let width = lay.ruler.width();
    let end_ms = state
        .timeline
        .content_end_ms
        .max(input.audio_ms.unwrap_or(0));

    if state.fit_pending && width > 10.0 {
        state.view = TimeView::fit(end_ms, width);
        state.fit_pending = false;
    }
    if let Some((start, end)) = state.timeline.show_span_ms.take() {
        state.view = TimeView::showing(start, end, width);
    }
    if let Some(t) = state.timeline.reveal_ms.take() {
        state.view = state.view.following(t, width);
    }
    if input.playing && state.timeline.follow_playhead && state.timeline.drag.is_none() {
        state.view = state.view.following(input.playhead_ms, width);
    }
    interaction::zoom_and_pan(ui, &response, state, &lay);
    let map = state.view.mapping(lay.ruler.left(), width);
    state
        .timeline
        .refresh_clusters(input.doc, min_gap_ms(map.ms_per_px));

    let visuals = ui.visuals().clone();
    let paint = PaintCtx {
        painter: ui.painter_at(rect),
        rect,
        lay: &lay,
        map,
        visuals: &visuals,
        state,
        input,
        tempo: &tempo,
    };
    let hits = paint::paint_timeline(&paint);
    state.timeline.last_cue_count = hits.cues.len();

    state.timeline.hover_ms = response
        .hover_pos()
        .filter(|p| p.x >= lay.ruler.left())
        .map(|p| map.time_from_x(p.x));
    // The headers' buttons go over the timeline's own response, so they take their clicks.
    lanes::headers_ui(ui, &lay, &state.timeline.lanes, !input.read_only, actions);
    let pointer = PointerCtx {
        ui,
        response: &response,
        input,
        lay: &lay,
        map,
        hits: &hits,
        modifiers: ui.input(|i| i.modifiers),
        tempo: &tempo,
    };
    interaction::handle_pointer(&pointer, state, actions);
    markers::rename_ui(ui, state, input, &lay, &map, actions);
    lanes::rename_ui(ui, state, &lay, !input.read_only, actions);
    interaction::scrollbar_ui(ui, &lay, rect, state, end_ms);
}
