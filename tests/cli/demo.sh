# Command-level test: `simsa demo --db PATH` builds the demo round through
# the real init and import paths.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/demo.db
expect_ok "demo --db creates the demo round" demo --db "$db"
if grep -q "demo round created: $db" "$T/out"; then ok "demo says where the round is"; else not_ok "demo says where the round is" "$(cat "$T/out")"; fi
run status "$db" --format json
cp "$T/out" "$T/status.json"
if [ "$(json_get "$T/status.json" "d['entrants'], d['prompts'], d['outputs'], d['outputs_expected'], d['problems']")" = "4 10 40 40 []" ]; then
	ok "the demo round is complete: 4 entrants, 10 prompts, 40 outputs"
else
	not_ok "the demo round is complete" "$(cat "$T/status.json")"
fi
if [ "$(json_get "$T/status.json" "d['rubrics']['expert']['points'], d['rubrics']['user']['points']")" = "35 25" ]; then
	ok "the demo round has the default rubrics (35 and 25 points)"
else
	not_ok "the demo round has the default rubrics" "$(cat "$T/status.json")"
fi
cats=$(sqlite3 "$db" "SELECT group_concat(DISTINCT category) FROM (SELECT category FROM prompt ORDER BY category)")
if [ "$cats" = "coding,korean-culture,reasoning,safety,writing" ]; then ok "demo prompts span the five categories"; else not_ok "demo prompts span the five categories" "$cats"; fi
# the hostile output is stored byte for byte: ESC, bidi override and C1 intact
n=$(sqlite3 "$db" "SELECT count(*) FROM blind_output WHERE instr(text, char(27)) > 0 AND instr(text, char(8238)) > 0 AND instr(text, char(155)) > 0")
if [ "$n" = "1" ]; then ok "the hostile demo output is stored exactly"; else not_ok "the hostile demo output is stored exactly" "found $n"; fi
expect_fail "demo never overwrites an existing file" 1 "already exists" demo --db "$db"
check "no demo files are left in the temporary directory" sh -c "! ls '${TMPDIR:-/tmp}'/simsa-demo-*/*.jsonl 2>/dev/null | grep -q ."

finish
