#!/usr/bin/env bash
# Issue 12's table on this machine: dbx against the native clients and bare driver scripts, interleaved, medians,
# peak RSS, ratios and targets (bench/compare.mjs). Installs GNU time (apt) and mongosh (npm) if they are missing,
# builds dbx and the MongoDB test server, and leaves NODE_EXTRA_CA_CERTS out of every timed command. Not part of
# npm test.
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
# mongosh, the doc row's second anchor, has no Debian package: from npm, into a cache of the bench's own
if ! command -v mongosh > /dev/null; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/dbx-bench"
  if [ ! -x "$cache/node_modules/.bin/mongosh" ]; then
    echo "installing mongosh from npm into $cache (≈150 MB, once)…" >&2
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error mongosh > /dev/null
  fi
  export PATH="$cache/node_modules/.bin:$PATH"
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
node scripts/build-support.mjs
exec node bench/compare.mjs "$@"
