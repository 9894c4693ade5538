#!/usr/bin/env bash
# dbx doc --format ndjson over a 1,000,000-document collection: wall time and peak RSS of the dbx process.
# Uses the MongoDB test server (started here, on a free port) unless DBX_BENCH_DOC_URL names a server.
# Needs `npm run build` and `npm run build:support`.
#   bash bench/doc-find.sh [docs]
set -euo pipefail
cd "$(dirname "$0")/.."
unset NODE_EXTRA_CA_CERTS   # adds ~0.1 s to every node start on some machines; not dbx's cost
DOCS=${1:-1000000}
SERVER_PID=
cleanup() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT
if [ -n "${DBX_BENCH_DOC_URL:-}" ]; then
  URL=$DBX_BENCH_DOC_URL
else
  PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  # the server holds every document in memory: give it room, it is not what is measured
  node --max-old-space-size=4096 build/mongo-test-server.mjs --port "$PORT" > /dev/null &
  SERVER_PID=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done
  URL=mongodb://127.0.0.1:$PORT/dbx_bench
fi
echo "filling x with $DOCS documents…"
node bench/doc-fill.mjs "$URL" "$DOCS"

# peak RSS: /usr/bin/time when present, else the VmHWM the kernel kept for the process
measure() { # label, command...
  local wall kb
  if [ -x /usr/bin/time ]; then
    local out; out=$( { /usr/bin/time -f '%e %M' "${@:2}" > /dev/null; } 2>&1 | tail -1 )
    wall=${out% *}; kb=${out#* }
  else
    local start; start=$(date +%s.%N)
    "${@:2}" > /dev/null & local pid=$!
    kb=0
    while kill -0 "$pid" 2>/dev/null; do
      local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${hwm:-0}" -gt "$kb" ] && kb=$hwm
      sleep 0.05
    done
    wait "$pid"
    wall=$(echo "$(date +%s.%N) - $start" | bc -l)
  fi
  printf '%-36s wall %6.2fs  peak RSS %6.1f MB\n' "$1" "$wall" "$(echo "$kb / 1024" | bc -l)"
}
for i in 1 2 3; do
  measure "dbx doc --format ndjson (run $i)" bin/dbx -q --url "$URL" --format ndjson doc "db.x.find()"
done
lines=$(bin/dbx -q --url "$URL" --format ndjson doc "db.x.find()" | wc -l)
echo "documents written: $lines"
