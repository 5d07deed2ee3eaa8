#!/usr/bin/env bash
# The timeline frame's cost with 20,000 cues against 200 (issue 3's "no more than 1.5×"),
# measured so that the slow drift of a shared machine cancels out: short criterion runs of
# the two cases alternate, ROUNDS times, and the ratio of each pair is printed with the
# median. Then callgrind's instruction counts per frame (deterministic) if valgrind is here.
# Usage: bash benches/timeline-ratio.sh [VIEW: 10s|fit] [ROUNDS]   (bounded: about 25 s a round)
set -euo pipefail
cd "$(dirname "$0")/.."
view="${1:-10s}" rounds="${2:-6}"
cargo bench --bench timeline --no-run 2>/dev/null
bin="$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/timeline-* | grep -v '\.d$' | head -1)"
mean_us() { # case -> mean in µs (criterion's middle estimate)
  "$bin" --bench --warm-up-time 1 --measurement-time 3 "^timeline/$1\$" 2>/dev/null |
    awk '/time:/ { v = $(NF-3); u = $(NF-2); if (u == "ns") v /= 1000; if (u == "ms") v *= 1000; print v }'
}
ratios=()
for r in $(seq "$rounds"); do
  a="$(mean_us "200_cues_$view")" b="$(mean_us "20000_cues_$view")"
  ratio="$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')"
  ratios+=("$ratio")
  echo "round $r: 200 cues $a µs, 20,000 cues $b µs, ratio $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n |
  awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median ratio (%s view): %.2f\n", "'"$view"'", m }'
if command -v valgrind >/dev/null; then
  for c in "200_cues_$view" "20000_cues_$view"; do
    out="$(mktemp)"
    valgrind --tool=callgrind --callgrind-out-file="$out" \
      --toggle-collect='criterion::bencher::Bencher*::iter*' \
      "$bin" --bench --profile-time 2 "^timeline/$c\$" >/dev/null 2>&1
    id="$(grep -m1 -E '^c?fn=\([0-9]+\) timeline::frame' "$out" | sed -E 's/.*\(([0-9]+)\).*/\1/')"
    frames="$(grep -A1 "^cfn=($id)" "$out" | awk '/^calls=/ { s += substr($1, 7) } END { print s }')"
    total="$(awk '/^(summary|totals):/ { print $2; exit }' "$out")"
    echo "$c: $((total / frames)) instructions a frame (callgrind, $frames frames)"
    rm -f "$out"
  done
fi
