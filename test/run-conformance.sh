#!/usr/bin/env bash
# run-conformance.sh GUJI GUJIC — ctest's `conformance` test.
#
# Runs the shared conformance suite ($GUJI_CONFORMANCE, else
# <repo>/../shared/conformance) over every one of its folders with its own
# run.sh, the given tools, and test/conformance.xfail as the list of tests
# expected to fail. A listed test that passes fails the run (XPASS): take it
# off the list. Without a suite it reports SKIPPED and succeeds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(dirname "$here")
guji=${1:-$repo/build/bin/guji}
gujic=${2:-$repo/build/bin/gujic}
suite=${GUJI_CONFORMANCE:-$repo/../shared/conformance}

if [ ! -d "$suite" ] || [ ! -f "$suite/run.sh" ]; then
  echo "conformance: SKIPPED ($suite)"
  exit 0
fi
suite=$(cd "$suite" && pwd -P)

dirs=()
for d in "$suite"/*/; do
  [ -d "$d" ] && dirs+=("${d%/}")
done
if [ ${#dirs[@]} -eq 0 ]; then
  echo "conformance: SKIPPED ($suite has no test folders)"
  exit 0
fi

echo "conformance: $suite"
exec bash "$suite/run.sh" --guji "$guji" --gujic "$gujic" \
  --xfail "$here/conformance.xfail" "${dirs[@]}"
