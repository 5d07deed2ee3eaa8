// The page's media follower: the correction rule, and the shell driven by a fake element.
import { test } from "node:test";
import assert from "node:assert/strict";
import { correction, syncMedia, SEEK_THRESHOLD_S, TARGET_S, MAX_RATE_DELTA } from "../mediasync.js";

test("small errors are left alone, medium ones corrected by rate, large ones by seeking", () => {
  assert.deepEqual(correction(0), { action: "none", rate: 1 });
  assert.deepEqual(correction(TARGET_S), { action: "none", rate: 1 });
  // 100 ms ahead: slow down by 0.1/2 = 5 %; behind: speed up.
  assert.deepEqual(correction(0.1), { action: "rate", rate: 1 - 0.05 });
  assert.deepEqual(correction(-0.04), { action: "rate", rate: 1 + 0.02 });
  // The rate change is capped.
  assert.equal(correction(0.4).rate, 1 - MAX_RATE_DELTA);
  assert.equal(correction(SEEK_THRESHOLD_S + 0.001).action, "seek");
  assert.equal(correction(-3).action, "seek");
  assert.equal(correction(NaN).action, "seek");
});

function fakeMedia() {
  return {
    paused: true, currentTime: 0, duration: 600, playbackRate: 1, muted: false, plays: 0,
    play() { this.paused = false; this.plays++; return Promise.resolve(); },
    pause() { this.paused = true; },
  };
}

test("the media follows show time: waits, seeks on start, pauses with the show, resumes in place", () => {
  const show = { status: "running", t: null, showTime() { return this.t; } };
  const media = fakeMedia();
  const states = [];
  const sync = syncMedia(show, media, { intervalMs: 1e9, onState: (s) => states.push(s) });
  try {
    // Not synced yet: nothing plays.
    assert.equal(media.paused, true);
    // Before the start: parked, waiting.
    show.t = -2000; sync.tick();
    assert.equal(media.paused, true);
    // Started 12 s ago: seek there (a little ahead) and play.
    show.t = 12_000; sync.tick();
    assert.equal(media.paused, false);
    assert.ok(Math.abs(media.currentTime - 12.05) < 1e-9, `${media.currentTime}`);
    // 100 ms ahead: the rate slows it down, no seek.
    media.currentTime = 12.2; show.t = 12_100; sync.tick();
    assert.ok(media.playbackRate < 1);
    assert.equal(media.currentTime, 12.2);
    // The operator pauses: the element pauses at the frozen show time.
    show.status = "paused"; show.t = 13_000; media.currentTime = 13.3; sync.tick();
    assert.equal(media.paused, true);
    assert.equal(media.currentTime, 13);
    assert.equal(media.playbackRate, 1);
    // Resume continues from there.
    show.status = "running"; sync.tick();
    assert.equal(media.paused, false);
    assert.equal(media.currentTime, 13);
    assert.deepEqual(states, ["waiting", "playing", "paused", "playing"]);
  } finally {
    sync.stop();
  }
});

test("a refused play() (autoplay rules) is reported, and unlock() retries", async () => {
  const show = { status: "running", showTime: () => 1000 };
  const media = fakeMedia();
  let refuse = true;
  media.play = function () {
    if (refuse) return Promise.reject(new Error("NotAllowedError"));
    this.paused = false; return Promise.resolve();
  };
  const states = [];
  const sync = syncMedia(show, media, { intervalMs: 1e9, onState: (s) => states.push(s) });
  try {
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(sync.blocked(), true);
    assert.equal(states.at(-1), "blocked");
    refuse = false;
    sync.unlock();
    assert.equal(media.paused, false);
    assert.equal(states.at(-1), "playing");
  } finally {
    sync.stop();
  }
});
