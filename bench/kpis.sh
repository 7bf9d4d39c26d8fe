#!/usr/bin/env bash
# Issue 16's figures on this machine: the demo, the patent register filled to 500,000, then
# 100,000 deals, 20,000 pledges and 50,000 survey responses over 2020–2024; K1–K6 timed city-wide
# and per district for 2020–2024 as the municipal bureau, and each district's statistics XLSX.
# Usage: bench/kpis.sh [WORKDIR=/tmp/zhiyun-bench-kpis]
# Needs: a release build (cargo build --release -p zhiyun).
set -euo pipefail
WORK="${1:-/tmp/zhiyun-bench-kpis}"
BIN="$(cd "$(dirname "$0")/.." && pwd)/target/release/zhiyun"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p zhiyun" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
export ZHIYUN_DATABASE_URL="$WORK/bench.db" ZHIYUN_INDEX_DIR="$WORK/index"
step() { printf '\n==== %s ====\n' "$*"; }

step "the demo"
"$BIN" demo > /dev/null

step "the register filled to 500,000 patents"
time "$BIN" bench fill-patents --patents 500000 2>&1 | tail -1

step "100,000 deals, 20,000 pledges, 50,000 survey responses"
time "$BIN" bench fill-kpis --deals 100000 --pledges 20000 --responses 50000 2>&1 | tail -3

step "K1–K6 and the statistics XLSX"
"$BIN" bench kpis --from 2020 --to 2024 --rounds 5
