#!/usr/bin/env bash
# Issue 17: one match request (a demand's top 10 supplies, the full scorer) against a large set:
# the set's build time and memory by part, single-request p50/p99 (one at a time, on every core at
# once, and while a second set is rebuilt beside it, as the service does in the background when
# writes continue) and the process's peak memory at each size. Supplies are recombined from
# eval/matching's sentences.
# Usage: bench/match_scale.sh [SIZES="200000 1000000"] [REQUESTS=500]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SIZES="${1:-200000 1000000}"
REQUESTS="${2:-500}"
cd "$ROOT"
cargo build --release -p zhiyun-search --example match_scale
for n in $SIZES; do
  printf '\n==== %s supplies ====\n' "$n"
  /usr/bin/time -f "wall %e s, peak %M KB" target/release/examples/match_scale "$n" "$REQUESTS"
done
