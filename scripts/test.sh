#!/usr/bin/env bash
# Set up, then run the whole test suite (the seed index is built once per run with the real model).
set -euo pipefail
cd "$(dirname "$0")/.."
# The PDF loader test writes Korean text with the Nanum font; install it where we can.
if [ ! -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null
fi
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
