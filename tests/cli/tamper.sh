# The tamper suite (issue 13, docs/verify.md): every case of
# tests/tamper/cases applied to a copy of a closed round and of its
# bundle, as an attacker with sqlite3 and write access would (the guard
# triggers dropped, the change made, the triggers put back so the schema is
# simsa's). For each: `simsa verify` exits 1 with at least the named steps
# failing, and `simsa score` refuses the file naming the failing steps.
# Cases marked same-points touch only what score derives itself (the
# tasks, replayed from the revealed seed): `score --no-verify` gives the
# points of the untouched round.
# Copies with practice answers (practice_done) added, changed or deleted
# pass every step and keep the round's points: nothing reads them.
# The second verifier (tools/verify.py) then reads the untouched round and
# bundle and every altered copy, all in one Python process: for each the
# same verdict and the same failing steps as simsa verify, the same values
# to compare, and for every step the same items, verdict and number of
# failures (docs/verify.md, "How failures are counted").
. "$(dirname "$0")/../cli_lib.sh"

cases=$(dirname "$0")/../tamper/cases
db=$T/round.db
scored_round "$db"
expect_ok "export the bundle" export "$db" --format bundle --out "$T/bundle.db"
expect_ok "the round verifies" verify "$db"
expect_ok "the bundle verifies" verify "$T/bundle.db"
# what simsa verify said of each file, for tools/verify.py: "PATH STATUS STEPS",
# and in $T/anchors its values to compare (docs/verify.md, "What to
# compare"), the text lines joined by '|'
printf '%s 0 -\n%s 0 -\n' "$db" "$T/bundle.db" >"$T/verdicts"
anchors() { sed -n '/^  organizer key /,/^  closed at /p' "$1" | tr '\n' '|'; echo; }
# and in $T/counts every step's "STEP:ok|FAIL:ITEMS:FAILED", from the text
# report's step lines ("  FAIL  ballots     90 checked, 2 failed: ...")
counts() {
	awk '($1 == "ok" || $1 == "FAIL") && $4 ~ /^checked/ {
		printf "%s%s:%s:%s:%s", sep, $2, $1, $3, ($4 == "checked," ? $5 : 0); sep = ","
	} END { print "" }' "$1"
}
for f in "$db" "$T/bundle.db"; do
	"$SIMSA" verify "$f" >"$T/v.out" 2>/dev/null
	anchors "$T/v.out" >>"$T/anchors"
	counts "$T/v.out" >>"$T/counts"
done
# the untouched round's points, to compare with what score derives
"$SIMSA" score "$db" --format json >"$T/points.json" 2>/dev/null
points() { # FILE: the ballot counts and every entrant's figures, one line
	python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
print(json.dumps([d['counts'], d['entrants']], sort_keys=True))" "$1" 2>/dev/null
}
want_points=$(points "$T/points.json")
[ -n "$want_points" ] && ok "the round's points" || not_ok "the round's points" "$(head -c 300 "$T/points.json")"

# doctor FILE SQLFILE: SQL with the guard triggers dropped, then put back
# (the same triggers in the round and the bundle: read once)
sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" >"$T/triggers.sql"
sqlite3 "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" >"$T/drop.sql"
[ -s "$T/triggers.sql" ] && ok "the guard triggers" || not_ok "the guard triggers"
doctor() {
	{ echo "BEGIN;"; cat "$T/drop.sql" "$2" "$T/triggers.sql"; echo "COMMIT;"; } |
		sqlite3 -bail "$1" >"$T/doctor.out" 2>&1
}

# split the cases: $T/case/NNN.{name,steps,flags,sql}
mkdir "$T/case"
awk -v dir="$T/case" '
	/^#/ { next }
	/^== / {
		k++; f = sprintf("%s/%03d", dir, k)
		line = substr($0, 4); n = split(line, part, "|")
		for (i = 1; i <= n; i++) gsub(/^ +| +$/, "", part[i])
		print part[1] > (f ".name"); print part[2] > (f ".steps"); print (n > 2 ? part[3] : "") > (f ".flags")
		next
	}
	k { print > (f ".sql") }
' "$cases"
total=$(ls "$T/case" | grep -c '\.name$')
[ "$total" -ge 60 ] && ok "$total cases" || not_ok "at least 60 cases" "$total"

for c in "$T"/case/*.name; do
	base=${c%.name}
	name=$(cat "$c")
	steps=$(cat "$base.steps")
	flags=$(cat "$base.flags")
	for target in round bundle; do
		src=$db
		[ "$target" = bundle ] && src=$T/bundle.db
		f=$T/$target-$name.db
		cp "$src" "$f"
		if ! doctor "$f" "$base.sql"; then
			not_ok "$target $name: the alteration applies" "$(cat "$T/doctor.out")"
			continue
		fi
		"$SIMSA" verify "$f" >"$T/v.out" 2>"$T/v.err"
		vrc=$?
		# the failing steps (lines "  FAIL  STEP ..."), and those of the
		# case's steps not among them
		failed=$(awk '$1 == "FAIL" { printf "%s%s", sep, $2; sep = "," }' "$T/v.out")
		missing=""
		for want in $(echo "$steps" | tr ',' ' '); do
			case ",$failed," in *",$want,"*) ;; *) missing="$missing $want" ;; esac
		done
		echo "$f $vrc ${failed:--}" >>"$T/verdicts"
		anchors "$T/v.out" >>"$T/anchors"
		counts "$T/v.out" >>"$T/counts"
		if [ "$vrc" -eq 1 ] && [ -n "$failed" ] && [ -z "$missing" ]; then
			ok "$target $name: verify fails ($failed)"
		else
			not_ok "$target $name: verify fails with $steps" "exit $vrc, failed: $failed" "$(head -c 400 "$T/v.err")" "$(grep FAIL "$T/v.out")"
		fi
		"$SIMSA" score "$f" >"$T/s.out" 2>"$T/s.err"
		src_rc=$?
		if [ "$src_rc" -eq 1 ] && grep -q "fails verification (steps: " "$T/s.err" && [ ! -s "$T/s.out" ]; then
			ok "$target $name: score refuses"
		else
			not_ok "$target $name: score refuses" "exit $src_rc" "$(head -c 300 "$T/s.err")" "$(head -c 300 "$T/s.out")"
		fi
		if [ "$flags" = same-points ]; then
			"$SIMSA" score "$f" --no-verify --format json >"$T/nv.json" 2>/dev/null
			got=$(points "$T/nv.json")
			if [ -n "$got" ] && [ "$got" = "$want_points" ]; then
				ok "$target $name: score --no-verify derives the tasks: the round's points"
			else
				not_ok "$target $name: score --no-verify derives the tasks" "want $want_points" "got $got"
			fi
		fi
	done
done

# What raters answered in practice (practice_done) is working state, like a
# draft: signed by no one, read by no step and by no score, left out of
# bundles. A rater with write access can mark practice done, or change or
# delete an answer: that moves no point, so every step still passes (and
# tools/verify.py, below, must agree) and score gives the round's points.
if [ "$(sqlite3 "$db" 'SELECT count(*) FROM practice_done')" = 3 ] &&
	[ "$(sqlite3 "$T/bundle.db" 'SELECT count(*) FROM practice_done')" = 0 ] &&
	[ "$(sqlite3 "$T/bundle.db" 'SELECT count(*) FROM practice')" = 4 ]; then
	ok "the round holds 3 practice answers, its bundle the 4 practice tasks and no answer"
else
	not_ok "the round holds practice answers, its bundle none" \
		"$(sqlite3 "$db" 'SELECT count(*) FROM practice_done') $(sqlite3 "$T/bundle.db" 'SELECT count(*) FROM practice_done')"
fi
printf '%s\n' "INSERT INTO practice_done VALUES ((SELECT id FROM rater WHERE name = 'user1'), (SELECT id FROM practice WHERE ext_id = 'p2'), '{\"preference\": 0}', '2026-01-01T00:00:00Z');" >"$T/pd-added.sql"
printf '%s\n' "UPDATE practice_done SET answer = '{\"preference\": 5}', at = '2030-01-01T00:00:00Z';" >"$T/pd-changed.sql"
printf '%s\n' "DELETE FROM practice_done;" >"$T/pd-deleted.sql"
for alt in round:added round:changed round:deleted bundle:added; do
	target=${alt%%:*}
	what=${alt#*:}
	src=$db
	[ "$target" = bundle ] && src=$T/bundle.db
	f=$T/$target-practice-done-$what.db
	cp "$src" "$f"
	# what the copy must then hold: "answers changed rows"
	case $alt in
	round:added) want="4 0" ;;
	round:changed) want="3 3" ;;
	round:deleted) want="0 0" ;;
	*) want="1 0" ;;
	esac
	if ! doctor "$f" "$T/pd-$what.sql" ||
		[ "$(sqlite3 "$f" "SELECT count(*), count(*) FILTER (WHERE at = '2030-01-01T00:00:00Z') FROM practice_done" | tr '|' ' ')" != "$want" ]; then
		not_ok "$target practice-done-$what: the alteration applies" "$(cat "$T/doctor.out")"
		continue
	fi
	"$SIMSA" verify "$f" >"$T/v.out" 2>"$T/v.err"
	vrc=$?
	failed=$(awk '$1 == "FAIL" { printf "%s%s", sep, $2; sep = "," }' "$T/v.out")
	echo "$f $vrc ${failed:--}" >>"$T/verdicts"
	anchors "$T/v.out" >>"$T/anchors"
	counts "$T/v.out" >>"$T/counts"
	if [ "$vrc" -eq 0 ] && [ -z "$failed" ]; then
		ok "$target practice-done-$what: verify passes every step"
	else
		not_ok "$target practice-done-$what: verify passes" "exit $vrc, failed: $failed" "$(head -c 400 "$T/v.err")"
	fi
	"$SIMSA" score "$f" --format json >"$T/pd.json" 2>/dev/null
	got=$(points "$T/pd.json")
	if [ -n "$got" ] && [ "$got" = "$want_points" ]; then
		ok "$target practice-done-$what: score gives the round's points"
	else
		not_ok "$target practice-done-$what: score gives the round's points" "want $want_points" "got $got"
	fi
done

# tools/verify.py on every file at once (one JSON report a line), each
# verdict and set of failing steps against simsa verify's
verify_py=$(dirname "$0")/../../tools/verify.py
# shellcheck disable=SC2046
/usr/bin/python3 "$verify_py" --format json $(cut -d' ' -f1 "$T/verdicts") >"$T/py.jsonl" 2>"$T/py.err"
python3 -c "
import json, sys
anchors = open(sys.argv[2], 'w')
counts = open(sys.argv[3], 'w')
for line in open(sys.argv[1]):
    d = json.loads(line)
    failed = ','.join(s['step'] for s in d.get('steps', []) if not s['passed'])
    print(0 if d['ok'] else 1, failed or '-')
    counts.write(','.join('%s:%s:%d:%d' % (s['step'], 'ok' if s['passed'] else 'FAIL', s['items'], s['failed'])
                          for s in d.get('steps', [])) + '\\n')
    if 'steps' in d:
        count = '(not a ballot count)' if d['ballot_count'] is None else d['ballot_count']
        lines = ['  organizer key %s' % (d['organizer_key'] or ''), '  fingerprint   %s' % (d['organizer_fingerprint'] or ''),
                 '  %-13s %s ballots, Merkle root %s' % ('sealed' if d['complete'] else 'so far', count, d['merkle_root'])]
        if d['complete']:
            lines.append('  closed at     %s' % d['closed_at'])
        anchors.write('|'.join(lines) + '|\\n')
    else:
        anchors.write('\\n')" "$T/py.jsonl" "$T/py.anchors" "$T/py.counts" >"$T/py.verdicts" 2>>"$T/py.err"
if [ "$(wc -l <"$T/py.verdicts")" -eq "$(wc -l <"$T/verdicts")" ]; then
	ok "tools/verify.py reports on all $(wc -l <"$T/verdicts") files"
else
	not_ok "tools/verify.py reports on every file" "$(head -c 600 "$T/py.err")"
fi
paste -d' ' "$T/verdicts" "$T/py.verdicts" >"$T/both"
while read -r f crc csteps prc psteps; do
	label=$(basename "$f" .db)
	if [ "$crc" = "$prc" ] && [ "$csteps" = "$psteps" ]; then
		ok "$label: tools/verify.py agrees (exit $prc, failing: $psteps)"
	else
		not_ok "$label: tools/verify.py agrees with simsa verify" "simsa: exit $crc, failing: $csteps" \
			"verify.py: exit ${prc:-none}, failing: ${psteps:-none}"
	fi
done <"$T/both"
# the values to compare, file by file
paste -d'\n' "$T/verdicts" "$T/anchors" "$T/py.anchors" | while read -r v && read -r c && read -r p; do
	if [ "$c" = "$p" ]; then
		printf 'ok\n'
	else
		printf 'DIFF %s\n  simsa:     %s\n  verify.py: %s\n' "${v%% *}" "$c" "$p"
	fi
done >"$T/anchors.cmp"
if ! grep -q DIFF "$T/anchors.cmp" && [ "$(grep -c '^ok' "$T/anchors.cmp")" -eq "$(wc -l <"$T/verdicts")" ]; then
	ok "tools/verify.py gives simsa's values to compare (key, fingerprint, count, root, close time) for all $(wc -l <"$T/verdicts") files"
else
	not_ok "tools/verify.py gives simsa's values to compare" "$(grep -A2 DIFF "$T/anchors.cmp" | head -12)"
fi
# every step's items, verdict and number of failures, file by file
paste -d'\n' "$T/verdicts" "$T/counts" "$T/py.counts" | while read -r v && read -r c && read -r p; do
	if [ -n "$c" ] && [ "$c" = "$p" ]; then
		printf 'ok\n'
	else
		printf 'DIFF %s\n  simsa:     %s\n  verify.py: %s\n' "${v%% *}" "$c" "$p"
	fi
done >"$T/counts.cmp"
if ! grep -q DIFF "$T/counts.cmp" && [ "$(grep -c '^ok' "$T/counts.cmp")" -eq "$(wc -l <"$T/verdicts")" ]; then
	ok "tools/verify.py counts simsa's items and failures in every step of all $(wc -l <"$T/verdicts") files"
else
	not_ok "tools/verify.py counts simsa's items and failures in every step" "$(grep -A2 DIFF "$T/counts.cmp" | head -15 | sed '1!s/^/#   /')"
fi
finish
