#!/usr/bin/env bash
# The robustness check (BENCHMARKS.md): starts a release cuestudio-timeserver on a free port
# and runs bench/server/robustness.py against it (10,000 idle connections by default,
# slowloris clients, malformed and oversized requests), printing its RSS after each phase.
# Usage: bash bench/server/robustness.sh [IDLE_CONNECTIONS]   (bounded: about 20 s)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/server/start.sh
source "$root/bench/server/start.sh"
start_server
python3 "$root/bench/server/robustness.py" "${server_addr%:*}" "${server_addr##*:}" "$server_pid" "$@"
