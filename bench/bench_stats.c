/* Benchmark: the statistics of `simsa rank` and `simsa agreement`.
 *
 *  - Bradley–Terry on 6 entrants x 100,000 votes (200 raters, 500 prompts):
 *    the fit alone, and with 100 cluster-bootstrap resamples;
 *  - Krippendorff's alpha (ordinal) on 10,000 units x 8 raters, alone and
 *    with 100 unit resamples.
 * The baseline, measured in the same run, is reading the same data from
 * CSV (libcsv, name interning); every line prints its ratio to it, so
 * timings on a shared machine compare across runs. Makes its own data
 * (seeded) in a temporary directory.
 * usage: bench_stats [RUNS] (default 3) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simsa/bootstrap.h"
#include "simsa/stats.h"
#include "simsa/util.h"

#define ENTRANTS 6
#define VOTES 100000
#define UNITS 10000
#define RATERS 8

static int make_votes(const char *path)
{
	static const double s[ENTRANTS] = { 1.8, 1.4, 1.1, 1.0, 0.8, 0.5 };
	static const char *const out[] = { "left", "right", "tie", "bothbad" };
	FILE *f = fopen(path, "w");
	struct drbg d;

	if (!f)
		return -1;
	boot_stream(&d, 1, "bench-votes");
	fprintf(f, "rater,prompt,left,right,outcome,much\n");
	for (int k = 0; k < VOTES; k++) {
		uint32_t i = drbg_uniform(&d, ENTRANTS), j = drbg_uniform(&d, ENTRANTS - 1), o;
		double u = drbg_u32(&d) / 4294967296.0;

		j = j >= i ? j + 1 : j;
		o = u < 0.1    ? 2
		    : u < 0.15 ? 3
			       : (drbg_u32(&d) / 4294967296.0 < s[i] / (s[i] + s[j]) ? 0 : 1);
		fprintf(f, "r%u,p%u,e%u,e%u,%s,%d\n", drbg_uniform(&d, 200), drbg_uniform(&d, 500),
			i, j, out[o], o < 2 && drbg_uniform(&d, 4) == 0);
	}
	drbg_wipe(&d);
	return fclose(f);
}

static int make_ratings(const char *path)
{
	FILE *f = fopen(path, "w");
	struct drbg d;

	if (!f)
		return -1;
	boot_stream(&d, 2, "bench-ratings");
	fprintf(f, "unit,rater,value\n");
	for (int u = 0; u < UNITS; u++) {
		uint32_t base = 1 + drbg_uniform(&d, 5);

		for (int r = 0; r < RATERS; r++) {
			int v = (int)base + (int)drbg_uniform(&d, 3) - 1;

			if (drbg_uniform(&d, 10) == 0)
				continue; /* about 10% missing */
			fprintf(f, "unit%05d,rater%d,%d\n", u, r, v < 1 ? 1 : v > 5 ? 5 : v);
		}
	}
	drbg_wipe(&d);
	return fclose(f);
}

static void report(const char *what, double t, double base)
{
	printf("stats: %-44s %8.4f s  %7.2fx read\n", what, t, t / base);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/simsa-bench-stats-XXXXXX", votes[64], ratings[64];
	int runs = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 3;
	double best[6] = { 1e9, 1e9, 1e9, 1e9, 1e9, 1e9 };
	struct simsa_err err;
	int rc = 1;

	if (runs < 1 || !mkdtemp(dir))
		return 1;
	snprintf(votes, sizeof votes, "%s/votes.csv", dir);
	snprintf(ratings, sizeof ratings, "%s/ratings.csv", dir);
	if (make_votes(votes) < 0 || make_ratings(ratings) < 0)
		goto out;
	for (int k = 0; k < runs; k++) {
		struct vote_set vs;
		struct rank_result r;
		struct rank_opts o = { true, 2, 0, 1 };
		struct agree_data d;
		double t0, t1, v, lo, hi;

		t0 = mono_seconds();
		if (votes_load_csv(votes, &vs, &err) < 0)
			goto fail;
		t1 = mono_seconds();
		best[0] = t1 - t0 < best[0] ? t1 - t0 : best[0];
		if (rank_compute(&vs, &o, &r, &err) < 0)
			goto fail;
		rank_result_release(&r);
		t0 = mono_seconds();
		best[1] = t0 - t1 < best[1] ? t0 - t1 : best[1];
		o.resamples = 100;
		if (rank_compute(&vs, &o, &r, &err) < 0)
			goto fail;
		rank_result_release(&r);
		vote_set_release(&vs);
		t1 = mono_seconds();
		best[2] = t1 - t0 < best[2] ? t1 - t0 : best[2];
		if (agree_load_csv(ratings, AGREE_ORDINAL, &d, &err) < 0)
			goto fail;
		t0 = mono_seconds();
		best[3] = t0 - t1 < best[3] ? t0 - t1 : best[3];
		if (agree_with_interval(&d, AGREE_ALPHA, AGREE_ORDINAL, AGREE_UNWEIGHTED, 0, 1, &v,
					&lo, &hi, NULL, &err) < 0)
			goto fail;
		t1 = mono_seconds();
		best[4] = t1 - t0 < best[4] ? t1 - t0 : best[4];
		if (agree_with_interval(&d, AGREE_ALPHA, AGREE_ORDINAL, AGREE_UNWEIGHTED, 100, 1,
					&v, &lo, &hi, NULL, &err) < 0)
			goto fail;
		best[5] = mono_seconds() - t1 < best[5] ? mono_seconds() - t1 : best[5];
		agree_data_release(&d);
	}
	printf("stats: best of %d runs\n", runs);
	report("read 100,000 votes (baseline)", best[0], best[0]);
	report("Bradley-Terry fit, 6 entrants", best[1], best[0]);
	report("... with 100 resamples (raters x prompts)", best[2], best[0]);
	report("read 10,000 units x 8 raters (baseline)", best[3], best[3]);
	report("Krippendorff alpha, ordinal", best[4], best[3]);
	report("... with 100 resamples of units", best[5], best[3]);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "bench_stats: %s\n", err.msg);
out:
	unlink(votes);
	unlink(ratings);
	rmdir(dir);
	return rc;
}
