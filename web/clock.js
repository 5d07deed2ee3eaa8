// The clock: the same method as crates/timesync (docs/clock-sync.md), in the browser.
//
// Pure core: `Estimator` is a line-for-line port of crates/timesync/src/estimator.rs (the
// shared vectors in web/test/vectors/clock.json check it). `ClockSync` is the sync loop of
// `cuestudio follow`: a burst at start, a status poll every `pollMs` that is also a
// sample, a burst every 5 minutes, at once when a poll contradicts the estimate or the
// wall clock steps, or when asked (a tab back from hidden or frozen); backoff with jitter
// on failure while the show runs on the last estimate. It takes its clocks, fetch and
// timers from the caller, so tests run it on a virtual clock.
//
// Times: `mono` is this device's monotonic clock in Unix-like ms, in a browser
// `performance.timeOrigin + performance.now()`; `wall` is `Date.now()`. Samples are
// truncated to whole ms, as the estimator's bounds assume. Sign convention everywhere:
// serverNow = localWallNow + offsetMs. Integers stay exact in JS numbers for server times
// before the year 2100 (µs below 2^53 / 2).

export const DRIFT_PPM = 200;
export const RESYNC_MS = 5 * 60_000;
export const BURST = 8;
export const STALE_MS = 15_000;
export const CLOCK_STEP_MS = 1_000;
/** A burst requested this soon after another ended is dropped (`requestBurst`). */
export const BURST_MERGE_MS = 1_000;
const MAX_PENDING = 256;

/** floor(a / b) for integers, exact. */
function floorDiv(a, b) {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

/** Drift over `ageMs` at DRIFT_PPM, in µs, rounded up. */
const driftUs = (ageMs) => floorDiv(Math.abs(ageMs) * DRIFT_PPM + 999, 1000);

// An interval: "server time at local mono ms `mono` lies in [lo, hi] µs"; `rtt` is the
// lowest round trip among the samples that made it.
function fromSample(s) {
  const rtt = Math.max(s.recvMono - s.sentMono, 0);
  const st = s.serverTime * 1000;
  return { mono: s.recvMono, lo: st - (1000 + driftUs(1)), hi: st + (rtt + 1) * 1000 + driftUs(rtt), rtt };
}

function at(iv, mono) {
  const d = mono - iv.mono;
  const widen = driftUs(d);
  return { mono, lo: iv.lo + d * 1000 - widen, hi: iv.hi + d * 1000 + widen, rtt: iv.rtt };
}

function intersect(x, y) {
  const mono = Math.max(x.mono, y.mono);
  const a = at(x, mono);
  const b = at(y, mono);
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { mono, lo, hi, rtt: Math.min(a.rtt, b.rtt) } : null;
}

const midMs = (iv) => floorDiv(iv.lo + floorDiv(iv.hi - iv.lo, 2) + 500, 1000);

function boundMs(iv, estMs) {
  const e = estMs * 1000;
  return floorDiv(Math.max(e - iv.lo, iv.hi - e, 0) + 999, 1000);
}

/** Intersects newest first, stopping at the first interval that contradicts the newer. */
function intersectNewestFirst(ivs) {
  if (ivs.length === 0) return null;
  let acc = ivs[ivs.length - 1];
  for (let i = ivs.length - 2; i >= 0; i--) {
    const next = intersect(acc, ivs[i]);
    if (!next) break;
    acc = next;
  }
  return acc;
}

/** Intersects the samples of each burst and answers "what time is it on the server". */
export class Estimator {
  constructor() {
    this.anchor = null;
    this.pending = [];
    this.syncedMono = null;
    this.contradicted = false;
    this.wallMinusMono = null;
  }

  beginBurst() {
    this.pending = [];
  }

  /** Adds a sample `{ sentMono, recvMono, recvWall, serverTime }` (whole ms). */
  add(s) {
    const cand = fromSample(s);
    this.wallMinusMono = s.recvWall - s.recvMono;
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push(cand);
    if (!this.anchor) {
      this.syncedMono = cand.mono;
      this.anchor = cand;
    } else {
      const next = intersect(this.anchor, cand);
      if (!next) this.contradicted = true;
      this.anchor = next ?? cand;
    }
  }

  endBurst() {
    const iv = intersectNewestFirst(this.pending);
    if (iv) {
      this.anchor = iv;
      this.syncedMono = iv.mono;
      this.contradicted = false;
    }
    this.pending = [];
  }

  /** Server time at local monotonic ms `mono`, or null before the first sample. */
  serverNow(mono) {
    return this.anchor ? midMs(this.anchor) + (mono - this.anchor.mono) : null;
  }

  /** `{ offsetMs, rttMs, errorBoundMs, ageMs }` at this instant, or null. */
  estimate(mono, wall) {
    const a = this.anchor;
    if (!a) return null;
    const server = this.serverNow(mono);
    return { offsetMs: server - wall, rttMs: a.rtt, errorBoundMs: boundMs(at(a, mono), server), ageMs: mono - a.mono };
  }

  isStale(mono) {
    return !this.anchor || mono - this.anchor.mono > STALE_MS;
  }

  resyncDue(mono) {
    return this.contradicted || this.syncedMono === null || mono - this.syncedMono >= RESYNC_MS;
  }

  /** How far the wall clock moved against the monotonic clock since the last sample. */
  wallStepMs(mono, wall) {
    return this.wallMinusMono === null ? null : wall - mono - this.wallMinusMono;
  }

  /** The same, when over CLOCK_STEP_MS (a clock step or a suspend); else null. */
  clockStepMs(mono, wall) {
    const d = this.wallStepMs(mono, wall);
    return d !== null && Math.abs(d) > CLOCK_STEP_MS ? d : null;
  }
}

/** Backoff for failure number `failures` (1-based): 1 s doubling to 60 s, ±20 % jitter. */
export function backoffMs(failures, jitter) {
  const base = Math.min(1000 * 2 ** Math.min(Math.max(failures - 1, 0), 6), 60_000);
  const j = (Math.min(Math.max(jitter, 0), 1) * 0.4 - 0.2) * base;
  return Math.round(base + j);
}

/** Reads a `GET /time` body; throws on anything that is not a time reply. */
export function parseReply(text) {
  const r = JSON.parse(text);
  const int = (v) => Number.isSafeInteger(v);
  if (!r || typeof r !== "object" || !int(r.serverTime)) throw new Error("not a time reply: no integer serverTime");
  if (r.status !== "running" && r.status !== "paused") throw new Error(`not a time reply: status ${JSON.stringify(r.status)}`);
  return {
    serverTime: r.serverTime,
    status: r.status,
    message: typeof r.message === "string" ? r.message : null,
    eventStart: int(r.eventStart) ? r.eventStart : null,
    position: int(r.position) ? r.position : null,
  };
}

/**
 * The sync loop. Options: `url`; `fetch`; `mono()` and `wall()`; `setTimeout`,
 * `clearTimeout`; `random()` (backoff jitter); `pollMs` (status poll, default 5000);
 * `pausedPollMs` (poll while the show is paused, default min(pollMs, 1000), so a resume is
 * seen soon); `timeoutMs` (a reply later than this is a failure, default 5000);
 * `onReply(reply, burstReason)`; `onError(error, failures, retryMs)`.
 */
export class ClockSync {
  constructor(o) {
    this.o = o;
    this.est = new Estimator();
    this.failures = 0;
    this.lastReply = null;
    this.lastError = null;
    this.bursting = null;
    this.settling = false;
    this.stopped = true;
    this.forced = null;
    this.timer = null;
    this.inFlight = null;
    this.burstEndedAt = null;
  }

  get pollMs() {
    const p = this.o.pollMs ?? 5000;
    return this.lastReply?.status === "paused" ? this.o.pausedPollMs ?? Math.min(p, 1000) : p;
  }

  mono() {
    return this.o.mono();
  }

  /** Starts the loop; resolves after the first attempt (a burst), ok or not. */
  start() {
    this.stopped = false;
    return this.run();
  }

  stop() {
    this.stopped = true;
    this.o.clearTimeout(this.timer);
  }

  /** Server time now (fractional ms), or null before the first reply. */
  serverNow() {
    return this.est.serverNow(this.mono());
  }

  /** `{ offsetMs, errorBoundMs, rttMs, syncedAt }` (syncedAt: local ms of the newest sample the estimate rests on). */
  get clock() {
    const mono = Math.floor(this.mono());
    const e = this.est.estimate(mono, Math.floor(this.o.wall()));
    if (!e) return { offsetMs: null, errorBoundMs: null, rttMs: null, syncedAt: null };
    return { offsetMs: e.offsetMs, errorBoundMs: e.errorBoundMs, rttMs: e.rttMs, syncedAt: mono - e.ageMs };
  }

  /**
   * A burst as soon as possible (the tab came back, the wall clock stepped). One at a
   * time: a request while a burst runs, or within BURST_MERGE_MS after one ended, is
   * dropped (a tab back from frozen gets `resume` and `visibilitychange` together: one
   * burst, not two). A wall-clock step is never dropped: the show waits for its burst.
   */
  requestBurst(reason = "resync") {
    if (this.stopped) return this.inFlight ?? Promise.resolve();
    if (reason !== "clockStep") {
      const recent = this.burstEndedAt !== null && this.mono() - this.burstEndedAt < BURST_MERGE_MS;
      if (this.bursting || this.forced || recent) return this.inFlight ?? Promise.resolve();
    }
    this.forced = this.forced ?? reason;
    if (this.inFlight) return this.inFlight;
    this.o.clearTimeout(this.timer);
    return this.run();
  }

  /** Call often (every frame): a wall-clock step asks for a burst at once. Returns the step (ms) when one was seen. */
  checkStep() {
    const step = this.est.clockStepMs(Math.floor(this.mono()), Math.floor(this.o.wall()));
    // After a failure the loop's backoff retries (and sees the step itself).
    if (step !== null && !this.settling && this.failures === 0) {
      this.settling = true;
      this.requestBurst("clockStep");
    }
    return step;
  }

  run() {
    if (this.stopped) return Promise.resolve();
    if (this.inFlight) return this.inFlight;
    this.o.clearTimeout(this.timer);
    this.inFlight = this.step().finally(() => {
      this.inFlight = null;
      if (this.forced && !this.stopped) this.run();
    });
    return this.inFlight;
  }

  async step() {
    const now = Math.floor(this.mono());
    let reason = null;
    if (this.est.serverNow(now) === null) reason = "start";
    else if (this.est.clockStepMs(now, Math.floor(this.o.wall())) !== null) reason = "clockStep";
    else if (this.forced) reason = this.forced;
    else if (this.est.resyncDue(now)) reason = "resync";
    this.forced = null;
    this.bursting = reason;
    let delay;
    try {
      const reply = reason ? await this.burst(BURST) : await this.poll();
      this.failures = 0;
      this.lastError = null;
      this.lastReply = reply;
      this.o.onReply?.(reply, reason);
      delay = this.pollMs;
    } catch (e) {
      this.failures += 1;
      this.lastError = e;
      delay = backoffMs(this.failures, (this.o.random ?? Math.random)());
      this.o.onError?.(e, this.failures, delay);
    }
    if (reason) this.burstEndedAt = this.mono();
    this.bursting = null;
    this.settling = false;
    if (!this.stopped) {
      this.o.clearTimeout(this.timer);
      this.timer = this.o.setTimeout(() => this.run(), delay);
    }
  }

  async poll() {
    const [s, reply] = await this.sample();
    this.est.add(s);
    return reply;
  }

  /** `n` samples; their intersection becomes the anchor. Gives up at the first failure
   *  before any success and at the second in any case (as timesync's client does). */
  async burst(n) {
    this.est.beginBurst();
    let ok = null;
    let err = null;
    let failures = 0;
    for (let i = 0; i < Math.max(n, 1) && !this.stopped; i++) {
      try {
        const [s, reply] = await this.sample();
        this.est.add(s);
        ok = reply;
      } catch (e) {
        err = e;
        failures += 1;
        if (!ok || failures >= 2) break;
      }
    }
    this.est.endBurst();
    if (!ok) throw err ?? new Error("no sample was taken");
    return ok;
  }

  /** One timed GET: a simple request (no custom headers, so no CORS preflight). */
  async sample() {
    const { url, timeoutMs = 5000 } = this.o;
    const ctrl = typeof AbortController === "function" ? new AbortController() : null;
    let timer = null;
    const timeout = new Promise((_, reject) => {
      timer = this.o.setTimeout(() => {
        ctrl?.abort();
        reject(new Error(`${url}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const sent = this.mono();
    try {
      const work = (async () => {
        const res = await this.o.fetch(url, { cache: "no-store", signal: ctrl?.signal });
        return { res, text: await res.text() };
      })();
      work.catch(() => {}); // after a timeout its rejection (the abort) is nobody's news
      const { res, text } = await Promise.race([work, timeout]);
      const recv = this.mono();
      const recvWall = this.o.wall();
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      let reply;
      try {
        reply = parseReply(text);
      } catch (e) {
        throw new Error(`${url}: ${e.message}`);
      }
      const s = { sentMono: Math.floor(sent), recvMono: Math.floor(recv), recvWall: Math.floor(recvWall), serverTime: reply.serverTime };
      return [s, reply];
    } finally {
      this.o.clearTimeout(timer);
    }
  }
}
