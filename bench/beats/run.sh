#!/usr/bin/env bash
# Beat analysis benchmark (issue 14, section 1): generates the synthetic test set, runs
# `cuestudio beats --json` (release build) and librosa's beat_track on every track, and
# prints F (mir_eval, ±70 ms, beats before 5 s trimmed) side by side, then times the CLI
# on a 4-minute song as WAV and MP3.
#
#   bash bench/beats/run.sh            # whole run
#   BEATS_VENV=/path/to/venv bash bench/beats/run.sh   # reuse a venv with librosa, mir_eval
#   BEATS_BIN=/path/to/cuestudio bash bench/beats/run.sh  # a cuestudio built elsewhere
#
# The venv (default bench/beats/.venv, gitignored) is created on first use with
# `pip install numpy librosa mir_eval soundfile`. Needs python3; ffmpeg for the MP3 timing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$here/out"
venv="${BEATS_VENV:-$here/.venv}"

echo "== build (release)"
mkdir -p "$out"
if [ -z "${BEATS_BIN:-}" ]; then
  cargo build --release --quiet --bin cuestudio
  # A shared target dir may get another checkout's binary at any moment: keep ours.
  cp "$target/release/cuestudio" "$here/.cuestudio"
  bin="$here/.cuestudio"
else
  bin="$BEATS_BIN"
fi
if ! "$bin" beats --help > /dev/null 2>&1; then
  echo "$bin has no 'beats' command (another checkout's build?): set CARGO_TARGET_DIR or BEATS_BIN" >&2
  exit 2
fi
cargo build --release --quiet -p beats --examples

if [ ! -x "$venv/bin/python" ]; then
  echo "== venv $venv (numpy librosa mir_eval soundfile)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy librosa mir_eval soundfile
fi

echo "== generate the test set in $out"
rm -rf "$out" && mkdir -p "$out"
"$target/release/examples/testset" "$out/set" --sweep "$out/sweep" --long 240 > /dev/null
if command -v ffmpeg > /dev/null; then
  ffmpeg -loglevel error -y -i "$out/set/long.wav" -b:a 192k "$out/set/long.mp3"
fi

echo "== ours: cuestudio beats --json"
for wav in "$out"/set/*.wav "$out"/sweep/*.wav; do
  [ -f "${wav%.wav}.beats" ] || continue
  start=$(date +%s.%N)
  "$bin" beats "$wav" --json > "${wav%.wav}.ours.json"
  end=$(date +%s.%N)
  echo "$end - $start" | bc > "${wav%.wav}.ours.time"
done

echo "== librosa beat_track and scores: the test set (the issue's goals)"
status=0
"$venv/bin/python" "$here/score.py" "$out/set" "$target/release/examples/fmeasure" || status=$?
echo
echo "== the sweep: six styles at six tempos (not a goal; how the method generalises)"
"$venv/bin/python" "$here/score.py" "$out/sweep" "$target/release/examples/fmeasure" --no-goals || true

echo
echo "== a 4-minute song: cuestudio beats (decode + analysis), wall time of 3 runs each"
for f in "$out/set/long.wav" "$out/set/long.mp3"; do
  [ -f "$f" ] || continue
  times=()
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$bin" beats "$f" --json > /dev/null
    end=$(date +%s.%N)
    times+=("$(printf '%.2f' "$(echo "$end - $start" | bc)")")
  done
  echo "$(basename "$f"): ${times[*]} s  (goal <= 2 s)"
done
echo "(analysis alone: cargo bench -p beats --bench analyse)"
exit "$status"
