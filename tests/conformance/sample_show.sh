#!/usr/bin/env bash
# The article's client loop fires every cue of the exported sample show, in order.
# It joins 1.5 s before the last cue (everything earlier is due at once, the rest fires in
# real time) against a real cuestudio-timeserver on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin_dir="${CARGO_TARGET_DIR:-$root/target}/debug"
work="$(mktemp -d)"; pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
. "$root/tests/conformance/lib.sh"
"$bin_dir/cuestudio" export "$root/sample_shows/hoshizora.cueshow.json" -o "$work/cues.json"
"$bin_dir/cuestudio-timeserver" --listen "127.0.0.1:0" >"$work/ts.log" 2>&1 & pid=$!
base="http://$(wait_listening "$work/ts.log")"
wait_up "$base"
last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[-1]["time"])' "$work/cues.json")
start=$(( $(date +%s%3N) - last + 1500 ))
node "$root/tests/conformance/article_client.js" "$base" "$(cat "$work/cues.json")" "$start" 3500 >"$work/fired.jsonl"
python3 - "$work/cues.json" "$work/fired.jsonl" <<'PY'
import json, sys
cues = json.load(open(sys.argv[1]))
fired = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
want = [(c["time"], c["action"]) for c in cues]
got = [(f["time"], f["action"]) for f in fired]
assert got == want, f"fired {len(got)} of {len(want)} cues; first difference at {next((i for i,(a,b) in enumerate(zip(got,want)) if a!=b), min(len(got),len(want)))}"
late = [f for f in fired if f["time"] > cues[-1]["time"] - 1500 and f["firedAt"] - f["time"] > 150]
assert not late, f"cues fired more than 150 ms late: {late}"
print(f"sample show: the article client fired all {len(got)} exported cues in order")
PY
