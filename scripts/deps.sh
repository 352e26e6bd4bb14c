#!/bin/sh
# Installs the Debian packages of the named groups that are missing; does
# nothing when all are there. `make deps` (and so `make test`) asks for
# build, test and optional; `make demo` for build; plain `make` never runs
# this (a Debian package build must not call apt-get).
#
#   build     compiler, make, pkg-config and the libraries simsa links
#   test      what the core tests need: cmocka, the sqlite3 shell, python3,
#             python3-nacl (Ed25519 for tools/verify.py, the second
#             verifier, which tests/cli/tamper.sh runs beside simsa verify),
#             and sshd and ssh for the station test (tests/cli/station.sh)
#   optional  what the optional tests need: tmux (the real-terminal tests)
#   ci        what CI adds: clang (the second compiler; also make fuzz) and
#             clang-format (make style)
#   bench     what make bench compares against: numpy and scipy for the
#             Python reference of the Bradley–Terry bootstrap
#
# usage: scripts/deps.sh GROUP...
set -eu

# build: command -> package, pkg-config module -> package, header -> package
BUILD_TOOLS="cc:gcc make:make pkg-config:pkg-config"
BUILD_LIBS="ncursesw:libncurses-dev libcurl:libcurl4-openssl-dev sqlite3:libsqlite3-dev
libsodium:libsodium-dev jansson:libjansson-dev inih:libinih-dev libutf8proc:libutf8proc-dev
icu-uc:libicu-dev icu-i18n:libicu-dev"
BUILD_HEADERS="csv.h:libcsv-dev"
TEST_TOOLS="sqlite3:sqlite3 python3:python3 /usr/sbin/sshd:openssh-server ssh:openssh-client"
TEST_LIBS="cmocka:libcmocka-dev"
OPTIONAL_TOOLS="tmux:tmux"
CI_TOOLS="clang:clang clang-format:clang-format"

missing=""
tools() {
	for pair in $1; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
	done
}
libs() {
	for pair in $1; do
		if command -v pkg-config >/dev/null 2>&1; then
			pkg-config --exists "${pair%%:*}" || missing="$missing ${pair#*:}"
		else
			missing="$missing ${pair#*:}"
		fi
	done
}
headers() {
	for pair in $1; do
		[ -f "/usr/include/${pair%%:*}" ] || missing="$missing ${pair#*:}"
	done
}

[ $# -gt 0 ] || { echo "usage: scripts/deps.sh build|test|optional|ci|bench..." >&2; exit 2; }
for group in "$@"; do
	case $group in
	build) tools "$BUILD_TOOLS"; libs "$BUILD_LIBS"; headers "$BUILD_HEADERS" ;;
	test)
		tools "$TEST_TOOLS"; libs "$TEST_LIBS"
		# tools/verify.py runs under Debian's own interpreter, which sees
		# Debian's python3-* packages
		[ -x /usr/bin/python3 ] || missing="$missing python3"
		/usr/bin/python3 -c "import nacl.signing" 2>/dev/null || missing="$missing python3-nacl"
		;;
	optional) tools "$OPTIONAL_TOOLS" ;;
	ci) tools "$CI_TOOLS" ;;
	bench)
		# Debian's own interpreter: the one its python3-* packages install into
		[ -x /usr/bin/python3 ] || missing="$missing python3"
		for pair in numpy:python3-numpy scipy:python3-scipy; do
			/usr/bin/python3 -c "import ${pair%%:*}" 2>/dev/null || missing="$missing ${pair#*:}"
		done
		;;
	*) echo "scripts/deps.sh: unknown group '$group'" >&2; exit 2 ;;
	esac
done

[ -z "$missing" ] && exit 0
# each package once, in the order first asked for
missing=$(printf '%s\n' $missing | awk '!seen[$0]++' | tr '\n' ' ')

echo "simsa: installing missing Debian packages: $missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "simsa: not root and no sudo; install these packages: $missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
