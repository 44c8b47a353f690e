#!/usr/bin/env bash
# Create .venv and install the project. Safe to re-run.
#   bash scripts/setup.sh            # the app and CLI
#   EXTRAS=test,st bash scripts/setup.sh   # plus test tools and sentence-transformers
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [[ ",${EXTRAS:-}," == *",st,"* ]]; then
  # The CPU wheel; any other torch spec would pull GBs of CUDA libraries.
  .venv/bin/python -m pip install --quiet "torch==2.13.0"
fi
.venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
