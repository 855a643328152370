#!/usr/bin/env bash
# Makes a fresh Debian machine with only Node and npm ready to run the workbench: the C toolchain and
# librdkafka's header and library (apt), the npm packages (npm ci) and the bundles (esbuild).
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(gcc libc6-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [ ! -f /usr/include/librdkafka/rdkafka.h ] && ! pkg-config --exists rdkafka 2>/dev/null; then
  need_apt+=(librdkafka-dev)
fi
[ ${#need_apt[@]} -eq 0 ] || apt_install "${need_apt[@]}"

# npm ci only when package-lock.json changed since the last install.
stamp=node_modules/.workbench-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  step "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

node scripts/build.mjs
