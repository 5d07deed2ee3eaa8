// The scheduler: the skip rule on its own, then whole shows on a virtual clock through
// start(): a late join, pause and resume, a frozen tab, suspended animation frames, and
// firing on the frame nearest each cue.
import test from "node:test";
import assert from "node:assert/strict";
import { Scheduler, effectiveTolerance, FRAME_SLACK_MS } from "../scheduler.js";
import { start } from "../cuestudio.js";
import { World, env } from "./support/world.mjs";

const tick = (s, pos, extra = {}) => s.tick({ pos, serverNow: 1e12 + pos, localMs: 5e11 + pos, ...extra }).map((x) => x.entry);

test("the tolerance: the cue's, else its catalog entry's, else the default", () => {
  const catalog = { fireworks: { kind: "burst", tolerance: 150 }, plain: { kind: "flash" } };
  assert.equal(effectiveTolerance({ time: 0, action: "fireworks", tolerance: 700 }, catalog), 700);
  assert.equal(effectiveTolerance({ time: 0, action: "fireworks" }, catalog), 150);
  assert.equal(effectiveTolerance({ time: 0, action: "plain" }, catalog), 500);
  assert.equal(effectiveTolerance({ time: 0, action: "unknown" }, catalog, 800), 800);
  assert.equal(effectiveTolerance({ time: 0, action: "toString" }, catalog), 500, "not an Object.prototype key");
});

test("joining late: past its tolerance a cue is skipped, within it it fires late; each once, in order", () => {
  const s = new Scheduler([
    { time: 3000, action: "c", tolerance: 100 },
    { time: 0, action: "a", tolerance: 5000 },
    { time: 1000, action: "b", tolerance: 100 },
    { time: 9000, action: "d", tolerance: 100 },
  ]);
  const first = tick(s, 3050);
  assert.deepEqual(first.map((e) => [e.action, e.lateMs, e.skipped]), [["a", 3050, false], ["b", 2050, true], ["c", 50, false]]);
  assert.deepEqual(Object.keys(first[0]), ["time", "action", "firedAtServerMs", "lateMs", "skipped", "localMs"]);
  assert.deepEqual(first[0], { time: 0, action: "a", firedAtServerMs: 1e12 + 3050, lateMs: 3050, skipped: false, localMs: 5e11 + 3050 });
  assert.deepEqual(tick(s, 8999), []);
  assert.deepEqual(tick(s, 3000), [], "show time going back fires nothing again");
  assert.deepEqual(tick(s, 9100).map((e) => [e.action, e.skipped]), [["d", false]]);
  assert.deepEqual(tick(s, 9101).length, 0);
  assert.ok(s.done);
});

test("exactly at the tolerance fires, 1 ms past it is skipped; a frame's slack for tiny tolerances", () => {
  const s = new Scheduler([
    { time: 100, action: "edge", tolerance: 300 },
    { time: 100, action: "over", tolerance: 299 },
    { time: 1000, action: "zero", tolerance: 0 },
    { time: 2000, action: "zeroLate", tolerance: 0 },
  ]);
  assert.deepEqual(tick(s, 400).map((e) => [e.action, e.skipped]), [["edge", false], ["over", true]]);
  assert.deepEqual(tick(s, 1000 + FRAME_SLACK_MS).map((e) => [e.action, e.skipped]), [["zero", false]]);
  assert.deepEqual(tick(s, 2000 + FRAME_SLACK_MS + 1).map((e) => [e.action, e.skipped]), [["zeroLate", true]]);
});

test("lateMs and firedAtServerMs are whole ms, as follow --json prints them; localMs is as measured", () => {
  const s = new Scheduler([
    { time: 0, action: "a", tolerance: 5000 },
    { time: 3050, action: "b", tolerance: 0 },
    { time: 5000, action: "edge", tolerance: 300 },
    { time: 6000, action: "over", tolerance: 300 },
  ]);
  const [a] = s.tick({ pos: 3049.6, serverNow: 1e12 + 3049.5, localMs: 5e11 + 3049.25 }).map((x) => x.entry);
  assert.deepEqual(a, { time: 0, action: "a", firedAtServerMs: 1e12 + 3050, lateMs: 3050, skipped: false, localMs: 5e11 + 3049.25 });
  const [b] = tick(s, 3049.6, { leadMs: 8 });
  assert.ok(Object.is(b.lateMs, 0), "-0.4 rounds to 0, not -0");
  // The skip rule reads the rounded lateMs, so the log is consistent with it.
  assert.deepEqual(tick(s, 5300.4).map((e) => [e.lateMs, e.skipped]), [[300, false]]);
  assert.deepEqual(tick(s, 6300.5).map((e) => [e.lateMs, e.skipped]), [[301, true]]);
});

test("the frame nearest the cue: due half a frame early, not more", () => {
  const s = new Scheduler([{ time: 1000, action: "x", tolerance: 0 }]);
  assert.deepEqual(tick(s, 991, { leadMs: 8.3 }), [], "9 ms early: the next frame is nearer");
  const [e] = tick(s, 992, { leadMs: 8.3 });
  assert.equal(e.lateMs, -8);
  assert.equal(e.skipped, false);
});

test("cues the show passed before the page learnt of a resume fire late, never skipped", () => {
  const s = new Scheduler([
    { time: 6000, action: "before the pause", tolerance: 100 },
    { time: 7100, action: "during the lag", tolerance: 100 },
    { time: 7500, action: "after", tolerance: 100 },
  ]);
  const got = tick(s, 7900, { catchUpFrom: 7000, catchUpTo: 7400 });
  assert.deepEqual(got.map((e) => [e.action, e.lateMs, e.skipped]), [
    ["before the pause", 1900, true],
    ["during the lag", 800, false],
    ["after", 400, true],
  ]);
});

// ---------------------------------------------------------------------------------------
// Whole shows on a virtual clock.

async function run(world, cues, extra = {}) {
  const fired = [];
  const statuses = [];
  const p = start({
    ...env(world),
    manifest: { format: 1, title: "test", eventStart: null, catalog: {}, statusPollMs: 5000 },
    cues,
    onCue: (entry) => fired.push(entry),
    onStatus: (status, message) => statuses.push([status, message]),
    ...extra,
  });
  let show = null;
  let error = null;
  p.then((x) => (show = x), (e) => (error = e));
  while (!show && !error) await world.advance(10);
  if (error) throw error;
  return { show, fired, statuses };
}

test("late join (issue 11): 3 s after two cues, the one with tolerance 5000 fires ~3000 ms late, the one with 300 is skipped", async () => {
  const w = new World({ serverOffset: 12_345, up: 15, down: 25 });
  w.setPosition(4_000);
  const { show, fired } = await run(w, [
    { time: 1000, action: "wash", tolerance: 5000 },
    { time: 1000, action: "fireworks", tolerance: 300 },
    { time: 9000, action: "later", tolerance: 300 },
  ]);
  assert.deepEqual(show.log.map((e) => [e.action, e.skipped]), [["wash", false], ["fireworks", true]]);
  const [wash, fireworks] = show.log;
  // Joined after the 8-sample burst (320 ms): about 3,300 ms late, and lateMs is the true
  // lateness (from the world's clocks at localMs) within the clock's error bound.
  const trueLate = wash.localMs + w.server.offset - w.server.eventStart - 1_000;
  assert.ok(trueLate >= 3_300 && trueLate <= 3_400, `${trueLate}`);
  assert.ok(Math.abs(wash.lateMs - trueLate) <= show.clock.errorBoundMs, `lateMs ${wash.lateMs} vs ${trueLate}`);
  assert.equal(fireworks.lateMs, wash.lateMs);
  assert.deepEqual(fired.map((e) => e.action), ["wash"], "onCue only for the fired");
  await w.advance(5_000);
  assert.equal(show.log[2].action, "later");
  assert.ok(Math.abs(show.log[2].lateMs) <= 10, `on time: ${show.log[2].lateMs}`);
  show.stop();
});

test("fires on the frame nearest the cue (at most half a frame early), with the true firing time in localMs", async () => {
  const w = new World({ serverOffset: 0, up: 5, down: 5 });
  w.setPosition(0);
  const cues = Array.from({ length: 40 }, (_, i) => ({ time: 1000 + i * 137, action: `c${i}`, tolerance: 0 }));
  const { show } = await run(w, cues);
  await w.advance(8_000);
  assert.equal(show.log.length, 40);
  const frame = 1000 / 60;
  for (const e of show.log) {
    assert.equal(e.skipped, false, e.action);
    // Show time at localMs, from the world's own clocks: the true firing error.
    const trueShowTime = e.localMs + w.server.offset - w.server.eventStart;
    const err = trueShowTime - e.time;
    assert.ok(err >= -frame / 2 - 1 && err <= frame / 2 + 1, `${e.action}: ${err}`);
    // lateMs is rounded to whole ms (as follow's); localMs is not.
    assert.ok(Math.abs(e.lateMs - err) <= show.clock.errorBoundMs + 0.5, `${e.action}: lateMs ${e.lateMs} vs ${err}`);
    assert.ok(Number.isInteger(e.lateMs) && Number.isInteger(e.firedAtServerMs), JSON.stringify(e));
  }
  assert.ok(show.log.some((e) => !Number.isInteger(e.localMs)), "localMs keeps its fraction");
  show.stop();
});

test("pause and resume: nothing fires while paused, nothing is skipped, show time continues from the pause", async () => {
  const w = new World({ up: 20, down: 20 });
  w.setPosition(0);
  const cues = [
    { time: 2000, action: "before", tolerance: 50 },
    { time: 5600, action: "lagged", tolerance: 50 },
    { time: 7000, action: "next", tolerance: 50 },
    { time: 9000, action: "later", tolerance: 50 },
  ];
  const { show, fired, statuses } = await run(w, cues);
  await w.advance(5_000 - w.t);
  assert.deepEqual(show.log.map((e) => e.action), ["before"]);
  // 5.0 s: the operator pauses; this page's next poll is at about 5.4 s.
  w.pause("ただいま機材を調整しています");
  await w.advance(700);
  assert.equal(show.status, "paused");
  assert.equal(show.message, "ただいま機材を調整しています");
  assert.equal(show.showTime(), 5_000, "frozen at the server's position");
  await w.advance(20_000);
  assert.equal(show.showTime(), 5_000, "still frozen");
  assert.deepEqual(show.log.map((e) => e.action), ["before"], "nothing fired while paused");
  // Resume just after a poll left, so this page learns of it about a second later, when
  // the show is past 5,600 + its tolerance.
  const n = w.timeRequests().length;
  while (w.timeRequests().length === n) await w.advance(5);
  await w.advance(50);
  w.resume();
  await w.advance(700);
  assert.equal(show.status, "paused", "not known yet");
  await w.advance(500);
  assert.equal(show.status, "running");
  assert.ok(show.showTime() > 5_600 && show.showTime() < 6_300, `${show.showTime()}`);
  await w.advance(5_000);
  assert.deepEqual(show.log.map((e) => [e.action, e.skipped]), [["before", false], ["lagged", false], ["next", false], ["later", false]]);
  assert.ok(show.log[1].lateMs > 50, `lagged was past its tolerance: ${show.log[1].lateMs}`);
  assert.ok(Math.abs(show.log[2].lateMs) <= 10, `next on time: ${show.log[2].lateMs}`);
  assert.deepEqual(fired.map((e) => e.action), ["before", "lagged", "next", "later"]);
  assert.deepEqual(statuses, [["running", null], ["paused", "ただいま機材を調整しています"], ["running", null]]);
  show.stop();
});

test("joining during a pause: nothing fires until the resume, then the show goes on from the pause", async () => {
  const w = new World();
  w.setPosition(3_000);
  w.pause("まもなく再開します");
  const cues = [
    { time: 1000, action: "long ago", tolerance: 100 },
    { time: 2900, action: "before the pause", tolerance: 50 },
    { time: 3000, action: "at the pause", tolerance: 50 },
    { time: 3500, action: "after", tolerance: 100 },
  ];
  const { show } = await run(w, cues);
  await w.advance(3_000);
  assert.equal(show.status, "paused");
  assert.equal(show.showTime(), 3_000);
  assert.deepEqual(show.log, [], "nothing fires while paused");
  // Resume just after a poll left: this page learns of it about a second later.
  const n = w.timeRequests().length;
  while (w.timeRequests().length === n) await w.advance(5);
  await w.advance(30);
  w.resume();
  await w.advance(2_000);
  assert.deepEqual(show.log.map((e) => [e.action, e.skipped]), [
    ["long ago", true],
    ["before the pause", true],
    ["at the pause", false],
    ["after", false],
  ]);
  assert.ok(show.log[2].lateMs > 900, `caught up: ${show.log[2].lateMs}`);
  show.stop();
});

test("a frozen tab (10 s without frames or timers): past-tolerance cues are skipped, not fired in a burst", async () => {
  const w = new World();
  w.setPosition(0);
  const cues = [
    { time: 1000, action: "a", tolerance: 100 },
    { time: 3000, action: "b", tolerance: 200 },
    { time: 6000, action: "c", tolerance: 500 },
    { time: 9000, action: "d", tolerance: 8000 },
    { time: 12500, action: "e", tolerance: 100 },
    { time: 13000, action: "f", tolerance: 100 },
  ];
  const { show, fired } = await run(w, cues);
  await w.advance(1_700);
  await w.freeze(10_000); // 2.0 s → 12.0 s
  await w.advance(3_000);
  assert.deepEqual(show.log.map((e) => [e.action, e.skipped]), [
    ["a", false],
    ["b", true],
    ["c", true],
    ["d", false],
    ["e", false],
    ["f", false],
  ]);
  assert.deepEqual(fired.map((e) => e.action), ["a", "d", "e", "f"]);
  const thaw = show.log.find((e) => e.action === "b");
  assert.ok(thaw.lateMs > 8_500, `the first tick after the thaw: ${thaw.lateMs}`);
  assert.ok(Math.abs(show.log.find((e) => e.action === "f").lateMs) <= 9);
  show.stop();
});

test("with animation frames suspended, a timer fires the cues (aimed at their time)", async () => {
  const w = new World({ up: 5, down: 5 });
  w.frames = false;
  w.setPosition(0);
  const cues = [
    { time: 1000, action: "a", tolerance: 0 },
    { time: 1777, action: "b", tolerance: 0 },
    { time: 4321, action: "c", tolerance: 0 },
  ];
  const { show } = await run(w, cues);
  await w.advance(5_000);
  assert.deepEqual(show.log.map((e) => e.skipped), [false, false, false]);
  for (const e of show.log) assert.ok(e.lateMs >= 0 && e.lateMs <= 2 + show.clock.errorBoundMs, `${e.action} ${e.lateMs}`);
  show.stop();
});

test("a wall-clock step holds firing until the re-burst, then goes on", async () => {
  const w = new World({ up: 10, down: 10 });
  w.setPosition(0);
  const { show } = await run(w, [{ time: 2000, action: "a", tolerance: 1000 }]);
  await w.advance(1_990 - w.t);
  w.wallStep = -3_600_000;
  await w.advance(60);
  assert.equal(show.sync.settling, true, "the 160 ms burst is under way");
  assert.equal(show.log.length, 0, "the cue is due, but the estimate may be off");
  await w.advance(400);
  assert.equal(show.sync.settling, false);
  assert.equal(show.log.length, 1);
  assert.ok(show.log[0].lateMs > 100 && show.log[0].lateMs < 200, `${show.log[0].lateMs}`);
  show.stop();
});
