# End-to-end test of the rating console in a real terminal: tmux runs
# `simsa rate` on the demo round, keys go in with send-keys (pastes with
# paste-buffer -p, bracketed) and the screen comes back with capture-pane.
# Skips cleanly without tmux, or while `simsa rate` is not wired into the
# command table.
. "$(dirname "$0")/../cli_lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	ok "# SKIP tmux is not installed"
	finish
	exit 0
fi
if ! "$SIMSA" rate --help >/dev/null 2>&1; then
	ok "# SKIP simsa rate is not in the command table yet"
	finish
	exit 0
fi

tmux_start
pane=rate
db=$T/demo.db
"$SIMSA" demo --db "$db" --no-panel >/dev/null 2>&1
printf 'demo\n' >"$T/demo.pass"
chmod 600 "$T/demo.pass"


tm new-session -d -s rate -x 100 -y 30 \
	"env LANG=C.UTF-8 LC_ALL= TERM=xterm-256color NO_COLOR=1 '$SIMSA' rate '$db' --rater user01 \
	 --passphrase-file '$T/demo.pass' --lang ko --receipts '$T/my receipts.txt'; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
expect_screen "before the first task, the instructions in Korean" "평가 안내: 사용자 평가: 두 답변 비교"
expect_screen "the instructions' markdown heading is drawn" "# 사용자 평가 안내"
tm send-keys -t rate Enter
expect_screen "Enter: the console goes on to the first task" "어느 쪽이 나은가요?"
expect_screen "side by side at 100 columns: A and B panes" ">A<"
# a paste on the rating screen is text, never commands (the console asked
# for bracketed paste, so paste-buffer -p sends the marks around it)
tm set-buffer -b p1 "5 s y q"
tm paste-buffer -p -b p1 -t rate
expect_screen "a paste outside the editor is ignored and the message says so" "붙여넣기를 무시했습니다"
cnt=$(sqlite3 "$db" "SELECT count(*) FROM draft")
if [ "$cnt" = "0" ] && ! grep -qF "평가를 끝낼까요?" "$T/screen"; then
	ok "the pasted digits and keys did nothing"
else
	not_ok "the pasted digits and keys did nothing" "drafts: $cnt" "$(cat "$T/screen")"
fi
tm send-keys -t rate 2 j 4 c
tm send-keys -t rate -l "훨씬 자세함"
tm set-buffer -b p2 " 붙여
넣음"
tm paste-buffer -p -b p2 -t rate
tm send-keys -t rate M-Enter
tm send-keys -t rate -l "끝"
tm send-keys -t rate Enter
expect_screen "the reason typed in Hangul is shown, the paste with its line break and Alt-Enter's (↵ on the row)" "훨씬 자세함 붙여↵넣음↵끝"
cnt=$(sqlite3 "$db" "SELECT count(*) FROM draft")
if [ "$cnt" = "1" ]; then ok "the draft is in the round file before submitting"; else not_ok "draft saved" "drafts: $cnt"; fi
tm resize-window -t rate -x 70 -y 24
expect_screen "narrower than 100 columns one answer is shown, and it says which" "A 표시 중"
tm resize-window -t rate -x 40 -y 10
expect_screen "a tiny terminal asks to be enlarged" "늘려 주세요"
tm resize-window -t rate -x 100 -y 30
expect_screen "back to the rating screen after enlarging" "어느 쪽이 나은가요?"
tm send-keys -t rate s
expect_screen "submit asks first and shows what will be signed" "이 평가를 제출할까요?"
tm send-keys -t rate y
expect_screen "a receipt code is shown" "영수증 코드:"
code=$(grep -o '[0-9A-Z]\{1,7\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z*~$=]' "$T/screen" | head -1)
cnt=$(sqlite3 "$db" "SELECT count(*) FROM ballot b JOIN rater r ON r.id = b.rater_id WHERE r.name = 'user01' AND b.reason = '훨씬 자세함 붙여' || char(10) || '넣음' || char(10) || '끝'")
if [ "$cnt" = "1" ] && [ -n "$code" ]; then ok "the ballot is stored"; else not_ok "the ballot is stored" "ballots: $cnt code: $code"; fi
expect_ok "the receipt code on screen is found by simsa receipt" receipt "$db" "$code"
if [ "$(grep -cF -- "$code" "$T/my receipts.txt")" = 1 ] && [ "$(stat -c %a "$T/my receipts.txt")" = 600 ]; then
	ok "the code is in the receipts file (--receipts), mode 600"
else
	not_ok "the receipts file" "$(ls -l "$T/my receipts.txt"; cat "$T/my receipts.txt")"
fi
expect_ok "simsa receipt --file checks the receipts file" receipt "$db" --file "$T/my receipts.txt"
tm send-keys -t rate Enter
expect_screen "Enter goes on to the next task" "과제 2/10"
# a paste whose end mark never comes: keys are text until 3 s pass
tm send-keys -t rate -H 1b 5b 32 30 30 7e
tm send-keys -t rate q
expect_screen "a paste that never ends stops after a pause" "붙여넣기가 끝나지 않았습니다"
if grep -qF "평가를 끝낼까요?" "$T/screen"; then
	not_ok "q inside the unfinished paste was text" "$(cat "$T/screen")"
else
	ok "q inside the unfinished paste was text"
fi
tm send-keys -t rate C-c
expect_screen "Ctrl-C asks before leaving" "평가를 끝낼까요?"
tm send-keys -t rate y
i=0
while [ ! -s "$T/exit" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if grep -q '^EXIT=0$' "$T/exit" 2>/dev/null; then ok "the console leaves with status 0"; else not_ok "exit status" "$(cat "$T/exit" 2>/dev/null)"; fi
expect_screen "after leaving it says how far the rater got" "1 of 10 tasks done"
finish
