//! Effect preview and the drift model, both pure.
//!
//! Each effect is a function of (show time − cue time), the cue's duration and params, and
//! the stage rectangle; nothing is carried between frames, so scrubbing backwards, seeking
//! and looping show exactly the frames that playing forward shows. Random effects draw
//! from a generator seeded by the cue's `params.seed` (else its time and action).
//!
//! Drawing is split in two: [`cue_state`] says what a cue shows at an instant (opacity,
//! colour, the seeded particle positions, spark geometry, text alpha) as plain numbers in
//! stage pixels, and [`paint_state`] turns that into egui shapes. The event page's runtime
//! (`web/effects.js`) computes the same states; `tests/web_vectors.rs` writes them from
//! these functions into `web/test/vectors/effects.json`, which the JS tests compare against.
//!
//! A cue's params are its effective params: the catalog entry's defaults with the cue's own
//! merged over them key by key (what the extended export carries), so the stage shows what
//! the page will.

use cuesheet::Cue;
use cuesheet::catalog::{Catalog, EffectKind};
use egui::epaint::FontsView;
use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, Vec2};
use serde_json::{Map, Value};

/// The stage's background (the editor only; the page draws over its video).
pub const BACKGROUND: Color32 = Color32::from_rgb(6, 8, 20);
/// Width of a burst's spark and of a marker's ring, in points.
pub const STROKE_WIDTH: f32 = 2.0;
/// Font size of a marker's label, in points.
pub const MARKER_LABEL_SIZE: f32 = 12.0;
/// How many particles a `particles` effect shows.
pub const PARTICLE_COUNT: u64 = 120;
/// How many sparks a `burst` effect shows.
pub const SPARK_COUNT: u64 = 48;

/// What one cue shows at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct CueState {
    pub kind: EffectKind,
    /// The effect's colour before its opacity: `params.color`, else the catalog entry's,
    /// else white (an action without an entry).
    pub color: Color32,
    /// Show time − cue time, in `0..=duration`.
    pub elapsed_ms: i64,
    /// The effective duration (at least 1 ms).
    pub duration_ms: i64,
    /// `elapsed / duration`, in `[0, 1]`.
    pub t: f32,
    /// What a `textFade` writes (`params.text`, else the action) or a marker's label (the
    /// action); empty for the other kinds.
    pub text: String,
    pub effect: EffectState,
}

/// The geometry and opacity of an effect, in stage pixels.
#[derive(Clone, Debug, PartialEq)]
pub enum EffectState {
    /// `colorWash` and `flash`: the whole stage filled with the colour at `opacity`.
    Fill {
        opacity: f32,
    },
    Particles(ParticlesState),
    Burst(BurstState),
    Text(TextState),
    Marker(MarkerState),
}

/// One falling particle: a filled circle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    pub center: Pos2,
    pub radius: f32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParticlesState {
    pub opacity: f32,
    pub dots: Vec<Dot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BurstState {
    /// The sparks' opacity.
    pub opacity: f32,
    pub center: Pos2,
    /// Each spark is a line from `[0]` (tail) to `[1]` (head), [`STROKE_WIDTH`] wide.
    pub sparks: Vec<[Pos2; 2]>,
    /// The white core at the centre during the first 15 %: `(radius, opacity)`.
    pub core: Option<(f32, f32)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextState {
    pub opacity: f32,
    /// Proportional font size, in points.
    pub size: f32,
    /// The text is centred on this point (horizontally and vertically).
    pub center: Pos2,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarkerState {
    pub opacity: f32,
    /// A ring of this radius around `center`, [`STROKE_WIDTH`] wide.
    pub center: Pos2,
    pub radius: f32,
    /// The label ([`MARKER_LABEL_SIZE`]) is centred horizontally on this point, its bottom on it.
    pub label_anchor: Pos2,
}

/// The effects active at `show_time_ms`, drawn into `shapes` in cue order (later on top).
/// Text needs `fonts` to lay out its galleys (`ctx.fonts_mut` lends them).
pub fn paint_stage(
    shapes: &mut Vec<Shape>,
    fonts: &mut FontsView<'_>,
    rect: Rect,
    show_time_ms: i64,
    cues: &[Cue],
    catalog: &Catalog,
) {
    shapes.push(Shape::rect_filled(rect, 0.0, BACKGROUND));
    for cue in cues {
        if let Some(state) = cue_state(cue, catalog, rect, show_time_ms) {
            paint_state(shapes, fonts, rect, &state);
        }
    }
}

/// The cue's effective params: the catalog entry's, with the cue's own merged over them.
pub fn effective_params(cue: &Cue, catalog: &Catalog) -> Map<String, Value> {
    catalog.effective_params(cue)
}

/// What `cue` shows at `show_time_ms` on a stage of `rect`; `None` before the cue and after
/// its duration.
pub fn cue_state(cue: &Cue, catalog: &Catalog, rect: Rect, show_time_ms: i64) -> Option<CueState> {
    let elapsed = show_time_ms.saturating_sub(cue.time);
    let duration = catalog.effective_duration(cue).max(1);
    if elapsed < 0 || elapsed > duration {
        return None;
    }
    let kind = catalog.kind_of(&cue.action);
    let params = effective_params(cue, catalog);
    let color = params
        .get("color")
        .and_then(Value::as_str)
        .or_else(|| catalog.get(&cue.action).map(|e| e.color.as_str()))
        .map_or(Color32::WHITE, color_from_hex);
    let t = elapsed as f32 / duration as f32;
    let seed = seed_from(cue.time, &cue.action, &params);
    let mut text = String::new();
    let effect = match kind {
        EffectKind::ColorWash => EffectState::Fill {
            opacity: color_wash_opacity(t),
        },
        EffectKind::Flash => EffectState::Fill {
            opacity: flash_opacity(t),
        },
        EffectKind::Particles => EffectState::Particles(particles_state(rect, elapsed, t, seed)),
        EffectKind::Burst => EffectState::Burst(burst_state(rect, t, seed)),
        EffectKind::TextFade => {
            text = params
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or(cue.action.as_str())
                .to_owned();
            EffectState::Text(text_fade_state(rect, t))
        }
        EffectKind::Marker => {
            text = cue.action.clone();
            EffectState::Marker(marker_state(rect, t))
        }
    };
    Some(CueState {
        kind,
        color,
        elapsed_ms: elapsed,
        duration_ms: duration,
        t,
        text,
        effect,
    })
}

/// Draws one cue's state.
pub fn paint_state(shapes: &mut Vec<Shape>, fonts: &mut FontsView<'_>, rect: Rect, s: &CueState) {
    let color = s.color;
    match &s.effect {
        EffectState::Fill { opacity } => {
            shapes.push(Shape::rect_filled(
                rect,
                0.0,
                color.gamma_multiply(*opacity),
            ));
        }
        EffectState::Particles(p) => {
            let fill = color.gamma_multiply(p.opacity);
            for d in &p.dots {
                shapes.push(Shape::circle_filled(d.center, d.radius, fill));
            }
        }
        EffectState::Burst(b) => {
            let stroke = Stroke::new(STROKE_WIDTH, color.gamma_multiply(b.opacity));
            for &spark in &b.sparks {
                shapes.push(Shape::line_segment(spark, stroke));
            }
            if let Some((radius, opacity)) = b.core {
                shapes.push(Shape::circle_filled(
                    b.center,
                    radius,
                    Color32::WHITE.gamma_multiply(opacity),
                ));
            }
        }
        EffectState::Text(x) => {
            shapes.push(Shape::text(
                fonts,
                x.center,
                Align2::CENTER_CENTER,
                &s.text,
                FontId::proportional(x.size),
                color.gamma_multiply(x.opacity),
            ));
        }
        EffectState::Marker(m) => {
            shapes.push(Shape::circle_stroke(
                m.center,
                m.radius,
                Stroke::new(STROKE_WIDTH, color.gamma_multiply(m.opacity)),
            ));
            shapes.push(Shape::text(
                fonts,
                m.label_anchor,
                Align2::CENTER_BOTTOM,
                &s.text,
                FontId::proportional(MARKER_LABEL_SIZE),
                color.gamma_multiply(m.opacity),
            ));
        }
    }
}

/// Parses `#rrggbb` into a colour; anything else is grey.
pub fn color_from_hex(hex: &str) -> Color32 {
    let h = hex.trim_start_matches('#');
    if h.len() == 6
        && let Ok(v) = u32::from_str_radix(h, 16)
    {
        return Color32::from_rgb((v >> 16) as u8, (v >> 8) as u8, v as u8);
    }
    Color32::GRAY
}

/// The seed for a cue's random effects: `params.seed`, else a hash of time and action.
pub fn seed_of(cue: &Cue) -> u64 {
    let empty = Map::new();
    seed_from(cue.time, &cue.action, cue.params.as_ref().unwrap_or(&empty))
}

/// `params.seed` (a whole number ≥ 0), else FNV-1a over the action's UTF-8 bytes started
/// from the FNV offset basis XOR the cue time.
pub fn seed_from(time: i64, action: &str, params: &Map<String, Value>) -> u64 {
    if let Some(s) = params.get("seed").and_then(Value::as_u64) {
        return s;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ time as u64;
    for b in action.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A small deterministic generator (SplitMix64): the n-th value for a seed, in [0, 1), with
/// 24 bits (exact in an f32 and in a JS number).
pub fn rand01(seed: u64, n: u64) -> f32 {
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 24) as f32
}

/// Fades in over the first fifth and out over the last fifth.
pub fn envelope(t: f32) -> f32 {
    (t / 0.2).min((1.0 - t) / 0.2).clamp(0.0, 1.0)
}

/// A colour wash: the envelope, at most 70 %.
pub fn color_wash_opacity(t: f32) -> f32 {
    envelope(t) * 0.7
}

/// A flash: full at once, fading out linearly.
pub fn flash_opacity(t: f32) -> f32 {
    (1.0 - t).clamp(0.0, 1.0)
}

/// Falling particles: [`PARTICLE_COUNT`] dots, each with a seeded column, speed, phase and
/// size, falling one stage height in 4 s / speed and wrapping round.
pub fn particles_state(rect: Rect, elapsed: i64, t: f32, seed: u64) -> ParticlesState {
    let fall_ms = 4_000.0;
    let dots = (0..PARTICLE_COUNT)
        .map(|i| {
            let x = rect.left() + rand01(seed, i) * rect.width();
            let speed = 0.6 + 0.8 * rand01(seed, i + 1000);
            let phase = rand01(seed, i + 2000);
            let y = ((elapsed as f32 / fall_ms) * speed + phase).fract();
            let center = Pos2::new(x, rect.top() + y * rect.height());
            let radius = (1.0 + 2.0 * rand01(seed, i + 3000)) * (rect.height() / 360.0).max(0.4);
            Dot { center, radius }
        })
        .collect();
    ParticlesState {
        opacity: envelope(t),
        dots,
    }
}

/// Fireworks: [`SPARK_COUNT`] sparks flying out from a seeded centre, slowing down
/// (distance ∝ √t), sinking a little and fading; a white core flashes for the first 15 %.
pub fn burst_state(rect: Rect, t: f32, seed: u64) -> BurstState {
    let center = Pos2::new(
        rect.left() + rect.width() * (0.25 + 0.5 * rand01(seed, 1)),
        rect.top() + rect.height() * (0.25 + 0.3 * rand01(seed, 2)),
    );
    let reach = rect.height().min(rect.width()) * 0.45;
    let n = SPARK_COUNT;
    let sparks = (0..n)
        .map(|i| {
            let angle = i as f32 / n as f32 * std::f32::consts::TAU + rand01(seed, i) * 0.2;
            let dist = reach * t.sqrt() * (0.7 + 0.3 * rand01(seed, i + 500));
            let dir = Vec2::angled(angle);
            let head = center + dir * dist;
            let tail = center + dir * (dist * 0.75);
            // Sparks sink a little as they fade.
            let sink = Vec2::new(0.0, reach * 0.2 * t * t);
            [tail + sink, head + sink]
        })
        .collect();
    BurstState {
        opacity: (1.0 - t).clamp(0.0, 1.0),
        center,
        sparks,
        core: (t < 0.15).then(|| (reach * 0.08, 1.0 - t / 0.15)),
    }
}

/// A text in the middle of the stage, fading in and out with the envelope.
pub fn text_fade_state(rect: Rect, t: f32) -> TextState {
    TextState {
        opacity: envelope(t),
        size: (rect.height() * 0.12).clamp(10.0, 64.0),
        center: rect.center(),
    }
}

/// A labelled ring low on the stage, growing and fading out.
pub fn marker_state(rect: Rect, t: f32) -> MarkerState {
    let radius = rect.height().min(rect.width()) * (0.05 + 0.1 * t);
    let center = Pos2::new(rect.center().x, rect.bottom() - rect.height() * 0.2);
    MarkerState {
        opacity: (1.0 - t).clamp(0.0, 1.0),
        center,
        radius,
        label_anchor: center + Vec2::new(0.0, -radius - 4.0),
    }
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
mod tests;
