/* Unit tests: agreement statistics (src/stats/agreement.c), the CSV reader
 * (src/input/csvin.c, src/stats/stats_load.c) and the agreement bootstrap.
 *
 * Published references reproduced here (data inline):
 *  - Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
 *    Annenberg School for Communication, Univ. of Pennsylvania, departmental
 *    paper 43, section C ("nominal data, any number of observers, missing
 *    data", 4 observers x 12 units) and its ordinal, interval and ratio
 *    continuations: alpha = 0.743, 0.815, 0.849, 0.797.
 *  - Fleiss' kappa, the worked example of Wikipedia's "Fleiss' kappa"
 *    article (10 subjects, 14 raters, 5 categories): kappa = 0.210.
 *  - Cohen's kappa, Wikipedia's "Cohen's kappa" example 1 (50 proposals,
 *    yes/yes 20, yes/no 5, no/yes 10, no/no 15): kappa = 0.40.
 *  - Weighted kappa: the SexualFun table (Agresti, Categorical Data
 *    Analysis; R package vcd, data(SexualFun), Kappa(SexualFun)): unweighted
 *    0.1293, "Equal-Spacing" (linear) 0.2374.
 * Full-precision values below were computed independently by a separate
 * pure-Python implementation of the same formulas (exact fractions for
 * alpha) and agree with the published figures to their printed digits:
 *   alpha 0.7434210526 / 0.8153875038 / 0.8491071429 / 0.7974027747,
 *   Fleiss 0.2099307044, Cohen SexualFun 0.1293302540 / 0.2373806276 /
 *   quadratic 0.3320455862. */
#include "testutil.h"

#include <math.h>

#include "simsa/agreement.h"
#include "simsa/bootstrap.h"
#include "simsa/stats.h"

static char *g_dir;

static int setup(void **state)
{
	(void)state;
	g_dir = tmpdir_make();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(&g_dir);
	return 0;
}

/* Appends "unit,rater,value" rows to a growing CSV text. */
struct csvtext {
	char buf[65536];
	size_t len;
};

static void row(struct csvtext *t, const char *unit, const char *rater, const char *value)
{
	int n = snprintf(t->buf + t->len, sizeof t->buf - t->len, "%s,%s,%s\n", unit, rater, value);

	assert_true(n > 0 && (size_t)n < sizeof t->buf - t->len);
	t->len += (size_t)n;
}

static void load(const char *text, enum agree_level level, struct agree_data *d)
{
	struct simsa_err err;
	char *path = write_file(g_dir, "data.csv", text);
	int rc = agree_load_csv(path, level, d, &err);

	if (rc < 0)
		fail_msg("%s", err.msg);
	free(path);
}

static int load_err(const char *text, enum agree_level level, struct simsa_err *err)
{
	struct agree_data d;
	char *path = write_file(g_dir, "bad.csv", text);
	int rc = agree_load_csv(path, level, &d, err);

	free(path);
	return rc;
}

/* Krippendorff (2011), section C: observers A-D, units 1-12, '.' missing. */
static void kripp_csv(struct csvtext *t)
{
	static const int v[4][12] = {
		{ 1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0 },
		{ 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3 },
		{ 0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0 },
		{ 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0 },
	};
	t->len = 0;
	row(t, "unit", "rater", "value");
	for (int r = 0; r < 4; r++) {
		for (int u = 0; u < 12; u++) {
			char unit[16], rater[2] = { (char)('A' + r), 0 }, val[4];

			if (!v[r][u])
				continue;
			snprintf(unit, sizeof unit, "u%02d", u + 1);
			snprintf(val, sizeof val, "%d", v[r][u]);
			row(t, unit, rater, val);
		}
	}
}

static void test_krippendorff_2011(void **state)
{
	static const struct {
		enum agree_level level;
		double want, published;
	} cases[] = {
		{ AGREE_NOMINAL, 0.7434210526, 0.743 },
		{ AGREE_ORDINAL, 0.8153875038, 0.815 },
		{ AGREE_INTERVAL, 0.8491071429, 0.849 },
		{ AGREE_RATIO, 0.7974027747, 0.797 },
	};
	static struct csvtext t;

	(void)state;
	kripp_csv(&t);
	for (size_t i = 0; i < 4; i++) {
		struct agree_data d;
		struct simsa_err err;
		double a;

		load(t.buf, cases[i].level, &d);
		assert_int_equal(d.n_units, 12);
		assert_int_equal(d.n_raters, 4);
		assert_int_equal(d.start[d.n_units], 41);
		assert_int_equal(agree_alpha(&d, cases[i].level, NULL, &a, &err), 0);
		assert_true(fabs(a - cases[i].want) < 1e-9);
		assert_true(fabs(a - cases[i].published) < 0.0005);
		agree_data_release(&d);
	}
}

static void test_fleiss_wikipedia(void **state)
{
	static const int n[10][5] = {
		{ 0, 0, 0, 0, 14 }, { 0, 2, 6, 4, 2 }, { 0, 0, 3, 5, 6 }, { 0, 3, 9, 2, 0 },
		{ 2, 2, 8, 1, 1 },  { 7, 7, 0, 0, 0 }, { 3, 2, 6, 3, 0 }, { 2, 5, 3, 2, 2 },
		{ 6, 5, 2, 1, 0 },  { 0, 2, 2, 3, 7 },
	};
	static struct csvtext t;
	struct agree_data d;
	struct simsa_err err;
	double k;

	(void)state;
	row(&t, "unit", "rater", "value");
	for (int u = 0; u < 10; u++) {
		int r = 0;

		for (int c = 0; c < 5; c++) {
			for (int i = 0; i < n[u][c]; i++) {
				char su[16], sr[16], sc[16];

				snprintf(su, sizeof su, "s%d", u);
				snprintf(sr, sizeof sr, "r%d", r++);
				snprintf(sc, sizeof sc, "c%d", c);
				row(&t, su, sr, sc);
			}
		}
	}
	load(t.buf, AGREE_NOMINAL, &d);
	assert_int_equal(agree_fleiss(&d, NULL, &k, &err), 0);
	assert_true(fabs(k - 0.2099307044) < 1e-9);
	assert_true(fabs(k - 0.210) < 0.0005);
	agree_data_release(&d);
}

/* Builds a two-rater CSV from a contingency table (rows: rater a). */
static void table_csv(struct csvtext *t, const int *tab, int k)
{
	int u = 0;

	t->len = 0;
	row(t, "unit", "rater", "value");
	for (int i = 0; i < k; i++) {
		for (int j = 0; j < k; j++) {
			for (int c = 0; c < tab[i * k + j]; c++) {
				char su[16], a[16], b[16];

				snprintf(su, sizeof su, "x%d", u++);
				snprintf(a, sizeof a, "%d", i + 1);
				snprintf(b, sizeof b, "%d", j + 1);
				row(t, su, "a", a);
				row(t, su, "b", b);
			}
		}
	}
}

static void test_cohen_published(void **state)
{
	static const int wiki[4] = { 20, 5, 10, 15 };
	static const int sexualfun[16] = { 7, 7, 2, 3, 2, 8, 3, 7, 1, 5, 4, 9, 2, 8, 9, 14 };
	static struct csvtext t;
	struct agree_data d;
	struct simsa_err err;
	double k;

	(void)state;
	table_csv(&t, wiki, 2);
	load(t.buf, AGREE_NOMINAL, &d);
	assert_int_equal(agree_cohen(&d, AGREE_UNWEIGHTED, NULL, &k, &err), 0);
	assert_true(fabs(k - 0.4) < 1e-12);
	agree_data_release(&d);

	table_csv(&t, sexualfun, 4);
	load(t.buf, AGREE_ORDINAL, &d);
	assert_int_equal(agree_cohen(&d, AGREE_UNWEIGHTED, NULL, &k, &err), 0);
	assert_true(fabs(k - 0.1293302540) < 1e-9);
	assert_int_equal(agree_cohen(&d, AGREE_LINEAR, NULL, &k, &err), 0);
	assert_true(fabs(k - 0.2373806276) < 1e-9);
	assert_int_equal(agree_cohen(&d, AGREE_QUADRATIC, NULL, &k, &err), 0);
	assert_true(fabs(k - 0.3320455862) < 1e-9);
	agree_data_release(&d);
}

/* Multiplicities behave like copies: unit weights 2 == the data twice. */
static void test_multiplicity_equals_copies(void **state)
{
	static struct csvtext t, t2;
	struct agree_data d, d2;
	struct simsa_err err;
	uint32_t *m;
	double a, b;

	(void)state;
	kripp_csv(&t);
	load(t.buf, AGREE_INTERVAL, &d);
	m = malloc(d.n_units * sizeof *m);
	assert_non_null(m);
	for (size_t u = 0; u < d.n_units; u++)
		m[u] = u == 3 ? 0 : (u % 2 ? 2 : 1);
	assert_int_equal(agree_alpha(&d, AGREE_INTERVAL, m, &a, &err), 0);
	/* the same by writing units out m[u] times */
	row(&t2, "unit", "rater", "value");
	for (size_t u = 0; u < d.n_units; u++) {
		for (uint32_t c = 0; c < m[u]; c++) {
			for (size_t i = d.start[u]; i < d.start[u + 1]; i++) {
				char su[32], sv[32];

				snprintf(su, sizeof su, "%s-%u", d.unit_name[u], c);
				snprintf(sv, sizeof sv, "%g", d.cat_value[d.cat[i]]);
				row(&t2, su, d.rater_name[d.rater[i]], sv);
			}
		}
	}
	load(t2.buf, AGREE_INTERVAL, &d2);
	assert_int_equal(agree_alpha(&d2, AGREE_INTERVAL, NULL, &b, &err), 0);
	assert_true(fabs(a - b) < 1e-12);
	free(m);
	agree_data_release(&d);
	agree_data_release(&d2);
}

static void test_undefined_and_errors(void **state)
{
	struct agree_data d;
	struct simsa_err err;
	double a;

	(void)state;
	load("unit,rater,value\n1,a,x\n1,b,x\n2,a,x\n2,b,x\n", AGREE_NOMINAL, &d);
	assert_int_equal(agree_alpha(&d, AGREE_NOMINAL, NULL, &a, &err), -1);
	assert_non_null(strstr(err.msg, "no variation"));
	assert_int_equal(agree_fleiss(&d, NULL, &a, &err), -1);
	agree_data_release(&d);

	load("unit,rater,value\n1,a,x\n1,b,y\n2,a,x\n", AGREE_NOMINAL, &d);
	assert_int_equal(agree_fleiss(&d, NULL, &a, &err), -1);
	assert_non_null(strstr(err.msg, "same number of ratings"));
	agree_data_release(&d);

	assert_int_equal(load_err("unit,rater,value\n1,a,3\n1,b,x3\n", AGREE_INTERVAL, &err), -1);
	assert_non_null(strstr(err.msg, "bad.csv:3:3: field 'value': 'x3' is not a number"));
	assert_int_equal(load_err("unit,rater\n1,a\n", AGREE_NOMINAL, &err), -1);
	assert_non_null(strstr(err.msg, "bad.csv:1: header: missing column 'value'"));
	assert_int_equal(load_err("unit,rater,value\n1,a,1\n1,a,2\n", AGREE_ORDINAL, &err), -1);
	assert_non_null(
		strstr(err.msg, "bad.csv:3: field 'rater': 'a' already rated unit '1' (line 2)"));
	assert_int_equal(load_err("unit,rater,value\n1,,1\n", AGREE_ORDINAL, &err), -1);
	assert_non_null(strstr(err.msg, "bad.csv:2:2: field 'rater': empty"));
	assert_int_equal(load_err("unit,rater,value\n1,a,\"2\n", AGREE_ORDINAL, &err), -1);
	assert_non_null(strstr(err.msg, "bad.csv:2: malformed CSV"));
	assert_int_equal(load_err("unit,rater,value\n1,a,1,9\n", AGREE_ORDINAL, &err), -1);
	assert_non_null(strstr(err.msg, "bad.csv:2: expected 3 fields"));
	assert_int_equal(load_err("unit,rater,value\n1,a,-1\n", AGREE_RATIO, &err), -1);
	assert_non_null(strstr(err.msg, "negative"));
	assert_int_equal(load_err("unit,rater,value\n", AGREE_RATIO, &err), -1);
	assert_non_null(strstr(err.msg, "no data rows"));
	/* values whose squares overflow: refused at their line, never a NaN */
	assert_int_equal(load_err("unit,rater,value\n1,a,1e308\n1,b,-1e308\n2,a,1\n2,b,2\n",
				  AGREE_INTERVAL, &err),
			 -1);
	assert_non_null(strstr(err.msg, "bad.csv:2:3: field 'value': 1e308 is too large"));
	assert_int_equal(load_err("unit,rater,value\n1,a,1\n1,b,-1e101\n", AGREE_INTERVAL, &err),
			 -1);
	assert_non_null(strstr(err.msg, "bad.csv:3:3: field 'value'"));
	assert_int_equal(load_err("unit,rater,value\n1,a,1\n1,b,2e150\n", AGREE_RATIO, &err), -1);
	assert_non_null(strstr(err.msg, "too large"));
	/* plain decimal numbers only */
	static const char *const not_numbers[] = { "0x10", "0x1p5",  "inf",     "-infinity",
						   "nan",  "\" 3\"", "\"3 \"",  "1e",
						   "1.",   "--1",    "\"1,5\"", "" };
	for (size_t i = 0; *not_numbers[i]; i++) {
		char text[128];

		snprintf(text, sizeof text, "unit,rater,value\n1,a,1\n1,b,%s\n", not_numbers[i]);
		if (load_err(text, AGREE_INTERVAL, &err) != -1 ||
		    !strstr(err.msg, "bad.csv:3:3: field 'value'"))
			fail_msg("%s: accepted or badly located (%s)", not_numbers[i], err.msg);
	}
	load("unit,rater,value\n1,a,-1.5e+2\n1,b,+2E-1\n2,a,0.0\n2,b,007\n", AGREE_INTERVAL, &d);
	assert_true(d.cat_value[0] == -150.0 && d.cat_value[3] == 7.0);
	agree_data_release(&d);
	/* the order alone counts at the ordinal level: large values are fine */
	load("unit,rater,value\n1,a,1e308\n1,b,-1e308\n2,a,1e308\n2,b,1e308\n", AGREE_ORDINAL, &d);
	assert_int_equal(agree_alpha(&d, AGREE_ORDINAL, NULL, &a, &err), 0);
	assert_true(isfinite(a));
	/* the same data handed to agree_alpha directly (not through the
	 * loader) is an error too, never a non-finite alpha */
	assert_int_equal(agree_alpha(&d, AGREE_INTERVAL, NULL, &a, &err), -1);
	assert_non_null(strstr(err.msg, "too large"));
	agree_data_release(&d);
	/* quoting and CRLF are CSV, not errors */
	load("unit,rater,value\r\n\"u,1\",a,\"x\"\r\n\"u,1\",b,y\r\n", AGREE_NOMINAL, &d);
	assert_int_equal(d.n_units, 1);
	assert_string_equal(d.unit_name[0], "u,1");
	agree_data_release(&d);
}

static void test_bootstrap_deterministic(void **state)
{
	static struct csvtext t;
	struct agree_data d;
	struct simsa_err err;
	double v1, lo1, hi1, v2, lo2, hi2;

	(void)state;
	kripp_csv(&t);
	load(t.buf, AGREE_ORDINAL, &d);
	assert_int_equal(agree_with_interval(&d, AGREE_ALPHA, AGREE_ORDINAL, AGREE_UNWEIGHTED, 500,
					     7, &v1, &lo1, &hi1, NULL, &err),
			 0);
	assert_int_equal(agree_with_interval(&d, AGREE_ALPHA, AGREE_ORDINAL, AGREE_UNWEIGHTED, 500,
					     7, &v2, &lo2, &hi2, NULL, &err),
			 0);
	assert_true(v1 == v2 && lo1 == lo2 && hi1 == hi2);
	assert_true(lo1 <= v1 && v1 <= hi1 && hi1 <= 1.0);
	assert_int_equal(agree_with_interval(&d, AGREE_ALPHA, AGREE_ORDINAL, AGREE_UNWEIGHTED, 500,
					     8, &v2, &lo2, &hi2, NULL, &err),
			 0);
	assert_true(lo1 != lo2 || hi1 != hi2);
	agree_data_release(&d);
}

static void test_quantile_type7(void **state)
{
	double x[10] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 }, lo, hi;
	double lo_r[3] = { 1, 1, 1 }, hi_r[3] = { 2, 3, 4 };
	int rank[3];

	(void)state;
	/* numpy.percentile(range(1, 11), [2.5, 97.5]) = [1.225, 9.775] */
	boot_interval95(x, 10, &lo, &hi);
	assert_true(fabs(lo - 1.225) < 1e-12 && fabs(hi - 9.775) < 1e-12);
	assert_true(fabs(boot_quantile(x, 10, 0.5) - 5.5) < 1e-12);
	/* intervals [1,2], [3,4]... here: c's lower bound 5 is above a's upper 2 */
	lo_r[2] = 5;
	hi_r[2] = 6;
	boot_rank(3, lo_r, hi_r, rank);
	assert_int_equal(rank[0], 2);
	assert_int_equal(rank[1], 2);
	assert_int_equal(rank[2], 1);
}

/* Units that all agree leave a resample drawn only from them without any
 * variation: alpha is undefined there. Such resamples are redrawn and
 * counted; more than a tenth of them is refused. 17 agreeing units and 3
 * that do not: a resample of 20 misses all 3 with chance (17/20)^20 = 3.9%;
 * 19 and 1: 35.8%. */
static void test_bootstrap_redraws(void **state)
{
	char text[2048];
	struct agree_data d;
	struct simsa_err err;
	double v, lo, hi;
	uint32_t redrawn = 0;
	size_t len;

	(void)state;
	for (int varied = 3; varied >= 1; varied -= 2) {
		len = (size_t)snprintf(text, sizeof text, "unit,rater,value\n");
		for (int u = 0; u < 20; u++)
			len += (size_t)snprintf(text + len, sizeof text - len,
						"u%02d,r1,a\nu%02d,r2,%s\n", u, u,
						u < varied ? "b" : "a");
		load(text, AGREE_NOMINAL, &d);
		if (varied == 3) {
			assert_int_equal(agree_with_interval(&d, AGREE_ALPHA, AGREE_NOMINAL,
							     AGREE_UNWEIGHTED, 500, 3, &v, &lo, &hi,
							     &redrawn, &err),
					 0);
			print_message("%u of 500 resamples redrawn\n", redrawn);
			assert_true(redrawn > 0 && redrawn <= 50);
			assert_true(lo <= v && v <= hi);
		} else {
			assert_int_equal(agree_with_interval(&d, AGREE_ALPHA, AGREE_NOMINAL,
							     AGREE_UNWEIGHTED, 500, 3, &v, &lo, &hi,
							     &redrawn, &err),
					 -1);
			assert_non_null(strstr(err.msg, "resamples of units had no value"));
			assert_non_null(strstr(err.msg, "too few units for an interval"));
		}
		agree_data_release(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_krippendorff_2011),
		cmocka_unit_test(test_fleiss_wikipedia),
		cmocka_unit_test(test_cohen_published),
		cmocka_unit_test(test_multiplicity_equals_copies),
		cmocka_unit_test(test_undefined_and_errors),
		cmocka_unit_test(test_bootstrap_deterministic),
		cmocka_unit_test(test_bootstrap_redraws),
		cmocka_unit_test(test_quantile_type7),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
