// The public API: start() with a manifest URL (the cue sheet fetched with its SRI hash),
// the show object, handlers per action, the default pause overlay and its replacement.
import test from "node:test";
import assert from "node:assert/strict";
import { start } from "../cuestudio.js";
import { World, env, fakeDocument } from "./support/world.mjs";

const MANIFEST = "https://cdn.test/live/manifest.json";
const CUES = "https://cdn.test/live/cues.0123abcd.json";

function published(world, cues, manifest = {}) {
  world.routes = {
    [MANIFEST]: {
      format: 1,
      title: "星空ライブ",
      eventStart: null,
      timeServer: "http://time.test/time",
      statusPollMs: 5000,
      cues: { path: "cues.0123abcd.json", integrity: "sha256-AAAA" },
      media: null,
      catalog: {
        fireworks: { kind: "burst", label: "Fireworks", color: "#ff8040", tolerance: 150, duration: 1500, params: { count: 60 } },
        showOpening: { kind: "textFade", label: "Show opening", color: "#ffffff", tolerance: 2000, duration: 4000, params: { text: "ようこそ" } },
      },
      ...manifest,
    },
    [CUES]: cues,
  };
}

async function started(world, opts) {
  const p = start({ ...env(world), timeServer: undefined, ...opts });
  let show = null;
  let error = null;
  p.then((x) => (show = x), (e) => (error = e));
  while (!show && !error) await world.advance(10);
  if (error) throw error;
  return show;
}

test("start() loads the manifest (no-cache) and the cue sheet with its integrity, relative to the manifest", async () => {
  const w = new World({ serverOffset: 777 });
  w.setPosition(0);
  published(w, [{ time: 100, action: "showOpening", tolerance: 2000, duration: 4000, params: { text: "ようこそ" } }]);
  const show = await started(w, { manifest: MANIFEST });
  const [m, c] = w.requests;
  assert.deepEqual([m.url, m.init], [MANIFEST, { cache: "no-cache" }]);
  assert.deepEqual([c.url, c.init], [CUES, { integrity: "sha256-AAAA" }]);
  assert.equal(show.timeServer, "http://time.test/time");
  assert.ok(w.requests.slice(2).every((r) => r.url === "http://time.test/time" && r.init.cache === "no-store"));
  assert.equal(show.manifest.title, "星空ライブ");
  assert.deepEqual(Object.keys(show.clock), ["offsetMs", "errorBoundMs", "rttMs", "syncedAt"]);
  assert.ok(Math.abs(show.clock.offsetMs - 777) <= show.clock.errorBoundMs);
  assert.ok(Math.abs(show.now() - w.serverTime()) <= show.clock.errorBoundMs);
  assert.ok(Math.abs(show.showTime() - w.serverPosition()) <= show.clock.errorBoundMs + 1);
  assert.equal(show.status, "running");
  assert.equal(show.message, null);
  await w.advance(500);
  assert.deepEqual(show.log.map((e) => e.action), ["showOpening"]);
  show.stop();
});

test("the timeServer option overrides the manifest's", async () => {
  const w = new World();
  w.setPosition(0);
  published(w, []);
  const show = await started(w, { manifest: MANIFEST, timeServer: "http://rehearsal.test/time" });
  assert.ok(w.requests.slice(2).every((r) => r.url === "http://rehearsal.test/time"));
  show.stop();
});

test("a cue sheet that is not one is refused with the cue that is wrong", async () => {
  const w = new World();
  published(w, [{ time: 0, action: "a" }, { time: -5, action: "b" }]);
  await assert.rejects(started(w, { manifest: MANIFEST }), /cues\[1\]\.time/);
  await assert.rejects(started(w, { manifest: { format: 2 } }), /format 2/);
  await assert.rejects(started(w, { manifest: { format: 1 }, cues: [] }), /no time server/);
});

test("handlers per action replace the built-in effect; onCue sees every fired cue", async () => {
  const w = new World();
  w.setPosition(0);
  const seen = [];
  const onCue = [];
  const canvasCalls = [];
  const ctx = new Proxy({}, { get: (_, k) => (...a) => canvasCalls.push(k), set: () => true });
  const canvas = { clientWidth: 320, clientHeight: 180, width: 0, height: 0, getContext: () => ctx };
  const show = await started(w, {
    manifest: { format: 1, timeServer: "http://time.test/time", catalog: {} },
    cues: [
      { time: 500, action: "confetti", params: { n: 3 } },
      { time: 600, action: "flash", duration: 300 },
    ],
    canvas,
    onCue: (entry) => onCue.push(entry.action),
    handlers: { confetti: (cue, entry, s) => seen.push([cue.params.n, entry.action, s === show]) },
  });
  show.on("flash", () => seen.push("mine"));
  await w.advance(1_000);
  assert.deepEqual(seen, [[3, "confetti", true], "mine"]);
  assert.deepEqual(onCue, ["confetti", "flash"]);
  assert.equal(show.layer.active.length, 0, "no built-in effect for handled actions");
  assert.equal(canvas.width, 320, "the canvas is still sized (which clears it)");
  assert.ok(!canvasCalls.includes("fillRect") && !canvasCalls.includes("clearRect"), "and left alone while nothing is active");
  show.stop();
});

test("the default overlay shows the operator's message while paused and hides on resume", async () => {
  const w = new World();
  w.setPosition(0);
  const doc = fakeDocument();
  const show = await started(w, { manifest: { format: 1, timeServer: "http://time.test/time" }, cues: [], document: doc });
  const el = doc.body.children[0];
  assert.equal(el.style.display, "none");
  assert.equal(el.attributes.role, "status");
  w.pause("機材トラブルのため一時停止しています");
  await w.advance(5_100);
  assert.equal(el.style.display, "flex");
  assert.equal(el.textContent, "機材トラブルのため一時停止しています");
  w.resume();
  await w.advance(1_100);
  assert.equal(el.style.display, "none");
  show.stop();
  assert.equal(el.removed, true);
  assert.equal([...doc.listeners.values()].flat().length, 0, "listeners removed");
});

test("a page's own overlay element, or none", async () => {
  const w = new World();
  w.setPosition(0);
  const doc = fakeDocument();
  const mine = { hidden: true, textContent: "", dataset: {} };
  const show = await started(w, { manifest: { format: 1, timeServer: "http://time.test/time" }, cues: [], document: doc, overlay: mine, pausedText: "一時停止中" });
  assert.equal(doc.body.children.length, 0);
  w.pause(null);
  await w.advance(5_100);
  assert.equal(mine.hidden, false);
  assert.equal(mine.textContent, "一時停止中");
  assert.equal(mine.dataset.status, "paused");
  show.stop();
  const doc2 = fakeDocument();
  const none = await started(w, { manifest: { format: 1, timeServer: "http://time.test/time" }, cues: [], document: doc2, overlay: false });
  assert.equal(doc2.body.children.length, 0);
  none.stop();
});

test("back from a hidden tab or a frozen one, the clock re-bursts at once, once", async () => {
  const w = new World();
  w.setPosition(0);
  const doc = fakeDocument();
  const show = await started(w, { manifest: { format: 1, timeServer: "http://time.test/time" }, cues: [], document: doc });
  await w.advance(2_000);
  const n = w.timeRequests().length;
  doc.visibilityState = "hidden";
  doc.dispatch("visibilitychange");
  await w.advance(500);
  assert.equal(w.timeRequests().length, n, "hiding asks for nothing");
  doc.visibilityState = "visible";
  doc.dispatch("visibilitychange");
  await w.advance(500);
  assert.equal(w.timeRequests().length, n + 8);
  await w.advance(2_000);
  // Thawed: `resume` then `visibilitychange`, back to back: one burst of 8, not 16.
  doc.dispatch("resume");
  doc.dispatch("visibilitychange");
  await w.advance(2_000);
  assert.equal(w.timeRequests().length, n + 8 + 8, "one more burst");
  show.stop();
});

test("before the first reply there is no server time or show time, and nothing fires", async () => {
  const w = new World();
  w.setPosition(0);
  w.server.down = true;
  const show = await started(w, { manifest: { format: 1, timeServer: "http://time.test/time" }, cues: [{ time: 0, action: "a", tolerance: 5000 }] });
  assert.equal(show.now(), null);
  assert.equal(show.showTime(), null);
  assert.deepEqual(show.clock, { offsetMs: null, errorBoundMs: null, rttMs: null, syncedAt: null });
  await w.advance(500);
  assert.equal(show.log.length, 0);
  w.server.down = false;
  await w.advance(2_000);
  assert.deepEqual(show.log.map((e) => [e.action, e.skipped]), [["a", false]], "fires once the server answers");
  show.stop();
});

test("offscreen: the canvas goes to the effects worker, fired cues and show times follow; true without a worker rejects", async () => {
  const made = [];
  class FakeWorker {
    constructor(url, opts) {
      this.url = String(url);
      this.opts = opts;
      this.sent = [];
      made.push(this);
    }
    postMessage(m) {
      this.sent.push(m);
      if ("t" in m) queueMicrotask(() => this.onmessage({ data: "drawn" }));
    }
    terminate() {
      this.terminated = true;
    }
  }
  const canvas = { clientWidth: 320, clientHeight: 180, width: 300, height: 150, getContext: () => assert.fail("no context on the main thread"), transferControlToOffscreen: () => ({ off: 1 }) };
  const w = new World();
  w.setPosition(0);
  const show = await started(w, {
    manifest: { format: 1, timeServer: "http://time.test/time", catalog: {} },
    cues: [{ time: 500, action: "flash", duration: 300 }],
    canvas,
    Worker: FakeWorker,
  });
  made[0].onmessage({ data: "ready" });
  await w.advance(700);
  const [worker] = made;
  assert.match(worker.url, /effects-worker\.js$/);
  assert.deepEqual(worker.sent[0], { canvas: { off: 1 }, catalog: {} });
  const frames = worker.sent.filter((m) => "t" in m);
  assert.equal(frames.filter((m) => m.add).length, 1, "the fired cue is sent once");
  assert.equal(frames.find((m) => m.add).add[0].action, "flash");
  assert.ok(frames.length > 3 && frames.at(-1).t >= 600, "show times follow");
  show.stop();
  assert.ok(worker.terminated);

  const w2 = new World();
  w2.setPosition(0);
  class Refused {
    constructor() {
      throw new Error("SecurityError");
    }
  }
  await assert.rejects(started(w2, { manifest: { format: 1, timeServer: "http://time.test/time" }, canvas: { ...canvas }, Worker: Refused, offscreen: true }), /offscreen: the worker could not be created/);
});
