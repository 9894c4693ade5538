#!/usr/bin/env bash
# dbx sql --format ndjson over a 1,000,000-row table: wall time and peak RSS, next to the mariadb client's
# batch mode on the same query, in the same run. Needs the local MariaDB (npm run up) and a build (npm run build).
#   bash bench/sql-ndjson.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
unset NODE_EXTRA_CA_CERTS   # adds ~0.1 s to every node start on some machines; not dbx's cost
ROWS=${1:-1000000}
URL=${DBX_BENCH_SQL_URL:-mysql://root:${MYSQL_PWD-}@127.0.0.1:3306/test}
DB=dbx_bench
bin/dbx -q --url "$URL" sql "create database if not exists $DB"
BURL=${URL%/*}/$DB
have=$(bin/dbx -q --url "$BURL" --format raw sql "select count(*) from information_schema.tables where table_schema='$DB' and table_name='big'" 2>/dev/null || echo 0)
if [ "$have" != "1" ] || [ "$(bin/dbx -q --url "$BURL" --format raw sql 'select count(*) from big')" != "$ROWS" ]; then
  echo "filling $DB.big with $ROWS rows…"
  bin/dbx -q --url "$BURL" sql "drop table if exists big; create table big(id int primary key, name varchar(40), amount decimal(10,2), created datetime)"
  bin/dbx -q --url "$BURL" sql "insert into big select seq, concat('name-', seq), seq / 100, '2018-08-15 20:53:20' + interval seq second from seq_1_to_$ROWS"
fi
measure() { # label, command...
  local out; out=$( { /usr/bin/time -f '%e %M' "${@:2}" > /dev/null; } 2>&1 | tail -1 )
  printf '%-34s wall %6ss  peak RSS %6.1f MB\n' "$1" "${out% *}" "$(echo "${out#* } / 1024" | bc -l)"
}
for i in 1 2 3; do
  measure "dbx sql --format ndjson (run $i)" bin/dbx -q --url "$BURL" --format ndjson sql "select * from big"
  measure "mariadb --batch (run $i)" mariadb -h127.0.0.1 -uroot --password="${MYSQL_PWD-}" --quick --batch "$DB" -e "select * from big"
done
