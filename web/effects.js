// The built-in effects, as the editor's stage previews them (src/preview/mod.rs).
//
// `cueState(cue, catalog, rect, showTime)` is the pure part: what a cue shows at a show
// time, in stage pixels, with the same shape as the Rust `CueState` that
// tests/web_vectors.rs writes to web/test/vectors/effects.json (JS computes in f64 where
// Rust uses f32: the tests compare with a tolerance). `drawState` paints it on a canvas
// 2D context; `EffectLayer` keeps the fired cues and draws those active at show time on
// one canvas over the page's video (transparent where nothing shows), in cue order as the
// stage does, with every colour wash and flash composed into one fill (`compose`).

const TAU = 2 * Math.PI;
export const PARTICLE_COUNT = 120;
export const SPARK_COUNT = 48;
export const STROKE_WIDTH = 2;
export const MARKER_LABEL_SIZE = 12;
export const DEFAULT_COLOR = "#c0c0c0";
const DEFAULT_DURATION = { colorWash: 3000, particles: 5000, textFade: 3000, burst: 1500, flash: 300, marker: 1000 };
const KINDS = new Set(Object.keys(DEFAULT_DURATION));
const WHITE = [255, 255, 255];
const GRAY = [160, 160, 160];

const own = (o, k) => (o && typeof o === "object" && Object.hasOwn(o, k) ? o[k] : undefined);
const isNum = (v) => typeof v === "number" && Number.isFinite(v);
const clamp = (x, lo, hi) => Math.min(Math.max(x, lo), hi);

const U64 = (x) => BigInt.asUintN(64, x);
const utf8 = new TextEncoder();

/** SplitMix64: the n-th value for a 64-bit seed (BigInt), in [0, 1), 24 bits. */
export function rand01(seed, n) {
  let z = U64(seed + BigInt(n) * 0x9e3779b97f4a7c15n);
  z = U64((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = U64((z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  z ^= z >> 31n;
  return Number(z >> 40n) / 16777216;
}

/** `params.seed` (a whole number ≥ 0, exact up to 2^53), else FNV-1a over the action's
 *  UTF-8 bytes from the offset basis XOR the cue time. A BigInt. */
export function seedFrom(time, action, params) {
  const s = own(params, "seed");
  if (typeof s === "bigint" && s >= 0n && s < 1n << 64n) return s;
  if (Number.isSafeInteger(s) && s >= 0) return BigInt(s);
  let h = 0xcbf29ce484222325n ^ U64(BigInt(Math.trunc(time)));
  for (const b of utf8.encode(action)) h = U64((h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}

/** `#rrggbb` (leading #s ignored) → [r, g, b]; anything else is grey, as in the editor. */
export function colorFromHex(hex) {
  const h = hex.replace(/^#+/, "");
  return h.length === 6 && /^\+?[0-9a-f]+$/i.test(h) ? ((v) => [(v >> 16) & 255, (v >> 8) & 255, v & 255])(parseInt(h, 16)) : GRAY;
}

/** Fades in over the first fifth and out over the last fifth. */
export const envelope = (t) => clamp(Math.min(t / 0.2, (1 - t) / 0.2), 0, 1);

// The time-independent draws of a seed, computed once (BigInt is slow).
const cache = new Map();
function draws(kind, seed) {
  const key = kind + seed;
  let d = cache.get(key);
  if (d) return d;
  if (cache.size > 512) cache.clear();
  const r = (n) => rand01(seed, n);
  if (kind === "particles") {
    d = [];
    for (let i = 0; i < PARTICLE_COUNT; i++) d.push([r(i), 0.6 + 0.8 * r(i + 1000), r(i + 2000), 1 + 2 * r(i + 3000)]);
  } else {
    d = { cx: 0.25 + 0.5 * r(1), cy: 0.25 + 0.3 * r(2), sparks: [] };
    for (let i = 0; i < SPARK_COUNT; i++) d.sparks.push([(i / SPARK_COUNT) * TAU + r(i) * 0.2, 0.7 + 0.3 * r(i + 500)]);
  }
  cache.set(key, d);
  return d;
}

function particles(rect, elapsed, t, seed) {
  const dots = draws("particles", seed).map(([u, speed, phase, size]) => {
    const v = (elapsed / 4000) * speed + phase;
    return [rect.x + u * rect.w, rect.y + (v - Math.trunc(v)) * rect.h, size * Math.max(rect.h / 360, 0.4)];
  });
  return { opacity: envelope(t), dots };
}

function burst(rect, t, seed) {
  const d = draws("burst", seed);
  const cx = rect.x + rect.w * d.cx;
  const cy = rect.y + rect.h * d.cy;
  const reach = Math.min(rect.h, rect.w) * 0.45;
  const sink = reach * 0.2 * t * t;
  const sparks = d.sparks.map(([angle, f]) => {
    const dist = reach * Math.sqrt(t) * f;
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    return [cx + dx * dist * 0.75, cy + dy * dist * 0.75 + sink, cx + dx * dist, cy + dy * dist + sink];
  });
  return { opacity: clamp(1 - t, 0, 1), center: [cx, cy], sparks, core: t < 0.15 ? [reach * 0.08, 1 - t / 0.15] : null };
}

/** The catalog entry's params with the cue's own merged over them. */
export function effectiveParams(cue, catalog) {
  const base = own(own(catalog, cue.action), "params");
  return { ...(base && typeof base === "object" ? base : {}), ...(cue.params && typeof cue.params === "object" ? cue.params : {}) };
}

const kindOf = (entry) => (entry ? (KINDS.has(entry.kind) ? entry.kind : "marker") : "marker");
const durationOf = (cue, entry, kind) => Math.max([cue.duration, own(entry, "duration"), DEFAULT_DURATION[kind]].find(isNum), 1);

/** How long `cue`'s built-in effect shows (ms): it is active while 0 ≤ show time − cue.time ≤ this. */
export function cueDuration(cue, catalog) {
  const entry = own(catalog, cue.action);
  return durationOf(cue, entry, kindOf(entry));
}

/**
 * What `cue` shows at `showTime` on a stage `rect` ({ x, y, w, h }): `{ kind, color,
 * elapsedMs, durationMs, t, text, effect }`, or null before the cue and after its duration.
 */
export function cueState(cue, catalog, rect, showTime) {
  const entry = own(catalog, cue.action);
  const kind = kindOf(entry);
  const duration = durationOf(cue, entry, kind);
  const elapsed = showTime - cue.time;
  if (!(elapsed >= 0 && elapsed <= duration)) return null;
  const params = effectiveParams(cue, catalog);
  const hex = typeof params.color === "string" ? params.color : entry ? (typeof entry.color === "string" ? entry.color : DEFAULT_COLOR) : null;
  const color = hex === null ? WHITE : colorFromHex(hex);
  const t = elapsed / duration;
  let text = "";
  let effect;
  if (kind === "colorWash") effect = { opacity: envelope(t) * 0.7 };
  else if (kind === "flash") effect = { opacity: clamp(1 - t, 0, 1) };
  else if (kind === "particles") effect = particles(rect, elapsed, t, seedFrom(cue.time, cue.action, params));
  else if (kind === "burst") effect = burst(rect, t, seedFrom(cue.time, cue.action, params));
  else if (kind === "textFade") {
    text = typeof params.text === "string" ? params.text : cue.action;
    effect = { opacity: envelope(t), size: clamp(rect.h * 0.12, 10, 64), center: [rect.x + rect.w / 2, rect.y + rect.h / 2] };
  } else {
    text = cue.action;
    const radius = Math.min(rect.h, rect.w) * (0.05 + 0.1 * t);
    const center = [rect.x + rect.w / 2, rect.y + rect.h - rect.h * 0.2];
    effect = { opacity: clamp(1 - t, 0, 1), center, radius, labelAnchor: [center[0], center[1] - radius - 4] };
  }
  return { kind, color, elapsedMs: elapsed, durationMs: duration, t, text, effect };
}

const rgba = ([r, g, b], a) => `rgba(${r},${g},${b},${a})`;
export const FONT = 'system-ui, "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", sans-serif';
const isFill = (s) => s.kind === "colorWash" || s.kind === "flash";

/**
 * Paints one state on a canvas 2D context. `tint` (optional) maps each colour it paints
 * ([r, g, b], opaque) to another, with the same alpha: `EffectLayer` passes the colour
 * washes and flashes above the state (see `compose`).
 */
export function drawState(ctx, rect, s, tint = null) {
  const e = s.effect;
  const color = tint ? tint(s.color) : s.color;
  if (isFill(s)) {
    ctx.fillStyle = rgba(color, e.opacity);
    ctx.fillRect(rect.x, rect.y, rect.w, rect.h);
  } else if (s.kind === "particles") {
    ctx.fillStyle = rgba(color, e.opacity);
    ctx.beginPath();
    for (const [x, y, r] of e.dots) {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, TAU);
    }
    ctx.fill();
  } else if (s.kind === "burst") {
    ctx.strokeStyle = rgba(color, e.opacity);
    ctx.lineWidth = STROKE_WIDTH;
    ctx.beginPath();
    for (const [tx, ty, hx, hy] of e.sparks) {
      ctx.moveTo(tx, ty);
      ctx.lineTo(hx, hy);
    }
    ctx.stroke();
    if (e.core) {
      ctx.fillStyle = rgba(tint ? tint(WHITE) : WHITE, e.core[1]);
      ctx.beginPath();
      ctx.arc(e.center[0], e.center[1], e.core[0], 0, TAU);
      ctx.fill();
    }
  } else if (s.kind === "textFade") {
    ctx.fillStyle = rgba(color, e.opacity);
    ctx.font = `${e.size}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(s.text, e.center[0], e.center[1]);
  } else {
    ctx.strokeStyle = ctx.fillStyle = rgba(color, e.opacity);
    ctx.lineWidth = STROKE_WIDTH;
    ctx.beginPath();
    ctx.arc(e.center[0], e.center[1], e.radius, 0, TAU);
    ctx.stroke();
    ctx.font = `${MARKER_LABEL_SIZE}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(s.text, e.labelAnchor[0], e.labelAnchor[1]);
  }
}

/**
 * How to paint `states` (cue order, later on top, each drawn source-over) with one
 * full-stage fill instead of one per colour wash and flash, with the same result:
 * `{ fill, layers }`, where `fill` is `[r, g, b, a]` (straight, 0–255 and 0–1) or null, and
 * `layers` the other states in cue order, each `{ state, tint }`: paint `fill` over a
 * cleared canvas, then each layer with `drawState(ctx, rect, state, tint)`.
 *
 * Why it is the same picture: in premultiplied colour, painting a uniform colour U (alpha
 * u) over x gives U + (1 − u)·x, an affine map, and the stack of uniform layers above any
 * point of the order is one such map f(x) = F + k·x. Every other layer paints one colour c
 * (opaque) at alpha α (its opacity times the pixel's coverage): x ↦ x + α·(c − x), an affine
 * combination, which affine maps preserve, so f(x + α(c − x)) = f(x) + α(f(c) − f(x)): the
 * layer painted with the colour f(c) (opaque again, since F's alpha + k = 1) and its own
 * alpha, over what f makes of the layers under it. Applied from the top down, every uniform
 * layer ends up in one fill at the bottom (f of a transparent canvas), and each other layer
 * is tinted by the uniform layers above it. Exact up to the canvas's 8-bit rounding (it
 * rounds once instead of once per layer).
 */
export function compose(states) {
  // f(x) = F + k·x, F premultiplied: what the uniform layers above make of a colour x.
  let fr = 0;
  let fg = 0;
  let fb = 0;
  let fa = 0;
  let k = 1;
  const layers = [];
  for (let i = states.length - 1; i >= 0 && k > 0; i--) {
    const s = states[i];
    if (isFill(s)) {
      const o = s.effect.opacity;
      if (!(o > 0)) continue;
      const w = k * o;
      fr += w * s.color[0];
      fg += w * s.color[1];
      fb += w * s.color[2];
      fa += w;
      k *= 1 - o;
    } else if (k === 1) layers.push({ state: s, tint: null });
    else {
      const [r, g, b, kk] = [fr, fg, fb, k];
      layers.push({ state: s, tint: (c) => [r + kk * c[0], g + kk * c[1], b + kk * c[2]] });
    }
  }
  layers.reverse();
  const unit = (x) => clamp(x / fa, 0, 255);
  return { fill: fa > 0 ? [unit(fr), unit(fg), unit(fb), Math.min(fa, 1)] : null, layers };
}

/** The size to draw `canvas` at: its CSS box (`w`, `h`) and backing store (`bw`, `bh`) at
 *  devicePixelRatio (`scale`), lowered to at most `maxPixels` device pixels. */
export function canvasBox(canvas, maxPixels = Infinity, dpr = globalThis.devicePixelRatio) {
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  let scale = dpr || 1;
  if (maxPixels > 0 && w * h * scale * scale > maxPixels) scale = Math.sqrt(maxPixels / (w * h));
  return { w, h, bw: Math.round(w * scale), bh: Math.round(h * scale), scale };
}

// A transparent canvas over the page. Not `desynchronized: true`: in Chromium without a
// GPU it only moves the canvas's rasterisation from the commit to another task on the same
// main thread (BENCHMARKS.md), and it allows tearing.
const CONTEXT = { alpha: true };

/**
 * The fired cues' effects on one canvas, drawn at show time on every frame that changes
 * something. `maxPixels`: a cap on the canvas's backing store (width × height in device
 * pixels, default none); above it the resolution is lowered and the browser scales the
 * canvas up to its CSS box.
 */
export class EffectLayer {
  constructor(canvas, catalog, { maxPixels = Infinity } = {}) {
    this.canvas = canvas;
    this.ctx = canvas?.getContext("2d", CONTEXT) ?? null;
    this.catalog = catalog;
    this.maxPixels = maxPixels;
    this.active = [];
    // What the canvas shows: null (unknown: clear it once), "blank", or the show time painted.
    this.shown = null;
  }

  /** A cue fired: its built-in effect shows from its time for its duration. */
  add(cue) {
    this.active.push(cue);
    if (this.shown !== "blank") this.shown = null;
  }

  /** Sizes the backing store to `box` (see `canvasBox`); returns the scale (device pixels
   *  per CSS pixel) and the stage in CSS pixels. */
  _size(box) {
    const { canvas } = this;
    const { w, h, bw, bh, scale } = box;
    if (canvas.width !== bw || canvas.height !== bh) {
      canvas.width = bw; // clears it
      canvas.height = bh;
      this.shown = "blank";
    }
    return { sx: w ? bw / w : scale, sy: h ? bh / h : scale, w, h };
  }

  /** Draws the effects active at `showTime` (cue order, later on top); forgets ended ones.
   *  Leaves the canvas alone when nothing changed since the last frame (nothing active, or
   *  the same show time: paused). `box`: the canvas's size (`canvasBox`), measured here
   *  unless given (a worker, whose OffscreenCanvas has no CSS box, is sent it). */
  draw(showTime, box = canvasBox(this.canvas, this.maxPixels)) {
    const { ctx } = this;
    if (!ctx) return;
    const { sx, sy, w, h } = this._size(box);
    const rect = { x: 0, y: 0, w, h };
    const states = [];
    if (showTime !== null) {
      this.active = this.active.filter((cue) => {
        const s = cueState(cue, this.catalog, rect, showTime);
        if (s) states.push(s);
        // Keep cues not started yet (fired up to half a frame early) and running ones.
        return s !== null || showTime < cue.time;
      });
    }
    if (states.length === 0) {
      if (this.shown !== "blank") {
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
        this.shown = "blank";
      }
      return;
    }
    if (this.shown === showTime) return;
    this.shown = showTime;
    ctx.setTransform(sx, 0, 0, sy, 0, 0);
    const { fill, layers } = compose(states);
    ctx.clearRect(0, 0, w, h);
    if (fill) {
      ctx.fillStyle = rgba(fill, fill[3]);
      ctx.fillRect(0, 0, w, h);
    }
    for (const { state, tint } of layers) drawState(ctx, rect, state, tint);
  }
}
