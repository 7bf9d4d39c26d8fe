#!/usr/bin/env bash
# Issue 11's figures on this machine: XLSX import of 100,000 patents (time, peak memory; dry run and
# all-or-nothing), then the register filled to N patents and K5 (high-value invention patents per
# 10,000 residents) timed per district and city-wide for one year.
# Usage: bench/patents.sh [N=500000] [WORKDIR=/tmp/zhiyun-bench-patents]
# Needs: a release build (cargo build --release -p zhiyun), GNU time (/usr/bin/time).
set -euo pipefail
N="${1:-500000}"
WORK="${2:-/tmp/zhiyun-bench-patents}"
BIN="$(cd "$(dirname "$0")/.." && pwd)/target/release/zhiyun"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p zhiyun" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
export ZHIYUN_DATABASE_URL="$WORK/bench.db" ZHIYUN_INDEX_DIR="$WORK/index"
step() { printf '\n==== %s ====\n' "$*"; }
YEAR=$(( $(date +%Y) - 1 ))

step "registry (demo organisations and the demo register)"
"$BIN" demo > /dev/null

step "XLSX import of 100,000 patents"
"$BIN" bench gen-patents --rows 100000 --out patents-100k.xlsx
ls -l patents-100k.xlsx | awk '{printf "file: %.1f MB\n", $5 / 1048576}'
/usr/bin/time -f "dry run: %e s wall, peak %M KB" "$BIN" import patents patents-100k.xlsx | tail -1
/usr/bin/time -f "import (all or nothing): %e s wall, peak %M KB" "$BIN" import patents patents-100k.xlsx --mode all | tail -1

step "fill to $N patents"
"$BIN" bench fill-patents --patents $((N - 100000)) --from 100000 2>&1 | tail -1

step "K5 for $YEAR at $N patents"
"$BIN" bench patent-indicator --year "$YEAR" --rounds 10
