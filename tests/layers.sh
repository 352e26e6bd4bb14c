#!/bin/sh
# The layer check (docs/architecture.md, "Layers"), on the compiled objects:
# what each object asks the linker for (nm -u) must come from a layer it may
# use. The rules:
#
#   floors          each folder uses its own symbols and those of folders
#                   on lower floors only (FLOORS below): the engine never
#                   calls the console or the commands, the console never
#                   calls a command, and the folders form no cycle
#   engine  (src/)  no curses; SQLite only in src/store/, libcurl only in
#                   src/generate/
#   console (tui/)  no SQLite, libsodium, libcurl
#   commands (cli/) no SQLite, libcurl or curses: they reach the round
#                   file, the network and the screen through the engine and
#                   the console
#
# A library's symbols are the ones it defines (nm -D) in the copy the
# program is linked with (ldd). Tests and benchmarks are outside the rule:
# they may include private headers and call any layer.
#
# Output is TAP: the check on BUILD's objects, then the check of the check
# (each kind of violation, compiled as a small object and put among the
# real ones, must be caught, naming the object and the symbol).
# usage: tests/layers.sh BUILD_DIR [SIMSA_BINARY]   (default: $SIMSA)
set -u
build=$1
bin=${2:-${SIMSA:-./simsa}}
T=$(mktemp -d "${TMPDIR:-/tmp}/simsa-layers-XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=1
	echo "not ok $n - $1"
	shift
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}

# the defined dynamic symbols of the linked library whose name starts with $1
lib_syms() {
	for so in $(ldd "$bin" | awk -v p="$1" 'index($1, p) == 1 && $3 ~ /^\// { print $3 }'); do
		nm -D --defined-only "$so" | awk '{ print $3 }'
	done | sed 's/@.*//' | sort -u
}
lib_syms libsqlite3 >"$T/sqlite"
lib_syms libsodium >"$T/sodium"
lib_syms libcurl >"$T/curl"
{ lib_syms libncursesw; lib_syms libtinfo; } | sort -u >"$T/curses"
for f in sqlite sodium curl curses; do
	if [ ! -s "$T/$f" ]; then
		echo "1..1"
		echo "not ok 1 - cannot read the symbols of $f from $bin (ldd, nm)"
		exit 1
	fi
done

# scan ROOT OUT: what the objects under ROOT/src, ROOT/tui, ROOT/cli (and
# ROOT/gen/assets.o) define and want, as lines "D|U PATH SYMBOL" (PATH
# relative to ROOT), with one nm call
scan() {
	(cd "$1" && find src tui cli gen -name '*.o' 2>/dev/null | sort | xargs nm -A) |
		awk '{ split($1, p, ":"); o = p[1]
		       if (NF == 3 && $2 == "U") print "U", o, $3
		       else if (NF == 3 && $2 ~ /^[TDBRC]$/) print "D", o, $3 }' >"$2"
}

# The floors, lowest first (gen: the built-in rubrics and demo data). An object may use symbols of its own folder and
# of folders on lower floors only, so the folders form no cycle. A new
# folder gets its floor here and in docs/architecture.md.
FLOORS="0 gen
1 src
2 src/store src/assign
3 src/input src/ledger
4 src/stats src/generate
5 src/round
6 src/score
7 src/audit
8 tui
9 cli"

# check SCAN: one line "OBJECT: SYMBOL (RULE)" per violation
check() {
	printf '%s\n' "$FLOORS" >"$T/floors"
	awk -v T="$T" '
	function load(f, set,   s) { while ((getline s < (T "/" f)) > 0) set[f, s] = 1 }
	function dir(o,   d) { d = o; sub(/\/[^\/]*$/, "", d); return d }
	BEGIN {
		load("sqlite", L); load("sodium", L); load("curl", L); load("curses", L)
		while ((getline line < (T "/floors")) > 0) {
			k = split(line, f, " ")
			for (i = 2; i <= k; i++) floor[f[i]] = f[1]
		}
	}
	$1 == "D" { def[$3] = $2 }
	$1 == "U" { want[++n] = $2 " " $3 }
	function no(o, s, lib, rule) { if ((lib, s) in L) print o ": " s " (" rule ")" }
	function layer(d) { return d ~ /^(src|gen)(\/|$)/ ? "engine" : d }
	function up(o, s,   from, to, what) {
		if (!(s in def)) return
		from = dir(o); to = dir(def[s])
		if (from == to) return
		if (!(from in floor)) { print o ": " s " (" from " has no floor in tests/layers.sh)"; return }
		if (!(to in floor)) { print o ": " s " (" to " has no floor in tests/layers.sh)"; return }
		if (floor[to] < floor[from]) return
		if (layer(from) == "engine" && to == "tui") what = "the engine calls the console"
		else if (layer(from) == "engine" && to == "cli") what = "the engine calls a command"
		else if (from == "tui" && to == "cli") what = "the console calls a command"
		else what = from " uses " to ", which is not below it"
		print o ": " s " (" what ")"
	}
	END {
		for (i = 1; i <= n; i++) {
			split(want[i], w, " "); o = w[1]; s = w[2]
			up(o, s)
			if (o ~ /^(src|gen)\//) {
				no(o, s, "curses", "the engine draws")
				if (o !~ /^src\/store\//) no(o, s, "sqlite", "SQL outside src/store/")
				if (o !~ /^src\/generate\//) no(o, s, "curl", "libcurl outside src/generate/")
			} else if (o ~ /^tui\//) {
				no(o, s, "sqlite", "the console reads the round file itself")
				no(o, s, "sodium", "the console does cryptography itself")
				no(o, s, "curl", "the console goes to the network")
			} else if (o ~ /^cli\//) {
				no(o, s, "sqlite", "a command reads the round file itself")
				no(o, s, "curl", "a command goes to the network itself")
				no(o, s, "curses", "a command draws")
			}
		}
	}' "$1"
}

echo "1..10"
scan "$build" "$T/scan"
check "$T/scan" >"$T/real"
if [ -s "$T/real" ]; then
	not_ok "every object of $build keeps the layer rule" "$(cat "$T/real")"
else
	ok "every object of $build keeps the layer rule ($(find "$build/src" "$build/tui" "$build/cli" -name '*.o' | wc -l) objects)"
fi

# violation DESC FILE SYMBOL EXPECTED_RULE: the real objects plus FILE
# (e.g. src/x/bad.o) calling SYMBOL must give exactly one violation, naming
# the object, the symbol and the rule
violation() {
	desc=$1 file=$2 sym=$3 rule=$4
	mkdir -p "$T/bad/$(dirname "$file")"
	printf 'extern int %s(void);\nint layer_violation(void) { return %s(); }\n' "$sym" "$sym" >"$T/bad.c"
	if ! cc -c -o "$T/bad/$file" "$T/bad.c" 2>"$T/cc.err"; then
		not_ok "$desc" "cannot compile the violating object" "$(cat "$T/cc.err")"
		return
	fi
	cp "$T/scan" "$T/scan.bad"
	scan "$T/bad" "$T/scan.one"
	cat "$T/scan.one" >>"$T/scan.bad"
	rm -rf "$T/bad"
	check "$T/scan.bad" >"$T/found"
	want="$file: $sym ($rule)"
	if [ "$(cat "$T/found")" = "$want" ]; then
		ok "$desc is caught: $want"
	else
		not_ok "$desc is caught" "want: $want" "got: $(cat "$T/found")"
	fi
}
violation "the engine drawing" src/round/bad.o initscr "the engine draws"
violation "the engine calling a command" src/score/bad.o cli_fail "the engine calls a command"
violation "the engine calling the console" src/bad.o console_show_results "the engine calls the console"
violation "SQL outside the store" src/audit/bad.o sqlite3_prepare_v2 "SQL outside src/store/"
violation "the console reading the round file" tui/bad.o sqlite3_exec "the console reads the round file itself"
violation "the console calling a command" tui/bad.o cmd_score "the console calls a command"
violation "a command reading the round file" cli/bad.o sqlite3_open_v2 "a command reads the round file itself"
violation "the store calling up into a round (a cycle)" src/store/bad.o session_submit "src/store uses src/round, which is not below it"
violation "a new folder without a floor" src/newfamily/bad.o store_begin "src/newfamily has no floor in tests/layers.sh"
exit $failed
