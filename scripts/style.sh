#!/bin/sh
# The style check (make style; CI runs it): every C file git tracks must be
# as clang-format leaves it under .clang-format. Tables that read better
# aligned by hand opt out between /* clang-format off */ and
# /* clang-format on */. `scripts/style.sh --fix` rewrites the files instead.
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null 2>&1 ||
	{ echo "make style needs clang-format (sh scripts/deps.sh ci installs it)" >&2; exit 1; }
files=$(git ls-files '*.c' '*.h')
if [ "${1:-}" = --fix ]; then
	# shellcheck disable=SC2086
	clang-format -i $files
	exit 0
fi
# shellcheck disable=SC2086
if clang-format --dry-run --Werror $files 2>/dev/null; then
	echo "style: $(echo "$files" | wc -l) files as .clang-format wants them"
else
	echo "style: these files differ from what clang-format makes of them" \
		"(scripts/style.sh --fix rewrites them):" >&2
	for f in $files; do
		clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "  $f" >&2
	done
	exit 1
fi
