//! One frame of the timeline UI (layout, culling, painting and tessellation) with 20,000
//! cues over 3 hours, at fit zoom and at a 10-second view, against the same frame with
//! 200 cues. Target: under 4 ms CPU each, and no more than 1.5× the 200-cue frame.

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cuesheet::catalog::Catalog;
use cuesheet::{Cue, Marker, Show};
use cuestudio::doc::Document;
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
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1200.0, 600.0),
        )),
        ..Default::default()
    };
    let out = ctx.run_ui(input, |ui| {
        let mut actions: Vec<Action> = Vec::new();
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
        black_box(actions);
    });
    let mut out = out;
    out.textures_delta.clear();
    black_box(ctx.tessellate(out.shapes, out.pixels_per_point));
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

criterion_group!(benches, bench);
criterion_main!(benches);
