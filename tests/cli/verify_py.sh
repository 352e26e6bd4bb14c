# tools/verify.py, the second verifier (docs/verify.md, tools/README.md),
# against simsa verify on the demo round: open (with a late rater), a copy
# of it with a ballot deleted, closed, and its bundle. Each time the same
# verdict, the same steps with the same item counts and failing steps, and
# the same report keys and values to compare (docs/verify.md, "What to
# compare"), the bundle with the organizer's key, the root and a
# checkpoint pinned too, and enrolments signed again with times at and
# after the close, and the closed round of tests/unit/test_score.c with a
# user rubric that requires a satisfaction its users did not give. Run as
# tools/README.md tells an auditor (the file
# alone, no simsa, a read-only directory). Its command line: exit 2 for a
# bad one (bad hex, more than 64 checkpoints), 1 for a file it cannot read
# or a malformed checkpoint. (tests/cli/tamper.sh compares the two on every case
# of the tamper suite.)
. "$(dirname "$0")/../cli_lib.sh"

VPY=$(dirname "$0")/../../tools/verify.py
vpy() { /usr/bin/python3 "$VPY" "$@"; }

# same SIMSA_JSON PY_JSON: what both reports must share, or the difference
same() {
	python3 -c "
import json, sys
def load(path):  # one JSON document after another
    text, at, dec = open(path).read(), 0, json.JSONDecoder()
    while text[at:].strip():
        d, at = dec.raw_decode(text, len(text) - len(text[at:].lstrip()))
        yield d
def view(d):
    return {
        'keys': sorted(d),
        'head': [d['round_id'], d['state'], d['complete'], d['ok'], d['read_as']],
        'compare': [d['organizer_key'], d['organizer_fingerprint'], d['ballot_count'], d['merkle_root'],
                    d['closed_at']],
        'steps': [(sorted(s), s['step'], s['items'], s['passed'], s['failed']) for s in d['steps']],
    }
c = [view(d) for d in load(sys.argv[1])]
p = [view(d) for d in load(sys.argv[2])]
if c != p:
    print('simsa:', c)
    print('verify.py:', p)
    sys.exit(1)" "$1" "$2"
}

# compare DESC STATUS FILE...: simsa verify on each file, verify.py on all
# of them at once; both exit STATUS and their reports agree
compare() {
	desc=$1 want=$2
	shift 2
	: >"$T/c.json"
	crc=0
	for f in "$@"; do
		"$SIMSA" verify "$f" --format json >>"$T/c.json" 2>"$T/c.err"
		r=$?
		[ "$r" -ne 0 ] && crc=$r
	done
	vpy --format json "$@" >"$T/p.json" 2>"$T/p.err"
	prc=$?
	if [ "$crc" -ne "$want" ] || [ "$prc" -ne "$want" ]; then
		not_ok "$desc" "simsa exit $crc, verify.py exit $prc, wanted $want" "$(head -c 400 "$T/p.err")"
	elif same "$T/c.json" "$T/p.json" >"$T/diff" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc" "$(head -c 1500 "$T/diff")"
	fi
}

db=$T/demo.db
printf 'demo\n' >"$T/demo.pass"
chmod 600 "$T/demo.pass"
expect_ok "demo round (with the simulated panel's ballots)" demo --db "$db"
expect_ok "a rater joins after open" rater add "$db" --name latecomer --role user \
	--organizer-passphrase-file "$T/demo.pass" --passphrase-file "$T/demo.pass"
compare "the open round: both pass the 7 steps possible before close" 0 "$db"

# a ballot taken out of the middle of a chain, in a copy of the open round
cp "$db" "$T/cut.db"
sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" >"$T/triggers.sql"
{
	echo "BEGIN;"
	sqlite3 "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'"
	echo "DELETE FROM ballot WHERE id = 2;"
	cat "$T/triggers.sql"
	echo "COMMIT;"
} | sqlite3 -bail "$T/cut.db" >"$T/doctor.out" 2>&1 || not_ok "the ballot is deleted" "$(cat "$T/doctor.out")"
compare "an open round with a ballot deleted: both fail the chains step" 1 "$T/cut.db"

expect_ok "a checkpoint of the open round" checkpoint "$db" --passphrase-file "$T/demo.pass"
cp "$T/out" "$T/cp"
expect_ok "close" close "$db" --passphrase-file "$T/demo.pass" --force
expect_ok "export the bundle" export "$db" --format bundle --out "$T/bundle.simsa"
compare "the closed round and its bundle: both pass all 11 steps" 0 "$db" "$T/bundle.simsa"

# pinned (tools/README.md, the auditor's steps): the bundle with the
# published key, root and checkpoint, then with another root
pk=$(sqlite3 "$db" "SELECT lower(hex(public_key)) FROM organizer")
root=$(sqlite3 "$db" "SELECT lower(hex(merkle_root)) FROM closing")
for case in "0 $root" "1 $(echo "$root" | tr 0-9a-f a-f0-9)"; do
	want=${case%% *} r=${case#* }
	"$SIMSA" verify "$T/bundle.simsa" --organizer-pubkey "$pk" --root "$r" --checkpoint "$T/cp" --format json >"$T/c.json" 2>"$T/c.err"
	crc=$?
	vpy "$T/bundle.simsa" --organizer-pubkey "$pk" --root "$r" --checkpoint "$T/cp" --format json >"$T/p.json" 2>"$T/p.err"
	prc=$?
	if [ "$crc" -eq "$want" ] && [ "$prc" -eq "$want" ] && same "$T/c.json" "$T/p.json" >"$T/diff" 2>&1; then
		ok "the bundle with key, root and checkpoint pinned: both exit $want, the same 12 steps"
	else
		not_ok "the bundle pinned (exit $want)" "simsa exit $crc, verify.py exit $prc" "$(head -c 1500 "$T/diff")" "$(head -c 300 "$T/p.err")"
	fi
done

# an enrolment signed again by the organizer (docs/key-files.md, the
# enrolment statement of docs/ballot-format.md) with another time: at the
# close it passes; a second after it, or not a UTC time, fails the
# enrolments step (docs/verify.md, "Times"), in both verifiers. The tamper
# suite cannot reach this: there an altered time breaks the signature first.
resign() { # COPY TIME: the round's copy with rater 3 enrolled at TIME
	python3 - "$db" "$T/demo.keys/organizer.key" "$2" >"$T/resign.sql" <<'PY' || not_ok "sign the enrolment again" "$(cat "$T/resign.sql")"
import sqlite3, struct, sys
import nacl.bindings, nacl.pwhash, nacl.signing
db, keyfile, when = sys.argv[1], sys.argv[2], sys.argv[3].encode()
k = open(keyfile, 'rb').read()
ops, mem = struct.unpack('<I', k[12:16])[0], struct.unpack('<Q', k[16:24])[0]
box = nacl.pwhash.argon2id.kdf(32, b'demo', k[24:40], opslimit=ops, memlimit=mem)
seed = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(k[96:176], k[:96], k[40:64], box)[:32]
con = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
con.text_factory = bytes
rid = con.execute('SELECT round_id FROM round').fetchone()[0]
name, role, key, cats, late = con.execute('SELECT name, role, public_key, categories, late FROM rater WHERE id = 3').fetchone()
s = lambda b: struct.pack('<I', len(b)) + b
stmt = b'simsa/enrolment/v1\0' + s(rid) + s(name) + s(role) + key
stmt += (b'\0' if cats is None else b'\1' + s(cats)) + bytes([late]) + s(when)
sig = nacl.signing.SigningKey(seed).sign(stmt).signature
print("UPDATE rater SET enrolled_at = '%s', signature = x'%s' WHERE id = 3;" % (when.decode(), sig.hex()))
PY
	sqlite3 "$db" ".backup '$1'"
	{
		echo "BEGIN;"
		sqlite3 "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'"
		cat "$T/resign.sql"
		cat "$T/triggers.sql"
		echo "COMMIT;"
	} | sqlite3 -bail "$1" >"$T/doctor.out" 2>&1 || not_ok "the enrolment is signed again" "$(cat "$T/doctor.out")"
}
closed_at=$(sqlite3 "$db" "SELECT closed_at FROM closing")
after=$(python3 -c "import datetime, sys; t = datetime.datetime.strptime(sys.argv[1], '%Y-%m-%dT%H:%M:%SZ'); print((t + datetime.timedelta(seconds=1)).strftime('%Y-%m-%dT%H:%M:%SZ'))" "$closed_at")
resign "$T/at-close.db" "$closed_at"
compare "an enrolment signed at the close time: both pass" 0 "$T/at-close.db"
resign "$T/after-close.db" "$after"
compare "an enrolment signed a second after the close: both fail enrolments" 1 "$T/after-close.db"
# of the right shape, before the close byte for byte, but no time (30
# February: docs/verify.md, "Times"): the shape alone once passed it
resign "$T/feb30.db" "$(echo "$closed_at" | cut -c1-4)-02-30T00:00:00Z"
compare "an enrolment signed on 30 February: both fail enrolments" 1 "$T/feb30.db"
resign "$T/not-a-time.db" "2026-12-07 09:30:00Z"
compare "an enrolment signed with a time that is not a UTC time: both fail enrolments" 1 "$T/not-a-time.db"
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit([s['step'] for s in d['steps'] if not s['passed']] != ['enrolments'])" "$T/c.json" &&
	ok "... and only enrolments" || not_ok "only enrolments fails" "$(head -c 600 "$T/c.json")"

# a user rubric whose [satisfaction] says required = yes (the console asks
# for it; a satisfaction is checked within its scale, docs/verify.md, step
# ballots): an honest round of it passes both verifiers (verify.py once
# failed every user ballot of such a round)
sed 's/^required = no$/required = yes/' "$(dirname "$0")/../../rubrics/user.rubric" >"$T/user-sat.rubric"
if grep -q '^required = yes$' "$T/user-sat.rubric" &&
	maker=$(score_maker) && [ -n "$maker" ] &&
	"$maker" --make-round-rubric "$T/sat.db" "$T/user-sat.rubric" >/dev/null 2>&1 &&
	[ "$(sqlite3 "$T/sat.db" "SELECT count(*) FROM ballot WHERE kind = 'user' AND satisfaction = 3")" -gt 0 ]; then
	compare "satisfaction required by the rubric and given: both pass" 0 "$T/sat.db"
else
	not_ok "a round whose user rubric requires a satisfaction"
fi

# a round simsa opened before schema 8 signed manifest v2 (no instructions,
# no practice): both verifiers pass it; instructions written into it after
# the fact, which v2 does not cover, fail the manifest step in both
if maker=$(score_maker) && [ -n "$maker" ] && "$maker" --make-round-v2 "$T/v2.db" >/dev/null 2>&1 &&
	[ "$(sqlite3 "$T/v2.db" "SELECT count(*) FROM rubric WHERE instructions_ko IS NULL")" -gt 0 ]; then
	compare "a round signed with manifest v2 (opened before schema 8): both pass" 0 "$T/v2.db"
	cp "$T/v2.db" "$T/v2-told.db"
	guard=$(sqlite3 "$T/v2-told.db" "SELECT sql FROM sqlite_master WHERE name = 'freeze_rubric_u'")
	sqlite3 "$T/v2-told.db" "DROP TRIGGER freeze_rubric_u; UPDATE rubric SET instructions_ko = '# 안내', instructions_en = '# Told'; $guard;"
	compare "... with instructions added after the fact: both fail the manifest step" 1 "$T/v2-told.db"
else
	not_ok "a round signed with manifest v2"
fi

# expect_vpy DESC STATUS FRAGMENT ARGS...: verify.py exits STATUS, with
# FRAGMENT in its output or on stderr (empty: the status only)
expect_vpy() {
	desc=$1 want=$2 frag=$3
	shift 3
	vpy "$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		not_ok "$desc" "exit $got, wanted $want" "$(head -c 400 "$T/err")"
	elif [ -n "$frag" ] && ! cat "$T/out" "$T/err" | grep -qF -- "$frag"; then
		not_ok "$desc" "lacks: $frag" "$(head -c 400 "$T/out")" "$(head -c 400 "$T/err")"
	else
		ok "$desc"
	fi
}
expect_vpy "verify.py's text report on the bundle" 0 "result: all 11 steps passed" "$T/bundle.simsa"
if grep -q "^  read as a bundle: immutable" "$T/out" && grep -q "^  ok    assignment " "$T/out"; then
	ok "verify.py's text report says how it read the file and each step"
else
	not_ok "verify.py's text report says how it read the file and each step" "$(cat "$T/out")"
fi

# the text report's head (round, how read, the values to compare) is
# simsa's, line for line, on the open copy and the closed round
for f in "$T/cut.db" "$db"; do
	"$SIMSA" verify "$f" 2>/dev/null | grep -v '^  \(ok\|FAIL\|  -\) ' | grep -v '^result:' >"$T/c.head"
	vpy "$f" 2>/dev/null | grep -v '^  \(ok\|FAIL\|  -\) ' | grep -v '^result:' >"$T/p.head"
	if [ -s "$T/c.head" ] && cmp -s "$T/c.head" "$T/p.head"; then
		ok "verify.py's text report of $(basename "$f") begins as simsa's, with the values to compare"
	else
		not_ok "verify.py's text report of $(basename "$f") begins as simsa's" "$(diff "$T/c.head" "$T/p.head" | head -20)"
	fi
done

# as tools/README.md tells an auditor: the one file and the bundle alone, in
# a directory nobody may write, Debian's interpreter with nothing of this
# checkout or the environment (-I, env -i): it passes and writes nothing
# (the listing is checked: root may write in a 555 directory)
mkdir "$T/auditor"
cp "$VPY" "$T/bundle.simsa" "$T/auditor/"
chmod 555 "$T/auditor"
if (cd "$T/auditor" && env -i PATH=/usr/bin:/bin /usr/bin/python3 -I verify.py bundle.simsa) >"$T/out" 2>&1 &&
	grep -q "^result: all 11 steps passed" "$T/out" &&
	[ "$(ls -A "$T/auditor" | tr '\n' ' ')" = "bundle.simsa verify.py " ]; then
	ok "verify.py alone on a bundle in a read-only directory, no simsa, no environment"
else
	not_ok "verify.py alone on a bundle in a read-only directory" "$(head -c 400 "$T/out")" "$(ls -A "$T/auditor")"
fi
# tools/README.md's one-liner for the organizer's key, against the key stored
key=$(cd "$T/auditor" && /usr/bin/python3 -c "import sqlite3,sys,urllib.parse; print(sqlite3.connect('file:' + urllib.parse.quote(sys.argv[1]) + '?mode=ro&immutable=1', uri=True).execute('select lower(hex(public_key)) from organizer').fetchone()[0])" bundle.simsa 2>&1)
want=$(sqlite3 "$db" "SELECT lower(hex(public_key)) FROM organizer")
[ -n "$want" ] && [ "$key" = "$want" ] && ok "tools/README.md's one-liner prints the organizer's key" ||
	not_ok "tools/README.md's one-liner prints the organizer's key" "got: $key" "want: $want"
chmod 755 "$T/auditor"

# the command line
expect_vpy "verify.py without a file: exit 2" 2 ""
expect_vpy "verify.py --format xml: exit 2" 2 "" "$db" --format xml
expect_vpy "verify.py on a missing file: exit 1" 1 "no such round file" "$T/nothing.db"
echo "not a round" >"$T/text.db"
expect_vpy "verify.py on a file that is not a round: exit 1" 1 "not a simsa round file" "$T/text.db"
# a rubric of no component (NULL passes the schema's CHECK): the file is
# unreadable in both, as a rubric that does not parse (docs/verify.md);
# verify.py once verified it
sqlite3 "$db" ".backup '$T/no-component.db'"
{
	echo "BEGIN;"
	sqlite3 "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'"
	echo "UPDATE rubric SET component = NULL WHERE component = 'user';"
	cat "$T/triggers.sql"
	echo "COMMIT;"
} | sqlite3 -bail "$T/no-component.db" >"$T/doctor.out" 2>&1 || not_ok "the rubric's component is set NULL" "$(cat "$T/doctor.out")"
expect_vpy "verify.py on a rubric of no component: exit 1" 1 "a rubric for an unknown component" "$T/no-component.db" --format json
[ ! -s "$T/out" ] && ok "... with no report" || not_ok "a rubric of no component: no report" "$(head -c 300 "$T/out")"
expect_fail "simsa verify on a rubric of no component: exit 1" 1 "a rubric for an unknown component" verify "$T/no-component.db"
# the pins' command line (docs/verify.md, "Pinned values"): bad hex and more
# than 64 checkpoints are a bad command line; a malformed checkpoint is
# refused before any round is read, with no report
expect_vpy "verify.py --organizer-pubkey of 63 hex digits: exit 2" 2 "--organizer-pubkey takes the key as 64 hex digits" \
	"$db" --organizer-pubkey "$(printf '%063d' 0)"
expect_vpy "verify.py --root not hex: exit 2" 2 "--root takes the Merkle root as 64 hex digits" "$db" --root "$(printf '%064d' 0 | tr 0 g)"
printf 'simsa/%032d\n0\n' 0 >"$T/cp-short"
# shellcheck disable=SC2046
expect_vpy "verify.py with 65 checkpoints: exit 2" 2 "at most 64 --checkpoint files" "$db" $(for _ in $(seq 65); do printf ' --checkpoint %s' "$T/cp-short"; done)
expect_vpy "verify.py refuses a malformed checkpoint before the round: exit 1" 1 "cp-short: no blank line" \
	"$T/nothing.db" --checkpoint "$T/cp-short" --format json
[ ! -s "$T/out" ] && ok "... with no report" || not_ok "a malformed checkpoint: no report" "$(head -c 300 "$T/out")"
finish
