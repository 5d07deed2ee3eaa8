#!/usr/bin/env bash
# The editor's memory with a 3-hour MP3: opens the release editor under Xvfb on a show that
# uses a 3-hour 192 kbit/s stereo MP3, waits until the audio is decoded (the editor's
# "audio-load" thread has come and gone), and prints resident memory at 1 s and when
# decoding began, and peak RSS (VmHWM) once decoded, from /proc/PID/status. Goal: under
# 300 MB.
#
# The MP3 is the 60-minute bench file (benches/fixtures-gen/long-mp3.sh: the sample show's
# sox-synthesised music, no recordings) joined three times without re-encoding (259 MB),
# cached in /tmp. Settings and autosave go to a temporary HOME. Bounded: gives up after
# TIMEOUT seconds (default 120) and always stops the editor and Xvfb.
# Usage: bash bench/editor-memory.sh [RUNS]   (needs xvfb-run or Xvfb, sox, ffmpeg,
#        `cargo build --release`; Debian: apt-get install -y xvfb libgl1-mesa-dri libegl1)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${CUESTUDIO_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/cuestudio}"
runs="${1:-1}" timeout="${TIMEOUT:-120}"
[ -x "$bin" ] || { echo "no $bin: run cargo build --release" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "needs Xvfb (apt-get install -y xvfb)" >&2; exit 2; }

hour=/tmp/cuestudio-bench-60min.mp3
mp3=/tmp/cuestudio-bench-3h.mp3
[ -s "$hour" ] || bash "$root/benches/fixtures-gen/long-mp3.sh" "$hour" >/dev/null
if [ ! -s "$mp3" ]; then
  list="$(mktemp)"
  printf "file '%s'\n" "$hour" "$hour" "$hour" >"$list"
  ffmpeg -hide_banner -loglevel error -y -f concat -safe 0 -i "$list" -c copy "$mp3.tmp.mp3"
  mv "$mp3.tmp.mp3" "$mp3"
  rm -f "$list"
fi

work="$(mktemp -d)"
xpid="" app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null && wait "$app" 2>/dev/null
  [ -n "$xpid" ] && kill "$xpid" 2>/dev/null && wait "$xpid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The sample show's cues against the 3-hour file.
python3 - "$root/sample_shows/hoshizora.cueshow.json" "$mp3" "$work/show.cueshow.json" <<'PY'
import json, sys
show = json.load(open(sys.argv[1], encoding="utf-8"))
show["audio"] = sys.argv[2]
json.dump(show, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
PY

kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$app/status" 2>/dev/null; }
loading() { grep -qx audio-load /proc/"$app"/task/*/comm 2>/dev/null; }

disp=":$((200 + RANDOM % 200))"
Xvfb "$disp" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
sleep 0.5
printf 'file: %s (%s MB, %s s)\n' "$mp3" "$(($(stat -c %s "$mp3") / 1000000))" \
  "$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$mp3" | cut -d. -f1)"
for r in $(seq "$runs"); do
  mkdir -p "$work/home$r"
  HOME="$work/home$r" XDG_DATA_HOME="$work/home$r/data" XDG_CONFIG_HOME="$work/home$r/config" \
    XDG_RUNTIME_DIR="$work/home$r" DISPLAY="$disp" RUST_LOG=warn \
    "$bin" "$work/show.cueshow.json" >"$work/editor$r.log" 2>&1 &
  app=$!
  start=$(date +%s.%N)
  seen=0 at1="" began="" began_at=""
  while :; do
    kill -0 "$app" 2>/dev/null || { echo "the editor exited early:" >&2; cat "$work/editor$r.log" >&2; exit 1; }
    now=$(date +%s.%N)
    el=$(awk -v a="$start" -v b="$now" 'BEGIN { print b - a }')
    if [ -z "$at1" ] && awk -v e="$el" 'BEGIN { exit !(e >= 1) }'; then at1=$(kb VmRSS); fi
    if loading; then
      [ "$seen" = 1 ] || { seen=1 began=$(kb VmRSS) began_at=$el; }
    elif [ "$seen" = 1 ]; then
      break
    fi
    if awk -v e="$el" -v t="$timeout" 'BEGIN { exit !(e >= t) }'; then
      echo "run $r: not decoded after $timeout s (audio-load seen: $seen)" >&2; exit 1
    fi
    sleep 0.1
  done
  sleep 1 # a frame or two with the whole waveform
  printf 'run %s: RSS at 1 s %d MiB; decoding began at %.1f s (RSS %d MiB) and ended at %.1f s; RSS then %d MiB, peak RSS (VmHWM) %d MiB\n' \
    "$r" "$((at1 / 1024))" "$began_at" "$((began / 1024))" "$el" "$(($(kb VmRSS) / 1024))" "$(($(kb VmHWM) / 1024))"
  kill "$app" && wait "$app" 2>/dev/null || true
  app=""
done
