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
# The first run leaves its seed index here; the second (on Milvus) builds over a copy, embedding nothing again.
cache_root=$(mktemp -d)
trap 'rm -rf "$cache_root"' EXIT
export TEST_SEED_INDEX_CACHE="$cache_root/seed-index"
.venv/bin/python -m pytest "$@"
# With no test paths given, the search-backend tests again on Milvus Lite (README "Search backends").
# The CLI and crash tests come first: their `qa` processes open the session's seed index before
# this process does (a Milvus Lite file can be open in one process at a time).
for arg in "$@"; do [[ "$arg" == -* ]] || exit 0; done
# Damage to the index's JSON and SQLite files is read the same whatever the backend: those cases run once.
same=()
for case in "manifest is a list" "manifest is garbage" "manifest is truncated" "manifest is missing" \
            "document with an extra key" "documents truncated" "catalogue is garbage"; do
  for test in test_a_damaged_build_falls_back_to_the_previous_one test_a_damaged_only_build_is_named_then_rebuilt; do
    same+=(--deselect "tests/test_integrity.py::$test[$case]")
  done
done
# The CLI's options that read no search backend (LLM settings, input ranges, calibration, trip lists,
# printing, chat, eval output) run once too. The answers themselves are compared with the default
# backend's, question by question, in test_backend.py (seeds dev set), which the first run already did.
# So do the corpus guard (checked before any backend is written) and the CLI's bad-file summary (a bad
# file on Milvus is in test_index).
for test in test_ask_llm_ test_out_of_range_input_is_one_clear_error test_trips_ test_calibrate_ \
            test_eval_writes_one_line_per_question test_ask_prints_answer_and_sources test_chat_keeps_the_conversation \
            test_an_index_is_never_replaced_by_a_build_of_another_corpus test_index_command_reports_bad_files_and_exit_code; do
  same+=(--deselect "tests/test_cli.py::$test")
done
QA_SEARCH_BACKEND=milvus .venv/bin/python -m pytest "$@" "${same[@]}" tests/test_cli.py tests/test_crash.py \
  tests/test_retrieve.py tests/test_index.py tests/test_integrity.py
