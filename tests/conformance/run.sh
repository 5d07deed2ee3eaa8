#!/usr/bin/env bash
# Runs the conformance suite against the Rust server and the edge Worker (in workerd).
# Needs: a built cuestudio-timeserver (TIMESERVER_BIN, default target/debug/...) and
# `npm ci` done in edge/. Usage: bash tests/conformance/run.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${TIMESERVER_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/cuestudio-timeserver}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export ADMIN_TOKEN="conformance-$RANDOM$RANDOM"

wait_up() {
  for _ in $(seq 100); do curl -sf "$1/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "server at $1 did not start" >&2; return 1
}

rust_port=18787 edge_port=18788
CUESTUDIO_ADMIN_TOKEN="$ADMIN_TOKEN" "$bin" --listen "127.0.0.1:$rust_port" \
  --state "$work/state.json" >"$work/rust.log" 2>&1 &
pids+=($!)
mkdir -p "$work/do"
(cd "$root/edge" && exec ./node_modules/.bin/workerd serve config.capnp --experimental \
  --socket-addr "http=127.0.0.1:$edge_port" --directory-path "do-storage=$work/do") \
  >"$work/edge.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$rust_port"
wait_up "http://127.0.0.1:$edge_port"

status=0
echo "== Rust server"; node "$root/tests/conformance/conformance.mjs" "http://127.0.0.1:$rust_port" "$ADMIN_TOKEN" || status=1
echo "== Edge Worker (workerd)"; node "$root/tests/conformance/conformance.mjs" "http://127.0.0.1:$edge_port" "$ADMIN_TOKEN" || status=1
[ "$status" = 0 ] || { echo "--- rust.log"; tail -20 "$work/rust.log"; echo "--- edge.log"; tail -20 "$work/edge.log"; }
exit "$status"
