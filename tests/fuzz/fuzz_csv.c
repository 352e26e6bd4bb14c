/* libFuzzer target: the CSV reader (include/simsa/csvin.h) and its readers
 * on any bytes, as one file read every way simsa reads CSV: the generic
 * reader (fields are NUL-free UTF-8, required columns present), votes for
 * `simsa rank`, ratings at each level for `simsa agreement`, the benchmark
 * points of `simsa score`; then, on what loads and is small, the statistics
 * (a value they return must be finite). The same bytes, NUL-terminated, go to
 * csvin_decimal, checked against the grammar it documents. The reader takes
 * a path, so the bytes go to a file in /dev/shm. `make fuzz`. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simsa/agreement.h"
#include "simsa/csvin.h"
#include "simsa/score.h"
#include "simsa/stats.h"
#include "simsa/util.h"

#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			fprintf(stderr, "fuzz_csv: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                          \
		}                                                                         \
	} while (0)

#define SMALL 24 /* entrants, units or raters the statistics are run on */

static char path[64];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	snprintf(path, sizeof path, "/dev/shm/simsa-fuzz-csv-%ld.csv", (long)getpid());
	atexit(cleanup);
	return 0;
}

static const struct csvin_col cols[] = {
	{ "unit", true },
	{ "rater", false },
	{ "value", false },
	{ "left", false },
};
#define N_COLS (sizeof cols / sizeof cols[0])

static int on_row(void *ctx, const struct csvin_row *row, struct simsa_err *err)
{
	size_t *rows = ctx;

	/* a lone CR ends a record but not a line: the header and a record
	 * can both be on line 1 */
	CHECK(row->line >= 1);
	CHECK(row->field[0] != NULL && row->column[0] >= 1);
	for (size_t c = 0; c < N_COLS; c++) {
		if (!row->field[c]) {
			CHECK(row->column[c] == 0);
			continue;
		}
		CHECK(row->column[c] >= 1 && row->column[c] <= CSVIN_MAX_COLS);
		CHECK(utf8_valid(row->field[c], strlen(row->field[c]), NULL));
		for (size_t d = 0; d < c; d++)
			CHECK(!row->field[d] || row->column[d] != row->column[c]);
	}
	if (++*rows == 3)
		return csvin_field_error(err, row, cols, 0, "stop at %zu", *rows);
	return 0;
}

/* csvin_decimal against its grammar: [+-]digits[.digits][(e|E)[+-]digits]. */
static bool grammar(const char *s)
{
	size_t i = 0, d;

	if (s[i] == '+' || s[i] == '-')
		i++;
	for (d = i; s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d)
		return false;
	if (s[i] == '.') {
		for (d = ++i; s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		for (d = i; s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return s[i] == '\0';
}

static void decimal(const uint8_t *data, size_t size)
{
	char buf[128];
	double v = 0;
	size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;

	memcpy(buf, data, n);
	buf[n] = '\0';
	if (csvin_decimal(buf, &v)) {
		CHECK(grammar(buf) && isfinite(v) && strtod(buf, NULL) == v);
	} else {
		double x = strtod(buf, NULL);

		CHECK(!grammar(buf) || !isfinite(x));
	}
}

static void votes(void)
{
	struct vote_set vs;
	struct simsa_err err;
	struct rank_opts o = { true, 2, 0, 1 };
	struct rank_result r;

	memset(&vs, 0, sizeof vs);
	if (votes_load_csv(path, &vs, &err) < 0)
		return;
	CHECK(vs.n_votes >= 1 && vs.n_entrants >= 1);
	for (size_t i = 0; i < vs.n_votes; i++)
		CHECK(vs.v[i].left < vs.n_entrants && vs.v[i].right < vs.n_entrants &&
		      vs.v[i].outcome <= VOTE_BOTHBAD);
	if (vs.n_entrants <= SMALL && vs.n_votes <= 256) {
		memset(&r, 0, sizeof r);
		if (rank_compute(&vs, &o, &r, &err) == 0) {
			for (size_t i = 0; i < r.n; i++)
				CHECK(isfinite(r.e[i].strength) && isfinite(r.e[i].points));
			rank_result_release(&r);
		}
	}
	vote_set_release(&vs);
}

static void ratings(enum agree_level level)
{
	struct agree_data d;
	struct simsa_err err;
	double v;

	memset(&d, 0, sizeof d);
	if (agree_load_csv(path, level, &d, &err) < 0)
		return;
	for (size_t c = 1; c < d.n_cats; c++)
		CHECK(d.cat_value[c - 1] < d.cat_value[c]);
	if (d.n_units <= SMALL * 4 && d.n_raters <= SMALL) {
		for (int m = AGREE_ALPHA; m <= AGREE_COHEN; m++)
			for (int w = AGREE_UNWEIGHTED; w <= AGREE_QUADRATIC; w++)
				if (agree_compute(&d, (enum agree_method)m, level,
						  (enum agree_weights)w, NULL, &v, &err) == 0)
					CHECK(isfinite(v));
	}
	agree_data_release(&d);
}

static void benchmark(void)
{
	static char *names[] = { "alpha", "beta", "가팀" };
	double points[3];
	struct simsa_err err;

	if (score_load_benchmark(path, names, 3, points, &err) == 0)
		for (int i = 0; i < 3; i++)
			CHECK(points[i] >= 0 && points[i] <= 40);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct simsa_err err;
	size_t rows = 0;
	FILE *f;

	decimal(data, size);
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	if (csvin_read(path, cols, N_COLS, on_row, &rows, &err) < 0)
		CHECK(err.msg[0]);
	votes();
	for (int l = AGREE_NOMINAL; l <= AGREE_RATIO; l++)
		ratings((enum agree_level)l);
	benchmark();
	return 0;
}
