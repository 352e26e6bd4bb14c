/* Unit tests: the shared helpers of src/util.c (include/simsa/util.h):
 * the growable array's growth and its refusals. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_array_doubles),
		cmocka_unit_test(test_grow_array_one_by_one),
		cmocka_unit_test(test_grow_array_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
