-- wrk script: every connection waits about PACE_MS (default 50) between its requests, so
-- 1,000 connections offer about 1000 / 0.05 = 20,000 requests a second instead of as many as
-- the server can take. The latencies wrk reports are then the server's response times at
-- that load, not the queueing that a saturating closed loop creates.
-- Each pause is drawn uniformly from 0.5 to 1.5 × PACE_MS, as independent viewers poll: with
-- one fixed pause every connection stays in step with the others and the requests arrive in
-- bursts of a thousand, whose tail is wrk's own time to work through the burst.
local pace = tonumber(os.getenv("PACE_MS") or "50")
function delay()
  return math.floor(pace * (0.5 + math.random()))
end
