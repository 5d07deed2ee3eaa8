// The built-in effects, as the editor's stage previews them (src/preview/mod.rs).
//
// `cueState(cue, catalog, rect, showTime)` is the pure part: what a cue shows at a show
// time, in stage pixels, with the same shape as the Rust `CueState` that
// tests/web_vectors.rs writes to web/test/vectors/effects.json (JS computes in f64 where
// Rust uses f32: the tests compare with a tolerance). `drawState` paints it on a canvas
// 2D context; `EffectLayer` keeps the fired cues and draws those active at show time,
// every frame, on one canvas over the page's video (transparent where nothing shows).

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

/**
 * What `cue` shows at `showTime` on a stage `rect` ({ x, y, w, h }): `{ kind, color,
 * elapsedMs, durationMs, t, text, effect }`, or null before the cue and after its duration.
 */
export function cueState(cue, catalog, rect, showTime) {
  const entry = own(catalog, cue.action);
  const kind = entry ? (KINDS.has(entry.kind) ? entry.kind : "marker") : "marker";
  const dur = [cue.duration, own(entry, "duration"), DEFAULT_DURATION[kind]].find(isNum);
  const duration = Math.max(dur, 1);
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

/** Paints one state on a canvas 2D context. */
export function drawState(ctx, rect, s) {
  const e = s.effect;
  if (s.kind === "colorWash" || s.kind === "flash") {
    ctx.fillStyle = rgba(s.color, e.opacity);
    ctx.fillRect(rect.x, rect.y, rect.w, rect.h);
  } else if (s.kind === "particles") {
    ctx.fillStyle = rgba(s.color, e.opacity);
    ctx.beginPath();
    for (const [x, y, r] of e.dots) {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, TAU);
    }
    ctx.fill();
  } else if (s.kind === "burst") {
    ctx.strokeStyle = rgba(s.color, e.opacity);
    ctx.lineWidth = STROKE_WIDTH;
    ctx.beginPath();
    for (const [tx, ty, hx, hy] of e.sparks) {
      ctx.moveTo(tx, ty);
      ctx.lineTo(hx, hy);
    }
    ctx.stroke();
    if (e.core) {
      ctx.fillStyle = rgba(WHITE, e.core[1]);
      ctx.beginPath();
      ctx.arc(e.center[0], e.center[1], e.core[0], 0, TAU);
      ctx.fill();
    }
  } else if (s.kind === "textFade") {
    ctx.fillStyle = rgba(s.color, e.opacity);
    ctx.font = `${e.size}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(s.text, e.center[0], e.center[1]);
  } else {
    ctx.strokeStyle = ctx.fillStyle = rgba(s.color, e.opacity);
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

/** The fired cues' effects on one canvas, drawn at show time every frame. */
export class EffectLayer {
  constructor(canvas, catalog) {
    this.canvas = canvas;
    this.ctx = canvas?.getContext("2d") ?? null;
    this.catalog = catalog;
    this.active = [];
  }

  /** A cue fired: its built-in effect shows from its time for its duration. */
  add(cue) {
    this.active.push(cue);
  }

  /** Draws the effects active at `showTime` (cue order, later on top); forgets ended ones. */
  draw(showTime) {
    const { canvas, ctx } = this;
    if (!ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const w = canvas.clientWidth || canvas.width;
    const h = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (showTime === null) return;
    const rect = { x: 0, y: 0, w, h };
    this.active = this.active.filter((cue) => {
      const s = cueState(cue, this.catalog, rect, showTime);
      if (s) drawState(ctx, rect, s);
      // Keep cues not started yet (fired up to half a frame early) and running ones.
      return s !== null || showTime < cue.time;
    });
  }
}
