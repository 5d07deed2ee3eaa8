#!/usr/bin/env bash
# `cuestudio waveform` against `ffmpeg -i FILE -f null -` (decode only) on the 60-minute
# 192 kbit/s MP3 (benches/fixtures-gen/long-mp3.sh, cached in /tmp), ROUNDS alternating
# rounds of four runs: both on every core, then both pinned to one core with `taskset -c 0`.
# ffmpeg's MP3 decoder uses one thread either way; cuestudio decodes on
# `decode::default_threads()` threads, which follows the CPUs the process may run on
# (`available_parallelism`), so pinned it runs one thread in all. Prints each run (wall time,
# CPU time, peak RSS) and the median ratios cuestudio / ffmpeg: wall time, and CPU time,
# which a machine shared with other work disturbs less.
# Usage: bash bench/waveform-vs-ffmpeg.sh [ROUNDS]   (needs `cargo build --release`, ffmpeg;
#        about 20 s a round)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${CUESTUDIO_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/cuestudio}"
rounds="${1:-3}"
[ -x "$bin" ] || { echo "no $bin: run cargo build --release" >&2; exit 2; }
mp3="${CUESTUDIO_BENCH_MP3:-/tmp/cuestudio-bench-60min.mp3}"
[ -s "$mp3" ] || bash "$root/benches/fixtures-gen/long-mp3.sh" "$mp3" >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "file: $mp3 ($(($(stat -c %s "$mp3") / 1000000)) MB); $(nproc) CPUs"

run() { # name pin command... -> appends "name wall" to $work/walls
  local name="$1" pin="$2"
  shift 2
  local pre=()
  [ "$pin" = one ] && pre=(taskset -c 0)
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "${pre[@]}" "$@" >/dev/null 2>"$work/err" || {
    echo "$name failed:" >&2; cat "$work/err" >&2; exit 1; }
  read -r wall user sys rss <"$work/t"
  printf '  %-26s %6.2f s wall, %6.2f s CPU, %4d MiB peak RSS\n' "$name" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$((rss / 1024))"
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" >>"$work/walls"
}
for r in $(seq "$rounds"); do
  echo "round $r:"
  run "ffmpeg, all cores" all ffmpeg -nostdin -hide_banner -loglevel error -i "$mp3" -f null -
  run "cuestudio, all cores" all "$bin" waveform "$mp3" -o "$work/w.json"
  run "ffmpeg, one core" one ffmpeg -nostdin -hide_banner -loglevel error -i "$mp3" -f null -
  run "cuestudio, one core" one "$bin" waveform "$mp3" -o "$work/w.json"
done
median() { # name column (1: wall, 2: CPU)
  grep "^$1 " "$work/walls" | awk -v c="$2" '{ print $(NF - 2 + c) }' | sort -n |
  awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for mode in "all cores" "one core"; do
  f="$(median "ffmpeg, $mode" 1)" q="$(median "cuestudio, $mode" 1)"
  fc="$(median "ffmpeg, $mode" 2)" qc="$(median "cuestudio, $mode" 2)"
  awk -v m="$mode" -v f="$f" -v q="$q" -v fc="$fc" -v qc="$qc" 'BEGIN {
    printf "%s: median wall time ffmpeg %.2f s, cuestudio %.2f s, ratio %.2f; " \
      "median CPU time ffmpeg %.2f s, cuestudio %.2f s, ratio %.2f\n", m, f, q, q / f, fc, qc, qc / fc }'
done
