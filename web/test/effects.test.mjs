// Effect parity: the JS effects against the states the Rust preview computes
// (web/test/vectors/effects.json, written by tests/web_vectors.rs from src/preview). Rust
// computes in f32 and JS in f64, so numbers are compared with a tolerance far below a
// pixel; everything else (kind, colour, text, durations, which cues show) exactly.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { cueState, rand01, seedFrom, colorFromHex, drawState, EffectLayer, PARTICLE_COUNT, SPARK_COUNT } from "../effects.js";

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
  drawState(ctx, rect, cueState({ time: 0, action: "showOpening" }, catalog, rect, 2000));
  assert.deepEqual(calls.find((c) => c[0] === "fillText"), ["fillText", "ようこそ", 320, 180]);
  assert.ok(calls.some((c) => c[0] === "=textAlign" && c[1] === "center"));
});

test("the layer draws fired cues while they last, over a cleared (transparent) canvas", () => {
  const { ctx, calls } = recorder();
  const canvas = { clientWidth: 640, clientHeight: 360, width: 0, height: 0, getContext: () => ctx };
  const layer = new EffectLayer(canvas, vectors.catalog);
  layer.add({ time: 1000, action: "flash", duration: 300 });
  layer.draw(990);
  assert.equal(canvas.width, 640);
  assert.ok(calls.some((c) => c[0] === "clearRect"));
  assert.equal(calls.filter((c) => c[0] === "fillRect").length, 0, "not started yet");
  assert.equal(layer.active.length, 1);
  layer.draw(1150);
  assert.deepEqual(calls.filter((c) => c[0] === "fillRect").at(-1), ["fillRect", 0, 0, 640, 360]);
  layer.draw(1301);
  assert.equal(layer.active.length, 0, "ended and forgotten");
});
