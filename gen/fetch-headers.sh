#!/usr/bin/env bash
# Fetches newer librdkafka headers (shipped as source inside npm packages) into the cache, for the
# generator's tests and benchmark. Idempotent: a version already unpacked is not fetched again.
# Prints one line per header: VERSION PATH-TO-rdkafka.h
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
dest="$CACHE_DIR/headers"
mkdir -p "$dest"
# Test files may run in parallel: one fetch at a time.
exec 9>"$dest/.lock"
flock 9
fetch() { # fetch VERSION NPM-PACKAGE@VERSION
  local version=$1 spec=$2 dir="$dest/$1"
  if [ ! -f "$dir/rdkafka.h" ]; then
    step "fetching librdkafka $version headers from $spec"
    local tmp
    tmp=$(mktemp -d "$dest/.fetch.XXXXXX")
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz \
      package/deps/librdkafka/src/rdkafka.h package/deps/librdkafka/src/rdkafka_mock.h)
    rm -rf "$dir" && mkdir -p "$dir"
    mv "$tmp/package/deps/librdkafka/src/rdkafka.h" "$tmp/package/deps/librdkafka/src/rdkafka_mock.h" "$dir/"
    rm -rf "$tmp"
  fi
  echo "$version $dir/rdkafka.h"
}
fetch 2.12.0 node-rdkafka@3.6.1
fetch 2.15.1 @confluentinc/kafka-javascript@1.10.1
