#!/usr/bin/env bash
# Timeline frames that miss the caches, at 20,000 cues (benches/timeline.rs, `timeline_miss`):
# a zoom step, one step of dragging 1,000 selected cues (with the move applied), the frame
# after a one-cue edit. Goal: under 8 ms each. Runs the criterion group ROUNDS times and
# prints each case's estimates and their median (wall time on a shared machine moves a lot
# from run to run), then, when valgrind is here, the instructions each case executes once
# (callgrind; deterministic, so they repeat on any machine with the same build).
# Usage: bash bench/timeline-miss.sh [ROUNDS]   (about 40 s a round, 2 min for callgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
cargo bench --bench timeline --no-run 2>/dev/null
bin="$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/timeline-* | grep -v '\.d$' | head -1)"
out="$(mktemp)" cg="$(mktemp)"
trap 'rm -f "$out" "$cg"' EXIT
for r in $(seq "$rounds"); do
  echo "round $r (load $(cut -d' ' -f1 /proc/loadavg)):"
  "$bin" --bench --warm-up-time 1 --measurement-time 3 '^timeline_miss/' 2>/dev/null |
    awk '/^timeline_miss\// { name = $1 } /time:/ { v = $(NF-3); u = $(NF-2);
      if (u == "ns") v /= 1e6; if (u == "µs" || u == "us") v /= 1000; if (u == "s") v *= 1000;
      printf "  %-45s %8.3f ms\n", name, v }' | tee -a "$out"
done
echo "median of $rounds rounds:"
awk '{ print $1, $2 }' "$out" | sort -k1,1 -k2,2n |
  awk '{ v[$1] = v[$1] " " $2; n[$1]++ } END { for (k in v) { split(substr(v[k], 2), a, " ");
    m = (n[k] % 2) ? a[(n[k] + 1) / 2] : (a[n[k] / 2] + a[n[k] / 2 + 1]) / 2;
    printf "  %-45s %8.3f ms  (%s ms)\n", k, m, substr(v[k], 2) } }' | sort
command -v valgrind >/dev/null || exit 0
# Instructions a case executes once: the inclusive cost of what an iteration runs (the
# frame, and for the drag the move applied too) over the number of frames, counted only
# inside criterion's timing loop.
calls() { # function name -> calls inside the collected region
  local id
  id="$(grep -m1 -E "^c?fn=\([0-9]+\) $1\$" "$cg" | sed -E 's/.*\(([0-9]+)\).*/\1/' || true)"
  { grep -A1 "^cfn=($id)" "$cg" || true; } | awk '/^calls=/ { s += substr($1, 7) } END { print s + 0 }'
}
inclusive() { # function name -> inclusive instructions
  callgrind_annotate --inclusive=yes "$cg" 2>/dev/null |
    awk -v f=":$1 [" 'index($0, f) && !done { gsub(",", "", $1); print $1; done = 1 }'
}
echo "instructions per iteration (callgrind):"
for c in zoom_step_fit zoom_step_9min zoom_step_10s drag_1000_selected after_edit_fit \
  after_edit_10s; do
  valgrind --tool=callgrind --callgrind-out-file="$cg" \
    --toggle-collect='criterion::bencher::Bencher*::iter*' \
    "$bin" --bench --profile-time 2 "^timeline_miss/20000_cues_$c\$" >/dev/null 2>&1
  case $c in
    after_edit_*) unit=timeline::frame; extra="" ;;
    drag_*) unit=timeline::frame_with; extra=timeline::apply ;;
    *) unit=timeline::frame_with; extra="" ;;
  esac
  n="$(calls "$unit")" ir="$(inclusive "$unit")"
  [ "$n" -gt 0 ] && [ -n "$ir" ] || { echo "  $c: no count from callgrind" >&2; continue; }
  [ -n "$extra" ] && ir=$((ir + $(inclusive "$extra")))
  printf '  %-45s %12d instructions (%d iterations)\n' "timeline_miss/20000_cues_$c" \
    "$((ir / n))" "$n"
done
