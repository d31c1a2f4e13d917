#!/usr/bin/env bash
# The one test command (`npm test`): provision real binaries, then static checks, then every test
# (unit and integration) against the real collector, Prometheus and Redis.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-tools.sh
echo "== lint";      npx eslint --max-warnings 0 .
echo "== format";    npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== drift";     npx tsx scripts/check-drift.ts
echo "== dependencies"; npx tsx scripts/check-dependencies.ts
echo "== tests"
mkdir -p .tmp
status=0
npx vitest run --project unit --project calibration --project integration --reporter=default --reporter=json --outputFile.json=.tmp/vitest-results.json || status=$?
# A plain closing line ('N passed, N failed') for any CI that reads it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest-results.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit "$status"
