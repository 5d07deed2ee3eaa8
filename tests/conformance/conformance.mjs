// Protocol conformance suite for the Cuestudio time server (DESIGN.md, "Time protocol").
// Runs against any base URL: the Rust server and the edge Worker in workerd alike.
//
// Usage: node conformance.mjs BASE_URL ADMIN_TOKEN
// Leaves the transport running, with no message. Exits non-zero on the first failure.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const [base, token] = process.argv.slice(2);
if (!base || !token) {
  console.error("usage: node conformance.mjs BASE_URL ADMIN_TOKEN");
  process.exit(2);
}
const here = fileURLToPath(new URL(".", import.meta.url));
const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let passed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}\n${e.stack}`);
    process.exit(1);
  }
}

const time = async () => (await fetch(`${base}/time`)).json();
function admin(body, auth = `Bearer ${token}`) {
  const headers = { "content-type": "application/json" };
  if (auth) headers.authorization = auth;
  return fetch(`${base}/admin/transport`, { method: "POST", headers, body });
}
/** Waits until /time satisfies `pred` (the edge caches the transport for about a second). */
async function until(pred, what) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const t = await time();
    if (pred(t)) return t;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(t)}`);
    await sleep(100);
  }
}
async function expectError(res, status, fragment) {
  assert.equal(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const { error } = await res.json();
  assert.ok(error.includes(fragment), `error ${JSON.stringify(error)} lacks ${JSON.stringify(fragment)}`);
}

await check("GET /time: status, headers, body", async () => {
  const before = Date.now();
  const res = await fetch(`${base}/time`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  const t = await res.json();
  assert.ok(Number.isInteger(t.serverTime));
  assert.ok(Math.abs(t.serverTime - before) < 2000, "serverTime near local time");
  assert.ok(["running", "paused"].includes(t.status));
  assert.ok("message" in t);
});
await check("HEAD /time", async () => {
  const res = await fetch(`${base}/time`, { method: "HEAD" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal((await res.text()).length, 0);
});
await check("OPTIONS /time answers CORS", async () => {
  const res = await fetch(`${base}/time`, {
    method: "OPTIONS",
    headers: { origin: "https://example.test", "access-control-request-method": "GET" },
  });
  assert.ok([200, 204].includes(res.status));
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.match(res.headers.get("access-control-allow-methods"), /GET/);
});
await check("GET /healthz", async () => {
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
});
await check("admin: missing token is 401", async () => {
  await expectError(await admin('{"status":"paused"}', null), 401, "missing");
});
await check("admin: wrong token is 401", async () => {
  await expectError(await admin('{"status":"paused"}', `Bearer ${token}x`), 401, "wrong");
});
await check("admin: malformed JSON is 400", async () => {
  await expectError(await admin('{"status":'), 400, "invalid transport update");
});
await check("admin: unknown key is 400 and names it", async () => {
  await expectError(await admin('{"stat":"paused"}'), 400, "stat");
});
await check("admin: bad status is 400", async () => {
  await expectError(await admin('{"status":"stopped"}'), 400, "stopped");
});
await check("admin: empty update is 400", async () => {
  await expectError(await admin("{}"), 400, "empty");
});
await check("admin: body over 64 KiB is 413", async () => {
  const res = await admin(JSON.stringify({ message: "x".repeat(70 * 1024) }));
  assert.equal(res.status, 413);
});
await check("admin: set eventStart and message, clear the message", async () => {
  const start = Date.now() - 10_000;
  const res = await admin(JSON.stringify({ eventStart: start, status: "running", message: "Welcome" }));
  assert.equal(res.status, 200);
  const t = await until((t) => t.eventStart === start && t.message === "Welcome", "eventStart+message");
  assert.equal(t.status, "running");
  assert.equal(t.position, t.serverTime - start);
  assert.equal((await admin('{"message":null}')).status, 200);
  await until((t) => t.message === null, "message cleared");
});
await check("pause freezes position; resume moves eventStart by the pause", async () => {
  const start = (await time()).eventStart;
  assert.equal((await admin('{"status":"paused"}')).status, 200);
  const p1 = await until((t) => t.status === "paused", "paused");
  await sleep(1200);
  const p2 = await time();
  assert.equal(p2.status, "paused");
  assert.equal(p2.position, p1.position, "position frozen while paused");
  assert.equal(p2.eventStart, start, "eventStart moves only on resume");
  assert.equal((await admin('{"status":"running"}')).status, 200);
  const r = await until((t) => t.status === "running", "running");
  assert.ok(r.eventStart - start >= 1200, `eventStart moved by the pause (${r.eventStart - start} ms)`);
  assert.ok(r.position >= p1.position && r.position - p1.position < 2000, "no content skipped");
});

const cues = [
  { time: 0, action: "showOpening" },
  { time: 150, action: "startSong1" },
  { time: 300, action: "showParticles" },
  { time: 450, action: "fireworks" },
];
async function articleClient(eventStart, runMs) {
  const { stdout } = await run("node", [
    `${here}/article_client.js`, base, JSON.stringify(cues), String(eventStart), String(runMs),
  ]);
  return stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
}
await check("article client fires every cue in order, on time", async () => {
  // Node takes a few hundred ms to start: leave room before the first cue.
  const eventStart = (await time()).serverTime + 1500;
  const fired = await articleClient(eventStart, 2500);
  assert.deepEqual(fired.map((f) => f.action), cues.map((c) => c.action));
  for (const f of fired) {
    // One-sample offset on 127.0.0.1: late by at most a tick plus the sample's RTT.
    assert.ok(f.firedAt >= f.time && f.firedAt - f.time < 150, `${f.action} late by ${f.firedAt - f.time} ms`);
  }
});
await check("article client honours status: paused", async () => {
  assert.equal((await admin('{"status":"paused"}')).status, 200);
  await until((t) => t.status === "paused", "paused");
  const fired = await articleClient((await time()).serverTime - 1000, 600);
  assert.deepEqual(fired, [], "nothing fires while paused");
  assert.equal((await admin('{"status":"running"}')).status, 200);
  await until((t) => t.status === "running", "running");
});

console.log(`${passed} checks passed against ${base}`);
