// Effect parity: the JS effects against the states the Rust preview computes
// (web/test/vectors/effects.json, written by tests/web_vectors.rs from src/preview). Rust
// computes in f32 and JS in f64, so numbers are compared with a tolerance far below a
// pixel; everything else (kind, colour, text, durations, which cues show) exactly.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { cueState, rand01, seedFrom, colorFromHex, drawState, compose, EffectLayer, PARTICLE_COUNT, SPARK_COUNT } from "../effects.js";

const vectors = JSON.parse(readFileSync(new URL("./vectors/effects.json", import.meta.url)));
const f32 = Math.fround;

test("the generator is SplitMix64, bit for bit", () => {
  assert.ok(vectors.rand.length >= 40);
  for (const r of vectors.rand) assert.equal(f32(rand01(BigInt(r.seed), r.n)), f32(r.value), JSON.stringify(r));
});

test("seeds hashed from time and (Japanese) action are the editor's", () => {
  for (const s of vectors.seeds) assert.equal(seedFrom(s.time, s.action, {}).toString(), s.seed, JSON.stringify(s));
  assert.equal(seedFrom(5, "x", { seed: 7 }), 7n);
  assert.equal(seedFrom(5, "x", { seed: -1 }), seedFrom(5, "x", {}), "not a u64: hashed");
  assert.equal(seedFrom(5, "x", { seed: "7" }), seedFrom(5, "x", {}), "a string is not a seed");
});

test("colours", () => {
  assert.deepEqual(colorFromHex("#3050ff"), [48, 80, 255]);
  assert.deepEqual(colorFromHex("##ABCDEF"), [171, 205, 239]);
  assert.deepEqual(colorFromHex("red"), [160, 160, 160]);
  assert.deepEqual(colorFromHex("#12345"), [160, 160, 160]);
});

/** Numbers within `tol(path)`; everything else exact. Returns the first difference. */
function diff(got, want, tol, path = "") {
  if (typeof want === "number") {
    if (typeof got !== "number") return `${path}: ${got} vs ${want}`;
    return Math.abs(got - want) <= tol(path, want) ? null : `${path}: ${got} vs ${want}`;
  }
  if (want === null || typeof want !== "object") return Object.is(got, want) ? null : `${path}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`;
  if (got === null || typeof got !== "object") return `${path}: ${JSON.stringify(got)} vs an object`;
  const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
  for (const k of keys) {
    if (!(k in want) || !(k in got)) return `${path}.${k}: present on one side only`;
    const d = diff(got[k], want[k], tol, `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

/** f32 rounding over a few operations: 1e-5 of the stage size for positions and sizes,
 *  1e-6 for opacities and t; integers exact. */
function tolerance(rect) {
  const size = Math.max(rect[2], rect[3]);
  return (path) => {
    if (/\.(color|elapsedMs|durationMs)/.test(path)) return 0;
    if (/\.(opacity|t)$|\.core\.1$/.test(path)) return 1e-6;
    return 1e-5 * size;
  };
}

/** Particles wrap round the stage: y near the top in one and near the bottom in the other is the same particle. */
function unwrap(got, want, rect) {
  if (got?.kind !== "particles" || want?.kind !== "particles") return got;
  const dots = got.effect.dots.map((d, i) => {
    const dy = d[1] - want.effect.dots[i][1];
    return Math.abs(Math.abs(dy) - rect[3]) < 1e-3 ? [d[0], d[1] - Math.sign(dy) * rect[3], d[2]] : d;
  });
  return { ...got, effect: { ...got.effect, dots } };
}

for (const c of vectors.cases) {
  test(`effect vectors: ${c.name}`, () => {
    const [x, y, w, h] = c.rect;
    for (const { showTime, state } of c.states) {
      const got = cueState(c.cue, vectors.catalog, { x, y, w, h }, showTime);
      const d = diff(unwrap(got, state, c.rect), state, tolerance(c.rect), `@${showTime}`);
      assert.equal(d, null);
    }
  });
}

test("the vectors cover every kind, Japanese text, and before/after a cue", () => {
  const all = vectors.cases.flatMap((c) => c.states.map((s) => s.state));
  const kinds = new Set(all.filter(Boolean).map((s) => s.kind));
  assert.deepEqual([...kinds].sort(), ["burst", "colorWash", "flash", "marker", "particles", "textFade"]);
  assert.ok(all.some((s) => s === null));
  assert.ok(all.some((s) => s && /[\u3040-\u30ff]/.test(s.text)));
  assert.ok(all.some((s) => s?.kind === "particles" && s.effect.dots.length === PARTICLE_COUNT));
  assert.ok(all.some((s) => s?.kind === "burst" && s.effect.sparks.length === SPARK_COUNT && s.effect.core));
});

test("the comparison can fail: a tenth of a pixel, a colour, a text", () => {
  const c = vectors.cases.find((x) => x.cue.action === "showParticles");
  const s = c.states[1];
  const [x, y, w, h] = c.rect;
  const got = cueState(c.cue, vectors.catalog, { x, y, w, h }, s.showTime);
  const moved = structuredClone(got);
  moved.effect.dots[17][0] += 0.1;
  assert.notEqual(diff(moved, s.state, tolerance(c.rect)), null);
  const recoloured = { ...got, color: [255, 215, 1] };
  assert.notEqual(diff(recoloured, s.state, tolerance(c.rect)), null);
  const t = vectors.cases.find((x) => x.cue.action === "showOpening");
  const ts = t.states[1];
  const text = cueState({ ...t.cue, params: { text: "ようこそ!" } }, vectors.catalog, { x: 0, y: 0, w: 640, h: 360 }, ts.showTime);
  assert.notEqual(diff(text, ts.state, tolerance(t.rect)), null);
});

/** A canvas 2D context that records what is drawn. */
function recorder() {
  const calls = [];
  const ctx = new Proxy(
    { calls },
    {
      get: (o, k) => (k in o ? o[k] : (...a) => calls.push([k, ...a])),
      set: (o, k, v) => (calls.push([`=${String(k)}`, v]), true),
    },
  );
  return { ctx, calls };
}

test("drawing: one path of 120 circles for particles, sparks as one stroked path, text centred", () => {
  const rect = { x: 0, y: 0, w: 640, h: 360 };
  const catalog = vectors.catalog;
  let { ctx, calls } = recorder();
  drawState(ctx, rect, cueState({ time: 0, action: "showParticles", params: { seed: 7 } }, catalog, rect, 1000));
  assert.equal(calls.filter((c) => c[0] === "arc").length, PARTICLE_COUNT);
  assert.deepEqual(calls.find((c) => c[0] === "=fillStyle"), ["=fillStyle", "rgba(255,215,0,1)"]);
  assert.equal(calls.filter((c) => c[0] === "fill").length, 1);
  ({ ctx, calls } = recorder());
  drawState(ctx, rect, cueState({ time: 0, action: "fireworks", params: { seed: 3 } }, catalog, rect, 100));
  assert.equal(calls.filter((c) => c[0] === "lineTo").length, SPARK_COUNT);
  assert.equal(calls.filter((c) => c[0] === "stroke").length, 1);
  assert.equal(calls.filter((c) => c[0] === "arc").length, 1, "the core");
  ({ ctx, calls } = recorder());
  drawState(ctx, rect, cueState({ time: 0, action: "fireworks", params: { seed: 3 } }, catalog, rect, 100), (c) => c.map((x) => x / 2));
  assert.deepEqual(calls.filter((c) => c[0] === "=fillStyle").map((c) => c[1]), [`rgba(127.5,127.5,127.5,${1 - 100 / 1500 / 0.15})`], "a tint colours the white core too");
  ({ ctx, calls } = recorder());
  drawState(ctx, rect, cueState({ time: 0, action: "showOpening" }, catalog, rect, 2000));
  assert.deepEqual(calls.find((c) => c[0] === "fillText"), ["fillText", "ようこそ", 320, 180]);
  assert.ok(calls.some((c) => c[0] === "=textAlign" && c[1] === "center"));
});

test("the layer draws fired cues while they last, and leaves the canvas alone when nothing changes", () => {
  const { ctx, calls } = recorder();
  const canvas = { clientWidth: 640, clientHeight: 360, width: 0, height: 0, getContext: () => ctx };
  const layer = new EffectLayer(canvas, vectors.catalog);
  const count = (name) => calls.filter((c) => c[0] === name).length;
  layer.add({ time: 1000, action: "flash", duration: 300 });
  layer.draw(990);
  assert.equal(canvas.width, 640);
  assert.equal(calls.length, 0, "sizing cleared it; not started yet: nothing to draw");
  assert.equal(layer.active.length, 1);
  layer.draw(1150);
  assert.equal(count("clearRect"), 1);
  assert.deepEqual(calls.filter((c) => c[0] === "fillRect").at(-1), ["fillRect", 0, 0, 640, 360]);
  const n = calls.length;
  layer.draw(1150);
  assert.equal(calls.length, n, "the same show time (paused): nothing redrawn");
  layer.draw(1160);
  assert.equal(count("fillRect"), 2);
  layer.draw(1301);
  assert.equal(layer.active.length, 0, "ended and forgotten");
  assert.equal(count("clearRect"), 3, "cleared once when the last effect ended");
  const m = calls.length;
  for (let t = 1310; t < 2000; t += 16) layer.draw(t);
  layer.draw(null);
  assert.equal(calls.length, m, "then left alone");
  layer.add({ time: 2000, action: "flash", duration: 300 });
  layer.draw(2010);
  assert.equal(count("fillRect"), 3, "a new effect draws again");
  canvas.clientWidth = 320;
  layer.draw(2010);
  assert.equal(canvas.width, 320, "resized (and so cleared): drawn again at the same show time");
  assert.equal(count("fillRect"), 4);
});

// Premultiplied source-over, per pixel: what the canvas does, without its 8-bit rounding.
const over = (dst, [r, g, b], a) => [r * a + dst[0] * (1 - a), g * a + dst[1] * (1 - a), b * a + dst[2] * (1 - a), a + dst[3] * (1 - a)];

test("colour washes and flashes composed into one fill give the same pixels as painting every layer in cue order", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const kinds = ["colorWash", "flash", "particles", "burst", "textFade", "marker"];
  const uniform = (k) => k === "colorWash" || k === "flash";
  for (let trial = 0; trial < 500; trial++) {
    const n = 1 + Math.floor(rnd() * 8);
    const states = Array.from({ length: n }, () => {
      const kind = kinds[Math.floor(rnd() * kinds.length)];
      const opacity = [0, 1, 0.7][Math.floor(rnd() * 6)] ?? rnd();
      return { kind, color: [0, 1, 2].map(() => Math.floor(rnd() * 256)), effect: { opacity } };
    });
    // A pixel that each non-uniform layer covers by some fraction (0: outside it, 1: inside).
    const cover = states.map((s) => (uniform(s.kind) ? 1 : [0, 1][Math.floor(rnd() * 3)] ?? rnd()));
    let want = [0, 0, 0, 0];
    states.forEach((s, i) => (want = over(want, s.color, s.effect.opacity * cover[i])));
    const { fill, layers } = compose(states);
    let got = fill ? over([0, 0, 0, 0], fill, fill[3]) : [0, 0, 0, 0];
    for (const { state, tint } of layers) got = over(got, tint ? tint(state.color) : state.color, state.effect.opacity * cover[states.indexOf(state)]);
    for (let c = 0; c < 4; c++) assert.ok(Math.abs(got[c] - want[c]) < 1e-9 * (c < 3 ? 255 : 1), `trial ${trial}: ${got} vs ${want} for ${JSON.stringify(states)} ${cover}`);
    assert.equal(layers.length, states.filter((s, i) => !uniform(s.kind) && states.slice(i + 1).every((u) => !uniform(u.kind) || u.effect.opacity < 1)).length);
  }
});

test("drawing a frame: one full-stage fill for every wash and flash, the others tinted by those above them", () => {
  const rect = { x: 0, y: 0, w: 640, h: 360 };
  const { ctx, calls } = recorder();
  const canvas = { clientWidth: 640, clientHeight: 360, width: 640, height: 360, getContext: () => ctx };
  const catalog = { ...vectors.catalog, wash: { kind: "colorWash", color: "#3050ff", duration: 10_000 }, fl: { kind: "flash", color: "#ffffff", duration: 10_000 } };
  const layer = new EffectLayer(canvas, catalog);
  for (const action of ["wash", "showParticles", "wash", "fireworks", "fl", "showOpening"]) layer.add({ time: 0, action, params: { seed: 5 } });
  layer.draw(1000);
  assert.deepEqual(calls.filter((c) => c[0] === "fillRect"), [["fillRect", 0, 0, 640, 360]]);
  assert.deepEqual(calls.find((c) => c[0] === "clearRect"), ["clearRect", 0, 0, 640, 360]);
  const styles = calls.filter((c) => c[0] === "=fillStyle" || c[0] === "=strokeStyle").map((c) => c[1]);
  assert.equal(styles.length, 4, "the fill, the particles, the sparks (the burst's core is over), the text");
  // The particles (gold, opacity 1) under a wash (0.7 × the envelope) and a flash.
  const s = layer.active.map((cue) => cueState(cue, catalog, rect, 1000));
  const { fill, layers } = compose(s);
  assert.equal(layers.length, 3);
  const f = s[4].effect.opacity;
  const w = s[2].effect.opacity;
  const tinted = [0, 1, 2].map((c) => f * 255 + (1 - f) * (w * [48, 80, 255][c] + (1 - w) * [255, 215, 0][c]));
  assert.deepEqual(layers[0].tint([255, 215, 0]).map((x) => Math.round(x * 1000) / 1000), tinted.map((x) => Math.round(x * 1000) / 1000));
  assert.equal(layers[2].tint, null, "the text is on top: as it is");
  assert.equal(styles[0], `rgba(${fill.join(",")})`);
});

test("an opaque flash on top hides everything under it: one fill, nothing else", () => {
  const { ctx, calls } = recorder();
  const canvas = { clientWidth: 640, clientHeight: 360, width: 640, height: 360, getContext: () => ctx };
  const layer = new EffectLayer(canvas, { ...vectors.catalog, fl: { kind: "flash", color: "#ffffff", duration: 300 } });
  for (const action of ["showParticles", "fireworks", "fl"]) layer.add({ time: 1000, action });
  layer.draw(1000);
  assert.deepEqual(calls.filter((c) => !c[0].startsWith("=")), [["setTransform", 1, 0, 0, 1, 0, 0], ["clearRect", 0, 0, 640, 360], ["fillRect", 0, 0, 640, 360]]);
});

test("maxPixels caps the backing store; drawing keeps CSS pixels", () => {
  const { ctx, calls } = recorder();
  const canvas = { clientWidth: 1920, clientHeight: 1080, width: 0, height: 0, getContext: () => ctx };
  const layer = new EffectLayer(canvas, vectors.catalog, { maxPixels: 960 * 540 });
  layer.add({ time: 0, action: "flash", duration: 300 });
  layer.draw(100);
  assert.deepEqual([canvas.width, canvas.height], [960, 540]);
  assert.deepEqual(calls.find((c) => c[0] === "setTransform"), ["setTransform", 0.5, 0, 0, 0.5, 0, 0]);
  assert.deepEqual(calls.find((c) => c[0] === "fillRect"), ["fillRect", 0, 0, 1920, 1080]);
});
