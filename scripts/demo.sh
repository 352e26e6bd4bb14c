#!/bin/sh
# make demo: the whole road on the demo round. `simsa demo` builds and opens
# it and a simulated panel rates it; on a terminal you then rate as user01
# in the console (q leaves). Then, as the organizer and an auditor would:
# close, verify, score (also with the demo's benchmark points for the total
# out of 100), export a bundle, verify and score the bundle; on a
# terminal the results screen ends it (q leaves).
# usage: scripts/demo.sh SIMSA_BINARY [DIR]   (DIR default build/demo, remade)
set -eu
simsa=$1
dir=${2:-build/demo}
rm -rf "$dir"
mkdir -p "$dir"
db=$dir/round.db
step() { printf '\n$ simsa %s\n' "$*"; "$simsa" "$@"; }

step demo --db "$db"
printf 'demo\n' >"$dir/organizer.pass"
chmod 600 "$dir/organizer.pass"
# --force: the round closes even if you left some of user01's tasks undone
step close "$db" --force --passphrase-file "$dir/organizer.pass"
step verify "$db"
step score "$db"
# the programme's 100 points: + the benchmark component (demo/benchmark.csv)
step score "$db" --benchmark demo/benchmark.csv
step export "$db" --format bundle --out "$dir/bundle.db"
step verify "$dir/bundle.db"
"$simsa" score "$db" --benchmark demo/benchmark.csv --format json >"$dir/round.json"
"$simsa" score "$dir/bundle.db" --benchmark demo/benchmark.csv --format json >"$dir/bundle.json"
if cmp -s "$dir/round.json" "$dir/bundle.json"; then
	printf '\nthe bundle gives the same points as the round, to the last digit (%s, %s)\n' \
		"$dir/round.json" "$dir/bundle.json"
else
	echo "demo: the bundle's points differ from the round's" >&2
	exit 1
fi
if [ -t 0 ] && [ -t 1 ]; then
	printf '\nopening the results screen (j/k move, Enter details, q leaves)...\n'
	sleep 2
	step results "$db" --benchmark demo/benchmark.csv
fi
