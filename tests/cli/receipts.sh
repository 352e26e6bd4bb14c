# Command-level tests: receipt codes and the rater's receipts file
# (docs/ballot-format.md, "Receipts"): codes read in any case, without
# dashes, O/I/L; a mistyped code (a substituted, dropped or swapped symbol)
# said so with the code one typo away; a code whose place holds another
# ballot; the old 16-symbol form; `simsa rate` writing the receipts file;
# `receipt --file` over good, mistyped, unknown and foreign lines, before
# and after close, never a word of gold before close; a planted receipts
# path (a symbolic link, a FIFO, a file others can write) refused.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/demo.db
expect_ok "demo round with the simulated panel's ballots" demo --db "$db"
printf 'demo\n' >"$T/demo.pass"
chmod 600 "$T/demo.pass"
tools=${TOP:-.}/tests/tools
# code PLACE: the receipt code of the ballot at that place (0-based, by id)
code() {
	python3 "$tools/receipt_code.py" "$1" \
		"$(sqlite3 "$db" "SELECT hex(hash) FROM ballot ORDER BY id LIMIT 1 OFFSET $1")"
}
good=$(code 5)
expect_ok "a code of the round: recorded (open)" receipt "$db" "$good"
if grep -q "is in the round at place 5: recorded$" "$T/out"; then ok "receipt names the place"; else not_ok "receipt names the place" "$(cat "$T/out")"; fi
loose=$(printf '%s' "$good" | tr -d - | tr 'A-Z' 'a-z' | sed 's/0/o/g; s/1/l/g')
expect_ok "any case, no dashes, o and l for 0 and 1" receipt "$db" "$loose"

# one typo: said so, with the code one typo away; exit 1
body=${good%-?}
last=${good#"$body"-}
other=0; [ "$last" = 0 ] && other=1
# two different neighbours of the hash swapped; a symbol of it dropped
swap=$(python3 -c "
import sys
c = sys.argv[1]
i = next(i for i in range(len(c) - 3, 0, -1) if c[i] != '-' and c[i - 1] != '-' and c[i] != c[i - 1])
print(c[:i - 1] + c[i] + c[i - 1] + c[i + 1:])" "$good")
drop=$(printf '%s' "$good" | sed 's/^\(.*-..\).\(.\)-\(.\)$/\1\2-\3/')
for typo in "$body-$other" "$swap" "$drop"; do
	expect_fail "mistyped $typo" 1 "" receipt "$db" "$typo"
	# (a dropped symbol shifts the others: 1 time in 37 the check holds,
	# and the code names no ballot; the suggestion is the same)
	if grep -q "is mistyped (its check symbol does not match); did you mean $(rx "$good")?" "$T/out" ||
		{ [ "$typo" = "$drop" ] && grep -q "is in this round.*; did you mean $(rx "$good")?" "$T/out"; }; then
		ok "mistyped $typo: did you mean $good"
	else
		not_ok "mistyped $typo: the suggestion" "$(cat "$T/out")"
	fi
done

# the place in the code holds another ballot; the hash is found elsewhere
moved=$(python3 "$tools/receipt_code.py" 6 "$(sqlite3 "$db" "SELECT hex(hash) FROM ballot ORDER BY id LIMIT 1 OFFSET 5")")
expect_fail "a code whose place holds another ballot" 1 "" receipt "$db" "$moved"
if grep -q "is in the round at place 5, not at place 6 as its receipt says" "$T/out"; then ok "receipt says the ballot moved"; else not_ok "moved" "$(cat "$T/out")"; fi
absent=$(python3 "$tools/receipt_code.py" 3 00000000000000000000000000000000000000000000000000000000000000ff)
expect_fail "a well-formed code of no ballot" 1 "" receipt "$db" "$absent"
if grep -q "no ballot with receipt $(rx "$absent") is in this round (place 3 holds another ballot" "$T/out"; then ok "receipt says place 3 holds another"; else not_ok "absent" "$(cat "$T/out")"; fi
old=$(printf '%s' "$good" | sed 's/^[^-]*-//; s/-.$//')
expect_ok "the old 16-symbol form is read by its hash" receipt "$db" "$old"
if grep -q "an old-form code, without place or check symbol; this ballot's code is $(rx "$good")" "$T/out"; then ok "the old form names the new code"; else not_ok "old form" "$(cat "$T/out")"; fi
expect_fail "neither a code nor --file" 2 "give a receipt CODE or --file" receipt "$db"
expect_fail "both a code and --file" 2 "give a receipt CODE or --file" receipt "$db" "$good" --file "$T/x"

# the console writes the rater's receipts file (default path, 0600 in 0700):
# tasks 1 and 2, then task 1 again (superseding its first ballot)
printf 'keys <Enter>\nkeys 2 s y\nkeys <Enter> 5 s y\nkeys r g <Enter> 3 s y\nkeys q y\n' >"$T/script"
SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_DUMP="$T/dump" "$SIMSA" rate "$db" --rater user01 \
	--passphrase-file "$T/demo.pass" --lang en >"$T/out" 2>"$T/err"
file=$(ls "$XDG_DATA_HOME"/simsa/receipts/*-user01.txt 2>/dev/null)
if [ -n "$file" ] && [ "$(grep -vc '^#' "$file")" = 3 ] && [ "$(stat -c %a "$file")" = 600 ] &&
	[ "$(stat -c %a "$XDG_DATA_HOME/simsa/receipts")" = 700 ]; then
	ok "simsa rate kept three receipts in $XDG_DATA_HOME/simsa/receipts/ROUNDID-user01.txt"
else
	not_ok "the receipts file" "$(ls -la "$XDG_DATA_HOME/simsa/receipts" 2>&1)" "$(cat "$T/err")"
fi
expect_ok "receipt --file: every receipt of the file in the round" receipt "$db" --file "$file"
if grep -q "^summary: 3 receipts of this round, 3 in the round at their place (2 recorded, 1 superseded)$" "$T/out" &&
	! grep -qi "gold\|counted" "$T/out"; then
	ok "the summary counts them: recorded, superseded (before close no other word)"
else
	not_ok "summary" "$(cat "$T/out")"
fi

# a receipts path planted by someone else: a symbolic link to another file
# (the rater's receipts would be appended to it), a FIFO, a file others can
# write (they could remove or add lines): simsa rate refuses to start,
# casts nothing and leaves the other file as it was
printf 'keys q y\n' >"$T/quit"
printf 'not yours\n' >"$T/victim"
ln -s "$T/victim" "$T/link.txt"
mkfifo "$T/fifo.txt"
: >"$T/open.txt"
chmod 666 "$T/open.txt"
before=$(sqlite3 "$db" "SELECT count(*) FROM ballot")
for planted in link fifo open; do
	SIMSA_CONSOLE_SCRIPT="$T/quit" "$SIMSA" rate "$db" --rater user01 --passphrase-file "$T/demo.pass" \
		--lang en --receipts "$T/$planted.txt" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" = 1 ] && grep -q "cannot keep your receipts" "$T/err"; then
		ok "simsa rate refuses a planted receipts path ($planted): $(tail -c 80 "$T/err")"
	else
		not_ok "simsa rate took a planted receipts path ($planted)" "exit $rc" "$(cat "$T/err")"
	fi
done
if [ "$(cat "$T/victim")" = "not yours" ] && [ ! -s "$T/open.txt" ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM ballot")" = "$before" ]; then
	ok "the linked file and the open file are untouched, no ballot cast"
else
	not_ok "planted receipts paths" "$(cat "$T/victim")" "$(cat "$T/open.txt")"
fi

# a file with good, mistyped, unknown, foreign and comment lines
round=$(sqlite3 "$db" "SELECT round_id FROM round")
{
	cat "$file"
	echo "# a comment"
	echo ""
	echo "$round 9 2026-11-29T09:00:00Z $body-$other"
	echo "$absent"
	echo "0123456789abcdef0123456789abcdef 1 2026-11-29T09:00:00Z $good"
} >"$T/mixed.txt"
expect_fail "receipt --file with a mistyped and an unknown code" 1 "" receipt "$db" --file "$T/mixed.txt"
if grep -q "^line 8: $(rx "$body-$other") is mistyped (its check symbol does not match); did you mean $(rx "$good")?$" "$T/out" &&
	grep -q "^line 9: no ballot with receipt $(rx "$absent") is in this round" "$T/out" &&
	grep -q "^line 10: $(rx "$good"): of another round (0123456789abcdef0123456789abcdef), not checked$" "$T/out" &&
	grep -q "^summary: 5 receipts of this round, 3 in the round at their place (2 recorded, 1 superseded), 1 not in this round, 1 mistyped, 1 of another round not checked$" "$T/out"; then
	ok "each line's answer and the summary"
else
	not_ok "each line's answer and the summary" "$(cat "$T/out")"
fi
# a file of many mistyped codes: each search for neighbours reads the whole
# round, so only the first 20 are searched
for i in $(seq 25); do echo "$body-$other"; done >"$T/many.txt"
expect_fail "receipt --file with 25 mistyped codes" 1 "" receipt "$db" --file "$T/many.txt"
if [ "$(grep -c "did you mean" "$T/out")" = 20 ] &&
	[ "$(grep -c "(no more suggestions: 20 codes looked for already)" "$T/out")" = 5 ]; then
	ok "suggestions for the first 20 mistyped codes, none after"
else
	not_ok "suggestions capped" "$(tail -5 "$T/out")"
fi
printf '%s %s\n' "$round" "$good" >"$T/bad.txt"
expect_fail "a line of another shape names its line" 1 "bad.txt:1: not a receipt line" receipt "$db" --file "$T/bad.txt"
echo "# nothing" >"$T/empty.txt"
expect_fail "a file without a receipt of this round" 1 "" receipt "$db" --file "$T/empty.txt"

# after close: each receipt's status; a superseded ballot is in the round
expect_ok "close" close "$db" --force --passphrase-file "$T/demo.pass"
sqlite3 "$db" "SELECT hex(hash) FROM ballot ORDER BY id" | awk '{ print NR - 1, $1 }' >"$T/all"
while read -r place hash; do python3 "$tools/receipt_code.py" "$place" "$hash"; done <"$T/all" >"$T/every.txt"
expect_ok "receipt --file with every ballot of the closed round: all in it" receipt "$db" --file "$T/every.txt"
total=$(wc -l <"$T/all")
if grep -q "^summary: $total receipts of this round, $total in the round at their place (.*counted, 1 superseded" "$T/out"; then ok "the summary counts the statuses"; else not_ok "closed summary" "$(tail -2 "$T/out")"; fi
finish
