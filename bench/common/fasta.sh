#!/usr/bin/env bash
# bench/common/fasta.sh N PATH — make PATH the output of `fasta N`
# (bench/common/fasta.c), through gen.sh: the generator and its output are
# cached in bench/out/common/, so the benchmarks on fasta's output
# (regexredux, revcomp, knucleotide) share one file.
exec "$(dirname "$0")/gen.sh" fasta "$@"
