#!/bin/sh
# Runs the benchmarks (make bench). Not part of make test: timings on a
# shared machine are reported as ratios against a baseline run alongside.
# usage: bench/run.sh BUILD_DIR SIMSA_BINARY
set -u
build=$1
data=${SIMSA_BENCH_DATA:-../shared/data/ko-arena-hard}
"$build/bench/bench_assign" 5
"$build/bench/bench_verify" "$build/bench"  # builds its ~1M-ballot round once (a few minutes)
"$build/bench/bench_stats" 3
"$build/bench/bench_bt" /usr/bin/python3 bench/bt_reference.py  # issue 6: < 10 s, >= 20x numpy/scipy
"$build/bench/bench_generate" tests/tools/stub_server.py
"$build/bench/bench_console" - 20
"$build/bench/bench_console_start" "$build/bench"
if [ ! -f "$data/outputs.jsonl" ]; then
	echo "bench: no data at $data (set SIMSA_BENCH_DATA to a ko-arena-hard copy); skipped"
	exit 0
fi
"$build/bench/bench_import" "$data" 3
"$build/bench/bench_text" "$data/outputs.jsonl" 50
"$build/bench/bench_console" "$data/outputs.jsonl" 20
