#!/usr/bin/env bash
# One core each: cuestudio-timeserver and nginx (one worker) pinned to core 0, wrk -t1 pinned
# to core 1, alternating runs on GET /time, 127.0.0.1 only, bounded in time.
# Usage: bash bench/server/pinned.sh [CONNECTIONS] [SECONDS] [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/server/nginx.sh
source "$root/bench/server/nginx.sh"
bin="${TIMESERVER_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/cuestudio-timeserver}"
c="${1:-1000}" secs="${2:-4}" rounds="${3:-3}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 20000 2>/dev/null || true
rust=127.0.0.1:18811 nginx=127.0.0.1:18812
RUST_LOG=warn taskset -c 0 "$bin" --listen "$rust" >"$work/rust.log" 2>&1 &
pids+=($!)
sleep 0.5
body="$(curl -s "http://$rust/time")"
nginx_conf "$work/nginx.conf" "$work" "$nginx" "$body" 1
taskset -c 0 nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5
for _ in $(seq "$rounds"); do
  for target in "nginx $nginx" "cuestudio-timeserver $rust"; do
    set -- $target
    out="$(taskset -c 1 wrk -t1 -c"$c" -d"${secs}s" --latency "http://$2/time")"
    printf '%-22s c=%-5s %12s req/s  p99 %8s\n' "$1" "$c" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
  done
done
