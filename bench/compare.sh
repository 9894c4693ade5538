#!/usr/bin/env bash
# Issue 12's table on this machine: dbx against the native clients and bare driver scripts, interleaved, medians,
# peak RSS, ratios and targets (bench/compare.mjs). Installs GNU time if it is missing (apt), builds dbx and the
# MongoDB test server, and leaves NODE_EXTRA_CA_CERTS out of every timed command. Not part of npm test.
#   bash bench/compare.sh [--runs N] [--long-runs N] [--only startup,sql,doc,kv,rss]     (or: npm run bench -- …)
set -euo pipefail
cd "$(dirname "$0")/.."
unset NODE_EXTRA_CA_CERTS   # adds ~0.1 s to every node start on some machines; not dbx's cost
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (apt)…" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y time > /dev/null; else sudo apt-get install -y time > /dev/null; fi
fi
for bin in mariadb redis-cli redis-server; do
  command -v "$bin" > /dev/null || { echo "compare.sh needs $bin (npm run servers installs the servers and clients)" >&2; exit 1; }
done
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
node scripts/build-support.mjs
exec node bench/compare.mjs "$@"
