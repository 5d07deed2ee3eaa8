// Frozen tab: a page frozen for 10 s (CDP Page.setWebLifecycleState) and then thawed
// re-syncs its clock at once (a burst through its proxy) and skips every cue that is past
// its tolerance instead of firing them in a burst; a cue whose tolerance still covers it
// fires late, and the cues after the thaw fire on time.

import assert from "node:assert/strict";
import { test } from "node:test";
import { launchPipe } from "./cdp.mjs";
import { startProxy } from "./proxy.mjs";
import { FRAME_MS, clockDelta, pageUrl, showIn, publish, report, round1, sleep, startServer, tmpDir, until, writeShow } from "./support.mjs";

const ACTIONS = ["fireworks", "flash", "textFade", "showParticles"];
// Every 500 ms from 1000 to 16000, tolerance 300, but one long-tolerance cue at 6000.
const CUES = Array.from({ length: 31 }, (_, i) => {
  const time = 1000 + i * 500;
  return time === 6000 ? { time, action: "colorWash", tolerance: 20_000 } : { time, action: ACTIONS[i % ACTIONS.length], tolerance: 300 };
});
const FREEZE_MS = 10_000;

test("a tab frozen for 10 s resyncs on thaw and skips what is past tolerance", { timeout: 60_000 }, async (t) => {
  const dir = tmpDir();
  const bundle = `${dir}/dist`;
  await publish(writeShow(dir, CUES, { title: "Frozen" }), bundle, { timeServer: "http://127.0.0.1:9/time" });
  const server = await startServer(bundle);
  t.after(() => server.close());
  const proxy = await startProxy(server.base, { seed: 3000 });
  t.after(() => proxy.close());
  const start = Date.now() + 5000;
  await server.admin({ eventStart: start });
  // Not playwright: its pages cannot be frozen (see cdp.mjs).
  const chromium = await launchPipe();
  t.after(() => chromium.close());
  const { page, errors } = await showIn(chromium.page, pageUrl(server.base, `${proxy.base}/time`));
  assert.ok(Date.now() < start + CUES[0].time - 300, `the page took too long to start (${Date.now() - start + 5000} ms)`);
  const delta = await clockDelta(page);

  await until(async () => Date.now() > start + 3250, { timeoutMs: 12_000, everyMs: 20, what: "show time 3250" });
  await page.cdp("Page.setWebLifecycleState", { state: "frozen" });
  const frozenAt = Date.now();
  await sleep(FREEZE_MS);
  const thawAt = Date.now();
  await page.cdp("Page.setWebLifecycleState", { state: "active" });
  // Freezing hid the page (as a background tab is); the viewer comes back to it: focus
  // emulation makes a headless page visible again.
  await page.cdp("Emulation.setFocusEmulationEnabled", { enabled: true });
  assert.equal(await page.evaluate(() => document.visibilityState), "visible");
  const thawPos = thawAt - start;

  await until(async () => Date.now() > start + CUES[CUES.length - 1].time + 300, { timeoutMs: 20_000, everyMs: 50, what: "the last cue" });
  const r = await report(page);
  assert.deepEqual(errors, []);
  assert.equal(r.log.length, CUES.length, "every cue is logged once");

  // Nothing ran while frozen.
  const during = r.log.filter((e) => e.localMs + delta > frozenAt + 50 && e.localMs + delta < thawAt - 50);
  assert.deepEqual(during, [], "nothing fired while frozen");
  let skipped = 0;
  for (const [i, e] of r.log.entries()) {
    const cue = CUES[i];
    assert.equal(e.time, cue.time);
    const truth = e.localMs + delta;
    const err = truth - (start + cue.time);
    if (cue.time < frozenAt - start - 100 || cue.time > thawPos + 100) {
      // Before the freeze and after the thaw: on time.
      const frame = Math.max(FRAME_MS, r.clocks[i].gap ?? FRAME_MS);
      assert.equal(e.skipped, false, `${cue.action}@${cue.time} fired`);
      assert.ok(Math.abs(err) <= r.clocks[i].errorBoundMs + frame + 1, `${cue.action}@${cue.time} fired ${round1(err)} ms off`);
    } else if (cue.time > frozenAt - start && cue.time < thawPos - cue.tolerance - 100) {
      // Passed while frozen, beyond its tolerance at the thaw: skipped, once, at the thaw.
      assert.equal(e.skipped, true, `${cue.action}@${cue.time} (tolerance ${cue.tolerance}) is skipped, lateMs ${e.lateMs}`);
      assert.ok(e.lateMs > cue.tolerance);
      assert.ok(truth >= thawAt - 5, "handled at the thaw");
      skipped += 1;
    }
  }
  // No burst: whatever fired (not skipped) at the thaw was within its tolerance.
  for (const e of r.log) {
    const tol = CUES.find((c) => c.time === e.time).tolerance;
    if (!e.skipped) assert.ok(e.lateMs <= Math.max(tol, FRAME_MS + 1), `${e.action}@${e.time} fired ${e.lateMs} ms late, beyond its tolerance ${tol}`);
  }
  const long = r.log.find((e) => e.time === 6000);
  assert.equal(long.skipped, false, "the cue with tolerance 20000 fires late at the thaw");
  assert.ok(Math.abs(long.lateMs - (thawPos - 6000)) < 1000, `lateMs ${long.lateMs} ≈ ${thawPos - 6000}`);
  assert.ok(skipped >= 15, `${skipped} cues skipped`);

  // Resync at once: a burst of requests right after the thaw, and a fresh estimate.
  const burst = proxy.requests.filter((q) => q.path.startsWith("/time") && q.at >= thawAt && q.at <= thawAt + 2500);
  assert.ok(burst.length >= 3, `${burst.length} clock requests in the 2.5 s after the thaw: no burst`);
  assert.ok(r.clock.syncedAt + delta >= thawAt, "the estimate rests on samples taken after the thaw");
  t.diagnostic(`frozen ${thawAt - frozenAt} ms; ${skipped} cues skipped at the thaw; ${burst.length} clock requests in the 2.5 s after it; long-tolerance cue ${long.lateMs} ms late`);
});
