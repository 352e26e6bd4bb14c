# Command-level tests: `simsa outputs generate` against a real local server
# (tests/generate_lib.sh): retries, Retry-After, interrupted and resumed.
. "$(dirname "$0")/../generate_lib.sh"

# ---- retries ----
one_model flaky flaky-500
gen "$db" --backoff 50
if [ "$rc" -eq 0 ] && [ "$(requests flaky-500)" -eq 6 ] && [ "$(q "SELECT count(*) FROM output")" -eq 3 ]; then
	ok "500 then success: retried once per prompt, all stored"
else
	not_ok "500 then success" "exit $rc, $(requests flaky-500) requests" "$(cat "$T/out")"
fi
check "the log keeps the attempts of each stored output" test "$(q "SELECT group_concat(attempts) FROM generation WHERE status = 'ok'")" = "2,2,2"

# retry_gap MODEL: seconds between the first two requests for the first prompt
retry_gap() { python3 -c "
import json,sys
t = [json.loads(l) for l in open(sys.argv[1])]
t = [r['t'] for r in t if r['model'] == sys.argv[2] and r['body']['messages'][-1]['content'].startswith('철수')]
print('%.2f' % (t[1] - t[0]))" "$T/req.jsonl" "$1"; }
# expect_gap DESC MODEL MIN MAX [ARGS]: retried, and the wait in [MIN, MAX] s
expect_gap() {
	one_model "$2" "$2"
	m=$2 lo=$3 hi=$4 d=$1; shift 4
	gen "$db" "$@"
	gap=$(retry_gap "$m" 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ "$(requests "$m")" -eq 6 ] &&
		python3 -c "import sys; sys.exit(not ($lo <= float('$gap') <= $hi))" 2>/dev/null; then
		ok "$d (waited $gap s)"
	else
		not_ok "$d" "exit $rc, gap '$gap', $(requests "$m") requests" "$(cat "$T/out" "$T/err")"
	fi
}
expect_gap "429 with Retry-After: 1 is honoured" ratelimit 0.9 2.5 --backoff 10
expect_gap "429 with Retry-After as an HTTP date is honoured" ratelimit-date 0.4 2.6 --backoff 10
expect_gap "a garbage Retry-After is ignored (backoff instead)" ratelimit-garbage 0 0.5 --backoff 50
expect_gap "a huge Retry-After is clamped" ratelimit-huge 0.9 2.5 --backoff 10 --max-retry-after 1

one_model down always-500
gen "$db" --max-attempts 3 --backoff 20
if [ "$rc" -eq 1 ] && [ "$(requests always-500)" -eq 9 ] && grep -q "HTTP 500 .* 3 " "$T/out" &&
	grep -q "temporarily overloaded" "$T/out"; then
	ok "5xx every time: --max-attempts requests, then a failure grouped by reason, exit 1"
else
	not_ok "5xx exhausts attempts" "exit $rc, $(requests always-500) requests" "$(cat "$T/out")"
fi
check "failures are logged in the round with their attempts" test "$(q "SELECT count(*) FROM generation WHERE status = 'failed' AND reason = 'HTTP 500' AND attempts = 3 AND http_status = 500")" = 3
gen "$db"
if [ "$rc" -eq 1 ] && [ "$(requests always-500)" -eq 9 ] && grep -q "skipped 3 pairs whose last request failed" "$T/out"; then
	ok "a rerun skips failed pairs, says so and exits 1"
else
	not_ok "rerun skips failed pairs" "exit $rc" "$(cat "$T/out")"
fi
gen "$db" --retry-failed --max-attempts 1
if [ "$rc" -eq 1 ] && [ "$(requests always-500)" -eq 12 ]; then ok "--retry-failed asks again"; else not_ok "--retry-failed" "$(requests always-500) requests"; fi

# ---- interrupted and resumed ----
more_prompts
new_round resume "{\"name\": \"gaon\", \"model\": \"slow-700ms\", \"endpoint\": \"$base\"}"
"$SIMSA" prompts import "$db" "$T/more.jsonl" >/dev/null
"$SIMSA" outputs generate "$db" --concurrency 2 >"$T/out" 2>"$T/err" &
gpid=$!
# ^C once two answers are stored (after 0.7 s at full speed; later under a
# sanitizer or load), 30 s at most
i=0
while [ "$(q "SELECT count(*) FROM output" 2>/dev/null || echo 0)" -lt 2 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT "$gpid"
wait "$gpid"
rc=$?
cat "$T/out" "$T/err" >>"$all"
have=$(q "SELECT count(*) FROM output")
if [ "$rc" -eq 1 ] && grep -q "interrupted" "$T/out" && [ "$have" -ge 2 ] && [ "$have" -lt 13 ]; then
	ok "Ctrl-C: stops, keeps the $have outputs received, exits 1"
else
	not_ok "Ctrl-C" "exit $rc, $have outputs" "$(cat "$T/out" "$T/err")"
fi
"$SIMSA" outputs generate "$db" --concurrency 8 >"$T/out" 2>"$T/err" &
gpid=$!
sleep 1
kill -KILL "$gpid"
wait "$gpid" 2>/dev/null
have=$(q "SELECT count(*) FROM output")
before=$(requests slow-700ms)
gen "$db" --concurrency 13
if [ "$rc" -eq 0 ] && [ "$(q "SELECT count(*) FROM output")" -eq 13 ] &&
	[ $(( $(requests slow-700ms) - before )) -eq $((13 - have)) ] && [ "$(q "PRAGMA integrity_check")" = ok ]; then
	ok "after a kill -9 the round is intact and a rerun asks only for the $((13 - have)) missing"
else
	not_ok "resume after kill" "exit $rc, had $have" "$(cat "$T/out" "$T/err")"
fi

stop_stubs
finish
