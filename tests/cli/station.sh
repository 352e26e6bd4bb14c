# End-to-end test of a station (docs/station.md): a real sshd on the
# loopback, started here with its own config, host key and an
# authorized_keys written by `simsa authorized-keys`. A service account
# owns the round and the key folder; a rater logs in with their SSH key and
# rates in the real console (tmux drives it: passphrase, choice, submit);
# the same login asking for `sqlite3 ROUND` or a shell gets the console
# instead and the round is unchanged; `ssh ... receipts` prints that
# rater's receipts and only theirs.
#
# As root (CI) the test makes two Unix users of its own, the service
# account and a rater's account on the same machine, which cannot read the
# round; they are removed at the end. As another user sshd runs
# unprivileged and both are the current user. Without sshd, ssh or tmux, or
# when sshd cannot start, the test says SKIP, except under CI=true, where
# that is a failure.
. "$(dirname "$0")/../cli_lib.sh"

sock="simsa-station-$$"
svc=""
rater=""
sshd_pid=""
cleanup() {
	[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null
	tmux -L "$sock" -f /dev/null kill-server >/dev/null 2>&1
	[ -n "$rater" ] && userdel "$rater" >/dev/null 2>&1
	[ -n "$svc" ] && userdel "$svc" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
tm() { tmux -L "$sock" -f /dev/null "$@"; }

# skip WHY: SKIP, or under CI a failure
skip() {
	if [ "${CI:-}" = true ]; then
		not_ok "the station test runs under CI" "$1"
	else
		ok "# SKIP $1"
	fi
	finish
	exit $?
}

for tool in /usr/sbin/sshd ssh ssh-keygen tmux sqlite3; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (scripts/deps.sh test, optional)"
done

# ---- the accounts ----
if [ "$(id -u)" -eq 0 ]; then
	command -v useradd >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 ||
		skip "useradd or runuser is missing"
	svc=simsa-s$$
	rater=simsa-r$$
	# a password of '*': no password logs in, but the account is not
	# locked (sshd refuses a locked account's keys too)
	if ! useradd -M -d "$T/svc" -s /bin/sh -p '*' "$svc" 2>"$T/err"; then
		svc=""
		skip "cannot create the service account: $(cat "$T/err")"
	fi
	if ! useradd -M -d "$T/rater" -s /bin/sh -p '*' "$rater" 2>"$T/err"; then
		rater=""
		skip "cannot create the rater's account: $(cat "$T/err")"
	fi
	as_svc() { runuser -u "$svc" -- "$@"; }
	as_rater() { runuser -u "$rater" -- "$@"; }
	login=$svc
	mkdir -p /run/sshd # sshd's privilege separation directory
else
	as_svc() { "$@"; }
	as_rater() { "$@"; }
	login=$(id -un)
fi
chmod 711 "$T"
mkdir -p "$T/svc/.ssh" "$T/station" "$T/rater" "$T/bin"
# the simsa the station runs: a copy the service account can execute
cp "$SIMSA" "$T/bin/simsa"
chmod 755 "$T/bin" "$T/bin/simsa"
st=$T/bin/simsa

# ---- the round, the keys, authorized_keys ----
round=$T/station/round.db
"$SIMSA" demo --db "$round" >/dev/null 2>&1 </dev/null # user01's ballots are left to us
ssh-keygen -q -t ed25519 -N '' -C 'kim@laptop' -f "$T/rater/id_ed25519"
ssh-keygen -q -t ed25519 -N '' -C 'lee@laptop' -f "$T/rater/other"
expect_ok "rater ssh-key sets user01's station key" rater ssh-key "$round" --name user01 \
	--ssh-key "$T/rater/id_ed25519.pub"
expect_ok "rater ssh-key sets user02's station key" rater ssh-key "$round" --name user02 \
	--ssh-key "$T/rater/other.pub"
run authorized-keys "$round"
if [ "$rc" -eq 0 ] && grep -qF "command=\"$(cd "$(dirname "$SIMSA")" && pwd -P)/$(basename "$SIMSA") rate $round --rater user01\"" "$T/out"; then
	ok "authorized-keys names this simsa and the round by absolute paths"
else
	not_ok "authorized-keys names this simsa and the round by absolute paths" "exit $rc" "$(cat "$T/out" "$T/err")"
fi
if "$SIMSA" authorized-keys "$round" --simsa "$st" --lang en >"$T/svc/.ssh/authorized_keys" 2>"$T/err" &&
	[ "$(wc -l <"$T/svc/.ssh/authorized_keys")" -eq 2 ] &&
	grep -q '^restrict,pty,command=".* --rater user02 --lang en" ssh-ed25519 ' "$T/svc/.ssh/authorized_keys"; then
	ok "authorized-keys writes one restricted line per rater with a key"
else
	not_ok "authorized-keys writes one restricted line per rater with a key" "$(cat "$T/svc/.ssh/authorized_keys" "$T/err")"
fi
if [ -n "$svc" ]; then
	chown -R "$svc:" "$T/svc" "$T/station"
	chown -R "$rater:" "$T/rater"
fi
chmod 700 "$T/svc" "$T/station" "$T/station/round.keys" "$T/rater"
chmod 600 "$round" "$T/station/round.keys/"*

# ---- sshd ----
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
started=""
for try in 1 2 3; do
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$T/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
HostKey $T/hostkey
PidFile none
AuthorizedKeysFile $T/svc/.ssh/authorized_keys
# the test's files are under /tmp, which others can write
StrictModes no
AllowUsers $login
UsePAM no
PermitUserEnvironment no
LogLevel VERBOSE
# docs/station.md's block, as written there
Match User $login
    AuthenticationMethods publickey
    PasswordAuthentication no
    KbdInteractiveAuthentication no
    DisableForwarding yes
    PermitTunnel no
    PermitTTY yes
    SetEnv LANG=C.UTF-8
    ClientAliveInterval 60
EOF
	: >"$T/sshd.log"
	/usr/sbin/sshd -D -f "$T/sshd_config" -E "$T/sshd.log" &
	sshd_pid=$!
	i=0
	while [ $i -lt 100 ] && kill -0 "$sshd_pid" 2>/dev/null &&
		! grep -q "Server listening" "$T/sshd.log"; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q "Server listening" "$T/sshd.log"; then
		started=1
		break
	fi
	kill "$sshd_pid" 2>/dev/null
	wait "$sshd_pid" 2>/dev/null
	sshd_pid=""
done
[ -n "$started" ] || skip "sshd did not start: $(tail -3 "$T/sshd.log" | tr '\n' ' ')"
ok "sshd listens on 127.0.0.1:$port"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$T/hostkey.pub")" >"$T/rater/known_hosts"
[ -n "$rater" ] && chown "$rater:" "$T/rater/known_hosts"

# ssh_as KEY [SSH-ARGS...]: the rater's ssh client, batch mode, this
# test's known hosts only
ssh_args() {
	echo "-F /dev/null -i $T/rater/$1 -p $port -o BatchMode=yes -o IdentitiesOnly=yes" \
		"-o IdentityAgent=none -o StrictHostKeyChecking=yes" \
		"-o UserKnownHostsFile=$T/rater/known_hosts"
}
ssh_as() {
	key=$1
	shift
	# shellcheck disable=SC2046
	as_rater ssh $(ssh_args "$key") "$@"
}

# can the rater log in at all? (an unprivileged sshd logs in only its own
# user, and only one whose login shell runs commands)
ssh_as id_ed25519 "$login@127.0.0.1" receipts >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -eq 255 ]; then
	if [ -n "$svc" ]; then
		not_ok "the rater logs in with their SSH key" "$(cat "$T/err")" "$(tail -5 "$T/sshd.log")"
		finish
		exit 1
	fi
	skip "cannot log in as $login through an unprivileged sshd: $(cat "$T/err")"
fi
ok "the rater logs in with their SSH key"

dump_sum() { as_svc sqlite3 "$round" .dump | sha256sum | cut -d' ' -f1; }
# codes: the receipt codes of a receipts listing (the last field of each
# line that is not a comment), sorted
codes() { grep -v '^#' | awk '{ print $4 }' | sort; }

# ---- the rater's own account cannot read the round ----
if [ -n "$rater" ]; then
	if as_rater cat "$round" >/dev/null 2>&1; then
		not_ok "the rater's Unix account cannot read the round file"
	else
		ok "the rater's Unix account cannot read the round file"
	fi
	if as_rater sqlite3 "$round" "SELECT count(*) FROM ballot" >/dev/null 2>&1; then
		not_ok "the rater's Unix account cannot open the round with sqlite3"
	else
		ok "the rater's Unix account cannot open the round with sqlite3"
	fi
else
	ok "# SKIP not root: the service account and the rater are both $(id -un)"
fi

# ---- a login asking for a command without a terminal ----
before=$(dump_sum)
ssh_as id_ed25519 "$login@127.0.0.1" '/bin/sh -c id' >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -ne 0 ] && ! grep -q 'uid=' "$T/out" "$T/err" &&
	grep -qF "the command it asked for is not run" "$T/err"; then
	ok "a login asking for /bin/sh -c id runs no shell (exit $rc, no terminal for the console)"
else
	not_ok "a login asking for /bin/sh -c id runs no shell" "exit $rc" "$(cat "$T/out" "$T/err")"
fi
ssh_as id_ed25519 "$login@127.0.0.1" "sqlite3 $round 'DELETE FROM draft'" >"$T/out" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -ne 0 ] && grep -qF "the command it asked for is not run" "$T/err"; then
	ok "a login asking for sqlite3 runs no sqlite3"
else
	not_ok "a login asking for sqlite3 runs no sqlite3" "exit $rc" "$(cat "$T/out" "$T/err")"
fi

# ---- the same login with a terminal gets the console ----
# (an unprivileged sshd gives no terminal: it cannot hand the pty to the
# user nor write login records, and ends such a session)
code=""
if [ -z "$svc" ]; then
	ok "# SKIP not root: an unprivileged sshd gives no terminal, so no console over it"
	after=$(dump_sum)
	if [ -n "$before" ] && [ "$before" = "$after" ]; then
		ok "the round is unchanged by those logins"
	else
		not_ok "the round is unchanged by those logins" "dump $before, now $after"
	fi
else
	# one tmux server for the whole test: a session that stays, so that
	# ending the others never ends the server under the next one
	tm new-session -d -s keep "sleep 600"
	k=0
	for cmd in "sqlite3 $round" "/bin/sh -c id"; do
		k=$((k + 1))
		pane=asked$k
		# shellcheck disable=SC2046
		tm new-session -d -s "$pane" -x 100 -y 30 \
			"$( [ -n "$rater" ] && echo "runuser -u $rater --") env TERM=xterm-256color ssh -t $(ssh_args id_ed25519) $login@127.0.0.1 '$cmd'; sleep 30"
		expect_screen "asking for '$cmd' with a terminal: the console asks for user01's passphrase" \
			"Passphrase for user01"
		if grep -qF "the command it asked for is not run" "$T/screen" &&
			! grep -q 'SQLite version\|sqlite>\|uid=' "$T/screen"; then
			ok "asking for '$cmd': not run, and the login says so"
		else
			not_ok "asking for '$cmd': not run, and the login says so" "$(cat "$T/screen")"
		fi
		tm send-keys -t "$pane" C-c
		expect_screen "Ctrl-C at the passphrase ends the login" "Connection to 127.0.0.1 closed"
	done
	after=$(dump_sum)
	if [ -n "$before" ] && [ "$before" = "$after" ]; then
		ok "the round is unchanged by those logins"
	else
		not_ok "the round is unchanged by those logins" "dump $before, now $after"
	fi

	# ---- rating in the console over ssh ----
	pane=rate
	# shellcheck disable=SC2046
	tm new-session -d -s rate -x 100 -y 30 \
		"$( [ -n "$rater" ] && echo "runuser -u $rater --") env TERM=xterm-256color ssh $(ssh_args id_ed25519) $login@127.0.0.1; echo \"EXIT=\$?\" >'$T/rate.exit'; sleep 30"
	expect_screen "the login asks for user01's passphrase" "Passphrase for user01"
	tm send-keys -t rate -l demo
	tm send-keys -t rate Enter
	expect_screen "the console starts on user01's instructions" "Instructions: User evaluation"
	tm send-keys -t rate Enter
	expect_screen "Enter: user01's first task" "Which is better?"
	tm send-keys -t rate 2
	tm send-keys -t rate s
	expect_screen "submit asks first" "Submit this ballot?"
	tm send-keys -t rate y
	expect_screen "a receipt code is shown" "Receipt code:"
	code=$(grep -o 'Receipt code: [0-9A-Z*~$=-]*' "$T/screen" | cut -d' ' -f3)
	tm send-keys -t rate q
	expect_screen "q asks before leaving" "Leave the console?"
	tm send-keys -t rate y
	expect_screen "the login ends after the console" "Connection to 127.0.0.1 closed"
	i=0
	while [ ! -s "$T/rate.exit" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if grep -q '^EXIT=0$' "$T/rate.exit" 2>/dev/null; then ok "ssh exits 0"; else not_ok "ssh exits 0" "$(cat "$T/rate.exit" 2>/dev/null)"; fi
	cnt=$(as_svc sqlite3 "$round" "SELECT count(*) FROM ballot b JOIN rater r ON r.id = b.rater_id WHERE r.name = 'user01'")
	if [ "$cnt" = 1 ] && [ -n "$code" ]; then ok "user01's ballot is in the round"; else not_ok "user01's ballot is in the round" "ballots: $cnt code: $code"; fi
	as_svc "$st" receipt "$round" "$code" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "is in the round at place [0-9]*: recorded" "$T/out"; then
		ok "the code on screen is recorded, and the round verifies (simsa receipt)"
	else
		not_ok "the code on screen is recorded (simsa receipt)" "exit $rc" "$(cat "$T/out" "$T/err")"
	fi

	# ---- the rater changes their passphrase over ssh ----
	pane=pass
	# shellcheck disable=SC2046
	tm new-session -d -s pass -x 100 -y 30 \
		"$( [ -n "$rater" ] && echo "runuser -u $rater --") env TERM=xterm-256color ssh -t $(ssh_args id_ed25519) $login@127.0.0.1 passphrase; echo \"EXIT=\$?\" >'$T/pass.exit'; sleep 30"
	expect_screen "ssh ... passphrase asks for user01's passphrase now" "round.keys/user01.key:"
	tm send-keys -t pass -l demo
	tm send-keys -t pass Enter
	expect_screen "then the new one" "New passphrase for "
	tm send-keys -t pass -l "station pass 2"
	tm send-keys -t pass Enter
	expect_screen "twice" "Repeat the passphrase"
	tm send-keys -t pass -l "station pass 2"
	tm send-keys -t pass Enter
	expect_screen "the key is sealed under the new passphrase" "sealed under the new passphrase"
	as_svc sh -c "umask 077; printf 'demo\n' >'$T/svc/old.pass'; printf 'station pass 2\n' >'$T/svc/new.pass'"
	if ! as_svc "$st" key passphrase "$T/station/round.keys/user01.key" --passphrase-file "$T/svc/old.pass" \
		--new-passphrase-file "$T/svc/old.pass" >/dev/null 2>"$T/err" && grep -q "wrong passphrase" "$T/err" &&
		as_svc "$st" key passphrase "$T/station/round.keys/user01.key" --passphrase-file "$T/svc/new.pass" \
			--new-passphrase-file "$T/svc/new.pass" >/dev/null 2>&1; then
		ok "the station's key file opens with the new passphrase only"
	else
		not_ok "the new passphrase" "$(cat "$T/err")"
	fi
fi

# ---- receipts over ssh ----
# what the forced command lists, run here as the service account
as_svc env SSH_ORIGINAL_COMMAND=receipts "$st" rate "$round" --rater user01 >"$T/want1" 2>"$T/err"
as_svc env SSH_ORIGINAL_COMMAND=receipts "$st" rate "$round" --rater user02 >"$T/want2" 2>>"$T/err"
codes <"$T/want1" >"$T/codes1"
codes <"$T/want2" >"$T/codes2"
ssh_as id_ed25519 "$login@127.0.0.1" receipts >"$T/r1" 2>"$T/err" </dev/null
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^# simsa receipts of rater user01 in round " "$T/r1" && [ "$(codes <"$T/r1")" = "$(cat "$T/codes1")" ]; then
	ok "ssh ... receipts lists user01's receipts ($(wc -l <"$T/codes1"))"
else
	not_ok "ssh ... receipts lists user01's receipts" "exit $rc" "$(cat "$T/r1" "$T/err")"
fi
if [ -n "$code" ]; then
	if [ "$(codes <"$T/r1")" = "$code" ] && grep -q "^# task 1: recorded\$" "$T/r1" &&
		grep -q "^[0-9a-f]\{32\} 1 [0-9T:Z-]* $(rx "$code")\$" "$T/r1"; then
		ok "the one receipt is the code the console showed, with its task, time and status"
	else
		not_ok "the one receipt is the code the console showed" "$code" "$(cat "$T/r1")"
	fi
fi
ssh_as other "$login@127.0.0.1" receipts >"$T/r2" 2>>"$T/err" </dev/null
rc=$?
n2=$(wc -l <"$T/codes2")
if [ "$rc" -eq 0 ] && [ "$n2" -gt 0 ] && [ "$(codes <"$T/r2")" = "$(cat "$T/codes2")" ]; then
	ok "user02's key lists user02's $n2 receipts"
else
	not_ok "user02's key lists user02's receipts" "exit $rc" "$(cat "$T/r2" "$T/err")"
fi
if ! codes <"$T/r1" | grep -qxF -f "$T/codes2" && ! codes <"$T/r2" | grep -qxF -f "$T/codes1"; then
	ok "neither list holds a receipt of the other rater"
else
	not_ok "neither list holds a receipt of the other rater" "$(cat "$T/r1" "$T/r2")"
fi
if [ -n "$code" ]; then
	as_svc "$st" receipt "$round" --file "$T/r1" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "^summary: 1 receipts of this round, 1 in the round at their place (1 recorded)" "$T/out"; then
		ok "what the rater took home is a receipts file: simsa receipt --file finds its ballot"
	else
		not_ok "what the rater took home is a receipts file" "exit $rc" "$(cat "$T/out" "$T/err")"
	fi
fi
ssh_as id_ed25519 "$login@127.0.0.1" 'receipts; id' >"$T/out" 2>"$T/err" </dev/null
if ! grep -q 'uid=\|simsa receipts of' "$T/out"; then
	ok "'receipts; id' is not receipts, and runs no shell"
else
	not_ok "'receipts; id' is not receipts, and runs no shell" "$(cat "$T/out")"
fi
finish
