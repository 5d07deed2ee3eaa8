// The clock: the estimator against timesync's own answers (shared vectors), then the sync
// loop on a virtual clock: the start burst, polls as samples, backoff, resync, re-bursts on
// a wall-clock step and on request, timeouts and garbage.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Estimator, ClockSync, backoffMs, parseReply, BURST, RESYNC_MS, DRIFT_PPM, STALE_MS, CLOCK_STEP_MS } from "../clock.js";
import { World } from "./support/world.mjs";

const vectors = JSON.parse(readFileSync(new URL("./vectors/clock.json", import.meta.url)));

test("the constants are timesync's", () => {
  assert.deepEqual(
    { DRIFT_PPM, RESYNC_MS, BURST, STALE_MS, CLOCK_STEP_MS },
    vectors.constants,
  );
});

for (const c of vectors.cases) {
  test(`estimator vectors: ${c.name}`, () => {
    const e = new Estimator();
    let checks = 0;
    c.ops.forEach((op, i) => {
      if (op.op === "begin") e.beginBurst();
      else if (op.op === "end") e.endBurst();
      else if (op.op === "add") e.add(op);
      else {
        checks += 1;
        const est = e.estimate(op.mono, op.wall);
        const got = {
          serverNow: e.serverNow(op.mono),
          offsetMs: est?.offsetMs ?? null,
          errorBoundMs: est?.errorBoundMs ?? null,
          rttMs: est?.rttMs ?? null,
          ageMs: est?.ageMs ?? null,
          resyncDue: e.resyncDue(op.mono),
          stale: e.isStale(op.mono),
          clockStepMs: e.clockStepMs(op.mono, op.wall),
          wallStepMs: e.wallStepMs(op.mono, op.wall),
        };
        assert.deepEqual(got, op.expect, `op ${i}`);
      }
    });
    assert.ok(checks > 0, "the case checks something");
  });
}

test("backoff vectors", () => {
  for (const b of vectors.backoff) assert.equal(backoffMs(b.failures, b.jitter), b.ms, JSON.stringify(b));
});

test("a reply must have an integer serverTime and a known status", () => {
  assert.deepEqual(parseReply('{"serverTime":5,"status":"paused","message":"休憩中"}'), {
    serverTime: 5,
    status: "paused",
    message: "休憩中",
    eventStart: null,
    position: null,
  });
  assert.throws(() => parseReply('{"serverTime":5.5,"status":"running"}'), /serverTime/);
  assert.throws(() => parseReply('{"serverTime":5,"status":"stopped"}'), /status/);
  assert.throws(() => parseReply("<html>"));
});

function clockIn(world, extra = {}) {
  const replies = [];
  const errors = [];
  const sync = new ClockSync({
    url: "http://time.test/time",
    fetch: world.fetch,
    mono: world.now,
    wall: world.wallNow,
    setTimeout: world.setTimeout,
    clearTimeout: world.clearTimeout,
    random: () => 0.5,
    pollMs: 5000,
    onReply: (r, why) => replies.push({ r, why, at: world.t }),
    onError: (e, failures, retryMs) => errors.push({ message: e.message, failures, retryMs, at: world.t }),
    ...extra,
  });
  return { sync, replies, errors };
}

test("a burst of 8 at start pins the offset within its bound; then a poll every 5 s is a sample", async () => {
  const w = new World({ serverOffset: 5_000, up: 7, down: 13 });
  const { sync, replies } = clockIn(w);
  const started = sync.start();
  await w.advance(1_000);
  await started;
  assert.equal(w.timeRequests().length, BURST);
  assert.equal(replies[0].why, "start");
  const c = sync.clock;
  // Each round trip is 20 ms with the server read 7 ms in: the estimate is off by 3 ms at
  // most and says so.
  assert.ok(Math.abs(c.offsetMs - 5_000) <= c.errorBoundMs, JSON.stringify(c));
  assert.ok(c.errorBoundMs <= 12, JSON.stringify(c));
  assert.equal(c.rttMs, 20);
  assert.ok(Math.abs(sync.serverNow() - w.serverTime()) <= c.errorBoundMs);
  const syncedAt = c.syncedAt;
  await w.advance(5_000);
  assert.equal(w.timeRequests().length, BURST + 1, "one poll");
  assert.equal(replies.at(-1).why, null);
  assert.ok(sync.clock.syncedAt > syncedAt, "the poll's sample moved the anchor forward");
  await w.advance(20_000);
  assert.equal(w.timeRequests().length, BURST + 5);
  sync.stop();
});

test("failures back off 1 s, 2 s, 4 s … and the show keeps the last estimate; recovery resumes polling", async () => {
  const w = new World({ serverOffset: -3_000 });
  const { sync, errors, replies } = clockIn(w);
  sync.start();
  await w.advance(1_000);
  const before = sync.serverNow() - w.serverTime();
  w.server.down = true;
  // Polls at 5.16 s, then retries 1 s, 2 s, 4 s after each failure; the fifth is due at 20.2 s.
  await w.advance(19_000);
  assert.deepEqual(
    errors.map((e) => [e.failures, e.retryMs]),
    [[1, 1000], [2, 2000], [3, 4000], [4, 8000]],
  );
  assert.ok(errors.every((e) => /Failed to fetch/.test(e.message)));
  // Polls failed from 6 s on: estimate still there, as good as before (no drift here).
  assert.notEqual(sync.serverNow(), null);
  assert.ok(Math.abs(sync.serverNow() - w.serverTime() - before) < 1);
  w.server.down = false;
  const n = replies.length;
  await w.advance(16_000);
  assert.ok(replies.length > n, "back in sync");
  assert.equal(sync.failures, 0);
  const polls = w.timeRequests().filter((r) => r.at > w.t - 10_000);
  assert.equal(polls.length, 2, "polling every 5 s again");
  sync.stop();
});

test("a server that is down at start is retried; start() does not throw", async () => {
  const w = new World({ serverOffset: 250 });
  w.server.down = true;
  const { sync, errors } = clockIn(w);
  const started = sync.start();
  await w.advance(100);
  await started;
  assert.equal(sync.serverNow(), null);
  assert.equal(sync.clock.offsetMs, null);
  assert.equal(w.timeRequests().length, 1, "a burst gives up at the first failure before any success");
  w.server.down = false;
  await w.advance(1_500);
  assert.equal(errors.length, 1);
  assert.ok(Math.abs(sync.clock.offsetMs - 250) <= sync.clock.errorBoundMs);
  sync.stop();
});

test("a burst every 5 minutes", async () => {
  const w = new World();
  const { sync, replies } = clockIn(w);
  sync.start();
  await w.advance(RESYNC_MS + 6_000);
  const bursts = replies.filter((r) => r.why !== null).map((r) => r.why);
  assert.deepEqual(bursts, ["start", "resync"]);
  assert.equal(w.timeRequests().length, BURST * 2 + 59, "polls in between");
  sync.stop();
});

test("a wall-clock step is seen at once and answered with a burst; server time does not move", async () => {
  const w = new World({ serverOffset: 40 });
  const { sync, replies } = clockIn(w);
  sync.start();
  await w.advance(2_000);
  const n = w.timeRequests().length;
  const before = sync.serverNow() - w.serverTime();
  w.wallStep = 30_000;
  assert.equal(sync.checkStep(), 30_000);
  assert.equal(sync.settling, true, "the show waits for the burst");
  await w.advance(500);
  assert.equal(w.timeRequests().length, n + BURST);
  assert.equal(replies.at(-1).why, "clockStep");
  assert.equal(sync.settling, false);
  assert.equal(sync.checkStep(), null, "the burst took the new wall clock in");
  assert.ok(Math.abs(sync.serverNow() - w.serverTime() - before) <= 1);
  assert.ok(Math.abs(sync.clock.offsetMs - (40 - 30_000)) <= sync.clock.errorBoundMs, "offset is against the wall clock");
  // A step under CLOCK_STEP_MS is not one.
  w.wallStep += CLOCK_STEP_MS;
  assert.equal(sync.checkStep(), null);
  sync.stop();
});

test("a burst on request (the tab came back), not waiting for the next poll", async () => {
  const w = new World();
  const { sync, replies } = clockIn(w);
  sync.start();
  await w.advance(2_000);
  const n = w.timeRequests().length;
  sync.requestBurst("visible");
  await w.advance(400);
  assert.equal(w.timeRequests().length, n + BURST);
  assert.equal(replies.at(-1).why, "visible");
  // The regular poll comes 5 s after the burst, once.
  await w.advance(5_000);
  assert.equal(w.timeRequests().length, n + BURST + 1);
  sync.stop();
});

test("one burst at a time: requests while one runs or within a second after it are dropped", async () => {
  const w = new World();
  const { sync, replies } = clockIn(w);
  sync.start();
  await w.advance(2_000);
  const n = w.timeRequests().length;
  // A tab back from frozen: `resume` and `visibilitychange` in the same task.
  sync.requestBurst("resume");
  sync.requestBurst("visible");
  await w.advance(100);
  sync.requestBurst("pageshow"); // while the burst runs
  await w.advance(300);
  assert.equal(w.timeRequests().length, n + BURST, "8 requests, not 16");
  sync.requestBurst("visible"); // under a second after it ended
  await w.advance(500);
  assert.equal(w.timeRequests().length, n + BURST);
  assert.deepEqual(replies.filter((r) => r.why !== null).map((r) => r.why), ["start", "resume"]);
  // A second and more after it: a burst again.
  await w.advance(600);
  sync.requestBurst("visible");
  await w.advance(400);
  assert.equal(w.timeRequests().length, n + 2 * BURST);
  // A request during a regular poll waits for it, then bursts (once).
  const m = w.timeRequests().length;
  while (w.timeRequests().length === m) await w.advance(1);
  assert.ok(sync.inFlight && sync.bursting === null, "a poll is on its way");
  sync.requestBurst("visible");
  sync.requestBurst("resume");
  await w.advance(400);
  assert.equal(w.timeRequests().length, m + 1 + BURST);
  assert.equal(replies.at(-1).why, "visible");
  sync.stop();
});

test("a wall-clock step right after a burst is not dropped: the show waits for its burst", async () => {
  const w = new World();
  const { sync } = clockIn(w);
  sync.start();
  await w.advance(2_000);
  sync.requestBurst("visible");
  await w.advance(300);
  const n = w.timeRequests().length;
  w.wallStep += 30_000;
  assert.notEqual(sync.checkStep(), null);
  assert.equal(sync.settling, true);
  await w.advance(300);
  assert.equal(w.timeRequests().length, n + BURST);
  assert.equal(sync.settling, false);
  sync.stop();
});

test("a reply later than the timeout is a failure, and garbage is one too", async () => {
  const w = new World();
  const { sync, errors } = clockIn(w, { timeoutMs: 2_000 });
  sync.start();
  await w.advance(1_000);
  w.server.hang = true;
  await w.advance(5_000 + 2_000);
  assert.match(errors[0].message, /no reply within 2000 ms/);
  w.server.hang = false;
  w.server.garbage = true;
  await w.advance(2_000);
  assert.match(errors[1].message, /time\.test\/time: .*JSON/);
  sync.stop();
});

test("while the show is paused, the status is polled every second", async () => {
  const w = new World();
  w.setPosition(0);
  const { sync } = clockIn(w);
  sync.start();
  await w.advance(6_000);
  w.pause("休憩");
  await w.advance(5_000);
  const n = w.timeRequests().length;
  await w.advance(3_000);
  assert.equal(w.timeRequests().length, n + 3);
  sync.stop();
});
