# Command-level tests: `simsa agreement` and `simsa rank` on the reference
# files in tests/data (sources cited in tests/unit/test_stats_*.c and
# docs/scoring.md), their output formats and their refusals.
. "$(dirname "$0")/../cli_lib.sh"
D=${TOP:-.}/tests/data

# expect_value DESC EXPR WANT CMD...: a JSON field of the output, rounded
expect_value() {
	desc=$1; expr=$2; want=$3; shift 3
	run "$@" --format json
	cp "$T/out" "$T/v.json"
	got=$( [ "$rc" -eq 0 ] && json_get "$T/v.json" "$expr")
	if [ "$got" = "$want" ]; then ok "$desc"; else not_ok "$desc" "got '$got', wanted '$want'" "$(cat "$T/err")"; fi
}

for lw in nominal:0.7434 ordinal:0.8154 interval:0.8491 ratio:0.7974; do
	expect_value "Krippendorff (2011) ${lw%%:*} alpha" "'%.4f' % d['alpha']" "${lw#*:}" \
		agreement "$D/krippendorff2011.csv" --level "${lw%%:*}" --bootstrap 0
done
expect_value "Fleiss' kappa, Wikipedia example" "'%.4f' % d['kappa']" 0.2099 \
	agreement "$D/fleiss_wikipedia.csv" --method fleiss --level nominal --bootstrap 0
expect_value "Cohen's kappa, SexualFun (vcd)" "'%.4f' % d['kappa']" 0.1293 \
	agreement "$D/cohen_sexualfun.csv" --method cohen --bootstrap 0
expect_value "Cohen's kappa, linear weights" "'%.4f' % d['kappa']" 0.2374 \
	agreement "$D/cohen_sexualfun.csv" --method cohen --level ordinal --weights linear --bootstrap 0
expect_value "Cohen's kappa, quadratic weights" "'%.4f' % d['kappa']" 0.3320 \
	agreement "$D/cohen_sexualfun.csv" --method cohen --level ordinal --weights quadratic --bootstrap 0
expect_value "agreement interval is seeded" "d['ci_low'] <= d['alpha'] <= d['ci_high'], d['resamples']" \
	"True 1000" agreement "$D/krippendorff2011.csv" --level interval
run agreement "$D/krippendorff2011.csv" --level interval --format csv --seed 5
cp "$T/out" "$T/a1"
run agreement "$D/krippendorff2011.csv" --level interval --format csv --seed 5
if cmp -s "$T/out" "$T/a1" && head -1 "$T/a1" | grep -q '^method,level,weights,value,ci_low,ci_high'; then
	ok "agreement --format csv, same seed same figures"
else
	not_ok "agreement --format csv, same seed same figures" "$(cat "$T/a1" "$T/out")"
fi
expect_ok "agreement text output" agreement "$D/krippendorff2011.csv" --level ordinal
if grep -q "Krippendorff's alpha (ordinal): 0.8154" "$T/out"; then ok "text names the statistic"; else not_ok "text names the statistic" "$(cat "$T/out")"; fi

expect_value "rank: Agresti 1987 baseball, Milwaukee first" \
	"d['entrants'][0]['name'], '%.4f' % d['entrants'][0]['rating'], '%.4f' % d['entrants'][0]['win_rate']" \
	"Milwaukee 1092.2708 0.6410" rank "$D/agresti_baseball.csv" --bootstrap 0
expect_value "rank: JSON has the contract's keys" \
	"sorted(set(d['entrants'][0]) >= {'name','rating','ci_low','ci_high','rank','win_rate'} for _ in [0])" \
	"[True]" rank "$D/agresti_baseball.csv" --bootstrap 100
expect_value "rank: statistical ties (Milwaukee..Boston share rank 1)" \
	"[e['rank'] for e in d['entrants']]" "[1, 1, 1, 1, 1, 2, 6]" rank "$D/agresti_baseball.csv"
expect_ok "rank text" rank "$D/agresti_baseball.csv" --bootstrap 50
if grep -q "Milwaukee" "$T/out" && grep -q "rank = 1 + entrants" "$T/out"; then ok "rank text table"; else not_ok "rank text table" "$(cat "$T/out")"; fi
expect_ok "rank csv" rank "$D/agresti_baseball.csv" --bootstrap 0 --format csv
if head -1 "$T/out" | grep -q '^rank,name,rating,ci_low,ci_high,win_rate' && [ "$(wc -l <"$T/out")" -eq 8 ]; then
	ok "rank csv has a header and 7 rows"; else not_ok "rank csv" "$(cat "$T/out")"; fi

printf 'left,right,outcome\na,b,left\nb,a,bothbad\nb,c,left\nc,a,left\n' >"$T/bb.csv"
expect_value "rank: both bad as tie by default" "d['both_bad_dropped']" 0 rank "$T/bb.csv" --bootstrap 0
expect_value "rank: --both-bad exclude" "d['both_bad_dropped']" 1 rank "$T/bb.csv" --bootstrap 0 --both-bad exclude

# refusals: file:line:column and field, exit 1; bad command lines exit 2
printf 'left,right,outcome\na,b,left\nb,a,maybe\n' >"$T/bad1.csv"
expect_fail "unknown outcome" 1 "bad1.csv:3:3: field 'outcome': 'maybe' is not left, right, tie or bothbad" rank "$T/bad1.csv"
printf 'left,right,result\na,b,left\n' >"$T/bad2.csv"
expect_fail "wrong header" 1 "bad2.csv:1:3: header: unknown column 'result'" rank "$T/bad2.csv"
printf 'left,right,outcome,much\na,b,tie,1\n' >"$T/bad3.csv"
expect_fail "much better on a tie" 1 "bad3.csv:2:4: field 'much': only a left or right" rank "$T/bad3.csv"
printf 'left,right,outcome\na,b,left\na,c,left\nb,c,tie\n' >"$T/sep.csv"
expect_fail "an entrant that never lost" 1 "'a' never lost" rank "$T/sep.csv" --bootstrap 0
printf 'unit,rater,value\n1,a,3\n1,b,three\n' >"$T/bad4.csv"
expect_fail "a label at the interval level" 1 "bad4.csv:3:3: field 'value': 'three' is not a number" \
	agreement "$T/bad4.csv" --level interval
printf 'unit,rater,value\n1,a,1e308\n1,b,-1e308\n2,a,1e308\n2,b,1e308\n3,a,-1e308\n3,b,5\n' >"$T/huge.csv"
expect_fail "values whose squares overflow" 1 "huge.csv:2:3: field 'value': 1e308 is too large" \
	agreement "$T/huge.csv" --level interval
printf 'unit,rater,value\n1,a,0x10\n1,b,2\n' >"$T/hex.csv"
expect_fail "a hex number" 1 "hex.csv:2:3: field 'value': '0x10' is not a number" \
	agreement "$T/hex.csv" --level interval
expect_fail "missing file" 1 "nope.csv" agreement "$T/nope.csv" --level nominal
expect_fail "alpha needs --level" 2 "--level is required" agreement "$D/krippendorff2011.csv"
expect_fail "weights only with cohen" 2 "--weights is for --method cohen" \
	agreement "$D/krippendorff2011.csv" --level ordinal --weights linear
expect_fail "bad --format" 2 "--format" rank "$D/agresti_baseball.csv" --format xml
expect_fail "bad --much-better-weight" 2 "--much-better-weight" rank "$D/agresti_baseball.csv" --much-better-weight 0
expect_ok "agreement --help" agreement --help
expect_ok "rank --help" rank --help

finish
