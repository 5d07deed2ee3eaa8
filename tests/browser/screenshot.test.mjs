// Screenshot: the sample show's published demo page at 1280×720, in the middle of a colour
// wash with two fireworks (show time 130500), saved for a person to look at
// ($CUESTUDIO_SCREENSHOT, else the temp folder). The test checks what it can without eyes:
// the cues fired, the effects canvas is painted, the title and the clock are shown.

import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { launch, openShow, pageUrl, publish, report, sampleShow, startServer, tmpDir, until } from "./support.mjs";

const AT = 130_500;

test("the published demo page at an effect", { timeout: 60_000 }, async (t) => {
  const dir = tmpDir();
  const bundle = `${dir}/dist`;
  const manifest = await publish(sampleShow, bundle, { timeServer: "http://127.0.0.1:9/time" });
  const server = await startServer(bundle);
  t.after(() => server.close());
  const start = Date.now() + 3000 - 127_000; // show time 127000 in 3 s
  await server.admin({ eventStart: start });
  const browser = await launch(["--autoplay-policy=no-user-gesture-required"]);
  t.after(() => browser.close());
  const { page, errors } = await openShow(browser, pageUrl(server.base, server.timeUrl), { viewport: { width: 1280, height: 720 } });
  // The start overlay asks for the tap that browsers want before sound; the tap hides it.
  assert.ok(await page.locator("#start").isVisible(), "the start overlay shows");
  await page.locator("#start-button").click();
  assert.equal(await page.locator("#start").isVisible(), false, "the start overlay is gone after the tap");

  await until(async () => Date.now() >= start + AT, { timeoutMs: 15_000, everyMs: 10, what: `show time ${AT}` });
  const file = process.env.CUESTUDIO_SCREENSHOT ?? path.join(os.tmpdir(), "cuestudio-demo-page.png");
  await page.screenshot({ path: file });
  const r = await report(page);
  const painted = await page.evaluate(() => {
    // The canvas is drawn by a worker (its control transferred: no context here), so its
    // picture is copied to a fresh canvas to be read.
    const c = document.querySelector("canvas");
    const copy = Object.assign(document.createElement("canvas"), { width: c.width, height: c.height });
    const ctx = copy.getContext("2d");
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1;
    return { fraction: n / (d.length / 4), width: c.width, height: c.height, worker: window.cuestudio.layer.state };
  });
  const fired = r.log.filter((e) => !e.skipped).map((e) => `${e.action}@${e.time}`);
  for (const cue of ["colorWash@128000", "fireworks@128000", "fireworks@130000"]) assert.ok(fired.includes(cue), `${cue} fired (fired: ${fired})`);
  assert.equal(painted.width, 1280);
  assert.equal(painted.worker, "worker", "the effects are drawn in the worker");
  assert.ok(painted.fraction > 0.5, `the colour wash covers the canvas (${painted.fraction})`);
  assert.equal(await page.locator("header h1").textContent(), manifest.title);
  assert.match(await page.locator("#info").textContent(), /^2:1\d · ±\d+ ms$/);
  assert.equal(await page.locator("#start").isVisible(), false, "the start overlay stays away");
  assert.deepEqual(errors.filter((x) => !/autoplay|play\(\)/i.test(x)), []);
  t.diagnostic(`screenshot at show time ${AT}: ${file}`);
});
