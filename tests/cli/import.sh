# Command-level tests: init, the three imports and status, on good and bad
# files. Every rejected import must exit 1, name file, line and field, and
# leave the round file's content exactly as it was.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/round.db
cat >"$T/entrants.jsonl" <<'J'
{"name": "haneul", "team": "하늘연구소", "model": "Haneul-7B", "aliases": ["하늘"]}
{"name": "gaon", "team": "가온", "model": "Gaon-13B"}
{"name": "nuri", "team": "누리", "model": "Nuri-70B"}
J
cat >"$T/prompts.jsonl" <<'J'
{"id": "reason-001", "category": "reasoning", "prompt": "철수는 영희보다 키가 크다. 누가 더 작은가?", "reference": "영희"}
{"id": "write-001", "category": "writing", "prompt": "가을에 대한 짧은 시를 써 주세요."}
J
cat >"$T/outputs.jsonl" <<'J'
{"prompt_id": "reason-001", "entrant": "haneul", "output": "영희가 더 작습니다."}
{"prompt_id": "reason-001", "entrant": "gaon", "output": "**영희**입니다.\n\n- 철수 > 영희"}
{"prompt_id": "reason-001", "entrant": "nuri", "output": "영희"}
{"prompt_id": "write-001", "entrant": "haneul", "output": "낙엽이 진다\n바람이 분다"}
J

expect_fail "init without --title is a usage error" 2 "--title is required" init "$db"
check "no file left by a refused init" test ! -e "$db"
expect_ok "init creates a round" init "$db" --title "시험 라운드"
expect_fail "init never overwrites a round" 1 "already exists" init "$db" --title again
check "no temporary files left beside the round" sh -c "! ls '$T' | grep -q init-"

expect_ok "entrants import" entrants import "$db" "$T/entrants.jsonl"
expect_ok "prompts import" prompts import "$db" "$T/prompts.jsonl"
expect_ok "outputs import" outputs import "$db" "$T/outputs.jsonl"

run status "$db" --format json
echo "$(cat "$T/out")" >"$T/status.json"
if [ "$rc" -eq 0 ] &&
	[ "$(json_get "$T/status.json" "d['entrants'], d['prompts'], d['outputs'], d['outputs_expected']")" = "3 2 4 6" ]; then
	ok "status --format json counts entrants, prompts, outputs"
else
	not_ok "status --format json counts" "$(cat "$T/status.json" "$T/err")"
fi
if [ "$(json_get "$T/status.json" "[(m['prompt'], m['have'], m['need']) for m in d['missing_outputs']]")" = "[('write-001', 1, 3)]" ]; then
	ok "status lists the prompt lacking outputs"
else
	not_ok "status lists the prompt lacking outputs" "$(cat "$T/status.json")"
fi
run status "$db"
if grep -q "missing: prompt write-001 has 1 of 3 outputs" "$T/out" &&
	grep -q "outputs   4 of 6" "$T/out"; then
	ok "status text names what is missing"
else
	not_ok "status text names what is missing" "$(cat "$T/out")"
fi

# Each bad file: exit 1, the message names file:line and field, round unchanged.
before=$(dump "$db")
bad() { # DESC KIND FRAGMENT CONTENT
	printf '%b' "$4" >"$T/bad.jsonl"
	expect_fail "$1" 1 "$3" "$2" import "$db" "$T/bad.jsonl"
	if [ "$(dump "$db")" = "$before" ]; then ok "$1: round unchanged"; else not_ok "$1: round unchanged"; fi
}
bad "malformed JSON" outputs "bad.jsonl:2: malformed JSON" \
	'{"prompt_id": "write-001", "entrant": "gaon", "output": "ok"}\n{"prompt_id": "write-001",\n'
bad "invalid UTF-8" prompts "bad.jsonl:1: invalid UTF-8" \
	'{"id": "x", "category": "c", "prompt": "\355\225"}\n'
bad "missing field" outputs "bad.jsonl:2: field 'output': missing" \
	'{"prompt_id": "write-001", "entrant": "gaon", "output": "ok"}\n{"prompt_id": "write-001", "entrant": "nuri"}\n'
bad "credentials in an endpoint" entrants "bad.jsonl:1: field 'endpoint': a URL may not carry credentials" \
	'{"name": "zz", "endpoint": "https://bob:hunter2@api.example/v1"}\n'
check "the refusal does not echo the password" test "$(grep -c hunter2 "$T/err")" = 0
bad "mistyped field" prompts "bad.jsonl:1: field 'prompt': expected a string, got a number" \
	'{"id": "x", "category": "c", "prompt": 7}\n'
bad "duplicate id in the file" prompts "bad.jsonl:3: field 'id': duplicate prompt id (first on line 1)" \
	'{"id": "x", "category": "c", "prompt": "a"}\n{"id": "y", "category": "c", "prompt": "b"}\n{"id": "x", "category": "c", "prompt": "c"}\n'
bad "duplicate id against the round" entrants "bad.jsonl:1: field 'name': entrant 'gaon' is already in the round" \
	'{"name": "gaon"}\n'
bad "output for an unknown prompt" outputs "bad.jsonl:1: field 'prompt_id': unknown prompt 'nope'" \
	'{"prompt_id": "nope", "entrant": "gaon", "output": "x"}\n'
bad "output for an unknown entrant" outputs "bad.jsonl:1: field 'entrant': unknown entrant 'ghost'" \
	'{"prompt_id": "write-001", "entrant": "ghost", "output": "x"}\n'
bad "two outputs for one prompt and entrant" outputs "bad.jsonl:2: field 'entrant': duplicate output" \
	'{"prompt_id": "write-001", "entrant": "gaon", "output": "x"}\n{"prompt_id": "write-001", "entrant": "gaon", "output": "y"}\n'
bad "an output the round already has" outputs "bad.jsonl:1: field 'entrant': the round already has an output of 'haneul'" \
	'{"prompt_id": "write-001", "entrant": "haneul", "output": "again"}\n'
bad "empty text" outputs "bad.jsonl:1: field 'output': empty" \
	'{"prompt_id": "write-001", "entrant": "gaon", "output": ""}\n'
python3 -c "
import json,sys
sys.stdout.write(json.dumps({'prompt_id': 'write-001', 'entrant': 'gaon', 'output': '가' * 349526}, ensure_ascii=False) + '\n')
" >"$T/big.jsonl"
expect_fail "oversized text (over 1 MiB)" 1 "big.jsonl:1: field 'output': 1048578 bytes, more than the 1048576 allowed" \
	outputs import "$db" "$T/big.jsonl"
if [ "$(dump "$db")" = "$before" ]; then ok "oversized text: round unchanged"; else not_ok "oversized text: round unchanged"; fi
bad "unknown field" prompts "bad.jsonl:1: field 'promt': unknown field" \
	'{"id": "x", "category": "c", "promt": "typo"}\n'
bad "empty file" entrants "no records" '\n'
expect_fail "a file that does not exist" 1 "cannot open" entrants import "$db" "$T/nothere.jsonl"
expect_fail "a round that does not exist" 1 "no such round file" entrants import "$T/none.db" "$T/entrants.jsonl"
expect_fail "a file that is not a round" 1 "not a simsa round file" status "$T/entrants.jsonl"
expect_fail "import with a missing argument" 2 "expected ROUND.db and FILE.jsonl" prompts import "$db"

# Every command answers --help.
for c in "demo" "init" "entrants import" "prompts import" "outputs import" "status"; do
	# shellcheck disable=SC2086
	run $c --help
	if [ "$rc" -eq 0 ] && grep -q "^usage: simsa $c" "$T/out"; then ok "$c --help"; else not_ok "$c --help" "$(cat "$T/out" "$T/err")"; fi
done
expect_fail "unknown command" 2 "unknown command 'frobnicate'" frobnicate

# practice tasks: imported like gold items, all or nothing; status counts them
cat >"$T/practice.jsonl" <<'J'
{"id": "p1", "role": "user", "required": true, "prompt": "연습: 서울의 인구는?", "a": "약 940만 명", "b": "수도", "note_ko": "A가 답한다", "note_en": "A answers"}
{"id": "p2", "role": "expert", "prompt": "연습", "a": "가", "b": "나", "reference": "다"}
J
expect_ok "practice import" practice import "$db" "$T/practice.jsonl"
if grep -q "imported 2 practice from" "$T/out"; then ok "practice import says how many"; else not_ok "practice import output" "$(cat "$T/out")"; fi
printf '{"id": "p3", "role": "user", "prompt": "q", "a": "x", "b": "y"}\n{"id": "p1", "role": "user", "prompt": "q", "a": "x", "b": "y"}\n' >"$T/practice2.jsonl"
sum_before=$(sqlite3 "$db" "SELECT count(*) FROM practice")
expect_fail "a practice id already in the round: refused whole" 1 "practice2.jsonl:2: field 'id': practice task 'p1' is already in the round" practice import "$db" "$T/practice2.jsonl"
check "nothing of the refused file was imported" test "$(sqlite3 "$db" "SELECT count(*) FROM practice")" = "$sum_before"
expect_ok "status after practice import" status "$db"
if grep -q "^  user    25 points, pairwise preference; instructions; practice 1, 1 required (0 of 0 user raters have done them)\$" "$T/out" &&
	grep -q "^  expert  35 points, 6 criteria; instructions; practice 1, 0 required\$" "$T/out"; then
	ok "status: each rubric's instructions and practice tasks"
else
	not_ok "status practice" "$(cat "$T/out")"
fi

finish
