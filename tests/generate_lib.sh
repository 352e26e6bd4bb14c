# Shared setup of the `simsa outputs generate` tests (tests/cli/generate*.sh):
# a real local server (tests/tools/stub_server.py on 127.0.0.1, a free
# port), a round maker and helpers. Sourced after nothing else; it sources
# cli_lib.sh. Each test script starts its own server and rounds in its own
# $T, so the scripts run in parallel.
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
# more_prompts: ten more prompts in $T/more.jsonl
more_prompts() {
	python3 -c "
import json
for i in range(10): print(json.dumps({'id': 'extra-%d' % i, 'category': 'c', 'prompt': '질문 %d' % i}, ensure_ascii=False))
" >"$T/more.jsonl"
}
