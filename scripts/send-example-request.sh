#!/usr/bin/env bash
# Sends docs/examples/otlp-request.json (one watchdog export, hand-written OTLP/JSON) to the gateway
# with curl, filling in the current time and a fresh session id.
#   TOKEN=<install token for "demo-install">  (npm run stack prints one)
#   GATEWAY=http://127.0.0.1:4318            (default)
set -euo pipefail
: "${TOKEN:?set TOKEN to an install token for demo-install (npm run stack prints one)}"
GATEWAY="${GATEWAY:-http://127.0.0.1:4318}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
now_ns="$(date +%s%N)"
start_ns="$((now_ns - 10000000000))"
session_id="$(cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen)"
sed -e "s/__NOW_NS__/${now_ns}/" -e "s/__START_NS__/${start_ns}/" -e "s/__SESSION_ID__/${session_id}/" \
  "$here/docs/examples/otlp-request.json" |
  curl -sS --fail-with-body -X POST "$GATEWAY/v1/metrics" \
    -H "Authorization: Bearer ${TOKEN}" \
    -H 'Content-Type: application/json' \
    --data-binary @-
echo
