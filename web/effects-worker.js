// The built-in effects drawn off the main thread (web/README.md, "Drawing"): a module
// worker that owns the page's effects canvas (an OffscreenCanvas from
// `transferControlToOffscreen`) and draws it with effects.js's `EffectLayer`, the same code
// the main thread uses without a worker. `offscreen.js` is the main thread's side.
//
// Messages in: `{ canvas, catalog }` once (the canvas transferred), `{ catalog }` when it
// changes, and per frame `{ t, box?, add? }`: the show time, the canvas's size when it
// changed (`canvasBox`), the cues fired since the last message. Out: "ready" once loaded, "drawn" after each frame.

import { EffectLayer } from "./effects.js";

let layer = null;
let box = null;

self.onmessage = ({ data: m }) => {
  if (m.canvas) layer = new EffectLayer(m.canvas, m.catalog ?? {});
  else if (m.catalog && layer) layer.catalog = m.catalog;
  if (!layer) return;
  if (m.box) box = m.box;
  for (const cue of m.add ?? []) layer.add(cue);
  if (!("t" in m)) return;
  if (box) layer.draw(m.t, box);
  self.postMessage("drawn"); // the main thread sends the next frame only after this
};

self.postMessage("ready");
