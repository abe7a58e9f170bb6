#!/usr/bin/env bash
# input.sh PATH — the output of fasta 5,000,000 (about 50 MB; bench/common/fasta.sh).
exec bash "$(dirname "$0")/../common/fasta.sh" 5000000 "$1"
