#!/usr/bin/env bash
# A venv with confluent-kafka-python from PyPI (its wheel carries its own librdkafka), cached outside the
# repository and keyed by version. Prints the venv's python path on the last line.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
VERSION="${1:-2.16.1}"
VENV="$CACHE_DIR/bench/venv-confluent-kafka-$VERSION"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import confluent_kafka' 2>/dev/null; then
  step "installing confluent-kafka $VERSION into $VENV"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; }
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --only-binary :all: "confluent-kafka==$VERSION" >&2
fi
echo "$VENV/bin/python"
