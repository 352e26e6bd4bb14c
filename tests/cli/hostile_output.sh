# Command-level tests: names and files from hostile people (issue 13,
# finding 4). A round whose title, entrant, rater, prompt and category names
# carry terminal escapes (OSC 0 title, OSC 8 hyperlink, OSC 52 clipboard
# write, CSI queries, C1 0x9b, U+202E), made by editing a closed round with
# sqlite3 as a hostile bundle author would, and import and CSV files whose
# bad lines hold the same bytes: no raw control byte, C1, bidi control or
# invalid UTF-8 reaches stdout or stderr of the text formats; JSON keeps the
# exact strings, escaped; CSV and JSONL exports keep the exact bytes, and
# refuse to write them to a terminal. The hostile round fails verification
# (the names are in the manifest), so the readers refuse it; with
# --no-verify (exit 3) they show it, and that output is checked.
. "$(dirname "$0")/../cli_lib.sh"

# the attack, as bytes (python3 literals)
# (valid UTF-8, so that JSON can hold it exactly; invalid bytes are added
# where the round keeps bytes JSON cannot)
HOSTILE='"\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\\x1b]52;c;ZXZpbA==\x07\x1b[6n\x1b[2J\xc2\x9b31m\xe2\x80\xae\x7f"'

# clean DESC: $T/out and $T/err hold no byte a terminal acts on
cat >"$T/clean.py" <<'EOF'
import sys
BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}
def why(b):
    for i, c in enumerate(b):
        if (c < 0x20 and c not in (9, 10)) or c == 0x7F:
            return "byte 0x%02x at %d: %r" % (c, i, b[max(0, i - 20):i + 20])
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid UTF-8: %s" % e
    for i, ch in enumerate(s):
        if 0x80 <= ord(ch) <= 0x9F or ord(ch) in BIDI:
            return "U+%04X at %d: %r" % (ord(ch), i, s[max(0, i - 20):i + 20])
    return None
bad = [f + ": " + w for f in sys.argv[1:] for w in [why(open(f, "rb").read())] if w]
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
clean() {
	if w=$(python3 "$T/clean.py" "$T/out" "$T/err"); then ok "$1: no raw control byte"; else not_ok "$1: no raw control byte" "$w"; fi
}
# run_clean DESC STATUS CMD...: simsa exits STATUS and its output is clean
run_clean() {
	desc=$1; want=$2; shift 2
	run "$@"
	if [ "$rc" -ne "$want" ]; then not_ok "$desc: exit $want" "exit $rc" "$(head -c 600 "$T/err")"; else ok "$desc: exit $want"; fi
	clean "$desc"
}
hostile() { python3 -c "import sys; sys.stdout.buffer.write(b$HOSTILE)"; }
hx=$(hostile | od -An -tx1 | tr -d ' \n')
bx=${hx}ff

# ---- a hostile closed round, as a hostile bundle can hold it ----
scored_round "$T/good.db"
db="$T/round$(printf '\033[2J').db" # the file's name too
cp "$T/good.db" "$db"
# the guards are dropped for the edit and put back after it, exactly, as
# the readers refuse a file whose schema is not simsa's
sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" >"$T/triggers.sql"
sqlite3 "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" |
	sqlite3 "$db"
sqlite3 "$db" "UPDATE round SET title = CAST(X'$hx' AS TEXT);
UPDATE entrant SET name = name || CAST(X'$hx' AS TEXT);
UPDATE rater SET name = name || CAST(X'$hx' AS TEXT), categories = CAST(X'$bx' AS TEXT);
UPDATE prompt SET ext_id = ext_id || CAST(X'$hx' AS TEXT), category = CAST(X'$bx' AS TEXT);
UPDATE ballot SET cast_at = cast_at || CAST(X'$bx' AS TEXT);"
sqlite3 "$db" <"$T/triggers.sql"
# the same without the invalid bytes, which JSON cannot hold
hxdb=$T/hx.db
cp "$T/good.db" "$hxdb"
sqlite3 "$hxdb" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" |
	sqlite3 "$hxdb"
sqlite3 "$hxdb" "UPDATE round SET title = CAST(X'$hx' AS TEXT);
UPDATE entrant SET name = name || CAST(X'$hx' AS TEXT);
UPDATE rater SET name = name || CAST(X'$hx' AS TEXT);"
sqlite3 "$hxdb" <"$T/triggers.sql"
if [ "$(sqlite3 "$db" "SELECT count(*) FROM entrant WHERE instr(name, char(27)) > 0")" -eq 3 ]; then
	ok "the hostile round is made"
else
	not_ok "the hostile round is made"
fi

run_clean "score refuses the hostile round" 1 score "$db"
if grep -q "fails verification (steps: enrolments, ballots, manifest)" "$T/err" && [ ! -s "$T/out" ]; then
	ok "score names the failing steps, computes nothing"
else
	not_ok "score names the failing steps" "$(cat "$T/err")"
fi
run_clean "score --no-verify" 3 score "$db" --no-verify
if grep -q '␛\]0;pwned␇' "$T/out" && grep -q '⟨CSI⟩31m' "$T/out" && grep -q '⟨RLO⟩' "$T/out"; then
	ok "score shows the escapes as the console does"
else
	not_ok "score shows the escapes as the console does" "$(head -c 800 "$T/out")"
fi
run_clean "score --format json" 3 score "$db" --format json --no-verify
if [ "$(json_get "$T/out" "d['title'].encode() == b$HOSTILE")" = True ]; then
	ok "score json keeps the exact title"
else
	not_ok "score json keeps the exact title" "$(head -c 300 "$T/out")"
fi
run score "$db" --format csv --no-verify
if [ "$rc" -eq 3 ] && python3 -c "import sys; sys.exit(0 if b$HOSTILE in open(sys.argv[1], 'rb').read() else 1)" "$T/out"; then
	ok "score csv in a pipe keeps the exact bytes"
else
	not_ok "score csv in a pipe keeps the exact bytes" "exit $rc"
fi
run_clean "status" 0 status "$db"
run_clean "status --format json" 0 status "$db" --format json
if [ "$(json_get "$T/out" "d['title'].encode() == b$HOSTILE, len(d['raters'])")" = "True 12" ]; then
	ok "status json keeps the exact strings"
else
	not_ok "status json keeps the exact strings" "$(head -c 300 "$T/out")"
fi
run_clean "verify" 1 verify "$db"
run_clean "verify --format json" 1 verify "$db" --format json
run_clean "receipt refuses the hostile round" 1 receipt "$db" AAAA-AAAA-AAAA-AAAA
run_clean "receipt, no such ballot" 1 receipt "$db" AAAA-AAAA-AAAA-AAAA --no-verify
# a ballot's receipt (tests/tools/receipt_code.py: its place and hash)
code=$("$SIMSA" export "$T/good.db" --format jsonl | python3 -c "
import json, sys
import os; sys.path.insert(0, os.path.join(os.environ.get('TOP', '.'), 'tests/tools'))
from receipt_code import code
place = 0
for l in sys.stdin:
    r = json.loads(l)
    if r.get('kind') == 'ballot' and r.get('counted'):
        print(code(place, bytes.fromhex(r['hash']))); break
    place += r.get('kind') == 'ballot'")
run_clean "receipt of a counted ballot" 3 receipt "$db" "$code" --no-verify
# (the cast time is cut at 31 bytes: the ESC after BEL shows alone)
if grep -q "cast [0-9TZ:-]*␛\]0;pwned␇␛) is in the round at place [0-9]*: counted" "$T/out"; then
	ok "receipt shows the hostile cast time sanitized"
else
	not_ok "receipt shows the hostile cast time sanitized" "$(cat "$T/out" "$T/err")"
fi
run_clean "receipt, a hostile code" 2 receipt "$db" "$(printf 'A\033]52;c;eA==\007')"
run_clean "unknown command" 2 "$(printf 'x\033[6n')"
# JSON cannot hold bytes that are not UTF-8: a JSON Lines export of the
# damaged round fails whole, never leaving a record out unsaid
run_clean "export jsonl of text that is not UTF-8" 1 export "$db" --format jsonl
if grep -q "records hold text that is not valid UTF-8" "$T/err" && [ ! -s "$T/out" ]; then
	ok "export jsonl says why and writes nothing"
else
	not_ok "export jsonl says why and writes nothing" "$(cat "$T/err")" "$(head -c 200 "$T/out")"
fi
run_clean "score json of text that is not UTF-8" 3 score "$db" --format json --no-verify
if [ "$(json_get "$T/out" "len([e for e in d['entrants'] if '\ufffd' in e['name'] or '\x1b' in e['name']])")" = 3 ]; then
	ok "score json keeps every name (U+FFFD for a byte JSON cannot hold)"
else
	not_ok "score json keeps every name" "$(head -c 300 "$T/out")"
fi
for f in csv jsonl votes; do
	# (jsonl is what verify reads: never checked first)
	nv=--no-verify want=3 src=$db
	[ $f = jsonl ] && nv= want=0 src=$hxdb
	run export "$src" --format $f $nv
	# CSV the raw bytes, JSON Lines as jansson escapes them (\u001b)
	if [ "$rc" -eq "$want" ] && python3 -c "import sys; b = open(sys.argv[1], 'rb').read(); sys.exit(0 if b'\x1b' in b or b'\\\\u001b' in b.lower() else 1)" "$T/out"; then
		ok "export $f in a pipe keeps the exact bytes"
	else
		not_ok "export $f in a pipe keeps the exact bytes" "exit $rc" "$(cat "$T/err")"
	fi
done
run_clean "export bundle" 0 export "$db" --format bundle --out "$T/b$(printf '\033]0;t\007').db"
run_clean "export over a file" 1 export "$db" --format csv --out "$T/b$(printf '\033]0;t\007').db"

# ---- a terminal: CSV and JSONL with control bytes are refused ----
cat >"$T/tty_run.py" <<'EOF'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
open(sys.argv[0] + ".out", "wb").write(out)
print(os.waitstatus_to_exitcode(st))
EOF
for f in csv jsonl votes; do
	nv=--no-verify src=$db
	[ $f = jsonl ] && nv= src=$hxdb
	rc=$(python3 "$T/tty_run.py" "$SIMSA" export "$src" --format $f $nv)
	sed 's/\r$//' "$T/tty_run.py.out" >"$T/out" # the terminal's CR LF
	: >"$T/err"
	if [ "$rc" = 1 ] && grep -q -- '--out' "$T/out"; then
		ok "export $f to a terminal is refused"
	else
		not_ok "export $f to a terminal is refused" "exit $rc" "$(head -c 300 "$T/out" | od -c | head)"
	fi
	clean "export $f to a terminal"
done
rc=$(python3 "$T/tty_run.py" "$SIMSA" score "$db" --format csv --no-verify)
sed 's/\r$//' "$T/tty_run.py.out" >"$T/out"
if [ "$rc" = 1 ]; then ok "score csv to a terminal is refused"; else not_ok "score csv to a terminal is refused" "exit $rc"; fi
clean "score csv to a terminal"
rc=$(python3 "$T/tty_run.py" "$SIMSA" export "$T/good.db" --format csv)
if [ "$rc" = 0 ] && grep -q '^ballot' "$T/tty_run.py.out"; then
	ok "a clean export to a terminal is written"
else
	not_ok "a clean export to a terminal is written" "exit $rc" "$(head -c 300 "$T/tty_run.py.out")"
fi

# ---- rank and agreement on hostile labels, and their bad lines ----
python3 - "$T" <<EOF
import sys
h = b$HOSTILE
t = sys.argv[1]
with open(t + "/votes.csv", "wb") as f:
    f.write(b"left,right,outcome\n")
    for i in range(6):
        f.write(b"a" + h + b",b" + h + b",left\n")
        f.write(b"b" + h + b",c" + h + b",left\n")
        f.write(b"c" + h + b",a" + h + b",left\n")
        f.write(b"b" + h + b",a" + h + b",left\n")
with open(t + "/badvotes.csv", "wb") as f:
    f.write(b"left,right,outcome\na,b,left\na,b," + h + b"\n")
with open(t + "/ratings.csv", "wb") as f:
    f.write(b"unit,rater,value\n")
    for u in range(5):
        for r in range(3):
            f.write(b"u%d" % u + h + b",r%d" % r + h + b",%d\n" % ((u + r) % 3))
with open(t + "/badratings.csv", "wb") as f:
    f.write(b"unit,rater,value\nu1,r1,1\nu1,r2," + h + b"\n")
with open(t + "/badhead.csv", "wb") as f:
    f.write(h + b",rater,value\nu1,r1,1\n")
EOF
run_clean "rank" 0 rank "$T/votes.csv" --bootstrap 0
run_clean "rank --format json" 0 rank "$T/votes.csv" --bootstrap 0 --format json
run_clean "rank, a bad outcome" 1 rank "$T/badvotes.csv"
run_clean "agreement" 0 agreement "$T/ratings.csv" --level ordinal --bootstrap 0
run_clean "agreement, a bad value" 1 agreement "$T/badratings.csv" --level interval
run_clean "agreement, a bad header" 1 agreement "$T/badhead.csv" --level ordinal
run_clean "score --benchmark, a bad line" 1 score "$T/good.db" --benchmark "$T/badvotes.csv"

# ---- imports: bad lines quote their bytes ----
d="$T/draft.db"
expect_ok "init" init "$d"  --title draft
python3 - "$T" <<EOF
import json, sys
h = b$HOSTILE
t = sys.argv[1]
open(t + "/e1.jsonl", "wb").write(b'{"name": "x' + h + b'"}\n')
open(t + "/e2.jsonl", "wb").write(b'{"name": "' + json.dumps(h.decode()).encode()[1:-1] + b'"}\n')
open(t + "/e3.jsonl", "wb").write(h + b"\n")
open(t + "/p1.jsonl", "wb").write(b'{"id": "p1", "category": ' + json.dumps(h.decode()).encode() + b', "prompt": "q"}\n')
open(t + "/o1.jsonl", "wb").write(b'{"prompt_id": ' + json.dumps(h.decode()).encode() + b', "entrant": "x", "output": "y"}\n')
EOF
run_clean "entrants import, raw ESC in a string" 1 entrants import "$d" "$T/e1.jsonl"
run_clean "entrants import, a name with escapes" 1 entrants import "$d" "$T/e2.jsonl"
run_clean "entrants import, a line of junk" 1 entrants import "$d" "$T/e3.jsonl"
run_clean "prompts import, a category with escapes" 1 prompts import "$d" "$T/p1.jsonl"
run_clean "outputs import, a prompt id with escapes" 1 outputs import "$d" "$T/o1.jsonl"
run_clean "init, a title with escapes" 1 init "$T/d2.db" --title "$(hostile)"

# ---- a hostile draft round: status and screening ----
hd="$T/hdraft.db"
cp "$d" "$hd"
sqlite3 "$hd" "UPDATE round SET title = CAST(X'$hx' AS TEXT);
INSERT INTO entrant (name, aliases) VALUES (CAST(X'$hx' AS TEXT), '[\"zed\"]');
INSERT INTO prompt (ext_id, category, prompt) VALUES (CAST(X'$hx' AS TEXT), CAST(X'$hx' AS TEXT), 'q');"
run_clean "status of a hostile draft" 0 status "$hd"
run_clean "outputs screen of a hostile draft" 0 outputs screen "$hd"

finish
