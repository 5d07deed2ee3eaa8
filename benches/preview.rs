//! One frame of the stage preview with 50 effects active in a 1920×1080 pane: the effects
//! painted by their pure functions, the egui frame around them, and tessellation into
//! triangles (everything the CPU does before the GPU draws). Target: under 8 ms, so the
//! stage keeps 60 fps. Measured for the ideal view and for the 3×3 audience view (nine
//! times the effects, each in a smaller tile).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cuesheet::Cue;
use cuesheet::catalog::Catalog;
use cuestudio::ui::stage::stage_ui;
use serde_json::json;

/// `n` cues all active at 10 s: a mix of every built-in kind, staggered so that each is
/// mid-way through its effect, with their own colours, seeds and (Japanese) texts.
fn active_cues(n: usize) -> Vec<Cue> {
    const ACTIONS: &[&str] = &[
        "showParticles",
        "fireworks",
        "colorWash",
        "textFade",
        "flash",
        "showOpening",
        "discChange",
        "startSong1",
    ];
    (0..n)
        .map(|i| {
            let action = ACTIONS[i % ACTIONS.len()];
            let color = ["#ffd700", "#ff4080", "#40c0ff"][i % 3];
            Cue {
                time: 10_000 - 100 - (i as i64 * 37) % 250,
                action: action.to_owned(),
                duration: Some(2_000),
                params: json!({
                    "seed": i,
                    "color": color,
                    "text": format!("星空ライブ {i}"),
                })
                .as_object()
                .cloned(),
                ..Cue::default()
            }
        })
        .collect()
}

fn frame(ctx: &egui::Context, cues: &[Cue], catalog: &Catalog, audience: bool) -> usize {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1920.0, 1080.0),
        )),
        ..Default::default()
    };
    let mut out = ctx.run_ui(input, |ui| {
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                stage_ui(ui, 10_000, cues, catalog, 1_500, audience)
            });
    });
    out.textures_delta.clear();
    let meshes = ctx.tessellate(out.shapes, out.pixels_per_point);
    black_box(meshes.len())
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let cues = active_cues(50);
    let mut group = c.benchmark_group("preview");
    for (name, audience) in [
        ("50_effects_1920x1080", false),
        ("50_effects_audience_3x3", true),
    ] {
        let ctx = egui::Context::default();
        // Warm the font atlas with the texts.
        frame(&ctx, &cues, &catalog, audience);
        group.bench_function(name, |b| b.iter(|| frame(&ctx, &cues, &catalog, audience)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
