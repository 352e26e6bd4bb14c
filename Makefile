# simsa — plain Makefile. `make` builds ./simsa; `make test`, `make sanitize`,
# `make bench`, `make demo`. Missing Debian packages are installed first
# (scripts/deps.sh).

PKGS     = ncursesw libcurl sqlite3 libsodium jansson inih libutf8proc
BUILD   ?= build
BIN     ?= simsa
CC      ?= cc
OPT     ?= -O2 -g
SAN     ?=
WARN     = -pthread -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 \
           -Wno-unused-parameter
DEFS     = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# `=` (not `:=`): pkg-config runs only after the deps target has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lcsv -lm
CFLAGS_ALL = $(WARN) $(DEFS) $(OPT) $(SAN) -Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = -pthread $(SAN) $(LDFLAGS)

LIB_SRC  = $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard tui/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/assets.o
ASSETS   = rubrics/expert.rubric rubrics/user.rubric \
           demo/entrants.jsonl demo/prompts.jsonl demo/outputs.jsonl
TEST_SRC = $(wildcard tests/unit/test_*.c)
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC = $(wildcard bench/*.c)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps test sanitize bench demo fuzz clean
.SUFFIXES:

all: $(BIN)

deps:
	@sh scripts/deps.sh

$(BIN): $(BUILD)/src/main.o $(BUILD)/libsimsa.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/libsimsa.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c $(wildcard include/simsa/*.h) $(wildcard tui/*.h) tui/strings.def | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/gen/embed: scripts/embed.c | deps
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -O1 -o $@ $<

$(BUILD)/gen/assets.c: $(BUILD)/gen/embed $(ASSETS)
	$(BUILD)/gen/embed $(ASSETS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c include/simsa/assets.h
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsimsa.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(BUILD)/libsimsa.a $(LDFLAGS_ALL) $(PKG_LIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(BUILD)/libsimsa.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libsimsa.a $(LDFLAGS_ALL) $(PKG_LIBS)

test: $(BIN) $(TEST_BIN)
	@sh tests/run.sh $(BUILD) ./$(BIN)

sanitize: deps
	$(MAKE) BUILD=build-san BIN=build-san/simsa OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" test

bench: $(BIN) $(BENCH_BIN)
	@sh scripts/deps.sh bench
	@sh bench/run.sh $(BUILD) ./$(BIN)

# libFuzzer on the ballot decoder (needs clang: apt-get install clang).
FUZZ_SECONDS ?= 60
fuzz: deps
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" SAN="-fsanitize=address,undefined,fuzzer-no-link" \
	    build-fuzz/libsimsa.a
	@mkdir -p build-fuzz/corpus
	clang $(WARN) $(DEFS) -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude \
	    $(PKG_CFLAGS) -o build-fuzz/fuzz_ballot tests/fuzz/fuzz_ballot.c \
	    build-fuzz/libsimsa.a -pthread $(PKG_LIBS)
	clang $(WARN) $(DEFS) -O1 -g -fsanitize=address,undefined -Iinclude $(PKG_CFLAGS) \
	    -o build-fuzz/seed tests/fuzz/seed.c build-fuzz/libsimsa.a -pthread $(PKG_LIBS)
	build-fuzz/seed build-fuzz/corpus
	build-fuzz/fuzz_ballot -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus

demo: $(BIN)
	@sh scripts/demo.sh ./$(BIN)

clean:
	rm -rf build build-san build-fuzz $(BIN)
