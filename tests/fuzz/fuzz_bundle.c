/* libFuzzer target: opening a round file or bundle made of any bytes, and
 * reading it as verify and score do (store_open_read, store_round_info,
 * store_counts, audit_run, score_round). The bytes go to a file in /dev/shm
 * (SQLite needs a path); the seeds are a small closed round and its bundle
 * (tests/fuzz/seed.c --round). Run with -max_len=65536.
 *
 * A bound on the work: the target is linked with
 * -Wl,--wrap=sqlite3_open_v2, and every connection simsa opens gets a
 * progress handler that interrupts a query after FUZZ_STEPS virtual machine
 * steps (a hostile schema, such as a recursive view, would otherwise spin).
 * Hitting the bound is counted and reported at exit; with
 * FUZZ_BUNDLE_STRICT=1 in the environment it aborts instead, so that such
 * inputs are kept as crashes. `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "simsa/audit.h"
#include "simsa/score.h"
#include "simsa/store.h"

#define FUZZ_STEPS (20u * 1000 * 1000)
#define STEP_TICK 1000

static unsigned long ticks, bound_hits;
static int strict;

static int step_bound(void *ctx)
{
	if (++ticks <= FUZZ_STEPS / STEP_TICK)
		return 0;
	if (strict) {
		fprintf(stderr, "fuzz_bundle: a query ran past %u steps\n", FUZZ_STEPS);
		abort();
	}
	return 1;
}

int __real_sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs);
int __wrap_sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs);
int __wrap_sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs)
{
	int rc = __real_sqlite3_open_v2(path, db, flags, vfs);

	if (*db)
		sqlite3_progress_handler(*db, STEP_TICK, step_bound, NULL);
	return rc;
}

static char path[64];

static void report(void)
{
	if (bound_hits)
		fprintf(stderr, "fuzz_bundle: %lu inputs hit the step bound\n", bound_hits);
	unlink(path);
}

static void remove_files(void)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[96];

	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("FUZZ_BUNDLE_STRICT");

	strict = s && strcmp(s, "1") == 0;
	if (sodium_init() < 0)
		abort();
	snprintf(path, sizeof path, "/dev/shm/simsa-fuzz-bundle-%ld.db", (long)getpid());
	atexit(report);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store *st = NULL;
	struct simsa_err err;
	struct round_info ri;
	struct store_counts c;
	struct score_result r;
	json_t *rep = NULL;
	FILE *f;

	remove_files();
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	ticks = 0;
	if (store_open_read(path, &st, &err) == 0) {
		(void)store_round_info(st, &ri, &err);
		(void)store_counts(st, &c, &err);
		if (audit_run(st, &rep, &err) == 0) {
			if (!json_is_object(rep) || !json_is_boolean(json_object_get(rep, "ok")))
				abort();
			json_decref(rep);
		}
		memset(&r, 0, sizeof r);
		if (score_round(st, NULL, &r, &err) == 0)
			score_result_release(&r);
	}
	store_close(&st);
	if (ticks > FUZZ_STEPS / STEP_TICK)
		bound_hits++;
	remove_files();
	return 0;
}
