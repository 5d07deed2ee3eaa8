// Shared fixture for the browser tests and bench/web: the real binaries, a published
// bundle served by the real time server on 127.0.0.1 (a port the kernel picks), Debian's
// chromium driven by playwright-core, and the event page's own report (window.cuestudio).
//
// Time: on 127.0.0.1 the server's clock is this machine's wall clock, so a cue's true
// firing error is (the instant it fired, on the wall clock) − (eventStart + cue.time). The
// page logs `localMs` = performance.timeOrigin + performance.now() at firing; `clockDelta`
// measures how far that clock is from the wall clock in the same page (under 1 ms in a
// fresh browser) so the error is read on the server's clock.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const sampleShow = path.join(root, "sample_shows/hoshizora.cueshow.json");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const TOKEN = "browser-test-token";
/** One 60 Hz frame, in ms. */
export const FRAME_MS = 1000 / 60;

const children = new Set();
const dirs = new Set();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A binary of this repository: $CARGO_TARGET_DIR/debug (default target/debug), or
 * $CUESTUDIO_BIN_DIR (bench: release). */
export function bin(name) {
  const dir =
    process.env.CUESTUDIO_BIN_DIR ??
    path.join(process.env.CARGO_TARGET_DIR ? path.resolve(root, process.env.CARGO_TARGET_DIR) : path.join(root, "target"), "debug");
  const p = path.join(dir, name);
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: build it first (cargo build --bin ${name})`);
  return p;
}

/** A fresh temporary folder, removed when the process exits. */
export function tmpDir(prefix = "cuestudio-browser-") {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.add(d);
  return d;
}

/** Runs a command to its end (killed after timeoutMs); resolves { code, stdout, stderr }. */
export function run(cmd, args, { timeoutMs = 60_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `cuestudio publish SHOW -o DIR --time-server URL --json [--status-poll-ms MS]`. */
export async function publish(show, out, { timeServer, statusPollMs } = {}) {
  const args = ["publish", show, "-o", out, "--json"];
  if (timeServer) args.push("--time-server", timeServer);
  if (statusPollMs) args.push("--status-poll-ms", String(statusPollMs));
  const r = await run(bin("cuestudio"), args);
  if (r.code !== 0) throw new Error(`cuestudio ${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
  return JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
}

/** Writes a show document (no audio unless given) and returns its path. */
export function writeShow(dir, cues, { title = "Browser test", audio, name = "test.cueshow.json" } = {}) {
  const show = { cuestudio: 1, title, eventStart: "2026-12-24T19:00:00+09:00", timeServer: "http://127.0.0.1:9/time", expectedDrift: 1500, cues };
  if (audio) show.audio = audio;
  const p = path.join(dir, name);
  fs.writeFileSync(p, JSON.stringify(show, null, 2));
  return p;
}

/**
 * `cuestudio-timeserver --listen 127.0.0.1:0 --serve DIR` with an admin token.
 * Returns { base, timeUrl, admin(update), time(), close() }.
 */
export async function startServer(serveDir, { token = TOKEN, timeoutMs = 15_000 } = {}) {
  const child = spawn(bin("cuestudio-timeserver"), ["--listen", "127.0.0.1:0", "--serve", serveDir], {
    env: { ...process.env, CUESTUDIO_ADMIN_TOKEN: token, RUST_LOG: process.env.RUST_LOG ?? "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the time server did not start in ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ""));
      }
    });
    child.on("exit", (code) => reject(new Error(`the time server exited (${code})\n${stderr}`)));
  });
  child.stdout.resume();
  const admin = async (update) => {
    const res = await fetch(`${base}/admin/transport`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(update),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST /admin/transport ${JSON.stringify(update)}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const time = async () => (await fetch(`${base}/time`, { cache: "no-store" })).json();
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.once("exit", () => {
        clearTimeout(timer);
        children.delete(child);
        resolve();
      });
      child.kill("SIGTERM");
    });
  return { base, timeUrl: `${base}/time`, admin, time, close, stderr: () => stderr };
}

/** Debian's chromium, headless; no browser download. */
export function launch(args = []) {
  return chromium.launch({ executablePath: CHROMIUM, args, timeout: 30_000 });
}

/** The event page of the bundle at `base`, its clock through `timeServer` when given. */
export function pageUrl(base, timeServer) {
  return timeServer ? `${base}/?timeServer=${encodeURIComponent(timeServer)}` : `${base}/`;
}

/**
 * Opens the event page in a new context and waits until the show runs with a clock
 * estimate; then installs a watcher that records, for every log entry as it appears,
 * the clock the page had then and the frame gap it fired in (`window.__cs.clocks[i]`).
 */
export async function openShow(browser, url, { viewport = { width: 640, height: 360 }, timeoutMs = 20_000, init = null } = {}) {
  const context = await browser.newContext({ viewport });
  // `init`: a script run in the page before its own (playwright's addInitScript).
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  return { context, ...(await showIn(page, url, { timeoutMs })) };
}

/** `openShow` in a page that is already open (a playwright page, or cdp.mjs's). */
export async function showIn(page, url, { timeoutMs = 20_000 } = {}) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Failed loads by URL (the console's "Failed to load resource" names none); the browser's
  // own favicon request is not the page's.
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
  page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && errors.push(`HTTP ${r.status()} ${r.url()}`));
  // A media element cancels its range requests when it seeks: not a failure.
  page.on("requestfailed", (r) => (r.resourceType() === "media" && r.failure()?.errorText === "net::ERR_ABORTED") || errors.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(url, { timeout: timeoutMs });
  try {
    await page.waitForFunction(() => window.cuestudio && window.cuestudio.clock && window.cuestudio.clock.errorBoundMs !== null, null, {
      timeout: timeoutMs,
      polling: 20,
    });
  } catch (e) {
    const alert = await page.evaluate(() => document.getElementById("error")?.textContent ?? "").catch(() => "");
    throw new Error(`${url}: the show did not start (${alert || e.message}); page errors: ${errors.join(" | ")}`);
  }
  await page.evaluate(() => {
    const show = window.cuestudio;
    const cs = (window.__cs = { clocks: [], frames: 0 });
    let seen = 0;
    let prevFrame = null;
    // gap: from the previous animation frame to the entry's firing (null when not on a frame).
    const look = (frame) => {
      while (seen < show.log.length) {
        const e = show.log[seen];
        cs.clocks.push({ ...show.clock, gap: frame && prevFrame !== null ? e.localMs - prevFrame : null });
        seen += 1;
      }
    };
    const frame = () => {
      cs.frames += 1;
      look(true);
      prevFrame = performance.timeOrigin + performance.now();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    setInterval(() => look(false), 20);
  });
  return { page, errors };
}

/**
 * realtime − (performance.timeOrigin + performance.now()) in this page, in ms: the largest
 * of many `Date.now() − mono` readings (Date.now() truncates, so the largest is within a few
 * µs of the true difference).
 */
export function clockDelta(page) {
  return page.evaluate(() => {
    let best = -Infinity;
    const until = performance.now() + 30;
    while (performance.now() < until) best = Math.max(best, Date.now() - (performance.timeOrigin + performance.now()));
    return best;
  });
}

/** The page's log, the clock at each entry, and its clock and status now. */
export function report(page) {
  return page.evaluate(() => {
    const s = window.cuestudio;
    return { log: s.log.map((e) => ({ ...e })), clocks: window.__cs.clocks.slice(), clock: { ...s.clock }, status: s.status, message: s.message, showTime: s.showTime() };
  });
}

/** Waits (polling) until `pred()` is true; throws after timeoutMs. */
export async function until(pred, { timeoutMs = 10_000, everyMs = 20, what = "condition" } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The true firing error of each fired entry of a page: wall instant − (eventStart + time). */
export function trueErrors(log, eventStart, delta) {
  return log.filter((e) => !e.skipped).map((e) => ({ ...e, trueMs: e.localMs + delta - (eventStart + e.time) }));
}

/** Percentile (nearest rank) of a list of numbers. */
export function pct(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const round1 = (x) => Math.round(x * 10) / 10;
