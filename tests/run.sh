#!/bin/sh
# Runs every unit test binary (cmocka, TAP output) and every command-level
# test script (tests/cli/*.sh, TAP output), then prints one summary line.
# usage: tests/run.sh BUILD_DIR SIMSA_BINARY
set -u
build=$1
SIMSA=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
export SIMSA
TOP=$(pwd)
export TOP
log=$(mktemp)
pass=0
fail=0
failed_suites=""

count() { # suite-name exit-status log
	p=$(grep -c '^ok ' "$3")
	f=$(grep -c '^not ok ' "$3")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or exited early without reporting a failed test
		echo "not ok - $1 exited with status $2"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$f" -gt 0 ] && failed_suites="$failed_suites $1"
	echo "# $1: $p passed, $f failed"
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
	rc=$?
	grep -E '^(not ok|#)' "$log" | grep -v '^# ok' || true
	count "$name" "$rc" "$log"
done

for t in tests/cli/*.sh; do
	name=$(basename "$t" .sh)
	sh "$t" >"$log" 2>&1
	rc=$?
	grep -E '^(not ok|#)' "$log" || true
	count "cli/$name" "$rc" "$log"
done
rm -f "$log"

[ -n "$failed_suites" ] && echo "# failing:$failed_suites"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
