#!/bin/sh
# Runs one test suite and keeps its TAP output and exit status, for
# tests/run.sh to report (make test runs the suites in parallel).
# usage: tests/suite.sh OUT.tap SIMSA_BINARY COMMAND [ARGS...]
# The suite sees SIMSA (the binary, absolute), TOP (the checkout) and
# CMOCKA_MESSAGE_OUTPUT=TAP; OUT.rc gets its exit status.
set -u
out=$1
SIMSA=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2
TOP=$(pwd)
CMOCKA_MESSAGE_OUTPUT=TAP
export SIMSA TOP CMOCKA_MESSAGE_OUTPUT
mkdir -p "$(dirname "$out")"
start=$(date +%s)
"$@" >"$out.tmp" 2>&1
rc=$?
echo "$rc $(($(date +%s) - start))" >"${out%.tap}.rc"
mv "$out.tmp" "$out"
