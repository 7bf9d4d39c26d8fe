#!/usr/bin/env bash
# Issue 5's matching figures on this machine: quality on the labelled set (eval/matching) for the
# full scorer, BM25 alone and the Python baseline; and the batch of 10,000 demands against
# 100,000 supplies (top 10 each), Rust beside the Python baseline (jieba + scikit-learn TF-IDF,
# cosine top 10), with the ratio. Usage: bench/matching.sh [WORKDIR=/tmp/zhiyun-match-bench]
# Needs: a release build (cargo build --release) and python3 with bench/requirements-baseline.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-/tmp/zhiyun-match-bench}"
BIN="$ROOT/target/release/zhiyun"
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }
python3 -c "import jieba, sklearn" 2>/dev/null || pip install -q -r "$ROOT/bench/requirements-baseline.txt"
mkdir -p "$WORK"
step() { printf '\n==== %s ====\n' "$*"; }

step "quality on the labelled set (320 supplies, 64 demands)"
"$BIN" eval matching --dir "$ROOT/eval"
echo "Python baseline:"
python3 "$ROOT/bench/match_baseline.py" --supplies "$ROOT/eval/matching/supplies.jsonl" \
  --demands "$ROOT/eval/matching/demands.jsonl" | grep -E '^(recall|ndcg)'

step "batch: 10,000 demands × 100,000 supplies, top 10"
"$BIN" bench gen-match --supplies 100000 --demands 10000 --out "$WORK"
echo "-- Rust (zhiyun bench match)"
"$BIN" bench match --supplies "$WORK/supplies.jsonl" --demands "$WORK/demands.jsonl" | tee "$WORK/rust.txt"
echo "-- Python baseline"
python3 "$ROOT/bench/match_baseline.py" --supplies "$WORK/supplies.jsonl" --demands "$WORK/demands.jsonl" | tee "$WORK/python.txt"
rust=$(grep '^total_s=' "$WORK/rust.txt" | cut -d= -f2)
python=$(grep '^total_s=' "$WORK/python.txt" | cut -d= -f2)
python3 -c "print(f'total: Rust {$rust:.1f} s, Python {$python:.1f} s, ratio ×{$python/$rust:.1f}')"
