#!/bin/sh
# Install the Debian packages simsa needs to build and test, when missing.
# Called by the Makefile before every build; does nothing when all are there.
# `deps.sh bench` also installs what `make bench` compares against (the
# Python reference of the Bradley–Terry bootstrap: numpy and scipy).
set -eu

# pkg-config module -> Debian package
LIBS="ncursesw:libncurses-dev
libcurl:libcurl4-openssl-dev
sqlite3:libsqlite3-dev
libsodium:libsodium-dev
jansson:libjansson-dev
inih:libinih-dev
libutf8proc:libutf8proc-dev
cmocka:libcmocka-dev"
# command -> Debian package (tools the tests and the build use)
TOOLS="cc:gcc
make:make
pkg-config:pkg-config
sqlite3:sqlite3
python3:python3
tmux:tmux"
# header -> Debian package (libraries without a pkg-config module)
HEADERS="csv.h:libcsv-dev"

missing=""
for pair in $TOOLS; do
	cmd=${pair%%:*}; pkg=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
if command -v pkg-config >/dev/null 2>&1; then
	for pair in $LIBS; do
		mod=${pair%%:*}; pkg=${pair#*:}
		pkg-config --exists "$mod" || missing="$missing $pkg"
	done
else
	for pair in $LIBS; do missing="$missing ${pair#*:}"; done
fi

for pair in $HEADERS; do
	h=${pair%%:*}; pkg=${pair#*:}
	[ -f "/usr/include/$h" ] || missing="$missing $pkg"
done

if [ "${1:-}" = bench ]; then
	# Debian's own interpreter: the one its python3-* packages install into
	[ -x /usr/bin/python3 ] || missing="$missing python3"
	for pair in numpy:python3-numpy scipy:python3-scipy; do
		/usr/bin/python3 -c "import ${pair%%:*}" 2>/dev/null || missing="$missing ${pair#*:}"
	done
fi

[ -z "$missing" ] && exit 0

echo "simsa: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "simsa: not root and no sudo; install these packages:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
