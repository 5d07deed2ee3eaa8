// The transport: follow's rule for show time from the server's replies.
import test from "node:test";
import assert from "node:assert/strict";
import { Transport, msFrom } from "../transport.js";

const running = (serverTime, eventStart, message = null) => ({ serverTime, status: "running", message, eventStart, position: eventStart === null ? null : serverTime - eventStart });
const paused = (serverTime, eventStart, position, message = null) => ({ serverTime, status: "paused", message, eventStart, position });

test("running: show time is serverNow − eventStart", () => {
  const tr = new Transport();
  assert.equal(tr.position(1_000), null, "nothing before the first reply");
  tr.update(running(10_000, 4_000), 10_000);
  assert.equal(tr.position(10_000), 6_000);
  assert.equal(tr.position(12_345.5), 8_345.5);
  assert.equal(tr.status, "running");
});

test("a pause freezes show time at the server's position and shows the message", () => {
  const tr = new Transport();
  tr.update(running(10_000, 4_000), 10_000);
  // The server paused at 11,000 (position 7,000); this page learns at 13,000.
  assert.equal(tr.update(paused(13_000, 4_000, 7_000, "機材調整中です"), 13_000), true);
  assert.equal(tr.status, "paused");
  assert.equal(tr.message, "機材調整中です");
  assert.equal(tr.position(13_000), 7_000);
  assert.equal(tr.position(60_000), 7_000, "frozen");
  assert.equal(tr.update(paused(14_000, 4_000, 7_000, "機材調整中です"), 14_000), false, "no change");
});

test("resume continues from where it paused; cues passed before the page knew are caught up", () => {
  const tr = new Transport();
  tr.update(running(10_000, 4_000), 10_000);
  tr.update(paused(13_000, 4_000, 7_000), 13_000);
  // Resumed at 20,000 after 9 s: the server's eventStart moved 9 s later.
  assert.equal(tr.catchUpTo, -Infinity);
  tr.update(running(20_400, 13_000), 20_400);
  assert.equal(tr.position(20_400), 7_400);
  assert.deepEqual([tr.catchUpFrom, tr.catchUpTo], [7_000, 7_400], "the show passed 7,000–7,400 while the page still saw a pause");
  assert.equal(tr.message, null);
});

test("a server without a transport: the manifest's start, with the pauses this page saw taken out", () => {
  const tr = new Transport("2026-01-01T09:00:00+09:00");
  const start = Date.UTC(2026, 0, 1, 0, 0, 0);
  assert.equal(tr.fixedStart, start);
  tr.update({ serverTime: start + 5_000, status: "running", message: null, eventStart: null, position: null }, start + 5_000);
  assert.equal(tr.position(start + 6_000), 6_000);
  tr.update({ serverTime: start + 8_000, status: "paused", message: "休憩", eventStart: null, position: null }, start + 8_000);
  assert.equal(tr.position(start + 30_000), 8_000);
  tr.update({ serverTime: start + 38_000, status: "running", message: null, eventStart: null, position: null }, start + 38_000);
  assert.equal(tr.position(start + 38_000), 8_000);
  assert.equal(tr.position(start + 39_000), 9_000);
});

test("the server's eventStart wins over the manifest's", () => {
  const tr = new Transport(1_000);
  tr.update(running(50_000, 20_000), 50_000);
  assert.equal(tr.position(50_000), 30_000);
});

test("no event start anywhere: no show time", () => {
  const tr = new Transport(null);
  tr.update({ serverTime: 5, status: "running", message: null, eventStart: null, position: null }, 5);
  assert.equal(tr.position(10), null);
});

test("a pause without a position freezes where the page was", () => {
  const tr = new Transport();
  tr.update(running(10_000, 4_000), 10_000);
  tr.update({ serverTime: 12_000, status: "paused", message: null, eventStart: 4_000, position: null }, 12_000);
  assert.equal(tr.position(15_000), 8_000);
});

test("event starts from RFC 3339 or ms", () => {
  assert.equal(msFrom("2026-12-24T19:00:00+09:00"), Date.UTC(2026, 11, 24, 10, 0, 0));
  assert.equal(msFrom("2026-12-24T10:00:00.250Z"), Date.UTC(2026, 11, 24, 10, 0, 0, 250));
  assert.equal(msFrom(123), 123);
  assert.equal(msFrom(null), null);
  assert.equal(msFrom("not a time"), null);
});
