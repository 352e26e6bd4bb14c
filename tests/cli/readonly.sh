# Command-level tests: reading never writes (issue 13, finding 3). The
# commands that only read (verify, score, status, receipt, results, export
# in every format) leave a bundle's bytes as they were and make no -wal,
# -shm or -journal beside it; a bundle in a read-only directory verifies; a
# -wal placed beside a bundle is never applied; a bundle whose schema holds
# an object simsa's does not (a trigger, an index, a view in place of a
# table, a changed CHECK) is refused naming it, promptly; an older schema is
# read without its file changing. docs/round-file.md, "Reading".
. "$(dirname "$0")/../cli_lib.sh"

db=$T/round.db
scored_round "$db"
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES
b=$T/bundle.db
expect_ok "export a bundle" export "$db" --format bundle --out "$b"

# header bytes 18 and 19: 1 = rollback journal, 2 = WAL
hdr() { od -An -tu1 -j18 -N2 "$1" | tr -s ' ' | sed 's/^ //;s/ $//'; }
if [ "$(hdr "$b")" = "1 1" ]; then ok "the bundle is in rollback-journal mode (journal_mode=DELETE)"; else not_ok "bundle journal mode" "header: $(hdr "$b")"; fi

sum() { sha256sum "$1" | cut -d' ' -f1; }
sidecars() { for s in -wal -shm -journal; do [ -e "$1$s" ] && echo "$1$s"; done; return 0; }
# unchanged DESC FILE SUM: FILE still has SUM and nothing beside it
unchanged() {
	if [ "$(sum "$2")" != "$3" ]; then
		not_ok "$1: the bytes did not change" "sha256 $(sum "$2"), was $3"
	elif [ -n "$(sidecars "$2")" ]; then
		not_ok "$1: no -wal, -shm or -journal made" "$(sidecars "$2")"
	else
		ok "$1: the bytes did not change, nothing made beside it"
	fi
}

s0=$(sum "$b")
expect_ok "verify the bundle" verify "$b"
unchanged "verify" "$b" "$s0"
if grep -q "read as a bundle: immutable" "$T/out"; then ok "verify says it read a bundle, immutable"; else not_ok "verify says how it read the file" "$(head -3 "$T/out")"; fi
expect_ok "verify --format json" verify "$b" --format json
unchanged "verify --format json" "$b" "$s0"
expect_ok "score" score "$b"
unchanged "score" "$b" "$s0"
expect_ok "score --format json" score "$b" --format json
unchanged "score --format json" "$b" "$s0"
expect_ok "status" status "$b"
unchanged "status" "$b" "$s0"
expect_fail "receipt of a code not in the round" 1 "" receipt "$b" "0000-0000-0000-0000"
unchanged "receipt" "$b" "$s0"
printf 'dump table\nkeys q\n' >"$T/script"
SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_SIZE=80x24 SIMSA_CONSOLE_DUMP="$T/dump" \
	"$SIMSA" results "$b" >"$T/out" 2>"$T/err"
if [ $? -eq 0 ] && grep -q "^screen=results$" "$T/dump"; then ok "results (headless)"; else not_ok "results (headless)" "$(cat "$T/err")"; fi
unchanged "results" "$b" "$s0"
for f in jsonl csv votes; do
	expect_ok "export --format $f" export "$b" --format "$f" --out "$T/x.$f"
	unchanged "export --format $f" "$b" "$s0"
done
expect_ok "export --format ratings" export "$b" --format ratings --criterion preference --out "$T/x.ratings"
unchanged "export --format ratings" "$b" "$s0"
expect_ok "export --format bundle (of a bundle)" export "$b" --format bundle --out "$T/b2.db"
unchanged "export --format bundle" "$b" "$s0"
if [ "$(hdr "$T/b2.db")" = "1 1" ] && [ -z "$(sidecars "$T/b2.db")" ]; then ok "a bundle of a bundle is in rollback mode too"; else not_ok "bundle of a bundle" "$(hdr "$T/b2.db")"; fi

# ---- the working round (WAL) is read with its WAL, never written ----
r0=$(sum "$db")
expect_ok "verify the working round" verify "$db"
if grep -q "read as a working round file with its WAL" "$T/out"; then ok "verify says it read a working round with its WAL"; else not_ok "verify on the working round" "$(head -3 "$T/out")"; fi
if [ "$(sum "$db")" = "$r0" ]; then ok "the working round's bytes did not change"; else not_ok "the working round's bytes did not change"; fi

# ---- read-only media ----
ro=$T/ro
mkdir "$ro"
cp "$b" "$ro/bundle.db"
chmod 0444 "$ro/bundle.db"
chmod 0555 "$ro"
expect_ok "verify a bundle in a read-only directory" verify "$ro/bundle.db"
expect_ok "score a bundle in a read-only directory" score "$ro/bundle.db"
unchanged "read-only directory" "$ro/bundle.db" "$s0"
chmod 0755 "$ro"

# ---- a -wal beside a bundle is never applied ----
# a copy turned to WAL mode, a ballot's stored preference changed (which
# verify catches) and the title forged; its -wal is kept before SQLite
# could fold it back, and placed beside the bundle
w=$T/wal
mkdir "$w"
cp "$b" "$w/bundle.db"
cp "$b" "$w/m.db"
python3 - "$w/m.db" <<'EOF'
import shutil, sqlite3, sys
p = sys.argv[1]
c = sqlite3.connect(p, isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA wal_autocheckpoint=0")
trig = c.execute("SELECT sql FROM sqlite_master WHERE name = 'ballot_keep_u'").fetchone()[0]
c.execute("BEGIN")
c.execute("DROP TRIGGER ballot_keep_u")
c.execute("UPDATE ballot SET preference = (preference + 1) % 6 WHERE id = 5")
c.execute("UPDATE round SET title = 'forged'")
c.execute(trig)
c.execute("COMMIT")
shutil.copy(p + "-wal", p + ".kept-wal")
c.close()
EOF
cp "$w/m.db.kept-wal" "$w/bundle.db-wal"
ws=$(sum "$w/bundle.db-wal")
expect_fail "the modified copy itself fails verify" 1 "" verify "$w/m.db"
expect_ok "verify a bundle with a -wal beside it: passes" verify "$w/bundle.db"
run score "$w/bundle.db"
if [ "$rc" -eq 0 ] && ! grep -q forged "$T/out"; then ok "score reads the bundle's own title, not the -wal's"; else not_ok "score ignores the -wal" "exit $rc" "$(head -3 "$T/out")"; fi
if [ "$(sum "$w/bundle.db")" = "$s0" ] && [ "$(sum "$w/bundle.db-wal")" = "$ws" ] &&
	[ ! -e "$w/bundle.db-shm" ]; then
	ok "the bundle and the -wal beside it are as they were, no -shm made"
else
	not_ok "bundle and -wal unchanged"
fi

# ---- unexpected schema objects: refused naming the object, promptly ----
# refused DESC FRAGMENT SQL: a copy of the bundle changed by SQL; verify and
# score refuse it within 10 s, saying FRAGMENT, and leave its bytes alone
refused() {
	desc=$1; frag=$2
	x=$T/hostile.db
	rm -f "$x"
	cp "$b" "$x"
	sqlite3 "$x" "$3" >/dev/null
	xs=$(sum "$x")
	for c in verify score status; do
		start=$(date +%s)
		"$SIMSA" $c "$x" >"$T/out" 2>"$T/err" &
		pid=$!
		i=0
		while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		if kill -0 $pid 2>/dev/null; then
			kill $pid
			wait $pid
			not_ok "$desc: $c refuses it promptly" "still running after 10 s"
			continue
		fi
		wait $pid
		rc=$?
		if [ "$rc" -eq 1 ] && grep -qF -- "$frag" "$T/err"; then
			ok "$desc: $c refuses it ($(($(date +%s) - start)) s)"
		else
			not_ok "$desc: $c refuses it" "exit $rc" "$(cat "$T/err")"
		fi
	done
	unchanged "$desc" "$x" "$xs"
}
refused "an extra trigger" "unexpected trigger 'audit_me' (not in simsa's schema 8)" \
	"CREATE TRIGGER audit_me AFTER INSERT ON ballot BEGIN SELECT 1; END;"
refused "an extra index" "unexpected index 'ballot_seq' (not in simsa's schema 8)" \
	"CREATE INDEX ballot_seq ON ballot(seq);"
refused "a view in place of the round table" "unexpected view 'round' (not in simsa's schema 8)" \
	"CREATE TABLE r2 AS SELECT * FROM round; DROP TABLE round;
	 CREATE VIEW round AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
	 SELECT one, round_id, title, state, created_at FROM r2, n; DROP TABLE r2;"
refused "a changed CHECK" "table 'rubric' differs from simsa's schema 8" \
	"PRAGMA writable_schema = ON;
	 UPDATE sqlite_master SET sql = replace(sql, 'CHECK (length(hash) = 32)', 'CHECK (1)') WHERE name = 'rubric';"
refused "a missing trigger" "trigger 'ballot_keep_u' is missing (simsa's schema 8 has it)" \
	"DROP TRIGGER ballot_keep_u;"

# ---- an older schema is read, never migrated in place ----
# schema 7 is schema 8 without the practice tables and the rubric's
# instructions; schema 6 is schema 7 without the station_key table; schema
# 5 is schema 6 without the gold table and its triggers
down7="DROP TABLE practice_done; DROP TABLE practice;
	ALTER TABLE rubric DROP COLUMN instructions_ko; ALTER TABLE rubric DROP COLUMN instructions_en;"
for v in 7 6 5; do
	old=$T/old$v.db
	cp "$b" "$old"
	if [ "$v" = 7 ]; then
		sqlite3 "$old" "$down7 PRAGMA user_version = 7; VACUUM;"
	elif [ "$v" = 6 ]; then
		sqlite3 "$old" "$down7 DROP TABLE station_key; PRAGMA user_version = 6; VACUUM;"
	else
		sqlite3 "$old" "$down7 DROP TABLE station_key; DROP TABLE gold; PRAGMA user_version = 5; VACUUM;"
	fi
	os=$(sum "$old")
	expect_ok "status of a schema-$v bundle" status "$old"
	if grep -q "schema $v" "$T/out"; then ok "status says schema $v (the file's)"; else not_ok "status of schema $v" "$(cat "$T/out")"; fi
	run verify "$old"
	if [ "$rc" -le 1 ] && grep -q "schema $v upgraded in memory" "$T/out"; then ok "verify reads a schema-$v bundle (upgraded in memory)"; else not_ok "verify of schema $v" "exit $rc" "$(cat "$T/err" "$T/out" | head -5)"; fi
	unchanged "a schema-$v bundle" "$old" "$os"
	if [ "$(sqlite3 "$old" 'PRAGMA user_version')" = "$v" ]; then ok "the file is still at schema $v"; else not_ok "still schema $v"; fi
done
# a schema-6 file that has the station_key table is not simsa's schema 6
cp "$T/old6.db" "$T/odd6.db"
sqlite3 "$T/odd6.db" "CREATE TABLE station_key (rater_id INTEGER PRIMARY KEY REFERENCES rater(id), key TEXT NOT NULL UNIQUE, set_at TEXT NOT NULL);"
expect_fail "schema 6 with schema 7's station_key table is refused" 1 \
	"unexpected table 'station_key' (not in simsa's schema 6)" verify "$T/odd6.db"

finish
