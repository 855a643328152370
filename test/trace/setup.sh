#!/usr/bin/env bash
# What the trace suite needs beyond scripts/setup.sh: Debian's kcat (the program traced) and the
# confluent-kafka venv the benchmarks use (bench/py/setup.sh, cached outside the repository).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
command -v kcat >/dev/null 2>&1 || apt_install kcat
bash bench/py/setup.sh confluent-kafka >/dev/null
