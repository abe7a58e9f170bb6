#!/usr/bin/env bash
# build.sh — set up, build and test guji.
#
#   ./build.sh                 install what is missing (as root), configure, build
#   ./build.sh run FILE [ARGS] ... then run FILE with build/bin/guji run
#   ./build.sh test            ... then ctest in build/, then a sanitizer
#                              build in build-asan/ and its unit + lit tests,
#                              then the runtime's unit tests under
#                              ThreadSanitizer in build-tsan/
#
# Set-up installs the Debian 12 packages below only when one is missing
# (checked with dpkg-query, so a ready machine runs no apt-get at all), and
# only as root; otherwise it says what to install.
# Environment: GUJI_JOBS (build parallelism), GUJI_BUILD_TYPE (default
# RelWithDebInfo), GUJI_SKIP_SETUP=1 (trust the machine), GUJI_SKIP_ASAN=1
# (`test` without the sanitizer build), GUJI_SKIP_TSAN=1 (without the
# ThreadSanitizer build).
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd -P)

PACKAGES=(
  gcc g++ libc6-dev make pkg-config python3   # host toolchain (cc links executables)
  cmake ninja-build
  llvm-19-dev llvm-19-tools clang-19 lld-19   # LLVM C API, lit/FileCheck, peers for bench
  libpcre2-dev libffi-dev libgtest-dev
  gdb golang-go
)
# bench/run.sh also times C++ (g++, above) and OCaml (ocamlopt, Debian's
# ocaml-nox) peers when their tools are present; OCaml is deliberately not
# in this list: the benchmarks are not part of the build or the tests.
# Not needed, though LLVMConfig.cmake would look for them: zlib1g-dev,
# libzstd-dev, libedit-dev, libxml2-dev, libcurl4-openssl-dev. Only LLVM's
# static component libraries use them; guji links the shared libLLVM-19.so
# and CMakeLists.txt turns those lookups off.

BUILD_TYPE=${GUJI_BUILD_TYPE:-RelWithDebInfo}
JOBS=${GUJI_JOBS:-$(nproc 2>/dev/null || echo 2)}

t_start=$(date +%s)
phase_start=$t_start
phase() { # phase NAME: report the time of the previous phase, start NAME
  local now; now=$(date +%s)
  [ -n "${PHASE:-}" ] && printf '== %s: %ss\n' "$PHASE" $((now - phase_start))
  PHASE=$1; phase_start=$now
  [ -n "$PHASE" ] && printf '== %s\n' "$PHASE"
  return 0
}
die() { echo "build.sh: $*" >&2; exit 1; }

# ---- set-up ------------------------------------------------------------------

missing_packages() { # one dpkg-query for all, then the ones not installed
  local installed p
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null |
              awk '$2 == "installed" { print $1 }' || true)
  for p in "${PACKAGES[@]}"; do
    grep -qxF -- "$p" <<< "$installed" || echo "$p"
  done
}

setup() {
  [ "${GUJI_SKIP_SETUP:-0}" = 1 ] && return 0
  command -v dpkg-query > /dev/null 2>&1 || {
    echo "build.sh: not a Debian system; make sure these are installed: ${PACKAGES[*]}" >&2
    return 0
  }
  local missing
  missing=$(missing_packages | tr '\n' ' ')
  missing=${missing% }
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing packages: $missing (run: sudo apt-get install $missing)"
  fi
  phase "install: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -qq --no-install-recommends $missing
}

# ---- build -------------------------------------------------------------------

# configure DIR [CMAKE ARGS...]: only when DIR has not been configured yet
# (later changes to CMakeLists.txt re-run cmake from ninja by themselves).
configure() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ] || [ ! -f "$dir/CMakeCache.txt" ]; then
    phase "configure $dir"
    cmake -G Ninja -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@" > "$dir/configure.log" 2>&1 || {
      cat "$dir/configure.log" >&2
      die "cmake configure of $dir failed"
    }
    # Keep the summary and any warnings; the rest stays in the log.
    awk '/^CMake Warning/ {p = 1} p {print} /^$/ {p = 0} /^-- (guji|LLVM|lib\/|runtime)/' "$dir/configure.log"
  fi
}

build() {
  local dir=$1
  phase "build $dir"
  # --quiet: no progress lines, but every warning and failure is shown.
  cmake --build "$dir" -j "$JOBS" -- --quiet
}

# ---- main --------------------------------------------------------------------

cmd=${1:-}
case "$cmd" in
  ""|build) ;;
  run)  [ $# -ge 2 ] || die "usage: ./build.sh run FILE.guji [ARGS...]" ;;
  test) ;;
  -h|--help|help)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown command '$cmd' (expected: run FILE, test, or nothing)" ;;
esac

# For `run`, everything before the program goes to stderr: the program's
# stdout is its own.
if [ "$cmd" = run ]; then exec 3>&1 1>&2; fi

phase "set-up"
setup
mkdir -p build
configure build
build build

case "$cmd" in
  run)
    shift
    phase ""
    exec "$ROOT/build/bin/guji" run "$@" 1>&3 3>&-
    ;;
  test)
    status=0
    phase "ctest build"
    ctest --test-dir build --output-on-failure -j "$JOBS" || status=1
    if [ "${GUJI_SKIP_ASAN:-0}" != 1 ]; then
      mkdir -p build-asan
      configure build-asan -DGUJI_SANITIZE=ON
      build build-asan || status=1
      phase "ctest build-asan (unit + lit)"
      ctest --test-dir build-asan --output-on-failure -j "$JOBS" -E '^conformance$' || status=1
    fi
    if [ "${GUJI_SKIP_TSAN:-0}" != 1 ]; then
      # Only the runtime (the scheduler, channels and everything they
      # touch) is built with TSan; a TSan report fails the run. The
      # randomized single-threaded model tests (*Model.*) are left out:
      # they have no threads for TSan to check and take ~8 minutes under
      # it (the ASan build runs them).
      mkdir -p build-tsan
      configure build-tsan -DGUJI_TSAN=ON
      phase "build build-tsan (unittest-runtime)"
      cmake --build build-tsan -j "$JOBS" --target unittest-runtime -- --quiet || status=1
      phase "unittest-runtime under ThreadSanitizer"
      TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" \
        build-tsan/unittests/unittest-runtime --gtest_brief=1 --gtest_filter='-*Model.*' || status=1
    fi
    phase ""
    printf '== total: %ss\n' $(($(date +%s) - t_start))
    [ "$status" -eq 0 ] && echo "== all tests passed" || echo "== SOME TESTS FAILED" >&2
    exit "$status"
    ;;
esac
phase ""
