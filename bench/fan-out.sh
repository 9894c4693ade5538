#!/usr/bin/env bash
# Fan-out (issue 13): one `select sleep(0.5)` on 10 profiles at once, next to the same statement on one profile, in
# the same run; the target is ≤ 1.5× the time of one. The profiles point at one server (the statement only waits),
# each its own connection. Needs a build (npm run build) and a MariaDB: DBX_BENCH_SQL_URL (default the local one).
#   bash bench/fan-out.sh [profiles] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
unset NODE_EXTRA_CA_CERTS   # adds ~0.1 s to every node start on some machines; not dbx's cost
N=${1:-10}
ROUNDS=${2:-7}
URL=${DBX_BENCH_SQL_URL:-mysql://root:${MYSQL_PWD-}@127.0.0.1:3306/test}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
{
  echo "profiles:"
  for i in $(seq 1 "$N"); do printf '  p%02d:\n    sql: "%s"\n' "$i" "$URL"; done
} > "$DIR/dbx.yaml"
chmod 600 "$DIR/dbx.yaml"
wall() { # command... → seconds
  local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l
}
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.3f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
one=(); all=()
for _ in $(seq 1 "$ROUNDS"); do   # interleaved, so that load changes hit both sides alike
  one+=("$(wall bin/dbx --config "$DIR/dbx.yaml" -q -p p01 sql 'select sleep(0.5)')")
  all+=("$(wall bin/dbx --config "$DIR/dbx.yaml" -q -p 'p*' sql 'select sleep(0.5)')")
done
m1=$(printf '%s\n' "${one[@]}" | median)
mn=$(printf '%s\n' "${all[@]}" | median)
printf 'one profile      median %ss  (%s)\n' "$m1" "${one[*]}"
printf '%2d profiles      median %ss  (%s)\n' "$N" "$mn" "${all[*]}"
printf 'ratio            %.2f  (target ≤ 1.5)\n' "$(echo "$mn / $m1" | bc -l)"
