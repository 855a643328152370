#!/usr/bin/env bash
# Before the browser suite: Debian's chromium (driven by playwright-core, which downloads no browser).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
if [ ! -f dist/webview.js ]; then
  step "building the panel bundle"
  node scripts/build.mjs
fi
mkdir -p test-results
