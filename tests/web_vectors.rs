//! Parity vectors for the event page's runtime (`web/`): the Rust code that really paints the
//! stage and really estimates the clock writes what it computes for fixed inputs, and the JS
//! tests (`node --test web/test/`) check the JS port against it.
//!
//! - `web/test/vectors/effects.json`: for each effect kind and a few params sets (Japanese
//!   texts and actions among them), the state of a cue at several show times, from
//!   `cuestudio::preview::cue_state`; the generator's values and the hashed seeds.
//! - `web/test/vectors/clock.json`: scripts of samples (bursts, polls, contradictions,
//!   drift, wall-clock steps) run through `timesync::Estimator`, with what it answers at
//!   each check; `backoff_ms` values.
//!
//! `UPDATE_VECTORS=1 cargo test --test web_vectors` writes the files; without it the test
//! fails if the committed files differ from what the Rust code computes now.

use std::path::PathBuf;

use cuesheet::catalog::Catalog;
use cuesheet::{Cue, Document};
use cuestudio::preview::{self, CueState, EffectState};
use egui::{Pos2, Rect, Vec2};
use serde_json::{Map, Value, json};
use timesync::estimator::{self, Estimator, Sample};

// ---------------------------------------------------------------------------------------
// Writing and checking

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web/test/vectors")
}

/// Writes the file under `UPDATE_VECTORS=1`, else asserts the committed one is identical.
fn write_or_check(name: &str, v: &Value) {
    let text = pretty(v);
    let path = vectors_dir().join(name);
    if std::env::var_os("UPDATE_VECTORS").is_some_and(|s| s == "1") {
        std::fs::create_dir_all(vectors_dir()).unwrap();
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; generate it with UPDATE_VECTORS=1 cargo test --test web_vectors",
            path.display()
        )
    });
    if committed != text {
        let line = committed
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(text.lines().count()), |i| i);
        panic!(
            "{} differs from what the Rust code computes now (first at line {}): regenerate \
             it with UPDATE_VECTORS=1 cargo test --test web_vectors and make the JS match",
            path.display(),
            line + 1
        );
    }
}

/// JSON with two-space indents, where an array of scalars and any small value stay on
/// one line, so the files are readable and diff well.
fn pretty(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, 0);
    out.push('\n');
    out
}

fn write_value(out: &mut String, v: &Value, indent: usize) {
    let compact = v.to_string();
    let scalars_only = match v {
        Value::Array(a) => a.iter().all(|x| !x.is_array() && !x.is_object()),
        Value::Object(_) => false,
        _ => true,
    };
    if scalars_only || compact.len() <= 72 {
        out.push_str(&compact);
        return;
    }
    let pad = "  ".repeat(indent + 1);
    match v {
        Value::Array(a) => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                out.push_str(&pad);
                write_value(out, x, indent + 1);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        Value::Object(o) => {
            out.push_str("{\n");
            for (i, (k, x)) in o.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                write_value(out, x, indent + 1);
                out.push_str(if i + 1 < o.len() { ",\n" } else { "\n" });
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        _ => out.push_str(&compact),
    }
}

// ---------------------------------------------------------------------------------------
// Effects

/// An f32 as the shortest decimal that reads back as the same f32 (JS compares with a
/// tolerance: it computes in f64).
fn num(x: f32) -> Value {
    let s = x.to_string();
    let f: f64 = s.parse().unwrap();
    json!(f)
}

fn pos(p: Pos2) -> Value {
    json!([num(p.x), num(p.y)])
}

fn state_json(s: &CueState) -> Value {
    let effect = match &s.effect {
        EffectState::Fill { opacity } => json!({ "opacity": num(*opacity) }),
        EffectState::Particles(p) => json!({
            "opacity": num(p.opacity),
            "dots": p.dots.iter().map(|d| json!([num(d.center.x), num(d.center.y), num(d.radius)])).collect::<Vec<_>>(),
        }),
        EffectState::Burst(b) => json!({
            "opacity": num(b.opacity),
            "center": pos(b.center),
            "sparks": b.sparks.iter().map(|[t, h]| json!([num(t.x), num(t.y), num(h.x), num(h.y)])).collect::<Vec<_>>(),
            "core": b.core.map(|(r, a)| json!([num(r), num(a)])),
        }),
        EffectState::Text(x) => json!({
            "opacity": num(x.opacity),
            "size": num(x.size),
            "center": pos(x.center),
        }),
        EffectState::Marker(m) => json!({
            "opacity": num(m.opacity),
            "center": pos(m.center),
            "radius": num(m.radius),
            "labelAnchor": pos(m.label_anchor),
        }),
    };
    json!({
        "kind": s.kind.name(),
        "color": [s.color.r(), s.color.g(), s.color.b()],
        "elapsedMs": s.elapsed_ms,
        "durationMs": s.duration_ms,
        "t": num(s.t),
        "text": s.text,
        "effect": effect,
    })
}

/// Actions a show adds to the built-in catalog (Japanese names among them): the vectors'
/// catalog is the effective one, as the page's manifest carries it.
fn show_catalog() -> Catalog {
    let overrides = json!({
        "星降る夜": { "kind": "particles", "color": "#a0c0ff", "duration": 6000 },
        "花火": { "kind": "burst", "color": "#ff4080", "tolerance": 200 },
        "歌詞": { "kind": "textFade", "color": "#ffe0a0", "params": { "text": "星空ライブ 2026" } },
        "showOpening": { "duration": 5000 },
        "noColor": { "kind": "flash" },
    });
    let Value::Object(o) = overrides else {
        unreachable!()
    };
    Catalog::builtin().with_overrides(&o).unwrap()
}

fn cue_from(v: &Value) -> Cue {
    let text = Value::Array(vec![v.clone()]).to_string();
    match cuesheet::parse(text.as_bytes()).unwrap() {
        Document::Sheet(mut c) => c.remove(0),
        Document::Show(_) => unreachable!(),
    }
}

struct Case {
    name: &'static str,
    rect: [f32; 4],
    cue: Value,
    times: Vec<i64>,
}

fn effect_cases() -> Vec<Case> {
    let hd = [0.0, 0.0, 640.0, 360.0];
    vec![
        Case {
            name: "colorWash from the catalog (colour, duration)",
            rect: hd,
            cue: json!({"time": 1000, "action": "startSong1"}),
            times: vec![999, 1000, 1300, 1600, 2500, 3400, 3700, 4000, 4001],
        },
        Case {
            name: "colorWash with its own colour and duration",
            rect: hd,
            cue: json!({"time": 0, "action": "colorWash", "duration": 5000, "params": {"color": "#3050ff"}}),
            times: vec![0, 500, 2500, 4500, 5000],
        },
        Case {
            name: "flash",
            rect: hd,
            cue: json!({"time": 200, "action": "flash"}),
            times: vec![200, 201, 275, 350, 500, 501],
        },
        Case {
            name: "flash of an entry without a colour (grey default)",
            rect: hd,
            cue: json!({"time": 0, "action": "noColor"}),
            times: vec![0, 150],
        },
        Case {
            name: "colour names that are not #rrggbb fall back to grey",
            rect: hd,
            cue: json!({"time": 0, "action": "flash", "params": {"color": "red"}}),
            times: vec![100],
        },
        Case {
            name: "upper-case hex",
            rect: hd,
            cue: json!({"time": 0, "action": "flash", "params": {"color": "#ABCDEF"}}),
            times: vec![100],
        },
        Case {
            name: "particles with a seed",
            rect: hd,
            cue: json!({"time": 500, "action": "showParticles", "params": {"seed": 7}}),
            times: vec![500, 1500, 3000, 5499, 5500],
        },
        Case {
            name: "particles seeded from a Japanese action and the time, on an offset stage",
            rect: [10.0, 20.0, 400.0, 225.0],
            cue: json!({"time": 12345, "action": "星降る夜"}),
            times: vec![12345, 14000, 18345],
        },
        Case {
            name: "particles on a full-HD stage",
            rect: [0.0, 0.0, 1920.0, 1080.0],
            cue: json!({"time": 0, "action": "showParticles", "duration": 8000, "params": {"seed": 123456789, "color": "#40c0ff"}}),
            times: vec![0, 7999],
        },
        Case {
            name: "particles on a thumbnail stage (radius floor)",
            rect: [0.0, 0.0, 160.0, 90.0],
            cue: json!({"time": 0, "action": "showParticles", "params": {"seed": 2026, "count": 10}}),
            times: vec![2500],
        },
        Case {
            name: "fireworks with a seed (core until 15 %)",
            rect: hd,
            cue: json!({"time": 1400, "action": "fireworks", "params": {"seed": 3}}),
            times: vec![1400, 1500, 1624, 1625, 2150, 2900],
        },
        Case {
            name: "fireworks seeded from a Japanese action, full HD",
            rect: [0.0, 0.0, 1920.0, 1080.0],
            cue: json!({"time": 839, "action": "花火", "duration": 2000}),
            times: vec![839, 1039, 2839],
        },
        Case {
            name: "textFade with its text",
            rect: hd,
            cue: json!({"time": 1000, "action": "textFade", "params": {"text": "Hoshizora Live"}}),
            times: vec![1000, 1300, 2500, 3700, 4000],
        },
        Case {
            name: "textFade whose Japanese text is the catalog's default",
            rect: hd,
            cue: json!({"time": 0, "action": "showOpening"}),
            times: vec![0, 1000, 2500, 4900],
        },
        Case {
            name: "textFade: the show's Japanese action and text, a small stage (size clamped)",
            rect: [0.0, 0.0, 120.0, 67.5],
            cue: json!({"time": 0, "action": "歌詞", "duration": 3000}),
            times: vec![0, 1500],
        },
        Case {
            name: "textFade on a tall stage (size clamped to 64)",
            rect: [0.0, 0.0, 1920.0, 1080.0],
            cue: json!({"time": 0, "action": "discChange", "params": {"text": "ディスク 2 へ"}}),
            times: vec![1500],
        },
        Case {
            name: "an action without an entry shows a white marker with its name",
            rect: hd,
            cue: json!({"time": 100, "action": "未登録の合図"}),
            times: vec![100, 600, 1100, 1101],
        },
    ]
}

fn effects_vectors() -> Value {
    let catalog = show_catalog();
    let cases: Vec<Value> = effect_cases()
        .into_iter()
        .map(|c| {
            let cue = cue_from(&c.cue);
            let [x, y, w, h] = c.rect;
            let rect = Rect::from_min_size(Pos2::new(x, y), Vec2::new(w, h));
            let states: Vec<Value> = c
                .times
                .iter()
                .map(|&t| {
                    json!({
                        "showTime": t,
                        "state": preview::cue_state(&cue, &catalog, rect, t).map(|s| state_json(&s)),
                    })
                })
                .collect();
            json!({
                "name": c.name,
                "rect": [num(x), num(y), num(w), num(h)],
                "cue": c.cue,
                "states": states,
            })
        })
        .collect();

    let seeds = [0u64, 1, 7, 42, 2026, 0xdead_beef, 1 << 53, u64::MAX];
    let rand: Vec<Value> = seeds
        .iter()
        .flat_map(|&seed| {
            [0u64, 1, 2, 500, 1000, 3119].map(|n| {
                json!({ "seed": seed.to_string(), "n": n, "value": num(preview::rand01(seed, n)) })
            })
        })
        .collect();
    let no_params = Map::new();
    let hashed: Vec<Value> = [
        (0i64, "showOpening"),
        (839, "fireworks"),
        (12345, "星降る夜"),
        (3_600_000, "花火"),
        (1, ""),
    ]
    .iter()
    .map(|&(time, action)| {
        json!({
            "time": time,
            "action": action,
            "seed": preview::seed_from(time, action, &no_params).to_string(),
        })
    })
    .collect();

    json!({
        "about": "Generated by tests/web_vectors.rs from src/preview (UPDATE_VECTORS=1 cargo test --test web_vectors). Numbers are the Rust f32 values; JS computes in f64 and compares with a tolerance.",
        "catalog": catalog.to_json(),
        "defaultTolerance": catalog.default_tolerance,
        "rand": rand,
        "seeds": hashed,
        "cases": cases,
    })
}

#[test]
fn effects_vectors_match_the_preview() {
    write_or_check("effects.json", &effects_vectors());
}

// ---------------------------------------------------------------------------------------
// Clock

/// A deterministic generator for the simulated network (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Exponential with this mean, in µs.
    fn exp_us(&mut self, mean_ms: f64) -> i64 {
        (-(1.0 - self.next_f64()).ln() * mean_ms * 1000.0) as i64
    }
}

/// A simulated viewer: local monotonic and wall clocks and a server clock, all in µs, with
/// the server running `ppm` fast and optionally stepped.
struct World {
    /// Local monotonic µs; in a browser `performance.timeOrigin + performance.now()`, so it
    /// starts near the Unix time.
    mono_us: i64,
    /// Local wall µs minus monotonic µs.
    wall_minus_mono_us: i64,
    /// Server µs at mono 0 …
    server_base_us: i64,
    /// … running this fast against the monotonic clock.
    ppm: i64,
    rng: Rng,
    floor_ms: f64,
    tail_ms: f64,
    /// Within the estimator's assumptions (drift within DRIFT_PPM, no server step), so its
    /// bound must hold; checked as the vectors are made.
    honest: bool,
}

impl World {
    fn new(seed: u64, offset_ms: i64, ppm: i64) -> Self {
        let mono_us = 1_767_225_600_000_000; // 2026-01-01
        Self {
            mono_us,
            wall_minus_mono_us: 1_234_567,
            server_base_us: offset_ms * 1000,
            ppm,
            rng: Rng(seed),
            floor_ms: 20.0,
            tail_ms: 40.0,
            honest: ppm.abs() <= estimator::DRIFT_PPM,
        }
    }

    fn server_us(&self, mono_us: i64) -> i64 {
        mono_us + self.server_base_us + (mono_us - 1_767_225_600_000_000) * self.ppm / 1_000_000
    }

    fn mono_ms(&self) -> i64 {
        self.mono_us.div_euclid(1000)
    }

    fn wall_ms(&self) -> i64 {
        (self.mono_us + self.wall_minus_mono_us).div_euclid(1000)
    }

    fn wait_ms(&mut self, ms: i64) {
        self.mono_us += ms * 1000;
    }

    /// One round trip with random one-way delays (floor + exponential tail each way).
    fn sample(&mut self) -> Sample {
        let up = (self.floor_ms * 1000.0) as i64 + self.rng.exp_us(self.tail_ms);
        let down = (self.floor_ms * 1000.0) as i64 + self.rng.exp_us(self.tail_ms);
        self.sample_with(up, down)
    }

    fn sample_with(&mut self, up_us: i64, down_us: i64) -> Sample {
        let sent_mono = self.mono_ms();
        self.mono_us += up_us;
        let server_time = self.server_us(self.mono_us).div_euclid(1000);
        self.mono_us += down_us;
        Sample {
            sent_mono,
            recv_mono: self.mono_ms(),
            recv_wall: self.wall_ms(),
            server_time,
        }
    }
}

/// Records the operations on an estimator and what it answers.
struct Script {
    est: Estimator,
    ops: Vec<Value>,
}

impl Script {
    fn new() -> Self {
        Self {
            est: Estimator::new(),
            ops: Vec::new(),
        }
    }

    fn begin(&mut self) {
        self.est.begin_burst();
        self.ops.push(json!({"op": "begin"}));
    }

    fn end(&mut self) {
        self.est.end_burst();
        self.ops.push(json!({"op": "end"}));
    }

    fn add(&mut self, s: Sample) {
        self.est.add(s);
        self.ops.push(json!({
            "op": "add",
            "sentMono": s.sent_mono,
            "recvMono": s.recv_mono,
            "recvWall": s.recv_wall,
            "serverTime": s.server_time,
        }));
    }

    fn burst(&mut self, w: &mut World, n: usize) {
        self.begin();
        for _ in 0..n {
            let s = w.sample();
            self.add(s);
        }
        self.end();
    }

    /// What the estimator answers at this instant (and, when `truth` is given, the true
    /// server time, which the bound must cover).
    fn check(&mut self, mono: i64, wall: i64, truth: Option<i64>) {
        let e = self.est.estimate(mono, wall);
        let server_now = self.est.server_now(mono);
        if let (Some(e), Some(truth), Some(now)) = (e, truth, server_now) {
            assert!(
                (now - truth).abs() <= e.error_bound_ms + 1,
                "the bound holds: {now} vs {truth} ± {}",
                e.error_bound_ms
            );
        }
        self.ops.push(json!({
            "op": "check",
            "mono": mono,
            "wall": wall,
            "expect": {
                "serverNow": server_now,
                "offsetMs": e.map(|e| e.offset_ms),
                "errorBoundMs": e.map(|e| e.error_bound_ms),
                "rttMs": e.map(|e| e.rtt_ms),
                "ageMs": e.map(|e| e.age_ms),
                "resyncDue": self.est.resync_due(mono),
                "stale": self.est.is_stale(mono),
                "clockStepMs": self.est.clock_step_ms(mono, wall),
                "wallStepMs": self.est.wall_step_ms(mono, wall),
            },
        }));
    }

    fn check_world(&mut self, w: &World) {
        let truth = w.server_us(w.mono_us).div_euclid(1000);
        self.check(w.mono_ms(), w.wall_ms(), w.honest.then_some(truth));
    }

    fn into_case(self, name: &str) -> Value {
        json!({ "name": name, "ops": self.ops })
    }
}

fn clock_cases() -> Vec<Value> {
    let mut cases = Vec::new();

    // Nothing yet.
    let mut s = Script::new();
    s.check(1_000, 1_000, None);
    cases.push(s.into_case("no sample yet"));

    // A burst of 8 over 20 ms + Exp(40 ms) each way, then time passes.
    let mut w = World::new(1, 5_000, 0);
    let mut s = Script::new();
    s.burst(&mut w, estimator::BURST);
    s.check_world(&w);
    w.wait_ms(1_000);
    s.check_world(&w);
    w.wait_ms(60_000);
    s.check_world(&w);
    w.wait_ms(estimator::RESYNC_MS);
    s.check_world(&w);
    cases.push(s.into_case("burst of 8, symmetric random delays"));

    // Each sample's best leg: one quick request, one quick reply.
    let mut w = World::new(2, -7_000, 0);
    let mut s = Script::new();
    s.begin();
    let a = w.sample_with(2_000, 98_000);
    s.add(a);
    w.wait_ms(100);
    let b = w.sample_with(98_000, 2_000);
    s.add(b);
    s.end();
    s.check_world(&w);
    cases.push(s.into_case("the intersection combines the best leg of each sample"));

    // The server clock steps by 2 s in the middle of a burst: the newest samples win.
    let mut w = World::new(3, 0, 0);
    let mut s = Script::new();
    s.begin();
    for _ in 0..4 {
        let x = w.sample();
        s.add(x);
    }
    w.server_base_us += 2_000_000;
    w.honest = false;
    for _ in 0..4 {
        let x = w.sample();
        s.add(x);
    }
    s.check_world(&w);
    s.end();
    w.honest = true;
    s.check_world(&w);
    cases.push(s.into_case("server clock steps mid-burst: newest win"));

    // Polls every 5 s for 10 minutes with the server 150 ppm fast (within DRIFT_PPM).
    let mut w = World::new(4, 123_456, 150);
    let mut s = Script::new();
    s.burst(&mut w, estimator::BURST);
    for i in 0..120 {
        w.wait_ms(5_000);
        let x = w.sample();
        s.add(x);
        if i % 10 == 9 {
            s.check_world(&w);
        }
    }
    cases.push(s.into_case("polls with the server drifting 150 ppm"));

    // The server 3000 ppm fast, far beyond the assumption: polls contradict the anchor,
    // replace it and ask for a resync.
    let mut w = World::new(5, -42, 3_000);
    w.floor_ms = 2.0;
    w.tail_ms = 3.0;
    let mut s = Script::new();
    s.burst(&mut w, estimator::BURST);
    for i in 0..40 {
        w.wait_ms(5_000);
        let x = w.sample();
        s.add(x);
        if i % 4 == 3 {
            s.check_world(&w);
        }
        if s.est.resync_due(w.mono_ms()) {
            s.burst(&mut w, estimator::BURST);
            s.check_world(&w);
        }
    }
    cases.push(s.into_case("a server drifting 3000 ppm contradicts and resyncs"));

    // The local wall clock steps 30 s ahead between polls: server time does not move, the
    // offset does, and the step is seen.
    let mut w = World::new(6, 1_000, 0);
    let mut s = Script::new();
    s.burst(&mut w, estimator::BURST);
    w.wait_ms(2_000);
    s.check_world(&w);
    w.wall_minus_mono_us += 30_000_000;
    s.check_world(&w);
    w.wait_ms(500);
    w.wall_minus_mono_us -= 31_000_000;
    s.check_world(&w);
    w.wall_minus_mono_us += 1_000_000;
    w.wall_minus_mono_us += 999_000;
    s.check_world(&w);
    s.burst(&mut w, estimator::BURST);
    s.check_world(&w);
    cases.push(s.into_case("wall clock steps between samples"));

    // Loopback: sent and received in the same ms.
    let mut s = Script::new();
    s.add(Sample {
        sent_mono: 1_767_225_600_050,
        recv_mono: 1_767_225_600_050,
        recv_wall: 1_767_225_600_050,
        server_time: 1_767_225_600_050,
    });
    s.check(1_767_225_600_050, 1_767_225_600_050, None);
    cases.push(s.into_case("loopback, zero round trip"));

    // One sample, then silence: the bound grows at 200 ppm and the estimate goes stale.
    let mut w = World::new(7, 250, 0);
    let mut s = Script::new();
    let x = w.sample();
    s.add(x);
    s.check_world(&w);
    w.wait_ms(estimator::STALE_MS);
    s.check_world(&w);
    w.wait_ms(1);
    s.check_world(&w);
    w.wait_ms(600_000);
    s.check_world(&w);
    cases.push(s.into_case("one sample ageing"));

    // Polls replace the anchor only when tighter; a slow poll leaves it.
    let mut w = World::new(8, 0, 0);
    let mut s = Script::new();
    s.add(w.sample_with(10_000, 10_000));
    s.end();
    w.wait_ms(1_000);
    s.add(w.sample_with(200_000, 200_000));
    s.check_world(&w);
    w.wait_ms(1_000);
    s.add(w.sample_with(3_000, 4_000));
    s.check_world(&w);
    cases.push(s.into_case("polls tighten the anchor"));

    // A burst in which every sample but the first failed (end with one sample), and an
    // empty burst (all failed), which keeps the old anchor.
    let mut w = World::new(9, 77, 0);
    let mut s = Script::new();
    s.begin();
    let x = w.sample();
    s.add(x);
    s.end();
    s.check_world(&w);
    w.wait_ms(3_000);
    s.begin();
    s.end();
    s.check_world(&w);
    cases.push(s.into_case("short and empty bursts"));

    // Random worlds: offsets, drifts within the assumption and delays of every size.
    let mut r = Rng(10);
    for k in 0..6 {
        let offset = ((r.next_f64() - 0.5) * 2e8) as i64;
        let ppm = ((r.next_f64() - 0.5) * 400.0) as i64;
        let mut w = World::new(100 + k, offset, ppm);
        w.floor_ms = 1.0 + r.next_f64() * 60.0;
        w.tail_ms = 1.0 + r.next_f64() * 100.0;
        let mut s = Script::new();
        s.burst(&mut w, estimator::BURST);
        s.check_world(&w);
        for _ in 0..10 {
            w.wait_ms((r.next_f64() * 8_000.0) as i64);
            let x = w.sample();
            s.add(x);
            s.check_world(&w);
        }
        s.burst(&mut w, 3);
        s.check_world(&w);
        cases.push(s.into_case(&format!("random world {k}")));
    }
    cases
}

fn clock_vectors() -> Value {
    let backoff: Vec<Value> = (1u32..=9)
        .flat_map(|failures| {
            [0.0, 0.25, 0.5, 0.999].map(|jitter| {
                json!({
                    "failures": failures,
                    "jitter": jitter,
                    "ms": timesync::policy::backoff_ms(failures, jitter),
                })
            })
        })
        .collect();
    json!({
        "about": "Generated by tests/web_vectors.rs from timesync::Estimator (UPDATE_VECTORS=1 cargo test --test web_vectors). Replay the ops in order; each check lists what the estimator answers.",
        "constants": {
            "DRIFT_PPM": estimator::DRIFT_PPM,
            "RESYNC_MS": estimator::RESYNC_MS,
            "BURST": estimator::BURST,
            "STALE_MS": estimator::STALE_MS,
            "CLOCK_STEP_MS": estimator::CLOCK_STEP_MS,
        },
        "backoff": backoff,
        "cases": clock_cases(),
    })
}

#[test]
fn clock_vectors_match_the_estimator() {
    write_or_check("clock.json", &clock_vectors());
}
