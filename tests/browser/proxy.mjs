// A delaying HTTP proxy on 127.0.0.1 (a port the kernel picks), for the event page's real
// network path in the browser tests and bench/web.
//
// Each request is read whole, held for the request delay, forwarded to the upstream
// server, and its reply read whole and held for the reply delay before it is passed back.
// Each delay is `floorMs + Exp(meanMs)`, drawn afresh per request and per direction (as
// tests/support/proxy.rs does for the Rust tests), so every sample of a keep-alive
// connection gets its own delays. The server reads its clock when the delayed request
// reaches it, so the delays are true one-way delays.
//
// `requests` records every forwarded request as { path, at } (at: Date.now() when it came in).

import http from "node:http";

/** A small seeded PRNG (mulberry32), so a run can be replayed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** floor + Exp(mean), in ms. */
export function delay(random, floorMs, meanMs) {
  return floorMs + (meanMs > 0 ? -meanMs * Math.log(1 - random()) : 0);
}

const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

/**
 * Starts a proxy to `upstream` (a base URL such as http://127.0.0.1:1234).
 * Options: floorMs (20), meanMs (40), seed (random).
 * Returns { base, requests, close() }.
 */
export async function startProxy(upstream, { floorMs = 20, meanMs = 40, seed = (Math.random() * 2 ** 32) >>> 0 } = {}) {
  const up = new URL(upstream);
  const random = rng(seed);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const requests = [];
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const server = http.createServer(async (req, res) => {
    const at = Date.now();
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks);
      const upMs = delay(random, floorMs, meanMs);
      const downMs = delay(random, floorMs, meanMs);
      requests.push({ path: req.url, at, upMs, downMs });
      await sleep(upMs);
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
      headers.host = up.host;
      const reply = await new Promise((resolve, reject) => {
        const r = http.request(
          { host: up.hostname, port: up.port, method: req.method, path: req.url, headers, agent },
          (ures) => {
            const parts = [];
            ures.on("data", (c) => parts.push(c));
            ures.on("end", () => resolve({ status: ures.statusCode, headers: ures.headers, body: Buffer.concat(parts) }));
            ures.on("error", reject);
          },
        );
        r.on("error", reject);
        r.setTimeout(10_000, () => r.destroy(new Error("upstream timeout")));
        r.end(body);
      });
      await sleep(downMs);
      const out = {};
      for (const [k, v] of Object.entries(reply.headers)) if (!HOP.has(k) && k !== "content-length") out[k] = v;
      out["content-length"] = reply.body.length;
      res.writeHead(reply.status, out);
      res.end(reply.body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain", "access-control-allow-origin": "*" });
      res.end(`proxy: ${e.message}`);
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    seed,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
        agent.destroy();
      }),
  };
}
