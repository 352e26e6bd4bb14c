# Command-level tests: `simsa outputs generate` against a real local server
# (tests/tools/stub_server.py on 127.0.0.1, a free port): answers, retries,
# Retry-After, every failure mode, limits, resuming, TLS, and that an API key
# never reaches the round file or any output.
. "$(dirname "$0")/../cli_lib.sh"

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
STUB=$TOP/tests/tools/stub_server.py
KEY='sk-test-0123456789abcdefGHIJ'
export HANEUL_KEY="$KEY"
unset GAON_KEY
all=$T/all-output     # every stdout and stderr, to look for the key
: >"$all"
pids=""
stop_stubs() { for p in $pids; do kill "$p" 2>/dev/null; done; }
trap 'stop_stubs; rm -rf "$T"' EXIT

# start_stub LOG [ARGS]: starts a stub, sets $port
start_stub() {
	log=$1; shift
	nstub=$((${nstub:-0} + 1))
	python3 "$STUB" --log "$log" --max-seconds 600 "$@" >"$T/port$nstub" 2>>"$T/stub.err" &
	pids="$pids $!"
	i=0
	while [ ! -s "$T/port$nstub" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	port=$(cat "$T/port$nstub")
}
start_stub "$T/req.jsonl"
base=http://127.0.0.1:$port/v1

# gen ARGS...: runs outputs generate, keeping everything it printed
gen() {
	run outputs generate "$@"
	cat "$T/out" "$T/err" >>"$all"
}
# requests MODEL: how many requests the stub has seen for MODEL
requests() { python3 -c "
import json,sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)['model'] == sys.argv[2]))" "$T/req.jsonl" "$1"; }
q() { sqlite3 "$db" "$1"; }

cat >"$T/prompts.jsonl" <<'J'
{"id": "reason-001", "category": "reasoning", "prompt": "철수는 영희보다 키가 크다. 누가 더 작은가?", "system": "짧게 답하세요."}
{"id": "write-001", "category": "writing", "prompt": "가을에 대한 짧은 시를 써 주세요."}
{"id": "code-001", "category": "coding", "prompt": "파이썬으로 1부터 10까지 더하세요."}
J
# new_round NAME ENTRANT-LINES: a draft round with the three prompts
new_round() {
	db=$T/$1.db
	printf '%s\n' "$2" >"$T/$1-entrants.jsonl"
	"$SIMSA" init "$db" --title "$1" >/dev/null 2>&1 &&
		"$SIMSA" entrants import "$db" "$T/$1-entrants.jsonl" >/dev/null &&
		"$SIMSA" prompts import "$db" "$T/prompts.jsonl" >/dev/null ||
		not_ok "setting up round $1"
}
# one_model NAME MODEL: a round whose one entrant (gaon) is served by MODEL
one_model() { new_round "$1" "{\"name\": \"gaon\", \"model\": \"$2\", \"endpoint\": \"$base\"}"; }

# ---- answers are stored with everything that came with them ----
new_round basic "{\"name\": \"haneul\", \"model\": \"echo\", \"endpoint\": \"$base\", \"api_key_env\": \"HANEUL_KEY\", \"params\": {\"temperature\": 0.7, \"max_tokens\": 256}, \"system\": \"당신은 하늘입니다.\"}
{\"name\": \"gaon\", \"model\": \"slow-100ms\", \"endpoint\": \"$base/\"}
{\"name\": \"nuri\", \"model\": \"Nuri-70B\"}"
gen "$db"
if [ "$rc" -eq 0 ] && grep -q "generated 6 of 6 outputs" "$T/out" &&
	grep -q "nuri .*no endpoint: 3 outputs missing" "$T/out"; then
	ok "generates every missing output of the entrants with an endpoint"
else
	not_ok "generates every missing output" "exit $rc" "$(cat "$T/out" "$T/err")"
fi
check "six outputs, all of origin generate" test "$(q "SELECT count(*) FROM output WHERE origin = 'generate'")" = 6
want='답변: 철수는 영희보다 키가 크다. 누가 더 작은가? [시스템: 짧게 답하세요.]'
got=$(q "SELECT text FROM output o JOIN prompt p ON p.id = o.prompt_id JOIN entrant e ON e.id = o.entrant_id WHERE p.ext_id = 'reason-001' AND e.name = 'haneul'")
if [ "$got" = "$want" ]; then ok "the text is stored exactly (the prompt's system text wins)"; else not_ok "text stored" "$got"; fi
got=$(q "SELECT text FROM output o JOIN prompt p ON p.id = o.prompt_id JOIN entrant e ON e.id = o.entrant_id WHERE p.ext_id = 'write-001' AND e.name = 'haneul'")
case $got in *"[시스템: 당신은 하늘입니다.]") ok "the entrant's system prompt is sent when the prompt has none" ;; *) not_ok "entrant system" "$got" ;; esac
if q "SELECT hex(hash), text FROM output" | python3 -c "
import hashlib,sys
for line in sys.stdin.read().split('\n'):
    if not line: continue
    h, t = line.split('|', 1)
    assert h.lower() == hashlib.blake2b(t.encode(), digest_size=32).hexdigest(), line
"; then ok "each output's hash is the BLAKE2b-256 of its text"; else not_ok "hashes"; fi
got=$(q "SELECT o.finish_reason, o.params, o.usage IS NOT NULL, o.latency_ms >= 0, o.generated_at IS NOT NULL FROM output o JOIN entrant e ON e.id = o.entrant_id WHERE e.name = 'haneul' LIMIT 1")
if [ "$got" = 'stop|{"max_tokens":256,"model":"echo","temperature":0.7}|1|1|1' ]; then
	ok "finish reason, request parameters, usage, latency and time are kept"
else
	not_ok "metadata kept" "$got"
fi
python3 - "$T/req.jsonl" "$KEY" >"$T/check" 2>&1 <<'P'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
echo = [r for r in reqs if r['model'] == 'echo']
slow = [r for r in reqs if r['model'] == 'slow-100ms']
assert len(echo) == 3 and len(slow) == 3, (len(echo), len(slow))
assert all(r['path'] == '/v1/chat/completions' for r in reqs)
assert all(r['headers'].get('authorization') == 'Bearer ' + sys.argv[2] for r in echo)
assert all('authorization' not in r['headers'] for r in slow), 'key sent to the wrong entrant'
assert all(r['headers'].get('content-type') == 'application/json' for r in reqs)
assert all(r['body']['temperature'] == 0.7 and r['body']['max_tokens'] == 256 for r in echo)
assert all(r['body']['messages'][-1]['role'] == 'user' for r in reqs)
assert 'stream' not in echo[0]['body']
print('ok')
P
if [ "$(cat "$T/check")" = ok ]; then ok "requests: path, Authorization only for the entrant with a key, params merged"; else not_ok "requests" "$(cat "$T/check")"; fi

before=$(wc -l <"$T/req.jsonl")
gen "$db"
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/req.jsonl")" -eq "$before" ] && grep -q "generated 0 of 0" "$T/out"; then
	ok "a rerun asks for nothing already stored"
else
	not_ok "rerun asks nothing" "$(cat "$T/out")"
fi
expect_fail "--entrant names an entrant of the round" 1 "no entrant named 'ghost'" outputs generate "$db" --entrant ghost
expect_fail "--entrant refuses an entrant without endpoint" 1 "entrant 'nuri' has no endpoint" outputs generate "$db" --entrant nuri

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

one_model length length
gen "$db"
if [ "$rc" -eq 0 ] && grep -q 'stopped for length' "$T/out" && [ "$(q "SELECT count(*) FROM output WHERE finish_reason = 'length'")" -eq 3 ]; then
	ok "finish_reason length: stored with it and reported"
else
	not_ok "finish_reason length" "$(cat "$T/out")"
fi

new_round screened "{\"name\": \"haneul\", \"aliases\": [\"철수\"], \"model\": \"echo\", \"endpoint\": \"$base\"}"
gen "$db"
if [ "$rc" -eq 0 ] && grep -q "warning: 1 output may reveal its entrant" "$T/err"; then
	ok "a generated output naming its entrant is pointed out, as after an import"
else
	not_ok "identity warning" "$(cat "$T/err")"
fi

# ---- the API key ----
new_round keyed "{\"name\": \"haneul\", \"model\": \"unauthorized\", \"endpoint\": \"$base\", \"api_key_env\": \"HANEUL_KEY\"}"
gen "$db"
if [ "$rc" -eq 1 ] && grep -q "invalid API key: Bearer \[key\]" "$T/out"; then
	ok "a server quoting the key back: the message shows [key]"
else
	not_ok "server quoting the key" "$(cat "$T/out")"
fi
HANEUL_KEY= gen "$db"
if [ "$rc" -eq 1 ] && grep -q "HANEUL_KEY is empty" "$T/err"; then ok "an empty key is refused"; else not_ok "empty key" "$(cat "$T/err")"; fi
before=$(wc -l <"$T/req.jsonl")
env -u HANEUL_KEY "$SIMSA" outputs generate "$db" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "entrant 'haneul': the environment variable HANEUL_KEY is not set" "$T/err"; then
	ok "a missing key variable is named"
else
	not_ok "missing key variable" "$(cat "$T/err")"
fi
HANEUL_KEY="$(printf 'sk-line\r\nX-Evil: 1')" gen "$db"
if [ "$rc" -eq 1 ] && grep -q "contains a line break (CR or LF); refused" "$T/err" &&
	! grep -q "sk-line" "$T/out" "$T/err"; then
	ok "a key with CR/LF is refused without being shown"
else
	not_ok "CR/LF key" "$(cat "$T/err")"
fi
HANEUL_KEY="sk-비밀" gen "$db"
if [ "$rc" -eq 1 ] && grep -q "HANEUL_KEY contains a byte that is not printable ASCII" "$T/err"; then
	ok "a key that is not printable ASCII is refused"
else
	not_ok "non-ASCII key" "$(cat "$T/err")"
fi
check "nothing was sent with a bad or missing key" test "$(wc -l <"$T/req.jsonl")" -eq "$before"
new_round creds "{\"name\": \"gaon\", \"model\": \"echo\", \"endpoint\": \"http://user:pw@127.0.0.1:$port/v1\"}"
expect_fail "credentials in an endpoint are refused" 1 "may not carry credentials" outputs generate "$db"

# ---- limits on concurrency ----
new_round limits "{\"name\": \"haneul\", \"model\": \"slow-300ms\", \"endpoint\": \"$base\", \"api_key_env\": \"HANEUL_KEY\"}
{\"name\": \"gaon\", \"model\": \"slow-300ms\", \"endpoint\": \"$base\"}
{\"name\": \"nuri\", \"model\": \"slow-301ms\", \"endpoint\": \"$base\"}"
python3 -c "
import json
for i in range(10): print(json.dumps({'id': 'extra-%d' % i, 'category': 'c', 'prompt': '질문 %d' % i}, ensure_ascii=False))
" >"$T/more.jsonl"
"$SIMSA" prompts import "$db" "$T/more.jsonl" >/dev/null
gen "$db" --concurrency 5 --per-entrant 2
peak() { python3 -c "
import json,sys
print(max(json.loads(l)['inflight'] for l in open(sys.argv[1]) if json.loads(l)['model'] == sys.argv[2]))" "$T/req.jsonl" "$1"; }
if [ "$rc" -eq 0 ] && [ "$(peak slow-301ms)" -eq 2 ] && [ "$(peak slow-300ms)" -le 4 ] && [ "$(peak slow-300ms)" -ge 3 ]; then
	ok "--per-entrant bounds each entrant's requests at once, --concurrency the total"
else
	not_ok "concurrency limits" "peaks $(peak slow-301ms) $(peak slow-300ms)" "$(cat "$T/out")"
fi

# ---- interrupted and resumed ----
new_round resume "{\"name\": \"gaon\", \"model\": \"slow-700ms\", \"endpoint\": \"$base\"}"
"$SIMSA" prompts import "$db" "$T/more.jsonl" >/dev/null
"$SIMSA" outputs generate "$db" --concurrency 2 >"$T/out" 2>"$T/err" &
gpid=$!
sleep 1.7
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

# ---- progress and formats ----
one_model progress slow-400ms
gen "$db" --concurrency 1 --progress lines --progress-every 1
if grep -q "^progress: [0-9]/3 done, 0 failed, [0-9] in flight, .*ETA .*; gaon [0-9]/3" "$T/out"; then ok "plain progress lines when not on a terminal"; else not_ok "progress lines" "$(cat "$T/out")"; fi
one_model live slow-200ms
gen "$db" --progress live --format json
if grep -qF "$(printf '\r\033[K')" "$T/err" && [ "$(json_get "$T/out" "d['stored'], d['failed'], d['entrants'][0]['name']")" = "3 0 gaon" ]; then
	ok "a live line (redrawn with CR) beside a JSON summary"
else
	not_ok "live progress and json" "$(cat "$T/out")"
fi

# ---- only while the round is a draft ----
one_model opened echo
q "UPDATE round SET state = 'open'"
expect_fail "generation is refused once the round is open" 1 "the round is open" outputs generate "$db"

# ---- TLS ----
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1; then
	start_stub "$T/req.jsonl" --tls "$T/tls.crt" "$T/tls.key"
	new_round tls "{\"name\": \"gaon\", \"model\": \"echo\", \"endpoint\": \"https://127.0.0.1:$port/v1\"}"
	gen "$db"
	if [ "$rc" -eq 1 ] && grep -q "^  TLS  *3" "$T/out"; then ok "TLS: an unknown CA is refused"; else not_ok "TLS refusal" "$(cat "$T/out")"; fi
	gen "$db" --retry-failed --cacert "$T/tls.crt"
	if [ "$rc" -eq 0 ] && [ "$(q "SELECT count(*) FROM output")" -eq 3 ]; then ok "TLS: --cacert adds a CA"; else not_ok "TLS --cacert" "$(cat "$T/out" "$T/err")"; fi
else
	ok "TLS # SKIP no openssl"
	ok "TLS --cacert # SKIP no openssl"
fi
# a failed handshake (here: https to the plain-HTTP stub) is retried, unlike
# a certificate that does not verify
new_round handshake "{\"name\": \"gaon\", \"model\": \"echo\", \"endpoint\": \"https://127.0.0.1:${base#http://127.0.0.1:}\"}"
gen "$db" --max-attempts 2 --backoff 10
if [ "$rc" -eq 1 ] && [ "$(q "SELECT count(*) FROM generation WHERE status = 'failed' AND attempts = 2 AND reason = 'TLS handshake'")" -eq 3 ]; then
	ok "TLS: a failed handshake is retried (2 attempts), then reported"
else
	not_ok "TLS handshake retried" "$(q "SELECT status, attempts, reason FROM generation")" "$(cat "$T/out")"
fi

# ---- the key never leaks ----
leaks=""
for f in "$T"/*.db "$T"/*.db-wal "$all"; do
	[ -e "$f" ] && grep -qaF "$KEY" "$f" && leaks="$leaks $f"
	[ -e "$f" ] && grep -qaF "sk-test" "$f" && leaks="$leaks $f(prefix)"
done
if [ -z "$leaks" ]; then ok "the key is in no round file, WAL, or output"; else not_ok "key leaked" "$leaks"; fi

run outputs generate --help
if [ "$rc" -eq 0 ] && grep -q "^usage: simsa outputs generate" "$T/out"; then ok "outputs generate --help"; else not_ok "--help"; fi
expect_fail "a bad option value is a usage error" 2 "bad value 'lots' for --concurrency" outputs generate "$db" --concurrency lots

stop_stubs
finish
