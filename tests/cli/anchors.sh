# Anchors outside the file (issue 14, docs/checkpoint.md, docs/verify.md
# "Pinned values"): `simsa checkpoint` signs a tree head of the ballots so
# far; `simsa verify --checkpoint FILE --organizer-pubkey HEX --root HEX`
# checks published values against the file. On the demo round (a
# simulated panel has cast its ballots):
#   - a checkpoint verifies, in the C2SP signed-note format (checked with
#     python3-nacl), and a later one is a
#     consistent extension of it;
#   - a ballot deleted from before a checkpoint (sqlite3, guard triggers
#     dropped) in a round then closed honestly passes plain verify, and
#     verify --checkpoint names it;
#   - a round un-closed, given a late rater's ballots and closed again
#     passes plain verify, and verify --root with the first seal's root
#     fails;
#   - forged checkpoints (edited, another key) fail, and malformed files
#     are refused naming file, line and field, with nothing raw echoed.
# The second verifier (tools/verify.py, docs/verify.md) is given the same
# arguments as simsa verify each time (agree): the same exit status, and
# when there is a report the same values to compare and the same steps,
# items and failure counts.
. "$(dirname "$0")/../cli_lib.sh"

export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES
db=$T/r.db
printf 'demo\n' >"$T/demo.pass"
chmod 600 "$T/demo.pass"
export SIMSA_ORGANIZER_PASSPHRASE_FILE="$T/demo.pass"
expect_ok "the demo round" demo --db "$db"
okey=$T/r.keys/organizer.key

# doctor FILE SQL: SQL with the guard triggers dropped, then put back
sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" >"$T/triggers.sql"
sqlite3 "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" >"$T/drop.sql"
doctor() {
	{ echo "BEGIN;"; cat "$T/drop.sql"; echo "$2"; cat "$T/triggers.sql"; echo "COMMIT;"; } |
		sqlite3 -bail "$1" >"$T/doctor.out" 2>&1 || not_ok "doctor $1" "$(cat "$T/doctor.out")"
}
VPY=$(dirname "$0")/../../tools/verify.py
agree() { # DESC ARGS...: simsa verify ARGS and tools/verify.py ARGS agree
	desc=$1
	shift
	"$SIMSA" verify "$@" --format json >"$T/agree.c" 2>"$T/agree.cerr"
	arc=$?
	/usr/bin/python3 "$VPY" "$@" --format json >"$T/agree.p" 2>"$T/agree.perr"
	prc=$?
	if [ "$arc" -ne "$prc" ]; then
		not_ok "verify.py agrees: $desc" "simsa exit $arc, verify.py exit $prc" "$(head -c 300 "$T/agree.perr")"
	elif python3 - "$T/agree.c" "$T/agree.p" >"$T/agree.diff" 2>&1 <<'PY'; then
import json, sys
def view(path):
    text = open(path).read()
    if not text.strip():
        return None  # refused before any report (a malformed checkpoint)
    d = json.loads(text)
    keys = ('round_id', 'state', 'organizer_key', 'organizer_fingerprint', 'ballot_count', 'merkle_root',
            'closed_at', 'complete', 'ok')
    return [d[k] for k in keys], [(s['step'], s['items'], s['passed'], s['failed']) for s in d['steps']]
c, p = view(sys.argv[1]), view(sys.argv[2])
if c != p:
    print('simsa:    ', c)
    print('verify.py:', p)
    sys.exit(1)
PY
		ok "verify.py agrees: $desc (exit $prc)"
	else
		not_ok "verify.py agrees: $desc" "$(head -c 1500 "$T/agree.diff")"
	fi
}
fails_with() { # DESC FRAGMENT: the last run failed (1) and its stdout says FRAGMENT
	if [ "$rc" -eq 1 ] && grep -qF -- "$2" "$T/out"; then ok "$1"; else not_ok "$1" "exit $rc" "$(grep -A6 FAIL "$T/out" | head -20)" "$(cat "$T/err")"; fi
}

# ---- a checkpoint of the open round ----
expect_ok "checkpoint of the open round" checkpoint "$db"
cp "$T/out" "$T/cp1"
rid=$(sqlite3 "$db" "SELECT round_id FROM round")
n1=$(sqlite3 "$db" "SELECT count(*) FROM ballot")
if [ "$(sed -n 1p "$T/cp1")" = "simsa/$rid" ] && [ "$(sed -n 2p "$T/cp1")" = "$n1" ] &&
	sed -n 4p "$T/cp1" | grep -qE '^time [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' &&
	grep -q "^— simsa/$rid " "$T/cp1"; then
	ok "the checkpoint: origin, $n1 ballots, root, time, a signature line"
else
	not_ok "the checkpoint's lines" "$(cat "$T/cp1")"
fi
if grep -q "$n1 ballots, Merkle root" "$T/err"; then ok "checkpoint says what it signed on stderr"; else not_ok "checkpoint's summary" "$(cat "$T/err")"; fi
expect_ok "verify --format json" verify "$db" --format json
cp "$T/out" "$T/open.json"
pk=$(json_get "$T/open.json" "d['organizer_key']")
if [ "$(json_get "$T/open.json" "d['ballot_count'], d['closed_at'], len(d['organizer_fingerprint']), len(d['merkle_root'])")" = "$n1 None 64 64" ]; then
	ok "verify's report: organizer key, fingerprint, ballot count, root, no close time yet"
else
	not_ok "verify's report keys" "$(head -c 600 "$T/open.json")"
fi
# a second implementation: the key ID and the Ed25519 signature of the
# note text, and the fingerprint, with Debian's python3-nacl (scripts/deps.sh)
if python3 - "$T/cp1" "$pk" "$(json_get "$T/open.json" "d['organizer_fingerprint']")" "$(json_get "$T/open.json" "d['merkle_root']")" <<'EOF'; then
import base64, hashlib, sys
from nacl.signing import VerifyKey
data = open(sys.argv[1], 'rb').read()
pk = bytes.fromhex(sys.argv[2])
i = data.rindex(b'\n\n')
text, sig = data[:i + 1], data[i + 2:].decode()
assert sig.startswith('\u2014 ') and sig.endswith('\n') and sig.count('\n') == 1
name, b64 = sig[2:-1].split(' ')
raw = base64.b64decode(b64, validate=True)
assert name == text.split(b'\n')[0].decode()
assert raw[:4] == hashlib.sha256(name.encode() + b'\n\x01' + pk).digest()[:4]
VerifyKey(pk).verify(text, raw[4:])
assert hashlib.blake2b(pk, digest_size=32).hexdigest() == sys.argv[3]
assert base64.b64decode(text.split(b'\n')[2]).hex() == sys.argv[4]
EOF
	ok "python3-nacl verifies the checkpoint as a C2SP signed note"
else
	not_ok "python3-nacl verifies the checkpoint as a C2SP signed note"
fi
agree "the open round" "$db"
expect_ok "verify --checkpoint on the open round" verify "$db" --checkpoint "$T/cp1"
agree "a good checkpoint of the open round" "$db" --checkpoint "$T/cp1"
if grep -q "^  ok    pinned " "$T/out"; then ok "the step pinned passed"; else not_ok "the step pinned" "$(cat "$T/out")"; fi

# user01 casts a ballot: a later checkpoint extends the first
printf 'keys <Enter>\nkeys 1 j 4 s y <Enter>\nkeys q y\n' >"$T/script"
SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_DUMP=/dev/null \
	"$SIMSA" rate "$db" --rater user01 --passphrase-file "$T/demo.pass" --lang en >"$T/out" 2>"$T/err"
n2=$(sqlite3 "$db" "SELECT count(*) FROM ballot")
[ "$n2" -eq $((n1 + 1)) ] && ok "user01 cast a ballot" || not_ok "user01 cast a ballot" "$(cat "$T/err")"
expect_ok "a second checkpoint" checkpoint "$db"
cp "$T/out" "$T/cp2"
expect_ok "verify with both checkpoints" verify "$db" --checkpoint "$T/cp1" --checkpoint "$T/cp2" --organizer-pubkey "$pk"
agree "both checkpoints and the key" "$db" --checkpoint "$T/cp1" --checkpoint "$T/cp2" --organizer-pubkey "$pk"

# ---- forged checkpoints ----
# the root line's first symbol changed: A to B, anything else to A (a
# root that began with A and not AA was left as it was, about one run in
# 65, and the forged checkpoint verified)
awk 'NR == 3 { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) } { print }' "$T/cp1" >"$T/forged-root"
cmp -s "$T/cp1" "$T/forged-root" && not_ok "the forged root differs from the signed one"
run verify "$db" --checkpoint "$T/forged-root"
fails_with "an edited root: the signature does not verify" "forged-root: its signature by the organizer's key (key ID"
agree "an edited root" "$db" --checkpoint "$T/forged-root"
# the count edited with the heads kept consistent: one head line fewer
last=$(grep -c '^head ' "$T/cp1")
cnt=$(grep '^head ' "$T/cp1" | tail -1 | cut -d' ' -f3)
awk -v n="$n1" -v c="$cnt" -v last="$last" '
	/^head / { h++; if (h == last) next }
	NR == 2 { print n - c; next }
	{ print }' "$T/cp1" >"$T/forged-count"
run verify "$db" --checkpoint "$T/forged-count"
fails_with "an edited count: the signature does not verify" "forged-count: its signature by the organizer's key"
agree "an edited count" "$db" --checkpoint "$T/forged-count"
sed '2s/.*/1/' "$T/cp1" >"$T/bad-count"
expect_fail "a count the heads do not add up to is refused" 1 "bad-count: tree size: 1 ballots, but the chain heads count $n1" verify "$db" --checkpoint "$T/bad-count"
other=abababababababababababababababababababababababababababababababab
run verify "$db" --checkpoint "$T/cp1" --organizer-pubkey "$other"
fails_with "another pinned key: the round's key is not it" "the round's organizer key is $pk, not the pinned $other"
fails_with "another pinned key: the checkpoint is not signed by it" "cp1: not signed by the pinned organizer key"
agree "another pinned key" "$db" --checkpoint "$T/cp1" --organizer-pubkey "$other"
agree "a count the heads do not add up to" "$db" --checkpoint "$T/bad-count"
# a checkpoint signed by another key: its signature line is ignored
sed "\$s/^— simsa\/$rid [A-Za-z0-9+\/]\{6\}/— simsa\/$rid AAAAAA/" "$T/cp1" >"$T/other-key"
run verify "$db" --checkpoint "$T/other-key"
fails_with "a signature of another key ID counts for nothing" "other-key: not signed by the round's organizer key"
agree "a signature of another key ID" "$db" --checkpoint "$T/other-key"
# another round's checkpoint (the origin names it)
sed "s/$rid/00000000000000000000000000000000/" "$T/cp1" >"$T/other-round"
run verify "$db" --checkpoint "$T/other-round"
fails_with "another round's checkpoint" "other-round: a checkpoint of round 00000000000000000000000000000000, not of this round ($rid)"
agree "another round's checkpoint" "$db" --checkpoint "$T/other-round"
expect_fail "--root of an open round" 1 "" verify "$db" --root "$other"
agree "--root of an open round" "$db" --root "$other"
expect_fail "--organizer-pubkey must be 64 hex digits" 2 "--organizer-pubkey takes the key as 64 hex digits" verify "$db" --organizer-pubkey abc
expect_fail "--root must be 64 hex digits" 2 "--root takes the Merkle root" verify "$db" --root "${other}00"
agree "--organizer-pubkey not hex" "$db" --organizer-pubkey abc
agree "--root too long" "$db" --root "${other}00"
agree "--organizer-pubkey in upper case" "$db" --organizer-pubkey "$(echo "$pk" | tr a-f A-F)"

# sign_cp TEXT OUT: the checkpoint text TEXT signed by the organizer, as
# simsa checkpoint signs (made here with python3-nacl and the organizer's
# key file, docs/key-files.md), into OUT
sign_cp() {
	python3 - "$okey" "$1" >"$2" 2>"$T/sign.err" <<'PY'
import base64, hashlib, struct, sys
import nacl.bindings, nacl.pwhash, nacl.signing
k = open(sys.argv[1], 'rb').read()
ops, mem = struct.unpack('<I', k[12:16])[0], struct.unpack('<Q', k[16:24])[0]
box = nacl.pwhash.argon2id.kdf(32, b'demo', k[24:40], opslimit=ops, memlimit=mem)
sk = nacl.signing.SigningKey(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(k[96:176], k[:96], k[40:64], box)[:32])
text = open(sys.argv[2], 'rb').read()
origin = text.split(b'\n')[0]
kid = hashlib.sha256(origin + b'\n\x01' + bytes(sk.verify_key)).digest()[:4]
sig = base64.b64encode(kid + sk.sign(text).signature)
sys.stdout.buffer.write(text + b'\n\xe2\x80\x94 ' + origin + b' ' + sig + b'\n')
PY
}

# a checkpoint the organizer signed with one head of 2^32 - 1 ballots:
# the chain's missing ballots are one run up to 2^32 - 1 (simsa once
# wrapped count + 1 to 0 and checked none of them; tools/verify.py found it)
awk '/^$/ { exit } NR == 2 { print "4294967295"; next } NR == 5 { $3 = "4294967295" } NR > 5 { next } { print }' "$T/cp1" >"$T/huge.txt"
if sign_cp "$T/huge.txt" "$T/huge"; then
	ok "a checkpoint with a head of 2^32 - 1 ballots, signed by the organizer"
else
	not_ok "sign a checkpoint with python3-nacl" "$(cat "$T/sign.err")"
fi
first=$(sed -n 5p "$T/cp1" | cut -d' ' -f3)
run verify "$db" --checkpoint "$T/huge"
fails_with "a head of 2^32 - 1 ballots: the missing ones named as one run" "ballots $((first + 1)) to 4294967295, covered by the checkpoint, are missing from the log"
agree "a head of 2^32 - 1 ballots" "$db" --checkpoint "$T/huge"

# ---- malformed files: refused naming file, line and field, nothing raw ----
malformed() { # NAME FRAGMENT: $T/m-NAME is refused, saying FRAGMENT, no raw control byte
	run verify "$db" --checkpoint "$T/m-$1"
	if [ "$rc" -eq 1 ] && grep -qF -- "$2" "$T/err" && ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$T/err" && [ ! -s "$T/out" ]; then
		ok "malformed ($1): refused, $2"
	else
		not_ok "malformed ($1)" "exit $rc" "$(cat -v "$T/err")"
	fi
	agree "malformed ($1): refused" "$db" --checkpoint "$T/m-$1"
}
head -4 "$T/cp1" >"$T/m-noblank"
malformed noblank "m-noblank: no blank line between the checkpoint text and its signature lines"
sed '2s/.*/12abc/' "$T/cp1" >"$T/m-size"
malformed size "m-size:2: tree size: '12abc' is not a ballot count"
sed '2s/.*/0150/' "$T/cp1" >"$T/m-zeros"
malformed zeros "m-zeros:2: tree size: '0150' is not a ballot count"
sed "1s/\$/$(printf '\033')[2J/" "$T/cp1" >"$T/m-esc"
malformed esc "m-esc:1: a control character (0x1B)"
sed "5s/^head /head $(printf '\342\200\256')x /" "$T/cp1" >"$T/m-bidi"
malformed bidi "m-bidi:5: chain head: '⟨RLO⟩x "
sed '1s/.*/example.com\/log/' "$T/cp1" >"$T/m-origin"
malformed origin "m-origin:1: origin: 'example.com/log' is not \"simsa/\" and a round id"
sed '3s/=$/=x/' "$T/cp1" >"$T/m-root"
malformed root "m-root:3: root hash:"
sed '4s/.*/time yesterday/' "$T/cp1" >"$T/m-time"
malformed time "m-time:4: time: 'time yesterday' is not"
# the organizer's own signature over a time of the right shape that is no
# time (30 February; docs/verify.md, "Times"): refused all the same (the
# shape alone once passed, and the checkpoint verified)
awk '/^$/ { exit } NR == 4 { print "time 2026-02-30T10:00:00Z"; next } { print }' "$T/cp1" >"$T/feb30.txt"
sign_cp "$T/feb30.txt" "$T/m-feb30" || not_ok "sign a checkpoint of 30 February" "$(cat "$T/sign.err")"
malformed feb30 "m-feb30:4: time: 'time 2026-02-30T10:00:00Z' is not"
awk '/^$/ { exit } NR == 4 { print "time 2026-12-31T23:59:60Z"; next } { print }' "$T/cp1" >"$T/leap.txt"
sign_cp "$T/leap.txt" "$T/m-leap" || not_ok "sign a checkpoint with a leap second" "$(cat "$T/sign.err")"
malformed leap "m-leap:4: time: 'time 2026-12-31T23:59:60Z' is not"
sed '4s/.*/moon full/' "$T/cp1" >"$T/m-ext"
malformed ext "m-ext:4: time:"
sed '5s/.*/note hello/' "$T/cp1" >"$T/m-ext2"
malformed ext2 "m-ext2:5: extension line: 'note hello' is not a line of a simsa checkpoint"
sed 's/$/\r/' "$T/cp1" >"$T/m-crlf"
malformed crlf "m-crlf:1: a control character (0x0D): CRLF line ends"
sed '$s/^— /-- /' "$T/cp1" >"$T/m-dash"
malformed dash "does not begin with an em dash (U+2014) and a space"
printf '\377\376' >"$T/m-binary"
malformed binary "m-binary:1: not valid UTF-8"
: >"$T/m-empty"
malformed empty "m-empty: empty, not a checkpoint"
grep -v '^— ' "$T/cp1" >"$T/m-nosig"
malformed nosig "no signature lines after the blank line"
expect_fail "a missing checkpoint file" 1 "nothing.txt" verify "$db" --checkpoint "$T/nothing.txt"
agree "a missing checkpoint file" "$db" --checkpoint "$T/nothing.txt"

# ---- two ballots of two raters swapped in the log before the checkpoint:
# each chain keeps its order, so only the checkpoint's root shows it ----
sqlite3 "$db" ".backup '$T/moved.db'"
j=$(sqlite3 "$T/moved.db" "SELECT min(a.id) FROM ballot a JOIN ballot b ON b.id = a.id + 1 WHERE a.rater_id <> b.rater_id")
doctor "$T/moved.db" "UPDATE ballot SET id = -1 WHERE id = $j; UPDATE ballot SET id = $j WHERE id = $j + 1; UPDATE ballot SET id = $j + 1 WHERE id = -1;"
run verify "$T/moved.db"
[ "$rc" -eq 0 ] && ok "two ballots swapped: the open round alone verifies" || not_ok "swapped: plain verify" "$(grep -A3 FAIL "$T/out")"
run verify "$T/moved.db" --checkpoint "$T/cp1"
fails_with "two ballots swapped: verify --checkpoint says their order changed" "cp1: the first $n1 leaves of the log do not hash to the checkpoint's root (every ballot it covers is here: their order changed)"
agree "two ballots swapped" "$T/moved.db"
agree "two ballots swapped, with the checkpoint" "$T/moved.db" --checkpoint "$T/cp1"
# a covered ballot's stored seq column changed: the log is read as stored
# (docs/checkpoint.md), so the steps ballots and pinned both fail
sqlite3 "$db" ".backup '$T/seq.db'"
doctor "$T/seq.db" "UPDATE ballot SET seq = 0 WHERE id = 2;"
run verify "$T/seq.db" --checkpoint "$T/cp1"
fails_with "a covered ballot's seq column changed: the checkpoint says it is missing" "cp1: leaf 1 holds"
agree "a covered ballot's seq column changed" "$T/seq.db" --checkpoint "$T/cp1"

# ---- a ballot deleted before the checkpoint, the round closed honestly ----
sqlite3 "$db" ".backup '$T/honest.db'"
cp -r "$T/r.keys" "$T/honest.keys"
victim=$(sqlite3 "$db" "SELECT rater_id FROM ballot WHERE id = 1")
vname=$(sqlite3 "$db" "SELECT name FROM rater WHERE id = $victim")
vseq=$(sqlite3 "$db" "SELECT max(seq) FROM ballot WHERE rater_id = $victim")
doctor "$db" "DELETE FROM ballot WHERE rater_id = $victim AND seq = $vseq;"
expect_ok "close the doctored round honestly" close "$db" --force
expect_ok "verify without the checkpoint passes: nothing in the file shows the loss" verify "$db"
run verify "$db" --checkpoint "$T/cp1"
fails_with "verify --checkpoint fails naming the missing ballot" "cp1: rater '$vname': ballot $vseq, covered by the checkpoint, is missing from the log"
fails_with "... and the ballot that moved into its place" "cp1: leaf $((n1 - 1)) holds rater 'user01's ballot 1, which the checkpoint does not cover"
if grep -q "^  FAIL  pinned " "$T/out" && [ "$(grep -c '^  FAIL' "$T/out")" -eq 1 ]; then ok "only the step pinned fails"; else not_ok "only pinned fails" "$(grep FAIL "$T/out")"; fi
run verify "$db" --checkpoint "$T/cp1" --format json
if [ "$(json_get "$T/out" "[s['step'] for s in d['steps'] if not s['passed']]")" = "['pinned']" ]; then ok "json: the step pinned failed"; else not_ok "json pinned" "$(head -c 400 "$T/out")"; fi
agree "a ballot deleted before the checkpoint, closed honestly" "$db"
agree "... with the checkpoint" "$db" --checkpoint "$T/cp1"
agree "... with both checkpoints and the key" "$db" --checkpoint "$T/cp1" --checkpoint "$T/cp2" --organizer-pubkey "$pk"

# ---- a round closed, un-closed, given a late rater's ballots, closed again ----
h=$T/honest.db
expect_ok "close the honest round" close "$h" --force --organizer-key "$T/honest.keys/organizer.key"
expect_ok "verify --format json" verify "$h" --format json
root1=$(json_get "$T/out" "d['merkle_root']")
count1=$(json_get "$T/out" "d['ballot_count']")
closed1=$(json_get "$T/out" "d['closed_at']")
[ "$count1" = "$n2" ] && ok "the sealed count is every ballot ($n2)" || not_ok "sealed count" "$count1"
expect_ok "verify with every published value pinned" verify "$h" --root "$root1" --organizer-pubkey "$pk" --checkpoint "$T/cp1" --checkpoint "$T/cp2"
agree "the honest round closed, every value pinned" "$h" --root "$root1" --organizer-pubkey "$pk" --checkpoint "$T/cp1" --checkpoint "$T/cp2"
if grep -q "^  closed at     $closed1\$" "$T/out" && grep -q "^  sealed        $n2 ballots, Merkle root $root1\$" "$T/out" &&
	grep -q "^  organizer key $pk\$" "$T/out"; then ok "verify prints what to compare"; else not_ok "verify prints what to compare" "$(head -8 "$T/out")"; fi
doctor "$h" "DELETE FROM closing; DELETE FROM reveal; DELETE FROM chain_head; UPDATE round SET state = 'open';"
printf 'late pass\n' >"$T/late.pass"
chmod 600 "$T/late.pass"
SIMSA_PASSPHRASE_FILE="$T/late.pass" "$SIMSA" rater add "$h" --name late --role user \
	--organizer-key "$T/honest.keys/organizer.key" >"$T/out" 2>"$T/err" && ok "a late rater enrolled in the un-closed round" || not_ok "late rater" "$(cat "$T/err")"
printf 'keys <Enter>\nkeys 1 j 4 s y <Enter>\nkeys 1 j 4 s y <Enter>\nkeys q y\n' >"$T/script"
SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_DUMP=/dev/null \
	"$SIMSA" rate "$h" --rater late --passphrase-file "$T/late.pass" --lang en >"$T/out" 2>"$T/err"
[ "$(sqlite3 "$h" "SELECT count(*) FROM ballot")" -eq $((n2 + 2)) ] && ok "the late rater cast two ballots" || not_ok "late ballots" "$(cat "$T/err")"
expect_ok "close it again with the organizer's key" close "$h" --force --organizer-key "$T/honest.keys/organizer.key"
expect_ok "without pins it verifies: the file alone cannot tell" verify "$h"
expect_ok "the checkpoints still hold (the late ballots come after them)" verify "$h" --checkpoint "$T/cp1" --checkpoint "$T/cp2" --organizer-pubkey "$pk"
run verify "$h" --root "$root1"
fails_with "verify --root with the first seal's root fails" "the sealed Merkle root is"
fails_with "... naming the pinned root" "not the pinned $root1"
agree "sealed again: plain" "$h"
agree "sealed again: the checkpoints" "$h" --checkpoint "$T/cp1" --checkpoint "$T/cp2" --organizer-pubkey "$pk"
agree "sealed again: --root of the first seal" "$h" --root "$root1"
agree "sealed again: every value pinned" "$h" --root "$root1" --organizer-pubkey "$pk" --checkpoint "$T/cp1" --checkpoint "$T/cp2"

# ---- checkpoint refuses what it should ----
expect_fail "checkpoint with a key that is not the round's" 1 "not the round's organizer key" checkpoint "$T/r.db" --organizer-key "$T/honest.keys/late.key" --passphrase-file "$T/late.pass"
"$SIMSA" init "$T/draft.db" --title d --passphrase-file "$T/demo.pass" >/dev/null 2>&1
expect_fail "checkpoint of a draft round: nothing signed" 1 "nothing signed" checkpoint "$T/draft.db"
finish
