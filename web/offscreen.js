// Where the built-in effects are drawn (web/README.md, "Drawing"): in a module worker on an
// OffscreenCanvas when the browser can (effects-worker.js), which takes the canvas's
// rasterisation off the main thread (without a GPU, Chromium rasterises a 2D canvas on the
// thread that draws it), else on the main thread with effects.js's `EffectLayer`.
//
// `effectLayer(canvas, catalog, { maxPixels, offscreen })` returns either; both have
// `add(cue)`, `draw(showTime)`, `active` (the cues fired and not ended) and `stop()`.

import { EffectLayer, canvasBox, cueDuration } from "./effects.js";

/** How long the worker may take to load before the main thread draws instead (ms). */
export const WORKER_LOAD_MS = 5000;

const mainLayer = (canvas, catalog, maxPixels) => Object.assign(new EffectLayer(canvas, catalog, { maxPixels }), { stop() {} });

/**
 * `offscreen`: "auto" (default) the worker when `canvas.transferControlToOffscreen` and
 * `Worker` exist and the worker can be created and loads, else the main thread; `true` the
 * worker or an exception (a load failure afterwards is logged, nothing is drawn); `false`
 * the main thread. `env`: `Worker`, `setTimeout`, `clearTimeout` (injected for tests).
 */
export function effectLayer(canvas, catalog, { maxPixels = Infinity, offscreen = "auto" } = {}, env = {}) {
  if (offscreen !== true && offscreen !== false && offscreen !== "auto") throw new Error(`offscreen: true, false or "auto", not ${JSON.stringify(offscreen)}`);
  if (offscreen === false) return mainLayer(canvas, catalog, maxPixels);
  const W = env.Worker !== undefined ? env.Worker : globalThis.Worker;
  const fail = (why) => {
    if (offscreen === true) throw new Error(`offscreen: ${why}`);
    return mainLayer(canvas, catalog, maxPixels);
  };
  if (typeof canvas.transferControlToOffscreen !== "function") return fail("the canvas has no transferControlToOffscreen (no OffscreenCanvas)");
  if (typeof W !== "function") return fail("no Worker");
  let worker;
  try {
    // A runtime served from another origin than the page (publish --base-url on a CDN)
    // cannot start a worker from its URL: the constructor throws.
    worker = new W(new URL("./effects-worker.js", import.meta.url), { type: "module" });
  } catch (e) {
    return fail(`the worker could not be created: ${e?.message ?? e}`);
  }
  return new WorkerLayer(canvas, catalog, worker, { maxPixels, strict: offscreen === true, ...env });
}

/**
 * The main thread's side of the worker: keeps which fired cues are active (to stop sending
 * frames when none is) and sends, per frame that changes something, the show time, the
 * canvas's size when it changed and the cues fired since; the next only once the worker
 * has drawn it ("drawn"). The canvas is transferred once
 * the worker has loaded; until then nothing is drawn, and if it fails to load (an error
 * event, or no word within WORKER_LOAD_MS) the canvas, untouched, is drawn on the main
 * thread instead (not with `offscreen: true`).
 */
export class WorkerLayer {
  constructor(canvas, catalog, worker, { maxPixels = Infinity, strict = false, setTimeout = globalThis.setTimeout, clearTimeout = globalThis.clearTimeout } = {}) {
    this.canvas = canvas;
    this.catalog = catalog;
    this.maxPixels = maxPixels;
    this.worker = worker;
    this.strict = strict;
    this.clearTimeout = clearTimeout;
    this.state = "loading"; // then "worker", "main" (fallen back) or "failed" (strict)
    this.fallback = null;
    this.active = [];
    this.pending = [];
    this.box = null; // the size last sent
    this.sentT = undefined; // the show time last sent
    this.sentIdle = false; // the last frame sent had nothing active
    this.inFlight = false; // a frame sent and not drawn yet
    worker.onmessage = (e) => {
      if (e.data === "drawn") this.inFlight = false;
      else if (e.data === "ready" && this.state === "loading") this._ready();
    };
    worker.onerror = (e) => this._error(e?.message || "the worker failed to load");
    worker.onmessageerror = () => this._error("a message could not be read");
    this.timer = setTimeout?.(() => this.state === "loading" && this._error(`the worker did not load within ${WORKER_LOAD_MS} ms`), WORKER_LOAD_MS);
  }

  _ready() {
    this.clearTimeout?.(this.timer);
    let off;
    try {
      off = this.canvas.transferControlToOffscreen();
    } catch (e) {
      // The canvas has a context already: it can only be drawn here.
      return this._error(`the canvas could not be transferred: ${e?.message ?? e}`);
    }
    this.worker.postMessage({ canvas: off, catalog: this.catalog }, [off]);
    this.state = "worker";
    this.pending = [...this.active];
  }

  _error(why) {
    this.clearTimeout?.(this.timer);
    if (this.state === "main" || this.state === "failed") return;
    const wasLoading = this.state === "loading";
    this.worker.terminate();
    if (wasLoading && !this.strict) {
      console.warn(`cuestudio: effects drawn on the main thread: ${why}`);
      this.fallback = mainLayer(this.canvas, this.catalog, this.maxPixels);
      for (const cue of this.active) this.fallback.add(cue);
      this.state = "main";
    } else {
      console.error(`cuestudio: effects worker: ${why}`);
      this.state = "failed";
    }
  }

  add(cue) {
    if (this.fallback) return this.fallback.add(cue);
    this.active.push(cue);
    if (this.state === "worker") this.pending.push(cue);
  }

  draw(showTime) {
    if (this.fallback) {
      this.fallback.draw(showTime);
      this.active = this.fallback.active;
      return;
    }
    if (showTime !== null) this.active = this.active.filter((cue) => showTime <= cue.time + cueDuration(cue, this.catalog));
    // One frame in flight at most: a worker slower than the frame rate draws the latest show
    // time when it is free instead of falling behind on a queue of frames.
    if (this.state !== "worker" || this.inFlight) return;
    const idle = this.active.length === 0;
    if (idle && this.sentIdle && this.pending.length === 0) return;
    const box = canvasBox(this.canvas, this.maxPixels);
    const b = this.box;
    const resized = !b || b.w !== box.w || b.h !== box.h || b.bw !== box.bw || b.bh !== box.bh;
    if (!resized && showTime === this.sentT && this.pending.length === 0) return;
    const m = { t: showTime };
    if (resized) m.box = this.box = box;
    if (this.pending.length) {
      m.add = this.pending;
      this.pending = [];
    }
    this.worker.postMessage(m);
    this.inFlight = true;
    this.sentT = showTime;
    this.sentIdle = idle;
  }

  stop() {
    this.clearTimeout?.(this.timer);
    this.worker.terminate();
    this.fallback = null;
    this.state = "failed";
  }
}
