# Command-level tests: a full disk. The kernel's own refusal to grow a file
# (RLIMIT_FSIZE, with SIGXFSZ ignored: write() fails as on a full disk) on
# init, an import and an export: each exits 1 with a message that says the
# disk is full, and leaves no half-made file and the round as it was.
. "$(dirname "$0")/../cli_lib.sh"

# limited BYTES CMD...: runs simsa with no file allowed to grow past BYTES
limited() {
	bytes=$1; shift
	python3 -c '
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
os.execvp(sys.argv[2], sys.argv[2:])' "$bytes" "$SIMSA" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
full_msg="the disk is full or cannot be written: nothing of this step was saved; make room and try again"

db=$T/round.db
limited 16384 init "$db" --title "가득 찬 디스크"
if [ "$rc" -eq 1 ] && grep -qF "$full_msg" "$T/err"; then ok "init on a full disk: exit 1, says so"; else not_ok "init on a full disk" "exit $rc" "$(cat "$T/err")"; fi
check "no round file and no temporary or side files are left" sh -c "! ls '$T' | grep -q 'round.db'"
check "nor the organizer key made for it" test ! -e "$T/round.keys/organizer.key"

expect_ok "init with room" init "$db" --title "가득 찬 디스크"
printf '{"name": "haneul", "team": "하늘"}\n{"name": "gaon", "team": "가온"}\n' >"$T/entrants.jsonl"
before=$(sqlite3 "$db" .dump | sha256sum)
limited 4096 entrants import "$db" "$T/entrants.jsonl"
if [ "$rc" -eq 1 ] && grep -qF "$full_msg" "$T/err"; then ok "import on a full disk: exit 1, says so"; else not_ok "import on a full disk" "exit $rc" "$(cat "$T/err")"; fi
if [ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ] &&
	[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = "ok" ]; then
	ok "the round is exactly as it was, and whole"
else
	not_ok "round unchanged after a full disk"
fi
expect_ok "the same import once there is room" entrants import "$db" "$T/entrants.jsonl"

expect_ok "demo round" demo --db "$T/demo.db"
printf 'demo\n' >"$T/demo.pass"
chmod 600 "$T/demo.pass"
expect_ok "close it" close "$T/demo.db" --force --passphrase-file "$T/demo.pass"
limited 65536 export "$T/demo.db" --format bundle --out "$T/bundle.db"
if [ "$rc" -eq 1 ] && grep -qF "$full_msg" "$T/err"; then ok "a bundle on a full disk: exit 1, says so"; else not_ok "bundle on a full disk" "exit $rc" "$(cat "$T/err")"; fi
check "no half-written bundle is left" test ! -e "$T/bundle.db"
expect_ok "the bundle once there is room" export "$T/demo.db" --format bundle --out "$T/bundle.db"
for fmt in jsonl csv; do
	limited 4096 export "$T/demo.db" --format $fmt --out "$T/round.$fmt"
	if [ "$rc" -eq 1 ]; then ok "a $fmt export on a full disk: exit 1"; else not_ok "$fmt export on a full disk" "exit $rc" "$(cat "$T/err")"; fi
	check "no half-written $fmt export is left" test ! -e "$T/round.$fmt"
done
expect_ok "and it verifies" verify "$T/bundle.db"
finish
