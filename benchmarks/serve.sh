#!/usr/bin/env bash
# Benchmarks of `juesuan serve` (not tests): wrk on loopback only, each run bounded in time.
#   bash benchmarks/serve.sh [sqlite|postgres] [UNITS] [SECONDS]
# Starts a release server with the demo jurisdiction of UNITS synthetic units (default 10000; every
# unit with a checked version), then measures:
#   1. upload-and-check of the example workbook, 16 concurrent clients (goal ≥ 50/s, p99 ≤ 300 ms)
#   2. reading one report's findings (goal ≥ 3,000/s, p99 ≤ 20 ms)
#   3. a 主管部门's consolidated view of UNITS/3 units: the first (computed), the median of 4 more (nothing changed), and
#      the median of 5 after one unit's new version each (its run re-summed, the others kept)
#   4. the pages' server time: the bureau's inbox, a unit's report page (median of 9)
#   5. 公开 of the example unit's report (after 上报 and both approvals; the server runs without the worker, so the
#      package is made at the click — the slow path), and downloading a version's PDF (first: printed; then: kept)
# postgres: uses JUESUAN_TEST_POSTGRES (or starts script/postgres) and a new database.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-sqlite}"; units="${2:-10000}"; seconds="${3:-20}"
command -v wrk >/dev/null || { echo "需要 wrk（apt-get install wrk）" >&2; exit 1; }
swift build -c release --product juesuan >/dev/null
bin="$(swift build -c release --show-bin-path)/juesuan"
work=$(mktemp -d /tmp/juesuan-bench.XXXXXX)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin" build examples/jianghan-2021 --out "$work/example" --no-pdf >/dev/null
database=()
if [ "$kind" = postgres ]; then
  base="${JUESUAN_TEST_POSTGRES:-$(script/postgres start)}"
  name="juesuan_bench_$$"
  psql "$base" -q -c "CREATE DATABASE $name" >/dev/null
  database=(--database "${base%/*}/$name")
fi
started=$(date +%s.%N)
"$bin" serve --demo --demo-units "$units" --data "$work/store" --port 0 --bcrypt-cost 4 --no-pdf --no-worker "${database[@]}" >"$work/serve.log" 2>&1 &
server=$!
until grep -q "服务已启动" "$work/serve.log"; do kill -0 "$server" || { cat "$work/serve.log"; exit 1; }; sleep 1; done
loaded=$(echo "$(date +%s.%N) - $started" | bc)
url=$(grep -o "http://[0-9.]*:[0-9]*" "$work/serve.log" | head -1)
password() { grep "	$1	" "$work/serve.log" | awk '{print $3}'; }
token() { curl -sf -X POST "$url/api/v1/session" -H 'Content-Type: application/json' \
  -d "{\"login\":\"$1\",\"password\":\"$(password "$1")\"}" | python3 -c "import sys,json; print(json.load(sys.stdin)['token'])"; }
filler=$(token tianbao); reviewer=$(token zhuguan)
echo "机器：$(nproc) 核 $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)；存储：$kind；演示辖区 $((units + 1)) 个单位，载入 ${loaded%.*} s"

cat >"$work/upload.lua" <<'LUA'
local f = io.open(os.getenv("WORKBOOK"), "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/octet-stream"
LUA
report="$url/api/v1/reports/2021/420103001001"
echo "== 1. 上传并检查（16 个并发客户端，${seconds} s）"
WORKBOOK="$work/example/workbook.xlsx" TOKEN="$filler" wrk -t2 -c16 -d"${seconds}s" --latency -s "$work/upload.lua" "$report/versions" |
  grep -E "Requests/sec|99%|50%|Non-2xx|Socket errors"
echo "== 2. 读取一份报表的问题（16 个并发客户端，${seconds} s）"
wrk -t2 -c16 -d"${seconds}s" --latency -H "Authorization: Bearer $filler" "$report/versions/current/findings" |
  grep -E "Requests/sec|99%|50%|Non-2xx|Socket errors"
echo "== 3. 主管部门的汇总视图（$(( (units + 2) / 3 )) 个单位，5 次）"
curl -s -o /dev/null -w "第一次（计算）s：%{time_total}\n" -H "Authorization: Bearer $reviewer" "$url/api/v1/reports/2021/420103001/consolidated"
for _ in 1 2 3 4; do
  curl -s -o /dev/null -w "%{time_total}\n" -H "Authorization: Bearer $reviewer" "$url/api/v1/reports/2021/420103001/consolidated"
done | sort -n | sed -n 2p | sed 's/^/此后未变时（4 次中位数）s：/'
# A new version of one unit: its run of 64 units is summed again, the other runs are kept (median of 5).
for _ in 1 2 3 4 5; do
  curl -s -o /dev/null -X POST -H "Authorization: Bearer $filler" --data-binary @"$work/example/workbook.xlsx" "$report/versions?filename=w.xlsx"
  curl -s -o /dev/null -w "%{time_total}\n" -H "Authorization: Bearer $reviewer" "$url/api/v1/reports/2021/420103001/consolidated"
done | sort -n | sed -n 3p | sed 's/^/一个单位有新版本后（5 次中位数）s：/'
echo "== 4. 网页的服务器时间（9 次中位数）：收件箱（财政，全部 $((units + 1)) 个单位中的第一页）、单位报表页"
cookies="$work/cookies"
curl -s -c "$cookies" -o /dev/null -X POST "$url/login" --data-urlencode "login=caizheng" --data-urlencode "password=$(password caizheng)"
for page in "/app/inbox?year=2021" "/app/reports/2021/420103001001"; do
  for _ in 1 2 3 4 5 6 7 8 9; do curl -s -b "$cookies" -o /dev/null -w "%{time_total}\n" "$url$page"; done | sort -n | sed -n 5p | sed "s#^#$page 中位数 s：#"
done
echo "== 5. 公开（示例单位：说明、确认、上报、两级审核后）与下载一个版本的 PDF"
URL="$url" REPORT="$report" FILLER="$filler" REVIEWER="$reviewer" HEAD="$(token fuzeren)" FINANCE="$(token caizheng)" COOKIES="$cookies" python3 - <<'PY'
import json, os, time, urllib.request
url, report = os.environ["URL"], os.environ["REPORT"]
def call(token, method, path, body=None):
    request = urllib.request.Request(path if path.startswith("http") else url + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
current = call(os.environ["FILLER"], "GET", report)["currentVersion"]
findings = call(os.environ["FILLER"], "GET", f"{report}/versions/{current}/findings?severity=warning&limit=2000")["items"]
for finding in findings:
    if not finding.get("explanation"):
        call(os.environ["FILLER"], "PUT", f"{report}/versions/{current}/explanations", {"finding": finding["key"], "text": "经核实，数字无误，系口径差异。"})
call(os.environ["HEAD"], "POST", f"{report}/confirm", {})
call(os.environ["FILLER"], "POST", f"{report}/transitions", {"action": "submit"})
call(os.environ["REVIEWER"], "POST", f"{report}/transitions", {"action": "approve"})
call(os.environ["FINANCE"], "POST", f"{report}/transitions", {"action": "approve"})
started = time.monotonic()
state = call(os.environ["FINANCE"], "POST", f"{report}/transitions", {"action": "publish"})["state"]
print(f"公开（{state}，第 {current} 版，生成公开文件，无 PDF）s：{time.monotonic() - started:.3f}")
PY
for attempt in 第一次（打印） 第二次（已保存）; do
  curl -s -b "$cookies" -o /dev/null -w "PDF 下载 $attempt s：%{time_total}\n" "$url/app/reports/2021/420103001001/report.pdf"
done
