#!/usr/bin/env bash
# Runs the conformance suite against the Rust server and the edge Worker (in workerd).
# Needs: a built cuestudio-timeserver (TIMESERVER_BIN, default target/debug/...) and
# `npm ci` done in edge/. Usage: bash tests/conformance/run.sh [rust] [edge] (default: both;
# `npm test` in edge/ runs the edge Worker alone).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${TIMESERVER_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/cuestudio-timeserver}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export ADMIN_TOKEN="conformance-$RANDOM$RANDOM"
. "$root/tests/conformance/lib.sh"
targets=" ${*:-rust edge} "
want() { [[ "$targets" == *" $1 "* ]]; }

# Both servers listen on ports the kernel picks: the Rust server reports its address on
# stdout, and workerd gets a socket bound for it (--socket-fd).
status=0
if want rust; then
  CUESTUDIO_ADMIN_TOKEN="$ADMIN_TOKEN" "$bin" --listen "127.0.0.1:0" \
    --state "$work/state.json" >"$work/rust.log" 2>&1 &
  pids+=($!)
  rust_url="http://$(wait_listening "$work/rust.log")"
  wait_up "$rust_url"
  echo "== Rust server"; node "$root/tests/conformance/conformance.mjs" "$rust_url" "$ADMIN_TOKEN" || status=1
fi
if want edge; then
  mkdir -p "$work/do"
  (cd "$root/edge" && exec python3 "$root/tests/conformance/listen_fd.py" "$work/edge.port" \
    ./node_modules/.bin/workerd serve config.capnp --experimental \
    --socket-fd "http={fd}" --directory-path "do-storage=$work/do") \
    >"$work/edge.log" 2>&1 &
  pids+=($!)
  edge_url="http://127.0.0.1:$(wait_port_file "$work/edge.port")"
  wait_up "$edge_url"
  echo "== Edge Worker (workerd)"; node "$root/tests/conformance/conformance.mjs" "$edge_url" "$ADMIN_TOKEN" || status=1
fi
[ "$status" = 0 ] || { for l in "$work"/*.log; do echo "--- $l"; tail -20 "$l"; done; }
exit "$status"
