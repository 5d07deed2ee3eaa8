// Firing accuracy of the event page in headless Chromium, against the article's code in
// the same pages (issue 11 §5).
//
// Each round: a published bundle served by the real time server on 127.0.0.1, 6 pages in
// fresh browser contexts, each syncing through its own delaying proxy (20 ms + Exp(mean
// 40 ms) each way, per request). In every page both clients run side by side on the same
// path: the runtime (window.cuestudio, the page's own) and the article's code (one sample
// on Date.now(), no RTT correction, cues checked from a 20 ms setInterval: the page
// version of tests/conformance/article_client.js). The true firing error of a cue is its
// firing instant on this machine's clock (the server's) − (eventStart + cue.time).
//
//   node bench/web/firing.mjs [--rounds 5] [--pages 6] [--cues 40] [--spacing 250] [--json FILE]
//
// Needs tests/browser's node_modules (cd tests/browser && npm ci) and the binaries
// (target/debug, or CUESTUDIO_BIN_DIR=target/release).

import fs from "node:fs";
import { parseArgs } from "node:util";
import { startProxy } from "../../tests/browser/proxy.mjs";
import { clockDelta, launch, openShow, pageUrl, pct, publish, report, round1, startServer, tmpDir, until, writeShow } from "../../tests/browser/support.mjs";

const { values: opt } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    pages: { type: "string", default: "6" },
    cues: { type: "string", default: "40" },
    spacing: { type: "string", default: "250" },
    floor: { type: "string", default: "20" },
    mean: { type: "string", default: "40" },
    json: { type: "string" },
  },
});
const ROUNDS = Number(opt.rounds);
const PAGES = Number(opt.pages);
const N = Number(opt.cues);
const SPACING = Number(opt.spacing);
const LEAD_MS = 10_000; // 6 pages start in 6 to 7 s on two cores

// Generous tolerances: a late cue is measured, not skipped.
const ACTIONS = ["fireworks", "flash", "colorWash", "textFade", "showParticles"];
const CUES = Array.from({ length: N }, (_, i) => ({ time: 1000 + i * SPACING, action: ACTIONS[i % ACTIONS.length], tolerance: 2000 }));

// The article's page code, started in the page at once; records each firing's instant.
function article({ timeUrl, cues, eventStart, tickMs }) {
  const fired = (window.__article = []);
  const mono = () => performance.timeOrigin + performance.now();
  let offset = 0;
  let next = 0;
  fetch(timeUrl, { cache: "no-store" })
    .then((r) => r.json())
    .then((first) => {
      offset = first.serverTime - Date.now();
      setInterval(() => {
        const showTime = Date.now() + offset - eventStart;
        while (next < cues.length && cues[next].time <= showTime) {
          fired.push({ time: cues[next].time, localMs: mono(), showTime });
          next += 1;
        }
      }, tickMs);
    });
}

const dir = tmpDir("cuestudio-bench-web-");
const bundle = `${dir}/dist`;
await publish(writeShow(dir, CUES, { title: "Firing bench" }), bundle, { timeServer: "http://127.0.0.1:9/time" });
const server = await startServer(bundle);
const browser = await launch();
const version = browser.version();
const rt = [];
const art = [];
const bounds = [];
const syncErr = []; // the page's server-time estimate at firing − the truth
const sched = []; // how far from the cue's time it fired by its own estimate (lateMs)
const perRound = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const proxies = await Promise.all(
      Array.from({ length: PAGES }, (_, i) => startProxy(server.base, { seed: 7000 + round * 100 + i, floorMs: Number(opt.floor), meanMs: Number(opt.mean) })),
    );
    const eventStart = Date.now() + LEAD_MS;
    await server.admin({ eventStart });
    const pages = await Promise.all(
      proxies.map(async (p) => {
        const o = await openShow(browser, pageUrl(server.base, `${p.base}/time`));
        await o.page.evaluate(article, { timeUrl: `${p.base}/time`, cues: CUES, eventStart, tickMs: 20 });
        return o;
      }),
    );
    if (Date.now() > eventStart + CUES[0].time - 500) throw new Error("the pages took too long to start");
    const deltas = await Promise.all(pages.map(({ page }) => clockDelta(page)));
    const last = CUES[CUES.length - 1].time;
    await until(async () => Date.now() > eventStart + last + 500, { timeoutMs: LEAD_MS + last + 10_000, everyMs: 100, what: "the last cue" });
    // The article's code may be far behind (its one sample can be off by a lot): give it 3 s more.
    const allFired = async () => (await Promise.all(pages.map(({ page }) => page.evaluate((n) => window.__article.length >= n, N)))).every(Boolean);
    await until(allFired, { timeoutMs: 3000, everyMs: 100 }).catch(() => {});
    const r1 = [];
    const a1 = [];
    for (const [p, { page, context }] of pages.entries()) {
      const r = await report(page);
      const a = await page.evaluate(() => window.__article);
      for (const [i, e] of r.log.entries()) {
        if (e.skipped) throw new Error(`round ${round} page ${p}: ${e.action}@${e.time} skipped`);
        r1.push(e.localMs + deltas[p] - (eventStart + e.time));
        bounds.push(r.clocks[i].errorBoundMs);
        syncErr.push(e.firedAtServerMs - (e.localMs + deltas[p]));
        sched.push(e.lateMs);
      }
      for (const e of a) a1.push(e.localMs + deltas[p] - (eventStart + e.time));
      if (r.log.length !== N || a.length !== N) throw new Error(`round ${round} page ${p}: ${r.log.length} and ${a.length} of ${N} cues`);
      await context.close();
    }
    await Promise.all(proxies.map((p) => p.close()));
    rt.push(...r1);
    art.push(...a1);
    const s = (xs) => `p95 ${round1(pct(xs.map(Math.abs), 95))}`; // of |error|
    perRound.push({ round, runtime: stats(r1), article: stats(a1) });
    console.error(`round ${round + 1}/${ROUNDS}: runtime ${s(r1)} ms, article ${s(a1)} ms`);
  }
} finally {
  await browser.close();
  await server.close();
}

function stats(xs) {
  const abs = xs.map(Math.abs);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { n: xs.length, p50: round1(pct(abs, 50)), p95: round1(pct(abs, 95)), max: round1(Math.max(...abs)), meanSigned: round1(mean), earliest: round1(Math.min(...xs)), latest: round1(Math.max(...xs)) };
}

const out = {
  setup: { rounds: ROUNDS, pages: PAGES, cues: N, spacingMs: SPACING, delay: `${opt.floor} ms + Exp(mean ${opt.mean} ms) each way`, chromium: version },
  runtime: stats(rt),
  article: stats(art),
  // true error = schedule − sync: where the runtime's error comes from.
  runtimeSync: stats(syncErr),
  runtimeSchedule: stats(sched),
  errorBoundMs: { p50: pct(bounds, 50), p95: pct(bounds, 95), max: Math.max(...bounds) },
  perRound,
};
out.ratioP95 = round1((out.runtime.p95 / out.article.p95) * 100) / 100;
if (opt.json) fs.writeFileSync(opt.json, JSON.stringify(out, null, 2));
console.log(JSON.stringify(out, null, 2));
