#!/usr/bin/env bash
# Set up, then run the whole test suite (the seed index is built once per run with the real model).
set -euo pipefail
cd "$(dirname "$0")/.."
# System packages the tests use: Korean and emoji fonts (PDF fixtures, screenshots) and
# Debian's Chromium for the browser tests. Installed where we can (root with apt).
missing=()
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || missing+=(fonts-nanum)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-color-emoji)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
EXTRAS=test,st bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
