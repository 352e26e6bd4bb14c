# Command-level tests: every reader verifies first (issue 13, "Every reader
# verifies"; docs/verify.md). On the closed round of test_score (as
# tests/cli/score.sh) and on copies doctored with sqlite3 as the tamper
# suite does (tests/unit/test_audit.c): score, results, export --format
# votes|ratings|csv and receipt refuse a file that fails verification,
# naming the failing steps (exit 1); with --no-verify they compute anyway,
# marked NOT VERIFIED, with exit status 3. On an open round they run the
# steps possible before close and say the figures are provisional.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/round.db
scored_round "$db"
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES
printf 'dump table\nkeys q\n' >"$T/script"
run_results() { # DB [OPTIONS...]: headless, the screen in $T/dump
	rm -f "$T/dump"
	SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_SIZE=80x24 SIMSA_CONSOLE_DUMP="$T/dump" \
		"$SIMSA" results "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# a receipt code of a counted ballot of the round (tests/tools/receipt_code.py),
# one the tampering below leaves alone
# (its status read from the JSONL export: the round is random, so a ballot
# picked by id alone may be a gold task's or a failed-gold rater's; the
# last counted one, far from the first ballots and task the edits touch)
"$SIMSA" export "$db" --format jsonl --out "$T/valid.jsonl" || not_ok "export jsonl of the valid round"
code=$(python3 -c "
import json,sys
import os; sys.path.insert(0, os.path.join(os.environ.get('TOP', '.'), 'tests/tools'))
from receipt_code import code
place = 0
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r['kind'] == 'ballot' and r['id'] > 3 and r['status'] == 'counted':
        c = code(place, bytes.fromhex(r['hash']))  # the last one: far from the edits below
    place += r['kind'] == 'ballot'
print(c)" "$T/valid.jsonl")

# the valid round: verified, exit 0, marked verified in JSON
expect_ok "score of a valid round" score "$db" --format json
if [ "$(json_get "$T/out" "d['verified'], d['verification']")" = "True passed" ]; then ok "json: verified true"; else not_ok "json: verified" "$(head -c 600 "$T/out")"; fi
expect_ok "score text of a valid round" score "$db"
if ! grep -q "NOT VERIFIED" "$T/out"; then ok "no NOT VERIFIED banner on a valid round"; else not_ok "banner on a valid round" "$(head -3 "$T/out")"; fi
expect_ok "receipt of a counted ballot" receipt "$db" "$code"
expect_ok "export votes of a valid round" export "$db" --format votes

# doctor FILE SQL: runs SQL on FILE with the guard triggers dropped, then
# puts them back, as an attacker with write access would (the readers
# refuse a file whose schema is not simsa's, so a careless edit is caught
# before verify even runs)
doctor() {
	sqlite3 "$1" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" >"$T/triggers.sql"
	sqlite3 "$1" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" | sqlite3 "$1"
	sqlite3 "$1" "$2"
	sqlite3 "$1" <"$T/triggers.sql"
}
# tamper NAME SQL: a doctored copy at $T/NAME.db
tamper() {
	cp "$db" "$T/$1.db"
	doctor "$T/$1.db" "$2"
}
# refused NAME STEPS: every reader refuses $T/NAME.db naming STEPS ("chains, seal")
# and computes it with --no-verify, NOT VERIFIED and exit 3
refused() {
	f=$T/$1.db
	msg="fails verification (steps: $2); run simsa verify"
	expect_fail "$1: score refuses, naming $2" 1 "$msg" score "$f"
	if [ ! -s "$T/out" ]; then ok "$1: score prints no figure"; else not_ok "$1: score printed" "$(head -3 "$T/out")"; fi
	expect_fail "$1: score --no-verify computes, exit 3" 3 "" score "$f" --no-verify
	if head -1 "$T/out" | grep -q "^NOT VERIFIED" && tail -1 "$T/out" | grep -q "^NOT VERIFIED" && grep -q "^team0 " "$T/out"; then
		ok "$1: score --no-verify: NOT VERIFIED first and last, the figures between"
	else
		not_ok "$1: score --no-verify banner" "$(cat "$T/out" | head -5)"
	fi
	expect_fail "$1: score --no-verify --format json, exit 3" 3 "" score "$f" --no-verify --format json
	if [ "$(json_get "$T/out" "d['verified'], d['verification'], len(d['entrants'])")" = "False skipped 3" ]; then ok "$1: json: verified false, verification skipped"; else not_ok "$1: json" "$(head -c 400 "$T/out")"; fi
	expect_fail "$1: score --no-verify --format csv: warning on stderr, exit 3" 3 "NOT VERIFIED" score "$f" --no-verify --format csv
	if head -1 "$T/out" | grep -q "^entrant,"; then ok "$1: csv bytes unchanged (header first)"; else not_ok "$1: csv" "$(head -2 "$T/out")"; fi
	run_results "$f"
	if [ "$rc" -eq 1 ] && grep -qF "$msg" "$T/err" && [ ! -s "$T/dump" ]; then ok "$1: results refuses before drawing"; else not_ok "$1: results" "exit $rc" "$(cat "$T/err")"; fi
	run_results "$f" --no-verify
	if [ "$rc" -eq 3 ] && grep -q "NOT VERIFIED" "$T/dump" && grep -q "NOT VERIFIED" "$T/err"; then ok "$1: results --no-verify: NOT VERIFIED on screen, exit 3"; else not_ok "$1: results --no-verify" "exit $rc" "$(cat "$T/err"; head -5 "$T/dump" 2>/dev/null)"; fi
	expect_fail "$1: export votes refuses" 1 "$msg" export "$f" --format votes
	if [ ! -s "$T/out" ]; then ok "$1: export wrote nothing"; else not_ok "$1: export wrote" "$(head -3 "$T/out")"; fi
	expect_fail "$1: export votes --no-verify, warning on stderr, exit 3" 3 "NOT VERIFIED" export "$f" --format votes --no-verify
	if head -1 "$T/out" | grep -q "^rater,prompt,left,right,outcome,much$"; then ok "$1: the votes' exact bytes (header first)"; else not_ok "$1: votes" "$(head -2 "$T/out")"; fi
	expect_fail "$1: export csv refuses" 1 "$msg" export "$f" --format csv
	expect_fail "$1: export ratings refuses" 1 "$msg" export "$f" --format ratings --criterion preference
	expect_fail "$1: receipt refuses" 1 "$msg" receipt "$f" "$code"
	if [ ! -s "$T/out" ]; then ok "$1: receipt says nothing of the ballot"; else not_ok "$1: receipt printed" "$(cat "$T/out")"; fi
	if [ "$1" = deleted ]; then
		# a ballot before it is gone: its receipt names a place it no longer has
		expect_fail "$1: receipt --no-verify: the ballot moved, exit 1" 1 "" receipt "$f" "$code" --no-verify
		if grep -q "^NOT VERIFIED" "$T/out" && grep -q "is in the round at place [0-9]*, not at place [0-9]* as its receipt says (ballots before it were removed or reordered): counted$" "$T/out"; then ok "$1: receipt --no-verify: NOT VERIFIED, then that it moved"; else not_ok "$1: receipt --no-verify" "$(cat "$T/out")"; fi
		return
	fi
	expect_fail "$1: receipt --no-verify, exit 3" 3 "" receipt "$f" "$code" --no-verify
	if grep -q "^NOT VERIFIED" "$T/out" && grep -q "is in the round at place [0-9]*: counted$" "$T/out"; then ok "$1: receipt --no-verify: NOT VERIFIED, then the answer"; else not_ok "$1: receipt --no-verify" "$(cat "$T/out")"; fi
}

tamper flipped "UPDATE ballot SET bytes = substr(bytes, 1, 200) || x'07' || substr(bytes, 202) WHERE id = 3"
refused flipped "ballots, chains, seal"
tamper deleted "DELETE FROM ballot WHERE id = 2"
refused deleted "chains, seal"
tamper swapped "UPDATE reveal SET entrant_id = -entrant_id WHERE output_id IN (SELECT id FROM blind_output WHERE prompt_id = (SELECT min(id) FROM prompt) ORDER BY id LIMIT 2);
UPDATE reveal SET entrant_id = (SELECT max(-entrant_id) FROM reveal WHERE entrant_id < 0) + (SELECT min(-entrant_id) FROM reveal WHERE entrant_id < 0) + entrant_id WHERE entrant_id < 0"
refused swapped "manifest, assignment"
tamper renamed "UPDATE entrant SET name = 'x' WHERE name = 'team0'; UPDATE entrant SET name = 'team0' WHERE name = 'team1'; UPDATE entrant SET name = 'team1' WHERE name = 'x'"
refused renamed "manifest"
tamper gold "UPDATE task SET kind = 'gold_known' WHERE rowid = (SELECT min(rowid) FROM task WHERE kind = 'normal')"
refused gold "assignment"

# a bundle doctored the same way
expect_ok "export a bundle" export "$db" --format bundle --out "$T/bundle.db"
expect_ok "score the bundle" score "$T/bundle.db"
cp "$T/bundle.db" "$T/db.keep"
db=$T/bundle.db
tamper bflipped "UPDATE ballot SET bytes = substr(bytes, 1, 200) || x'07' || substr(bytes, 202) WHERE id = 3"
db=$T/db.keep
expect_fail "a doctored bundle: score refuses" 1 "bflipped.db fails verification (steps: ballots, chains, seal)" score "$T/bflipped.db"
expect_fail "a doctored bundle: receipt refuses" 1 "fails verification" receipt "$T/bflipped.db" "$code"
db=$T/round.db

# jsonl and bundle stay the raw material an auditor verifies on their own
expect_ok "export jsonl of a doctored round" export "$T/flipped.db" --format jsonl --out "$T/flipped.jsonl"

# a file that cannot be verified at all is refused too (not computed)
expect_fail "a missing round" 1 "" score "$T/nothing.db"

# an open round: the steps possible before close, figures provisional
expect_ok "demo round" demo --db "$T/demo.db" --no-panel
expect_ok "export csv of an open round" export "$T/demo.db" --format csv
if grep -q "provisional: the round is open" "$T/err" && head -1 "$T/out" | grep -q "^ballot,"; then ok "export csv of an open round: provisional, on stderr"; else not_ok "export csv provisional" "$(cat "$T/err")"; fi
expect_fail "receipt on an open round" 1 "" receipt "$T/demo.db" "0000-0000-0000-0000"
if grep -q "^provisional: the round is open" "$T/out" && grep -q "no ballot with receipt" "$T/out"; then ok "receipt on an open round: provisional"; else not_ok "receipt provisional" "$(cat "$T/out")"; fi
expect_fail "score still refuses an open round" 1 "the round is still open" score "$T/demo.db"
cp "$T/demo.db" "$T/open_bad.db"
doctor "$T/open_bad.db" "UPDATE blind_output SET text = text || 'x' WHERE id = (SELECT min(id) FROM blind_output)"
expect_fail "an open round that fails a step before close is refused" 1 "fails verification (steps: outputs)" export "$T/open_bad.db" --format csv
expect_fail "receipt too" 1 "fails verification (steps: outputs)" receipt "$T/open_bad.db" "0000-0000-0000-0000"

# the help says so
for c in score results export receipt; do
	expect_ok "$c --help" "$c" --help
	if grep -q -- "--no-verify" "$T/out" && grep -q "exit 3\|status 3" "$T/out"; then ok "$c --help: --no-verify and status 3"; else not_ok "$c --help" "$(cat "$T/out")"; fi
done
finish
