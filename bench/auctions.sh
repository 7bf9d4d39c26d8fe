#!/usr/bin/env bash
# Issue 14's figures on this machine: bids per second on one hot lot and on 50 lots at once, with
# p50/p99 latency and the stored history checked (zero lost or duplicated bids), on SQLite and on
# PostgreSQL (when ZHIYUN_BENCH_POSTGRES_URL names an empty database). In-process through the
# use case (one writer per lot, the price in memory, each accepted bid written through in one
# transaction); every bidder bids as fast as it can, many bids are refused as in a real storm.
# Usage: bench/auctions.sh [SECONDS=10] [BIDDERS=20] [WORKDIR=/tmp/zhiyun-bench-auctions]
# Needs: a release build (cargo build --release -p zhiyun).
set -euo pipefail
SECS="${1:-10}"
BIDDERS="${2:-20}"
WORK="${3:-/tmp/zhiyun-bench-auctions}"
BIN="$(cd "$(dirname "$0")/.." && pwd)/target/release/zhiyun"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p zhiyun" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK"
step() { printf '\n==== %s ====\n' "$*"; }

step "SQLite, one hot lot"
ZHIYUN_DATABASE_URL="$WORK/one.db" "$BIN" bench auctions --lots 1 --bidders "$BIDDERS" --seconds "$SECS"
step "SQLite, 50 lots"
ZHIYUN_DATABASE_URL="$WORK/fifty.db" "$BIN" bench auctions --lots 50 --bidders "$((BIDDERS * 5))" --seconds "$SECS"
if [ -n "${ZHIYUN_BENCH_POSTGRES_URL:-}" ]; then
  step "PostgreSQL, one hot lot"
  ZHIYUN_DATABASE_URL="$ZHIYUN_BENCH_POSTGRES_URL" "$BIN" bench auctions --lots 1 --bidders "$BIDDERS" --seconds "$SECS"
  step "PostgreSQL, 50 lots"
  ZHIYUN_DATABASE_URL="$ZHIYUN_BENCH_POSTGRES_URL" "$BIN" bench auctions --lots 50 --bidders "$((BIDDERS * 5))" --seconds "$SECS"
fi
