# Command-level tests: `simsa outputs generate` against a real local server
# (tests/generate_lib.sh): every failure mode, retried or not.
. "$(dirname "$0")/../generate_lib.sh"

# ---- failures that are not retried, or are after all attempts ----
# expect_failure DESC MODEL REASON REQUESTS [ARGS]
expect_failure() {
	d=$1 m=$2 reason=$3 nreq=$4; shift 4
	nfail=$((${nfail:-0} + 1))
	one_model "f$nfail-$m" "$m"
	gen "$db" --backoff 20 "$@"
	if [ "$rc" -eq 1 ] && grep -q "^  $reason  *3" "$T/out" && [ "$(requests "$m")" -eq "$nreq" ] &&
		[ "$(q "SELECT count(*) FROM output")" -eq 0 ]; then
		ok "$d"
	else
		not_ok "$d" "exit $rc, $(requests "$m") requests (wanted $nreq)" "$(cat "$T/out" "$T/err")"
	fi
}
expect_failure "404: no retry" notfound "HTTP 404" 3
expect_failure "401: no retry" unauthorized "HTTP 401" 3
expect_failure "malformed JSON" garbage "not JSON" 3
expect_failure "invalid UTF-8 inside the JSON" bad-utf8 "not JSON" 3
expect_failure "no choices" nochoices "no choices" 3
expect_failure "an empty message" empty "empty message" 3
expect_failure "an endless body is cut at --max-response" huge "response too large" 3 --max-response 100000
expect_failure "a dropped connection is retried, then fails" drop "connection dropped" 6 --max-attempts 2
expect_failure "a stalled body times out (--timeout)" stall "timeout" 3 --timeout 1 --max-attempts 1
expect_failure "a stalled body hits the low-speed limit" stall "timeout" 6 --low-speed-time 1 --max-attempts 1
expect_failure "a redirect is not followed" redirect "HTTP 302" 3
check "the redirect's target was never asked" sh -c "! grep -q elsewhere '$T/req.jsonl'"

new_round refused "{\"name\": \"gaon\", \"model\": \"echo\", \"endpoint\": \"http://127.0.0.1:1/v1\"}"
gen "$db" --max-attempts 2 --backoff 10
if [ "$rc" -eq 1 ] && grep -q "cannot connect" "$T/out"; then ok "a refused connection fails after its attempts"; else not_ok "refused connection" "$(cat "$T/out")"; fi

stop_stubs
finish
