// Late join: a page that opens 3 s after two cues fires the one whose tolerance (5000)
// still covers it, about 3000 ms late (plus the time the page takes to start), and skips
// the one with tolerance 300; the next cue, 3 s after the join, fires on time.

import assert from "node:assert/strict";
import { test } from "node:test";
import { FRAME_MS, clockDelta, launch, openShow, pageUrl, publish, report, round1, startServer, tmpDir, until, writeShow } from "./support.mjs";

const CUES = [
  { time: 2000, action: "colorWash", tolerance: 5000 },
  { time: 2000, action: "fireworks", tolerance: 300 },
  { time: 8000, action: "flash", tolerance: 300 },
];

test("a page joining 3 s late fires the cue with tolerance 5000 late and skips the one with 300", { timeout: 60_000 }, async (t) => {
  const dir = tmpDir();
  const bundle = `${dir}/dist`;
  await publish(writeShow(dir, CUES, { title: "Late join" }), bundle, { timeServer: "http://127.0.0.1:9/time" });
  const server = await startServer(bundle);
  t.after(() => server.close());
  const browser = await launch();
  t.after(() => browser.close());
  // Warm the browser up, so the page below starts as soon as it can.
  await (await browser.newPage()).close();

  const joinAt = Date.now();
  const eventStart = joinAt - 5000; // the two cues were due 3 s ago
  await server.admin({ eventStart });
  const { page, errors } = await openShow(browser, pageUrl(server.base, server.timeUrl));
  const readyAt = Date.now();
  const delta = await clockDelta(page);
  await until(async () => (await report(page)).log.length === 3, { timeoutMs: 10_000, what: "the three cues" });
  const { log, clocks } = await report(page);
  assert.deepEqual(errors, []);

  const [wash, fireworks, flash] = log;
  assert.equal(wash.action, "colorWash");
  assert.equal(wash.skipped, false, "the cue with tolerance 5000 fires");
  const late = wash.localMs + delta - (eventStart + 2000); // how late it truly fired
  assert.ok(wash.lateMs >= 3000 - clocks[0].errorBoundMs - 1 && wash.lateMs <= 3000 + (readyAt - joinAt) + FRAME_MS, `lateMs ${wash.lateMs}: about 3000 (the page took ${readyAt - joinAt} ms to start)`);
  assert.ok(Math.abs(wash.lateMs - late) <= clocks[0].errorBoundMs + 1, `lateMs ${wash.lateMs} vs truly ${round1(late)} ms late`);

  assert.equal(fireworks.action, "fireworks");
  assert.equal(fireworks.skipped, true, "the cue with tolerance 300 is skipped");
  assert.ok(fireworks.lateMs > 300);

  assert.equal(flash.skipped, false, "the next cue fires");
  const err = flash.localMs + delta - (eventStart + 8000);
  const frame = Math.max(FRAME_MS, clocks[2].gap ?? FRAME_MS);
  assert.ok(Math.abs(err) <= clocks[2].errorBoundMs + frame + 1, `the next cue fired ${round1(err)} ms off`);
  t.diagnostic(`joined ${wash.lateMs} ms late (page start ${readyAt - joinAt} ms); the next cue ${round1(err)} ms off`);
});
