// Spread: 6 event pages, each syncing through its own delaying proxy (20 ms + Exp(mean
// 40 ms) each way, per request), fire the same cues of a published bundle served by the
// real time server. Each page's true firing error (its firing instant on this machine's
// clock, which is the server's, against eventStart + cue.time) stays within what the page
// itself reports: its clock's error bound plus the frame it fired on; so does the spread
// between pages. The page's own server-time estimate at firing is within its bound.

import assert from "node:assert/strict";
import { test } from "node:test";
import { startProxy } from "./proxy.mjs";
import { FRAME_MS, clockDelta, launch, openShow, pageUrl, pct, publish, report, round1, startServer, tmpDir, until, writeShow } from "./support.mjs";

const PAGES = 6;
// Mixed kinds; some cues set their tolerance, the others take the catalog's (fireworks 150,
// flash 100, …): a page late by more than that would skip them, and fail here.
const ACTIONS = ["fireworks", "flash", "colorWash", "textFade", "showParticles", "startSong1"];
const CUES = Array.from({ length: 24 }, (_, i) => ({ time: 500 + i * 300, action: ACTIONS[i % ACTIONS.length], ...(i % 4 === 2 ? { tolerance: 400 } : {}) }));
const LEAD_MS = 10_000; // 6 pages start in 6 to 7 s on two cores

test("6 pages through delaying proxies fire every cue within their clock bound plus a frame, and together", { timeout: 60_000 }, async (t) => {
  const dir = tmpDir();
  const show = writeShow(dir, CUES, { title: "Spread" });
  const bundle = `${dir}/dist`;
  const server = await startServer(await publishFirst(show, bundle));
  t.after(() => server.close());
  const proxies = await Promise.all(Array.from({ length: PAGES }, (_, i) => startProxy(server.base, { seed: 1000 + i })));
  t.after(() => Promise.all(proxies.map((p) => p.close())));
  const eventStart = Date.now() + LEAD_MS;
  await server.admin({ eventStart });
  const browser = await launch();
  t.after(() => browser.close());

  const pages = await Promise.all(proxies.map((p) => openShow(browser, pageUrl(server.base, `${p.base}/time`))));
  const readyAt = Date.now();
  assert.ok(readyAt < eventStart + CUES[0].time - 500, `the pages took ${readyAt - (eventStart - LEAD_MS)} ms to start: too slow for this test's lead`);
  const deltas = await Promise.all(pages.map(({ page }) => clockDelta(page)));

  const last = CUES[CUES.length - 1].time;
  await until(async () => Date.now() > eventStart + last + 300, { timeoutMs: LEAD_MS + last + 5000, everyMs: 100, what: "the last cue" });
  const reports = await Promise.all(pages.map(({ page }) => report(page)));

  const perCue = CUES.map(() => []);
  const all = [];
  reports.forEach((r, p) => {
    assert.deepEqual(pages[p].errors, [], `page ${p}: errors`);
    assert.equal(r.log.length, CUES.length, `page ${p}: one log entry per cue`);
    r.log.forEach((e, i) => {
      const cue = CUES[i];
      assert.equal(e.time, cue.time, `page ${p}: log[${i}] in cue order`);
      assert.equal(e.action, cue.action);
      assert.equal(e.skipped, false, `page ${p}: ${cue.action}@${cue.time} skipped (lateMs ${e.lateMs})`);
      const bound = r.clocks[i].errorBoundMs;
      const truth = e.localMs + deltas[p]; // the firing instant on the server's clock
      const err = truth - (eventStart + cue.time);
      // The frame it fired on: from the previous frame of this page to this one.
      const frame = Math.max(FRAME_MS, r.clocks[i].gap ?? FRAME_MS);
      assert.ok(Math.abs(e.firedAtServerMs - truth) <= bound + 1, `page ${p}: its estimate at firing is off by ${round1(e.firedAtServerMs - truth)} ms, beyond its bound ${bound} ms`);
      assert.ok(Math.abs(err) <= bound + frame + 1, `page ${p}: ${cue.action}@${cue.time} fired ${round1(err)} ms off (bound ${bound} ms, frame ${round1(frame)} ms)`);
      perCue[i].push({ err, bound, frame });
      all.push(err);
    });
  });
  let worstSpread = 0;
  perCue.forEach((xs, i) => {
    const errs = xs.map((x) => x.err);
    const spread = Math.max(...errs) - Math.min(...errs);
    const [b1, b2] = xs.map((x) => x.bound).sort((a, b) => b - a);
    const frame = Math.max(...xs.map((x) => x.frame));
    worstSpread = Math.max(worstSpread, spread);
    assert.ok(spread <= b1 + b2 + 1.5 * frame + 2, `cue ${i}: pages ${round1(spread)} ms apart (bounds ${b1}, ${b2} ms)`);
  });
  const abs = all.map(Math.abs);
  t.diagnostic(
    `true firing error over ${all.length} firings: p50 ${round1(pct(abs, 50))} ms, p95 ${round1(pct(abs, 95))} ms, max ${round1(Math.max(...abs))} ms; ` +
      `worst spread ${round1(worstSpread)} ms; bounds ${reports.map((r) => r.clock.errorBoundMs).join("/")} ms; ` +
      `clock deltas ${deltas.map(round1).join("/")} ms`,
  );
});

async function publishFirst(show, out) {
  // The manifest's time server is never reached here: every page is given its proxy.
  await publish(show, out, { timeServer: "http://127.0.0.1:9/time" });
  return out;
}
