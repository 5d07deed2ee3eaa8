// Cuestudio's event-page runtime: the public API (web/README.md).
//
//   import { start } from "./cuestudio.js";
//   const show = await start({ manifest: "manifest.json", canvas, onCue, onStatus });
//   show.now(); show.showTime(); show.clock; show.status; show.message; show.log;
//
// This file is the thin shell: it loads the manifest and the cue sheet, and wires the pure
// modules (clock, transport, scheduler, effects) to the browser: requestAnimationFrame with
// a timer fallback, page visibility and lifecycle events, the pause overlay. Every browser
// API can be injected, so node tests run a whole show on a virtual clock.

import { ClockSync } from "./clock.js";
import { Transport } from "./transport.js";
import { Scheduler, DEFAULT_TOLERANCE_MS } from "./scheduler.js";
import { effectLayer } from "./offscreen.js";

export { cueState, drawState } from "./effects.js";

/** With animation frames suspended for longer than this, a timer ticks instead. */
export const FALLBACK_MS = 250;
const FRAME_MS = 1000 / 60;

function environment(o) {
  const g = globalThis;
  const perf = o.perf ?? g.performance;
  return {
    mono: o.now ?? (() => perf.timeOrigin + perf.now()),
    wall: o.wallNow ?? (() => Date.now()),
    fetch: o.fetch ?? g.fetch?.bind(g),
    raf: o.requestAnimationFrame !== undefined ? o.requestAnimationFrame : g.requestAnimationFrame?.bind(g) ?? null,
    setTimeout: o.setTimeout ?? g.setTimeout.bind(g),
    clearTimeout: o.clearTimeout ?? g.clearTimeout.bind(g),
    random: o.random ?? Math.random,
    document: o.document !== undefined ? o.document : g.document ?? null,
  };
}

function resolve(path, base) {
  try {
    return new URL(path, base ?? globalThis.location?.href).href;
  } catch {
    return path;
  }
}

async function getJson(env, url, init) {
  const res = await env.fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

function checkCues(cues, where) {
  if (!Array.isArray(cues)) throw new Error(`${where}: not a cue sheet (a JSON array)`);
  cues.forEach((c, i) => {
    if (!c || !Number.isSafeInteger(c.time) || c.time < 0) throw new Error(`${where}: cues[${i}].time: a whole number of ms >= 0`);
    if (typeof c.action !== "string" || c.action === "") throw new Error(`${where}: cues[${i}].action: a non-empty string`);
  });
  return cues;
}

/**
 * Starts a show; resolves once the manifest and cue sheet are loaded and the first clock
 * burst was tried (a time server that is down is retried in the background).
 */
export async function start(o = {}) {
  const env = environment(o);
  let manifest = o.manifest ?? "manifest.json";
  let base = o.baseUrl ?? null;
  if (typeof manifest === "string") {
    base = resolve(manifest, base);
    manifest = await getJson(env, base, { cache: "no-cache" });
  }
  if (!manifest || typeof manifest !== "object") throw new Error("manifest: not a JSON object");
  if (manifest.format !== undefined && manifest.format !== 1) throw new Error(`manifest: format ${manifest.format} is not supported (1 is)`);
  let cues = o.cues ?? manifest.cues;
  if (cues && !Array.isArray(cues)) {
    if (typeof cues.path !== "string") throw new Error("manifest: cues.path missing");
    const url = resolve(cues.path, base);
    cues = await getJson(env, url, cues.integrity ? { integrity: cues.integrity } : {});
  }
  const show = new Show(o, env, manifest, checkCues(cues ?? [], "cue sheet"));
  await show._start();
  return show;
}

export class Show {
  constructor(o, env, manifest, cues) {
    this.options = o;
    this.env = env;
    this.manifest = manifest;
    this.cues = cues;
    this.catalog = o.catalog ?? manifest.catalog ?? {};
    this.log = [];
    this.handlers = new Map(Object.entries(o.handlers ?? {}));
    this.timeServer = o.timeServer ?? manifest.timeServer;
    if (typeof this.timeServer !== "string") throw new Error("no time server: set timeServer in the manifest or pass it to start()");
    this.transport = new Transport(o.eventStart ?? manifest.eventStart ?? null);
    this.scheduler = new Scheduler(cues, {
      catalog: this.catalog,
      defaultTolerance: manifest.defaultTolerance ?? DEFAULT_TOLERANCE_MS,
    });
    // Drawn in a worker when the browser can (offscreen.js), else on the main thread.
    this.layer = o.canvas
      ? effectLayer(o.canvas, this.catalog, { maxPixels: o.maxPixels ?? undefined, offscreen: o.offscreen ?? "auto" }, { Worker: o.Worker, setTimeout: env.setTimeout, clearTimeout: env.clearTimeout })
      : null;
    this.frameMs = FRAME_MS;
    this.lastFrameAt = null;
    this.lastFrameTs = null;
    this.stopped = false;
    this.fallbackTimer = null;
    this.sync = new ClockSync({
      url: this.timeServer,
      fetch: env.fetch,
      mono: env.mono,
      wall: env.wall,
      setTimeout: env.setTimeout,
      clearTimeout: env.clearTimeout,
      random: env.random,
      pollMs: o.statusPollMs ?? manifest.statusPollMs ?? 5000,
      pausedPollMs: o.pausedPollMs,
      timeoutMs: o.timeoutMs,
      onReply: (reply) => this._reply(reply),
      onError: (e, failures, retryMs) => o.onSyncError?.(e, failures, retryMs),
    });
    this.overlay = null;
    this.ownOverlay = false;
    this.listeners = [];
  }

  /** Estimated server time (Unix ms), or null before the first reply. */
  now() {
    return this.sync.serverNow();
  }

  /** Show time (ms since the event start, frozen while paused), or null when unknown. */
  showTime() {
    return this.transport.position(this.sync.serverNow());
  }

  /** `{ offsetMs, errorBoundMs, rttMs, syncedAt }`: serverNow = Date.now() + offsetMs. */
  get clock() {
    return this.sync.clock;
  }

  get status() {
    return this.transport.status;
  }

  get message() {
    return this.transport.message;
  }

  /** Handle cues of `action` with `fn(cue, entry, show)` instead of the built-in effect. */
  on(action, fn) {
    this.handlers.set(action, fn);
    return this;
  }

  off(action) {
    this.handlers.delete(action);
    return this;
  }

  /** A clock burst now. */
  resync() {
    return this.sync.requestBurst("resync");
  }

  stop() {
    this.stopped = true;
    this.sync.stop();
    this.env.clearTimeout(this.fallbackTimer);
    this.layer?.stop();
    for (const [target, type, fn] of this.listeners) target.removeEventListener(type, fn);
    if (this.ownOverlay) this.overlay?.remove();
  }

  async _start() {
    this._listen();
    this._makeOverlay();
    await this.sync.start();
    if (this.stopped) return;
    if (this.env.raf) {
      const frame = (ts) => {
        if (this.stopped) return;
        this._tick(true, ts);
        this.env.raf(frame);
      };
      this.env.raf(frame);
    }
    this._armFallback();
  }

  _listen() {
    const doc = this.env.document;
    if (!doc?.addEventListener) return;
    const burst = (why) => () => this.sync.requestBurst(why);
    const on = (target, type, fn) => {
      target.addEventListener(type, fn);
      this.listeners.push([target, type, fn]);
    };
    on(doc, "visibilitychange", () => doc.visibilityState === "visible" && this.sync.requestBurst("visible"));
    on(doc, "resume", burst("resume"));
    const win = doc.defaultView;
    if (win?.addEventListener) on(win, "pageshow", (e) => e.persisted && this.sync.requestBurst("pageshow"));
  }

  _reply(reply) {
    if (this.transport.update(reply, this.sync.serverNow())) {
      this._showOverlay();
      this._call("onStatus", this.status, this.message, this);
    }
  }

  _call(name, ...args) {
    try {
      this.options[name]?.(...args);
    } catch (e) {
      console.error(`cuestudio: ${name}:`, e);
    }
  }

  /** One tick: on an animation frame (`frame`) or from the timer fallback. */
  _tick(frame, ts) {
    const mono = this.env.mono();
    if (frame) {
      const t = typeof ts === "number" ? ts : mono;
      const d = this.lastFrameTs === null ? null : t - this.lastFrameTs;
      if (d !== null && d > 4 && d < 100) this.frameMs += (d - this.frameMs) * 0.1;
      this.lastFrameTs = t;
      this.lastFrameAt = mono;
    }
    this.sync.checkStep();
    const serverNow = this.sync.serverNow();
    const pos = this.transport.position(serverNow);
    // While a wall-clock step (a suspend) is being re-synced, the estimate may be off: wait.
    if (this.transport.reply && this.status === "running" && pos !== null && !this.sync.settling) {
      const handled = this.scheduler.tick({
        pos,
        serverNow,
        localMs: mono,
        leadMs: frame ? this.frameMs / 2 : 0,
        slackMs: this.frameMs,
        catchUpFrom: this.transport.catchUpFrom,
        catchUpTo: this.transport.catchUpTo,
      });
      for (const { cue, entry } of handled) this._handle(cue, entry);
    }
    if (frame) this.layer?.draw(pos);
  }

  _handle(cue, entry) {
    this.log.push(entry);
    if (entry.skipped) return this._call("onSkip", entry, cue, this);
    const h = this.handlers.get(cue.action);
    if (h) {
      try {
        h(cue, entry, this);
      } catch (e) {
        console.error(`cuestudio: handler for ${cue.action}:`, e);
      }
    } else this.layer?.add(cue);
    this._call("onCue", entry, cue, this);
  }

  /** A watchdog: when animation frames stop (a hidden tab, a headless page), a timer ticks,
   *  aimed at the next cue's time. */
  _armFallback() {
    if (this.stopped) return;
    const mono = this.env.mono();
    const framesAlive = this.lastFrameAt !== null && mono - this.lastFrameAt <= FALLBACK_MS;
    let delay = FALLBACK_MS;
    if (!framesAlive) {
      const pos = this.showTime();
      const next = this.scheduler.nextTime();
      if (pos !== null && next !== null && this.status === "running") delay = Math.min(Math.max(next - pos, 1), FALLBACK_MS);
    }
    this.fallbackTimer = this.env.setTimeout(() => {
      if (this.lastFrameAt === null || this.env.mono() - this.lastFrameAt > FALLBACK_MS) this._tick(false);
      this._armFallback();
    }, delay);
  }

  _makeOverlay() {
    const { overlay = true } = this.options;
    const doc = this.env.document;
    if (overlay === false) return;
    if (overlay !== true) {
      this.overlay = overlay;
      return;
    }
    if (!doc?.createElement || !doc.body) return;
    const el = doc.createElement("div");
    el.className = "cuestudio-overlay";
    el.setAttribute("role", "status");
    el.setAttribute("aria-live", "polite");
    Object.assign(el.style, {
      position: "fixed",
      display: "none",
      alignItems: "center",
      justifyContent: "center",
      textAlign: "center",
      whiteSpace: "pre-wrap",
      padding: "1em",
      boxSizing: "border-box",
      background: "rgba(0,0,0,0.65)",
      color: "#fff",
      font: '600 clamp(18px, 4vw, 40px)/1.4 system-ui, "Hiragino Sans", "Noto Sans CJK JP", sans-serif',
      zIndex: "2147483647",
    });
    doc.body.appendChild(el);
    this.overlay = el;
    this.ownOverlay = true;
  }

  /** Paused: the operator's message (or `pausedText`) over the whole page. Running with a
   *  message: a banner at the bottom. Otherwise hidden. */
  _showOverlay() {
    const el = this.overlay;
    if (!el) return;
    const paused = this.status === "paused";
    const text = this.message ?? (paused ? this.options.pausedText ?? "Paused" : null);
    el.textContent = text ?? "";
    if (el.dataset) el.dataset.status = this.status;
    if (this.ownOverlay) {
      el.style.display = text === null ? "none" : "flex";
      el.style.inset = paused ? "0" : "auto 0 0 0";
    } else el.hidden = text === null;
  }
}
