#!/usr/bin/env bash
# `npm test`: everything the full suite needs, from a fresh machine: dependencies, local servers, build, type check,
# import-structure check, dead-code check (knip), then jest over every test. The MongoDB tests start their own
# wire-protocol test server (or use $DBX_TEST_MONGO_URL). Extra arguments go to jest (`npm test -- test/unit`).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
bash scripts/servers.sh --install-only   # the suite starts its own MariaDB and Redis (test/support/global-setup.ts)
npm run build --silent
npx tsc -p tsconfig.test.json --noEmit
node scripts/check-imports.mjs .          # no import cycles, no import against the layering (STYLE.md)
npx knip                                  # no unused files, exports or dependencies (knip.json)
NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules --no-warnings=ExperimentalWarning" npx jest "$@"
