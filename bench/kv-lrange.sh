#!/usr/bin/env bash
# `dbx kv --format ndjson lrange big 0 -1` over a 1,000,000-item list, next to `redis-cli lrange big 0 -1`
# (output to /dev/null, so redis-cli prints raw), interleaved runs, medians of wall time, peak RSS.
# Needs the local Redis and a build (npm run build). Uses database 15 (the list is left there for re-runs).
#   bash bench/kv-lrange.sh [items] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
unset NODE_EXTRA_CA_CERTS   # adds ~0.1 s to every node start on some machines; not dbx's cost
N=${1:-1000000}
RUNS=${2:-5}
DB=15
HOST=${DBX_BENCH_REDIS_HOST:-127.0.0.1}
PORT=${DBX_BENCH_REDIS_PORT:-6379}
export DBX_KV_URL="redis://$HOST:$PORT/$DB"
if [ "$(redis-cli -h "$HOST" -p "$PORT" -n $DB llen big)" != "$N" ]; then
  echo "filling list 'big' with $N items…"
  redis-cli -h "$HOST" -p "$PORT" -n $DB del big > /dev/null
  node -e 'const n=+process.argv[1];let s="";for(let i=0;i<n;i+=1000){s+="RPUSH big";for(let k=i;k<Math.min(n,i+1000);k++)s+=` item-${k}`;s+="\n"}process.stdout.write(s)' "$N" \
    | redis-cli -h "$HOST" -p "$PORT" -n $DB --pipe > /dev/null
fi

run() { { /usr/bin/time -f '%e %M' "$@" > /dev/null; } 2>&1 | tail -1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

lines=$(bin/dbx -q --format ndjson kv lrange big 0 -1 | wc -l)
[ "$lines" = "$N" ] || { echo "dbx printed $lines lines, expected $N" >&2; exit 1; }
dbx_t=(); dbx_m=(); cli_t=()
for i in $(seq "$RUNS"); do
  r=$(run bin/dbx -q --format ndjson kv lrange big 0 -1); dbx_t+=("${r% *}"); dbx_m+=("${r#* }")
  printf 'run %d  dbx --format ndjson  wall %5ss  peak RSS %6.1f MB\n' "$i" "${r% *}" "$(echo "${r#* } / 1024" | bc -l)"
  r=$(run redis-cli -h "$HOST" -p "$PORT" -n $DB lrange big 0 -1); cli_t+=("${r% *}")
  printf 'run %d  redis-cli lrange     wall %5ss  peak RSS %6.1f MB\n' "$i" "${r% *}" "$(echo "${r#* } / 1024" | bc -l)"
done
d=$(printf '%s\n' "${dbx_t[@]}" | median); c=$(printf '%s\n' "${cli_t[@]}" | median)
m=$(printf '%s\n' "${dbx_m[@]}" | median)
printf 'median: dbx %ss (peak RSS %.1f MB), redis-cli %ss, ratio %.2f (targets: ≤ 2, < 120 MB)\n' \
  "$d" "$(echo "$m / 1024" | bc -l)" "$c" "$(echo "$d / $c" | bc -l)"
