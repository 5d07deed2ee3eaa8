// Pause: the sample show's published page, three viewers through delaying proxies. An
// admin pause with a Japanese message reaches every page within statusPollMs + 1 s; every
// page shows the message and fires nothing while paused, even past the time its next cues
// had; on resume the show continues from where it paused and nothing is skipped.
//
// The sample show has no cue between 24000 and 32000 ms: the pause at 25000 reaches every
// page (within statusPollMs = 5000) before any other cue is due.

import assert from "node:assert/strict";
import { test } from "node:test";
import { startProxy } from "./proxy.mjs";
import { FRAME_MS, clockDelta, launch, openShow, pageUrl, publish, report, round1, sampleShow, startServer, tmpDir, until } from "./support.mjs";

const PAGES = 3;
const MESSAGE = "ただいま機材を調整しています。少々お待ちください。";

test("an admin pause reaches every page in time, shows the message, stops firing; resume continues and skips nothing", { timeout: 90_000 }, async (t) => {
  const dir = tmpDir();
  const bundle = `${dir}/dist`;
  const manifest = await publish(sampleShow, bundle, { timeServer: "http://127.0.0.1:9/time" });
  const pollMs = manifest.statusPollMs;
  const server = await startServer(bundle);
  t.after(() => server.close());
  const proxies = await Promise.all(Array.from({ length: PAGES }, (_, i) => startProxy(server.base, { seed: 2000 + i })));
  t.after(() => Promise.all(proxies.map((p) => p.close())));
  const start = Date.now() + 4000 - 24000; // show time 24000 in 4 s
  await server.admin({ eventStart: start });
  const browser = await launch(["--autoplay-policy=no-user-gesture-required"]);
  t.after(() => browser.close());
  const pages = await Promise.all(proxies.map((p) => openShow(browser, pageUrl(server.base, `${p.base}/time`))));
  const deltas = await Promise.all(pages.map(({ page }) => clockDelta(page)));

  // Running: the 24000 cue fires.
  await until(async () => Date.now() > start + 25_000, { timeoutMs: 30_000, everyMs: 50, what: "show time 25000" });
  for (const [p, { page }] of pages.entries()) {
    const e = (await report(page)).log.find((x) => x.time === 24_000);
    assert.ok(e && !e.skipped, `page ${p}: the cue at 24000 fired`);
  }

  // Pause.
  const pausedAt = Date.now();
  const paused = await server.admin({ status: "paused", message: MESSAGE });
  assert.equal(paused.status, "paused");
  const seen = await Promise.all(
    pages.map(async ({ page }) => {
      await page.waitForFunction(() => window.cuestudio.status === "paused", null, { timeout: pollMs + 5000, polling: 20 });
      return { at: Date.now(), log: (await report(page)).log.length };
    }),
  );
  for (const [p, s] of seen.entries()) {
    assert.ok(s.at - pausedAt <= pollMs + 1000, `page ${p}: saw the pause after ${s.at - pausedAt} ms (statusPollMs ${pollMs})`);
  }
  for (const [p, { page }] of pages.entries()) {
    const overlay = page.locator(".cuestudio-overlay");
    assert.ok(await overlay.isVisible(), `page ${p}: the overlay shows`);
    assert.equal((await overlay.textContent()).trim(), MESSAGE, `page ${p}: the overlay shows the message`);
    assert.ok((await page.locator("body").innerText()).includes(MESSAGE), `page ${p}: the message is in the page's text`);
    const r = await report(page);
    assert.equal(r.message, MESSAGE);
    assert.equal(r.showTime, paused.position, `page ${p}: show time frozen at the server's position`);
  }

  // Hold the pause past the time of the next cues (32000): nothing fires.
  await until(async () => Date.now() > start + 33_000, { timeoutMs: 15_000, everyMs: 50, what: "past show time 33000" });
  for (const [p, { page }] of pages.entries()) {
    const r = await report(page);
    assert.equal(r.log.length, seen[p].log, `page ${p}: fired ${r.log.slice(seen[p].log).map((e) => e.action)} while paused`);
    assert.equal(r.showTime, paused.position, `page ${p}: show time still frozen`);
  }

  // Resume.
  const resumedAt = Date.now();
  const running = await server.admin({ status: "running", message: null });
  assert.equal(running.status, "running");
  const start2 = running.eventStart;
  assert.ok(start2 > start, "a pause moves the event start later");
  await Promise.all(
    pages.map(async ({ page }, p) => {
      await page.waitForFunction(() => window.cuestudio.status === "running", null, { timeout: pollMs + 5000, polling: 20 });
      assert.ok(Date.now() - resumedAt <= pollMs + 1000, `page ${p}: saw the resume after ${Date.now() - resumedAt} ms`);
      assert.equal(await page.locator(".cuestudio-overlay").isVisible(), false, `page ${p}: the overlay is gone`);
    }),
  );
  const lastCue = 32_000;
  await until(async () => Date.now() > start2 + lastCue + 400, { timeoutMs: 15_000, everyMs: 50, what: "the cues at 32000" });
  const errs = [];
  for (const [p, { page, errors }] of pages.entries()) {
    const r = await report(page);
    const after = r.log.filter((e) => e.time >= 24_000);
    assert.deepEqual(
      after.map((e) => [e.time, e.action, e.skipped]),
      [
        [24000, "textFade", false],
        [32000, "colorWash", false],
        [32000, "fireworks", false],
      ],
      `page ${p}: from 24000 on every cue fired once, none skipped`,
    );
    for (const [i, e] of r.log.entries()) {
      if (e.time !== lastCue) continue;
      const err = e.localMs + deltas[p] - (start2 + e.time);
      const frame = Math.max(FRAME_MS, r.clocks[i].gap ?? FRAME_MS);
      assert.ok(Math.abs(err) <= r.clocks[i].errorBoundMs + frame + 1, `page ${p}: ${e.action}@${e.time} after the resume fired ${round1(err)} ms off`);
      errs.push(round1(err));
    }
    assert.deepEqual(errors.filter((x) => !/autoplay|play\(\)/i.test(x)), [], `page ${p}: errors`);
  }
  t.diagnostic(`pause seen after ${seen.map((s) => s.at - pausedAt).join("/")} ms; after the resume the 32000 cues fired ${errs.join("/")} ms off`);
});
