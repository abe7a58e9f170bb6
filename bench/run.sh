#!/usr/bin/env bash
# bench/run.sh — time guji against its peers on small benchmark programs.
#
#   bench/run.sh [-n N] [--py-runs K] [--gujic PATH] [NAME...]
#
# A benchmark is a folder bench/NAME/ holding NAME.guji and any of the peers
# NAME.c, NAME.ovf.c (C with the overflow checks guji's Int arithmetic makes,
# §6: how much of a gap is the checks' cost), NAME.cpp, NAME.go, NAME.cr,
# NAME.ml, NAME.pl, NAME.py. Each is built once — guji: gujic -O2; C: clang-19
# -O2, else cc -O2, plus the flags in NAME.c.flags if present (else
# -lpcre2-8 when the source has #include <pcre2.h>); C++: g++ -O2 -std=c++17;
# Go: go build; Crystal: crystal build --release (single-threaded, as
# Debian's 1.6 is); OCaml: plain ocamlopt (no -unsafe, so array bounds are
# checked as guji's are; no -O3, which needs flambda); Perl: perl; Python:
# python3 — and all must print the same output (a peer that disagrees, or
# fails, is reported and left out of the table; the others still run).
# Input: a folder may hold input.sh, run as `input.sh PATH` to write the
# benchmark's input to PATH (bench/out/NAME/input); it is made once and
# reused while newer than input.sh (delete it to force a new one; input.sh
# may itself share a cached file, as bench/common/fasta.sh does), and every
# peer reads it on stdin (without input.sh, stdin is /dev/null).
# Then each runs N times (default 5; Python and Perl, being slow, K times,
# default 1: their check run) and the table has a row
# per benchmark and a column per peer: the median wall time in seconds and,
# in parentheses, its ratio to C — or, for a benchmark without a NAME.c
# (the collection benchmarks: mapint, mapcount, ...), to C++, or without
# either (the task benchmarks: spawn, pingpong, ...) to Go; the base's
# cell then reads "(=1)". A peer whose tool is missing is skipped
# with a note. Every program runs with a 1 GiB stack limit (ulimit -s;
# cfold recurses 2^20 deep). Builds, inputs and outputs go to bench/out/
# (git-ignored). Not part of ctest or build.sh: timings need a quiet machine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(dirname "$here")
out="$here/out"

runs=5
py_runs=1
gujic="$repo/build/bin/gujic"
names=()
usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    -n)        runs=$2; shift 2 ;;
    -n*)       runs=${1#-n}; shift ;;
    --py-runs) py_runs=$2; shift 2 ;;
    --gujic)   gujic=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*)        echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    *)         names+=("$1"); shift ;;
  esac
done
case "$runs$py_runs" in *[!0-9]*|'') echo "bench: -n and --py-runs take numbers" >&2; exit 2 ;; esac
[ "$runs" -ge 1 ] || { echo "bench: -n must be at least 1" >&2; exit 2; }

if [ ${#names[@]} -eq 0 ]; then
  for d in "$here"/*/; do
    n=$(basename "$d")
    [ -f "$d/$n.guji" ] && names+=("$n")
  done
fi

mkdir -p "$out"
# Go without network or a writable $HOME: caches under bench/out.
export GOCACHE="$out/go-cache" GOPATH="$out/go-path" GO111MODULE=off GOFLAGS='' GOTOOLCHAIN=local

cc_bin=$(command -v clang-19 || command -v clang || command -v cc || true)
cxx_bin=$(command -v g++ || true)
go_bin=$(command -v go || true)
cr_bin=$(command -v crystal || true)
ml_bin=$(command -v ocamlopt || true)
py_bin=$(command -v python3 || true)
pl_bin=$(command -v perl || true)
notes=()
note() { notes+=("$1"); }

# A deep stack for every peer alike (cfold's 2^20-deep recursion; guji's
# main thread takes its size from this limit too).
stack_kb=$((1024 * 1024))
if ! ulimit -s "$stack_kb" 2> /dev/null; then
  note "could not raise the stack limit to $stack_kb KiB (ulimit -s is $(ulimit -s)): deep recursions may overflow"
fi

# now_ns: wall clock in nanoseconds (GNU date).
now_ns() { date +%s%N; }

# median of the numbers on stdin (seconds with decimals)
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.6f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# build NAME PEER SRC EXE: 0 when built, 1 when skipped (with a note)
build() {
  local name=$1 peer=$2 src=$3 exe=$4
  local log="$out/$name/$peer.build.log"
  case "$peer" in
    guji)
      [ -x "$gujic" ] || { note "$name: guji skipped: $gujic not built (./build.sh)"; return 1; }
      "$gujic" -O2 "$src" -o "$exe" > "$log" 2>&1 ||
        { note "$name: guji skipped: gujic failed (see ${log#"$repo"/})"; return 1; } ;;
    c|c-ovf)
      [ -n "$cc_bin" ] || { note "$name: C skipped: no clang-19 or cc"; return 1; }
      local flags=()
      if [ -f "$src.flags" ]; then
        read -r -a flags < "$src.flags" || true
      elif grep -q '^#include <pcre2.h>' "$src"; then
        flags=(-lpcre2-8)
      fi
      "$cc_bin" -O2 "$src" -o "$exe" ${flags[@]+"${flags[@]}"} > "$log" 2>&1 ||
        { note "$name: C skipped: $cc_bin failed (see ${log#"$repo"/})"; return 1; } ;;
    cpp)
      [ -n "$cxx_bin" ] || { note "$name: C++ skipped: no g++"; return 1; }
      "$cxx_bin" -O2 -std=c++17 "$src" -o "$exe" > "$log" 2>&1 ||
        { note "$name: C++ skipped: g++ failed (see ${log#"$repo"/})"; return 1; } ;;
    ocaml)
      [ -n "$ml_bin" ] || { note "$name: OCaml skipped: no ocamlopt"; return 1; }
      # ocamlopt leaves .cmi/.cmx/.o beside its source: build a copy in out/.
      local dir="$out/$name/ocaml-build"
      mkdir -p "$dir"
      cp "$src" "$dir/"
      (cd "$dir" && "$ml_bin" "$(basename "$src")" -o "$exe") > "$log" 2>&1 ||
        { note "$name: OCaml skipped: ocamlopt failed (see ${log#"$repo"/})"; return 1; } ;;
    go)
      [ -n "$go_bin" ] || { note "$name: Go skipped: no go"; return 1; }
      (cd "$(dirname "$src")" && "$go_bin" build -o "$exe" "$(basename "$src")") > "$log" 2>&1 ||
        { note "$name: Go skipped: go build failed (see ${log#"$repo"/})"; return 1; } ;;
    crystal)
      [ -n "$cr_bin" ] || { note "$name: Crystal skipped: no crystal (apt install crystal)"; return 1; }
      (cd "$out/$name" && CRYSTAL_CACHE_DIR="$out/crystal-cache" "$cr_bin" build --release --no-debug -o "$exe" "$src") > "$log" 2>&1 ||
        { note "$name: Crystal skipped: crystal build failed (see ${log#"$repo"/})"; return 1; } ;;
    perl)
      [ -n "$pl_bin" ] || { note "$name: Perl skipped: no perl"; return 1; }
      printf '#!/bin/sh\nexec %q %q "$@"\n' "$pl_bin" "$src" > "$exe"
      chmod +x "$exe" ;;
    python)
      [ -n "$py_bin" ] || { note "$name: Python skipped: no python3"; return 1; }
      printf '#!/bin/sh\nexec %q %q "$@"\n' "$py_bin" "$src" > "$exe"
      chmod +x "$exe" ;;
  esac
}

all_peers=(guji c c-ovf cpp go crystal ocaml perl python)
declare -A cell=()  # cell[NAME|PEER]: "median|ratio"
declare -A used=()  # peers with a timing in some benchmark
done_names=()
other_base=""      # set when some row's ratios are to C++ or Go (no C peer)
status=0
for name in "${names[@]}"; do
  dir="$here/$name"
  if [ ! -f "$dir/$name.guji" ]; then
    echo "bench: no benchmark $name (expected $dir/$name.guji)" >&2
    status=1; continue
  fi
  mkdir -p "$out/$name"
  echo "== $name" >&2
  # The input, made once by input.sh (remade when input.sh is newer).
  input=/dev/null
  if [ -f "$dir/input.sh" ]; then
    input="$out/$name/input"
    if [ ! -e "$input" ] || [ "$dir/input.sh" -nt "$input" ]; then
      echo "   making the input with ${dir#"$repo"/}/input.sh" >&2
      rm -f "$input"
      if ! bash "$dir/input.sh" "$input" > "$out/$name/input.log" 2>&1 || [ ! -e "$input" ]; then
        echo "bench: $name: input.sh failed (see ${out#"$repo"/}/$name/input.log):" >&2
        cat "$out/$name/input.log" >&2
        rm -f "$input"; status=1; continue
      fi
    fi
  fi
  peers=(); exes=()
  for peer in "${all_peers[@]}"; do
    case "$peer" in
      guji) ext=guji ;; c) ext=c ;; c-ovf) ext=ovf.c ;; cpp) ext=cpp ;;
      go) ext=go ;; crystal) ext=cr ;; ocaml) ext=ml ;; perl) ext=pl ;; python) ext=py ;;
    esac
    src="$dir/$name.$ext"
    [ -f "$src" ] || continue
    exe="$out/$name/$name-$peer"
    if build "$name" "$peer" "$src" "$exe"; then
      peers+=("$peer"); exes+=("$exe")
    fi
  done
  [ ${#peers[@]} -gt 0 ] || continue

  # Same output from everyone (first run, also a warm-up; for a slow peer
  # timed once, this run is its timing).
  declare -A first=()
  ref=""; ref_peer=""; ok_peers=(); ok_exes=()
  for i in "${!peers[@]}"; do
    peer=${peers[$i]}; exe=${exes[$i]}
    t0=$(now_ns)
    if ! "$exe" < "$input" > "$out/$name/$peer.out" 2> "$out/$name/$peer.err"; then
      echo "bench: $name/$peer exited with an error:" >&2; head -c 4000 "$out/$name/$peer.err" >&2
      note "$name: $peer failed at run time (see ${out#"$repo"/}/$name/$peer.err)"
      status=1; continue
    fi
    t1=$(now_ns)
    if [ -z "$ref" ]; then
      ref="$out/$name/$peer.out"; ref_peer=$peer
    elif ! cmp -s "$ref" "$out/$name/$peer.out"; then
      echo "bench: $name: $peer prints something else than $ref_peer:" >&2
      diff -u --label "$ref_peer" --label "$peer" "$ref" "$out/$name/$peer.out" | head -40 >&2 || true
      note "$name: $peer disagrees with $ref_peer (left out)"
      status=1; continue
    fi
    first[$peer]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
    ok_peers+=("$peer"); ok_exes+=("$exe")
  done

  declare -A med=()
  for i in "${!ok_peers[@]}"; do
    peer=${ok_peers[$i]}; exe=${ok_exes[$i]}
    n=$runs
    slow=""
    case "$peer" in python|perl) slow=1 ;; esac
    [ -n "$slow" ] && [ "$py_runs" -lt "$n" ] && n=$py_runs
    [ "$n" -ge 1 ] || continue
    times=()
    if [ -n "$slow" ] && [ "$n" -eq 1 ]; then times=("${first[$peer]}"); n=0; fi
    for ((r = 0; r < n; r++)); do
      t0=$(now_ns)
      "$exe" < "$input" > /dev/null 2>&1
      t1=$(now_ns)
      times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')")
    done
    med[$peer]=$(printf '%s\n' "${times[@]}" | median)
    echo "   $peer: ${times[*]}" >&2
  done
  # The ratio base: C, or C++ when the benchmark has no C peer at all, or
  # Go without either (a base peer that failed leaves no base).
  base_peer=c
  if [ ! -f "$dir/$name.c" ]; then
    base_peer=cpp
    [ -f "$dir/$name.cpp" ] || base_peer=go
  fi
  base_median=${med[$base_peer]:-}
  for peer in "${ok_peers[@]}"; do
    [ -n "${med[$peer]:-}" ] || continue
    ratio="-"
    [ -n "$base_median" ] && ratio=$(awk -v a="${med[$peer]}" -v c="$base_median" 'BEGIN { if (c > 0) printf "%.2f", a / c; else print "-" }')
    if [ "$base_peer" != c ] && [ "$peer" = "$base_peer" ] && [ "$ratio" != - ]; then ratio="=1"; other_base=1; fi
    cell[$name|$peer]="${med[$peer]}|$ratio"
    used[$peer]=1
  done
  done_names+=("$name")
  unset med first
done

# The table: a row per benchmark, a column per peer that ran somewhere;
# each cell is "median (ratio to C)" (in a row without a C peer, the ratio
# to C++ or Go, whose cell reads "(=1)"), "-" where the peer did not run.
cols=()
for peer in "${all_peers[@]}"; do
  if [ -n "${used[$peer]:-}" ]; then cols+=("$peer"); fi
done
echo
printf '%-12s' benchmark
for peer in ${cols[@]+"${cols[@]}"}; do printf ' %15s' "$peer"; done
echo
printf '%-12s' ------------
for peer in ${cols[@]+"${cols[@]}"}; do printf ' %15s' ---------------; done
echo
for name in ${done_names[@]+"${done_names[@]}"}; do
  printf '%-12s' "$name"
  for peer in ${cols[@]+"${cols[@]}"}; do
    c=${cell[$name|$peer]:-}
    if [ -z "$c" ]; then printf ' %15s' -; continue; fi
    IFS='|' read -r m r <<< "$c"
    printf ' %15s' "$(printf '%.3f (%s)' "$m" "$r")"
  done
  echo
done
if [ -n "$other_base" ]; then
  echo "(median wall time in seconds; in parentheses the ratio to C, or in a row without a C peer to the cell that reads (=1): C++, else Go)"
else
  echo "(median wall time in seconds; in parentheses the ratio to C)"
fi
if [ ${#notes[@]} -gt 0 ]; then
  echo
  for n in "${notes[@]}"; do echo "note: $n"; done
fi
echo
echo "runs: $runs (python, perl: $(( py_runs < runs ? py_runs : runs ))), machine: $(uname -m), $(nproc) cpus"
exit "$status"
