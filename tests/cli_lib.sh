# Shared helpers for the command-level tests: TAP output, one line per check.
# Sourced by tests/cli/*.sh; $SIMSA is the binary under test.
set -u
: "${SIMSA:?SIMSA must name the simsa binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/simsa-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
# Keys for tests: the cheapest KDF, and a passphrase from a file.
export SIMSA_KDF=fast
printf 'test passphrase 시험\n' >"$T/pass"
chmod 600 "$T/pass"
export SIMSA_PASSPHRASE_FILE="$T/pass"
unset SIMSA_ORGANIZER_PASSPHRASE_FILE
# simsa rate keeps the rater's receipts here, not in the tester's home
export XDG_DATA_HOME="$T/data"
# python3 for the checks and the stub server: Debian's own when it is there
# (scripts/deps.sh installs it); a version manager's shim earlier in PATH
# (pyenv) costs about a second a call under load.
if [ -x /usr/bin/python3 ]; then
	python3() { /usr/bin/python3 "$@"; }
fi
n=0
failures=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# run CMD...: runs simsa, keeping status in $rc, output in $T/out and $T/err
run() {
	"$SIMSA" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect_ok DESC CMD...: simsa must exit 0
expect_ok() {
	desc=$1; shift
	run "$@"
	if [ "$rc" -eq 0 ]; then ok "$desc"; else not_ok "$desc" "exit $rc" "$(cat "$T/err")"; fi
}

# expect_fail DESC STATUS FRAGMENT CMD...: simsa must exit STATUS and say FRAGMENT on
# stderr (an empty FRAGMENT checks the status only)
expect_fail() {
	desc=$1; want=$2; frag=$3; shift 3
	run "$@"
	if [ "$rc" -ne "$want" ]; then
		not_ok "$desc" "exit $rc, wanted $want" "$(cat "$T/err")"
	elif [ -n "$frag" ] && ! grep -qF -- "$frag" "$T/err"; then
		not_ok "$desc" "stderr lacks: $frag" "$(cat "$T/err")"
	else
		ok "$desc"
	fi
}

# check DESC COMMAND...: any shell command must succeed
check() {
	desc=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}

# rx TEXT: TEXT as a grep basic regular expression that matches it
# literally (receipt codes end in a check symbol that may be * or $)
rx() { printf '%s' "$1" | sed 's/[][\\.*^$]/\\&/g'; }

# dump DB: the round's whole content as SQL text (to show nothing changed)
dump() { sqlite3 "$1" .dump; }

# json_get FILE EXPR: a value from a JSON document (python3 standard library)
# scored_round PATH: the closed round with ballots of the score worked
# example (tests/unit/test_score.c, built next to $SIMSA), as one check.
# score_maker: the path of that test_score (empty when there is none)
score_maker() {
	for m in "$(dirname "$SIMSA")/build/tests/test_score" "$(dirname "$SIMSA")/tests/test_score"; do
		[ -x "$m" ] && { echo "$m"; return; }
	done
}
scored_round() {
	maker=$(score_maker)
	if [ -n "$maker" ] && "$maker" --make-round "$1" >/dev/null 2>&1; then
		ok "a closed round with ballots"
	else
		not_ok "a closed round with ballots" "no test_score helper next to $SIMSA"
	fi
}

# For the real-terminal tests: tmux_start runs tmux on a server of this
# test's own (killed at exit); wait_for TEXT waits until pane $pane shows
# TEXT (10 s at most), leaving the screen in $T/screen; expect_screen DESC
# TEXT checks it as one test.
tmux_start() {
	sock="simsa-test-$$"
	trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
}
tm() { tmux -L "$sock" -f /dev/null "$@"; }
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		tm capture-pane -p -t "$pane" >"$T/screen" 2>/dev/null
		grep -qF -- "$1" "$T/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
expect_screen() { if wait_for "$2"; then ok "$1"; else not_ok "$1" "screen lacks: $2" "$(cat "$T/screen")"; fi; }

json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

finish() {
	echo "1..$n"
	[ "$failures" -eq 0 ]
}
