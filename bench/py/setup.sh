#!/usr/bin/env bash
# The Python peers of the benchmark, each in a venv of its own in the cache outside the repository, keyed
# by version, installed on first use. Prints the venv's python path on the last line.
#   setup.sh confluent-kafka [VERSION]   confluent-kafka-python from PyPI (its wheel carries its own librdkafka)
#   setup.sh cffi-cpython [VERSION]      CPython (python3) + cffi from PyPI
#   setup.sh cffi-pypy                   Debian's pypy3 (apt) + the cffi PyPy ships
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
KIND="${1:?usage: setup.sh confluent-kafka|cffi-cpython|cffi-pypy [VERSION]}"

# venv DIR PYTHON IMPORT [PIP-REQUIREMENT]: DIR holds a venv of PYTHON in which IMPORT works.
venv() {
  local dir="$1" python="$2" module="$3" req="${4:-}"
  if [ -x "$dir/bin/python" ] && "$dir/bin/python" -c "import $module" 2>/dev/null; then return 0; fi
  step "creating $dir ($python${req:+ + $req})"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  "$python" -m venv "$dir" >&2
  if [ -n "$req" ]; then
    "$dir/bin/python" -m pip install -q --disable-pip-version-check --only-binary :all: "$req" >&2
  fi
  "$dir/bin/python" -c "import $module" >&2
}

# CPython with its venv module (Debian splits it out).
need_python3() {
  command -v python3 >/dev/null || apt_install python3 python3-venv
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
}

case "$KIND" in
  confluent-kafka)
    VERSION="${2:-2.16.1}"
    DIR="$CACHE_DIR/bench/venv-confluent-kafka-$VERSION"
    need_python3
    venv "$DIR" python3 confluent_kafka "confluent-kafka==$VERSION"
    ;;
  cffi-cpython)
    VERSION="${2:-2.0.0}"
    DIR="$CACHE_DIR/bench/venv-cpython-cffi-$VERSION"
    need_python3
    venv "$DIR" python3 cffi "cffi==$VERSION"
    ;;
  cffi-pypy)
    # PyPy carries cffi itself (its _cffi_backend is built in): nothing from PyPI.
    command -v pypy3 >/dev/null && pypy3 -c 'import venv, ensurepip' 2>/dev/null || apt_install pypy3 pypy3-venv
    DIR="$CACHE_DIR/bench/venv-pypy3-cffi-$(pypy3 -c 'import sys; print("%d.%d.%d" % sys.pypy_version_info[:3])')"
    venv "$DIR" pypy3 cffi
    ;;
  *)
    echo "unknown peer '$KIND' (confluent-kafka, cffi-cpython, cffi-pypy)" >&2
    exit 2
    ;;
esac
echo "$DIR/bin/python"
