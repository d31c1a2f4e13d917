#!/usr/bin/env bash
# Static check and unit tests of the Prometheus rules (npm run rules:test; also run by
# test/integration/report-rules.test.ts so it is part of `npm test`). promtool ships with Debian's
# prometheus package (scripts/install-tools.sh); PROMTOOL overrides the binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
promtool="${PROMTOOL:-promtool}"
command -v "$promtool" >/dev/null 2>&1 || { echo "promtool not found: run 'npm run tools' (scripts/install-tools.sh)" >&2; exit 1; }

shopt -s nullglob
rules=(prometheus/rules/*.yml)
tests=(prometheus/tests/*.test.yml)
((${#rules[@]})) || { echo "no rule files in prometheus/rules/" >&2; exit 1; }
((${#tests[@]})) || { echo "no rule tests in prometheus/tests/" >&2; exit 1; }

echo "== promtool check rules"
"$promtool" check rules "${rules[@]}"
echo "== promtool check config (prometheus/prometheus.yml, incl. its rule_files)"
"$promtool" check config prometheus/prometheus.yml
echo "== promtool test rules"
"$promtool" test rules "${tests[@]}"
