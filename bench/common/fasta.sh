#!/usr/bin/env bash
# bench/common/fasta.sh N PATH — make PATH the output of `fasta N`
# (bench/common/fasta.c, built with cc -O2). Both the generator and its
# output are cached in bench/out/common/ and remade only when fasta.c is
# newer, so the benchmarks on fasta's output (regexredux, revcomp,
# knucleotide) share one file: PATH becomes a symbolic link to it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
n=$1 path=$2
cache="$here/../out/common"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)
gen="$cache/fasta"
if [ ! -x "$gen" ] || [ "$here/fasta.c" -nt "$gen" ]; then
  cc -O2 -o "$gen.tmp" "$here/fasta.c"
  mv "$gen.tmp" "$gen"
fi
data="$cache/fasta-$n.txt"
if [ ! -s "$data" ] || [ "$gen" -nt "$data" ]; then
  "$gen" "$n" > "$data.tmp"
  mv "$data.tmp" "$data"
fi
ln -sf "$data" "$path"
