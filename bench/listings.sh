#!/usr/bin/env bash
# Issue 4's figures on this machine: XLSX import of 100,000 rows (time, peak memory), index build,
# search p50/p99 and the same queries as SQL LIKE at N listings, and the public list page under
# load (wrk, 32 connections). Usage: bench/listings.sh [N=1000000] [WORKDIR=/tmp/zhiyun-bench]
# Needs: a release build (cargo build --release), GNU time (/usr/bin/time), wrk (apt install wrk).
set -euo pipefail
N="${1:-1000000}"
WORK="${2:-/tmp/zhiyun-bench}"
BIN="$(cd "$(dirname "$0")/.." && pwd)/target/release/zhiyun"
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
export ZHIYUN_DATABASE_URL="$WORK/bench.db" ZHIYUN_INDEX_DIR="$WORK/index"
step() { printf '\n==== %s ====\n' "$*"; }

step "registry (demo organisations)"
"$BIN" demo > /dev/null

step "XLSX import of 100,000 demand rows"
"$BIN" bench gen-file --kind demand --rows 100000 --out demands-100k.xlsx
/usr/bin/time -f "dry run: %e s wall, peak %M KB" "$BIN" import demands demands-100k.xlsx | tail -1
/usr/bin/time -f "import: %e s wall, peak %M KB" "$BIN" import demands demands-100k.xlsx --mode all --status published | tail -2

step "fill to $N listings"
"$BIN" bench fill --listings $((N - 100000)) 2>/dev/null

step "index build"
"$BIN" reindex

step "search vs LIKE"
"$BIN" bench search --rounds 50

step "list page under load (wrk, 32 connections, 30 s)"
PORT=18089
"$BIN" serve --addr 127.0.0.1:$PORT > serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 1; done
cat > queries.lua <<'LUA'
local q = {"%E9%94%82%E7%94%B5%E6%B1%A0%20%E9%9A%94%E8%86%9C", "AGV", "5G%20%E5%9F%BA%E7%AB%99", "%E5%85%89%E4%BC%8F", "%E6%9C%BA%E5%99%A8%E8%A7%86%E8%A7%89%20%E6%A3%80%E6%B5%8B", "%E9%92%A0%E7%94%B5", "%E4%BC%A0%E6%84%9F%E5%99%A8", "%E6%B1%A1%E6%B0%B4%20%E5%A4%84%E7%90%86", "", "BMS"}  -- 锂电池 隔膜, AGV, 5G 基站, 光伏, 机器视觉 检测, 钠电, 传感器, 污水 处理, (none), BMS
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/listings?q=" .. q[(i % #q) + 1])
end
LUA
wrk -t2 -c32 -d30s --latency -s queries.lua "http://127.0.0.1:$PORT" | tee wrk.txt
