# Command-level tests of a rater's own key (docs/key-files.md, "A rater's
# own key"): `simsa key new` makes the key pair on the rater's side and
# prints only the public key, which the organizer enrols with `rater add
# --public-key` (no key file made beside the round); the rater rates with
# it, and verify checks their ballot; `key passphrase` seals the same key
# under a new passphrase, replacing the file whole, and the old passphrase
# stops working; every refusal changes nothing.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/demo.db
"$SIMSA" demo --db "$db" --no-panel >/dev/null 2>&1
printf 'demo\n' >"$T/demo.pass"
chmod 600 "$T/demo.pass"
printf '내 비밀 문구\n' >"$T/mine.pass"
printf 'a new one, 새 문구\n' >"$T/new.pass"
chmod 600 "$T/mine.pass" "$T/new.pass"

# ---- the rater makes a key ----
expect_ok "key new" key new "$T/mine.key" --passphrase-file "$T/mine.pass"
pk=$(sed -n 's/^public key  *//p' "$T/out")
fp=$(sed -n 's/^fingerprint  *//p' "$T/out")
if printf '%s' "$pk" | grep -qx '[0-9a-f]\{64\}' && printf '%s' "$fp" | grep -qx '[0-9a-f]\{64\}'; then
	ok "key new prints the public key and its fingerprint"
else
	not_ok "key new output" "$(cat "$T/out")"
fi
check "the key file is 0600" test "$(stat -c %a "$T/mine.key")" = 600
expect_fail "key new never overwrites" 1 "already exists" key new "$T/mine.key" --passphrase-file "$T/mine.pass"
expect_ok "key show" key show "$T/mine.key"
if grep -q "^public key   $pk\$" "$T/out" && grep -q "^fingerprint  $fp\$" "$T/out"; then
	ok "key show gives the same key and fingerprint, no passphrase asked"
else
	not_ok "key show" "$(cat "$T/out")"
fi

# ---- the organizer enrols the public key ----
expect_fail "--public-key with --key-file is a usage error" 2 "no --key-file or --passphrase-file" \
	rater add "$db" --name mine --role user --public-key "$pk" --key-file "$T/x.key"
expect_fail "--public-key of 63 digits" 2 "64 hex digits" \
	rater add "$db" --name mine --role user --public-key "${pk%?}"
bad=$(printf 'f%.0s' $(seq 64))
expect_fail "--public-key that is no Ed25519 key" 2 "not an Ed25519 public key" \
	rater add "$db" --name mine --role user --public-key "$bad"
n0=$(sqlite3 "$db" "SELECT count(*) FROM rater")
check "the refusals enrolled no one" test "$n0" = 17
SIMSA_ORGANIZER_PASSPHRASE_FILE="$T/demo.pass" "$SIMSA" rater add "$db" --name mine --role user \
	--public-key "$pk" >"$T/out" 2>"$T/err" && ok "rater add --public-key" || not_ok "rater add --public-key" "$(cat "$T/err")"
if grep -q "enrolled mine (user), their own key $pk" "$T/out"; then ok "rater add names the rater's own key"; else not_ok "rater add output" "$(cat "$T/out")"; fi
check "no key file was made beside the round" test ! -e "$T/demo.keys/mine.key"
if [ "$(sqlite3 "$db" "SELECT hex(public_key) FROM rater WHERE name = 'mine'" | tr 'A-F' 'a-f')" = "$pk" ]; then
	ok "the round holds the rater's public key"
else
	not_ok "stored key"
fi
SIMSA_ORGANIZER_PASSPHRASE_FILE="$T/demo.pass" "$SIMSA" rater add "$db" --name mine2 --role user \
	--public-key "$pk" >"$T/out" 2>"$T/err"
if [ $? -eq 1 ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM rater")" = 18 ]; then
	ok "the same key for a second rater: refused"
else
	not_ok "a key enrolled twice" "$(cat "$T/err")"
fi

# ---- the rater rates with it ----
printf 'keys <Enter>\nkeys 1 s y\nkeys q y\n' >"$T/script"
SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_DUMP=/dev/null "$SIMSA" rate "$db" --rater mine \
	--key-file "$T/mine.key" --passphrase-file "$T/mine.pass" --lang en >"$T/out" 2>"$T/err"
if [ "$(sqlite3 "$db" "SELECT count(*) FROM ballot b JOIN rater r ON r.id = b.rater_id WHERE r.name = 'mine'")" = 1 ]; then
	ok "the rater cast a ballot with their own key"
else
	not_ok "own-key ballot" "$(cat "$T/err")"
fi
expect_ok "verify: the ballot's signature checks under the enrolled key" verify "$db"

# ---- a new passphrase ----
cp "$T/mine.key" "$T/before.key"
printf 'wrong\n' >"$T/wrong.pass"
chmod 600 "$T/wrong.pass"
expect_fail "key passphrase with a wrong passphrase: refused" 1 "wrong passphrase" \
	key passphrase "$T/mine.key" --passphrase-file "$T/wrong.pass" --new-passphrase-file "$T/new.pass"
check "the refused change left the file as it was" cmp -s "$T/mine.key" "$T/before.key"
expect_ok "key passphrase" key passphrase "$T/mine.key" --passphrase-file "$T/mine.pass" \
	--new-passphrase-file "$T/new.pass"
check "the file changed (a fresh seal)" sh -c "! cmp -s '$T/mine.key' '$T/before.key'"
check "still 0600" test "$(stat -c %a "$T/mine.key")" = 600
check "no temporary file left beside it" sh -c "! ls '$T' | grep -q 'mine.key.tmp'"
expect_ok "key show after the change" key show "$T/mine.key"
if grep -q "^public key   $pk\$" "$T/out"; then ok "the same key pair"; else not_ok "same key" "$(cat "$T/out")"; fi
printf 'keys 2 s y\nkeys q y\n' >"$T/script"
SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_DUMP=/dev/null "$SIMSA" rate "$db" --rater mine \
	--key-file "$T/mine.key" --passphrase-file "$T/mine.pass" --lang en >"$T/out" 2>"$T/err"
if [ $? -ne 0 ] && grep -q "wrong passphrase" "$T/err"; then ok "the old passphrase no longer unlocks it"; else not_ok "old passphrase" "$(cat "$T/err")"; fi
SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_DUMP=/dev/null "$SIMSA" rate "$db" --rater mine \
	--key-file "$T/mine.key" --passphrase-file "$T/new.pass" --lang en >"$T/out" 2>"$T/err"
if [ "$(sqlite3 "$db" "SELECT count(*) FROM ballot b JOIN rater r ON r.id = b.rater_id WHERE r.name = 'mine'")" = 2 ]; then
	ok "the new passphrase unlocks it, and the rater casts again"
else
	not_ok "new passphrase" "$(cat "$T/err")"
fi
# SIMSA_PASSPHRASE_FILE is the passphrase now, never the new one
# (setsid: no controlling terminal, as under CI, even when run from one)
cp "$T/mine.key" "$T/before.key"
SIMSA_PASSPHRASE_FILE="$T/new.pass" setsid -w "$SIMSA" key passphrase "$T/mine.key" </dev/null >"$T/out" 2>"$T/err"
if [ $? -eq 1 ] && grep -q "terminal" "$T/err" && cmp -s "$T/mine.key" "$T/before.key"; then
	ok "without --new-passphrase-file and no terminal: refused (the environment's file is not taken as the new one)"
else
	not_ok "new passphrase from the environment" "$(cat "$T/err")"
fi
expect_ok "verify after all" verify "$db"
finish
