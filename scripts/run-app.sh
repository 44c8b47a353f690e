#!/usr/bin/env bash
# Set up, then start the chat page on the seeds at http://127.0.0.1:7860 (index built if missing or stale).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python app.py "$@"
