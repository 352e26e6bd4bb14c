# Command-level tests: `simsa outputs generate` against a real local server
# (tests/generate_lib.sh): answers and what is stored with them, the API key,
# limits, progress, TLS, and that an API key never reaches the round file or
# any output. Retries are in generate_retry.sh, failures in generate_fail.sh.
. "$(dirname "$0")/../generate_lib.sh"

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

# ---- an answer cut for length, an answer naming its entrant ----
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
# import refuses credentials in an endpoint (tests/cli/import.sh); a file
# edited behind its back is refused by generate all the same
new_round creds "{\"name\": \"gaon\", \"model\": \"echo\", \"endpoint\": \"http://127.0.0.1:$port/v1\"}"
sqlite3 "$db" "UPDATE entrant SET endpoint = 'http://user:pw@127.0.0.1:$port/v1'"
expect_fail "credentials in an endpoint are refused" 1 "may not carry credentials" outputs generate "$db"

# ---- limits on concurrency ----
new_round limits "{\"name\": \"haneul\", \"model\": \"slow-300ms\", \"endpoint\": \"$base\", \"api_key_env\": \"HANEUL_KEY\"}
{\"name\": \"gaon\", \"model\": \"slow-300ms\", \"endpoint\": \"$base\"}
{\"name\": \"nuri\", \"model\": \"slow-301ms\", \"endpoint\": \"$base\"}"
more_prompts
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
