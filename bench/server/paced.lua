-- wrk script: every connection waits PACE_MS (default 50) between its requests, so 1,000
-- connections offer about 1000 / 0.05 = 20,000 requests a second instead of as many as the
-- server can take. The latencies wrk reports are then the server's response times at that
-- load, not the queueing that a saturating closed loop creates.
local pace = tonumber(os.getenv("PACE_MS") or "50")
function delay()
  return pace
end
