#!/usr/bin/env bash
# Makes the real binaries the stack and the tests run against available, at pinned versions.
# Idempotent: a second run is a no-op. Binaries are cached OUTSIDE the checkout
# (FILESFU_TOOLS_DIR, default ~/.cache/filesfu-tools) keyed by version, so a fresh clone reuses them.
set -euo pipefail

PROMETHEUS_DEB_VERSION_PREFIX="2.42."         # Debian bookworm's prometheus package
REDIS_MIN_MAJOR=7                              # Debian bookworm's redis-server is 7.0
BUILDER_VERSION="v0.165.0"                     # go.opentelemetry.io/collector/cmd/builder; = core release in builder-config.yaml

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="${FILESFU_TOOLS_DIR:-$HOME/.cache/filesfu-tools}"
manifest="$here/otel-collector/builder-config.yaml"
log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$tools_dir"

# ---- Debian packages: prometheus (+ promtool) and redis-server ---------------------------
need_apt=()
if ! command -v prometheus >/dev/null 2>&1 || ! prometheus --version 2>&1 | grep -q "version ${PROMETHEUS_DEB_VERSION_PREFIX}"; then
  need_apt+=(prometheus)
fi
redis_major() { redis-server --version 2>/dev/null | sed -nE 's/.* v=([0-9]+)\..*/\1/p'; }
if ! command -v redis-server >/dev/null 2>&1; then
  need_apt+=(redis-server)
fi
if ((${#need_apt[@]})); then
  command -v apt-get >/dev/null 2>&1 || die "missing ${need_apt[*]} and no apt-get here. Install Prometheus 2.42 and redis-server ${REDIS_MIN_MAJOR}+ yourself and put them on PATH."
  [[ $(id -u) == 0 ]] || SUDO=sudo
  log "installing Debian packages: ${need_apt[*]} (apt-get; this takes a minute the first time)"
  ${SUDO:-} apt-get update -qq || die "apt-get update failed; check network access to Debian's mirrors"
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends "${need_apt[@]}" \
    || die "apt-get install ${need_apt[*]} failed"
  # Debian's postinst may start daemons on their default ports where an init system runs; we start our own.
  for svc in prometheus redis-server; do ${SUDO:-} service "$svc" stop >/dev/null 2>&1 || true; done
fi
prometheus --version 2>&1 | grep -q "version ${PROMETHEUS_DEB_VERSION_PREFIX}" \
  || die "prometheus on PATH is not ${PROMETHEUS_DEB_VERSION_PREFIX}x: $(prometheus --version 2>&1 | head -1)"
command -v promtool >/dev/null 2>&1 || die "promtool missing (it ships in Debian's prometheus package)"
# The state store's Lua uses ZADD GT (Redis 6.2+); the tests run against Debian's 7.
(( $(redis_major || echo 0) >= REDIS_MIN_MAJOR )) \
  || die "redis-server on PATH is older than ${REDIS_MIN_MAJOR}: $(redis-server --version | head -1)"

# ---- Our collector, built with the official builder -------------------------------------
manifest_hash="$(sha256sum "$manifest" | cut -c1-12)"
otelcol_dir="$tools_dir/otelcol-${BUILDER_VERSION}-${manifest_hash}"
otelcol_bin="$otelcol_dir/filesfu-otelcol"
if [[ ! -x "$otelcol_bin" ]]; then
  command -v go >/dev/null 2>&1 || die "Go is needed to build the collector (go.dev/doc/install, or apt-get install golang-go >= 1.25)"
  gobin="$tools_dir/go-bin"
  builder="$gobin/builder-${BUILDER_VERSION}"
  if [[ ! -x "$builder" ]]; then
    log "installing the OpenTelemetry Collector builder ${BUILDER_VERSION} (go install)"
    mkdir -p "$gobin"
    GOBIN="$gobin" go install "go.opentelemetry.io/collector/cmd/builder@${BUILDER_VERSION}" \
      || die "go install of the collector builder ${BUILDER_VERSION} failed (needs a recent Go; this repo builds with 1.26): $(go version)"
    mv "$gobin/builder" "$builder"
  fi
  log "building filesfu-otelcol from otel-collector/builder-config.yaml (first time: several minutes on 2 cores)"
  work="$(mktemp -d "$tools_dir/otelcol-build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  # The builder is quiet while `go build` runs; a heartbeat shows progress.
  ( while sleep 15; do log "  ...still building ($(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1) in the module cache)"; done ) &
  heartbeat=$!
  if ! "$builder" --config "$manifest" --output-path "$work/dist" >"$work/build.log" 2>&1; then
    kill "$heartbeat" 2>/dev/null || true
    tail -n 40 "$work/build.log" >&2
    cp "$work/build.log" "$tools_dir/otelcol-build-failed.log"
    die "collector build failed (last 40 lines above; whole log in $tools_dir/otelcol-build-failed.log)"
  fi
  kill "$heartbeat" 2>/dev/null || true
  mkdir -p "$otelcol_dir"
  mv "$work/dist/filesfu-otelcol" "$otelcol_bin.tmp" && mv "$otelcol_bin.tmp" "$otelcol_bin"
  log "built $otelcol_bin"
fi

# ---- Python venv with the OpenTelemetry Python SDK (client recipe tests, docs/clients.md) ---
# Pinned; the venv's name carries the versions, so a bump makes a fresh one and an existing one is reused.
OTEL_PYTHON_SDK_VERSION="1.45.2"               # opentelemetry-sdk / -api / -exporter-otlp-proto-http
python_bin="${FILESFU_PYTHON:-python3}"      # the interpreter the venv is made from (3.9+)
if command -v "$python_bin" >/dev/null 2>&1; then
  py_venv="$tools_dir/python-otel-${OTEL_PYTHON_SDK_VERSION}"
  if [[ ! -x "$py_venv/bin/python" ]] || ! "$py_venv/bin/python" -c 'import opentelemetry.exporter.otlp.proto.http.metric_exporter' >/dev/null 2>&1; then
    log "creating the Python venv $py_venv with the OpenTelemetry SDK ${OTEL_PYTHON_SDK_VERSION} (pip, from PyPI)"
    rm -rf "$py_venv.tmp"
    "$python_bin" -m venv "$py_venv.tmp" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$py_venv.tmp/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
      "opentelemetry-api==${OTEL_PYTHON_SDK_VERSION}" \
      "opentelemetry-sdk==${OTEL_PYTHON_SDK_VERSION}" \
      "opentelemetry-exporter-otlp-proto-http==${OTEL_PYTHON_SDK_VERSION}" >&2 \
      || die "pip install of the OpenTelemetry Python SDK ${OTEL_PYTHON_SDK_VERSION} failed; check access to PyPI"
    # Built aside and moved only when complete, so an interrupted install is never taken for a ready
    # one. Only bin/python is used, which works from the moved directory.
    rm -rf "$py_venv"
    mv "$py_venv.tmp" "$py_venv"
  fi
  # The pointer the client tests read (test/clients/run-client.ts).
  ln -sfn "$py_venv" "$tools_dir/python-otel"
  log "Python venv ready: OpenTelemetry Python SDK ${OTEL_PYTHON_SDK_VERSION} in $py_venv"
else
  die "no $python_bin on PATH: the client recipe tests need Python 3.9+ with venv (Debian: apt-get install python3 python3-venv; or set FILESFU_PYTHON)"
fi

# The pointer the Node side reads (src/stack/tools.ts), named by the manifest's hash so that checkouts
# with different manifests sharing this cache each run their own build.
ln -sfn "$otelcol_bin" "$tools_dir/filesfu-otelcol-${manifest_hash}"
log "ready: prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}'), redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2), filesfu-otelcol ${BUILDER_VERSION} (${manifest_hash})"
