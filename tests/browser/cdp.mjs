// Chromium driven over the raw DevTools protocol (--remote-debugging-pipe), for what
// playwright cannot do: freeze a page. Playwright turns focus emulation on for every page
// it drives (Emulation.setFocusEmulationEnabled), which keeps the page "visible" to the
// browser and makes Page.setWebLifecycleState {state: "frozen"} a silent no-op; a page
// nobody emulates focus for freezes like a real background tab (hidden, then frozen: no
// timers, no animation frames, the document's freeze and resume events).
//
// `launchPipe()` returns a page with the small part of playwright's Page API that the
// shared helpers use: goto, evaluate(fn, arg), waitForFunction(fn, arg, opts), on("pageerror"
// | "console"), plus cdp(method, params) for the page's own session.

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CHROMIUM, tmpDir } from "./support.mjs";

export async function launchPipe({ width = 640, height = 360, timeoutMs = 30_000 } = {}) {
  const dir = tmpDir("cuestudio-chromium-");
  const child = spawn(
    CHROMIUM,
    ["--headless", "--no-sandbox", "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--remote-debugging-pipe", `--user-data-dir=${dir}`, `--window-size=${width},${height}`, "about:blank"],
    { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] },
  );
  const kill = () => child.kill("SIGKILL");
  process.on("exit", kill);
  const toBrowser = child.stdio[3];
  const fromBrowser = child.stdio[4];
  let id = 0;
  const pending = new Map();
  const listeners = new Map();
  let buf = Buffer.alloc(0);
  fromBrowser.on("data", (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    let nul;
    while ((nul = buf.indexOf(0)) >= 0) {
      const msg = JSON.parse(buf.subarray(0, nul).toString("utf8"));
      buf = buf.subarray(nul + 1);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const { resolve, reject, method } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve(msg.result);
      } else if (msg.method) {
        for (const fn of listeners.get(msg.method) ?? []) fn(msg.params, msg.sessionId);
      }
    }
  });
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const i = ++id;
      const timer = setTimeout(() => {
        pending.delete(i);
        reject(new Error(`${method}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(i, {
        method,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      toBrowser.write(JSON.stringify({ id: i, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    });
  const on = (method, fn) => listeners.set(method, [...(listeners.get(method) ?? []), fn]);

  const { targetInfos } = await send("Target.getTargets");
  const target = targetInfos.find((t) => t.type === "page");
  if (!target) throw new Error("chromium has no page");
  const { sessionId } = await send("Target.attachToTarget", { targetId: target.targetId, flatten: true });
  const cdp = (method, params) => send(method, params, sessionId);
  await cdp("Runtime.enable");
  await cdp("Page.enable");

  const evaluate = async (fn, arg) => {
    const expression = typeof fn === "function" ? `(${fn})(${arg === undefined ? "" : JSON.stringify(arg)})` : fn;
    const r = await cdp("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  const page = {
    cdp,
    evaluate,
    async goto(url) {
      const loaded = new Promise((resolve) => on("Page.loadEventFired", (_, s) => s === sessionId && resolve()));
      const r = await cdp("Page.navigate", { url });
      if (r.errorText) throw new Error(`${url}: ${r.errorText}`);
      await loaded;
    },
    async waitForFunction(fn, arg, { timeout = 30_000, polling = 20 } = {}) {
      const end = Date.now() + timeout;
      for (;;) {
        if (await evaluate(fn, arg ?? undefined)) return;
        if (Date.now() > end) throw new Error(`waitForFunction: timeout ${timeout}ms exceeded`);
        await new Promise((r) => setTimeout(r, polling));
      }
    },
    on(event, fn) {
      if (event === "pageerror") on("Runtime.exceptionThrown", (p, s) => s === sessionId && fn(p.exceptionDetails.exception?.description ?? p.exceptionDetails.text));
      if (event === "console") on("Runtime.consoleAPICalled", (p, s) => s === sessionId && fn({ type: () => p.type, text: () => p.args.map((a) => a.value ?? a.description).join(" ") }));
    },
  };
  const close = async () => {
    await send("Browser.close").catch(() => {});
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(kill, 3000);
      child.once("exit", () => (clearTimeout(timer), resolve()));
    });
    process.off("exit", kill);
    fs.rmSync(path.resolve(dir), { recursive: true, force: true, maxRetries: 3 });
  };
  return { page, close };
}
