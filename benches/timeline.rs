//! One frame of the timeline UI (layout, culling, painting and tessellation) with 20,000
//! cues over 3 hours, at fit zoom and at a 10-second view, against the same frame with
//! 200 cues. Target: under 4 ms CPU each, and no more than 1.5× the 200-cue frame.
//!
//! Those frames reuse one document and view, so they hit the timeline's caches (keyed by
//! document revision and zoom). `timeline_miss/*` measures, at 20,000 cues, the frames that
//! miss them (goal: under 8 ms each, half a 60 Hz frame):
//! - `zoom_step_*`: a frame with a zoom event (Ctrl+wheel) under the pointer, alternately
//!   in and out, so each frame has a zoom level the last one did not;
//! - `drag_1000_selected`: one step of dragging 1,000 selected cues (a 9-minute view of
//!   them), through egui's pointer events: the frame, which emits the move, and the move
//!   applied to the document (as the app does at the end of the frame), so the next frame
//!   sees a new revision;
//! - `after_edit_*`: the frame right after a one-cue edit (applied outside the timing; its
//!   cost to the document is `edit_apply_one_cue`).
//!
//! Not the timeline, for context: `lint` is what the app adds to any frame with a new
//! revision (it re-lints the show then, in `refresh_derived`), a drag's frames included.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use cuesheet::catalog::Catalog;
use cuesheet::{Cue, Marker, Show};
use cuestudio::doc::{CueId, CuePatch, Document, Edit};
use cuestudio::ui::timeline::{TimelineInput, timeline_ui};
use cuestudio::ui::{Action, EditorState, TimeView};

const THREE_HOURS: i64 = 3 * 3_600_000;
const ACTIONS: &[&str] = &[
    "colorWash",
    "showParticles",
    "textFade",
    "fireworks",
    "flash",
];
const LANES: &[&str] = &["Lights", "Particles", "Text", "Pyro"];

fn show(n: usize) -> Show {
    let step = THREE_HOURS / n as i64;
    let cues = (0..n)
        .map(|i| Cue {
            time: i as i64 * step,
            action: ACTIONS[i % ACTIONS.len()].to_owned(),
            tolerance: Some(250 + (i as i64 % 7) * 250),
            duration: Some(2_000),
            lane: Some(LANES[i % LANES.len()].to_owned()),
            ..Cue::default()
        })
        .collect();
    let markers = (0..36)
        .map(|i| Marker {
            time: i * 300_000,
            label: format!("Section {i}"),
        })
        .collect();
    Show {
        cues,
        markers,
        expected_drift: Some(1500),
        ..Show::default()
    }
}

/// Runs one whole egui frame containing only the timeline, and tessellates its output.
#[inline(never)]
fn frame(
    ctx: &egui::Context,
    doc: &Document,
    catalog: &Catalog,
    state: &mut EditorState,
    flagged: &BTreeSet<usize>,
) {
    black_box(frame_with(ctx, doc, catalog, state, flagged, Vec::new()));
}

/// One frame with these input events; returns the actions the timeline asked for.
#[inline(never)]
fn frame_with(
    ctx: &egui::Context,
    doc: &Document,
    catalog: &Catalog,
    state: &mut EditorState,
    flagged: &BTreeSet<usize>,
    events: Vec<egui::Event>,
) -> Vec<Action> {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1200.0, 600.0),
        )),
        events,
        ..Default::default()
    };
    let mut actions: Vec<Action> = Vec::new();
    let out = ctx.run_ui(input, |ui| {
        let timeline = TimelineInput {
            doc,
            catalog,
            peaks: None,
            audio_ms: Some(THREE_HOURS),
            playhead_ms: 3_600_000,
            playing: false,
            loop_range: None,
            read_only: false,
            flagged,
            expected_drift_ms: 1500,
        };
        timeline_ui(ui, state, &timeline, &mut actions);
    });
    let mut out = out;
    out.textures_delta.clear();
    black_box(ctx.tessellate(out.shapes, out.pixels_per_point));
    actions
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let flagged = BTreeSet::new();
    let mut group = c.benchmark_group("timeline");
    for n in [200usize, 20_000] {
        let doc = Document::new(show(n), None);
        for (name, view) in [
            (
                "fit",
                TimeView::fit(THREE_HOURS, 1200.0 - cuestudio::ui::timeline::GUTTER_W),
            ),
            (
                "10s",
                TimeView {
                    start_ms: 3_600_000,
                    ms_per_px: 10_000.0 / 1100.0,
                },
            ),
        ] {
            let ctx = egui::Context::default();
            let mut state = EditorState::default();
            state.view = view;
            // Warm the font atlas and the cue index.
            frame(&ctx, &doc, &catalog, &mut state, &flagged);
            group.bench_function(format!("{n}_cues_{name}"), |b| {
                b.iter(|| frame(&ctx, &doc, &catalog, &mut state, &flagged));
            });
        }
    }
    group.finish();
}

const WIDTH: f32 = 1200.0 - cuestudio::ui::timeline::GUTTER_W;

/// The 9-minute view from 1 h that the drag uses: 1,000 of the 20,000 cues, each drawn on
/// its own (neighbours on a lane are 2.16 s apart, just over the 4 points that cluster).
fn nine_minutes() -> TimeView {
    TimeView {
        start_ms: 3_600_000,
        ms_per_px: 540_000.0 / f64::from(WIDTH),
    }
}

/// The point on screen of cue `i` of [`show`] (its head, mid-lane), from the last frame.
fn cue_pos(state: &EditorState, doc: &Document, i: usize) -> egui::Pos2 {
    let rect = state.timeline.last_rect;
    let cue = &doc.show().cues[i];
    let lane = LANES
        .iter()
        .position(|l| Some(*l) == cue.lane.as_deref())
        .expect("a bench lane");
    let map = state
        .view
        .mapping(rect.left() + cuestudio::ui::timeline::GUTTER_W, WIDTH);
    let y0 = rect.top()
        + cuestudio::ui::timeline::RULER_H
        + cuestudio::ui::timeline::WAVE_H
        + cuestudio::ui::timeline::MARKERS_H;
    egui::pos2(
        map.x_from_time(cue.time) + 1.0,
        y0 + (lane as f32 + 0.5) * cuestudio::ui::timeline::LANE_H,
    )
}

fn pointer_moved(p: egui::Pos2) -> egui::Event {
    egui::Event::PointerMoved(p)
}

fn pointer_button(p: egui::Pos2, pressed: bool) -> egui::Event {
    egui::Event::PointerButton {
        pos: p,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    }
}

/// Applies the edits among `actions` as the app does; returns how many cues they moved.
#[inline(never)]
fn apply(doc: &mut Document, actions: Vec<Action>) -> usize {
    let mut moved = 0;
    for action in actions {
        match action {
            Action::Edit(edit) => {
                if let Edit::MoveCues { ids, .. } = &edit {
                    moved += ids.len();
                }
                doc.apply(edit);
            }
            Action::SealHistory => doc.seal_history(),
            _ => {}
        }
    }
    moved
}

fn cache_misses(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let flagged = BTreeSet::new();
    let n = 20_000;
    let mut group = c.benchmark_group("timeline_miss");

    // Zoom steps: Ctrl+wheel over the middle of the lanes, in and out in turn.
    for (name, view) in [
        ("fit", TimeView::fit(THREE_HOURS, WIDTH)),
        ("9min", nine_minutes()),
        (
            "10s",
            TimeView {
                start_ms: 3_600_000,
                ms_per_px: 10_000.0 / f64::from(WIDTH),
            },
        ),
    ] {
        let doc = Document::new(show(n), None);
        let ctx = egui::Context::default();
        let mut state = EditorState::default();
        state.view = view;
        frame(&ctx, &doc, &catalog, &mut state, &flagged);
        let at = state.timeline.last_rect.center();
        frame_with(
            &ctx,
            &doc,
            &catalog,
            &mut state,
            &flagged,
            vec![pointer_moved(at)],
        );
        let mut zoom_in = true;
        group.bench_function(format!("{n}_cues_zoom_step_{name}"), |b| {
            b.iter(|| {
                let before = state.view.ms_per_px;
                let factor = if zoom_in { 1.25 } else { 0.8 };
                zoom_in = !zoom_in;
                let events = vec![egui::Event::Zoom(factor)];
                frame_with(&ctx, &doc, &catalog, &mut state, &flagged, events);
                assert_ne!(state.view.ms_per_px, before, "the zoom event did not zoom");
            });
        });
    }

    // Dragging 1,000 selected cues: press on one, then move the pointer each frame, 20
    // points right and left of the press in turn, so every frame moves them.
    {
        let mut doc = Document::new(show(n), None);
        let ctx = egui::Context::default();
        let mut state = EditorState::default();
        state.view = nine_minutes();
        let first = doc
            .show()
            .cues
            .partition_point(|c| c.time < state.view.start_ms);
        state.selection = doc.cue_ids()[first..first + 1_000]
            .iter()
            .copied()
            .collect();
        frame(&ctx, &doc, &catalog, &mut state, &flagged);
        let grab = cue_pos(&state, &doc, first + 500);
        let events = vec![pointer_moved(grab)];
        frame_with(&ctx, &doc, &catalog, &mut state, &flagged, events);
        let events = vec![pointer_button(grab, true)];
        frame_with(&ctx, &doc, &catalog, &mut state, &flagged, events);
        let mut right = true;
        let mut step = |doc: &mut Document, state: &mut EditorState| {
            let dx = if right { 20.0 } else { -20.0 };
            right = !right;
            let events = vec![pointer_moved(grab + egui::vec2(dx, 0.0))];
            let actions = frame_with(&ctx, doc, &catalog, state, &flagged, events);
            let moved = apply(doc, actions);
            assert_eq!(
                moved, 1_000,
                "the drag did not move the 1,000 selected cues"
            );
        };
        step(&mut doc, &mut state);
        group.bench_function(format!("{n}_cues_drag_1000_selected"), |b| {
            b.iter(|| step(&mut doc, &mut state));
        });
        let events = vec![pointer_button(grab, false)];
        let actions = frame_with(&ctx, &doc, &catalog, &mut state, &flagged, events);
        apply(&mut doc, actions);
    }

    // The frame right after an edit: one cue's tolerance changes, untimed, then the frame.
    for (name, view) in [
        ("fit", TimeView::fit(THREE_HOURS, WIDTH)),
        (
            "10s",
            TimeView {
                start_ms: 3_600_000,
                ms_per_px: 10_000.0 / f64::from(WIDTH),
            },
        ),
    ] {
        let mut doc = Document::new(show(n), None);
        let ctx = egui::Context::default();
        let mut state = EditorState::default();
        state.view = view;
        frame(&ctx, &doc, &catalog, &mut state, &flagged);
        let id = doc.cue_ids()[n / 3];
        let mut k = 0i64;
        group.bench_function(format!("{n}_cues_after_edit_{name}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    k += 1;
                    doc.apply(edit_one(id, k));
                    let t = Instant::now();
                    frame(&ctx, &doc, &catalog, &mut state, &flagged);
                    total += t.elapsed();
                }
                total
            });
        });
    }

    // What that one-cue edit costs the document (undo snapshot included).
    {
        let mut doc = Document::new(show(n), None);
        let id = doc.cue_ids()[n / 3];
        let mut k = 0i64;
        group.bench_function(format!("{n}_cues_edit_apply_one_cue"), |b| {
            b.iter(|| {
                k += 1;
                black_box(doc.apply(edit_one(id, k)));
            });
        });
    }
    {
        let doc = Document::new(show(n), None);
        group.bench_function(format!("{n}_cues_lint"), |b| {
            b.iter(|| {
                black_box(cuesheet::lint::lint(
                    doc.show(),
                    &catalog,
                    Some(THREE_HOURS),
                ))
            });
        });
    }
    group.finish();
}

/// A one-cue edit: tolerance set to a value that changes every time.
fn edit_one(id: CueId, k: i64) -> Edit {
    Edit::PatchCues {
        ids: vec![id],
        patch: CuePatch {
            tolerance: Some(Some(250 + k % 2 * 250)),
            ..CuePatch::default()
        },
        merge: None,
    }
}

criterion_group!(benches, bench, cache_misses);
criterion_main!(benches);
