#!/usr/bin/env bash
# Requests/s and latency on GET /time: cuestudio-timeserver against nginx returning the same
# body with `return 200`, side by side in one run, 127.0.0.1 only, a few seconds each.
# Usage: bash bench/server/run.sh [SECONDS]   (needs wrk, nginx, a release build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/server/nginx.sh
source "$root/bench/server/nginx.sh"
bin="${TIMESERVER_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/cuestudio-timeserver}"
secs="${1:-5}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 20000 2>/dev/null || true

rust=127.0.0.1:18801 nginx=127.0.0.1:18802
RUST_LOG=warn "$bin" --listen "$rust" >"$work/rust.log" 2>&1 &
pids+=($!)
sleep 0.5
body="$(curl -s "http://$rust/time")"
nginx_conf "$work/nginx.conf" "$work" "$nginx" "$body" auto
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5
echo "body: $body"
echo "nginx: $(curl -s "http://$nginx/time")"

run() { # name addr connections [wrk options...]
  local out name="$1" addr="$2" c="$3"
  shift 3
  out="$(wrk -t2 -c"$c" -d"${secs}s" --latency "$@" "http://$addr/time")"
  printf '%-22s c=%-5s %12s req/s  p50 %8s  p99 %8s\n' "$name" "$c" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}
for c in 100 1000; do
  run nginx "$nginx" "$c"
  run cuestudio-timeserver "$rust" "$c"
done
# Latency at a set load (open loop): 1,000 connections, each pausing about PACE_MS between
# requests: 50 ms (about 20k req/s offered) and 15 ms (about 55k req/s, near saturation).
for pace in ${PACE_MS:-50 15}; do
  echo "paced: 1000 connections, ${pace} ms (0.5-1.5x) between requests on each"
  PACE_MS=$pace run nginx "$nginx" 1000 -s "$root/bench/server/paced.lua"
  PACE_MS=$pace run cuestudio-timeserver "$rust" 1000 -s "$root/bench/server/paced.lua"
done
