// Where the effects are drawn: the worker when it can be, else the main thread (offscreen.js).

import assert from "node:assert/strict";
import { test } from "node:test";
import { EffectLayer } from "../effects.js";
import { effectLayer, WORKER_LOAD_MS } from "../offscreen.js";

const catalog = { wash: { kind: "colorWash", color: "#ff0000", duration: 1000 } };

function fakeCanvas({ offscreen = true } = {}) {
  const calls = [];
  const ctx = new Proxy({}, { get: (_, k) => (...a) => calls.push(k), set: () => true });
  const canvas = { clientWidth: 320, clientHeight: 180, width: 300, height: 150, calls, contexts: 0, transferred: 0 };
  canvas.getContext = () => {
    canvas.contexts += 1;
    return ctx;
  };
  if (offscreen) canvas.transferControlToOffscreen = () => ((canvas.transferred += 1), { offscreen: true });
  return canvas;
}

function fakeWorker({ throws = false } = {}) {
  const made = [];
  class W {
    constructor(url, opts) {
      if (throws) throw new Error("SecurityError: cross-origin");
      this.url = String(url);
      this.opts = opts;
      this.sent = [];
      this.terminated = false;
      made.push(this);
    }
    postMessage(m, transfer) {
      this.sent.push({ m, transfer });
    }
    terminate() {
      this.terminated = true;
    }
  }
  return { W, made };
}

function timers() {
  const t = { pending: [] };
  t.setTimeout = (fn, ms) => (t.pending.push({ fn, ms }), t.pending.length);
  t.clearTimeout = (id) => id && (t.pending[id - 1] = null);
  t.fire = () => t.pending.splice(0).forEach((x) => x?.fn());
  return t;
}

test("offscreen: false draws on the main thread", () => {
  const { W, made } = fakeWorker();
  const layer = effectLayer(fakeCanvas(), catalog, { offscreen: false }, { Worker: W });
  assert.ok(layer instanceof EffectLayer);
  assert.equal(made.length, 0);
});

test("auto falls back to the main thread without OffscreenCanvas, Worker, or when the worker cannot be created", () => {
  assert.ok(effectLayer(fakeCanvas({ offscreen: false }), catalog, {}, { Worker: fakeWorker().W }) instanceof EffectLayer);
  assert.ok(effectLayer(fakeCanvas(), catalog, {}, { Worker: null }) instanceof EffectLayer);
  const canvas = fakeCanvas();
  assert.ok(effectLayer(canvas, catalog, {}, { Worker: fakeWorker({ throws: true }).W }) instanceof EffectLayer);
  assert.equal(canvas.transferred, 0);
});

test("offscreen: true throws when the worker is unavailable; a bad value throws", () => {
  assert.throws(() => effectLayer(fakeCanvas({ offscreen: false }), catalog, { offscreen: true }, { Worker: fakeWorker().W }), /offscreen: .*transferControlToOffscreen/);
  assert.throws(() => effectLayer(fakeCanvas(), catalog, { offscreen: true }, { Worker: fakeWorker({ throws: true }).W }), /offscreen: the worker could not be created: SecurityError/);
  assert.throws(() => effectLayer(fakeCanvas(), catalog, { offscreen: "yes" }), /offscreen: true, false or "auto"/);
});

test("the worker gets the canvas once loaded, then per changed frame the show time, size and new cues", () => {
  const { W, made } = fakeWorker();
  const t = timers();
  const canvas = fakeCanvas();
  const layer = effectLayer(canvas, catalog, {}, { Worker: W, ...t });
  const [w] = made;
  assert.match(w.url, /\/effects-worker\.js$/);
  assert.deepEqual(w.opts, { type: "module" });
  const cue = { time: 1000, action: "wash" };
  layer.add(cue); // before the worker is ready: kept, nothing drawn or sent
  layer.draw(1000);
  assert.equal(w.sent.length, 0);
  w.onmessage({ data: "ready" });
  assert.equal(canvas.transferred, 1);
  assert.equal(canvas.contexts, 0, "the main thread never takes a context");
  assert.deepEqual(w.sent[0].m, { canvas: { offscreen: true }, catalog });
  assert.deepEqual(w.sent[0].transfer, [{ offscreen: true }]);
  layer.draw(1100);
  assert.deepEqual(w.sent[1].m, { t: 1100, box: { w: 320, h: 180, bw: 320, bh: 180, scale: 1 }, add: [cue] });
  const drawn = () => w.onmessage({ data: "drawn" });
  layer.draw(1116); // the worker has not drawn 1100 yet: nothing more sent
  assert.equal(w.sent.length, 2);
  drawn();
  layer.draw(1116);
  assert.deepEqual(w.sent[2].m, { t: 1116 });
  drawn();
  layer.draw(1116); // paused: nothing changes, nothing sent
  assert.equal(w.sent.length, 3);
  layer.draw(1200);
  assert.deepEqual(w.sent[3].m, { t: 1200 });
  drawn();
  assert.equal(layer.active.length, 1);
  layer.draw(2001); // ended: one frame to clear, then nothing while idle
  assert.deepEqual(w.sent[4].m, { t: 2001 });
  drawn();
  assert.equal(layer.active.length, 0);
  layer.draw(2100);
  layer.draw(2200);
  assert.equal(w.sent.length, 5);
  t.fire(); // the load timeout, cleared when ready
  assert.equal(layer.state, "worker");
  layer.stop();
  assert.ok(w.terminated);
});

test("a worker that fails to load, or does not answer in time, leaves the canvas to the main thread", () => {
  for (const how of ["error", "timeout"]) {
    const { W, made } = fakeWorker();
    const t = timers();
    const canvas = fakeCanvas();
    const layer = effectLayer(canvas, catalog, {}, { Worker: W, ...t });
    layer.add({ time: 1000, action: "wash" });
    const warn = console.warn;
    console.warn = () => {};
    try {
      if (how === "error") made[0].onerror({ message: "import failed" });
      else {
        assert.equal(t.pending[0].ms, WORKER_LOAD_MS);
        t.fire();
      }
    } finally {
      console.warn = warn;
    }
    assert.ok(made[0].terminated, how);
    assert.equal(layer.state, "main");
    made[0].onmessage?.({ data: "ready" }); // too late: ignored
    assert.equal(canvas.transferred, 0);
    layer.draw(1100);
    assert.ok(canvas.calls.includes("fillRect"), `${how}: the wash drawn on the main thread`);
    assert.equal(layer.active.length, 1);
  }
});
