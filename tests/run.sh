#!/bin/sh
# Reports the suites make test ran (tests/suite.sh kept each one's TAP
# output and exit status): the failures and a count per suite, in a fixed
# order, then one summary line. Exits 1 if any test failed or any suite
# did not finish cleanly.
# usage: tests/run.sh RESULTS_DIR SUITE...
set -u
results=$1
shift
pass=0
fail=0
failed_suites=""

for name in "$@"; do
	tap=$results/$name.tap
	if [ ! -f "$tap" ]; then
		echo "not ok - $name did not run"
		fail=$((fail + 1))
		failed_suites="$failed_suites $name"
		continue
	fi
	read -r rc secs <"$results/$name.rc"
	p=$(grep -c '^ok ' "$tap")
	f=$(grep -c '^not ok ' "$tap")
	# a suite's seed (to replay its random draws) matters only when it failed
	if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
		grep -E '^(not ok|#)' "$tap" | grep -v -e '^# ok' -e '^# seed: ' || true
	else
		grep -E '^(not ok|#)' "$tap" | grep -v '^# ok' || true
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or exited early without reporting a failed test
		echo "not ok - $name exited with status $rc"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$f" -gt 0 ] && failed_suites="$failed_suites $name"
	echo "# $name: $p passed, $f failed (${secs}s)"
done

[ -n "$failed_suites" ] && echo "# failing:$failed_suites"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
