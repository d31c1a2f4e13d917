#!/usr/bin/env bash
# The one test command (`npm test`): provision real binaries, then static checks, then every test
# (unit and integration) against the real collector, Prometheus and Redis.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-tools.sh
echo "== lint";        npx eslint --max-warnings 0 .
echo "== format";      npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
echo "== typecheck";   npx tsc -p tsconfig.json --noEmit
echo "== drift";       npx tsx scripts/check-drift.ts
echo "== tests";       npx vitest run --reporter=default
