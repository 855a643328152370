#!/bin/sh
# The "VS Code executable" test/vscode/run.main.ts hands to @vscode/test-electron's runTests: runs the
# suites in code-server + headless Chromium (see shim.main.ts). Needs `node scripts/build.mjs` first.
exec node "$(dirname "$0")/../../dist/test/vscode/shim.main.mjs" "$@"
