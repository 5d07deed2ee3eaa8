//! Small image snapshots of the stage (ideal and audience view) and the timeline, compared
//! with the PNGs in `tests/snapshots/` by egui_kittest. Run `UPDATE_SNAPSHOTS=1 cargo test
//! --test ui_snapshots` to accept a change, and look at the new images before committing.
//!
//! These machines have no GPU, and no software renderer for egui 0.37 exists as a crate, so
//! the images come from [`SoftRenderer`] below: egui's own tessellation into triangles,
//! rasterized on the CPU (premultiplied alpha in gamma space, as egui's renderers blend).
//! It is deterministic, so a snapshot differs only when what egui paints differs.

use std::collections::{BTreeSet, HashMap};

use cuesheet::catalog::Catalog;
use cuesheet::{Cue, Lane, Marker, Show};
use cuestudio::doc::Document;
use cuestudio::ui::stage::stage_ui;
use cuestudio::ui::timeline::{TimelineInput, timeline_ui};
use cuestudio::ui::{Action, EditorState, TimeView};
use egui::epaint::{ClippedPrimitive, Primitive};
use egui::{Color32, TextureId, TexturesDelta};
use egui_kittest::{Harness, TestRenderer};

/// A texture: size and premultiplied pixels.
struct Texture {
    size: [usize; 2],
    pixels: Vec<Color32>,
}

/// Rasterizes egui's tessellated meshes into an RGBA image.
#[derive(Default)]
struct SoftRenderer {
    textures: HashMap<TextureId, Texture>,
}

impl TestRenderer for SoftRenderer {
    fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        for (id, d) in delta
            .set
            .iter()
            .flat_map(|(id, ds)| ds.iter().map(move |d| (id, d)))
        {
            let egui::ImageData::Color(img) = &d.image;
            match d.pos {
                None => {
                    self.textures.insert(
                        *id,
                        Texture {
                            size: img.size,
                            pixels: img.pixels.clone(),
                        },
                    );
                }
                Some([x0, y0]) => {
                    if let Some(t) = self.textures.get_mut(id) {
                        for y in 0..img.size[1] {
                            for x in 0..img.size[0] {
                                let (tx, ty) = (x0 + x, y0 + y);
                                if tx < t.size[0] && ty < t.size[1] {
                                    t.pixels[ty * t.size[0] + tx] = img.pixels[y * img.size[0] + x];
                                }
                            }
                        }
                    }
                }
            }
        }
        for id in &delta.free {
            self.textures.remove(id);
        }
        delta.clear();
    }

    fn render(
        &mut self,
        ctx: &egui::Context,
        output: &egui::FullOutput,
    ) -> Result<image::RgbaImage, String> {
        let ppp = output.pixels_per_point;
        let screen = ctx.content_rect();
        let w = (screen.width() * ppp).round() as usize;
        let h = (screen.height() * ppp).round() as usize;
        let mut buf = vec![[0.0f32; 4]; w * h];
        let prims = ctx.tessellate(output.shapes.clone(), ppp);
        for ClippedPrimitive {
            clip_rect,
            primitive,
        } in &prims
        {
            let Primitive::Mesh(mesh) = primitive else {
                return Err("paint callbacks are not supported".into());
            };
            let tex = self.textures.get(&mesh.texture_id);
            let clip = [
                (clip_rect.min.x * ppp).round().max(0.0) as usize,
                (clip_rect.min.y * ppp).round().max(0.0) as usize,
                ((clip_rect.max.x * ppp).round().max(0.0) as usize).min(w),
                ((clip_rect.max.y * ppp).round().max(0.0) as usize).min(h),
            ];
            for tri in mesh.indices.chunks_exact(3) {
                let v = [0, 1, 2].map(|k| &mesh.vertices[tri[k] as usize]);
                raster_triangle(&mut buf, w, clip, ppp, v, tex);
            }
        }
        let bytes: Vec<u8> = buf
            .iter()
            .flat_map(|p| {
                // Premultiplied to straight alpha for the PNG.
                let a = p[3];
                let un = |c: f32| {
                    if a > 0.0 {
                        (c / a * 255.0).round().clamp(0.0, 255.0) as u8
                    } else {
                        0
                    }
                };
                [un(p[0]), un(p[1]), un(p[2]), (a * 255.0).round() as u8]
            })
            .collect();
        image::RgbaImage::from_raw(w as u32, h as u32, bytes)
            .ok_or_else(|| "image size mismatch".to_owned())
    }
}

/// Fills the pixels whose centres lie inside the triangle, interpolating colour and texture
/// coordinates, and blends them over `buf` (premultiplied "over").
fn raster_triangle(
    buf: &mut [[f32; 4]],
    w: usize,
    clip: [usize; 4],
    ppp: f32,
    v: [&egui::epaint::Vertex; 3],
    tex: Option<&Texture>,
) {
    let p = v.map(|v| (v.pos.x * ppp, v.pos.y * ppp));
    let edge = |a: (f32, f32), b: (f32, f32), c: (f32, f32)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    let area = edge(p[0], p[1], p[2]);
    if area.abs() < 1e-9 {
        return;
    }
    let min_x = (p
        .iter()
        .map(|q| q.0)
        .fold(f32::MAX, f32::min)
        .floor()
        .max(0.0) as usize)
        .max(clip[0]);
    let max_x = (p
        .iter()
        .map(|q| q.0)
        .fold(f32::MIN, f32::max)
        .ceil()
        .max(0.0) as usize)
        .min(clip[2]);
    let min_y = (p
        .iter()
        .map(|q| q.1)
        .fold(f32::MAX, f32::min)
        .floor()
        .max(0.0) as usize)
        .max(clip[1]);
    let max_y = (p
        .iter()
        .map(|q| q.1)
        .fold(f32::MIN, f32::max)
        .ceil()
        .max(0.0) as usize)
        .min(clip[3]);
    for y in min_y..max_y {
        for x in min_x..max_x {
            let c = (x as f32 + 0.5, y as f32 + 0.5);
            let b0 = edge(p[1], p[2], c) / area;
            let b1 = edge(p[2], p[0], c) / area;
            let b2 = edge(p[0], p[1], c) / area;
            if b0 < 0.0 || b1 < 0.0 || b2 < 0.0 {
                continue;
            }
            let lerp = |f: &dyn Fn(&egui::epaint::Vertex) -> f32| {
                b0 * f(v[0]) + b1 * f(v[1]) + b2 * f(v[2])
            };
            let mut src = [
                lerp(&|v| f32::from(v.color.r())) / 255.0,
                lerp(&|v| f32::from(v.color.g())) / 255.0,
                lerp(&|v| f32::from(v.color.b())) / 255.0,
                lerp(&|v| f32::from(v.color.a())) / 255.0,
            ];
            if let Some(t) = tex {
                let u = lerp(&|v| v.uv.x);
                let vv = lerp(&|v| v.uv.y);
                let tx = ((u * t.size[0] as f32) as usize).min(t.size[0].saturating_sub(1));
                let ty = ((vv * t.size[1] as f32) as usize).min(t.size[1].saturating_sub(1));
                let texel = t.pixels[ty * t.size[0] + tx].to_array();
                for (s, k) in src.iter_mut().zip(texel) {
                    *s *= f32::from(k) / 255.0;
                }
            }
            let dst = &mut buf[y * w + x];
            let keep = 1.0 - src[3];
            for k in 0..4 {
                dst[k] = src[k] + dst[k] * keep;
            }
        }
    }
}

fn cue(time: i64, action: &str, lane: &str, params: serde_json::Value) -> Cue {
    Cue {
        time,
        action: action.into(),
        lane: Some(lane.into()),
        duration: Some(3_000),
        params: params.as_object().cloned(),
        ..Cue::default()
    }
}

fn cues() -> Vec<Cue> {
    vec![
        cue(
            0,
            "colorWash",
            "Lights",
            serde_json::json!({"color": "#3050ff"}),
        ),
        cue(
            500,
            "showParticles",
            "Particles",
            serde_json::json!({"seed": 7}),
        ),
        cue(
            1_000,
            "textFade",
            "Text",
            serde_json::json!({"text": "Hoshizora Live"}),
        ),
        cue(1_400, "fireworks", "Pyro", serde_json::json!({"seed": 3})),
        cue(6_000, "flash", "Lights", serde_json::json!({})),
    ]
}

fn stage_harness(audience: bool) -> Harness<'static> {
    let catalog = Catalog::builtin();
    let cues = cues();
    Harness::builder()
        .with_size(egui::vec2(400.0, 225.0))
        .renderer(SoftRenderer::default())
        .build_ui(move |ui| {
            egui::CentralPanel::default()
                .frame(egui::Frame::NONE)
                .show(ui, |ui| {
                    stage_ui(ui, 1_600, &cues, &catalog, 1_500, audience)
                });
        })
}

#[test]
fn stage_ideal_view() {
    let mut h = stage_harness(false);
    h.run();
    h.snapshot("stage_ideal");
}

#[test]
fn stage_audience_view() {
    let mut h = stage_harness(true);
    h.run();
    h.snapshot("stage_audience");
}

#[test]
fn timeline_with_lanes_markers_and_tolerances() {
    let mut show = Show {
        cues: cues(),
        markers: vec![
            Marker {
                time: 0,
                label: "Intro".into(),
            },
            Marker {
                time: 5_000,
                label: "Song 1".into(),
            },
        ],
        expected_drift: Some(1_500),
        ..Show::default()
    };
    show.cues[3].tolerance = Some(100);
    show.cues[0].tolerance = Some(2_000);
    // A cue 500 ms after the fireworks on its lane: their label is cut short ("Fir…").
    show.cues.push(Cue {
        duration: Some(400),
        ..cue(1_900, "flash", "Pyro", serde_json::json!({}))
    });
    let doc = Document::new(show, None);
    let catalog = Catalog::builtin();
    let flagged: BTreeSet<usize> = [3].into_iter().collect();
    let mut state = EditorState::default();
    state.view = TimeView {
        start_ms: -500,
        ms_per_px: 12.0,
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(720.0, 300.0))
        .renderer(SoftRenderer::default())
        .build_ui(move |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let input = TimelineInput {
                    doc: &doc,
                    catalog: &catalog,
                    peaks: None,
                    audio_ms: None,
                    playhead_ms: 1_600,
                    playing: false,
                    loop_range: None,
                    read_only: false,
                    flagged: &flagged,
                    expected_drift_ms: 1_500,
                };
                let mut actions: Vec<Action> = Vec::new();
                timeline_ui(ui, &mut state, &input, &mut actions);
            });
        });
    h.run();
    h.snapshot("timeline");
}

/// Markers crowded together and scrolled past; lane headers with a hidden lane (Text), a
/// muted one (Pyro), a soloed one (Lights) and a selected one (Particles).
#[test]
fn timeline_markers_and_lane_headers() {
    let marker = |time: i64, label: &str| Marker {
        time,
        label: label.into(),
    };
    let show = Show {
        cues: cues(),
        markers: vec![
            // Left of the view: its flag and line stay out of the lane headers.
            marker(-1_000, "Before the view"),
            marker(0, "Intro with a long name"),
            marker(1_200, "Verse"),
            marker(1_300, "Crowded"),
            marker(4_000, "Song 1, the long one"),
            marker(6_000, "Finale"),
        ],
        lanes: vec![
            Lane {
                name: "Lights".into(),
                solo: true,
                ..Lane::default()
            },
            Lane {
                name: "Text".into(),
                hidden: true,
                ..Lane::default()
            },
            Lane {
                name: "Pyro".into(),
                muted: true,
                ..Lane::default()
            },
        ],
        ..Show::default()
    };
    let doc = Document::new(show, None);
    let catalog = Catalog::builtin();
    let flagged = BTreeSet::new();
    let mut state = EditorState::default();
    state.view = TimeView {
        start_ms: 500,
        ms_per_px: 12.0,
    };
    state.select_lane("Particles");
    let mut h = Harness::builder()
        .with_size(egui::vec2(720.0, 300.0))
        .renderer(SoftRenderer::default())
        .build_ui(move |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let input = TimelineInput {
                    doc: &doc,
                    catalog: &catalog,
                    peaks: None,
                    audio_ms: None,
                    playhead_ms: 1_600,
                    playing: false,
                    loop_range: None,
                    read_only: false,
                    flagged: &flagged,
                    expected_drift_ms: 1_500,
                };
                let mut actions: Vec<Action> = Vec::new();
                timeline_ui(ui, &mut state, &input, &mut actions);
            });
        });
    h.run();
    h.snapshot("timeline_markers_lanes");
}
