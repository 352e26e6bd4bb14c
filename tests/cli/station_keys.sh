# Command-level tests of a station's keys (docs/station.md), without sshd:
# `rater add --ssh-key` and `rater ssh-key` take one OpenSSH public key line
# and refuse anything else naming file, line and field, changing nothing
# and echoing no raw byte; `authorized-keys` prints lines whose forced
# command, taken back as sshd and the shell take it, is exactly `simsa rate
# ROUND --rater NAME`; the keys move no point: verify passes whatever they
# hold, and a bundle is written without them; the forced command's
# `receipts` lists the rater's ballots with the words of `simsa receipt`.
# (tests/cli/station.sh runs a real sshd.)
. "$(dirname "$0")/../cli_lib.sh"

if ! command -v ssh-keygen >/dev/null 2>&1; then
	ok "# SKIP ssh-keygen is not installed (scripts/deps.sh test)"
	finish
	exit 0
fi
export LANG=C.UTF-8
unset LC_ALL

db=$T/round.db
expect_ok "init a round" init "$db" --title "station"
for k in ed25519 ecdsa rsa; do
	ssh-keygen -q -t "$k" -N '' -C "kim@laptop" -f "$T/$k"
done
fp() { ssh-keygen -lf "$1" | cut -d' ' -f2; }

# ---- enrolling with a key ----
expect_ok "rater add --ssh-key with an Ed25519 key" rater add "$db" --name kim --role user \
	--ssh-key "$T/ed25519.pub"
if grep -qF "kim logs in at the station with $(fp "$T/ed25519.pub") (ssh-ed25519)" "$T/out"; then
	ok "rater add names the key by the fingerprint ssh-keygen gives"
else
	not_ok "rater add names the key by its fingerprint" "$(cat "$T/out")" "$(fp "$T/ed25519.pub")"
fi
stored=$(sqlite3 "$db" "SELECT key FROM station_key s JOIN rater r ON r.id = s.rater_id WHERE r.name = 'kim'")
if [ "$stored" = "$(cut -d' ' -f1,2 "$T/ed25519.pub")" ]; then
	ok "the key is stored as TYPE BASE64, without the comment"
else
	not_ok "the key is stored as TYPE BASE64" "$stored"
fi
expect_ok "rater add --ssh-key with an ECDSA key" rater add "$db" --name lee --role user \
	--ssh-key "$T/ecdsa.pub"
expect_ok "rater add without a key" rater add "$db" --name park --role user
expect_ok "status" status "$db"
if grep -q "^  kim .*, station ssh key$" "$T/out" && grep -q "^  lee .*, station ssh key$" "$T/out" &&
	grep -q "^  park " "$T/out" && ! grep -q "^  park .*station ssh key" "$T/out"; then
	ok "status says which raters have a station key"
else
	not_ok "status says which raters have a station key" "$(cat "$T/out")"
fi
expect_ok "status --format json" status "$db" --format json
if [ "$(python3 -c 'import json,sys; print(" ".join("%s:%s" % (r["name"], r["ssh_key"]) for r in json.load(open(sys.argv[1]))["raters"]))' "$T/out")" = "kim:True lee:True park:False" ]; then
	ok "status's JSON has ssh_key per rater"
else
	not_ok "status's JSON has ssh_key per rater" "$(head -c 400 "$T/out")"
fi

# ---- refusals: file, line and field; nothing changed; no raw byte ----
key=$(cut -d' ' -f2 "$T/rsa.pub")
printf 'restrict,command="sh" ssh-rsa %s x\n' "$key" >"$T/options.pub"
printf 'command="sqlite3 round.db" ssh-rsa %s x\n' "$key" >"$T/command.pub"
printf 'ssh-rsa %s kim\033]0;owned\007\n' "$key" >"$T/escape.pub"
printf 'ssh-rsa %s\nssh-rsa %s\n' "$key" "$key" >"$T/two.pub"
: >"$T/empty.pub"
printf 'ssh-dss %s\n' "$key" >"$T/dss.pub"
printf 'ssh-ed25519 %s\n' "$key" >"$T/mismatch.pub"
printf 'ssh-rsa not*base64\n' >"$T/notb64.pub"
printf 'ssh-rsa\n' >"$T/nokey.pub"
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl0ZQ==\n' >"$T/short.pub"
printf '\342\200\256ssh-rsa %s\n' "$key" >"$T/bidi.pub"
printf 'ssh-rsa %s c\377\n' "$key" >"$T/badutf8.pub"
cp "$T/rsa" "$T/private.pub"
refused() { # NAME FRAGMENT
	before=$(dump "$db")
	expect_fail "$1: refused" 1 "$T/$1.pub:$2" rater add "$db" --name "x$1" --role user \
		--ssh-key "$T/$1.pub"
	if [ "$(dump "$db")" = "$before" ] && [ ! -e "$T/round.keys/x$1.key" ]; then
		ok "$1: the round is unchanged and no rater key was made"
	else
		not_ok "$1: the round is unchanged and no rater key was made"
	fi
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/err"; then
		not_ok "$1: no control byte on stderr" "$(od -c "$T/err" | head -5)"
	else
		ok "$1: no control byte on stderr"
	fi
}
refused options "1: field 'type': the line starts with options"
refused command "1: field 'type': the line starts with options"
refused escape "1: field 'comment': a control character (byte 0x1b"
refused two "2: a public key file holds one key on one line"
refused empty "1: empty"
refused dss "1: field 'type': unknown key type 'ssh-dss'"
refused mismatch "1: field 'key': not a ssh-ed25519 public key"
refused notb64 "1: field 'key': not base64"
refused nokey "1: field 'key': missing"
refused short "1: field 'key': not a whole Ed25519 public key"
refused bidi "1: field 'type': not a key type"
refused badutf8 "1: field 'comment': not valid UTF-8"
refused private "1: a private key (or another PEM file)"
before=$(dump "$db")
expect_fail "a key that is another rater's is refused, naming that rater" 1 \
	"already the station key of rater 'kim'" rater add "$db" --name choi --role user \
	--ssh-key "$T/ed25519.pub"
if [ "$(dump "$db")" = "$before" ] && [ ! -e "$T/round.keys/choi.key" ]; then
	ok "and the enrolment is undone with it"
else
	not_ok "and the enrolment is undone with it"
fi

# ---- rater ssh-key: set, replace, remove ----
expect_ok "rater ssh-key gives park a key" rater ssh-key "$db" --name park --ssh-key "$T/rsa.pub"
if grep -qF "park logs in at the station with $(fp "$T/rsa.pub") (ssh-rsa)" "$T/out"; then ok "rater ssh-key names the key"; else not_ok "rater ssh-key names the key" "$(cat "$T/out")"; fi
ssh-keygen -q -t ed25519 -N '' -f "$T/new"
expect_ok "rater ssh-key replaces kim's key" rater ssh-key "$db" --name kim --ssh-key "$T/new.pub"
cnt=$(sqlite3 "$db" "SELECT count(*) FROM station_key s JOIN rater r ON r.id = s.rater_id WHERE r.name = 'kim' AND s.key = '$(cut -d' ' -f1,2 "$T/new.pub")'")
if [ "$cnt" = 1 ]; then ok "kim has the new key and only it"; else not_ok "kim has the new key" "$cnt"; fi
before=$(dump "$db")
expect_fail "rater ssh-key refuses another rater's key" 1 "already the station key of rater 'park'" \
	rater ssh-key "$db" --name kim --ssh-key "$T/rsa.pub"
expect_fail "rater ssh-key refuses a bad key" 1 "options.pub:1: field 'type'" \
	rater ssh-key "$db" --name kim --ssh-key "$T/options.pub"
expect_fail "rater ssh-key names an unknown rater" 1 "no rater named 'ghost' is enrolled" \
	rater ssh-key "$db" --name ghost --ssh-key "$T/new.pub"
expect_fail "rater ssh-key wants --ssh-key or --remove" 2 "give either --ssh-key FILE or --remove" \
	rater ssh-key "$db" --name kim
expect_fail "rater ssh-key wants only one of them" 2 "give either --ssh-key FILE or --remove" \
	rater ssh-key "$db" --name kim --remove --ssh-key "$T/new.pub"
if [ "$(dump "$db")" = "$before" ]; then ok "the refusals changed nothing"; else not_ok "the refusals changed nothing"; fi
expect_ok "rater ssh-key --remove" rater ssh-key "$db" --name lee --remove
if grep -q "lee has no station key now" "$T/out"; then ok "--remove says so"; else not_ok "--remove says so" "$(cat "$T/out")"; fi

# ---- authorized-keys ----
expect_ok "authorized-keys" authorized-keys "$db"
if [ "$(wc -l <"$T/out")" -eq 2 ] && grep -q '^restrict,pty,command=".* --rater kim" ssh-ed25519 [A-Za-z0-9+/=]* kim$' "$T/out" &&
	grep -q '^restrict,pty,command=".* --rater park" ssh-rsa ' "$T/out" && ! grep -q lee "$T/out"; then
	ok "one restricted line per rater with a key, in enrolment order"
else
	not_ok "one restricted line per rater with a key" "$(cat "$T/out")"
fi
# a round and a simsa under names a shell would act on: sshd takes back
# \" in command="...", the shell the quotes; a stand-in simsa prints the
# words it was given
odd="$T/a b'c\"d \$(id)"
mkdir -p "$odd"
cp "$db" "$odd/round.db"
cat >"$odd/simsa" <<'EOF'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done
EOF
chmod 755 "$odd/simsa"
expect_ok "authorized-keys of a round under an odd name" authorized-keys "$odd/round.db" --simsa "$odd/simsa" --lang ko
python3 - "$T/out" >"$T/cmd" <<'PY'
import sys
line = open(sys.argv[1], encoding="utf-8").readline()
assert line.startswith('restrict,pty,command="')
s, out, i = line[len('restrict,pty,command="'):], [], 0
while s[i] != '"':
    if s[i] == "\\" and s[i + 1] == '"':
        i += 1
    out.append(s[i])
    i += 1
print("".join(out))
PY
sh -c "$(cat "$T/cmd")" >"$T/words"
printf '%s\n' rate "$odd/round.db" --rater kim --lang ko >"$T/want"
if cmp -s "$T/words" "$T/want"; then
	ok "the forced command gives simsa exactly: rate ROUND --rater NAME --lang ko"
else
	not_ok "the forced command gives simsa its words exactly" "$(cat "$T/cmd")" "$(cat "$T/words")"
fi
nl="$T/new
line"
mkdir -p "$nl"
cp "$db" "$nl/round.db"
expect_fail "a round path with a newline is refused" 1 "authorized_keys cannot show" \
	authorized-keys "$nl/round.db"
if [ ! -s "$T/out" ]; then ok "and nothing is printed"; else not_ok "and nothing is printed" "$(cat "$T/out")"; fi
expect_ok "init another round" init "$T/empty.db" --title "no keys"
expect_ok "authorized-keys of a round without station keys" authorized-keys "$T/empty.db"
if [ ! -s "$T/out" ] && grep -q "no rater of .* has an SSH key" "$T/err"; then
	ok "prints nothing, and says why on stderr"
else
	not_ok "prints nothing, and says why on stderr" "$(cat "$T/out" "$T/err")"
fi

# ---- the keys move no point; bundles leave them out ----
sc=$T/scored.db
scored_round "$sc"
rater=$(sqlite3 "$sc" "SELECT name FROM rater WHERE role = 'expert' ORDER BY id LIMIT 1")
expect_ok "a closed round takes a station key" rater ssh-key "$sc" --name "$rater" --ssh-key "$T/ed25519.pub"
expect_ok "the round verifies" verify "$sc"
sqlite3 "$sc" "UPDATE station_key SET key = 'ssh-ed25519 AAAA', set_at = 'never'"
expect_ok "it verifies whatever the station key holds" verify "$sc"
expect_fail "authorized-keys refuses a stored key that is not one" 1 \
	"the station key of rater '$rater':1: field 'key'" authorized-keys "$sc"
if [ ! -s "$T/out" ]; then ok "and prints no line"; else not_ok "and prints no line" "$(cat "$T/out")"; fi
good=$(cut -d' ' -f1,2 "$T/ed25519.pub")
sqlite3 "$sc" "UPDATE station_key SET key = '$good' || char(10) || '$good'"
expect_fail "a stored key with a second line (a line without a forced command) is refused" 1 \
	"the station key of rater '$rater':2:" authorized-keys "$sc"
if [ ! -s "$T/out" ]; then ok "and prints no line"; else not_ok "and prints no line" "$(cat "$T/out")"; fi
sqlite3 "$sc" "UPDATE station_key SET key = '$good '"
expect_fail "a stored key not as simsa stores it is refused" 1 "not stored as simsa stores a key" \
	authorized-keys "$sc"
expect_ok "export a bundle" export "$sc" --format bundle --out "$T/b.simsa"
if [ "$(sqlite3 "$T/b.simsa" 'SELECT count(*) FROM station_key')" = 0 ] &&
	[ "$(sqlite3 "$sc" 'SELECT count(*) FROM station_key')" = 1 ]; then
	ok "the bundle has no station key; the round keeps its own"
else
	not_ok "the bundle has no station key" "$(sqlite3 "$T/b.simsa" 'SELECT * FROM station_key')"
fi
if strings "$T/b.simsa" | grep -q "ssh-ed25519 AAAA"; then
	not_ok "no trace of the key in the bundle's bytes"
else
	ok "no trace of the key in the bundle's bytes"
fi
expect_ok "the bundle verifies" verify "$T/b.simsa"

# ---- the forced command's receipts ----
SSH_ORIGINAL_COMMAND=receipts "$SIMSA" rate "$sc" --rater "$rater" >"$T/r" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^# simsa receipts of rater $rater in round [0-9a-f]\{32\}: " "$T/r"; then
	ok "SSH_ORIGINAL_COMMAND=receipts lists the rater's receipts"
else
	not_ok "SSH_ORIGINAL_COMMAND=receipts lists the rater's receipts" "exit $rc" "$(cat "$T/r" "$T/err")"
fi
# listings take turns: while another holds the round's turn lock, a listing
# waits (and says so) and prints nothing; it lists once the lock is let go
python3 -c "
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], 'w').close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.02)
" "$sc" "$T/held" "$T/release" &
holder=$!
i=0
while [ ! -e "$T/held" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
SSH_ORIGINAL_COMMAND=receipts "$SIMSA" rate "$sc" --rater "$rater" >"$T/r2" 2>"$T/err2" &
lister=$!
i=0
while ! grep -q "waiting for it" "$T/err2" 2>/dev/null && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
if grep -q "another receipts listing is being made; waiting for it" "$T/err2" && [ ! -s "$T/r2" ] &&
	kill -0 "$lister" 2>/dev/null; then
	ok "a listing waits its turn while another holds it, and says so"
else
	not_ok "a listing waits its turn" "$(cat "$T/err2" "$T/r2")"
fi
: >"$T/release"
wait "$holder"
wait "$lister"
rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$T/r" "$T/r2"; then ok "then it lists, the same as before"; else not_ok "the listing after its turn" "exit $rc" "$(cat "$T/err2")"; fi
want=$(sqlite3 "$sc" "SELECT count(*) FROM ballot b JOIN rater r ON r.id = b.rater_id WHERE r.name = '$rater'")
got=$(grep -vc '^#' "$T/r")
if [ "$got" = "$want" ] && [ "$want" -gt 0 ]; then ok "one line per ballot of theirs ($want)"; else not_ok "one line per ballot" "$got of $want"; fi
# each "# task T: WORDS" comment and the line below it, against simsa receipt
awk '/^# task [0-9]+: / { t = $3; sub(":", "", t); w = $0; sub(/^# task [0-9]+: /, "", w); next }
	!/^#/ { print t "\t" $2 "\t" $3 "\t" $4 "\t" w }' "$T/r" >"$T/lines"
bad=0
while IFS="$(printf '\t')" read -r t task at code words; do
	"$SIMSA" receipt "$sc" "$code" >"$T/one" 2>&1
	if [ "$t" != "$task" ] || ! grep -qF "(task $task, " "$T/one" ||
		! grep -q "cast $at) is in the round at place [0-9]*: $words\$" "$T/one"; then
		bad=1
		echo "# $task $at $code $words / $(cat "$T/one")"
	fi
done <"$T/lines"
if [ $bad -eq 0 ] && [ -s "$T/lines" ]; then ok "each line's task, time and status are simsa receipt's"; else not_ok "each line's task, time and status are simsa receipt's"; fi
expect_ok "the listing is a receipts file: simsa receipt --file reads it" receipt "$sc" --file "$T/r"
if grep -q "^summary: $want receipts of this round, $want in the round at their place" "$T/out"; then
	ok "and finds every ballot at its place"
else
	not_ok "and finds every ballot at its place" "$(tail -2 "$T/out")"
fi
SSH_ORIGINAL_COMMAND="sqlite3 $sc" "$SIMSA" rate "$sc" --rater "$rater" >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -ne 0 ] && grep -qF "the command it asked for is not run" "$T/err" && [ ! -s "$T/out" ]; then
	ok "any other SSH_ORIGINAL_COMMAND is not run (the console, here without a terminal)"
else
	not_ok "any other SSH_ORIGINAL_COMMAND is not run" "exit $rc" "$(cat "$T/out" "$T/err")"
fi
SSH_ORIGINAL_COMMAND=receipts "$SIMSA" rate "$sc" --rater ghost >"$T/out" 2>"$T/err"
if [ $? -eq 1 ] && grep -q "no rater named 'ghost'" "$T/err"; then ok "receipts of an unknown rater: refused"; else not_ok "receipts of an unknown rater" "$(cat "$T/err")"; fi

# ---- an older round file gets the table when a command writes it ----
old=$T/old.db
expect_ok "init a round to age" init "$old" --title "old"
sqlite3 "$old" "DROP TABLE station_key; DROP TABLE practice_done; DROP TABLE practice;
	ALTER TABLE rubric DROP COLUMN instructions_ko; ALTER TABLE rubric DROP COLUMN instructions_en;
	PRAGMA user_version = 6;"
expect_ok "rater add --ssh-key on a schema-6 round" rater add "$old" --name kim --role user --ssh-key "$T/ed25519.pub"
if [ "$(sqlite3 "$old" 'PRAGMA user_version')" = 8 ] && [ "$(sqlite3 "$old" 'SELECT count(*) FROM station_key')" = 1 ]; then
	ok "the file was migrated to schema 8 and holds the key"
else
	not_ok "the file was migrated to schema 8" "$(sqlite3 "$old" 'PRAGMA user_version')"
fi
finish
