#!/usr/bin/env bash
# The time server's connection limits (BENCHMARKS.md, "Connection limits"): starts a release
# cuestudio-timeserver on a free port and runs bench/server/limits.py against it: how soon
# idle, half-sent, trickling and kept-alive connections are closed, and the RSS held by
# 200 clients that pipeline 40,000 requests each and never read. About 40 s, bounded.
# Usage: bash bench/server/limits.sh [PIPELINERS] [REQUESTS] [CLIENTS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/server/start.sh
source "$root/bench/server/start.sh"
start_server
python3 "$root/bench/server/limits.py" "${server_addr%:*}" "${server_addr##*:}" "$server_pid" "$@"
