/* stats_rank — entrants ranked from pairwise votes: Bradley–Terry fit,
 * derived figures and cluster-bootstrap intervals; and the bootstrap of an
 * agreement statistic over units (include/simsa/stats.h). */
#include "simsa/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/bootstrap.h"
#include "simsa/btl.h"

void votes_add(double *wins, size_t n, uint32_t left, uint32_t right, unsigned outcome,
	       bool much, double w, unsigned much_weight, bool both_bad_tie)
{
	double win;

	if (w == 0 || left == right || (outcome == VOTE_BOTHBAD && !both_bad_tie))
		return;
	win = much ? (double)much_weight : 1.0;
	switch (outcome) {
	case VOTE_LEFT: wins[left * n + right] += w * win; break;
	case VOTE_RIGHT: wins[right * n + left] += w * win; break;
	default:
		wins[left * n + right] += w * 0.5;
		wins[right * n + left] += w * 0.5;
	}
}

/* The weighted wins matrix of the votes; weight(v) = cluster multiplicity
 * product (NULL multiplicities count 1). */
static void tally(const struct vote_set *vs, const struct rank_opts *o, const uint32_t *vote_m,
		  const uint32_t *rater_m, const uint32_t *prompt_m, double *wins)
{
	size_t n = vs->n_entrants;

	memset(wins, 0, n * n * sizeof *wins);
	for (size_t k = 0; k < vs->n_votes; k++) {
		const struct vote *v = &vs->v[k];
		double w = 1.0;

		if (vote_m)
			w *= vote_m[k];
		if (rater_m)
			w *= rater_m[v->rater];
		if (prompt_m)
			w *= prompt_m[v->prompt];
		votes_add(wins, n, v->left, v->right, v->outcome, v->much, w, o->much_weight,
			  o->both_bad_tie);
	}
}

static void derive(size_t n, const double *strength, double *expected, double *rating)
{
	bt_expected(n, strength, expected);
	for (size_t i = 0; i < n; i++)
		rating[i] = bt_elo(strength[i]);
}

void rank_result_release(struct rank_result *r)
{
	free(r->e);
	memset(r, 0, sizeof *r);
}

static int bootstrap(const struct vote_set *vs, const struct rank_opts *o, struct rank_result *r,
		     struct simsa_err *err)
{
	size_t n = vs->n_entrants, B = o->resamples;
	size_t nv = vs->n_votes, nr = vs->n_raters, np = vs->n_prompts;
	uint32_t *vm = NULL, *rm = NULL, *pm = NULL;
	double *wins = NULL, *s, *ex, *ra, *rep_r = NULL, *rep_p = NULL;
	struct drbg d;
	int rc = -1;

	wins = malloc((n * n + 3 * n) * sizeof *wins);
	rep_r = malloc(B * n * sizeof *rep_r);
	rep_p = malloc(B * n * sizeof *rep_p);
	if (nr == 0 && np == 0)
		vm = malloc(nv * sizeof *vm);
	if (nr)
		rm = malloc(nr * sizeof *rm);
	if (np)
		pm = malloc(np * sizeof *pm);
	if (!wins || !rep_r || !rep_p || (nr == 0 && np == 0 && !vm) || (nr && !rm) ||
	    (np && !pm)) {
		err_set(err, "out of memory");
		goto out;
	}
	s = wins + n * n;
	ex = s + n;
	ra = ex + n;
	boot_stream(&d, o->seed, "rank");
	for (size_t b = 0; b < B; b++) {
		/* Raters first, then prompts; votes only without either column. */
		if (vm)
			boot_draw(&d, (uint32_t)nv, vm);
		if (rm)
			boot_draw(&d, (uint32_t)nr, rm);
		if (pm)
			boot_draw(&d, (uint32_t)np, pm);
		tally(vs, o, vm, rm, pm, wins);
		if (bt_fit(n, wins, (const char *const *)vs->entrant, s, err) < 0) {
			err_prefix(err, "bootstrap resample %zu of %zu", b + 1, B);
			goto out;
		}
		derive(n, s, ex, ra);
		for (size_t i = 0; i < n; i++) {
			rep_r[i * B + b] = ra[i];
			rep_p[i * B + b] = 25.0 * ex[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct rank_entry *e = &r->e[i];

		boot_interval95(rep_r + i * B, B, &e->ci_low, &e->ci_high);
		boot_interval95(rep_p + i * B, B, &e->points_low, &e->points_high);
	}
	rc = 0;
out:
	drbg_wipe(&d);
	free(wins);
	free(rep_r);
	free(rep_p);
	free(vm);
	free(rm);
	free(pm);
	return rc;
}

int rank_compute(const struct vote_set *vs, const struct rank_opts *o, struct rank_result *r,
		 struct simsa_err *err)
{
	size_t n = vs->n_entrants;
	double *wins = NULL, *s, *ex, *ra, *lo = NULL, *hi;
	int *rank = NULL, rc = -1;

	memset(r, 0, sizeof *r);
	r->n = n;
	r->cluster = vs->n_raters && vs->n_prompts ? "raters and prompts"
		     : vs->n_raters		 ? "raters"
		     : vs->n_prompts		 ? "prompts"
						 : "votes";
	r->e = calloc(n ? n : 1, sizeof *r->e);
	wins = malloc((n * n + 3 * n) * sizeof *wins);
	lo = malloc(2 * n * sizeof *lo);
	rank = malloc(n * sizeof *rank);
	if (!r->e || !wins || !lo || !rank) {
		err_set(err, "out of memory");
		goto out;
	}
	s = wins + n * n;
	ex = s + n;
	ra = ex + n;
	hi = lo + n;
	for (size_t k = 0; k < vs->n_votes; k++) {
		const struct vote *v = &vs->v[k];

		if (v->left == v->right) {
			r->self_dropped++;
			continue;
		}
		if (v->outcome == VOTE_BOTHBAD && !o->both_bad_tie) {
			r->both_bad_dropped++;
			continue;
		}
		r->e[v->left].votes++;
		r->e[v->right].votes++;
		if (v->outcome == VOTE_LEFT)
			r->e[v->left].win_rate++;
		else if (v->outcome == VOTE_RIGHT)
			r->e[v->right].win_rate++;
		else {
			r->e[v->left].win_rate += 0.5;
			r->e[v->right].win_rate += 0.5;
		}
	}
	tally(vs, o, NULL, NULL, NULL, wins);
	if (bt_fit(n, wins, (const char *const *)vs->entrant, s, err) < 0)
		goto out;
	derive(n, s, ex, ra);
	for (size_t i = 0; i < n; i++) {
		struct rank_entry *e = &r->e[i];

		e->win_rate = e->votes > 0 ? e->win_rate / e->votes : 0.0;
		e->strength = s[i];
		e->expected = ex[i];
		e->points = 25.0 * ex[i];
		e->rating = ra[i];
		e->ci_low = e->ci_high = e->points_low = e->points_high = NAN;
	}
	if (o->resamples > 0 && bootstrap(vs, o, r, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		/* Without intervals the ranks are those of the point estimates. */
		lo[i] = o->resamples > 0 ? r->e[i].ci_low : r->e[i].rating;
		hi[i] = o->resamples > 0 ? r->e[i].ci_high : r->e[i].rating;
	}
	boot_rank(n, lo, hi, rank);
	for (size_t i = 0; i < n; i++)
		r->e[i].rank = rank[i];
	rc = 0;
out:
	if (rc < 0)
		rank_result_release(r);
	free(wins);
	free(lo);
	free(rank);
	return rc;
}

int agree_with_interval(const struct agree_data *d, enum agree_method m, enum agree_level level,
			enum agree_weights w, uint32_t resamples, uint64_t seed, double *value,
			double *lo, double *hi, struct simsa_err *err)
{
	uint32_t *um = NULL;
	double *rep = NULL;
	struct drbg dr;
	int rc = -1;

	*lo = *hi = NAN;
	if (agree_compute(d, m, level, w, NULL, value, err) < 0)
		return -1;
	if (resamples == 0)
		return 0;
	um = malloc((d->n_units ? d->n_units : 1) * sizeof *um);
	rep = malloc(resamples * sizeof *rep);
	if (!um || !rep) {
		free(um);
		free(rep);
		return err_set(err, "out of memory");
	}
	boot_stream(&dr, seed, "agreement");
	for (uint32_t b = 0; b < resamples; b++) {
		boot_draw(&dr, (uint32_t)d->n_units, um);
		if (agree_compute(d, m, level, w, um, &rep[b], err) < 0) {
			err_prefix(err, "bootstrap resample %u of %u", b + 1, resamples);
			goto out;
		}
	}
	boot_interval95(rep, resamples, lo, hi);
	rc = 0;
out:
	drbg_wipe(&dr);
	free(um);
	free(rep);
	return rc;
}
