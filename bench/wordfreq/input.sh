#!/usr/bin/env bash
# input.sh PATH — 50 MB of English-like text (bench/common/words.c, cached
# by bench/common/gen.sh); `words N` makes about N bytes, for small tests.
exec bash "$(dirname "$0")/../common/gen.sh" words 50000000 "$1"
