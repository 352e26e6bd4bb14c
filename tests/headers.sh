#!/bin/sh
# Header dependencies: after a header changes, make recompiles exactly the
# objects whose source includes it, directly or through other headers
# (worked out here from the #include lines), and nothing else; the
# program and the tests are linked again. Uses
# `make -n -W HEADER` (what make would do were HEADER just changed) on
# the built tree, so nothing is touched or rebuilt.
# usage: tests/headers.sh BUILD_DIR [BIN]
set -u
build=$1
bin=${2:-simsa}
T=$(mktemp -d "${TMPDIR:-/tmp}/simsa-headers-XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
failed=0

echo "1..5"
for h in src/store/store_internal.h include/simsa/ballot.h include/simsa/err.h tui/canvas.h cli/cli.h; do
	n=$((n + 1))
	# the objects whose sources include h, through any chain of headers
	/usr/bin/env python3 - "$h" "$build" >"$T/want" <<'PY'
import os, re, sys, glob
target, build = sys.argv[1], sys.argv[2]
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
def resolve(frm, name):
    for d in (os.path.dirname(frm), 'include', 'tests/unit', 'cli', 'tui', os.path.join(build, 'gen')):
        p = os.path.normpath(os.path.join(d, name))
        if os.path.exists(p):
            return p
    return None
memo = {}
def reaches(f, seen=()):
    if f == target:
        return True
    if f in memo:
        return memo[f]
    if f in seen:
        return False
    r = False
    for name in inc.findall(open(f, encoding='utf-8').read()):
        p = resolve(f, name)
        if p and reaches(p, seen + (f,)):
            r = True
            break
    memo[f] = r
    return r
objs = []
for src in sorted(glob.glob('src/**/*.c', recursive=True) + glob.glob('tui/*.c') + glob.glob('cli/*.c')):
    if reaches(src):
        objs.append(os.path.join(build, src[:-2] + '.o'))
for t in sorted(glob.glob('tests/unit/test_*.c')):
    if reaches(t):
        objs.append(os.path.join(build, 'tests', os.path.basename(t)[:-2] + '.o'))
print('\n'.join(objs))
PY
	# what make would compile (-c -o X.o) for the program and the tests;
	# linking them again is expected and not counted
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -n -W "$h" BUILD="$build" BIN="$bin" \
		"$bin" $(ls tests/unit/test_*.c | sed "s#tests/unit/\(.*\)\.c#$build/tests/\1#") 2>&1 |
		awk '/ -c / { for (i = 1; i < NF; i++) if ($i == "-o") print $(i + 1) }' |
		sort -u >"$T/got"
	sort -u "$T/want" -o "$T/want"
	if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
		echo "ok $n - a change to $h recompiles exactly the $(wc -l <"$T/want") objects that include it"
	else
		failed=1
		echo "not ok $n - a change to $h recompiles exactly the objects that include it"
		diff "$T/want" "$T/got" | sed 's/^/# /'
	fi
done
exit $failed
