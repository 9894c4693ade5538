#!/usr/bin/env bash
# `npm run up`: start the local servers, build dbx, and run it once against them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/servers.sh
[ -d node_modules ] || npm install --no-audit --no-fund
npm run build --silent
# The built-in profile uses the note's password (qwe123, as docker-compose.yml does). Servers whose root has an
# empty password (CI machines) need MYSQL_PWD= — detect that once here.
if [ -z "${MYSQL_PWD+x}" ] && ! bin/dbx -q sql "select 1" >/dev/null 2>&1; then
  if MYSQL_PWD= bin/dbx -q sql "select 1" >/dev/null 2>&1; then
    export MYSQL_PWD=
    echo "up: MariaDB root has an empty password here; run 'export MYSQL_PWD=' before using the built-in profile"
  fi
fi
bin/dbx sql "show databases"
