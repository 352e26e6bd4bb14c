/* score_export — the ballots behind `simsa score`'s figures, after every
 * exclusion, in the input formats of `simsa rank` and `simsa agreement`:
 * `simsa export --format votes|ratings` (include/simsa/score.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/ballot.h"
#include "simsa/util.h"
#include "score_internal.h"

/* Cluster number -> rater index (of the clusters ridx numbers: experts or
 * users) and -> prompt index, for the names (caller frees both). */
static int by_cluster(const struct score_view *v, const long *ridx, long **rater_of,
		      long **prompt_of, struct simsa_err *err)
{
	size_t nr = v->in->n_raters, np = v->in->n_prompts;

	*rater_of = malloc((nr + 1) * sizeof **rater_of);
	*prompt_of = malloc((np + 1) * sizeof **prompt_of);
	if (!*rater_of || !*prompt_of) {
		free(*rater_of);
		free(*prompt_of);
		return err_set(err, "out of memory");
	}
	for (size_t i = 0; i < nr; i++)
		if (ridx[i] >= 0)
			(*rater_of)[ridx[i]] = (long)i;
	for (size_t p = 0; p < np; p++)
		if (v->pidx[p] >= 0)
			(*prompt_of)[v->pidx[p]] = (long)p;
	return 0;
}

/* The user votes that count, as `simsa rank` reads them. */
int score_write_votes(const struct score_view *v, const struct score_result *r, FILE *f,
		      struct simsa_err *err)
{
	static const char *const outcome[] = { "left", "right", "tie", "bothbad" };
	long *rater_of, *prompt_of;

	if (by_cluster(v, v->uidx, &rater_of, &prompt_of, err) < 0)
		return -1;
	fputs("rater,prompt,left,right,outcome,much\n", f);
	for (size_t k = 0; k < v->d->n_us; k++) {
		const struct vote *x = &v->d->votes[k];

		csv_put(f, v->in->raters[rater_of[x->rater]].name, ",");
		csv_put(f, v->in->prompts[prompt_of[x->prompt]].id, ",");
		csv_put(f, r->e[x->left].name, ",");
		csv_put(f, r->e[x->right].name, ",");
		fprintf(f, "%s,%d\n", outcome[x->outcome], x->much ? 1 : 0);
	}
	free(rater_of);
	free(prompt_of);
	return 0;
}

struct rating_row {
	uint64_t unit;  /* as in score_agree.c: (prompt, entrant) or (prompt, pair) */
	uint32_t rater; /* cluster */
	size_t order;   /* position among the items: a rater's first is kept */
	int value;
};

static int cmp_rating_row(const void *a, const void *b)
{
	const struct rating_row *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->rater != y->rater)
		return x->rater < y->rater ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* The ratings behind one agreement statistic of `simsa score`
 * (docs/scoring.md), as `simsa agreement` reads them: an expert criterion
 * (units are outputs, PROMPT/ENTRANT; raw scores) or "preference" (units
 * are slots, PROMPT/FIRST|SECOND in import order; values +2 .. -2 for the
 * first much better .. the second much better, "both bad" absent). One
 * rating per unit and rater, the first cast. */
int score_write_ratings(const struct score_view *v, const struct score_result *r, const char *crit,
			FILE *f, struct simsa_err *err)
{
	size_t ne = r->n, n = 0, c;
	bool pref;
	long *rater_of, *prompt_of;
	struct rating_row *rows;

	for (c = 0; c < r->n_criteria && strcmp(r->crit_id[c], crit) != 0; c++)
		;
	pref = c == r->n_criteria && strcmp(crit, "preference") == 0;
	if (c == r->n_criteria && !pref)
		return err_set(err,
			       "no criterion '%s' in the expert rubric (nor is it "
			       "\"preference\")",
			       crit);
	if (by_cluster(v, pref ? v->uidx : v->xidx, &rater_of, &prompt_of, err) < 0)
		return -1;
	rows = malloc((2 * v->d->n_ex + v->d->n_us + 1) * sizeof *rows);
	if (!rows) {
		free(rater_of);
		free(prompt_of);
		return err_set(err, "out of memory");
	}
	for (size_t k = 0; pref && k < v->d->n_us; k++) {
		uint64_t unit;
		double val;

		if (score_pref_value(&v->d->us[k], ne, &unit, &val))
			rows[n++] = (struct rating_row){ unit, v->d->us[k].rater, k, (int)val };
	}
	for (size_t k = 0; !pref && k < v->d->n_ex; k++)
		for (int s = 0; s < 2; s++) {
			const struct score_item *it = &v->d->ex[k];
			uint32_t score = it->raw[s][c];

			if (score != BALLOT_SCORE_NA && score != BALLOT_SCORE_UNSET)
				rows[n++] = (struct rating_row){ (uint64_t)it->prompt * ne +
									 (s ? it->right : it->left),
								 it->rater, 2 * k + (size_t)s,
								 (int)score };
		}
	qsort(rows, n, sizeof *rows, cmp_rating_row);
	fputs("unit,rater,value\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct rating_row *x = &rows[i];
		uint64_t per = pref ? (uint64_t)ne * ne : ne;
		const char *pid = v->in->prompts[prompt_of[x->unit / per]].id;
		char unit[512];

		if (i > 0 && x->unit == rows[i - 1].unit && x->rater == rows[i - 1].rater)
			continue; /* the same rater on the same unit again */
		if (pref)
			snprintf(unit, sizeof unit, "%s/%s|%s", pid, r->e[x->unit / ne % ne].name,
				 r->e[x->unit % ne].name);
		else
			snprintf(unit, sizeof unit, "%s/%s", pid, r->e[x->unit % ne].name);
		csv_put(f, unit, ",");
		csv_put(f, v->in->raters[rater_of[x->rater]].name, ",");
		fprintf(f, "%d\n", x->value);
	}
	free(rater_of);
	free(prompt_of);
	free(rows);
	return 0;
}
