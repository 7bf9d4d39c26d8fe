#!/usr/bin/env bash
# Issue 19's two memory attacks against a release build with the demo data, and the server's
# memory (peak and current RSS from /proc) before, during and 20 s after each:
#   1. 200 concurrent logins with random usernames for 15 s (argon2id, 19 MiB each);
#   2. a compressed XLSX of zero-filled rows (a "zip bomb" of 8 million rows) to the import API.
# Usage: bench/hardening.sh [WORKDIR=/tmp/zhiyun-hardening]
# Needs: a release build (cargo build --release -p zhiyun), python3, curl.
set -euo pipefail
WORK="${1:-/tmp/zhiyun-hardening}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/target/release/zhiyun"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p zhiyun" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
export ZHIYUN_DATABASE_URL="$WORK/bench.db" ZHIYUN_INDEX_DIR="$WORK/index"
PORT=18091
URL="http://127.0.0.1:$PORT"
"$BIN" serve --addr 127.0.0.1:$PORT --demo > serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "$URL/healthz" > /dev/null && break; sleep 1; done
mem() { awk '/VmHWM|VmRSS/ {printf "%s %d MB  ", $1, $2/1024}' /proc/$SERVER/status; echo; }
echo "server started:        $(mem)"

echo "== 1. 200 concurrent logins with random usernames for 15 s"
python3 - "$URL" <<'PY'
import json, random, string, sys, threading, time, urllib.request, collections
url = sys.argv[1] + "/api/v1/session"
stop = time.time() + 15
counts = collections.Counter()
lock = threading.Lock()
def worker():
    while time.time() < stop:
        name = "".join(random.choices(string.ascii_lowercase, k=12))
        body = json.dumps({"username": name, "password": "x" * 12}).encode()
        req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=30)
            code = 200
        except urllib.error.HTTPError as e:
            code = e.code
        except Exception:
            code = "error"
        with lock:
            counts[code] += 1
threads = [threading.Thread(target=worker) for _ in range(200)]
for t in threads: t.start()
for t in threads: t.join()
print("answers:", dict(counts))
PY
echo "after the logins:      $(mem)"
sleep 20
echo "20 s later:            $(mem)"

echo "== 2. a compressed XLSX of 8 million zero-filled rows"
python3 - <<'PY'
import zipfile
ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
with zipfile.ZipFile("bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("_rels/.rels", rels)
    z.writestr("xl/workbook.xml", wb)
    z.writestr("xl/_rels/workbook.xml.rels", wbrels)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        row = b'<row><c t="n"><v>0</v></c><c t="n"><v>0</v></c><c t="n"><v>0</v></c></row>'
        chunk = row * 10000
        for _ in range(800):
            f.write(chunk)
        f.write(b"</sheetData></worksheet>")
PY
ls -l bomb.xlsx | awk '{printf "bomb.xlsx: %d KB\n", $5/1024}'
TOKEN=$("$BIN" token create --user demo-operator --name bench 2>/dev/null | tail -1)
curl -s -o answer.json -w "answer: %{http_code} in %{time_total} s\n" -X POST \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/octet-stream" \
  --data-binary @bomb.xlsx "$URL/api/v1/listings/import?kind=demand&filename=bomb.xlsx"
head -c 300 answer.json; echo
echo "after the XLSX:        $(mem)"
sleep 20
echo "20 s later:            $(mem)"
