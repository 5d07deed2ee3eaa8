# Sourced by the server benchmarks: starts the release cuestudio-timeserver on a free port
# of 127.0.0.1 (`--listen 127.0.0.1:0`) and sets `server_pid` and `server_addr` (host:port,
# from its `listening on http://ADDR` line on stdout, or else its "listening" log line, which
# older builds write to stdout).
# Sourcing it also sets up `work` (a temporary folder, removed on exit) and `pids` (killed on
# exit), and raises the open-file limit for many connections.
# Usage: start_server [taskset CPUS]
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 20000 2>/dev/null || true

start_server() {
  local bin="${TIMESERVER_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/cuestudio-timeserver}"
  [ -x "$bin" ] || { echo "no $bin: run cargo build --release -p timeserver" >&2; return 2; }
  local pin=()
  [ $# -gt 0 ] && pin=(taskset -c "$1")
  : >"$work/server.out"
  RUST_LOG=warn,timeserver::server=info "${pin[@]}" "$bin" --listen 127.0.0.1:0 \
    >"$work/server.out" 2>"$work/server.log" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 50); do
    server_addr="$(sed -n 's|^listening on http://||p' "$work/server.out")"
    [ -n "$server_addr" ] ||
      server_addr="$(cat "$work/server.out" "$work/server.log" | sed -e 's/\x1b\[[0-9;]*m//g' |
        sed -n 's/.*listening.* addr=\([0-9.]*:[0-9]*\).*/\1/p' | head -1)"
    [ -n "$server_addr" ] && return 0
    sleep 0.1
  done
  echo "the server did not start:" >&2
  cat "$work/server.log" >&2
  return 1
}
