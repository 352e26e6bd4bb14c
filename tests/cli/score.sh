# Command-level tests: simsa score on a closed round with ballots (built by
# the unit test binary: test_score --make-round PATH; points checked by hand
# in tests/unit/test_score.c) and on its exported bundle.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/round.db
scored_round "$db"

expect_ok "score a closed round" score "$db"
if grep -q "^entrant .*expert/35 .*user/25 .*bench/40 .*total/60" "$T/out" &&
	grep -q "^team0 .* 35.0000 .* 20.8333 .* - .* 55.8333 .* 1 .*\[#" "$T/out"; then
	ok "the table: team0 35 + 20.8333 (by hand in test_score.c)"
else
	not_ok "the table" "$(cat "$T/out")"
fi
cp "$T/out" "$T/round.txt"
printf 'entrant,points\nteam0,30\nteam1,40\nteam2,20.5\n' >"$T/bench.csv"
expect_ok "score --format json --benchmark" score "$db" --format json --benchmark "$T/bench.csv"
cp "$T/out" "$T/round.json"
if [ "$(json_get "$T/round.json" "sorted(d.keys()), sorted(d['entrants'][0].keys()), sorted(d['entrants'][0]['user'].keys())")" = "['agreement', 'closed_at', 'counts', 'entrants', 'gold', 'raters', 'recipe', 'round_id', 'title', 'verification', 'verified'] ['benchmark', 'expert', 'name', 'rank', 'total', 'total_high', 'total_low', 'user'] ['expected', 'high', 'low', 'points', 'rating', 'rating_high', 'rating_low', 'strength', 'votes', 'win_rate']" ]; then
	ok "json keys"
else
	not_ok "json keys" "$(head -c 2000 "$T/round.json")"
fi
if [ "$(json_get "$T/round.json" "[(e['name'], round(e['total'], 9), e['rank']) for e in d['entrants']], d['counts']['gold'], d['counts']['identity_excluded'], d['recipe']['bootstrap_seed']")" = "[('team0', 85.833333333, 1), ('team1', 65.833333333, 2), ('team2', 52.895833333, 3)] 12 1 20261129" ]; then
	ok "json totals out of 100, ranks, exclusions, seed"
else
	not_ok "json totals" "$(json_get "$T/round.json" "[(e['name'], e['total'], e['rank']) for e in d['entrants']], d['counts']")"
fi
if [ "$(json_get "$T/round.json" "all(e['expert']['corrected_low'] <= e['expert']['corrected'] <= e['expert']['corrected_high'] for e in d['entrants']), [k for k in d['entrants'][0]['expert'] if k.startswith('corrected')]")" = "True ['corrected', 'corrected_low', 'corrected_high']" ]; then
	ok "json: the severity-corrected expert figure inside its interval"
else
	not_ok "json: corrected" "$(json_get "$T/round.json" "[e['expert'] for e in d['entrants']]")"
fi
# agreement by hand (test_score.c): preference slots, team0 first: 16 slots
# {+2, 0}, 8 slots {0, 0}; alpha = 1 - 47*32/1024 = -15/32, Fleiss
# (1/3 - 5/9)/(1 - 5/9) = -1/2; experts score alike: alpha 1
if [ "$(json_get "$T/round.json" "[(s['statistic'], s['level'], round(s['value'], 12), s['units']) for s in d['agreement']['preference']], sorted(set(round(s['value'], 12) for k, v in d['agreement'].items() if k != 'preference' for s in v))")" = "[('alpha', 'ordinal', -0.46875, 24), ('fleiss_kappa', 'nominal', -0.5, 24)] [1.0]" ]; then
	ok "json: agreement of the preference and of the criteria"
else
	not_ok "json: agreement" "$(json_get "$T/round.json" "d['agreement']")"
fi
# users: only the 8 team1-team2 slots agree (both ties): 16 of 48 votes;
# experts: 24 outputs by 2, one ballot left out: 22 shared outputs x 2
if [ "$(json_get "$T/round.json" "sum(round(x['match_rate'] * x['shared']) for x in d['raters'] if x['role'] == 'user'), sum(x['shared'] for x in d['raters'] if x['role'] == 'user'), sum(x['shared'] for x in d['raters'] if x['role'] == 'expert'), [x['name'] for x in d['raters'] if x['flagged']]")" = "16 48 44 []" ]; then
	ok "json: raters against the panel, none flagged"
else
	not_ok "json: raters" "$(json_get "$T/round.json" "d['raters']")"
fi
if grep -q "^  preference alpha ordinal  *-0.469 " "$T/round.txt" && grep -q "^no rater is flagged (12 raters checked)" "$T/round.txt"; then
	ok "text: the agreement section"
else
	not_ok "text: agreement" "$(cat "$T/round.txt")"
fi
expect_ok "score --format csv" score "$db" --format csv --benchmark "$T/bench.csv"
if head -1 "$T/out" | grep -q "^entrant,expert,expert_low,expert_high,user,.*,rank,expert_corrected,expert_corrected_low,expert_corrected_high$" && [ "$(wc -l <"$T/out")" -eq 4 ]; then ok "csv: header and one row per entrant"; else not_ok "csv" "$(cat "$T/out")"; fi

expect_ok "export a bundle" export "$db" --format bundle --out "$T/bundle.db"
expect_ok "score the bundle" score "$T/bundle.db" --format json --benchmark "$T/bench.csv"
if cmp -s "$T/out" "$T/round.json"; then ok "bundle and round give the same points to the last digit"; else not_ok "bundle = round" "$(diff "$T/out" "$T/round.json" | head)"; fi

printf 'entrant,points\nteam0,30\nteam1,40.5\nteam2,1\n' >"$T/bad.csv"
expect_fail "a benchmark out of range" 1 "bad.csv:3:2: field 'points': 40.5 is outside 0..40" score "$db" --benchmark "$T/bad.csv"
printf 'entrant,points\nteam0,30\nteam1,4\n' >"$T/short.csv"
expect_fail "a benchmark lacking an entrant" 1 "entrant 'team2' has no row" score "$db" --benchmark "$T/short.csv"
expect_fail "a bad --format" 2 "--format" score "$db" --format xml

expect_ok "demo round" demo --db "$T/demo.db"
expect_fail "an open round is refused" 1 "the round is still open: scores are computed only after \`simsa close\`" score "$T/demo.db"
finish
