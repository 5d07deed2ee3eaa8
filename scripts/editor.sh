#!/usr/bin/env bash
# Runs the editor on the bundled sample show (sets up what is missing first).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --gui
exec cargo run --release -- "${@:-sample_shows/hoshizora.cueshow.json}"
