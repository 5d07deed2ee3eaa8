#!/usr/bin/env bash
# long-mp3.sh: the 60-minute 192 kbit/s stereo MP3 that benches/waveform.rs measures.
# The sample show's music looped 24 times (3600 s), encoded by ffmpeg's libmp3lame.
# Not committed (86 MB). Usage: benches/fixtures-gen/long-mp3.sh [OUT.mp3]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-/tmp/cuestudio-bench-60min.mp3}"
wav="$(mktemp --suffix=.wav)"
trap 'rm -f "$wav"' EXIT
sox -R -V1 "$here/../../sample_shows/hoshizora.ogg" "$wav" repeat 23
ffmpeg -hide_banner -loglevel error -y -i "$wav" -c:a libmp3lame -b:a 192k "$out"
echo "$out"
