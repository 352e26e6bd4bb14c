# simsa — plain Makefile.
#
#   make            just ./simsa (never installs anything)
#   make deps       installs the missing Debian packages (scripts/deps.sh)
#   make test       deps, then every test suite in parallel (TEST_JOBS at once)
#   make sanitize   the same tests under AddressSanitizer and UBSan
#   make clang-test the same tests built with clang (in build-clang)
#   make bench      the benchmarks, as ratios against a baseline of the same run
#   make demo       deps, then the whole road on a demo round
#   make style      clang-format --dry-run --Werror over the tree
#   make layers     the layer check alone (also part of make test)
#   make golden     rewrites the golden screens in tests/golden from the program
#
# WERROR=1 makes every warning an error (CI builds so with gcc and clang:
# .ci/run runs make style, make test, make sanitize and make clang-test).
# Layout: docs/architecture.md (src/ engine, tui/ console, cli/ commands).

PKGS     = ncursesw libcurl sqlite3 libsodium jansson inih libutf8proc icu-uc icu-i18n
BUILD   ?= build
BIN     ?= simsa
CC      ?= cc
OPT     ?= -O2 -g
SAN     ?=
WERROR  ?=
TEST_JOBS ?= 6
WARN     = -pthread -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 \
           -Wno-unused-parameter $(if $(filter 1,$(WERROR)),-Werror)
DEFS     = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# `=` (not `:=`): pkg-config runs only when a recipe needs the flags, after
# `make deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lcsv -lm
CFLAGS_ALL = $(WARN) $(DEFS) $(OPT) $(SAN) -Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = -pthread $(SAN) $(LDFLAGS)
# -MMD -MP: every object's headers, private ones included, in a .d file
DEPFLAGS = -MMD -MP

# The three layers (docs/architecture.md): the engine, the console, the
# commands. main.c is the program; everything else goes in the library
# the program, the tests and the benchmarks link.
ENGINE_SRC := $(sort $(shell find src -name '*.c'))
TUI_SRC    := $(sort $(wildcard tui/*.c))
CLI_SRC    := $(filter-out cli/main.c,$(sort $(wildcard cli/*.c)))
ENGINE_OBJ  = $(ENGINE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/assets.o
TUI_OBJ     = $(TUI_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ     = $(CLI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/cli/main.o
LIB_OBJ     = $(ENGINE_OBJ) $(TUI_OBJ) $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ))
ASSETS   = rubrics/expert.rubric rubrics/user.rubric \
           rubrics/expert.ko.md rubrics/expert.en.md rubrics/user.ko.md rubrics/user.en.md \
           demo/entrants.jsonl demo/prompts.jsonl demo/outputs.jsonl demo/practice.jsonl
TEST_SRC = $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC = $(wildcard bench/*.c)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# Tests and benchmarks may include private headers (cli/cli.h, tui/*.h,
# src/*/*_internal.h); the layer rule binds src/, tui/ and cli/ only.
TEST_INC = -Itests/unit -Icli -Itui

.PHONY: all deps test check programs suites sanitize clang-test bench demo fuzz style layers golden clean
.SUFFIXES:

all: $(BIN)

deps:
	@sh scripts/deps.sh build test optional

$(BIN): $(BUILD)/cli/main.o $(BUILD)/libsimsa.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/libsimsa.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/gen/embed: scripts/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -O1 $(DEPFLAGS) -o $@ $<

$(BUILD)/gen/assets.c: $(BUILD)/gen/embed $(ASSETS)
	$(BUILD)/gen/embed $(ASSETS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c
	$(CC) $(CFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(TEST_INC) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libsimsa.a
	$(CC) -o $@ $^ $(LDFLAGS_ALL) $(PKG_LIBS) -lcmocka

$(BUILD)/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(TEST_INC) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libsimsa.a
	$(CC) -o $@ $^ $(LDFLAGS_ALL) $(PKG_LIBS)

# test_golden pins the wall and monotonic clocks at link time: its own
# time_now_utc and mono_seconds replace simsa's (tests/unit/test_golden.c).
$(BUILD)/tests/test_golden: LDFLAGS_ALL += -Wl,--wrap=time_now_utc,--wrap=mono_seconds

.SECONDARY: $(TEST_BIN:=.o) $(BENCH_BIN:=.o)

-include $(ENGINE_OBJ:.o=.d) $(TUI_OBJ:.o=.d) $(CLI_OBJ:.o=.d) \
	$(TEST_BIN:=.d) $(BENCH_BIN:=.d) $(BUILD)/gen/embed.d

# ---- tests ----
# Each suite (a cmocka binary or a tests/cli script) is a target of its
# own that writes its TAP output and exit status under $(BUILD)/results;
# `make test` runs them TEST_JOBS at a time, then tests/run.sh prints them
# in a fixed order (by name) with one summary line. make -j starts the
# suites in the order of SUITES: the slowest first (measured with 6 jobs on
# 2 cores), so that none of them starts last; then the others by name.
# (tests/cli/*.sh are the shell suites; their shared helpers live in tests/.)
ALL_SUITES = $(TEST_BIN:$(BUILD)/tests/%=unit/%) \
	 $(patsubst tests/cli/%.sh,cli/%,$(sort $(wildcard tests/cli/*.sh))) layers headers
SLOW_SUITES = unit/test_casting cli/generate cli/generate_fail unit/test_keyfile \
	 unit/test_close_race cli/generate_retry cli/demo cli/import cli/console_tmux \
	 unit/test_score cli/results
SUITES = $(filter $(ALL_SUITES),$(SLOW_SUITES)) $(filter-out $(SLOW_SUITES),$(ALL_SUITES))
RESULTS = $(BUILD)/results

test: deps
	@$(MAKE) --no-print-directory check

# check builds what the suites run TEST_JOBS at a time too
check:
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) programs
	@rm -rf $(RESULTS)
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) suites
	@sh tests/run.sh $(RESULTS) $(ALL_SUITES)

programs: $(BIN) $(TEST_BIN)
	@:

suites: $(SUITES:%=$(RESULTS)/%.tap)

$(RESULTS)/unit/%.tap: $(BUILD)/tests/%
	@sh tests/suite.sh $@ ./$(BIN) $<

$(RESULTS)/cli/%.tap: tests/cli/%.sh
	@sh tests/suite.sh $@ ./$(BIN) sh $<

$(RESULTS)/layers.tap: $(LIB_OBJ)
	@sh tests/suite.sh $@ ./$(BIN) sh tests/layers.sh $(BUILD)

$(RESULTS)/headers.tap: $(LIB_OBJ) $(TEST_BIN)
	@sh tests/suite.sh $@ ./$(BIN) sh tests/headers.sh $(BUILD) $(BIN)

layers: $(LIB_OBJ)
	@sh tests/layers.sh $(BUILD)

# The golden screens (docs/console.md, "Golden screens"): test_golden writes
# tests/golden/*.txt instead of comparing; review them with git diff and
# commit them with the change that made them differ.
golden: $(BUILD)/tests/test_golden
	@SIMSA_GOLDEN_WRITE=1 TOP=$(CURDIR) ./$(BUILD)/tests/test_golden
	@git status --short -- tests/golden 2>/dev/null || true

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build-san BIN=build-san/simsa \
	    OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" check

# the second compiler (CI: make WERROR=1 clang-test)
clang-test: deps
	@sh scripts/deps.sh ci
	@$(MAKE) --no-print-directory CC=clang BUILD=build-clang BIN=build-clang/simsa check

bench: $(BIN) $(BENCH_BIN)
	@sh scripts/deps.sh bench
	@sh bench/run.sh $(BUILD) ./$(BIN)

# ---- fuzzing (libFuzzer; needs clang: `sh scripts/deps.sh ci`) ----
# One target per reader of hostile bytes (tests/fuzz/fuzz_*.c): the ballot
# decoder, the JSONL reader, the rubric parser, the CSV reader, the text
# sanitizer, opening a round file or bundle, identity screening, and a
# station's SSH key line. Each
# runs on three corpus directories: build-fuzz/corpus/T (what it grows; not
# committed), the
# seeds tests/fuzz/seed.c makes in build-fuzz/seeds/T (ballots; a small
# closed round and its bundle) and tests/fuzz/corpus/T (committed, small).
#   make fuzz         builds them and fuzzes each for FUZZ_SECONDS in turn
#   make fuzz-replay  builds them and runs each once over the seeds and the
#                     committed corpus, no fuzzing (what CI can afford)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = ballot jsonl rubric csv text bundle leak note sshkey instructions
FUZZ_BIN     = $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  = $(WARN) $(DEFS) -O1 -g -fno-omit-frame-pointer -Iinclude $(PKG_CFLAGS)
# max_len per target (libFuzzer's default is 4096); a round file needs more
FUZZ_LEN_bundle = 65536
FUZZ_LEN_rubric = 16384
FUZZ_LEN_jsonl  = 8192
FUZZ_LEN_text   = 8192
FUZZ_LEN_leak   = 8192
FUZZ_LEN_instructions = 70000
FUZZ_OPTS    = -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
# the fuzzer's own corpus, the seeds, the committed corpus (the ones there)
fuzz_dirs    = build-fuzz/corpus/$(1) build-fuzz/seeds/$(1) \
	       $(wildcard tests/fuzz/corpus/$(1))
fuzz_len     = $(if $(FUZZ_LEN_$(1)),-max_len=$(FUZZ_LEN_$(1)))

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libsimsa.a
	clang $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< build-fuzz/libsimsa.a \
	    -pthread $(PKG_LIBS)

# SQLite connections get a step bound in the bundle fuzzer (see its head)
build-fuzz/fuzz_bundle: PKG_LIBS += -Wl,--wrap=sqlite3_open_v2

build-fuzz/seed: tests/fuzz/seed.c build-fuzz/libsimsa.a
	clang $(FUZZ_CFLAGS) $(FUZZ_SAN) -o $@ $< build-fuzz/libsimsa.a -pthread $(PKG_LIBS)

fuzz-build:
	@sh scripts/deps.sh build ci
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    OPT="-O1 -g -fno-omit-frame-pointer" SAN="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	    build-fuzz/libsimsa.a
	@$(MAKE) --no-print-directory -j2 $(FUZZ_BIN) build-fuzz/seed
	@for t in $(FUZZ_TARGETS); do mkdir -p build-fuzz/corpus/$$t build-fuzz/seeds/$$t; done
	@build-fuzz/seed build-fuzz/seeds/ballot
	@build-fuzz/seed --round build-fuzz/seeds/bundle

fuzz: fuzz-build
	@set -e; $(foreach t,$(FUZZ_TARGETS),echo "== fuzz_$(t), $(FUZZ_SECONDS) s"; \
	    build-fuzz/fuzz_$(t) $(FUZZ_OPTS) $(call fuzz_len,$(t)) \
	    -max_total_time=$(FUZZ_SECONDS) $(call fuzz_dirs,$(t));)

fuzz-replay: fuzz-build
	@set -e; $(foreach t,$(FUZZ_TARGETS),echo "== fuzz_$(t), replay"; \
	    build-fuzz/fuzz_$(t) $(FUZZ_OPTS) $(call fuzz_len,$(t)) -runs=0 \
	    build-fuzz/seeds/$(t) $(wildcard tests/fuzz/corpus/$(t));)

.PHONY: fuzz-build fuzz-replay

demo:
	@sh scripts/deps.sh build
	@$(MAKE) --no-print-directory $(BIN)
	@sh scripts/demo.sh ./$(BIN)

style:
	@sh scripts/deps.sh ci
	@sh scripts/style.sh

clean:
	rm -rf build build-san build-fuzz build-clang $(BIN)
