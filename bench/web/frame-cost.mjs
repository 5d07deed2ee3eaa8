// Runtime cost of the event page (issue 11 §5): main-thread time per frame with 50 active
// effects at 1920×1080 in headless Chromium, against the same page with none active.
//
// The published page of a show with 50 cues within 50 ms (10 of each built-in kind:
// colorWash, particles, textFade, burst, flash), each lasting 60 s. Over a window of
// --seconds, three measures:
//  - tick: the runtime's frame callback (Show._tick: scheduler, clock, and the canvas
//    draw of every active effect), timed with performance.now() around it;
//  - main: the renderer main thread's busy time per frame, from a CDP trace: the
//    top-level tasks (RunTask) on CrRendererMain, which include the page's script, style,
//    layout, paint and the canvas flush, divided into the frame intervals;
//  - metrics: CDP Performance.getMetrics TaskDuration over the window / frames, a cross-check;
//  - worker: the effects worker's busy time per frame (its top-level tasks in the trace), off
//    the main thread; null when the page draws on the main thread.
// --main-thread: the page without transferControlToOffscreen, so the runtime falls back to
// drawing on the main thread (what it did before the worker; the "before" of BENCHMARKS.md).
//
//   node bench/web/frame-cost.mjs [--seconds 5] [--effects 50] [--kind ACTION] [--main-thread] [--arg=--SWITCH]… [--json FILE]

import fs from "node:fs";
import { parseArgs } from "node:util";
import { launch, openShow, pageUrl, pct, publish, report, round1, sleep, startServer, tmpDir, until, writeShow } from "../../tests/browser/support.mjs";

const { values: opt } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    effects: { type: "string", default: "50" },
    kind: { type: "string" }, // only this action: colorWash, showParticles, textFade, fireworks, flash
    arg: { type: "string", multiple: true, default: [] }, // extra chromium switches
    json: { type: "string" },
    "main-thread": { type: "boolean", default: false },
  },
});
const SECONDS = Number(opt.seconds);
const EFFECTS = Number(opt.effects);
const KINDS = [
  { action: "colorWash", params: { color: "#3050ff" } },
  { action: "showParticles", params: { count: 120, size: 4 } },
  { action: "textFade", params: { text: "星空ライブ 2026" } },
  { action: "fireworks", params: { count: 60 } },
  { action: "flash", params: {} },
];
const FIRST = 8000;
const kinds = opt.kind ? KINDS.filter((k) => k.action === opt.kind) : KINDS;
if (kinds.length === 0) throw new Error(`--kind: one of ${KINDS.map((k) => k.action)}`);
const CUES = Array.from({ length: EFFECTS }, (_, i) => ({ time: FIRST + i, ...kinds[i % kinds.length], tolerance: 5000, duration: 60_000 }));

const dir = tmpDir("cuestudio-bench-frame-");
const bundle = `${dir}/dist`;
await publish(writeShow(dir, CUES, { title: "Frame cost" }), bundle, { timeServer: "http://127.0.0.1:9/time" });
const server = await startServer(bundle);
const browser = await launch(opt.arg);
const version = browser.version();
const start = Date.now() + 1000;
await server.admin({ eventStart: start });
let out;
try {
  const init = opt["main-thread"] ? () => delete HTMLCanvasElement.prototype.transferControlToOffscreen : null;
  const { page, context, errors } = await openShow(browser, pageUrl(server.base, server.timeUrl), { viewport: { width: 1920, height: 1080 }, init });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  await page.evaluate(() => {
    const show = window.cuestudio;
    const tick = show._tick;
    const cs = (window.__cost = { ticks: [], on: false });
    show._tick = function (...a) {
      const t0 = performance.now();
      try {
        return tick.apply(this, a);
      } finally {
        if (cs.on && a[0]) cs.ticks.push(performance.now() - t0);
      }
    };
  });

  const measure = async (label) => {
    // Window 1, untraced: the tick times, frames, and the main thread's TaskDuration.
    await page.evaluate(() => {
      window.__cost.ticks = [];
      window.__cost.on = true;
      window.__cost.frames0 = window.__cs.frames;
      window.__cost.t0 = performance.now();
    });
    const m0 = await cdp.send("Performance.getMetrics");
    await sleep(SECONDS * 1000);
    const m1 = await cdp.send("Performance.getMetrics");
    const res = await page.evaluate(() => {
      window.__cost.on = false;
      const layer = window.cuestudio.layer;
      return { ticks: window.__cost.ticks, frames: window.__cs.frames - window.__cost.frames0, ms: performance.now() - window.__cost.t0, active: layer?.active.length ?? null, drawnIn: layer?.state ?? "main" };
    });
    // Window 2, traced: per-frame main-thread time and where it goes (tracing adds a little).
    await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"] });
    await sleep(Math.min(SECONDS, 3) * 1000);
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const metric = (m, name) => m.metrics.find((x) => x.name === name)?.value ?? NaN;
    const taskMs = (metric(m1, "TaskDuration") - metric(m0, "TaskDuration")) * 1000;
    const main = mainThreadPerFrame(trace);
    const r = {
      label,
      activeEffects: res.active,
      drawnIn: res.drawnIn,
      frames: res.frames,
      fps: round1((res.frames * 1000) / res.ms),
      tickMs: { p50: round1(pct(res.ticks, 50) * 100) / 100, p95: round1(pct(res.ticks, 95) * 100) / 100, max: round1(Math.max(...res.ticks)), mean: round1((res.ticks.reduce((a, b) => a + b, 0) / res.ticks.length) * 100) / 100 },
      mainMsPerFrame: main,
      workerMsPerFrame: main && workerPerFrame(trace, main.frames),
      metricsTaskMsPerFrame: round1((taskMs / res.frames) * 100) / 100,
    };
    console.error(`${label}: ${JSON.stringify(r)}`);
    return r;
  };

  // Before the cues: the page runs, nothing is active (the canvas was cleared once and is
  // left alone; with the worker, no message is sent).
  const idle = await measure("no active effect");
  await until(async () => (await report(page)).log.length === EFFECTS, { timeoutMs: FIRST + 10_000, everyMs: 100, what: "the 50 cues" });
  await sleep(500);
  const busy = await measure(`${EFFECTS} active effects`);
  const r = await report(page);
  if (r.log.some((e) => e.skipped)) throw new Error("a cue was skipped");
  if (errors.length) throw new Error(errors.join("\n"));
  out = { setup: { viewport: "1920x1080", dpr: 1, seconds: SECONDS, chromium: version, kinds: kinds.map((k) => k.action), args: opt.arg, mainThread: opt["main-thread"] }, idle, busy };
} finally {
  await browser.close();
  await server.close();
}
if (opt.json) fs.writeFileSync(opt.json, JSON.stringify(out, null, 2));
console.log(JSON.stringify(out, null, 2));

/**
 * From a trace: the renderer main thread (CrRendererMain of the page's renderer, the one
 * that ran the frame callbacks) busy time per frame. Frames are delimited by its
 * "FireAnimationFrame" events; each top-level task (RunTask, ThreadControllerImpl::RunTask)
 * counts in the frame interval it ends in.
 */
function mainThreadPerFrame(trace) {
  const ev = trace.traceEvents ?? trace;
  const names = new Map();
  for (const e of ev) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  const rafs = ev.filter((e) => e.name === "FireAnimationFrame" && e.ph === "X");
  if (rafs.length < 2) return null;
  // The thread with the most animation frames is the page's main thread.
  const byThread = new Map();
  for (const e of rafs) byThread.set(`${e.pid}:${e.tid}`, (byThread.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...byThread.entries()].sort((a, b) => b[1] - a[1])[0][0];
  // Every rAF callback is one FireAnimationFrame (the runtime's and the bench's watcher's):
  // one frame is a run of them less than 4 ms apart.
  const frames = [];
  for (const ts of rafs.filter((e) => `${e.pid}:${e.tid}` === main).map((e) => e.ts).sort((a, b) => a - b)) {
    if (frames.length === 0 || ts - frames[frames.length - 1] > 4000) frames.push(ts);
  }
  const tasks = ev
    .filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X" && (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask"))
    .sort((a, b) => a.ts - b.ts);
  // Top level only: drop tasks nested in an earlier one.
  const top = [];
  let end = -Infinity;
  for (const t of tasks) {
    if (t.ts >= end) {
      top.push(t);
      end = t.ts + t.dur;
    }
  }
  const per = new Array(frames.length - 1).fill(0);
  // A task counts in the frame interval [frame_i, frame_i+1) it ends in: the one that runs
  // frame i's callbacks (and its style, layout, paint) belongs to frame i.
  for (const t of top) {
    const i = upper(frames, t.ts + t.dur) - 1;
    if (i >= 0 && i < per.length) per[i] += t.dur / 1000;
  }
  const total = per.reduce((a, b) => a + b, 0);
  // Where it goes: the heaviest event names on that thread, in ms per frame (nested events
  // count in their own name and their parents').
  const span = [frames[0], frames[frames.length - 1]];
  const byName = new Map();
  for (const e of ev) {
    if (`${e.pid}:${e.tid}` !== main || e.ph !== "X" || e.ts < span[0] || e.ts > span[1]) continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  }
  const top5 = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, ms]) => [n, round1((ms / per.length) * 100) / 100]);
  return {
    heaviest: top5,
    thread: names.get(main) ?? main,
    frames: per.length,
    mean: round1((total / per.length) * 100) / 100,
    p50: round1(pct(per, 50) * 100) / 100,
    p95: round1(pct(per, 95) * 100) / 100,
    max: round1(Math.max(...per) * 100) / 100,
  };
}

/** The dedicated workers' busy time (top-level tasks) over the trace, per main-thread frame. */
function workerPerFrame(trace, frames) {
  const ev = trace.traceEvents ?? trace;
  const workers = new Set();
  for (const e of ev) if (e.ph === "M" && e.name === "thread_name" && /DedicatedWorker/i.test(e.args.name)) workers.add(`${e.pid}:${e.tid}`);
  if (workers.size === 0) return null;
  const tasks = ev.filter((e) => workers.has(`${e.pid}:${e.tid}`) && e.ph === "X" && (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask")).sort((a, b) => a.ts - b.ts);
  let total = 0;
  let end = -Infinity;
  for (const t of tasks) {
    if (t.ts >= end) {
      total += t.dur / 1000;
      end = t.ts + t.dur;
    }
  }
  return round1((total / frames) * 100) / 100;
}

function upper(xs, x) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (xs[m] <= x) lo = m + 1;
    else hi = m;
  }
  return lo;
}
