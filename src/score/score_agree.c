/* score_agree — agreement within a closed round and each rater against
 * the rest of the panel, with the flagging rule (include/simsa/score.h,
 * docs/scoring.md "Agreement within a round"). Nothing here changes the
 * points: the figures are reported for the organizer to judge. */
#include "simsa/score.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/ballot.h"
#include "simsa/stats.h"

/* One rating before it becomes reliability data. */
struct rating {
	uint64_t unit;
	uint32_t rater;
	uint32_t seq; /* input order: a rater's first rating of a unit is kept */
	double value;
};

static int cmp_rating(const void *a, const void *b)
{
	const struct rating *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->rater != y->rater)
		return x->rater < y->rater ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Reliability data from n ratings (sorted here, one kept per unit and
 * rater). *pairable counts units with two ratings or more; *same_m is the
 * number of ratings every unit has, or 0 when they differ. */
static int to_agree_data(struct rating *rt, size_t n, size_t n_raters, struct agree_data *ad,
			 long *pairable, size_t *same_m, struct simsa_err *err)
{
	size_t k = 0, nu = 0, nc = 0, u = 0;
	double *vals;

	memset(ad, 0, sizeof *ad);
	qsort(rt, n, sizeof *rt, cmp_rating);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || rt[i].unit != rt[k - 1].unit || rt[i].rater != rt[k - 1].rater)
			rt[k++] = rt[i];
	n = k;
	for (size_t i = 0; i < n; i++)
		nu += i == 0 || rt[i].unit != rt[i - 1].unit;
	vals = malloc((n + 1) * sizeof *vals);
	ad->start = malloc((nu + 1) * sizeof *ad->start);
	ad->rater = malloc((n + 1) * sizeof *ad->rater);
	ad->cat = malloc((n + 1) * sizeof *ad->cat);
	ad->cat_value = malloc((n + 1) * sizeof *ad->cat_value);
	if (!vals || !ad->start || !ad->rater || !ad->cat || !ad->cat_value) {
		free(vals);
		agree_data_release(ad);
		return err_set(err, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		vals[i] = rt[i].value;
	qsort(vals, n, sizeof *vals, cmp_double);
	for (size_t i = 0; i < n; i++)
		if (nc == 0 || vals[i] != ad->cat_value[nc - 1])
			ad->cat_value[nc++] = vals[i];
	free(vals);
	ad->n_units = nu;
	ad->n_raters = n_raters;
	ad->n_cats = nc;
	for (size_t i = 0; i < n; i++) {
		const double *c = bsearch(&rt[i].value, ad->cat_value, nc, sizeof *c, cmp_double);

		if (i == 0 || rt[i].unit != rt[i - 1].unit)
			ad->start[u++] = i;
		ad->rater[i] = rt[i].rater;
		ad->cat[i] = (uint32_t)(c - ad->cat_value);
	}
	ad->start[nu] = n;
	*pairable = 0;
	*same_m = nu ? ad->start[1] - ad->start[0] : 0;
	for (u = 0; u < nu; u++) {
		size_t m = ad->start[u + 1] - ad->start[u];

		*pairable += m >= 2;
		if (m != *same_m)
			*same_m = 0;
	}
	return 0;
}

/* The statistic with its interval; a failure is a note, not an error:
 * agreement is reported beside the points, which stand without it. */
static void one_stat(struct score_agree_stat *st, const struct agree_data *ad,
		     const struct score_result *r)
{
	struct simsa_err e;

	if (agree_with_interval(ad, st->method, st->level, AGREE_UNWEIGHTED, r->resamples, r->seed,
				&st->value, &st->low, &st->high, NULL, &e) == 0)
		return;
	st->low = st->high = NAN;
	if (agree_compute(ad, st->method, st->level, AGREE_UNWEIGHTED, NULL, &st->value, &e) == 0) {
		/* some resample had no variation left */
		snprintf(st->note, sizeof st->note, "no interval: %.180s", e.msg);
	} else {
		st->value = NAN;
		snprintf(st->note, sizeof st->note, "%.190s", e.msg);
	}
}

/* A user vote as a value between the slot's entrants in index order: +2
 * the first much better ... -2 the second much better, 0 a tie. "Both
 * bad" says nothing about the order and is left out (false). */
bool score_pref_value(const struct score_item *v, size_t ne, uint64_t *unit, double *val)
{
	uint32_t a = v->left < v->right ? v->left : v->right;
	uint32_t b = v->left < v->right ? v->right : v->left;
	double x;

	if (v->left == v->right || v->outcome == VOTE_BOTHBAD)
		return false;
	x = v->outcome == VOTE_TIE ? 0 : v->much ? 2 : 1;
	if (v->outcome == VOTE_RIGHT)
		x = -x;
	*val = v->left < v->right ? x : -x;
	*unit = ((uint64_t)v->prompt * ne + a) * ne + b;
	return true;
}

static int criteria_stats(const struct score_data *d, struct score_result *r, size_t *na,
			  struct simsa_err *err)
{
	struct rating *rt = malloc((2 * d->n_ex + 1) * sizeof *rt);
	static const enum agree_level levels[] = { AGREE_ORDINAL, AGREE_INTERVAL };

	if (!rt)
		return err_set(err, "out of memory");
	for (size_t c = 0; c < r->n_criteria; c++) {
		struct agree_data ad;
		size_t n = 0, same_m;
		long units;

		for (size_t k = 0; k < d->n_ex; k++)
			for (int s = 0; s < 2; s++) {
				const struct score_item *it = &d->ex[k];
				uint32_t v = it->raw[s][c];

				if (v == BALLOT_SCORE_NA || v == BALLOT_SCORE_UNSET)
					continue;
				rt[n++] = (struct rating){ (uint64_t)it->prompt * d->n_entrants +
								   (s ? it->right : it->left),
							   it->rater, (uint32_t)(2 * k + s), v };
			}
		if (to_agree_data(rt, n, d->n_expert_raters, &ad, &units, &same_m, err) < 0) {
			free(rt);
			return -1;
		}
		for (size_t l = 0; l < 2; l++) {
			struct score_agree_stat *st = &r->agree[(*na)++];

			st->what = r->crit_id[c];
			st->method = AGREE_ALPHA;
			st->level = levels[l];
			st->units = units;
			one_stat(st, &ad, r);
		}
		agree_data_release(&ad);
	}
	free(rt);
	return 0;
}

static int preference_stats(const struct score_data *d, struct score_result *r, size_t *na,
			    struct simsa_err *err)
{
	struct rating *rt = malloc((d->n_us + 1) * sizeof *rt);
	struct score_agree_stat *st;
	struct agree_data ad;
	size_t n = 0, same_m;
	long units;

	if (!rt)
		return err_set(err, "out of memory");
	for (size_t k = 0; k < d->n_us; k++) {
		uint64_t unit;
		double v;

		if (score_pref_value(&d->us[k], d->n_entrants, &unit, &v))
			rt[n++] = (struct rating){ unit, d->us[k].rater, (uint32_t)k, v };
	}
	if (to_agree_data(rt, n, d->n_user_raters, &ad, &units, &same_m, err) < 0) {
		free(rt);
		return -1;
	}
	free(rt);
	st = &r->agree[(*na)++];
	st->what = "preference";
	st->method = AGREE_ALPHA;
	st->level = AGREE_ORDINAL;
	st->units = units;
	one_stat(st, &ad, r);
	st = &r->agree[(*na)++];
	st->what = "preference";
	st->method = AGREE_FLEISS;
	st->level = AGREE_NOMINAL;
	st->units = units;
	if (same_m >= 2) {
		one_stat(st, &ad, r);
	} else {
		st->value = st->low = st->high = NAN;
		snprintf(st->note, sizeof st->note,
			 "not applicable: the slots have different "
			 "numbers of votes");
	}
	agree_data_release(&ad);
	return 0;
}

/* Experts: per output, each expert's mean v against the mean of the
 * other experts' means. */
static int expert_panel(const struct score_data *d, struct score_result *r, struct simsa_err *err)
{
	size_t nx = d->n_expert_raters, n = 0, k = 0;
	struct rating *rt = malloc((2 * d->n_ex + 1) * sizeof *rt);
	double *acc = calloc(2 * (nx + 1), sizeof *acc);

	if (!rt || !acc) {
		free(rt);
		free(acc);
		return err_set(err, "out of memory");
	}
	for (size_t i = 0; i < d->n_ex; i++)
		for (int s = 0; s < 2; s++) {
			const struct score_item *it = &d->ex[i];

			if (!isnan(it->value[s]))
				rt[n++] = (struct rating){ (uint64_t)it->prompt * d->n_entrants +
								   (s ? it->right : it->left),
							   it->rater, (uint32_t)(2 * i + s),
							   it->value[s] };
		}
	qsort(rt, n, sizeof *rt, cmp_rating);
	/* an expert who scored an output twice (in two pairs): their mean */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double sum = 0;

		for (; j < n && rt[j].unit == rt[i].unit && rt[j].rater == rt[i].rater; j++)
			sum += rt[j].value;
		rt[k] = rt[i];
		rt[k++].value = sum / (double)(j - i);
		i = j;
	}
	for (size_t i = 0; i < k;) {
		size_t j = i;
		double sum = 0;

		for (; j < k && rt[j].unit == rt[i].unit; j++)
			sum += rt[j].value;
		for (size_t m = i; j - i >= 2 && m < j; m++) {
			double others = (sum - rt[m].value) / (double)(j - i - 1);

			acc[2 * rt[m].rater] += fabs(rt[m].value - others);
			acc[2 * rt[m].rater + 1]++;
		}
		i = j;
	}
	for (size_t i = 0; i < r->n_raters; i++) {
		struct score_rater *x = &r->raters[i];

		if (!x->expert || x->cluster < 0 || (size_t)x->cluster >= nx)
			continue;
		x->shared = (long)acc[2 * x->cluster + 1];
		x->disagreement = x->shared ? acc[2 * x->cluster] / (double)x->shared : NAN;
	}
	free(rt);
	free(acc);
	return 0;
}

/* Users: each vote's direction (first, second, tie) against the majority
 * direction of the other users' votes on the slot. */
static int user_panel(const struct score_data *d, struct score_result *r, struct simsa_err *err)
{
	size_t nu = d->n_user_raters, n = 0;
	struct rating *rt = malloc((d->n_us + 1) * sizeof *rt);
	double *acc = calloc(2 * (nu + 1), sizeof *acc);

	if (!rt || !acc) {
		free(rt);
		free(acc);
		return err_set(err, "out of memory");
	}
	for (size_t k = 0; k < d->n_us; k++) {
		uint64_t unit;
		double v;

		if (score_pref_value(&d->us[k], d->n_entrants, &unit, &v))
			rt[n++] = (struct rating){ unit, d->us[k].rater, (uint32_t)k,
						   v > 0   ? 0
						   : v < 0 ? 1
							   : 2 };
	}
	qsort(rt, n, sizeof *rt, cmp_rating);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		long c[3] = { 0, 0, 0 };

		for (; j < n && rt[j].unit == rt[i].unit; j++)
			c[(int)rt[j].value]++;
		for (size_t m = i; m < j; m++) {
			int own = (int)rt[m].value, best = -1;
			long o[3] = { c[0], c[1], c[2] }, top = 0;

			o[own]--;
			for (int t = 0; t < 3; t++)
				if (o[t] > top) {
					top = o[t];
					best = t;
				} else if (o[t] == top) {
					best = -1; /* no strict majority: not compared */
				}
			if (best < 0 || top == 0)
				continue;
			acc[2 * rt[m].rater] += best == own;
			acc[2 * rt[m].rater + 1]++;
		}
		i = j;
	}
	for (size_t i = 0; i < r->n_raters; i++) {
		struct score_rater *x = &r->raters[i];

		if (x->expert || x->cluster < 0 || (size_t)x->cluster >= nu)
			continue;
		x->shared = (long)acc[2 * x->cluster + 1];
		x->match_rate = x->shared ? acc[2 * x->cluster] / (double)x->shared : NAN;
	}
	free(rt);
	free(acc);
	return 0;
}

int score_agreement(const struct score_data *d, struct score_result *r, struct simsa_err *err)
{
	size_t na = 0;

	r->agree = calloc(2 * r->n_criteria + 2, sizeof *r->agree);
	if (!r->agree)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < r->n_raters; i++) {
		r->raters[i].shared = 0;
		r->raters[i].disagreement = r->raters[i].match_rate = NAN;
	}
	if (criteria_stats(d, r, &na, err) < 0 || preference_stats(d, r, &na, err) < 0 ||
	    expert_panel(d, r, err) < 0 || user_panel(d, r, err) < 0)
		return -1;
	r->n_agree = na;
	score_flag_raters(r->raters, r->n_raters);
	return 0;
}

/* ---- the flagging rule ---- */

static double median(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp_double);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* How far a rater is from the panel on the side that matters: expert
 * disagreement up, user match rate down. NAN: not enough shared items. */
static double badness(const struct score_rater *x)
{
	if (x->shared < SCORE_FLAG_MIN_ITEMS)
		return NAN;
	return x->expert ? x->disagreement : 1 - x->match_rate;
}

/* Robust z of every rater of a role, and the median (NAN: too few). */
static double panel_z(struct score_rater *rt, size_t n, bool expert)
{
	double *x = malloc((n + 1) * sizeof *x), med, mad, meanad = 0, scale;
	size_t m = 0;

	if (!x)
		return NAN;
	for (size_t i = 0; i < n; i++)
		if (rt[i].expert == expert && !isnan(badness(&rt[i])))
			x[m++] = badness(&rt[i]);
	if (m < SCORE_FLAG_MIN_PANEL) {
		free(x);
		return NAN;
	}
	med = median(x, m);
	for (size_t i = 0; i < m; i++) {
		meanad += fabs(x[i] - med) / (double)m;
		x[i] = fabs(x[i] - med);
	}
	mad = median(x, m);
	/* 1.4826 MAD estimates a normal sd; when more than half the panel
	 * agrees exactly (MAD 0), 1.2533 x the mean absolute deviation does */
	scale = mad > 0 ? 1.4826 * mad : 1.2533 * meanad;
	for (size_t i = 0; i < n; i++) {
		double b = badness(&rt[i]);

		if (rt[i].expert != expert || isnan(b))
			continue;
		rt[i].panel_z = scale > 0 ? (b - med) / scale : 0;
	}
	free(x);
	return med;
}

static void add_reason(struct score_rater *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct score_rater *x, const char *fmt, ...)
{
	size_t len = strlen(x->reason);
	va_list ap;

	x->flagged = true;
	if (len && len + 2 < sizeof x->reason) {
		memcpy(x->reason + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(x->reason + len, sizeof x->reason - len, fmt, ap);
	va_end(ap);
}

void score_flag_raters(struct score_rater *rt, size_t n)
{
	double med[2];

	for (size_t i = 0; i < n; i++) {
		rt[i].panel_z = NAN;
		rt[i].flagged = false;
		rt[i].reason[0] = 0;
	}
	med[0] = panel_z(rt, n, false);
	med[1] = panel_z(rt, n, true);
	for (size_t i = 0; i < n; i++) {
		struct score_rater *x = &rt[i];
		double b = badness(x),
		       gap = x->expert ? SCORE_FLAG_EXPERT_GAP : SCORE_FLAG_USER_GAP;

		if (x->gold_failed)
			add_reason(x, "gold: %ld of %ld right%s", x->gold_correct, x->gold_known,
				   x->gold_excluded ? ", left out of the points" : "");
		if (x->repeats >= SCORE_FLAG_MIN_ITEMS && 2 * x->repeats_reversed > x->repeats)
			add_reason(x, "repeats: %ld of %ld reversed", x->repeats_reversed,
				   x->repeats);
		if (isnan(x->panel_z) || !(x->panel_z > SCORE_FLAG_Z) || b - med[x->expert] < gap)
			continue;
		if (x->expert)
			add_reason(x,
				   "panel: disagreement %.3f against a median %.3f (robust z %.1f)",
				   b, med[1], x->panel_z);
		else
			add_reason(x,
				   "panel: with the majority %.3f against a median %.3f (robust z "
				   "%.1f)",
				   1 - b, 1 - med[0], x->panel_z);
	}
}
