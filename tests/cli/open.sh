# Command-level tests: enrolment, identity screening and `simsa open`.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/round.db
cat >"$T/entrants.jsonl" <<'J'
{"name": "haneul", "team": "하늘연구소", "model": "Haneul-7B", "aliases": ["하늘AI"]}
{"name": "gaon", "team": "가온", "model": "Gaon-13B"}
{"name": "nuri", "team": "누리", "model": "Nuri-70B"}
J
cat >"$T/prompts.jsonl" <<'J'
{"id": "p1", "category": "reasoning", "prompt": "철수는 영희보다 키가 크다. 누가 더 작은가?"}
{"id": "p2", "category": "writing", "prompt": "가을에 대한 짧은 시를 써 주세요."}
J
cat >"$T/outputs.jsonl" <<'J'
{"prompt_id": "p1", "entrant": "haneul", "output": "영희입니다. 저는 ＨＡＮＥＵＬ-7b 모델입니다."}
{"prompt_id": "p1", "entrant": "gaon", "output": "영희"}
{"prompt_id": "p1", "entrant": "nuri", "output": "영희가 더 작습니다."}
{"prompt_id": "p2", "entrant": "haneul", "output": "낙엽이 진다"}
{"prompt_id": "p2", "entrant": "gaon", "output": "가을 하늘AI처럼 맑다"}
J

expect_ok "init creates the round and the organizer key" init "$db" --title "개방 시험"
check "the organizer key is private (mode 600)" sh -c "[ \"\$(stat -c %a '$T/round.keys/organizer.key')\" = 600 ]"
check "the secret key is not in the round file" sh -c "! sqlite3 '$db' .dump | grep -qi 'secret'"
expect_ok "entrants import" entrants import "$db" "$T/entrants.jsonl"
expect_ok "prompts import" prompts import "$db" "$T/prompts.jsonl"
expect_ok "outputs import" outputs import "$db" "$T/outputs.jsonl"
if grep -q "warning: 2 outputs may reveal their entrant" "$T/err"; then ok "import warns about self-identifying outputs"; else not_ok "import warns about self-identifying outputs" "$(cat "$T/err")"; fi

expect_fail "open refuses an incomplete round and says what is missing" 1 \
	"1 prompts lack an output from every entrant" open "$db"
if grep -q "no users enrolled" "$T/err" && grep -q "no experts enrolled" "$T/err"; then
	ok "open lists every problem at once"
else
	not_ok "open lists every problem at once" "$(cat "$T/err")"
fi
# instructions edited in the file after init, with an escape and a bidi
# override: open names them, as init would have
sqlite3 "$db" "UPDATE rubric SET instructions_ko = '# 안내' || char(10) || '보세요 ' || char(27) || '[2J', instructions_en = 'Read ' || char(8238) || 'this' WHERE component = 'user'"
run open "$db"
if [ "$rc" -eq 1 ] && grep -q "the user rubric's instructions_ko:2: a control character (U+001B)" "$T/err" &&
	grep -q "the user rubric's instructions_en:1: a bidirectional control (U+202E)" "$T/err" && ! grep -q "$(printf '\033')" "$T/err"; then
	ok "open refuses instructions edited in the file since init, naming the line and character"
else
	not_ok "open and edited instructions" "$(cat "$T/err")"
fi
sqlite3 "$db" "UPDATE rubric SET instructions_ko = '# 안내', instructions_en = '# Instructions' WHERE component = 'user'"
printf '{"prompt_id": "p2", "entrant": "nuri", "output": "바람이 분다"}\n' >"$T/more.jsonl"
expect_ok "the missing output is added" outputs import "$db" "$T/more.jsonl"

for i in 1 2 3 4 5 6; do
	run rater add "$db" --name "user$i" --role user
	[ "$rc" -eq 0 ] || not_ok "rater add user$i" "$(cat "$T/err")"
done
ok "six users enrolled"
for i in 1 2 3; do
	run rater add "$db" --name "expert$i" --role expert --categories reasoning,writing
	[ "$rc" -eq 0 ] || not_ok "rater add expert$i" "$(cat "$T/err")"
done
ok "three experts enrolled"
check "each rater has a private key file" test -f "$T/round.keys/expert3.key"
expect_fail "a rater name is enrolled once" 1 "already enrolled" rater add "$db" --name user1 --role user
expect_fail "a bad role is a usage error" 2 "--role" rater add "$db" --name x --role boss
printf 'wrong\n' >"$T/wrong"
chmod 600 "$T/wrong"
expect_fail "a wrong organizer passphrase is refused" 1 "wrong passphrase" \
	rater add "$db" --name user7 --role user --organizer-passphrase-file "$T/wrong"
check "a refused enrolment leaves no key file" test ! -e "$T/round.keys/user7.key"

# identity screening: width- and case-insensitive, aliases included
expect_fail "outputs screen finds self-identifying outputs and exits 1" 1 "hits undecided" outputs screen "$db"
if grep -q 'undecided  prompt p1, entrant haneul: mentions "Haneul-7B"' "$T/out" &&
	grep -q 'prompt p2, entrant gaon: mentions "하늘AI" (names haneul)' "$T/out"; then
	ok "screening names prompt, entrant, term and whom it names"
else
	not_ok "screening names prompt, entrant, term and whom it names" "$(cat "$T/out")"
fi
expect_fail "open refuses while outputs are undecided" 1 "may reveal their entrant" open "$db"
expect_ok "a hit is accepted" outputs accept "$db" --prompt p2 --entrant gaon
printf '{"prompt_id": "p1", "entrant": "haneul", "output": "영희입니다."}\n' >"$T/redacted.jsonl"
expect_ok "a self-identifying output is replaced by a redacted text" outputs redact "$db" "$T/redacted.jsonl"
expect_ok "screening is clear" outputs screen "$db"
if [ "$(sqlite3 "$db" "SELECT group_concat(decision || ':' || term, ' ') FROM (SELECT * FROM screen_decision ORDER BY decision, term)")" = "accepted:하늘AI redacted:Haneul-7B redacted:haneul" ] &&
	grep -q "accepted   prompt p2, entrant gaon" "$T/out"; then
	ok "screening shows the decisions"
else
	not_ok "screening shows the decisions" "$(cat "$T/out")"
fi

run status "$db" --format json
cp "$T/out" "$T/status.json"
if [ "$(json_get "$T/status.json" "d['problems']")" = "[]" ]; then ok "status: nothing missing"; else not_ok "status: nothing missing" "$(cat "$T/status.json")"; fi

expect_fail "open with a wrong passphrase" 1 "wrong passphrase" open "$db" --passphrase-file "$T/wrong"
check "the round is still a draft" sh -c "[ \"\$(sqlite3 '$db' 'SELECT state FROM round')\" = draft ]"
# a FIFO where the key should be: refused at once (timeout turns a hang
# into exit 124), not waited on
mkfifo "$T/fifo.key"
timeout 20 "$SIMSA" open "$db" --organizer-key "$T/fifo.key" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "fifo.key: not a regular file" "$T/err"; then
	ok "a FIFO as the key file is refused without blocking"
else
	not_ok "a FIFO as the key file" "exit $rc" "$(cat "$T/err")"
fi
# a key file others can read: a warning, and the command still works
chmod 644 "$T/round.keys/organizer.key"
expect_ok "open" open "$db"
if grep -q "warning: .*organizer.key: the key file can be read or written by others (mode 0644)" "$T/err"; then
	ok "a key file others can read is warned about"
else
	not_ok "a key file others can read is warned about" "$(cat "$T/err")"
fi
chmod 600 "$T/round.keys/organizer.key"
if grep -q "^manifest hash    [0-9a-f]\{64\}$" "$T/out" && grep -q "^seed commitment  [0-9a-f]\{64\}$" "$T/out" &&
	grep -q "6 outputs blinded, 18 tasks assigned" "$T/out"; then
	ok "open prints the manifest hash, the commitment and the counts"
else
	not_ok "open prints the manifest hash, the commitment and the counts" "$(cat "$T/out")"
fi
run status "$db" --format json
cp "$T/out" "$T/status.json"
if [ "$(json_get "$T/status.json" "d['state'], d['outputs'], sum(r['tasks'] for r in d['raters']), d['per_entrant']")" = "open 6 18 []" ]; then
	ok "status after open: blinded outputs, tasks per rater, no per-entrant counts"
else
	not_ok "status after open" "$(cat "$T/status.json")"
fi
check "no table links an output to its entrant" sh -c "[ \"\$(sqlite3 '$db' 'SELECT count(*) FROM output')\" = 0 ]"
expect_fail "imports are refused once open" 1 "the round is open" prompts import "$db" "$T/prompts.jsonl"
expect_fail "open twice is refused" 1 "the round is open" open "$db"
expect_fail "screening is over once open" 1 "the round is open" outputs screen "$db"

finish
