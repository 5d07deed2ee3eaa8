# Shared by the conformance scripts: start servers on ports the kernel picks (never a fixed
# port, so a leftover process cannot answer in place of the server under test).

# wait_listening LOG: prints the address `cuestudio-timeserver --listen 127.0.0.1:0` reports
# on its stdout ("listening on http://ADDR"), waiting up to 10 s.
wait_listening() {
  local log="$1" line
  for _ in $(seq 100); do
    line=$(grep -m1 -o 'listening on http://[0-9.:]*' "$log" 2>/dev/null || true)
    if [ -n "$line" ]; then echo "${line#listening on http://}"; return 0; fi
    sleep 0.1
  done
  echo "no 'listening on' line in $log:" >&2; tail -20 "$log" >&2; return 1
}

# wait_port_file FILE: prints the port listen_fd.py wrote, waiting up to 10 s.
wait_port_file() {
  for _ in $(seq 100); do
    [ -s "$1" ] && { cat "$1"; return 0; }
    sleep 0.1
  done
  echo "no port in $1" >&2; return 1
}

# wait_up URL: waits until URL/healthz answers, up to 10 s.
wait_up() {
  for _ in $(seq 100); do curl -sf "$1/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "server at $1 did not start" >&2; return 1
}
