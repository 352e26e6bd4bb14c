/* score_boot — the joint cluster bootstrap of a round's points and the
 * benchmark CSV (include/simsa/score.h, docs/scoring.md). */
#include "simsa/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/bootstrap.h"
#include "simsa/bradley_terry.h"
#include "simsa/csvin.h"
#include "simsa/stats.h"

/* score_expert_means() of the values val[2k + s] (NULL: the items' own). */
static int means_of(const struct score_data *d, const double *val, const uint32_t *xm,
		    const uint32_t *pm, double *mean, long *outputs, long *scorings,
		    struct simsa_err *err)
{
	size_t ne = d->n_entrants, cells = d->n_prompts * ne;
	double *sw = calloc(2 * (cells ? cells : 1), sizeof *sw), *sv;
	double *ow = calloc(ne ? ne : 1, sizeof *ow);

	if (!sw || !ow) {
		free(sw);
		free(ow);
		return err_set(err, "out of memory");
	}
	sv = sw + cells;
	for (size_t i = 0; i < ne; i++) {
		mean[i] = 0;
		if (outputs)
			outputs[i] = 0;
		if (scorings)
			scorings[i] = 0;
	}
	for (size_t k = 0; k < d->n_ex; k++) {
		const struct score_item *it = &d->ex[k];
		double w = xm ? xm[it->rater] : 1.0;

		if (w == 0)
			continue;
		for (int s = 0; s < 2; s++) {
			uint32_t e = s ? it->right : it->left;
			double v = val ? val[2 * k + s] : it->value[s];

			if (isnan(v))
				continue;
			sw[it->prompt * ne + e] += w;
			sv[it->prompt * ne + e] += w * v;
			if (scorings)
				scorings[e]++;
		}
	}
	for (size_t p = 0; p < d->n_prompts; p++) {
		double w = pm ? pm[p] : 1.0;

		for (size_t e = 0; e < ne; e++) {
			double cw = sw[p * ne + e];

			if (cw == 0 || w == 0)
				continue;
			mean[e] += w * sv[p * ne + e] / cw;
			ow[e] += w;
			if (outputs)
				outputs[e]++;
		}
	}
	for (size_t e = 0; e < ne; e++)
		mean[e] = ow[e] > 0 ? mean[e] / ow[e] : NAN;
	free(sw);
	free(ow);
	return 0;
}

int score_expert_means(const struct score_data *d, const uint32_t *xm, const uint32_t *pm,
		       double *mean, long *outputs, long *scorings, struct simsa_err *err)
{
	return means_of(d, NULL, xm, pm, mean, outputs, scorings, err);
}

/* Weighted mean and sample sd of one expert's (or, x = nx, everyone's)
 * values in two passes, so that equal values give sd exactly 0. */
struct spread {
	double n, mean, sd;
};

int score_severity(const struct score_data *d, const uint32_t *xm, const uint32_t *pm, double *out,
		   struct simsa_err *err)
{
	size_t nx = d->n_expert_raters;
	struct spread *sp = calloc(nx + 1, sizeof *sp), *pool;

	if (!sp)
		return err_set(err, "out of memory");
	pool = &sp[nx];
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < d->n_ex; k++) {
			const struct score_item *it = &d->ex[k];
			double w = (xm ? xm[it->rater] : 1.0) * (pm ? pm[it->prompt] : 1.0);

			for (int s = 0; s < 2; s++) {
				double v = it->value[s];
				struct spread *x = &sp[it->rater];

				if (isnan(v) || w == 0)
					continue;
				if (pass == 0) {
					x->n += w;
					x->mean += w * v;
					pool->n += w;
					pool->mean += w * v;
				} else {
					x->sd += w * (v - x->mean) * (v - x->mean);
					pool->sd += w * (v - pool->mean) * (v - pool->mean);
				}
			}
		}
		for (size_t x = 0; x <= nx; x++) {
			if (pass == 0)
				sp[x].mean = sp[x].n > 0 ? sp[x].mean / sp[x].n : NAN;
			else
				sp[x].sd = sp[x].n >= 2 ? sqrt(sp[x].sd / (sp[x].n - 1)) : NAN;
		}
	}
	for (size_t k = 0; k < d->n_ex; k++) {
		const struct score_item *it = &d->ex[k];
		const struct spread *x = &sp[it->rater];

		for (int s = 0; s < 2; s++) {
			double v = it->value[s];

			/* without a spread of their own an expert has no scale to take
			 * out: their values stay as given (docs/scoring.md) */
			if (isnan(v) || !(x->sd > SCORE_SD_ZERO) || isnan(pool->sd))
				out[2 * k + s] = v;
			else
				out[2 * k + s] = pool->mean + pool->sd * (v - x->mean) / x->sd;
		}
	}
	free(sp);
	return 0;
}

int score_corrected_means(const struct score_data *d, const uint32_t *xm, const uint32_t *pm,
			  double *mean, struct simsa_err *err)
{
	double *val = malloc((2 * d->n_ex + 1) * sizeof *val);
	int rc;

	if (!val)
		return err_set(err, "out of memory");
	rc = score_severity(d, xm, pm, val, err);
	if (rc == 0)
		rc = means_of(d, val, xm, pm, mean, NULL, NULL, err);
	free(val);
	return rc;
}

/* The user votes (d->votes) compiled for the wins matrix under user and prompt
 * multiplicities, by the rules of `simsa rank` (docs/scoring.md
 * "Bradley–Terry strengths"; the same tally as its bootstrap). */
static int user_tally(const struct score_data *d, const struct score_result *r,
		      struct vote_tally *t, struct simsa_err *err)
{
	return vote_tally_init(t, d->n_entrants, d->votes, d->n_us, d->n_user_raters, d->n_prompts,
			       r->much_better_weight, r->both_bad_as_tie, err);
}

int score_bootstrap(const struct score_data *d, struct score_result *r, struct simsa_err *err)
{
	size_t n = d->n_entrants, B = r->resamples;
	size_t nx = d->n_expert_raters, nu = d->n_user_raters, np = d->n_prompts;
	uint32_t *xm = calloc(nx + 1, sizeof *xm), *um = calloc(nu + 1, sizeof *um);
	uint32_t *pm = calloc(np + 1, sizeof *pm);
	double *wins = malloc((n * n + 6 * n) * sizeof *wins), *s, *ex, *em, *cm, *s0;
	double *acc = malloc((n * n * 5 + np + 1) * sizeof *acc), *pmd;
	struct vote_tally t = { 0 };
	double *rep = malloc(5 * B * n * sizeof *rep);
	const char **names = calloc(n, sizeof *names);
	struct drbg dr;
	int rc = -1;

	boot_stream(&dr, r->seed, "score");
	if (!xm || !um || !pm || !wins || !acc || !rep || !names) {
		err_set(err, "out of memory");
		goto out;
	}
	if (user_tally(d, r, &t, err) < 0)
		goto out;
	s = wins + n * n;
	ex = s + n;
	em = ex + n;
	cm = em + n;
	s0 = cm + n;
	pmd = acc + n * n * 5;
	for (size_t i = 0; i < n; i++) {
		names[i] = r->e[i].name;
		s0[i] = r->e[i].strength; /* each refit starts at the point estimate */
	}
	for (size_t b = 0; b < B;) {
		struct simsa_err why;
		bool degenerate = false;

		/* experts, then users, then prompts: one stream, in this order */
		boot_draw(&dr, (uint32_t)nx, xm);
		boot_draw(&dr, (uint32_t)nu, um);
		boot_draw(&dr, (uint32_t)np, pm);
		if (score_expert_means(d, xm, pm, em, NULL, NULL, err) < 0)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (isnan(em[i]) && !degenerate) {
				degenerate = true;
				err_set(&why, "entrant '%s' has no expert scores in it", names[i]);
			}
		if (!degenerate) {
			/* the correction is redone in every resample: no draws, so the
			 * stream and every other figure are as without it */
			if (score_corrected_means(d, xm, pm, cm, err) < 0)
				goto out;
			for (size_t p = 0; p < np; p++)
				pmd[p] = pm[p];
			vote_tally_wins(&t, um, pmd, acc, wins);
			degenerate = bt_check(n, wins, names, &why) < 0;
		}
		if (degenerate) {
			/* redrawn, and counted; too many means too few clusters */
			if (++r->counts.discarded > (long)(B / 10)) {
				err_set(err,
					"bootstrap: %ld resamples had no estimate (the last: %s): "
					"too few experts, users or prompts for intervals",
					r->counts.discarded, why.msg);
				goto out;
			}
			continue;
		}
		if (bt_fit_from(n, wins, names, s0, s, err) < 0) {
			err_prefix(err, "bootstrap resample %zu of %zu", b + 1, B);
			goto out;
		}
		bt_expected(n, s, ex);
		for (size_t i = 0; i < n; i++) {
			double e = SCORE_EXPERT_POINTS * em[i], u = SCORE_USER_POINTS * ex[i];
			double bench = r->has_benchmark ? r->e[i].benchmark : 0.0;

			rep[(5 * i + 0) * B + b] = e;
			rep[(5 * i + 1) * B + b] = u;
			rep[(5 * i + 2) * B + b] = bt_elo(s[i]);
			rep[(5 * i + 3) * B + b] = bench + e + u;
			rep[(5 * i + 4) * B + b] = SCORE_EXPERT_POINTS * cm[i];
		}
		b++;
	}
	for (size_t i = 0; i < n; i++) {
		struct score_entrant *e = &r->e[i];

		boot_interval95(rep + (5 * i + 0) * B, B, &e->expert_low, &e->expert_high);
		boot_interval95(rep + (5 * i + 1) * B, B, &e->user_low, &e->user_high);
		boot_interval95(rep + (5 * i + 2) * B, B, &e->rating_low, &e->rating_high);
		boot_interval95(rep + (5 * i + 3) * B, B, &e->total_low, &e->total_high);
		boot_interval95(rep + (5 * i + 4) * B, B, &e->expert_corrected_low,
				&e->expert_corrected_high);
	}
	rc = 0;
out:
	drbg_wipe(&dr);
	free(xm);
	free(um);
	free(pm);
	free(wins);
	free(acc);
	vote_tally_release(&t);
	free(rep);
	free(names);
	return rc;
}

/* ---- the benchmark CSV ---- */

static const struct csvin_col bench_cols[] = {
	{ "entrant", true },
	{ "points", true },
};

struct bench_ctx {
	char *const *names;
	size_t n;
	double *points;
	size_t *line; /* where each entrant was given, 0: not yet */
};

static int bench_row(void *ctx, const struct csvin_row *row, struct simsa_err *err)
{
	struct bench_ctx *b = ctx;
	const char *name = row->field[0], *pts = row->field[1];
	double v;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->names[i], name) == 0)
			break;
	if (i == b->n)
		return csvin_field_error(err, row, bench_cols, 0, "no entrant '%s' in this round",
					 name);
	if (b->line[i])
		return csvin_field_error(err, row, bench_cols, 0,
					 "entrant '%s' given twice "
					 "(first at line %zu)",
					 name, b->line[i]);
	if (!csvin_decimal(pts, &v))
		return csvin_field_error(err, row, bench_cols, 1, "not a number: \"%s\"", pts);
	if (v < 0 || v > SCORE_BENCH_POINTS)
		return csvin_field_error(err, row, bench_cols, 1, "%s is outside 0..40", pts);
	b->points[i] = v;
	b->line[i] = row->line;
	return 0;
}

int score_load_benchmark(const char *path, char *const *names, size_t n, double *points,
			 struct simsa_err *err)
{
	struct bench_ctx b = { names, n, points, calloc(n + 1, sizeof(size_t)) };
	int rc = -1;

	if (!b.line)
		return err_set(err, "out of memory");
	if (csvin_read(path, bench_cols, 2, bench_row, &b, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!b.line[i]) {
			err_set(err, "%s: entrant '%s' has no row (every entrant needs one)", path,
				names[i]);
			goto out;
		}
	rc = 0;
out:
	free(b.line);
	return rc;
}
