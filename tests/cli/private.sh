# Command-level tests: a round is private until it closes. New round files
# and keys are made 0600 (0700 folders) whatever the umask, or shared with
# one group (init --group); commands warn when others can read an open
# round; and the file-hash attack (issue 14: one outputs file per entrant,
# an unsalted hash of each kept in the import log) finds nothing in the raw
# bytes of the open round file and its WAL, even with another connection
# keeping the WAL alive from before the import.
. "$(dirname "$0")/../cli_lib.sh"

umask 022
db=$T/round.db
mode() { stat -c %a "$1"; }

# ---- modes ----
expect_ok "init under umask 022" init "$db" --title "비공개 시험"
check "the round file is 0600" test "$(mode "$db")" = 600
check "the key folder is 0700" test "$(mode "$T/round.keys")" = 700
check "the organizer key is 0600" test "$(mode "$T/round.keys/organizer.key")" = 600
grp=$(id -gn)
expect_ok "init --group with one's own group" init "$T/shared.db" --title "공유" --group "$grp"
check "a shared round is 0660" test "$(mode "$T/shared.db")" = 660
check "a shared round belongs to the group" test "$(stat -c %G "$T/shared.db")" = "$grp"
check "its key stays 0600" test "$(mode "$T/shared.keys/organizer.key")" = 600
expect_fail "init --group with no such group is a usage error" 2 "no Unix group" \
	init "$T/nogroup.db" --title x --group "no-such-group-$$"
check "and makes nothing" test ! -e "$T/nogroup.db" -a ! -e "$T/nogroup.keys"

# ---- warnings ----
chmod 644 "$db"
expect_ok "status of a world-readable draft round" status "$db"
if grep -qF "warning: $db: others can read this round file (mode 0644)" "$T/err"; then
	ok "a round others can read is named with its mode"
else
	not_ok "a round others can read is named with its mode" "$(cat "$T/err")"
fi
chmod 606 "$db"
expect_ok "status of a world-writable round" status "$db"
check "a round others can write is named so" grep -qF "others can read or write" "$T/err"
chmod 660 "$db"
expect_ok "status of a group round" status "$db"
check "a group's access is no warning (that is init --group)" test ! -s "$T/err"
chmod 600 "$db"

# ---- the file-hash attack ----
cat >"$T/entrants.jsonl" <<'J'
{"name": "haneul", "team": "하늘연구소", "model": "Haneul-7B"}
{"name": "gaon", "team": "가온", "model": "Gaon-13B"}
{"name": "nuri", "team": "누리", "model": "Nuri-70B"}
J
: >"$T/prompts.jsonl"
for p in 1 2 3 4 5 6; do
	printf '{"id": "p%s", "category": "writing", "prompt": "가을에 대한 짧은 글 %s"}\n' "$p" "$p" >>"$T/prompts.jsonl"
done
for e in haneul gaon nuri; do
	: >"$T/$e-outputs.jsonl"
	for p in 1 2 3 4 5 6; do
		printf '{"prompt_id": "p%s", "entrant": "%s", "output": "낙엽이 지는 %s번째 저녁 (%s)"}\n' \
			"$p" "$e" "$p" "$(printf %s "$e$p" | sha256sum | cut -c1-12)" >>"$T/$e-outputs.jsonl"
	done
done

# A reader that keeps the WAL alive from before the first import to after
# open (an idle connection: it holds no read transaction, so open may
# empty the WAL; one that does is the last check below).
cat >"$T/idle.py" <<'P'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("SELECT count(*) FROM round").fetchall()
sys.stdin.read()
P
mkfifo "$T/hold"
python3 "$T/idle.py" "$db" <"$T/hold" &
holder=$!
exec 3>"$T/hold"

expect_ok "entrants import" entrants import "$db" "$T/entrants.jsonl"
expect_ok "prompts import" prompts import "$db" "$T/prompts.jsonl"
for e in haneul gaon nuri; do
	expect_ok "outputs import: $e's own file" outputs import "$db" "$T/$e-outputs.jsonl"
done
for i in 1 2 3 4 5 6; do
	run rater add "$db" --name "user$i" --role user
	[ "$rc" -eq 0 ] || not_ok "rater add user$i" "$(cat "$T/err")"
done
for i in 1 2 3; do
	run rater add "$db" --name "expert$i" --role expert --categories writing
	[ "$rc" -eq 0 ] || not_ok "rater add expert$i" "$(cat "$T/err")"
done
check "a rater's key is 0600" test "$(mode "$T/round.keys/user1.key")" = 600

# attack DB: what the attacker finds in the raw bytes of DB and DB-wal:
# each entrant file's BLAKE2b-256 and SHA-256 (raw, hex in either case) and
# its name; prints one line per hit
cat >"$T/attack.py" <<'P'
import hashlib, os, sys
db, files = sys.argv[1], sys.argv[2:]
raw = b""
for p in (db, db + "-wal"):
    if os.path.exists(p):
        raw += open(p, "rb").read()
for f in files:
    data = open(f, "rb").read()
    for h in (hashlib.blake2b(data, digest_size=32).digest(), hashlib.sha256(data).digest()):
        for form in (h, h.hex().encode(), h.hex().upper().encode()):
            if form in raw:
                print("hash of %s" % os.path.basename(f))
    if os.path.basename(f).encode() in raw:
        print("name of %s" % os.path.basename(f))
P
files="$T/haneul-outputs.jsonl $T/gaon-outputs.jsonl $T/nuri-outputs.jsonl"
# shellcheck disable=SC2086
python3 "$T/attack.py" "$db" $files >"$T/hits.before"
if [ "$(grep -c "^hash of" "$T/hits.before")" -ge 3 ] && [ -s "$db-wal" ]; then
	ok "before open, the attack finds every file's hash (and the WAL is alive)"
else
	not_ok "before open, the attack finds every file's hash (and the WAL is alive)" \
		"$(cat "$T/hits.before")" "wal: $(stat -c %s "$db-wal" 2>&1)"
fi
check "the WAL has the round's mode" test "$(mode "$db-wal")" = 600

expect_ok "open, with another connection keeping the WAL" open "$db"
# shellcheck disable=SC2086
python3 "$T/attack.py" "$db" $files >"$T/hits.after"
if [ ! -s "$T/hits.after" ]; then
	ok "after open, no file hash or name is anywhere in the round file or its WAL"
else
	not_ok "after open, no file hash or name is anywhere in the round file or its WAL" \
		"$(cat "$T/hits.after")"
fi
check "the WAL was emptied" test ! -s "$db-wal"
if [ "$(sqlite3 "$db" "SELECT (SELECT count(*) FROM output) + (SELECT count(*) FROM import_log)")" = 0 ]; then
	ok "no output row names an entrant, no import is logged"
else
	not_ok "no output row names an entrant, no import is logged"
fi
exec 3>&-
wait "$holder"

# A program inside a read transaction would keep old frames in the WAL:
# open refuses before it changes anything.
db2=$T/second.db
expect_ok "a second round" init "$db2" --title "둘째"
"$SIMSA" entrants import "$db2" "$T/entrants.jsonl" >/dev/null 2>&1
"$SIMSA" prompts import "$db2" "$T/prompts.jsonl" >/dev/null 2>&1
for e in haneul gaon nuri; do
	"$SIMSA" outputs import "$db2" "$T/$e-outputs.jsonl" >/dev/null 2>&1
done
for i in 1 2 3 4 5 6; do "$SIMSA" rater add "$db2" --name "user$i" --role user >/dev/null 2>&1; done
for i in 1 2 3; do
	"$SIMSA" rater add "$db2" --name "expert$i" --role expert --categories writing >/dev/null 2>&1
done
cat >"$T/reading.py" <<'P'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT count(*) FROM output").fetchall()
open(sys.argv[2], "w").write("in\n")
sys.stdin.read()
c.execute("COMMIT")
P
mkfifo "$T/hold2" "$T/ready2"
python3 "$T/reading.py" "$db2" "$T/ready2" <"$T/hold2" &
holder=$!
exec 4>"$T/hold2"
read -r _ <"$T/ready2"
expect_fail "open refuses while a program reads inside a transaction" 1 \
	"another program is reading the round" open "$db2"
check "and the round is still a draft" test "$(sqlite3 "$db2" "SELECT state FROM round")" = draft
exec 4>&-
wait "$holder"
expect_ok "once it is gone, open" open "$db2"

echo "1..$n"
[ "$failures" -eq 0 ]
