#!/usr/bin/env bash
# interp-diff.sh — the differential run of issue 7: every lit test that
# runs a program through %both (test/tools/run-both) runs it a third time
# through `guji run --interp`, and fails unless stdout, stderr and exit
# status agree with the JIT's.
#
#   test/interp-diff.sh [LIT ARGS...]     e.g. -q, or a test path
#
# Uses ./build (GUJI_LIT_SITE_CONFIG or --param guji_site_config=PATH to
# pick another build). Prints lit's summary: the pass count is the number
# of run-tests the interpreter agrees on.
set -uo pipefail
cd "$(dirname "$0")/.."
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(-q test)
exec /usr/bin/python3 /usr/lib/llvm-19/build/utils/lit/lit.py \
  --param interp_diff=1 "${args[@]}"
