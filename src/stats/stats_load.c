/* stats_load — the CSV files of `simsa agreement` and `simsa rank` into
 * agree_data and vote_set (include/simsa/stats.h). Names become indices in
 * byte order, so every machine numbers units, raters and entrants alike
 * (the bootstrap depends on that order). */
#include "simsa/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/csvin.h"
#include "simsa/util.h"

/* A growing list of strings (one per row) that becomes sorted unique
 * names plus the index of each row's name. */
struct names {
	char **s;
	size_t n, cap;
};

static int names_add(struct names *t, const char *s)
{
	if (grow_array((void **)&t->s, &t->cap, t->n + 1, sizeof *t->s) < 0)
		return -1;
	t->s[t->n] = strdup(s);
	if (!t->s[t->n])
		return -1;
	t->n++;
	return 0;
}

static void names_free(struct names *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	memset(t, 0, sizeof *t);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted unique copies of t's strings into *out (n_out of them) and, for
 * each row k, idx[k] = its name's index. */
static int names_index(const struct names *t, char ***out, size_t *n_out, uint32_t *idx)
{
	char **sorted = malloc((t->n ? t->n : 1) * sizeof *sorted), **u = NULL;
	size_t k = 0;
	int rc = -1;

	if (!sorted)
		return -1;
	memcpy(sorted, t->s, t->n * sizeof *sorted);
	qsort(sorted, t->n, sizeof *sorted, cmp_str);
	u = calloc(t->n ? t->n : 1, sizeof *u);
	if (!u)
		goto out;
	for (size_t i = 0; i < t->n; i++) {
		if (k > 0 && strcmp(u[k - 1], sorted[i]) == 0)
			continue;
		u[k] = strdup(sorted[i]);
		if (!u[k++])
			goto out;
	}
	for (size_t i = 0; i < t->n; i++) {
		char **hit = bsearch(&t->s[i], u, k, sizeof *u, cmp_str);

		idx[i] = (uint32_t)(hit - u);
	}
	*out = u;
	*n_out = k;
	u = NULL;
	rc = 0;
out:
	if (u) {
		for (size_t i = 0; i < k; i++)
			free(u[i]);
		free(u);
	}
	free(sorted);
	return rc;
}

static void free_list(char **s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

/* ---- agreement: unit,rater,value ---- */

enum { A_UNIT, A_RATER, A_VALUE };
/* clang-format off */
static const struct csvin_col agree_cols[] = {
	{ "unit", true }, { "rater", true }, { "value", true },
};
/* clang-format on */

struct agree_rows {
	enum agree_level level;
	struct names unit, rater, label;
	double *value;
	size_t *line;
	size_t n, cap;
};

static int agree_row(void *ctx, const struct csvin_row *row, struct simsa_err *err)
{
	struct agree_rows *a = ctx;
	double v = 0;

	for (size_t c = 0; c < 3; c++)
		if (!*row->field[c])
			return csvin_field_error(err, row, agree_cols, c, "empty");
	if (a->level != AGREE_NOMINAL) {
		if (!csvin_decimal(row->field[A_VALUE], &v))
			return csvin_field_error(
				err, row, agree_cols, A_VALUE,
				"'%s' is not a number (the %s level needs numbers)",
				row->field[A_VALUE], agree_level_name(a->level));
		if ((a->level == AGREE_INTERVAL || a->level == AGREE_RATIO) &&
		    fabs(v) > AGREE_MAX_VALUE)
			return csvin_field_error(err, row, agree_cols, A_VALUE,
						 "%s is too large (the %s level needs values of "
						 "magnitude at most %g)",
						 row->field[A_VALUE], agree_level_name(a->level),
						 AGREE_MAX_VALUE);
		if (a->level == AGREE_RATIO && v < 0)
			return csvin_field_error(
				err, row, agree_cols, A_VALUE,
				"%s is negative (the ratio level needs values >= 0)",
				row->field[A_VALUE]);
	}
	if (a->n == a->cap) {
		/* two arrays of one capacity: it changes once both have grown */
		size_t vcap = a->cap, lcap = a->cap;

		if (grow_array((void **)&a->value, &vcap, a->n + 1, sizeof *a->value) < 0 ||
		    grow_array((void **)&a->line, &lcap, a->n + 1, sizeof *a->line) < 0)
			return err_set(err, "out of memory");
		a->cap = vcap;
	}
	a->value[a->n] = v;
	a->line[a->n] = row->line;
	if (names_add(&a->unit, row->field[A_UNIT]) < 0 ||
	    names_add(&a->rater, row->field[A_RATER]) < 0 ||
	    (a->level == AGREE_NOMINAL && names_add(&a->label, row->field[A_VALUE]) < 0))
		return err_set(err, "out of memory");
	a->n++;
	return 0;
}

struct order_ctx {
	const uint32_t *unit, *rater;
};
static struct order_ctx g_order; /* qsort has no context argument in C11 */

static int cmp_rating(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	if (g_order.unit[a] != g_order.unit[b])
		return g_order.unit[a] < g_order.unit[b] ? -1 : 1;
	if (g_order.rater[a] != g_order.rater[b])
		return g_order.rater[a] < g_order.rater[b] ? -1 : 1;
	return (a > b) - (a < b);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int agree_load_csv(const char *path, enum agree_level level, struct agree_data *d,
		   struct simsa_err *err)
{
	struct agree_rows a;
	uint32_t *uidx = NULL, *ridx = NULL, *cidx = NULL;
	size_t *order = NULL;
	double *vals = NULL;
	int rc = -1;

	memset(&a, 0, sizeof a);
	memset(d, 0, sizeof *d);
	a.level = level;
	if (csvin_read(path, agree_cols, 3, agree_row, &a, err) < 0)
		goto out;
	uidx = malloc(a.n * sizeof *uidx);
	ridx = malloc(a.n * sizeof *ridx);
	cidx = malloc(a.n * sizeof *cidx);
	order = malloc(a.n * sizeof *order);
	d->start = calloc(a.n + 1, sizeof *d->start);
	d->rater = malloc(a.n * sizeof *d->rater);
	d->cat = malloc(a.n * sizeof *d->cat);
	if (!uidx || !ridx || !cidx || !order || !d->start || !d->rater || !d->cat ||
	    names_index(&a.unit, &d->unit_name, &d->n_units, uidx) < 0 ||
	    names_index(&a.rater, &d->rater_name, &d->n_raters, ridx) < 0) {
		err_set(err, "%s: out of memory", path);
		goto out;
	}
	if (level == AGREE_NOMINAL) {
		if (names_index(&a.label, &d->cat_label, &d->n_cats, cidx) < 0) {
			err_set(err, "%s: out of memory", path);
			goto out;
		}
		d->cat_value = malloc(d->n_cats * sizeof *d->cat_value);
		if (!d->cat_value) {
			err_set(err, "%s: out of memory", path);
			goto out;
		}
		for (size_t c = 0; c < d->n_cats; c++)
			d->cat_value[c] = (double)c;
	} else {
		size_t k = 0;

		vals = malloc(a.n * sizeof *vals);
		if (!vals) {
			err_set(err, "%s: out of memory", path);
			goto out;
		}
		memcpy(vals, a.value, a.n * sizeof *vals);
		qsort(vals, a.n, sizeof *vals, cmp_dbl);
		for (size_t i = 0; i < a.n; i++)
			if (k == 0 || vals[k - 1] != vals[i])
				vals[k++] = vals[i];
		d->cat_value = vals;
		vals = NULL;
		d->n_cats = k;
		for (size_t i = 0; i < a.n; i++) {
			double *hit = bsearch(&a.value[i], d->cat_value, k, sizeof *hit, cmp_dbl);

			cidx[i] = (uint32_t)(hit - d->cat_value);
		}
	}
	/* Group the ratings by unit (then rater); one rating per unit and rater. */
	for (size_t i = 0; i < a.n; i++)
		order[i] = i;
	g_order.unit = uidx;
	g_order.rater = ridx;
	qsort(order, a.n, sizeof *order, cmp_rating);
	for (size_t k = 0; k < a.n; k++) {
		size_t i = order[k];

		if (k > 0 && uidx[order[k - 1]] == uidx[i] && ridx[order[k - 1]] == ridx[i]) {
			err_set(err,
				"%s:%zu: field 'rater': '%s' already rated unit '%s' (line %zu)",
				path, a.line[i], d->rater_name[ridx[i]], d->unit_name[uidx[i]],
				a.line[order[k - 1]]);
			goto out;
		}
		d->rater[k] = ridx[i];
		d->cat[k] = cidx[i];
		d->start[uidx[i] + 1]++;
	}
	for (size_t u = 0; u < d->n_units; u++)
		d->start[u + 1] += d->start[u];
	rc = 0;
out:
	if (rc < 0)
		agree_data_release(d);
	names_free(&a.unit);
	names_free(&a.rater);
	names_free(&a.label);
	free(a.value);
	free(a.line);
	free(uidx);
	free(ridx);
	free(cidx);
	free(order);
	free(vals);
	return rc;
}

/* ---- rank: left,right,outcome[,much][,rater][,prompt] ---- */

enum { V_LEFT, V_RIGHT, V_OUTCOME, V_MUCH, V_RATER, V_PROMPT };
/* clang-format off */
static const struct csvin_col vote_cols[] = {
	{ "left", true }, { "right", true }, { "outcome", true },
	{ "much", false }, { "rater", false }, { "prompt", false },
};
/* clang-format on */

struct vote_rows {
	struct names ent, rater, prompt;
	struct vote *v;
	size_t n, cap;
	bool has_rater, has_prompt;
};

static int vote_row(void *ctx, const struct csvin_row *row, struct simsa_err *err)
{
	static const char *const outcomes[] = { "left", "right", "tie", "bothbad" };
	struct vote_rows *x = ctx;
	struct vote v;
	const char *much = row->field[V_MUCH];
	int o;

	memset(&v, 0, sizeof v);
	for (size_t c = 0; c < 6; c++)
		if (row->field[c] && !*row->field[c] && c != V_MUCH)
			return csvin_field_error(err, row, vote_cols, c, "empty");
	for (o = 0; o < 4; o++)
		if (strcmp(row->field[V_OUTCOME], outcomes[o]) == 0)
			break;
	if (o == 4)
		return csvin_field_error(err, row, vote_cols, V_OUTCOME,
					 "'%s' is not left, right, tie or bothbad",
					 row->field[V_OUTCOME]);
	v.outcome = (uint8_t)o;
	if (much && *much && strcmp(much, "0") != 0) {
		if (strcmp(much, "1") != 0)
			return csvin_field_error(err, row, vote_cols, V_MUCH,
						 "'%s' is not 0, 1 or empty", much);
		if (o != VOTE_LEFT && o != VOTE_RIGHT)
			return csvin_field_error(err, row, vote_cols, V_MUCH,
						 "only a left or right vote can be much better");
		v.much = 1;
	}
	if (grow_array((void **)&x->v, &x->cap, x->n + 1, sizeof *x->v) < 0)
		return err_set(err, "out of memory");
	x->v[x->n++] = v;
	x->has_rater = row->field[V_RATER] != NULL;
	x->has_prompt = row->field[V_PROMPT] != NULL;
	if (names_add(&x->ent, row->field[V_LEFT]) < 0 ||
	    names_add(&x->ent, row->field[V_RIGHT]) < 0 ||
	    (x->has_rater && names_add(&x->rater, row->field[V_RATER]) < 0) ||
	    (x->has_prompt && names_add(&x->prompt, row->field[V_PROMPT]) < 0))
		return err_set(err, "out of memory");
	return 0;
}

void vote_set_release(struct vote_set *vs)
{
	free(vs->v);
	free_list(vs->entrant, vs->n_entrants);
	free_list(vs->rater, vs->n_raters);
	free_list(vs->prompt, vs->n_prompts);
	memset(vs, 0, sizeof *vs);
}

int votes_load_csv(const char *path, struct vote_set *vs, struct simsa_err *err)
{
	struct vote_rows x;
	uint32_t *idx = NULL;
	int rc = -1;

	memset(&x, 0, sizeof x);
	memset(vs, 0, sizeof *vs);
	if (csvin_read(path, vote_cols, 6, vote_row, &x, err) < 0)
		goto out;
	idx = malloc(2 * x.n * sizeof *idx);
	if (!idx || names_index(&x.ent, &vs->entrant, &vs->n_entrants, idx) < 0) {
		err_set(err, "%s: out of memory", path);
		goto out;
	}
	for (size_t k = 0; k < x.n; k++) {
		x.v[k].left = idx[2 * k];
		x.v[k].right = idx[2 * k + 1];
	}
	if (x.has_rater) {
		if (names_index(&x.rater, &vs->rater, &vs->n_raters, idx) < 0) {
			err_set(err, "%s: out of memory", path);
			goto out;
		}
		for (size_t k = 0; k < x.n; k++)
			x.v[k].rater = idx[k];
	}
	if (x.has_prompt) {
		if (names_index(&x.prompt, &vs->prompt, &vs->n_prompts, idx) < 0) {
			err_set(err, "%s: out of memory", path);
			goto out;
		}
		for (size_t k = 0; k < x.n; k++)
			x.v[k].prompt = idx[k];
	}
	vs->v = x.v;
	vs->n_votes = x.n;
	x.v = NULL;
	rc = 0;
out:
	if (rc < 0)
		vote_set_release(vs);
	names_free(&x.ent);
	names_free(&x.rater);
	names_free(&x.prompt);
	free(x.v);
	free(idx);
	return rc;
}
