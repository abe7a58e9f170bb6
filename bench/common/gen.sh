#!/usr/bin/env bash
# bench/common/gen.sh GEN N PATH — make PATH the output of `GEN N`, where GEN
# is a generator bench/common/GEN.c (built with cc -O2). As in fasta.sh, the
# generator and its output are cached in bench/out/common/ (remade only when
# GEN.c is newer) and PATH becomes a symbolic link to the cached output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
name=$1 n=$2 path=$3
cache="$here/../out/common"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)
gen="$cache/$name"
if [ ! -x "$gen" ] || [ "$here/$name.c" -nt "$gen" ]; then
  cc -O2 -o "$gen.tmp" "$here/$name.c"
  mv "$gen.tmp" "$gen"
fi
data="$cache/$name-$n.txt"
if [ ! -s "$data" ] || [ "$gen" -nt "$data" ]; then
  "$gen" "$n" > "$data.tmp"
  mv "$data.tmp" "$data"
fi
ln -sf "$data" "$path"
