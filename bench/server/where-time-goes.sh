#!/usr/bin/env bash
# Where the time goes under load (BENCHMARKS.md): wrk -t2 with CONNECTIONS connections for
# SECONDS against a release cuestudio-timeserver on GET /time, ROUNDS times. Prints req/s,
# the CPU time wrk used (/usr/bin/time) and the server used (/proc/PID/stat, user and
# kernel), and both per request. Compare with the user-space cost of one request:
# `cargo bench -p timeserver --bench time_route -- "raw path"`.
# Usage: bash bench/server/where-time-goes.sh [CONNECTIONS] [SECONDS] [ROUNDS]
#        (needs wrk and /usr/bin/time; bounded: about SECONDS + 1 s a round)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/server/start.sh
source "$root/bench/server/start.sh"
c="${1:-1000}" secs="${2:-5}" rounds="${3:-3}"
start_server
tck="$(getconf CLK_TCK)"
# utime and stime (fields 14 and 15; the command name in field 2 has no spaces here).
cpu() { awk -v t="$tck" '{ printf "%.2f %.2f\n", $14 / t, $15 / t }' "/proc/$server_pid/stat"; }
for r in $(seq "$rounds"); do
  read -r su0 ss0 < <(cpu)
  /usr/bin/time -f "%U %S" -o "$work/wrk.time" \
    wrk -t2 -c"$c" -d"${secs}s" "http://$server_addr/time" >"$work/wrk.out"
  read -r su1 ss1 < <(cpu)
  read -r wu ws <"$work/wrk.time"
  rps="$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.out")"
  awk -v r="$r" -v c="$c" -v s="$secs" -v rps="$rps" -v wu="$wu" -v ws="$ws" \
    -v su="$(awk -v a="$su0" -v b="$su1" 'BEGIN { print b - a }')" \
    -v ss="$(awk -v a="$ss0" -v b="$ss1" 'BEGIN { print b - a }')" 'BEGIN {
      n = rps * s
      printf "round %d: %d connections, %.1fk req/s; wrk %.2f s CPU (user %.2f, sys %.2f), " \
        "server %.2f s CPU (user %.2f, sys %.2f) in %d s; per request: wrk %.1f µs, server %.1f µs " \
        "(server user %.1f µs, sys %.1f µs)\n", r, c, rps / 1000, wu + ws, wu, ws, su + ss, su, ss, s,
        (wu + ws) / n * 1e6, (su + ss) / n * 1e6, su / n * 1e6, ss / n * 1e6 }'
done
