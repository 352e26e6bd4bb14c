/* agreement — Krippendorff's alpha, Fleiss' kappa, Cohen's kappa
 * (include/simsa/agreement.h; formulas in docs/scoring.md). */
#include "simsa/agreement.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = { "nominal", "ordinal", "interval", "ratio" };
static const char *const method_names[] = { "alpha", "fleiss", "cohen" };
static const char *const weight_names[] = { "unweighted", "linear", "quadratic" };

const char *agree_level_name(enum agree_level l)
{
	return level_names[l];
}
const char *agree_method_name(enum agree_method m)
{
	return method_names[m];
}
const char *agree_weights_name(enum agree_weights w)
{
	return weight_names[w];
}

static int parse_name(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int agree_level_parse(const char *s, enum agree_level *l)
{
	int i = parse_name(s, level_names, 4);

	if (i < 0)
		return -1;
	*l = (enum agree_level)i;
	return 0;
}

int agree_method_parse(const char *s, enum agree_method *m)
{
	int i = parse_name(s, method_names, 3);

	if (i < 0)
		return -1;
	*m = (enum agree_method)i;
	return 0;
}

int agree_weights_parse(const char *s, enum agree_weights *w)
{
	int i = parse_name(s, weight_names, 3);

	if (i < 0)
		return -1;
	*w = (enum agree_weights)i;
	return 0;
}

static void free_names(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void agree_data_release(struct agree_data *d)
{
	free_names(d->unit_name, d->n_units);
	free_names(d->rater_name, d->n_raters);
	free_names(d->cat_label, d->n_cats);
	free(d->start);
	free(d->rater);
	free(d->cat);
	free(d->cat_value);
	memset(d, 0, sizeof *d);
}

/* 0 if v is a number; otherwise -1 with a message: a statistic that is
 * not finite is never returned. */
static int finite_or_fail(double v, const char *what, struct simsa_err *err)
{
	if (isfinite(v))
		return 0;
	return err_set(err,
		       "%s is not a finite number for these data (the values are too large "
		       "for the arithmetic)",
		       what);
}

static double mult(const uint32_t *unit_mult, size_t u)
{
	return unit_mult ? (double)unit_mult[u] : 1.0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The distinct categories of unit u and their counts, in ascending order;
 * returns how many (scratch holds the sorted categories). */
static size_t unit_counts(const struct agree_data *d, size_t u, uint32_t *scratch, uint32_t *cat,
			  uint32_t *cnt)
{
	size_t m = d->start[u + 1] - d->start[u], k = 0;

	memcpy(scratch, d->cat + d->start[u], m * sizeof *scratch);
	qsort(scratch, m, sizeof *scratch, cmp_u32);
	for (size_t i = 0; i < m; i++) {
		if (k > 0 && cat[k - 1] == scratch[i]) {
			cnt[k - 1]++;
		} else {
			cat[k] = scratch[i];
			cnt[k++] = 1;
		}
	}
	return k;
}

static size_t max_unit(const struct agree_data *d)
{
	size_t m = 1;

	for (size_t u = 0; u < d->n_units; u++)
		if (d->start[u + 1] - d->start[u] > m)
			m = d->start[u + 1] - d->start[u];
	return m;
}

/* The squared difference d2(c, k), c < k; nc and cum (prefix sums of nc,
 * cum[i] = nc[0] + ... + nc[i-1]) serve the ordinal metric. */
static double delta2(const struct agree_data *d, enum agree_level level, const double *nc,
		     const double *cum, uint32_t c, uint32_t k)
{
	double a = d->cat_value[c], b = d->cat_value[k], t;

	switch (level) {
	case AGREE_NOMINAL: return 1.0;
	case AGREE_INTERVAL: return (a - b) * (a - b);
	case AGREE_RATIO:
		if (a + b == 0.0)
			return 0.0;
		t = (a - b) / (a + b);
		return t * t;
	case AGREE_ORDINAL:
	default: t = (cum[k + 1] - cum[c]) - (nc[c] + nc[k]) / 2.0; return t * t;
	}
}

int agree_alpha(const struct agree_data *d, enum agree_level level, const uint32_t *unit_mult,
		double *alpha, struct simsa_err *err)
{
	size_t m_max = max_unit(d), K = d->n_cats;
	uint32_t *scratch = malloc(3 * m_max * sizeof *scratch);
	double *nc = calloc(2 * K + 1, sizeof *nc);
	double *cum = nc ? nc + K : NULL;
	double n = 0, Do = 0, De = 0;
	int rc = -1;

	if (!scratch || !nc) {
		err_set(err, "out of memory");
		goto out;
	}
	if (level == AGREE_RATIO && K > 0 && d->cat_value[0] < 0) {
		err_set(err, "ratio level needs values >= 0; found %g", d->cat_value[0]);
		goto out;
	}
	if ((level == AGREE_INTERVAL || level == AGREE_RATIO) && K > 0 &&
	    (fabs(d->cat_value[0]) > AGREE_MAX_VALUE ||
	     fabs(d->cat_value[K - 1]) > AGREE_MAX_VALUE)) {
		err_set(err, "%g is too large (the %s level needs values of magnitude at most %g)",
			fabs(d->cat_value[0]) > AGREE_MAX_VALUE ? d->cat_value[0]
								: d->cat_value[K - 1],
			level_names[level], AGREE_MAX_VALUE);
		goto out;
	}
	/* n_c: the pairable values (in units with at least two ratings). */
	for (size_t u = 0; u < d->n_units; u++) {
		size_t m = d->start[u + 1] - d->start[u];

		if (m < 2 || mult(unit_mult, u) == 0)
			continue;
		for (size_t i = d->start[u]; i < d->start[u + 1]; i++)
			nc[d->cat[i]] += mult(unit_mult, u);
		n += (double)m * mult(unit_mult, u);
	}
	if (n < 2) {
		err_set(err, "alpha is undefined: no unit has two ratings");
		goto out;
	}
	cum[0] = 0;
	for (size_t c = 0; c < K; c++)
		cum[c + 1] = cum[c] + nc[c];
	/* Observed: sum over units of n_uc n_uk d2(c,k) / (m_u - 1), c < k. */
	for (size_t u = 0; u < d->n_units; u++) {
		size_t m = d->start[u + 1] - d->start[u], k;
		uint32_t *cat = scratch + m_max, *cnt = scratch + 2 * m_max;
		double s = 0;

		if (m < 2 || mult(unit_mult, u) == 0)
			continue;
		k = unit_counts(d, u, scratch, cat, cnt);
		for (size_t a = 0; a < k; a++)
			for (size_t b = a + 1; b < k; b++)
				s += (double)cnt[a] * cnt[b] *
				     delta2(d, level, nc, cum, cat[a], cat[b]);
		Do += mult(unit_mult, u) * s / (double)(m - 1);
	}
	/* Expected: sum over c < k of n_c n_k d2(c,k). */
	if (level == AGREE_INTERVAL) {
		double mean = 0;

		for (size_t c = 0; c < K; c++)
			mean += nc[c] * d->cat_value[c];
		mean /= n;
		for (size_t c = 0; c < K; c++)
			De += nc[c] * (d->cat_value[c] - mean) * (d->cat_value[c] - mean);
		De *= n;
	} else if (level == AGREE_NOMINAL) {
		double sq = 0;

		for (size_t c = 0; c < K; c++)
			sq += nc[c] * nc[c];
		De = (n * n - sq) / 2.0;
	} else {
		for (size_t c = 0; c < K; c++)
			for (size_t k = c + 1; k < K; k++)
				if (nc[c] > 0 && nc[k] > 0)
					De += nc[c] * nc[k] *
					      delta2(d, level, nc, cum, (uint32_t)c, (uint32_t)k);
	}
	if (De <= 0) {
		err_set(err, "alpha is undefined: all pairable values are the same (no variation)");
		goto out;
	}
	*alpha = 1.0 - (n - 1.0) * Do / De;
	rc = finite_or_fail(*alpha, "alpha", err);
out:
	free(scratch);
	free(nc);
	return rc;
}

int agree_fleiss(const struct agree_data *d, const uint32_t *unit_mult, double *kappa,
		 struct simsa_err *err)
{
	size_t K = d->n_cats, m = 0, m_unit = 0, mm = max_unit(d);
	uint32_t *scratch = malloc(3 * mm * sizeof *scratch);
	double *p = calloc(K ? K : 1, sizeof *p);
	double N = 0, Pbar = 0, Pe = 0;
	int rc = -1;

	if (!scratch || !p) {
		err_set(err, "out of memory");
		goto out;
	}
	for (size_t u = 0; u < d->n_units; u++) {
		size_t mu = d->start[u + 1] - d->start[u], k;
		uint32_t *cat = scratch + mm, *cnt = scratch + 2 * mm;
		double w = mult(unit_mult, u), s = 0;

		if (m == 0) {
			m = mu;
			m_unit = u;
		} else if (mu != m) {
			if (d->unit_name)
				err_set(err,
					"Fleiss' kappa needs the same number of ratings per "
					"unit: unit '%s' has %zu, unit '%s' has %zu",
					d->unit_name[m_unit], m, d->unit_name[u], mu);
			else
				err_set(err,
					"Fleiss' kappa needs the same number of ratings per "
					"unit: unit %zu has %zu, unit %zu has %zu",
					m_unit + 1, m, u + 1, mu);
			goto out;
		}
		if (w == 0)
			continue;
		k = unit_counts(d, u, scratch, cat, cnt);
		for (size_t a = 0; a < k; a++) {
			s += (double)cnt[a] * cnt[a];
			p[cat[a]] += w * cnt[a];
		}
		Pbar += w * (s - (double)mu) / ((double)mu * (double)(mu - 1));
		N += w;
	}
	if (m < 2) {
		err_set(err, "Fleiss' kappa needs at least two ratings per unit");
		goto out;
	}
	Pbar /= N;
	for (size_t c = 0; c < K; c++) {
		p[c] /= N * (double)m;
		Pe += p[c] * p[c];
	}
	if (Pe >= 1.0) {
		err_set(err, "Fleiss' kappa is undefined: every rating is the same category");
		goto out;
	}
	*kappa = (Pbar - Pe) / (1.0 - Pe);
	rc = finite_or_fail(*kappa, "Fleiss' kappa", err);
out:
	free(scratch);
	free(p);
	return rc;
}

/* The two ratings of unit u by raters 0 and 1, or false if not both. */
static bool pair_of(const struct agree_data *d, size_t u, uint32_t *a, uint32_t *b)
{
	bool ha = false, hb = false;

	for (size_t i = d->start[u]; i < d->start[u + 1]; i++) {
		if (d->rater[i] == 0) {
			*a = d->cat[i];
			ha = true;
		} else {
			*b = d->cat[i];
			hb = true;
		}
	}
	return ha && hb;
}

int agree_cohen(const struct agree_data *d, enum agree_weights wt, const uint32_t *unit_mult,
		double *kappa, struct simsa_err *err)
{
	size_t K = d->n_cats, k = 0;
	uint32_t *rank = malloc((K ? K : 1) * sizeof *rank);
	double *t = NULL, *r = NULL, *c = NULL, N = 0, po = 0, pe = 0;
	int rc = -1;

	if (d->n_raters != 2) {
		err_set(err, "Cohen's kappa is for exactly two raters; the data have %zu",
			d->n_raters);
		goto out;
	}
	if (!rank) {
		err_set(err, "out of memory");
		goto out;
	}
	/* Categories: those in units both raters rated (fixed, whatever the
	 * multiplicities), ranked in ascending order. */
	for (size_t i = 0; i < K; i++)
		rank[i] = UINT32_MAX;
	for (size_t u = 0; u < d->n_units; u++) {
		uint32_t a, b;

		if (pair_of(d, u, &a, &b))
			rank[a] = rank[b] = 0;
	}
	for (size_t i = 0; i < K; i++)
		if (rank[i] == 0)
			rank[i] = (uint32_t)k++;
	if (k < 2) {
		err_set(err, "Cohen's kappa is undefined: fewer than two categories in the units "
			     "both raters rated");
		goto out;
	}
	t = calloc(k * k + 2 * k, sizeof *t);
	if (!t) {
		err_set(err, "out of memory");
		goto out;
	}
	r = t + k * k;
	c = r + k;
	for (size_t u = 0; u < d->n_units; u++) {
		uint32_t a, b;
		double w = mult(unit_mult, u);

		if (w == 0 || !pair_of(d, u, &a, &b))
			continue;
		t[rank[a] * k + rank[b]] += w;
		r[rank[a]] += w;
		c[rank[b]] += w;
		N += w;
	}
	if (N == 0) {
		err_set(err, "Cohen's kappa is undefined: no unit was rated by both raters");
		goto out;
	}
	for (size_t i = 0; i < k; i++) {
		for (size_t j = 0; j < k; j++) {
			double x = ((double)i - (double)j) / (double)(k - 1), w;

			if (wt == AGREE_LINEAR)
				w = 1.0 - fabs(x);
			else if (wt == AGREE_QUADRATIC)
				w = 1.0 - x * x;
			else
				w = i == j ? 1.0 : 0.0;
			po += w * t[i * k + j] / N;
			pe += w * (r[i] / N) * (c[j] / N);
		}
	}
	if (pe >= 1.0) {
		err_set(err, "Cohen's kappa is undefined: chance agreement is 1");
		goto out;
	}
	*kappa = (po - pe) / (1.0 - pe);
	rc = finite_or_fail(*kappa, "Cohen's kappa", err);
out:
	free(rank);
	free(t);
	return rc;
}

int agree_compute(const struct agree_data *d, enum agree_method m, enum agree_level level,
		  enum agree_weights w, const uint32_t *unit_mult, double *value,
		  struct simsa_err *err)
{
	switch (m) {
	case AGREE_FLEISS: return agree_fleiss(d, unit_mult, value, err);
	case AGREE_COHEN: return agree_cohen(d, w, unit_mult, value, err);
	case AGREE_ALPHA:
	default: return agree_alpha(d, level, unit_mult, value, err);
	}
}
