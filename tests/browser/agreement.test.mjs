// Agreement: the event page and `cuestudio follow --json` on the same time server and the
// same published cue sheet fire the same cues, within 20 ms of each other.
//
// The page's firing instant is its localMs on this machine's clock (the server's); follow's
// is its firedAtServerMs, its estimate of server time at firing (direct on loopback, its
// error bound is a millisecond or two: checked below against when its line arrived).

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { bin, clockDelta, launch, openShow, pageUrl, publish, report, round1, startServer, tmpDir, until, writeShow } from "./support.mjs";

const ACTIONS = ["fireworks", "flash", "colorWash", "textFade", "showParticles"];
const CUES = Array.from({ length: 19 }, (_, i) => ({ time: 500 + i * 250, action: ACTIONS[i % ACTIONS.length] }));

test("the page and cuestudio follow fire the same cues within 20 ms of each other", { timeout: 60_000 }, async (t) => {
  const dir = tmpDir();
  const bundle = `${dir}/dist`;
  const manifest = await publish(writeShow(dir, CUES, { title: "Agreement" }), bundle, { timeServer: "http://127.0.0.1:9/time" });
  const server = await startServer(bundle);
  t.after(() => server.close());
  const start = Date.now() + 4000;
  await server.admin({ eventStart: start });

  const sheet = path.join(bundle, manifest.cues.path);
  const follow = spawn(bin("cuestudio"), ["follow", "--server", server.timeUrl, sheet, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
  const killer = setTimeout(() => follow.kill("SIGKILL"), 30_000);
  t.after(() => {
    clearTimeout(killer);
    follow.kill("SIGKILL");
  });
  const lines = [];
  let buf = "";
  let stderr = "";
  follow.stderr.on("data", (d) => (stderr += d));
  follow.stdout.on("data", (d) => {
    const at = Date.now();
    buf += d;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      lines.push({ at, v: JSON.parse(buf.slice(0, nl)) });
      buf = buf.slice(nl + 1);
    }
  });
  const exited = new Promise((resolve) => follow.on("close", (code) => resolve(code)));

  const browser = await launch();
  t.after(() => browser.close());
  const { page, errors } = await openShow(browser, pageUrl(server.base, server.timeUrl));
  assert.ok(Date.now() < start + CUES[0].time - 300, `the page took too long to start (${Date.now() - start + 4000} ms)`);
  const delta = await clockDelta(page);

  assert.equal(await exited, 0, `follow: ${stderr}`);
  await until(async () => (await report(page)).log.length === CUES.length, { timeoutMs: 5000, what: "the page's last cue" });
  const r = await report(page);
  assert.deepEqual(errors, []);

  const sync = lines.find((l) => l.v.sync === "start");
  assert.ok(sync, "follow reports its sync");
  const fired = lines.filter((l) => "firedAtServerMs" in l.v);
  assert.deepEqual(
    fired.map((l) => [l.v.time, l.v.action, l.v.skipped ?? false]),
    r.log.map((e) => [e.time, e.action, e.skipped]),
    "the same cues, in the same order, fired or skipped alike",
  );
  const diffs = [];
  for (const [i, e] of r.log.entries()) {
    const f = fired[i];
    assert.equal(e.skipped, false, `${e.action}@${e.time} fired`);
    // follow's estimate is honest: its line cannot arrive before the cue fired.
    assert.ok(f.at >= f.v.firedAtServerMs - sync.v.errorBoundMs - 1, `follow's line for ${e.time} arrived ${f.v.firedAtServerMs - f.at} ms before it fired`);
    const d = e.localMs + delta - f.v.firedAtServerMs;
    diffs.push(d);
    assert.ok(Math.abs(d) <= 20, `${e.action}@${e.time}: the page fired ${round1(d)} ms from follow`);
  }
  const abs = diffs.map(Math.abs);
  t.diagnostic(
    `page − follow over ${diffs.length} cues: max |d| ${round1(Math.max(...abs))} ms, mean ${round1(diffs.reduce((a, b) => a + b, 0) / diffs.length)} ms; ` +
      `bounds: page ${r.clock.errorBoundMs} ms, follow ${sync.v.errorBoundMs} ms`,
  );
});
