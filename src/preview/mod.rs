//! Effect preview and the drift model, both pure.
//!
//! Each effect is a function of (show time − cue time), the cue's duration and params, and
//! the stage rectangle; nothing is carried between frames, so scrubbing backwards, seeking
//! and looping show exactly the frames that playing forward shows. Random effects draw
//! from a generator seeded by the cue's `params.seed` (else its time and action).

use cuesheet::Cue;
use cuesheet::catalog::{Catalog, EffectKind};
use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, Vec2};
use serde_json::Value;

/// The effects active at `show_time_ms`, drawn into `shapes` in cue order (later on top).
/// Text needs `fonts` to lay out its galleys.
pub fn paint_stage(
    shapes: &mut Vec<Shape>,
    fonts: &egui::Context,
    rect: Rect,
    show_time_ms: i64,
    cues: &[Cue],
    catalog: &Catalog,
) {
    shapes.push(Shape::rect_filled(rect, 0.0, Color32::from_rgb(6, 8, 20)));
    for cue in cues {
        let elapsed = show_time_ms - cue.time;
        let duration = catalog.effective_duration(cue).max(1);
        if elapsed < 0 || elapsed > duration {
            continue;
        }
        let kind = catalog.kind_of(&cue.action);
        let color = cue
            .params
            .as_ref()
            .and_then(|p| p.get("color"))
            .and_then(Value::as_str)
            .or_else(|| catalog.get(&cue.action).map(|e| e.color.as_str()))
            .map_or(Color32::WHITE, crate::ui::color_from_hex);
        let t = elapsed as f32 / duration as f32;
        let seed = seed_of(cue);
        match kind {
            EffectKind::ColorWash => color_wash(shapes, rect, t, color),
            EffectKind::Particles => particles(shapes, rect, elapsed, t, color, seed),
            EffectKind::Burst => burst(shapes, rect, t, color, seed),
            EffectKind::Flash => flash(shapes, rect, t, color),
            EffectKind::TextFade => {
                let text = cue
                    .params
                    .as_ref()
                    .and_then(|p| p.get("text"))
                    .and_then(Value::as_str)
                    .unwrap_or(cue.action.as_str());
                text_fade(shapes, fonts, rect, t, color, text);
            }
            EffectKind::Marker => marker(shapes, fonts, rect, t, color, &cue.action),
        }
    }
}

/// The seed for a cue's random effects: `params.seed`, else a hash of time and action.
pub fn seed_of(cue: &Cue) -> u64 {
    if let Some(s) = cue
        .params
        .as_ref()
        .and_then(|p| p.get("seed"))
        .and_then(Value::as_u64)
    {
        return s;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ cue.time as u64;
    for b in cue.action.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A small deterministic generator (SplitMix64): the n-th value for a seed, in [0, 1).
fn rand01(seed: u64, n: u64) -> f32 {
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 24) as f32
}

/// Fades in over the first fifth and out over the last fifth.
fn envelope(t: f32) -> f32 {
    (t / 0.2).min((1.0 - t) / 0.2).clamp(0.0, 1.0)
}

fn color_wash(shapes: &mut Vec<Shape>, rect: Rect, t: f32, color: Color32) {
    let a = envelope(t) * 0.7;
    shapes.push(Shape::rect_filled(rect, 0.0, color.gamma_multiply(a)));
}

fn particles(shapes: &mut Vec<Shape>, rect: Rect, elapsed: i64, t: f32, color: Color32, seed: u64) {
    let a = envelope(t);
    let n = 120u64;
    let fall_ms = 4_000.0;
    for i in 0..n {
        let x = rect.left() + rand01(seed, i) * rect.width();
        let speed = 0.6 + 0.8 * rand01(seed, i + 1000);
        let phase = rand01(seed, i + 2000);
        let y = ((elapsed as f32 / fall_ms) * speed + phase).fract();
        let p = Pos2::new(x, rect.top() + y * rect.height());
        let r = (1.0 + 2.0 * rand01(seed, i + 3000)) * (rect.height() / 360.0).max(0.4);
        shapes.push(Shape::circle_filled(p, r, color.gamma_multiply(a)));
    }
}

fn burst(shapes: &mut Vec<Shape>, rect: Rect, t: f32, color: Color32, seed: u64) {
    let center = Pos2::new(
        rect.left() + rect.width() * (0.25 + 0.5 * rand01(seed, 1)),
        rect.top() + rect.height() * (0.25 + 0.3 * rand01(seed, 2)),
    );
    let reach = rect.height().min(rect.width()) * 0.45;
    let a = (1.0 - t).clamp(0.0, 1.0);
    let n = 48u64;
    for i in 0..n {
        let angle = i as f32 / n as f32 * std::f32::consts::TAU + rand01(seed, i) * 0.2;
        let dist = reach * t.sqrt() * (0.7 + 0.3 * rand01(seed, i + 500));
        let dir = Vec2::angled(angle);
        let head = center + dir * dist;
        let tail = center + dir * (dist * 0.75);
        // Sparks sink a little as they fade.
        let sink = Vec2::new(0.0, reach * 0.2 * t * t);
        shapes.push(Shape::line_segment(
            [tail + sink, head + sink],
            Stroke::new(2.0, color.gamma_multiply(a)),
        ));
    }
    if t < 0.15 {
        shapes.push(Shape::circle_filled(
            center,
            reach * 0.08,
            Color32::WHITE.gamma_multiply(1.0 - t / 0.15),
        ));
    }
}

fn flash(shapes: &mut Vec<Shape>, rect: Rect, t: f32, color: Color32) {
    let a = (1.0 - t).clamp(0.0, 1.0);
    shapes.push(Shape::rect_filled(rect, 0.0, color.gamma_multiply(a)));
}

fn text_fade(
    shapes: &mut Vec<Shape>,
    ctx: &egui::Context,
    rect: Rect,
    t: f32,
    color: Color32,
    text: &str,
) {
    let a = envelope(t);
    let size = (rect.height() * 0.12).clamp(10.0, 64.0);
    ctx.fonts_mut(|f| {
        shapes.push(Shape::text(
            f,
            rect.center(),
            Align2::CENTER_CENTER,
            text,
            FontId::proportional(size),
            color.gamma_multiply(a),
        ));
    });
}

fn marker(
    shapes: &mut Vec<Shape>,
    ctx: &egui::Context,
    rect: Rect,
    t: f32,
    color: Color32,
    label: &str,
) {
    let a = (1.0 - t).clamp(0.0, 1.0);
    let r = rect.height().min(rect.width()) * (0.05 + 0.1 * t);
    let c = Pos2::new(rect.center().x, rect.bottom() - rect.height() * 0.2);
    shapes.push(Shape::circle_stroke(
        c,
        r,
        Stroke::new(2.0, color.gamma_multiply(a)),
    ));
    ctx.fonts_mut(|f| {
        shapes.push(Shape::text(
            f,
            c + Vec2::new(0.0, -r - 4.0),
            Align2::CENTER_BOTTOM,
            label,
            FontId::proportional(12.0),
            color.gamma_multiply(a),
        ));
    });
}

/// Clock offsets (ms) of `n` virtual viewers under the drift model (normal, 95 % within
/// ±`expected_drift_ms`), deterministic for a seed. The first viewer is exactly on time.
pub fn audience_offsets(n: usize, expected_drift_ms: i64, seed: u64) -> Vec<i64> {
    let sigma = cuesheet::lint::drift_sigma_ms(expected_drift_ms);
    (0..n as u64)
        .map(|i| {
            if i == 0 {
                return 0;
            }
            // Box–Muller from two uniform draws.
            let u1 = f64::from(rand01(seed, 2 * i)).max(1e-7);
            let u2 = f64::from(rand01(seed, 2 * i + 1));
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            (z * sigma).round() as i64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(time: i64, action: &str, duration: i64) -> Cue {
        Cue {
            time,
            action: action.into(),
            duration: Some(duration),
            ..Cue::default()
        }
    }

    fn frame(ctx: &egui::Context, t: i64, cues: &[Cue]) -> Vec<Shape> {
        let mut shapes = Vec::new();
        let rect = Rect::from_min_size(Pos2::ZERO, Vec2::new(640.0, 360.0));
        // A pass gives the context its fonts; its texture updates are not needed here.
        let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
        out.textures_delta.clear();
        paint_stage(&mut shapes, ctx, rect, t, cues, &Catalog::builtin());
        shapes
    }

    #[test]
    fn scrubbing_backwards_gives_the_same_frames_as_playing_forward() {
        let ctx = egui::Context::default();
        let cues = vec![
            cue(0, "colorWash", 5_000),
            cue(500, "showParticles", 6_000),
            cue(1_000, "fireworks", 1_500),
            cue(1_200, "flash", 300),
        ];
        let times: Vec<i64> = (0..60).map(|i| i * 100).collect();
        let forward: Vec<String> = times
            .iter()
            .map(|&t| format!("{:?}", frame(&ctx, t, &cues)))
            .collect();
        for (i, &t) in times.iter().enumerate().rev() {
            assert_eq!(
                format!("{:?}", frame(&ctx, t, &cues)),
                forward[i],
                "frame at {t} ms"
            );
        }
    }

    #[test]
    fn effects_show_only_within_their_duration() {
        let ctx = egui::Context::default();
        let cues = vec![cue(1_000, "flash", 300)];
        assert_eq!(frame(&ctx, 999, &cues).len(), 1, "background only");
        assert_eq!(frame(&ctx, 1_100, &cues).len(), 2);
        assert_eq!(frame(&ctx, 1_301, &cues).len(), 1);
    }

    #[test]
    fn particles_are_seeded() {
        let ctx = egui::Context::default();
        let mut a = cue(0, "showParticles", 5_000);
        a.params = serde_json::from_str(r#"{"seed": 7}"#).ok();
        let mut b = a.clone();
        b.time = 100; // same seed, other time: same pattern shifted in time
        let fa = format!("{:?}", frame(&ctx, 1_000, std::slice::from_ref(&a)));
        let fb = format!("{:?}", frame(&ctx, 1_100, std::slice::from_ref(&b)));
        assert_eq!(fa, fb);
        let mut c = a.clone();
        c.params = serde_json::from_str(r#"{"seed": 8}"#).ok();
        assert_ne!(
            fa,
            format!("{:?}", frame(&ctx, 1_000, std::slice::from_ref(&c)))
        );
    }

    #[test]
    fn audience_offsets_follow_the_model() {
        let o = audience_offsets(9, 1_500, 42);
        assert_eq!(o.len(), 9);
        assert_eq!(o[0], 0);
        assert_eq!(o, audience_offsets(9, 1_500, 42), "deterministic");
        // Over many viewers about 95 % fall within ±expectedDrift.
        let many = audience_offsets(20_000, 1_500, 1);
        let inside = many.iter().filter(|d| d.abs() <= 1_500).count() as f64 / many.len() as f64;
        assert!((inside - 0.95).abs() < 0.01, "{inside}");
        assert!(audience_offsets(5, 0, 3).iter().all(|&d| d == 0));
    }
}
