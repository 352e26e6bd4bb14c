/* Unit tests: the shared helpers of src/util.c (include/simsa/util.h):
 * the growable array's growth and its refusals; what a UTC time is. */
#include "testutil.h"

#include "simsa/util.h"

/* From nothing: 16 items first, then doubling; what was there is kept. */
static void test_grow_array_doubles(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	assert_int_equal(grow_array((void **)&v, &cap, 0, sizeof *v), 0);
	assert_null(v);
	assert_int_equal(cap, 0);
	assert_int_equal(grow_array((void **)&v, &cap, 1, sizeof *v), 0);
	assert_non_null(v);
	assert_int_equal(cap, 16);
	for (int i = 0; i < 16; i++)
		v[i] = i;
	/* enough room already: nothing moves */
	int *before = v;

	assert_int_equal(grow_array((void **)&v, &cap, 16, sizeof *v), 0);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 16);
	assert_int_equal(grow_array((void **)&v, &cap, 17, sizeof *v), 0);
	assert_int_equal(cap, 32);
	/* a jump past one doubling doubles until it is enough */
	assert_int_equal(grow_array((void **)&v, &cap, 100, sizeof *v), 0);
	assert_int_equal(cap, 128);
	for (int i = 0; i < 16; i++)
		assert_int_equal(v[i], i);
	v[127] = 7; /* the whole capacity is there (ASan would say) */
	free(v);
}

/* The loop that every converted site runs: one item at a time. */
static void test_grow_array_one_by_one(void **state)
{
	size_t *v = NULL, cap = 0;

	for (size_t n = 0; n < 10000; n++) {
		assert_int_equal(grow_array((void **)&v, &cap, n + 1, sizeof *v), 0);
		assert_true(cap >= n + 1);
		v[n] = n;
	}
	assert_int_equal(cap, 16384);
	for (size_t n = 0; n < 10000; n++)
		assert_int_equal(v[n], n);
	free(v);
}

/* A count times the item size past SIZE_MAX is refused before realloc,
 * and the array is left as it was. */
static void test_grow_array_overflow(void **state)
{
	char *v = NULL;
	size_t cap = 0;

	assert_int_equal(grow_array((void **)&v, &cap, 10, 8), 0);
	v[0] = 'x';
	assert_int_equal(grow_array((void **)&v, &cap, SIZE_MAX / 8 + 1, 8), -1);
	assert_int_equal(grow_array((void **)&v, &cap, SIZE_MAX, 2), -1);
	/* doubling would pass SIZE_MAX: exactly n_needed, whose size still does */
	assert_int_equal(grow_array((void **)&v, &cap, SIZE_MAX / 2 + 2, 2), -1);
	assert_int_equal(cap, 16);
	assert_non_null(v);
	assert_int_equal(v[0], 'x');
	/* an item of no size makes no array */
	assert_int_equal(grow_array((void **)&v, &cap, 100, 0), -1);
	assert_int_equal(cap, 16);
	free(v);
}

/* A UTC time (docs/verify.md, "Times"): the shape time_now_utc writes,
 * and a real calendar time. */
static void test_time_utc_valid(void **state)
{
	static const char *const good[] = {
		"2026-12-07T19:35:19Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
		"2024-02-29T12:00:00Z", /* divisible by 4 */
		"2000-02-29T00:00:00Z", /* by 400 */
		"2026-01-31T00:00:00Z", "2026-04-30T00:00:00Z", "2026-02-28T23:59:59Z",
	};
	static const char *const bad[] = {
		"2026-13-40T25:61:61Z", /* had the shape: every field out of range */
		"9999-99-99T99:99:99Z",
		"0000-01-01T00:00:00Z", /* no year 0 */
		"2026-00-10T00:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-01-00T00:00:00Z",
		"2026-01-32T00:00:00Z",
		"2026-04-31T00:00:00Z",
		"2026-06-31T00:00:00Z",
		"2026-09-31T00:00:00Z",
		"2026-11-31T00:00:00Z",
		"2026-02-30T00:00:00Z",
		"2026-02-29T00:00:00Z", /* not a leap year */
		"1900-02-29T00:00:00Z", /* divisible by 100, not by 400 */
		"2026-12-07T24:00:00Z",
		"2026-12-07T23:60:00Z",
		"2016-12-31T23:59:60Z", /* a leap second: never written */
		/* the shape */
		"2026-12-07T19:35:19",
		"2026-12-07T19:35:19Z ",
		"2026-12-07 19:35:19Z",
		"2026-12-07t19:35:19z",
		"2026-12-7T19:35:19Z",
		"+2026-12-07T19:35:19Z",
		"2026-12-07T19:35:1xZ",
		"",
		"Z",
	};

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (!time_utc_valid(good[i]))
			fail_msg("refused: %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (time_utc_valid(bad[i]))
			fail_msg("taken: '%s'", bad[i]);
	assert_false(time_utc_valid(NULL));
	/* what time_now_utc writes is one */
	char now[32];

	time_now_utc(now);
	assert_true(time_utc_valid(now));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_array_doubles),
		cmocka_unit_test(test_grow_array_one_by_one),
		cmocka_unit_test(test_grow_array_overflow),
		cmocka_unit_test(test_time_utc_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
