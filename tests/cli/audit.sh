# Command-level tests: close, verify, receipt and export on the demo round.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/demo.db
expect_ok "demo round" demo --db "$db" --no-panel
printf 'demo\n' >"$T/demo.pass"
chmod 600 "$T/demo.pass"

expect_ok "verify an open round" verify "$db"
if grep -q "^  ok    opening" "$T/out" && grep -q "once the round is closed" "$T/out" &&
	grep -q "^result: all 7 steps passed" "$T/out"; then
	ok "verify reports each step and what waits for close"
else
	not_ok "verify reports each step" "$(cat "$T/out")"
fi
# a rater joins the open round: tasks of their own, nobody else's changed
sqlite3 "$db" "SELECT rater_id, position, prompt_id, left_output, right_output FROM task ORDER BY 1, 2" >"$T/tasks.before"
expect_ok "a rater joins after open" rater add "$db" --name latecomer --role user \
	--organizer-passphrase-file "$T/demo.pass"
if grep -q "joined late and has tasks of their own" "$T/out"; then ok "rater add says the rater joined late"; else not_ok "rater add says the rater joined late" "$(cat "$T/out")"; fi
sqlite3 "$db" "SELECT rater_id, position, prompt_id, left_output, right_output FROM task WHERE rater_id <> (SELECT id FROM rater WHERE name = 'latecomer') ORDER BY 1, 2" >"$T/tasks.after"
if cmp -s "$T/tasks.before" "$T/tasks.after"; then ok "the late rater changed nobody else's tasks"; else not_ok "the late rater changed nobody else's tasks"; fi
late=$(sqlite3 "$db" "SELECT count(*), count(DISTINCT prompt_id), (SELECT late FROM rater WHERE name = 'latecomer') FROM task WHERE rater_id = (SELECT id FROM rater WHERE name = 'latecomer')")
if [ "$late" = "10|10|1" ]; then ok "the late user got one task per prompt (the users' average)"; else not_ok "the late user's tasks" "$late"; fi
expect_fail "a receipt code that is not in the round" 1 "" receipt "$db" "0000-0000-0000-0000"
if grep -q "no ballot with receipt 0000-0000-0000-0000 is in this round" "$T/out"; then ok "receipt says the ballot is not there"; else not_ok "receipt says the ballot is not there" "$(cat "$T/out")"; fi
expect_fail "a malformed receipt code is a usage error" 2 "not a receipt code" receipt "$db" "hello"
expect_fail "close needs the organizer's passphrase" 1 "wrong passphrase" close "$db"
expect_ok "close" close "$db" --passphrase-file "$T/demo.pass"
if grep -q "^0 ballots, Merkle root [0-9a-f]\{64\}$" "$T/out"; then ok "close prints the Merkle root"; else not_ok "close prints the Merkle root" "$(cat "$T/out")"; fi
expect_fail "close twice" 1 "already closed" close "$db" --passphrase-file "$T/demo.pass"

expect_ok "verify a closed round" verify "$db" --format json
cp "$T/out" "$T/verify.json"
if [ "$(json_get "$T/verify.json" "d['ok'], d['complete'], [s['step'] for s in d['steps'] if not s['passed']]")" = "True True []" ]; then
	ok "verify --format json: every step passed, the round complete"
else
	not_ok "verify --format json" "$(cat "$T/verify.json")"
fi
if [ "$(json_get "$T/verify.json" "[s['items'] for s in d['steps'] if s['step'] in ('outputs', 'assignment')]")" = "[42, 170]" ]; then
	ok "verify checked 40 outputs and 2 rubrics and replayed 170 tasks (the late rater's included)"
else
	not_ok "verify item counts" "$(cat "$T/verify.json")"
fi

expect_ok "export a bundle" export "$db" --format bundle --out "$T/bundle.simsa"
expect_ok "verify the bundle" verify "$T/bundle.simsa"
expect_fail "export never overwrites" 1 "already exists" export "$db" --format bundle --out "$T/bundle.simsa"
expect_ok "export jsonl" export "$db" --format jsonl --out "$T/round.jsonl"
kinds=$(python3 -c "
import json,sys,collections
c=collections.Counter(json.loads(l)['kind'] for l in open(sys.argv[1]))
print(' '.join('%s=%d' % (k, c[k]) for k in sorted(c)))" "$T/round.jsonl")
if [ "$kinds" = "entrant=4 opening=1 output=40 practice=2 prompt=10 rater=18 round=1 rubric=2 seal=1 task=170" ]; then
	ok "export jsonl: one record per item, with kinds"
else
	not_ok "export jsonl kinds" "$kinds"
fi
instr=$(python3 -c "
import json,sys
r=[json.loads(l) for l in open(sys.argv[1])]
print(sum(1 for x in r if x['kind']=='rubric' and x['instructions_ko'].startswith('# ') and 'instructions' in x['instructions_en']))" "$T/round.jsonl")
if [ "$instr" = 2 ]; then ok "export jsonl: each rubric with the instructions raters read"; else not_ok "export jsonl instructions" "$instr"; fi
named=$(python3 -c "
import json,sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)['kind'] == 'output' and json.loads(l).get('entrant')))" "$T/round.jsonl")
if [ "$named" = "40" ]; then ok "after close, every output names its entrant"; else not_ok "outputs name their entrant" "$named"; fi
expect_ok "export csv" export "$db" --format csv
if [ "$(head -1 "$T/out")" = "ballot,rater,role,task,prompt,left_output,right_output,left_entrant,right_entrant,kind,preference,satisfaction,scores,flags_left,flags_right,active_seconds,cast_at,counted,hash,status,reason,comment_left,comment_right,user_reason" ]; then
	ok "export csv has its header"
else
	not_ok "export csv header" "$(head -1 "$T/out")"
fi
expect_fail "export needs a format" 2 "--format" export "$db"

finish
