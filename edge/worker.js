// Cuestudio edge time server: the same /time protocol and admin route as
// crates/timeserver, on Cloudflare Workers.
//
// The transport (status, message, eventStart, pausedAt) lives in one Durable Object.
// Each Worker isolate caches it for CACHE_MS, so tens of thousands of viewers cost the
// object about one request a second per isolate, far under its ~1,000 requests/s limit.
// serverTime and position are computed per request from the cached transport.

const CACHE_MS = 1000;
const MAX_ADMIN_BODY = 64 * 1024;
const MAX_ABS_UNIX_MS = 253402300799999;

const TIME_HEADERS = {
  "content-type": "application/json",
  "cache-control": "no-store",
  "access-control-allow-origin": "*",
};
const PREFLIGHT_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-max-age": "86400",
  allow: "GET, HEAD, OPTIONS",
};

let cached = null; // { transport, fetchedAt }

function json(status, value, extra = {}) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...extra },
  });
}

function errorReply(status, message, extra) {
  return json(status, { error: message }, extra);
}

/** The /time body at `now`; key order matches the Rust server. */
export function timeBody(t, now) {
  const body = { serverTime: now, status: t.pausedAt == null ? "running" : "paused", message: t.message ?? null };
  if (t.eventStart != null) {
    body.eventStart = t.eventStart;
    body.position = (t.pausedAt ?? now) - t.eventStart;
  }
  return JSON.stringify(body);
}

/** Validates an admin body; returns an error string or null. */
export function checkUpdate(u) {
  if (u === null || typeof u !== "object" || Array.isArray(u)) {
    return "invalid transport update: expected a JSON object with any of \"status\", \"message\", \"eventStart\"";
  }
  for (const key of Object.keys(u)) {
    if (!["status", "message", "eventStart"].includes(key)) {
      return `invalid transport update: unknown field \`${key}\`, expected one of \`status\`, \`message\`, \`eventStart\``;
    }
  }
  if (Object.keys(u).length === 0) {
    return "the update is empty: give at least one of \"status\", \"message\", \"eventStart\"";
  }
  if ("status" in u && u.status !== "paused" && u.status !== "running") {
    return `invalid transport update: unknown variant \`${u.status}\`, expected \`running\` or \`paused\``;
  }
  if ("message" in u && u.message !== null && typeof u.message !== "string") {
    return "invalid transport update: invalid type for \"message\", expected a string or null";
  }
  if ("eventStart" in u) {
    if (!Number.isSafeInteger(u.eventStart)) {
      return "invalid transport update: invalid type for \"eventStart\", expected integer Unix ms";
    }
    if (Math.abs(u.eventStart) > MAX_ABS_UNIX_MS) {
      return `"eventStart" ${u.eventStart} is out of range`;
    }
  }
  return null;
}

/** Applies a checked update at `now` (same semantics as crates/timeserver/src/transport.rs). */
export function applyUpdate(t, u, now) {
  const next = { ...t };
  if ("eventStart" in u) {
    next.eventStart = u.eventStart;
    if (next.pausedAt != null) next.pausedAt = now;
  }
  if (u.status === "paused" && next.pausedAt == null) {
    next.pausedAt = now;
  } else if (u.status === "running" && next.pausedAt != null) {
    const pause = Math.max(0, now - next.pausedAt);
    next.pausedAt = null;
    if (next.eventStart != null) next.eventStart += pause;
  }
  if ("message" in u) next.message = u.message;
  return next;
}

/** Constant-time comparison of two strings (constant in the content, not the length). */
function sameToken(a, b) {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ (y[i % (y.length || 1)] ?? 0);
  return diff === 0;
}

function transportStub(env) {
  return env.TRANSPORT.get(env.TRANSPORT.idFromName("show"));
}

async function currentTransport(env, now) {
  if (cached && now - cached.fetchedAt < CACHE_MS) return cached.transport;
  const res = await transportStub(env).fetch("https://do/transport");
  const transport = await res.json();
  cached = { transport, fetchedAt: now };
  return transport;
}

async function admin(request, env) {
  const token = env.ADMIN_TOKEN;
  if (!token) return errorReply(404, "no admin token is configured");
  const auth = request.headers.get("authorization");
  const bearer = { "www-authenticate": "Bearer" };
  if (!auth) return errorReply(401, "missing Authorization: Bearer token", bearer);
  if (!/^bearer /i.test(auth)) return errorReply(401, "the Authorization header must be \"Bearer TOKEN\"", bearer);
  if (!sameToken(auth.slice(7), token)) return errorReply(401, "wrong admin token", bearer);
  const tooLarge = `the body is larger than ${MAX_ADMIN_BODY} bytes`;
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_ADMIN_BODY) return errorReply(413, tooLarge);
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.length > MAX_ADMIN_BODY) return errorReply(413, tooLarge);
  let update;
  try {
    update = JSON.parse(new TextDecoder().decode(raw));
  } catch (e) {
    return errorReply(400, `invalid transport update: ${e.message}`);
  }
  const problem = checkUpdate(update);
  if (problem) return errorReply(400, problem);
  const res = await transportStub(env).fetch("https://do/transport", {
    method: "POST",
    body: JSON.stringify(update),
  });
  const transport = await res.json();
  // This isolate sees the change at once; others within CACHE_MS.
  cached = { transport, fetchedAt: Date.now() };
  console.log(JSON.stringify({ msg: "transport changed", update }));
  return new Response(timeBody(transport, Date.now()), { headers: TIME_HEADERS });
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/time") {
      if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: PREFLIGHT_HEADERS });
      if (request.method !== "GET" && request.method !== "HEAD") {
        return new Response(null, { status: 405, headers: { allow: "GET, HEAD, OPTIONS" } });
      }
      const transport = await currentTransport(env, Date.now());
      const body = timeBody(transport, Date.now());
      return new Response(request.method === "HEAD" ? null : body, { headers: TIME_HEADERS });
    }
    if (pathname === "/healthz" && request.method === "GET") {
      return new Response("ok\n", { headers: { "cache-control": "no-store" } });
    }
    if (pathname === "/admin/transport" && env.ADMIN_TOKEN) {
      if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST" } });
      return admin(request, env);
    }
    return new Response("not found\n", { status: 404 });
  },
};

/** The Durable Object that owns the transport; one instance, named "show". */
export class Transport {
  constructor(state) {
    this.state = state;
  }

  async fetch(request) {
    let t = (await this.state.storage.get("transport")) ?? { message: null, eventStart: null, pausedAt: null };
    if (request.method === "POST") {
      t = applyUpdate(t, await request.json(), Date.now());
      await this.state.storage.put("transport", t);
    }
    return new Response(JSON.stringify(t), { headers: { "content-type": "application/json" } });
  }
}
