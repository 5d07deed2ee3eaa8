#!/usr/bin/env bash
# What an idle editor costs (issue 12: under 2 % of one core): opens the release editor on
# the sample show under Xvfb with a fresh HOME, waits until the audio has decoded (the
# "audio-load" thread has come and gone), leaves it paused with no pointer over the window,
# and reads the process's CPU time (utime + stime from /proc/PID/stat) across 10 s.
# Bounded: gives up after TIMEOUT seconds (default 60), always stops the editor and Xvfb.
# Usage: bash bench/editor-idle.sh [SECONDS]   (needs Xvfb and `cargo build --release`)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${CUESTUDIO_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/cuestudio}"
secs="${1:-10}" timeout="${TIMEOUT:-60}"
[ -x "$bin" ] || { echo "no $bin: run cargo build --release" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "needs Xvfb (apt-get install -y xvfb)" >&2; exit 2; }

work="$(mktemp -d)"
xpid="" app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null && wait "$app" 2>/dev/null
  [ -n "$xpid" ] && kill "$xpid" 2>/dev/null && wait "$xpid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
sleep 1
HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" DISPLAY="$display" \
  "$bin" "$root/sample_shows/hoshizora.cueshow.json" >"$work/log" 2>&1 &
app=$!

loading() { grep -qx audio-load /proc/"$app"/task/*/comm 2>/dev/null; }
ticks() { awk '{ print $14 + $15 }' "/proc/$app/stat"; }
start=$SECONDS
sleep 2
while loading; do
  (( SECONDS - start < timeout )) || { echo "audio still decoding after ${timeout}s" >&2; exit 1; }
  sleep 0.5
done
sleep 2 # the frames after decoding settle
kill -0 "$app" 2>/dev/null || { echo "the editor exited:" >&2; cat "$work/log" >&2; exit 1; }
hz="$(getconf CLK_TCK)"
a="$(ticks)"
sleep "$secs"
b="$(ticks)"
awk -v t="$((b - a))" -v hz="$hz" -v s="$secs" \
  'BEGIN { printf "idle editor: %.2f s of CPU in %d s = %.1f %% of one core\n", t / hz, s, 100 * t / hz / s }'
