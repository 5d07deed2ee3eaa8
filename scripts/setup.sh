#!/usr/bin/env bash
# Installs what building and testing Cuestudio needs on Debian/Ubuntu (idempotent, quiet).
# Build: pkg-config, libasound2-dev (rodio/cpal via ALSA). Tests: sox and ffmpeg (generated
# audio), python3-jsonschema (independent schema check), curl, node (edge + article client),
# chromium and fonts-noto-cjk (the event page in a real browser: tests/browser, bench/web).
set -euo pipefail
pkgs=(pkg-config libasound2-dev sox libsox-fmt-all ffmpeg curl python3 python3-pip python3-jsonschema chromium fonts-noto-cjk)
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
[ "${1:-}" = "--gui" ] && pkgs+=(fonts-noto-cjk libgl1-mesa-dri libegl1 libxkbcommon-x11-0)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  python3 -m pip install -q jsonschema 2>/dev/null || python3 -m pip install -q --break-system-packages jsonschema
fi
if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing: install it from rustup (https://rustup.rs), then run this again" >&2
  exit 2
fi
