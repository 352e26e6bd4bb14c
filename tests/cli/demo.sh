# Command-level test: `simsa demo --db PATH` builds the demo round through
# the real init and import paths.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/demo.db
expect_ok "demo --db creates the demo round" demo --db "$db"
cp "$T/out" "$T/out.demo"
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
found=$(sqlite3 "$db" "SELECT count(*) FROM blind_output WHERE instr(text, char(27)) > 0 AND instr(text, char(8238)) > 0 AND instr(text, char(155)) > 0")
if [ "$found" = "1" ]; then ok "the hostile demo output is stored exactly"; else not_ok "the hostile demo output is stored exactly" "found $found"; fi
# the simulated panel: every expert and user but user01 has cast signed ballots
if [ "$(sqlite3 "$db" "SELECT count(*) FROM ballot")" = "150" ] && grep -q "simulated panel: 150 signed ballots" "$T/out.demo" &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM ballot b JOIN rater r ON r.id = b.rater_id WHERE r.name = 'user01'")" = "0" ]; then
	ok "the simulated panel cast 150 ballots, none for user01"
else
	not_ok "the simulated panel" "$(sqlite3 "$db" "SELECT count(*) FROM ballot")"
fi
expect_fail "demo never overwrites an existing file" 1 "already exists" demo --db "$db"
check "no demo files are left in the temporary directory" sh -c "! ls '${TMPDIR:-/tmp}'/simsa-demo-*/*.jsonl 2>/dev/null | grep -q ."

# The whole road on the demo round: close, verify, score, export a bundle,
# verify and score the bundle: the same points to the last digit.
printf 'demo\n' >"$T/demo.pass"
chmod 600 "$T/demo.pass"
expect_ok "close the demo round" close "$db" --force --passphrase-file "$T/demo.pass"
expect_ok "verify the closed demo round" verify "$db"
expect_ok "score the closed demo round" score "$db" --format json
cp "$T/out" "$T/round.json"
expect_ok "score it as a table" score "$db"
tail -n +2 "$T/out" >"$T/round.txt"
expect_ok "export the demo round as a bundle" export "$db" --format bundle --out "$T/bundle.db"
expect_ok "verify the bundle" verify "$T/bundle.db"
expect_ok "score the bundle" score "$T/bundle.db" --format json
if cmp -s "$T/out" "$T/round.json"; then ok "demo round and bundle: the same points to the last digit (json)"; else not_ok "demo round = bundle" "$(diff "$T/out" "$T/round.json" | head)"; fi
bench=$(dirname "$0")/../../demo/benchmark.csv
expect_ok "score the demo round with its benchmark points (total /100)" score "$db" --benchmark "$bench" --format json
cp "$T/out" "$T/round100.json"
expect_ok "and the bundle" score "$T/bundle.db" --benchmark "$bench" --format json
if cmp -s "$T/out" "$T/round100.json" && [ "$(json_get "$T/out" "d['recipe']['total_max'], sorted(e['benchmark'] for e in d['entrants'])")" = "100.0 [22.4, 27.9, 31.2, 33.5]" ]; then
	ok "the 100-point totals: round and bundle the same to the last digit"
else
	not_ok "100-point totals" "$(diff "$T/out" "$T/round100.json" | head -5)"
fi
# an auditor's recomputation of the user component with simsa rank alone
expect_ok "another demo round, left open" demo --db "$T/open.db" --no-panel
expect_fail "votes of an open round are refused" 1 "scores are computed only after" export "$T/open.db" --format votes
expect_ok "export the counted user votes from the bundle" export "$T/bundle.db" --format votes --out "$T/votes.csv"
# point estimates only: rank's intervals come from its own bootstrap, not
# score's joint one, and with 110 votes many of its resamples are redrawn
expect_ok "simsa rank on them" rank "$T/votes.csv" --format json --bootstrap 0
if [ "$(python3 -c "
import json, sys
r = {e['name']: e for e in json.load(open(sys.argv[1]))['entrants']}
s = {e['name']: e['user'] for e in json.load(open(sys.argv[2]))['entrants']}
print(len(r) == len(s) == 4 and all(abs(r[n]['rating'] - s[n]['rating']) < 1e-9 and
      abs(r[n]['points'] - s[n]['points']) < 1e-9 and r[n]['win_rate'] == s[n]['win_rate'] for n in s))
" "$T/out" "$T/round.json")" = "True" ]; then
	ok "simsa rank on the exported votes gives the user component's Elo, points and win rates"
else
	not_ok "rank on exported votes" "$(head -c 600 "$T/out")"
fi
# ... and of the agreement on every expert criterion with simsa agreement
same=yes
for crit in accuracy reasoning korean usefulness safety culture; do
	"$SIMSA" export "$T/bundle.db" --format ratings --criterion "$crit" --out "$T/r-$crit.csv" || same=no
	for level in ordinal interval; do
		"$SIMSA" agreement "$T/r-$crit.csv" --level "$level" --bootstrap 0 --format json >"$T/a.json" 2>>"$T/err.agree" || same=no
		[ "$(python3 -c "
import json, sys
a = json.load(open(sys.argv[1]))['alpha']
s = [x['value'] for x in json.load(open(sys.argv[2]))['agreement'][sys.argv[3]] if x['level'] == sys.argv[4]][0]
print(abs(a - s) < 1e-12)" "$T/a.json" "$T/round.json" "$crit" "$level")" = "True" ] || same=no
	done
done
"$SIMSA" export "$T/bundle.db" --format ratings --criterion preference --out "$T/r-pref.csv" || same=no
"$SIMSA" agreement "$T/r-pref.csv" --level ordinal --bootstrap 0 --format json >"$T/a.json" 2>>"$T/err.agree" || same=no
[ "$(python3 -c "
import json, sys
a = json.load(open(sys.argv[1]))['alpha']
s = [x['value'] for x in json.load(open(sys.argv[2]))['agreement']['preference'] if x['level'] == 'ordinal'][0]
print(abs(a - s) < 1e-12)" "$T/a.json" "$T/round.json")" = "True" ] || same=no
if [ "$same" = yes ]; then ok "simsa agreement on the exported ratings gives score's alpha: six criteria at both levels, and the preference"; else not_ok "agreement on exported ratings" "$(cat "$T/err.agree" 2>/dev/null)"; fi
expect_fail "ratings need a criterion" 2 "--format ratings needs --criterion" export "$T/bundle.db" --format ratings
expect_fail "an unknown criterion" 1 "no criterion 'speed' in the expert rubric (nor is it \"preference\")" export "$T/bundle.db" --format ratings --criterion speed --out "$T/r-speed.csv"
check "a refused export leaves no file" test ! -e "$T/r-speed.csv"
expect_ok "score the bundle as a table" score "$T/bundle.db"
if tail -n +2 "$T/out" | cmp -s - "$T/round.txt"; then ok "demo round and bundle: the same table"; else not_ok "demo table = bundle table" "$(tail -n +2 "$T/out" | diff - "$T/round.txt" | head)"; fi
# the panel judged dasol best and yunseul worst: the points must say so
# (the two in the middle are close enough for a random assignment to swap)
if [ "$(json_get "$T/round.json" "[e['name'] for e in sorted(d['entrants'], key=lambda e: -e['total'])][::3]")" = "['dasol', 'yunseul']" ] &&
	[ "$(json_get "$T/round.json" "d['counts']['expert_ballots'], d['counts']['user_ballots']")" = "40 110" ]; then
	ok "the demo's scores follow the panel: dasol first, yunseul last, 40 + 110 ballots"
else
	not_ok "demo scores" "$(head -c 1500 "$T/round.json")"
fi

finish
