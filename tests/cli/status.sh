# Command-level tests: one status per ballot (docs/scoring.md "Ballot
# statuses"). On a closed round with superseded, gold (known and repeat),
# failed-gold and identity-flagged ballots (test_score --make-status-round,
# tests/unit/test_score.c), `receipt` for one ballot of each kind, the CSV
# and JSONL exports and the counts of `score --format json` agree on every
# ballot's status; before close `receipt` says only "recorded" or
# "superseded", never a word of gold.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/round.db
open=$T/open.db
top=$(dirname "$SIMSA")
maker=""
for m in "$top/build/tests/test_score" "$top/tests/test_score"; do
	[ -x "$m" ] && { maker=$m; break; }
done
if [ -n "$maker" ] && "$maker" --make-status-round "$db" "$open" >/dev/null 2>&1; then
	ok "a round with every status, closed and as it was before close"
else
	not_ok "the status round" "no test_score helper next to $SIMSA"
fi

expect_ok "export jsonl" export "$db" --format jsonl --out "$T/x.jsonl"
expect_ok "export csv" export "$db" --format csv --out "$T/x.csv"
expect_ok "score --format json" score "$db" --format json
cp "$T/out" "$T/score.json"

# agree.py KIND: reads the three files; prints "ok" when the JSONL, the CSV
# and score's counts agree on every ballot, else what differs; with KIND,
# the receipt code of one ballot of that kind (counted, superseded,
# gold_known, gold_repeat, failed_gold, identity)
cat >"$T/agree.py" <<'EOF'
import csv, json, sys
jl, cs, sc, kind = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
recs = [json.loads(l) for l in open(jl, encoding='utf-8')]
names = {r['name']: r['role'] for r in recs if r['kind'] == 'rater'}
tasks = {(t['rater'], t['position']): t['type'] for t in recs if t['kind'] == 'task'}
jb = {b['id']: b for b in recs if b['kind'] == 'ballot'}
rows = list(csv.DictReader(open(cs, encoding='utf-8', newline='')))
bad = []
if list(rows[0].keys())[-6:-3] != ['hash', 'status', 'reason']:
    bad.append('csv header has %s where hash, status, reason are due' % list(rows[0].keys())[-6:-3])
cb = {int(r['ballot']): r for r in rows}
if set(cb) != set(jb):
    bad.append('csv and jsonl ballots differ')
n = {}
for i, b in jb.items():
    c = cb.get(i, {})
    st, why = b.get('status'), b.get('reason') or ''
    if (c.get('status'), c.get('reason')) != (st, why):
        bad.append('ballot %d: jsonl %s/%s, csv %s/%s' % (i, st, why, c.get('status'), c.get('reason')))
    if b.get('counted') != (st == 'counted') or c.get('counted') != ('yes' if st == 'counted' else 'no'):
        bad.append('ballot %d: counted %s/%s but status %s' % (i, b.get('counted'), c.get('counted'), st))
    k = why or st
    n[k] = n.get(k, 0) + 1
counts = json.load(open(sc))['counts']
want = {'counted': counts['expert_ballots'] + counts['user_ballots'],
        'superseded': counts['superseded'], 'gold': counts['gold'],
        'failed gold': counts['failed_gold_excluded'],
        'identity revealed': counts['identity_excluded']}
for k, v in want.items():
    if n.get(k, 0) != v:
        bad.append('%s: %d ballots, score counts %d' % (k, n.get(k, 0), v))
if set(n) - set(want) or min(want.values()) == 0:
    bad.append('statuses %s' % n)
if kind == '-':
    print('ok' if not bad else '; '.join(bad[:5]))
    sys.exit(0)
import os; sys.path.insert(0, os.path.join(os.environ.get('TOP', '.'), 'tests/tools'))
from receipt_code import code
for place, i in enumerate(sorted(jb)):
    b = jb[i]
    t = tasks.get((b['rater'], b['task']))
    k = {'failed gold': 'failed_gold', 'identity revealed': 'identity'}.get(b.get('reason') or '', b.get('status'))
    if k == 'gold':
        k = t
    if k == kind:
        print(code(place, bytes.fromhex(b['hash'])))
        break
EOF
agree() { python3 "$T/agree.py" "$T/x.jsonl" "$T/x.csv" "$T/score.json" "$1" 2>&1; }
res=$(agree -)
if [ "$res" = "ok" ]; then ok "JSONL, CSV and score's counts agree on every ballot's status"; else not_ok "statuses agree" "$res"; fi

# receipt KIND STATUS WORDS: the receipt of a ballot of KIND exits STATUS and
# its answer ends with WORDS
receipt_says() {
	code=$(agree "$1")
	if [ -z "$code" ]; then not_ok "receipt of a $1 ballot" "no such ballot"; return; fi
	run receipt "$db" "$code"
	if [ "$rc" -eq "$2" ] && grep -q "is in the round at place [0-9]*: $3\$" "$T/out"; then
		ok "receipt of a $1 ballot: $3 (exit $2)"
	else
		not_ok "receipt of a $1 ballot" "exit $rc" "$(cat "$T/out" "$T/err")"
	fi
}
receipt_says counted 0 "counted"
receipt_says superseded 1 "superseded by ballot [0-9]*, not counted"
receipt_says gold_known 1 "gold (a check of the rater, never in the points), not counted"
receipt_says gold_repeat 1 "gold (a check of the rater, never in the points), not counted"
receipt_says failed_gold 1 "excluded (failed gold), not counted"
receipt_says identity 1 "excluded (identity revealed), not counted"

# before close: the same file's exports and receipts know no gold
expect_ok "export jsonl before close" export "$open" --format jsonl --out "$T/o.jsonl"
expect_ok "export csv before close" export "$open" --format csv --out "$T/o.csv"
if [ "$(python3 -c "
import csv, json, sys
j = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
s = sorted(set((b['status'], b['reason'], b['counted']) for b in j if b['kind'] == 'ballot'))
c = sorted(set((r['status'], r['reason'], r['counted']) for r in csv.DictReader(open(sys.argv[2], encoding='utf-8'))))
print(s, c)" "$T/o.jsonl" "$T/o.csv")" = "[('recorded', None, False), ('superseded', None, False)] [('recorded', '', 'no'), ('superseded', '', 'no')]" ]; then
	ok "before close the exports say recorded or superseded, and nothing is counted yet"
else
	not_ok "exports before close" "$(grep -m3 '"ballot"' "$T/o.jsonl")"
fi
for kind in gold_known gold_repeat failed_gold identity counted; do
	code=$(agree "$kind")
	run receipt "$open" "$code"
	if [ "$rc" -eq 0 ] && grep -q "is in the round at place [0-9]*: recorded" "$T/out" &&
		! grep -qi "gold\|counted\|excluded\|identity" "$T/out" "$T/err"; then
		ok "before close, receipt of a ballot that will be $kind: recorded, no word of gold"
	else
		not_ok "receipt before close ($kind)" "exit $rc" "$(cat "$T/out" "$T/err")"
	fi
done
code=$(agree superseded)
run receipt "$open" "$code"
if [ "$rc" -eq 1 ] && grep -q "is in the round at place [0-9]*: superseded by ballot [0-9]*\$" "$T/out"; then
	ok "before close, receipt of a superseded ballot: superseded"
else
	not_ok "receipt before close (superseded)" "exit $rc" "$(cat "$T/out" "$T/err")"
fi
finish
