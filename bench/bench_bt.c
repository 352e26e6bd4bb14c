/* Benchmark: Bradley–Terry with a cluster bootstrap at programme scale —
 * 1,000,000 votes among 20 entrants from 2,000 raters (and 500 prompts),
 * 1,000 resamples of raters and prompts — in simsa (rank_compute, as
 * `simsa rank` and the user component of `simsa score` run it) against a
 * reference implementation of the same method in Python with numpy and
 * scipy (bench/bt_reference.py), side by side in one run.
 *
 * Both get the same votes and the same resamples (this program replays the
 * bootstrap stream rank_compute draws from and writes the multiplicities
 * for the reference), so besides the times it prints how far apart the two
 * sets of 95% intervals are: the reference checks the figures too.
 * Targets (issue 6): simsa under 10 s on this 2-core machine and at least
 * 20 times faster than the reference.
 * usage: bench_bt PYTHON REFERENCE.py [VOTES] (default 1000000) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simsa/bootstrap.h"
#include "simsa/stats.h"
#include "simsa/util.h"

#define ENTRANTS 20
#define RATERS 2000
#define PROMPTS 500
#define RESAMPLES 1000
#define SEED 20261129

static double unit(struct drbg *d)
{
	return drbg_u32(d) / 4294967296.0;
}

static char *name(char prefix, int digits, unsigned i)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%c%0*u", prefix, digits, i);
	return strdup(buf);
}

/* Votes from known strengths: each rater casts votes/RATERS votes on random
 * prompts and pairs; 10% ties, 5% "both bad", a quarter of the wins "much
 * better". Names are zero-padded so that byte order is index order. */
static int make_votes(struct vote_set *vs, size_t votes)
{
	double s[ENTRANTS];
	struct drbg d;

	memset(vs, 0, sizeof *vs);
	vs->n_votes = votes;
	vs->v = malloc(votes * sizeof *vs->v);
	vs->n_entrants = ENTRANTS;
	vs->entrant = calloc(ENTRANTS, sizeof(char *));
	vs->n_raters = RATERS;
	vs->rater = calloc(RATERS, sizeof(char *));
	vs->n_prompts = PROMPTS;
	vs->prompt = calloc(PROMPTS, sizeof(char *));
	if (!vs->v || !vs->entrant || !vs->rater || !vs->prompt)
		return -1;
	for (unsigned i = 0; i < ENTRANTS; i++) {
		s[i] = pow(10.0, (300.0 - 30.0 * i) / 400.0); /* 300 down to -270 Elo */
		vs->entrant[i] = name('e', 2, i);
	}
	for (unsigned i = 0; i < RATERS; i++)
		vs->rater[i] = name('r', 4, i);
	for (unsigned i = 0; i < PROMPTS; i++)
		vs->prompt[i] = name('p', 3, i);
	boot_stream(&d, 1, "bench-bt-votes");
	for (size_t k = 0; k < votes; k++) {
		struct vote *v = &vs->v[k];
		uint32_t i = drbg_uniform(&d, ENTRANTS), j = drbg_uniform(&d, ENTRANTS - 1);
		double u = unit(&d);

		j = j >= i ? j + 1 : j;
		v->left = i;
		v->right = j;
		v->rater = (uint32_t)(k * RATERS / votes);
		v->prompt = drbg_uniform(&d, PROMPTS);
		v->outcome = u < 0.10                          ? VOTE_TIE
			     : u < 0.15                        ? VOTE_BOTHBAD
			     : unit(&d) < s[i] / (s[i] + s[j]) ? VOTE_LEFT
							       : VOTE_RIGHT;
		v->much = v->outcome <= VOTE_RIGHT && drbg_uniform(&d, 4) == 0;
	}
	drbg_wipe(&d);
	return 0;
}

static int write_votes(const struct vote_set *vs, const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	for (size_t k = 0; k < vs->n_votes; k++) {
		const struct vote *v = &vs->v[k];
		int32_t rec[6] = { (int32_t)v->left, (int32_t)v->right, v->outcome,
				   v->much,          (int32_t)v->rater, (int32_t)v->prompt };

		fwrite(rec, sizeof rec, 1, f);
	}
	return fclose(f);
}

/* The multiplicities rank_compute draws: stream "rank", raters then
 * prompts, resample after resample (docs/scoring.md). */
static int write_mults(const char *path, uint64_t seed)
{
	uint32_t m[RATERS + PROMPTS];
	uint16_t out[RATERS + PROMPTS];
	FILE *f = fopen(path, "wb");
	struct drbg d;

	if (!f)
		return -1;
	boot_stream(&d, seed, "rank");
	for (int b = 0; b < RESAMPLES; b++) {
		boot_draw(&d, RATERS, m);
		boot_draw(&d, PROMPTS, m + RATERS);
		for (int k = 0; k < RATERS + PROMPTS; k++)
			out[k] = (uint16_t)m[k];
		fwrite(out, sizeof out, 1, f);
	}
	drbg_wipe(&d);
	return fclose(f);
}

/* The reference's JSON is three flat lists; reads list KEY into x[]. */
static int json_list(const char *text, const char *key, double *x, size_t n)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof pat, "\"%s\": [", key);
	p = strstr(text, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	for (size_t i = 0; i < n; i++) {
		char *end;

		x[i] = strtod(p, &end);
		if (end == p)
			return -1;
		p = end + strspn(end, ", ");
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t votes = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;
	char dir[] = "/tmp/simsa-bench-bt-XXXXXX", vpath[128], mpath[128], opath[128], cmd[1024];
	struct rank_opts o = { true, 2, RESAMPLES, SEED };
	double low[ENTRANTS], high[ENTRANTS], rating[ENTRANTS], t0, c_time, py_time = NAN;
	double d_point = 0, d_int = 0;
	struct rank_result r;
	struct simsa_err err;
	struct vote_set vs;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_bt PYTHON REFERENCE.py [VOTES]\n");
		return 2;
	}
	if (!mkdtemp(dir) || make_votes(&vs, votes) < 0) {
		perror("bench_bt");
		return 1;
	}
	snprintf(vpath, sizeof vpath, "%s/votes.i32", dir);
	snprintf(mpath, sizeof mpath, "%s/mults.u16", dir);
	snprintf(opath, sizeof opath, "%s/reference.json", dir);
	if (write_votes(&vs, vpath) < 0 || write_mults(mpath, SEED) < 0) {
		perror("bench_bt: writing the reference's input");
		return 1;
	}

	t0 = mono_seconds();
	if (rank_compute(&vs, &o, &r, &err) < 0) {
		fprintf(stderr, "bench_bt: %s\n", err.msg);
		return 1;
	}
	c_time = mono_seconds() - t0;

	/* its own line of seconds is in the JSON too: only the table below is shown */
	snprintf(cmd, sizeof cmd, "%s %s %s %s %s %d %d %d %d %d >/dev/null", argv[1], argv[2],
		 vpath, mpath, opath, ENTRANTS, RATERS, PROMPTS, RESAMPLES, o.much_weight);
	if (system(cmd) != 0 || !(f = fopen(opath, "r")) || getdelim(&text, &len, '\0', f) < 0) {
		fprintf(stderr, "bench_bt: the Python reference failed (%s)\n", cmd);
	} else if (json_list(text, "rating", rating, ENTRANTS) < 0 ||
		   json_list(text, "low", low, ENTRANTS) < 0 ||
		   json_list(text, "high", high, ENTRANTS) < 0 ||
		   sscanf(strstr(text, "\"seconds\": ") + 11, "%lf", &py_time) != 1) {
		fprintf(stderr, "bench_bt: cannot read %s\n", opath);
	} else {
		for (int i = 0; i < ENTRANTS; i++) {
			d_point = fmax(d_point, fabs(rating[i] - r.e[i].rating));
			d_int = fmax(d_int, fmax(fabs(low[i] - r.e[i].ci_low),
						 fabs(high[i] - r.e[i].ci_high)));
		}
	}
	printf("bench_bt: Bradley-Terry, %zu votes, %d entrants, %d raters x %d prompts, "
	       "%d resamples of raters and prompts\n",
	       votes, ENTRANTS, RATERS, PROMPTS, RESAMPLES);
	printf("  simsa (C, %ld cores)       %8.3f s   (target < 10 s)\n",
	       sysconf(_SC_NPROCESSORS_ONLN), c_time);
	printf("  reference (numpy/scipy)   %8.3f s\n", py_time);
	printf("  ratio reference/simsa     %8.1f x   (target >= 20)\n", py_time / c_time);
	printf("  largest difference: point ratings %.2e, interval bounds %.2e (Elo points)\n",
	       d_point, d_int);
	printf("  strongest e00: %.1f [%.1f, %.1f]; weakest e19: %.1f [%.1f, %.1f]\n",
	       r.e[0].rating, r.e[0].ci_low, r.e[0].ci_high, r.e[ENTRANTS - 1].rating,
	       r.e[ENTRANTS - 1].ci_low, r.e[ENTRANTS - 1].ci_high);
	free(text);
	unlink(vpath);
	unlink(mpath);
	unlink(opath);
	rmdir(dir);
	rank_result_release(&r);
	vote_set_release(&vs);
	return 0;
}
