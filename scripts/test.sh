#!/usr/bin/env bash
# `npm test`: everything the full suite needs, from a fresh machine: dependencies, local servers, build, tests.
# The MongoDB tests start their own wire-protocol test server (or use $DBX_TEST_MONGO_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
bash scripts/servers.sh
npm run build --silent
npx tsc -p tsconfig.test.json
# only *.test.js: node --test would also run every .js under a test/ folder (the support code)
mapfile -t files < <(find build/test -name '*.test.js' | sort)
node --test --test-concurrency="${DBX_TEST_CONCURRENCY:-2}" "${files[@]}"
