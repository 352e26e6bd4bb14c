# Command-level tests: simsa results on the closed round of test_score
# (`test_score --make-round PATH`, as tests/cli/score.sh), headless through
# SIMSA_CONSOLE_SCRIPT and, when tmux is installed, in a real terminal; its
# --help, the refusal of an open round in the words of `simsa score`, a
# bad --lang and a locale that is not UTF-8.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/round.db
scored_round "$db"
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES

expect_ok "results --help" results --help
if grep -q "^usage: simsa results ROUND.db|BUNDLE \[--benchmark FILE.csv\] \[--lang ko|en\]" "$T/out" &&
	grep -q "Enter" "$T/out"; then ok "--help: usage and keys"; else not_ok "--help text" "$(cat "$T/out")"; fi
if "$SIMSA" --help 2>&1 | grep -q "results"; then ok "results is in the command list"; else not_ok "command list" "$("$SIMSA" --help 2>&1)"; fi

# headless: the table, the details, Korean
printf 'dump table\nkeys j <Enter>\ndump detail\nkeys <Esc> q\n' >"$T/script"
run_results() { # DB [OPTIONS...]: the headless run; its dump in $T/dump
	rm -f "$T/dump"
	SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_SIZE=80x24 SIMSA_CONSOLE_DUMP="$T/dump" \
		"$SIMSA" results "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
run_results "$db"
if [ "$rc" -eq 0 ] && grep -q "^screen=results$" "$T/dump" && grep -q "^order=team0,team2,team1$" "$T/dump"; then
	ok "headless: entrants by rank (team0, team2, team1 as simsa score ranks them)"
else
	not_ok "headless table" "exit $rc" "$(cat "$T/err" "$T/dump" 2>/dev/null | head -40)"
fi
if grep -q "^>    1 team0 .* 35.00 .* 20.83 .* 55.83 " "$T/dump"; then ok "team0: 35 + 20.83 = 55.83 (by hand in test_score.c)"; else not_ok "team0's row" "$(head -8 "$T/dump")"; fi
if grep -q "^screen=detail$" "$T/dump" && grep -q "^entrant=team2$" "$T/dump" && grep -q "24.0625 of 35" "$T/dump"; then
	ok "details of the second entrant: team2, expert 24.0625 of 35"
else
	not_ok "details" "$(cat "$T/dump" | head -60)"
fi
if ! grep -q "^unsafe_rows=[1-9]" "$T/dump"; then ok "no control byte drawn"; else not_ok "unsafe rows" "$(grep unsafe "$T/dump")"; fi
cp "$T/dump" "$T/round.dump"

printf 'entrant,points\nteam0,30\nteam1,40\nteam2,20.5\n' >"$T/bench.csv"
run_results "$db" --benchmark "$T/bench.csv" --lang ko
if [ "$rc" -eq 0 ] && grep -q "총점/100" "$T/dump" && grep -q "^order=team0,team1,team2$" "$T/dump" && grep -q "^lang=ko$" "$T/dump"; then
	ok "--benchmark --lang ko: out of 100, Korean labels, team1 second"
else
	not_ok "--benchmark --lang ko" "exit $rc" "$(cat "$T/err" "$T/dump" 2>/dev/null | head -30)"
fi

expect_ok "export a bundle" export "$db" --format bundle --out "$T/bundle.db"
run_results "$T/bundle.db"
if [ "$rc" -eq 0 ] && cmp -s "$T/dump" "$T/round.dump"; then ok "the bundle shows the same screen as the round"; else not_ok "bundle = round" "$(diff "$T/dump" "$T/round.dump" | head)"; fi

expect_ok "demo round" demo --db "$T/demo.db"
expect_fail "an open round is refused like simsa score" 1 "the round is still open: scores are computed only after \`simsa close\`" results "$T/demo.db"
expect_fail "a bad --lang" 2 "--lang must be ko or en" results "$db" --lang fr
expect_fail "two rounds" 2 "expected one ROUND.db" results "$db" "$db"
expect_fail "a missing round" 1 "" results "$T/nothing.db"
rm -f "$T/dump"
LANG=C SIMSA_CONSOLE_SCRIPT="$T/script" SIMSA_CONSOLE_DUMP="$T/dump" "$SIMSA" results "$db" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "UTF-8 locale" "$T/err" && [ ! -s "$T/dump" ]; then ok "a locale that is not UTF-8 is refused before drawing"; else not_ok "non-UTF-8 locale" "exit $rc" "$(cat "$T/err")"; fi

# a real terminal (tmux): draw, move, details, resize, quit
if ! command -v tmux >/dev/null 2>&1; then
	ok "# SKIP tmux is not installed"
	finish
	exit $?
fi
tmux_start
pane=res
tm new-session -d -s res -x 80 -y 24 \
	"env LANG=C.UTF-8 LC_ALL= TERM=xterm-256color NO_COLOR=1 '$SIMSA' results '$db' --lang ko; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
expect_screen "tmux: the table in Korean at 80x24" "순위 참가자"
expect_screen "tmux: team0 first with its bar" "1 team0"
tm send-keys -t res j Enter
expect_screen "tmux: details of team2" "team2: 3명 중 2위"
tm resize-window -t res -x 30 -y 8
expect_screen "tmux: too small asks to enlarge" "늘려"
tm resize-window -t res -x 120 -y 30
expect_screen "tmux: details again after enlarging" "평가 기준"
tm send-keys -t res Escape
expect_screen "tmux: Esc goes back to the table" "집계:"
tm send-keys -t res q
i=0
while [ ! -s "$T/exit" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if grep -q '^EXIT=0$' "$T/exit" 2>/dev/null; then ok "tmux: q leaves with status 0"; else not_ok "tmux exit" "$(cat "$T/exit" 2>/dev/null)"; fi
finish
