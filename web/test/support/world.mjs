// A virtual world for the runtime's tests: one monotonic clock (ms), timers, animation
// frames, a wall clock that can step, and a time server reached over a path with chosen
// delays. Nothing here touches the network or the real clock.

export const ORIGIN = 1_767_225_600_000; // 2026-01-01T00:00:00Z, as performance.timeOrigin

const flush = () => new Promise((r) => setImmediate(r));

export class World {
  constructor({ serverOffset = 0, up = 10, down = 10, frameMs = 1000 / 60 } = {}) {
    this.t = 0; // performance.now()
    this.timers = [];
    this.seq = 0;
    this.frameMs = frameMs;
    this.frames = true; // requestAnimationFrame runs
    this.rafQueue = [];
    this.nextFrame = 0;
    this.wallStep = 0;
    this.up = up;
    this.down = down;
    this.requests = [];
    this.server = {
      offset: serverOffset, // server clock − local monotonic clock
      ppm: 0,
      down: false,
      garbage: false,
      hang: false,
      status: "running",
      message: null,
      eventStart: null,
      pausedAt: null,
    };
    this.perf = { timeOrigin: ORIGIN, now: () => this.t };
    this.now = () => ORIGIN + this.t;
    this.wallNow = () => Math.floor(ORIGIN + this.t + this.wallStep);
    this.setTimeout = (fn, ms = 0) => {
      const id = ++this.seq;
      this.timers.push({ id, at: this.t + Math.max(0, ms), fn });
      return id;
    };
    this.clearTimeout = (id) => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
    this.requestAnimationFrame = (fn) => {
      this.rafQueue.push(fn);
      return this.rafQueue.length;
    };
    this.fetch = (url, init = {}) => this.request(url, init);
  }

  /** The true server time now (fractional ms). */
  serverTime() {
    return ORIGIN + this.t + this.server.offset + (this.t * this.server.ppm) / 1e6;
  }

  /** Show time as the server has it now. */
  serverPosition() {
    const s = this.server;
    if (s.eventStart === null) return null;
    return (s.pausedAt ?? Math.floor(this.serverTime())) - s.eventStart;
  }

  reply() {
    const s = this.server;
    const now = Math.floor(this.serverTime());
    const r = { serverTime: now, status: s.pausedAt === null ? "running" : "paused", message: s.message };
    if (s.eventStart !== null) {
      r.eventStart = s.eventStart;
      r.position = (s.pausedAt ?? now) - s.eventStart;
    }
    return r;
  }

  /** Admin: the show starts so that show time now is `positionMs`. */
  setPosition(positionMs) {
    this.server.eventStart = Math.floor(this.serverTime()) - positionMs;
  }

  pause(message = null) {
    this.server.pausedAt = Math.floor(this.serverTime());
    this.server.message = message;
  }

  resume() {
    const s = this.server;
    s.eventStart += Math.floor(this.serverTime()) - s.pausedAt;
    s.pausedAt = null;
    s.message = null;
  }

  request(url, init) {
    this.requests.push({ url: String(url), init, at: this.t });
    const routes = this.routes ?? {};
    return new Promise((resolve, reject) => {
      init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      const path = String(url);
      if (path in routes) {
        const body = JSON.stringify(routes[path]);
        this.setTimeout(() => resolve(response(200, body)), this.up + this.down);
        return;
      }
      if (this.server.down) {
        this.setTimeout(() => reject(new TypeError("Failed to fetch")), this.up);
        return;
      }
      if (this.server.hang) return;
      const up = typeof this.up === "function" ? this.up() : this.up;
      const down = typeof this.down === "function" ? this.down() : this.down;
      this.setTimeout(() => {
        const body = this.server.garbage ? "<html>oops</html>" : JSON.stringify(this.reply());
        this.setTimeout(() => resolve(response(200, body)), down);
      }, up);
    });
  }

  /** Time requests to the time server (not the manifest or cue sheet). */
  timeRequests() {
    return this.requests.filter((r) => !(this.routes && r.url in this.routes));
  }

  /** Runs everything due in the next `ms`, in order, flushing promises after each. */
  async advance(ms) {
    const end = this.t + ms;
    await flush();
    for (;;) {
      const timer = this.timers.reduce((a, b) => (a === null || b.at < a.at || (b.at === a.at && b.id < a.id) ? b : a), null);
      const frameAt = this.frames && this.rafQueue.length ? Math.max(this.nextFrame, this.t) : Infinity;
      const at = Math.min(timer ? timer.at : Infinity, frameAt);
      if (at > end) break;
      this.t = Math.max(this.t, at);
      if (frameAt <= (timer ? timer.at : Infinity)) {
        const q = this.rafQueue;
        this.rafQueue = [];
        const ts = this.t;
        this.nextFrame = this.t + this.frameMs;
        for (const fn of q) fn(ts);
      } else {
        this.clearTimeout(timer.id);
        timer.fn();
      }
      await flush();
    }
    this.t = end;
    await flush();
  }

  /** A frozen tab: `ms` pass and nothing runs; then overdue timers and the next frame run. */
  async freeze(ms) {
    this.t += ms;
    this.nextFrame = this.t;
    await flush();
  }
}

function response(status, body) {
  return {
    ok: status >= 200 && status < 300,
    status,
    text: async () => body,
    json: async () => JSON.parse(body),
  };
}

/** A minimal DOM: elements with style, attributes and text; event listeners. */
export function fakeDocument() {
  const listeners = new Map();
  const el = (tag) => ({
    tag,
    style: {},
    dataset: {},
    attributes: {},
    textContent: "",
    hidden: false,
    removed: false,
    setAttribute(k, v) {
      this.attributes[k] = v;
    },
    remove() {
      this.removed = true;
    },
  });
  const doc = {
    visibilityState: "visible",
    body: { children: [], appendChild(c) { this.children.push(c); return c; } },
    createElement: el,
    addEventListener(type, fn) {
      listeners.set(type, [...(listeners.get(type) ?? []), fn]);
    },
    removeEventListener(type, fn) {
      listeners.set(type, (listeners.get(type) ?? []).filter((f) => f !== fn));
    },
    dispatch(type, e = {}) {
      for (const fn of listeners.get(type) ?? []) fn(e);
    },
    listeners,
  };
  return doc;
}

/** The options that run `start()` in this world. */
export function env(world, extra = {}) {
  return {
    fetch: world.fetch,
    now: world.now,
    wallNow: world.wallNow,
    setTimeout: world.setTimeout,
    clearTimeout: world.clearTimeout,
    requestAnimationFrame: world.requestAnimationFrame,
    random: () => 0.5,
    document: null,
    timeServer: "http://time.test/time",
    ...extra,
  };
}
