/* score_load — reads a closed round for scoring: its inputs, rubrics and
 * recipe, every task (replayed from the revealed seed, as verify replays
 * it) and every ballot (decoded from its signed bytes), sorted for
 * classify's lookups in score.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/assign.h"
#include "simsa/opening.h"
#include "simsa/store_read.h"
#include "simsa/util.h"
#include "score_internal.h"

/* The tasks from the assignment replayed from the revealed seed and the
 * manifest hash signed at open (docs/assignment.md): what decides which
 * ballots count (kind, replica, prompt, sides) is derived, as verify
 * derives it, never read from the task table. */
static int replay_tasks(struct store *st, struct build *B, const struct closing_rec *c,
			struct simsa_err *err)
{
	struct opening_rec op;
	struct assign_result ar = { 0 };
	int rc;

	if ((rc = store_get_opening(st, &op, err)) < 0)
		return -1;
	if (rc == 0)
		return err_set(err,
			       "the round is marked closed but has no opening (run simsa verify)");
	if (opening_replay(st, c->seed, op.manifest_hash, &ar, err) < 0)
		return err_prefix(err, "the assignment cannot be replayed from the revealed seed");
	B->l.tasks = calloc(ar.n_tasks + 1, sizeof *B->l.tasks);
	if (!B->l.tasks) {
		assign_result_release(&ar);
		return err_set(err, "out of memory");
	}
	for (size_t i = 0; i < ar.n_tasks; i++) {
		const struct assign_task *t = &ar.tasks[i];
		struct task_ent *e = &B->l.tasks[i];

		if (t->rater >= B->in.n_raters || t->prompt >= B->in.n_prompts ||
		    t->left >= B->in.n_entrants || t->right >= B->in.n_entrants) {
			assign_result_release(&ar);
			return err_set(err, "the replayed assignment names a rater, prompt or "
					    "entrant the round does not have");
		}
		e->rater_row = B->in.raters[t->rater].row;
		e->position = t->position;
		e->prompt_row = B->in.prompts[t->prompt].row;
		e->le = t->left;
		e->re = t->right;
		e->replica = t->replica;
		e->gold = t->kind == ASSIGN_GOLD_KNOWN ? 1 : t->kind == ASSIGN_GOLD_REPEAT ? 2 : 0;
		e->ballot = -1;
	}
	B->l.n_tasks = B->l.cap_tasks = ar.n_tasks;
	assign_result_release(&ar);
	return 0;
}

static int on_ballot(void *ctx, const struct ballot_row *row)
{
	struct loader *l = ctx;
	struct ballot *b = malloc(sizeof *b);
	struct ballot_ent *e;

	if (!b || grow_array((void **)&l->bal, &l->cap_bal, l->n_bal + 1, sizeof *l->bal) < 0 ||
	    grow_array((void **)&l->sup, &l->cap_sup, l->n_sup + 1, sizeof *l->sup) < 0) {
		free(b);
		l->failed = err_set(l->err, "out of memory");
		return 1;
	}
	/* the signed bytes are the truth; the stored columns are only an index */
	if (ballot_decode(row->bytes, row->len, b, l->err) < 0) {
		err_prefix(l->err, "ballot %lld (run simsa verify)", (long long)row->id);
		free(b);
		l->failed = -1;
		return 1;
	}
	e = &l->bal[l->n_bal++];
	e->id = row->id;
	e->rater_row = row->rater_row;
	e->position = b->task_position;
	ballot_hash(row->bytes, row->len, e->hash);
	e->kind = b->kind;
	e->preference = b->preference;
	e->n_criteria = b->n_criteria;
	memcpy(e->scores, b->scores, sizeof e->scores);
	memcpy(e->flags, b->flags, sizeof e->flags);
	if (b->has_supersedes)
		memcpy(l->sup[l->n_sup++], b->supersedes, 32);
	if (b->kind == BALLOT_EXPERT && l->expert) {
		bool ok = b->n_criteria == l->expert->n_criteria;

		for (uint32_t c = 0; ok && c < b->n_criteria; c++)
			ok = strcmp(b->criterion_id[c], l->expert->criteria[c].id) == 0;
		if (!ok) {
			l->failed = err_set(l->err,
					    "ballot %lld: its criteria are not the expert "
					    "rubric's",
					    (long long)row->id);
			free(b);
			return 1;
		}
	}
	free(b);
	return 0;
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

static int cmp_task(const void *a, const void *b)
{
	const struct task_ent *x = a, *y = b;

	if (x->rater_row != y->rater_row)
		return x->rater_row < y->rater_row ? -1 : 1;
	return (x->position > y->position) - (x->position < y->position);
}

struct task_ent *score_task(const struct loader *l, int64_t rater_row, uint32_t position)
{
	struct task_ent key = { .rater_row = rater_row, .position = position };

	return bsearch(&key, l->tasks, l->n_tasks, sizeof *l->tasks, cmp_task);
}

bool score_superseded(const struct loader *l, const unsigned char hash[32])
{
	return bsearch(hash, l->sup, l->n_sup, 32, cmp_hash) != NULL;
}

int score_load_ballots(struct store *st, struct loader *l, struct simsa_err *err)
{
	l->err = err;
	if (store_each_ballot(st, on_ballot, l, err) < 0 || l->failed)
		return -1;
	if (l->n_sup) /* NULL when no ballot supersedes another */
		qsort(l->sup, l->n_sup, 32, cmp_hash);
	return 0;
}

void score_loader_free(struct loader *l)
{
	free(l->tasks);
	free(l->bal);
	free(l->sup);
}

static int parse_rubric(const struct round_inputs *in, const char *comp, struct rubric **out,
			struct simsa_err *err)
{
	char src[64];

	*out = NULL;
	snprintf(src, sizeof src, "the round's %s rubric", comp);
	for (size_t i = 0; i < in->n_rubrics; i++)
		if (strcmp(in->rubrics[i].component, comp) == 0)
			return rubric_parse(in->rubrics[i].text, in->rubrics[i].len, src, out, err);
	return err_set(err, "the round has no %s rubric", comp);
}

int score_load(struct store *st, struct build *B, struct score_result *r, struct simsa_err *err)
{
	struct round_info ri;
	struct closing_rec c;
	size_t ne, np, nr;
	int rc;

	if (store_round_info(st, &ri, err) < 0)
		return -1;
	if (ri.state != ROUND_CLOSED)
		return err_set(err,
			       "the round is %s: scores are computed only after `simsa close`, "
			       "when the entrants' names are revealed",
			       ri.state == ROUND_OPEN ? "still open" : "a draft");
	if ((rc = store_get_closing(st, &c, err)) < 0)
		return -1;
	if (rc == 0)
		return err_set(err,
			       "the round is marked closed but has no seal (run simsa verify)");
	memcpy(r->round_id, ri.round_id, sizeof r->round_id);
	memcpy(r->closed_at, c.closed_at, sizeof r->closed_at);
	r->title = strdup(ri.title);
	if (!r->title)
		return err_set(err, "out of memory");
	if (store_load_inputs(st, &B->in, err) < 0 ||
	    parse_rubric(&B->in, "expert", &B->rx, err) < 0 ||
	    parse_rubric(&B->in, "user", &B->ru, err) < 0)
		return -1;
	ne = B->in.n_entrants;
	np = B->in.n_prompts;
	nr = B->in.n_raters;
	if (ne < 2)
		return err_set(err, "the round has %zu entrants: scoring needs at least 2", ne);
	B->erows = calloc(ne + np + nr + 1, sizeof *B->erows);
	B->xidx = calloc(2 * nr + np + 1, sizeof *B->xidx);
	r->e = calloc(ne, sizeof *r->e);
	if (!B->erows || !B->xidx || !r->e)
		return err_set(err, "out of memory");
	r->n = ne;
	B->prows = B->erows + ne;
	B->rrows = B->prows + np;
	B->uidx = B->xidx + nr;
	B->pidx = B->uidx + nr;
	for (size_t i = 0; i < ne; i++) {
		B->erows[i] = B->in.entrants[i].row;
		if (!B->in.entrants[i].name) /* NOT NULL in the schema: a damaged file */
			return err_set(err, "entrant %zu has no name: the round file is damaged",
				       i + 1);
		if (!(r->e[i].name = strdup(B->in.entrants[i].name)))
			return err_set(err, "out of memory");
	}
	for (size_t i = 0; i < np; i++)
		B->prows[i] = B->in.prompts[i].row;
	for (size_t i = 0; i < nr; i++)
		B->rrows[i] = B->in.raters[i].row;
	r->n_criteria = B->rx->n_criteria;
	for (size_t k = 0; k < B->rx->n_criteria; k++) {
		const struct rubric_criterion *cr = &B->rx->criteria[k];

		if (!(r->crit_id[k] = strdup(cr->id)))
			return err_set(err, "out of memory");
		r->crit_weight[k] = cr->weight;
		r->crit_min[k] = cr->scale_min;
		r->crit_max[k] = cr->scale_max;
	}
	r->much_better_weight = B->ru->much_better_weight;
	r->both_bad_as_tie = B->ru->both_bad_as_tie;
	r->identity_excluded = B->rx->identity_excluded;
	for (int k = 0; k < 2; k++) {
		const struct rubric *rb = k ? B->ru : B->rx;

		r->failed_gold_excluded[k] = rb->failed_gold_excluded;
		r->gold_min_items[k] = rb->gold_min_items;
		r->gold_pass_percent[k] = rb->gold_pass_percent;
	}
	/* one joint bootstrap: the expert rubric's settings (docs/scoring.md) */
	r->resamples = (uint32_t)B->rx->bootstrap_resamples;
	r->seed = B->rx->bootstrap_seed;
	r->seeds_differ = B->rx->bootstrap_resamples != B->ru->bootstrap_resamples ||
			  B->rx->bootstrap_seed != B->ru->bootstrap_seed;
	B->l.expert = B->rx;
	B->l.err = err;
	if (replay_tasks(st, B, &c, err) < 0 || store_each_ballot(st, on_ballot, &B->l, err) < 0 ||
	    B->l.failed)
		return -1;
	/* qsort's base must not be NULL even for 0 items (an array nothing was
	 * added to is NULL) */
	if (B->l.n_sup)
		qsort(B->l.sup, B->l.n_sup, 32, cmp_hash);
	if (B->l.n_tasks)
		qsort(B->l.tasks, B->l.n_tasks, sizeof *B->l.tasks, cmp_task);
	return 0;
}
