#!/usr/bin/env bash
# input.sh PATH — 1,000,000 lines (about 58 MB) of web-server log, 2% of them
# malformed (bench/common/weblog.c, cached by bench/common/gen.sh).
exec bash "$(dirname "$0")/../common/gen.sh" weblog 1000000 "$1"
