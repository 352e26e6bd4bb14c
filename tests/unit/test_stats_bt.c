/* Unit tests: Bradley–Terry (src/stats/bradley_terry.c), ranking from votes with
 * cluster bootstrap (src/stats/stats_rank.c).
 *
 * Published reference: Agresti, A. (2002) Categorical Data Analysis, 2nd
 * ed., Sec. 10.6, Table 10.10 (1987 American League East, 7 teams, 13 games
 * per pair) and Table 10.11 col. 3: log-abilities relative to Baltimore
 * 1.58 (Milwaukee), 1.44 (Detroit), 1.29 (Toronto), 1.25 (New York),
 * 1.11 (Boston), 0.68 (Cleveland) — reproduced by R's BradleyTerry2
 * (tests/testthat/test-baseball.R, data(baseball)), whose BTm summary
 * prints 1.5814, 1.4364, 1.2945, 1.2476, 1.1077, 0.6839.
 * Full precision from a separate pure-Python Zermelo/MM implementation run
 * to convergence (20,000 sweeps): 1.581356, 1.436408, 1.294485, 1.247618,
 * 1.107698, 0.683853; strengths (geometric mean 1) Milwaukee 1.7008928867,
 * Baltimore 0.3498668813; Elo Milwaukee 1092.2707859559, Baltimore
 * 817.5611334922; expected win prob. Milwaukee 0.6410256410 (= its win rate
 * 50/78, as the MLE of a balanced round robin must give). */
#include "testutil.h"

#include <math.h>

#include "simsa/bootstrap.h"
#include "simsa/bradley_terry.h"
#include "simsa/stats.h"

/* test_seed(), added to the seeds of the simulated votes below (0: the
 * constants as written) */
static unsigned long long run_seed;

static const char *const teams[7] = { "Milwaukee", "Detroit",   "Toronto",  "New York",
				      "Boston",    "Cleveland", "Baltimore" };

/* Agresti Table 10.10 as wins[i][j]: x = wins of the second team of each
 * pair (pairs in order MD MT MN MB MC MBa DT ... CBa), out of 13. */
static void baseball(double *w)
{
	static const int x[21] = { 6, 4, 6, 6, 4, 2, 6, 8, 2, 4, 4, 6, 6, 5, 1, 7, 6, 3, 6, 1, 7 };
	int k = 0;

	memset(w, 0, 49 * sizeof *w);
	for (int i = 0; i < 7; i++)
		for (int j = i + 1; j < 7; j++, k++) {
			w[j * 7 + i] = x[k];
			w[i * 7 + j] = 13 - x[k];
		}
}

static void test_agresti_baseball(void **state)
{
	static const double logab[6] = {
		1.581356, 1.436408, 1.294485, 1.247618, 1.107698, 0.683853
	};
	static const double published[6] = { 1.5814, 1.4364, 1.2945, 1.2476, 1.1077, 0.6839 };
	double w[49], s[7], e[7];
	struct simsa_err err;

	(void)state;
	baseball(w);
	assert_int_equal(bt_fit(7, w, teams, s, &err), 0);
	for (int i = 0; i < 6; i++) {
		double l = log(s[i] / s[6]);

		assert_true(fabs(l - logab[i]) < 5e-7);
		assert_true(fabs(l - published[i]) < 0.00005);
	}
	assert_true(fabs(s[0] - 1.7008928867) < 1e-9);
	assert_true(fabs(s[6] - 0.3498668813) < 1e-9);
	assert_true(fabs(bt_elo(s[0]) - 1092.2707859559) < 1e-8);
	assert_true(fabs(bt_elo(s[6]) - 817.5611334922) < 1e-8);
	bt_expected(7, s, e);
	assert_true(fabs(e[0] - 50.0 / 78.0) < 1e-12);
	/* geometric mean 1, so Elo ratings average 1000 */
	double sum = 0;
	for (int i = 0; i < 7; i++)
		sum += bt_elo(s[i]);
	assert_true(fabs(sum / 7 - 1000.0) < 1e-9);
}

static void test_properties(void **state)
{
	double w[49], w3[49], s[7], s3[7], sym[9] = { 0, 4, 2, 4, 0, 2, 2, 2, 0 }, ss[3];
	struct simsa_err err;

	(void)state;
	baseball(w);
	for (int i = 0; i < 49; i++)
		w3[i] = 3 * w[i];
	assert_int_equal(bt_fit(7, w, NULL, s, &err), 0);
	assert_int_equal(bt_fit(7, w3, NULL, s3, &err), 0);
	for (int i = 0; i < 7; i++)
		assert_true(fabs(s[i] - s3[i]) < 1e-12); /* scaling all counts changes nothing */
	assert_int_equal(bt_fit(3, sym, NULL, ss, &err), 0);
	for (int i = 0; i < 3; i++)
		assert_true(fabs(ss[i] - 1.0) < 1e-12); /* symmetric data: equal strengths */
}

static void test_no_mle(void **state)
{
	/* a beats b and c, never loses: strengths would be infinite */
	double w[9] = { 0, 3, 2, 0, 0, 1, 0, 1, 0 }, s[3];
	const char *const names[3] = { "a", "b", "c" };
	double split[16] = { 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0 }, s4[4];
	const char *const n4[4] = { "a", "b", "c", "d" };
	struct simsa_err err;

	(void)state;
	assert_int_equal(bt_fit(3, w, names, s, &err), -1);
	assert_non_null(strstr(err.msg, "'a' never lost (nor tied) against 'b', 'c'"));
	assert_int_equal(bt_fit(4, split, n4, s4, &err), -1); /* two separate groups */
	assert_non_null(strstr(err.msg, "never lost"));
}

/* Votes: ties, a much-better weight of 2, "both bad" (tie or left out) and
 * a self-comparison; reference from the separate Python implementation:
 *   both bad = tie:      a 0.9897129859 b 0.8746076509 c 1.1552539423,
 *                        E a 0.4961411770, Elo c 1025.0709836908,
 *                        win rates 0.4375 0.4375 0.625
 *   both bad left out:   a 0.9758333321 b 0.8745378647 c 1.1717790625,
 *                        win rate a 0.4285714286 */
static const char small_votes[] =
	"left,right,outcome,much\n"
	"a,b,left,\na,b,left,1\nb,a,left,0\na,c,tie,\nc,a,bothbad,\nb,c,right,\n"
	"c,b,right,1\nb,c,left,\nc,a,left,\na,a,left,\nb,a,tie,\nc,b,left,\na,c,right,\n";

static void test_votes_small(void **state)
{
	char *dir = tmpdir_make(), *path = write_file(dir, "v.csv", small_votes);
	struct vote_set vs;
	struct rank_result r;
	struct rank_opts o = { true, 2, 0, 1 };
	struct simsa_err err;

	(void)state;
	assert_int_equal(votes_load_csv(path, &vs, &err), 0);
	assert_int_equal(vs.n_entrants, 3);
	assert_int_equal(rank_compute(&vs, &o, &r, &err), 0);
	assert_int_equal(r.self_dropped, 1);
	assert_true(fabs(r.e[0].strength - 0.9897129859) < 1e-9);
	assert_true(fabs(r.e[1].strength - 0.8746076509) < 1e-9);
	assert_true(fabs(r.e[2].strength - 1.1552539423) < 1e-9);
	assert_true(fabs(r.e[0].expected - 0.4961411770) < 1e-9);
	assert_true(fabs(r.e[2].rating - 1025.0709836908) < 1e-8);
	assert_true(fabs(r.e[0].win_rate - 0.4375) < 1e-12);
	assert_true(fabs(r.e[2].win_rate - 0.625) < 1e-12);
	assert_true(isnan(r.e[0].ci_low));
	rank_result_release(&r);
	o.both_bad_tie = false;
	assert_int_equal(rank_compute(&vs, &o, &r, &err), 0);
	assert_int_equal(r.both_bad_dropped, 1);
	assert_true(fabs(r.e[0].strength - 0.9758333321) < 1e-9);
	assert_true(fabs(r.e[2].strength - 1.1717790625) < 1e-9);
	assert_true(fabs(r.e[0].win_rate - 0.4285714286) < 1e-9);
	rank_result_release(&r);
	vote_set_release(&vs);
	free(path);
	tmpdir_remove(&dir);
}

/* Simulated rounds with known strengths: votes drawn from the model, the
 * 95% bootstrap intervals of the Elo ratings must cover the true ratings
 * 93-97% of the time. Rounds: 500; 4 entrants; 600 votes each; 200
 * resamples of votes. */
static void test_coverage(void **state)
{
	static const double truth_s[4] = { 2.0, 1.3, 1.0, 0.5 };
	const uint32_t rounds = 500, nv = 600;
	double truth[4], gm = 0;
	struct vote_set vs;
	struct rank_opts o = { true, 2, 200, 0 };
	struct drbg d;
	size_t covered = 0, total = 0;
	char *names[4] = { "a", "b", "c", "d" };

	(void)state;
	for (int i = 0; i < 4; i++)
		gm += log10(truth_s[i]) / 4;
	for (int i = 0; i < 4; i++)
		truth[i] = 1000 + 400 * (log10(truth_s[i]) - gm);
	memset(&vs, 0, sizeof vs);
	vs.n_entrants = 4;
	vs.entrant = names;
	vs.n_votes = nv;
	vs.v = calloc(nv, sizeof *vs.v);
	assert_non_null(vs.v);
	boot_stream(&d, 12345 + run_seed, "test-coverage");
	for (uint32_t k = 0; k < rounds; k++) {
		struct rank_result r;
		struct simsa_err err;

		for (uint32_t v = 0; v < nv; v++) {
			uint32_t i = drbg_uniform(&d, 4), j = drbg_uniform(&d, 3);
			double p;

			j = j >= i ? j + 1 : j;
			p = truth_s[i] / (truth_s[i] + truth_s[j]);
			vs.v[v].left = i;
			vs.v[v].right = j;
			vs.v[v].outcome = drbg_u32(&d) / 4294967296.0 < p ? VOTE_LEFT : VOTE_RIGHT;
		}
		o.seed = k;
		if (rank_compute(&vs, &o, &r, &err) < 0)
			fail_msg("%s", err.msg);
		for (int i = 0; i < 4; i++, total++)
			covered += r.e[i].ci_low <= truth[i] && truth[i] <= r.e[i].ci_high;
		rank_result_release(&r);
	}
	print_message("coverage %zu of %zu = %.3f\n", covered, total, (double)covered / total);
	assert_true(covered >= total * 93 / 100 && covered <= total * 97 / 100);
	free(vs.v);
	drbg_wipe(&d);
}

static void test_cluster_bootstrap_deterministic(void **state)
{
	char *dir = tmpdir_make(), text[65536], *path;
	size_t len = 0;
	struct vote_set vs;
	struct rank_result r1, r2;
	struct rank_opts o = { true, 2, 300, 42 };
	struct simsa_err err;
	struct drbg d;

	(void)state;
	len += (size_t)snprintf(text, sizeof text, "rater,prompt,left,right,outcome\n");
	boot_stream(&d, 9 + run_seed, "test");
	for (int k = 0; k < 800; k++) {
		uint32_t i = drbg_uniform(&d, 3), j = (i + 1 + drbg_uniform(&d, 2)) % 3;
		static const char *const out[4] = { "left", "right", "tie", "bothbad" };

		len += (size_t)snprintf(text + len, sizeof text - len, "r%u,p%u,%c,%c,%s\n",
					drbg_uniform(&d, 20), drbg_uniform(&d, 15), 'a' + (int)i,
					'a' + (int)j, out[drbg_uniform(&d, 4)]);
	}
	path = write_file(dir, "v.csv", text);
	assert_int_equal(votes_load_csv(path, &vs, &err), 0);
	assert_int_equal(vs.n_raters, 20);
	assert_int_equal(vs.n_prompts, 15);
	assert_int_equal(rank_compute(&vs, &o, &r1, &err), 0);
	assert_int_equal(rank_compute(&vs, &o, &r2, &err), 0);
	assert_string_equal(r1.cluster, "raters and prompts");
	for (size_t i = 0; i < 3; i++) {
		assert_true(r1.e[i].ci_low == r2.e[i].ci_low && r1.e[i].ci_high == r2.e[i].ci_high);
		assert_true(r1.e[i].ci_low <= r1.e[i].rating && r1.e[i].rating <= r1.e[i].ci_high);
	}
	rank_result_release(&r1);
	rank_result_release(&r2);
	vote_set_release(&vs);
	free(path);
	tmpdir_remove(&dir);
	drbg_wipe(&d);
}

/* Random votes among n entrants from nr raters on np prompts. */
static void random_votes(struct vote_set *vs, size_t nv, uint32_t n, uint32_t nr, uint32_t np,
			 uint64_t seed)
{
	struct drbg d;

	memset(vs, 0, sizeof *vs);
	vs->v = calloc(nv, sizeof *vs->v);
	assert_non_null(vs->v);
	vs->n_votes = nv;
	vs->n_entrants = n;
	boot_stream(&d, seed, "test-votes");
	for (size_t k = 0; k < nv; k++) {
		struct vote *v = &vs->v[k];

		v->left = drbg_uniform(&d, n);
		v->right = drbg_uniform(&d, n); /* sometimes equal: dropped */
		v->rater = drbg_uniform(&d, nr);
		v->prompt = drbg_uniform(&d, np);
		v->outcome = (uint8_t)drbg_uniform(&d, 4);
		v->much = v->outcome <= VOTE_RIGHT && drbg_uniform(&d, 3) == 0;
	}
	drbg_wipe(&d);
}

/* The compiled tally (src/stats/vote_tally.c) gives exactly the matrix votes_add
 * builds vote by vote, with the second cluster packed into the code's
 * spare bits (few entrants) and in its own array (many). */
static void test_tally_equals_votes_add(void **state)
{
	static const struct {
		uint32_t n, np;
		bool packed;
	} cases[] = {
		{ 5, 40, true },
		{ 100, 70000, false },
	};

	(void)state;
	for (size_t c = 0; c < 2; c++) {
		uint32_t n = cases[c].n, nr = 30, np = cases[c].np;
		struct vote_set vs;
		struct vote_tally t;
		struct simsa_err err;
		uint32_t *gm = malloc(nr * sizeof *gm);
		double *sm = malloc(np * sizeof *sm), *acc = malloc(n * n * 5 * sizeof *acc);
		double *w1 = calloc(n * n, sizeof *w1), *w2 = malloc(n * n * sizeof *w2);
		struct drbg d;

		random_votes(&vs, 3000, n, nr, np, c + run_seed);
		vs.v[7].prompt = np - 1; /* the largest prompt decides the packing */
		for (int bb = 0; bb < 2; bb++) {
			bool both_bad_tie = bb == 0;

			assert_int_equal(
				vote_tally_init(&t, n, vs.v, 3000, nr, np, 3, both_bad_tie, &err),
				0);
			assert_true(t.packed == cases[c].packed);
			boot_stream(&d, 5 + run_seed, "test-mult");
			boot_draw(&d, nr, gm);
			for (uint32_t p = 0; p < np; p++)
				sm[p] = drbg_uniform(&d, 3);
			memset(w1, 0, n * n * sizeof *w1);
			for (size_t k = 0; k < 3000; k++) {
				const struct vote *v = &vs.v[k];

				votes_add(w1, n, v->left, v->right, v->outcome, v->much,
					  (double)gm[v->rater] * sm[v->prompt], 3, both_bad_tie);
			}
			vote_tally_wins(&t, gm, sm, acc, w2);
			assert_memory_equal(w1, w2, n * n * sizeof *w1);
			vote_tally_release(&t);
			drbg_wipe(&d);
		}
		free(vs.v);
		free(gm);
		free(sm);
		free(acc);
		free(w1);
		free(w2);
	}
}

/* rank_compute's bootstrap (chunks of resamples refitted on all cores)
 * gives exactly the intervals of the plain sequential procedure of
 * docs/scoring.md, written out here: for each resample, draw the clusters
 * in order from the "rank" stream, weight every vote by the product of its
 * clusters' multiplicities, refit starting from the point estimate, and
 * take type-7 percentiles, a resample without an MLE redrawn. For each
 * way of clustering: raters and prompts, raters, prompts, single votes;
 * and with few votes, where resamples are redrawn. */
static void test_bootstrap_equals_sequential(void **state)
{
	enum { N = 4, NV = 900, NR = 25, NP = 12, B = 120, SPARSE = 30 };
	const char *names[N] = { "a", "b", "c", "d" };
	struct rank_opts o = { true, 2, B, 77 };

	(void)state;
	for (int mode = 0; mode < 5; mode++) {
		bool raters = mode <= 1 || mode == 4, prompts = mode == 0 || mode == 2 || mode == 4;
		size_t nv = mode == 4 ? SPARSE : NV, discarded = 0;
		struct vote_set vs;
		struct rank_result r;
		struct simsa_err err;
		uint32_t vm[NV], rm[NR], pm[NP];
		double *rep = malloc(N * B * sizeof *rep), wins[N * N], s[N], s0[N];
		struct drbg d;

		/* fixed seeds, whatever test_seed(): mode 4 and the refusal below
		 * need these draws (with redrawn resamples) */
		random_votes(&vs, nv, N, NR, NP, 40 + (uint64_t)mode);
		for (size_t k = 0; k < nv; k++)
			if (vs.v[k].left == vs.v[k].right) /* no self votes: keep it simple */
				vs.v[k].right = (vs.v[k].left + 1) % N;
		vs.entrant = (char **)names;
		vs.n_raters = raters ? NR : 0;
		vs.n_prompts = prompts ? NP : 0;
		assert_int_equal(rank_compute(&vs, &o, &r, &err), 0);
		boot_stream(&d, o.seed, "rank");
		for (size_t b = 0; b < B;) {
			if (!raters && !prompts)
				boot_draw(&d, NV, vm);
			if (raters)
				boot_draw(&d, NR, rm);
			if (prompts)
				boot_draw(&d, NP, pm);
			memset(wins, 0, sizeof wins);
			for (size_t k = 0; k < nv; k++) {
				const struct vote *v = &vs.v[k];
				double w = (!raters && !prompts ? vm[k] : 1.0) *
					   (raters ? rm[v->rater] : 1.0) *
					   (prompts ? pm[v->prompt] : 1.0);

				votes_add(wins, N, v->left, v->right, v->outcome, v->much, w, 2,
					  true);
			}
			if (bt_check(N, wins, names, &err) < 0) {
				discarded++; /* no MLE: redrawn */
				continue;
			}
			for (size_t i = 0; i < N; i++)
				s0[i] = r.e[i].strength;
			assert_int_equal(bt_fit_from(N, wins, names, s0, s, &err), 0);
			for (size_t i = 0; i < N; i++)
				rep[i * B + b] = bt_elo(s[i]);
			b++;
		}
		print_message("mode %d: %zu resamples redrawn\n", mode, discarded);
		assert_int_equal(r.discarded, discarded);
		if (mode == 4)
			assert_true(discarded > 0);
		for (size_t i = 0; i < N; i++) {
			double lo, hi;

			boot_interval95(rep + i * B, B, &lo, &hi);
			assert_true(lo == r.e[i].ci_low);
			assert_true(hi == r.e[i].ci_high);
		}
		rank_result_release(&r);
		free(vs.v);
		free(rep);
		drbg_wipe(&d);
	}
	{ /* fewer still: more than B/10 redrawn is refused, saying why */
		struct vote_set vs;
		struct rank_result r;
		struct simsa_err err;

		random_votes(&vs, 25, N, NR, NP, 44);
		for (size_t k = 0; k < 25; k++)
			if (vs.v[k].left == vs.v[k].right)
				vs.v[k].right = (vs.v[k].left + 1) % N;
		vs.entrant = (char **)names;
		vs.n_raters = NR;
		vs.n_prompts = NP;
		assert_int_equal(rank_compute(&vs, &o, &r, &err), -1);
		print_message("%s\n", err.msg);
		assert_non_null(strstr(err.msg,
				       "resamples had no maximum-likelihood strengths (the "
				       "first: no maximum-likelihood strengths: '"));
		assert_non_null(strstr(err.msg, "too few votes, raters or prompts for intervals"));
		free(vs.v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agresti_baseball),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_no_mle),
		cmocka_unit_test(test_votes_small),
		cmocka_unit_test(test_cluster_bootstrap_deterministic),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_tally_equals_votes_add),
		cmocka_unit_test(test_bootstrap_equals_sequential),
	};

	run_seed = test_seed(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
