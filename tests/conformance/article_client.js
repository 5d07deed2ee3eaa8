// A stand-in for the source article's page code, run unchanged against both servers.
// Like the article: fetch /time once, offset = serverTime - Date.now() (one sample, no RTT
// correction), then on a timer fire every cue whose time has passed, in order; stop firing
// while the server says "paused" (the emergency channel, polled for status only).
//
// Usage: node article_client.js BASE_URL CUES_JSON EVENT_START_MS RUN_MS [TICK_MS] [POLL_MS]
// Prints one JSON line per fired cue: {"action", "time", "firedAt"} (firedAt in show ms).
const [base, cuesJson, eventStartArg, runArg, tickArg, pollArg] = process.argv.slice(2);
const cues = JSON.parse(cuesJson);
const eventStart = Number(eventStartArg);
const runMs = Number(runArg);
const tickMs = Number(tickArg ?? 20);
const pollMs = Number(pollArg ?? 200);

let offset = 0;
let status = "running";
let next = 0;

async function fetchTime() {
  const res = await fetch(`${base}/time`);
  return res.json();
}

function tick() {
  if (status === "paused") return;
  const showTime = Date.now() + offset - eventStart;
  while (next < cues.length && cues[next].time <= showTime) {
    console.log(JSON.stringify({ action: cues[next].action, time: cues[next].time, firedAt: showTime }));
    next++;
  }
}

async function main() {
  const first = await fetchTime();
  offset = first.serverTime - Date.now();
  status = first.status;
  const ticker = setInterval(tick, tickMs);
  const poller = setInterval(async () => {
    try {
      status = (await fetchTime()).status;
    } catch {
      // Keep running on the last status, as the page would.
    }
  }, pollMs);
  setTimeout(() => {
    clearInterval(ticker);
    clearInterval(poller);
  }, runMs);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
