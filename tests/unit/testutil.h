/* Shared preamble for the cmocka unit tests. */
#ifndef SIMSA_TESTUTIL_H
#define SIMSA_TESTUTIL_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <utf8proc.h>

#include "simsa/score.h"
#include "simsa/store.h"

/* The seed of a test's pseudo-random draws: SIMSA_TEST_SEED when it is set,
 * else the test's own default (a constant, or test_seed_fresh()). main()
 * calls it once, before cmocka_run_group_tests(), and it prints the seed as
 * a TAP comment so that a failure can be replayed with the same draws. */
static inline unsigned long long test_seed(unsigned long long fallback)
{
	const char *env = getenv("SIMSA_TEST_SEED");
	unsigned long long seed = fallback;

	if (env && *env) {
		char *end;

		errno = 0;
		seed = strtoull(env, &end, 10);
		if (errno || *end) {
			fprintf(stderr, "SIMSA_TEST_SEED='%s' is not a number\n", env);
			exit(2);
		}
	}
	printf("# seed: %llu (SIMSA_TEST_SEED=%llu to repeat)\n", seed, seed);
	fflush(stdout);
	return seed;
}

/* A seed that differs from run to run: the time and the process id. */
static inline unsigned long long test_seed_fresh(void)
{
	return (unsigned long long)(uint32_t)((unsigned long)time(NULL) ^
					      ((unsigned long)getpid() << 16));
}

/* A fresh temporary directory for one test; removed by tmpdir_remove(). */
static inline char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[512];

	snprintf(tmpl, sizeof tmpl, "%s/simsa-test-XXXXXX", base && *base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static inline void tmpdir_remove(char **dir)
{
	char cmd[1024];

	if (!*dir)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", *dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", *dir);
	free(*dir);
	*dir = NULL;
}

/* Writes text to dir/name and returns the path (caller frees). */
static inline char *write_file(const char *dir, const char *name, const char *text)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);

	assert_non_null(path);
	sprintf(path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return path;
}

/* The bytes of the file at path, NUL-terminated (caller frees); its
 * length in *len when len is not NULL (a round file holds NULs). */
static inline char *file_bytes(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return s;
}

/* The whole file at path, NUL-terminated (caller frees). */
static inline char *file_text(const char *path)
{
	return file_bytes(path, NULL);
}

/* Columns of len bytes of UTF-8 as a terminal draws them: utf8proc's
 * widths, wide = 2. */
static inline int text_cols(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	int w = 0;

	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);

		assert_true(n > 0);
		w += utf8proc_charwidth(cp) > 0 ? utf8proc_charwidth(cp) : 0;
		p += n;
		left -= n;
	}
	return w;
}

/* Runs SQL on a round file behind simsa's back (to inspect or tamper). */
static inline int sql_exec(const char *db, const char *sql)
{
	sqlite3 *h;
	int rc;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 10000);
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc;
}

/* The first column of the first row of a query, as an integer. */
static inline long long sql_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 10000);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* The points of the closed round (or bundle) at db, or the test fails. */
static inline void score_file(const char *db, const char *bench, struct score_result *r)
{
	struct store *st = NULL;
	struct simsa_err err;

	if (store_open(db, &st, &err) < 0 || score_round(st, bench, r, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
}

#endif
