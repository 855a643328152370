#!/usr/bin/env bash
# Before the browser suite: Debian's chromium (driven by playwright-core, which downloads no browser), and
# the VS Code host (code-server) that vscode-webview.test.ts shows the panel in. The host is cached outside
# the repository and shared with the vscode suite; if it cannot be installed that one test says so and skips.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
if [ -f test/vscode/install-host.sh ]; then
  bash test/vscode/install-host.sh >/dev/null ||
    echo "warning: the VS Code host did not install; the panel's VS Code webview test will be skipped" >&2
fi
if [ ! -f dist/webview.js ]; then
  step "building the panel bundle"
  node scripts/build.mjs
fi
mkdir -p test-results
