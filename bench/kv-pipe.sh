#!/usr/bin/env bash
# 100,000 SETs from a file: `dbx kv -f FILE` (pipelined batches) next to `redis-cli --pipe < FILE`, same input,
# interleaved runs, medians. Needs the local Redis and a build (npm run build). Uses database 15 (flushed).
#   bash bench/kv-pipe.sh [commands] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
unset NODE_EXTRA_CA_CERTS   # adds ~0.1 s to every node start on some machines; not dbx's cost
N=${1:-100000}
RUNS=${2:-5}
DB=15
HOST=${DBX_BENCH_REDIS_HOST:-127.0.0.1}
PORT=${DBX_BENCH_REDIS_PORT:-6379}
FILE=$(mktemp /tmp/dbx-kv-pipe.XXXXXX)
trap 'rm -f "$FILE"' EXIT
node -e 'let s="";for(let i=0;i<+process.argv[1];i++)s+=`SET bench:key:${i} value-${i}\n`;process.stdout.write(s)' "$N" > "$FILE"
export DBX_KV_URL="redis://$HOST:$PORT/$DB"

run() { # label, command… → prints "wall rss"
  { /usr/bin/time -f '%e %M' "$@" > /dev/null; } 2>&1 | tail -1
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

dbx_t=(); cli_t=()
for i in $(seq "$RUNS"); do
  redis-cli -h "$HOST" -p "$PORT" -n $DB flushdb > /dev/null
  r=$(run bin/dbx -q kv -f "$FILE"); dbx_t+=("${r% *}")
  printf 'run %d  dbx kv -f        wall %5ss  peak RSS %6.1f MB\n' "$i" "${r% *}" "$(echo "${r#* } / 1024" | bc -l)"
  [ "$(redis-cli -h "$HOST" -p "$PORT" -n $DB dbsize)" = "$N" ] || { echo "dbx did not set $N keys" >&2; exit 1; }
  redis-cli -h "$HOST" -p "$PORT" -n $DB flushdb > /dev/null
  r=$(run sh -c "redis-cli -h $HOST -p $PORT -n $DB --pipe < $FILE"); cli_t+=("${r% *}")
  printf 'run %d  redis-cli --pipe  wall %5ss  peak RSS %6.1f MB\n' "$i" "${r% *}" "$(echo "${r#* } / 1024" | bc -l)"
done
redis-cli -h "$HOST" -p "$PORT" -n $DB flushdb > /dev/null
d=$(printf '%s\n' "${dbx_t[@]}" | median); c=$(printf '%s\n' "${cli_t[@]}" | median)
printf 'median: dbx %ss, redis-cli --pipe %ss, ratio %.2f (target ≤ 2)\n' "$d" "$c" "$(echo "$d / $c" | bc -l)"
