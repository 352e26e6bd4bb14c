/* score — the points of a closed round from its signed ballots: which
 * ballots count (classify, over the round score_load.c reads) and the
 * components (include/simsa/score.h, docs/scoring.md "Points of a round"). */
#include "simsa/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/ballot.h"
#include "simsa/bootstrap.h"
#include "simsa/stats.h"
#include "simsa/util.h"
#include "score_internal.h"

static long index_of_row(const int64_t *rows, size_t n, int64_t row)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i] == row)
			return (long)i;
	return -1;
}

/* The weighted mean of one side's normalized criterion scores; NA criteria
 * are left out and the remaining weights renormalized. NAN if all NA. */
static double side_value(const struct rubric *rb, const uint32_t *s)
{
	double num = 0, den = 0;

	for (size_t c = 0; c < rb->n_criteria; c++) {
		const struct rubric_criterion *cr = &rb->criteria[c];

		if (s[c] == BALLOT_SCORE_NA || s[c] == BALLOT_SCORE_UNSET)
			continue;
		num += cr->weight * ((double)s[c] - cr->scale_min) /
		       (cr->scale_max - cr->scale_min);
		den += cr->weight;
	}
	return den > 0 ? num / den : NAN;
}

void score_result_release(struct score_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->e[i].name);
	free(r->e);
	free(r->title);
	for (size_t i = 0; i < r->n_raters; i++)
		free(r->raters[i].name);
	free(r->raters);
	free(r->agree);
	for (size_t c = 0; c < r->n_criteria; c++)
		free(r->crit_id[c]);
	memset(r, 0, sizeof *r);
}

/* Cluster numbering: raters (of a role) and prompts with at least one
 * included ballot, in enrolment / import order. */
static void number_clusters(long *idx, size_t n, long *count)
{
	*count = 0;
	for (size_t i = 0; i < n; i++)
		idx[i] = idx[i] ? (*count)++ : -1;
}

/* A strict preference of one ballot between its two sides: +1 left, -1
 * right, 0 none (tie, both bad, equal or missing values). */
static int ballot_side(const struct build *B, const struct ballot_ent *b)
{
	double a, c;

	if (b->kind != BALLOT_EXPERT)
		return b->preference == PREF_A_MUCH || b->preference == PREF_A   ? 1
		       : b->preference == PREF_B_MUCH || b->preference == PREF_B ? -1
										 : 0;
	a = side_value(B->rx, b->scores[0]);
	c = side_value(B->rx, b->scores[1]);
	return a > c ? 1 : c > a ? -1 : 0;
}

/* Repeat items: the rater's own earlier task with the sides swapped. A
 * repeat is reversed when both answers prefer a side strictly and it is
 * the same side of the screen, i.e. the other output. */
static void tally_repeats(struct build *B, struct score_result *r)
{
	const struct loader *l = &B->l;

	for (size_t i = 0; i < l->n_tasks; i++) {
		const struct task_ent *t = &l->tasks[i];
		long rr;

		if (t->gold != 2 || t->ballot < 0)
			continue;
		rr = index_of_row(B->rrows, B->in.n_raters, t->rater_row);
		/* tasks are in (rater, position) order and a repeat comes after
		 * its original: look back through the rater's earlier tasks */
		for (size_t j = i; rr >= 0 && j-- > 0 && l->tasks[j].rater_row == t->rater_row;) {
			const struct task_ent *o = &l->tasks[j];
			int a, c;

			if (o->gold || o->ballot < 0 || o->prompt_row != t->prompt_row ||
			    o->replica != t->replica || o->le != t->re || o->re != t->le)
				continue;
			a = ballot_side(B, &l->bal[o->ballot]);
			c = ballot_side(B, &l->bal[t->ballot]);
			r->raters[rr].repeats++;
			r->raters[rr].repeats_reversed += a != 0 && a == c;
			break;
		}
	}
}

/* The rater list: experts and users with a counted ballot, enrolment
 * order, each with their bootstrap cluster. */
static void keep_raters(struct build *B, struct score_result *r)
{
	size_t k = 0;

	for (size_t i = 0; i < B->in.n_raters; i++) {
		struct score_rater *x = &r->raters[i];

		if (!B->used[i] || !x->name) {
			free(x->name);
			continue;
		}
		x->cluster = (x->expert ? B->xidx : B->uidx)[i];
		r->raters[k++] = *x;
	}
	r->n_raters = k;
}

static void tally_gold(struct build *B, struct score_result *r, const struct ballot_ent *b,
		       const struct task_ent *t, long le, long re, long p, struct score_rater *x)
{
	bool expert = b->kind == BALLOT_EXPERT;

	if (t->gold == 2) {
		if (expert)
			r->gold.expert_repeat++;
		else
			r->gold.user_repeat++;
		return;
	}
	for (size_t g = 0; g < B->in.n_gold; g++) {
		const struct in_gold *gd = &B->in.gold[g];
		bool left_better;

		if (!gd->known || gd->role != (expert ? ROLE_EXPERT : ROLE_USER) ||
		    (long)gd->prompt != p)
			continue;
		if ((long)gd->better == le && (long)gd->worse == re)
			left_better = true;
		else if ((long)gd->better == re && (long)gd->worse == le)
			left_better = false;
		else
			continue;
		if (expert) {
			double a = side_value(B->rx, b->scores[0]),
			       c = side_value(B->rx, b->scores[1]);

			r->gold.expert_known++;
			r->gold.expert_correct += left_better ? a > c : c > a;
			x->gold_known++;
			x->gold_correct += left_better ? a > c : c > a;
		} else {
			uint32_t pr = b->preference;

			bool right = left_better ? (pr == PREF_A_MUCH || pr == PREF_A)
						 : (pr == PREF_B_MUCH || pr == PREF_B);

			r->gold.user_known++;
			r->gold.user_correct += right;
			x->gold_known++;
			x->gold_correct += right;
		}
		return;
	}
}

/* A rater failed the gold items when they answered at least the rubric's
 * gold_min_items known items and got fewer than gold_pass_percent right;
 * under failed_gold = exclude none of their ballots count. */
static void mark_failed_gold(struct build *B, struct score_result *r)
{
	for (size_t i = 0; i < r->n_raters; i++) {
		struct score_rater *x = &r->raters[i];
		const struct rubric *rb = x->expert ? B->rx : B->ru;

		x->gold_failed =
			x->gold_known >= rb->gold_min_items &&
			100 * x->gold_correct < (long)rb->gold_pass_percent * x->gold_known;
		x->gold_excluded = x->gold_failed && rb->failed_gold_excluded;
		r->counts.failed_gold_raters += x->gold_excluded;
	}
}

/* Where a ballot belongs: its task, and the indexes of its rater, its
 * prompt and the entrants of its left and right sides. */
struct placed {
	struct task_ent *t;
	long rr, p, le, re;
};

/* Places ballot b (struct placed). 1 when a later ballot supersedes it,
 * so it never counts; -1 (err) when something it names is missing. */
static int place_ballot(const struct build *B, const struct ballot_ent *b, struct placed *at,
			struct simsa_err *err)
{
	const struct loader *l = &B->l;

	if (score_superseded(l, b->hash))
		return 1;
	at->t = score_task(l, b->rater_row, b->position);
	at->rr = index_of_row(B->rrows, B->in.n_raters, b->rater_row);
	at->p = at->t ? index_of_row(B->prows, B->in.n_prompts, at->t->prompt_row) : -1;
	at->le = at->t ? at->t->le : -1;
	at->re = at->t ? at->t->re : -1;
	if (!at->t || at->rr < 0 || at->p < 0 || at->le < 0 || at->re < 0)
		return err_set(err,
			       "a ballot of rater row %lld, task %u, has no task, "
			       "prompt or revealed outputs (run simsa verify)",
			       (long long)b->rater_row, b->position + 1);
	return 0;
}

/* Why a placed ballot that is not superseded is left out of the points
 * (COUNTED: it is not). */
enum left_out { COUNTED, GOLD_ITEM, FAILED_GOLD, IDENTITY };

static enum left_out left_out(const struct build *B, const struct score_result *r,
			      const struct ballot_ent *b, const struct placed *at)
{
	if (at->t->gold)
		return GOLD_ITEM;
	if (r->raters[at->rr].gold_excluded)
		return FAILED_GOLD;
	if (b->kind == BALLOT_EXPERT && B->rx->identity_excluded &&
	    ((b->flags[0] | b->flags[1]) & BALLOT_FLAG_IDENTITY))
		return IDENTITY;
	return COUNTED;
}

/* The result's rater list, all of the round's raters for now (freed by
 * score_result_release; keep_raters() keeps those with a ballot), and the
 * arrays the passes fill. */
static int classify_start(struct build *B, struct score_result *r, struct simsa_err *err)
{
	const struct loader *l = &B->l;
	size_t nr = B->in.n_raters;

	B->d.ex = calloc(l->n_bal + 1, sizeof *B->d.ex);
	B->d.us = calloc(l->n_bal + 1, sizeof *B->d.us);
	B->d.votes = calloc(l->n_bal + 1, sizeof *B->d.votes);
	B->status = calloc(l->n_bal + 1, sizeof *B->status);
	B->used = calloc(nr + 1, sizeof *B->used);
	B->sums = calloc(B->in.n_entrants + 1, sizeof *B->sums);
	r->raters = calloc(nr + 1, sizeof *r->raters);
	if (!B->d.ex || !B->d.us || !B->d.votes || !B->status || !B->used || !B->sums || !r->raters)
		return err_set(err, "out of memory");
	r->n_raters = nr;
	for (size_t k = 0; k < l->n_bal; k++)
		B->status[k] = (struct ballot_status){ l->bal[k].id, STATUS_COUNTED, REASON_NONE };
	for (size_t i = 0; i < nr; i++) {
		const struct in_rater *ir = &B->in.raters[i];

		r->raters[i].cluster = -1;
		r->raters[i].expert = ir->role == ROLE_EXPERT;
		if (ir->role != ROLE_EXPERT && ir->role != ROLE_USER)
			continue;
		if (!(r->raters[i].name = strdup(ir->name)))
			return err_set(err, "out of memory");
	}
	return 0;
}

/* Pass one: links each ballot to its task, marks its rater as having one,
 * gives the superseded ballots and those of gold tasks their status and
 * tallies the gold items (a rater who failed these may be left out in the
 * passes after). */
static int link_ballots(struct build *B, struct score_result *r, struct simsa_err *err)
{
	for (size_t k = 0; k < B->l.n_bal; k++) {
		const struct ballot_ent *b = &B->l.bal[k];
		struct placed at;
		int rc = place_ballot(B, b, &at, err);

		if (rc < 0)
			return -1;
		if (rc > 0) {
			B->status[k].status = STATUS_SUPERSEDED;
			continue;
		}
		at.t->ballot = (long)k;
		B->used[at.rr] = true;
		if (at.t->gold) {
			B->status[k].status = STATUS_GOLD;
			tally_gold(B, r, b, at.t, at.le, at.re, at.p, &r->raters[at.rr]);
		}
	}
	return 0;
}

/* Pass two: gives the ballots left out by the recipe their status and
 * reason, and marks the raters and prompts with a ballot that counts, the
 * clusters in use. */
static int mark_clusters(struct build *B, struct score_result *r, struct simsa_err *err)
{
	for (size_t k = 0; k < B->l.n_bal; k++) {
		const struct ballot_ent *b = &B->l.bal[k];
		struct placed at;
		int rc = place_ballot(B, b, &at, err);

		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		switch (left_out(B, r, b, &at)) {
		case GOLD_ITEM: break;
		case FAILED_GOLD:
			B->status[k] = (struct ballot_status){ b->id, STATUS_EXCLUDED,
							       REASON_FAILED_GOLD };
			break;
		case IDENTITY:
			B->status[k] =
				(struct ballot_status){ b->id, STATUS_EXCLUDED, REASON_IDENTITY };
			break;
		case COUNTED:
			(b->kind == BALLOT_EXPERT ? B->xidx : B->uidx)[at.rr] = 1;
			B->pidx[at.p] = 1;
			break;
		}
	}
	return 0;
}

/* The counts of the ballots left out, as tallies of their statuses. */
static void count_statuses(const struct build *B, struct score_result *r)
{
	for (size_t k = 0; k < B->l.n_bal; k++) {
		const struct ballot_status *s = &B->status[k];

		r->counts.superseded += s->status == STATUS_SUPERSEDED;
		r->counts.gold += s->status == STATUS_GOLD;
		r->counts.failed_gold_excluded += s->reason == REASON_FAILED_GOLD;
		r->counts.identity_excluded += s->reason == REASON_IDENTITY;
	}
}

/* The clusters marked in use get their numbers; their counts are the
 * result's and score_data's. */
static void number_all_clusters(struct build *B, struct score_result *r)
{
	size_t np = B->in.n_prompts, nr = B->in.n_raters;
	long cx, cu, cp;

	number_clusters(B->xidx, nr, &cx);
	number_clusters(B->uidx, nr, &cu);
	number_clusters(B->pidx, np, &cp);
	r->counts.experts = cx;
	r->counts.users = cu;
	r->counts.prompts = cp;
	B->d.n_expert_raters = (size_t)cx;
	B->d.n_user_raters = (size_t)cu;
	B->d.n_prompts = (size_t)cp;
	B->d.n_entrants = B->in.n_entrants;
}

/* A counted expert ballot as an item of score_data; its scores go into
 * the sums of each side's entrant per criterion (NA left out). */
static void record_expert(struct build *B, const struct ballot_ent *b, const struct placed *at)
{
	struct score_item *it = &B->d.ex[B->d.n_ex++];

	it->rater = (uint32_t)B->xidx[at->rr];
	it->prompt = (uint32_t)B->pidx[at->p];
	it->left = (uint32_t)at->le;
	it->right = (uint32_t)at->re;
	for (int s = 0; s < 2; s++)
		it->value[s] = side_value(B->rx, b->scores[s]);
	memcpy(it->raw, b->scores, sizeof it->raw);
	for (int s = 0; s < 2; s++)
		for (size_t c = 0; c < B->rx->n_criteria; c++) {
			struct crit_sums *cs = &B->sums[s ? at->re : at->le][c];
			uint32_t v = b->scores[s][c];

			if (v == BALLOT_SCORE_NA || v == BALLOT_SCORE_UNSET)
				continue;
			cs->n++;
			cs->sum += v;
			cs->sumsq += (double)v * v;
		}
}

/* A counted user ballot as an item of score_data and as a vote. */
static void record_user(struct build *B, const struct ballot_ent *b, const struct placed *at)
{
	struct score_item *it = &B->d.us[B->d.n_us];
	struct vote *v = &B->d.votes[B->d.n_us++];
	uint32_t pr = b->preference;

	it->rater = (uint32_t)B->uidx[at->rr];
	it->prompt = (uint32_t)B->pidx[at->p];
	it->left = (uint32_t)at->le;
	it->right = (uint32_t)at->re;
	it->outcome = pr == PREF_A_MUCH || pr == PREF_A   ? VOTE_LEFT
		      : pr == PREF_B_MUCH || pr == PREF_B ? VOTE_RIGHT
		      : pr == PREF_TIE                    ? VOTE_TIE
							  : VOTE_BOTHBAD;
	it->much = pr == PREF_A_MUCH || pr == PREF_B_MUCH;
	*v = (struct vote){ it->left, it->right, it->rater, it->prompt, it->outcome, it->much };
}

/* Pass three: records each ballot that counts, under its numbered
 * clusters. */
static int record_items(struct build *B, struct score_result *r, struct simsa_err *err)
{
	for (size_t k = 0; k < B->l.n_bal; k++) {
		const struct ballot_ent *b = &B->l.bal[k];
		struct placed at;
		int rc = place_ballot(B, b, &at, err);

		if (rc < 0)
			return -1;
		if (rc > 0 || B->status[k].status != STATUS_COUNTED)
			continue;
		if (b->kind == BALLOT_EXPERT)
			record_expert(B, b, &at);
		else
			record_user(B, b, &at);
	}
	return 0;
}

/* Each entrant's mean and sample sd of the raw scores per criterion, from
 * the sums record_expert() kept. */
static void criterion_stats(const struct build *B, struct score_result *r)
{
	for (size_t i = 0; i < B->in.n_entrants; i++)
		for (size_t c = 0; c < B->rx->n_criteria; c++) {
			const struct crit_sums *s = &B->sums[i][c];
			struct score_criterion_stat *cs = &r->e[i].crit[c];
			double n = (double)s->n;

			cs->n = s->n;
			cs->mean = s->n ? s->sum / n : NAN;
			cs->sd = s->n > 1
					 ? sqrt(fmax(0, (s->sumsq - s->sum * s->sum / n) / (n - 1)))
					 : NAN;
		}
}

/* Sorts every ballot into superseded, gold, excluded and counted (its
 * status in B->status, the one definition: score.h), in three
 * passes over them (the failed gold items decide who is left out, and who
 * is left out which clusters are numbered); fills B->d and B->d.votes. */
int score_classify(struct build *B, struct score_result *r, struct simsa_err *err)
{
	if (classify_start(B, r, err) < 0 || link_ballots(B, r, err) < 0)
		return -1;
	mark_failed_gold(B, r);
	if (mark_clusters(B, r, err) < 0)
		return -1;
	count_statuses(B, r);
	number_all_clusters(B, r);
	if (record_items(B, r, err) < 0)
		return -1;
	tally_repeats(B, r);
	keep_raters(B, r);
	r->counts.expert_ballots = (long)B->d.n_ex;
	r->counts.user_ballots = (long)B->d.n_us;
	criterion_stats(B, r);
	return 0;
}

static int compute(struct build *B, struct score_result *r, const char *bench,
		   struct simsa_err *err)
{
	size_t ne = B->in.n_entrants;
	struct vote_set vs = { 0 };
	struct rank_opts ro = { 0 };
	struct rank_result rr = { 0 };
	double *tmp = calloc(ne + 1, sizeof *tmp), *lo = calloc(2 * ne + 1, sizeof *lo);
	long *outs = calloc(ne + 1, sizeof *outs), *scs = calloc(ne + 1, sizeof *scs);
	int *rank = calloc(ne + 1, sizeof *rank), rc = -1;
	char **names = calloc(ne + 1, sizeof *names);

	if (!tmp || !lo || !outs || !scs || !rank || !names) {
		err_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ne; i++)
		names[i] = r->e[i].name;
	if (B->d.n_ex == 0 || B->d.n_us == 0) {
		bool ex = B->d.n_ex == 0;
		long left_out = 0;

		for (size_t i = 0; i < r->n_raters; i++)
			left_out += r->raters[i].gold_excluded && r->raters[i].expert == ex;
		err_set(err, "no counted %s ballots: the %s component cannot be scored%s",
			ex ? "expert" : "user", ex ? "expert" : "user",
			left_out ? " (every one who rated failed the gold items and was left out, "
				   "as the rubric's failed_gold = exclude says)"
				 : "");
		goto out;
	}
	if (score_expert_means(&B->d, NULL, NULL, tmp, outs, scs, err) < 0)
		goto out;
	for (size_t i = 0; i < ne; i++) {
		if (isnan(tmp[i])) {
			err_set(err,
				"entrant '%s' has no counted expert scores: the expert component "
				"cannot be scored",
				names[i]);
			goto out;
		}
		r->e[i].expert_mean = tmp[i];
		r->e[i].expert = SCORE_EXPERT_POINTS * tmp[i];
		r->e[i].expert_outputs = outs[i];
		r->e[i].expert_scorings = scs[i];
	}
	if (score_corrected_means(&B->d, NULL, NULL, tmp, err) < 0)
		goto out;
	for (size_t i = 0; i < ne; i++)
		r->e[i].expert_corrected = SCORE_EXPERT_POINTS * tmp[i];
	vs.n_votes = B->d.n_us;
	vs.v = B->d.votes;
	vs.n_entrants = ne;
	vs.entrant = names;
	vs.n_raters = B->d.n_user_raters;
	vs.n_prompts = B->d.n_prompts;
	ro.both_bad_tie = r->both_bad_as_tie;
	ro.much_weight = r->much_better_weight;
	ro.resamples = 0; /* the intervals come from the joint bootstrap */
	ro.seed = r->seed;
	if (rank_compute(&vs, &ro, &rr, err) < 0) {
		err_prefix(err, "user component");
		goto out;
	}
	r->counts.self_dropped = (long)rr.self_dropped;
	r->counts.both_bad_dropped = (long)rr.both_bad_dropped;
	for (size_t i = 0; i < ne; i++) {
		struct score_entrant *e = &r->e[i];

		e->strength = rr.e[i].strength;
		e->expected = rr.e[i].expected;
		e->user = rr.e[i].points;
		e->rating = rr.e[i].rating;
		e->win_rate = rr.e[i].win_rate;
		e->votes = rr.e[i].votes;
		e->benchmark = NAN;
	}
	if (bench) {
		if (score_load_benchmark(bench, names, ne, tmp, err) < 0)
			goto out;
		r->has_benchmark = true;
		for (size_t i = 0; i < ne; i++)
			r->e[i].benchmark = tmp[i];
	}
	r->total_max = SCORE_EXPERT_POINTS + SCORE_USER_POINTS + (bench ? SCORE_BENCH_POINTS : 0);
	for (size_t i = 0; i < ne; i++) {
		struct score_entrant *e = &r->e[i];

		e->total = (bench ? e->benchmark : 0) + e->expert + e->user;
		e->expert_low = e->expert_high = e->user_low = e->user_high = NAN;
		e->expert_corrected_low = e->expert_corrected_high = NAN;
		e->rating_low = e->rating_high = e->total_low = e->total_high = NAN;
	}
	if (r->resamples > 0 && score_bootstrap(&B->d, r, err) < 0)
		goto out;
	if (score_agreement(&B->d, r, err) < 0)
		goto out;
	for (size_t i = 0; i < ne; i++) {
		lo[i] = r->resamples > 0 ? r->e[i].total_low : r->e[i].total;
		lo[ne + i] = r->resamples > 0 ? r->e[i].total_high : r->e[i].total;
	}
	boot_rank(ne, lo, lo + ne, rank);
	for (size_t i = 0; i < ne; i++)
		r->e[i].rank = rank[i];
	rc = 0;
out:
	rank_result_release(&rr);
	free(tmp);
	free(lo);
	free(outs);
	free(scs);
	free(rank);
	free(names);
	return rc;
}

void score_build_release(struct build *B)
{
	round_inputs_release(&B->in);
	rubric_free(&B->rx);
	rubric_free(&B->ru);
	score_loader_free(&B->l);
	free(B->erows);
	free(B->xidx);
	free(B->d.ex);
	free(B->d.us);
	free(B->d.votes);
	free(B->status);
	free(B->used);
	free(B->sums);
}

/* Scores; with out, only classifies and writes the counted user votes, or
 * with criterion the experts' ratings on it. */
static int score_or_votes(struct store *st, const char *benchmark_csv, struct score_result *r,
			  FILE *out, const char *criterion, struct simsa_err *err)
{
	struct build B;
	int rc = -1;

	memset(&B, 0, sizeof B);
	memset(r, 0, sizeof *r);
	if (score_load(st, &B, r, err) == 0 && score_classify(&B, r, err) == 0) {
		struct score_view v = { &B.in, B.xidx, B.uidx, B.pidx, &B.d };

		if ((out && criterion ? score_write_ratings(&v, r, criterion, out, err)
		     : out            ? score_write_votes(&v, r, out, err)
				      : compute(&B, r, benchmark_csv, err)) == 0)
			rc = 0;
	}
	if (rc < 0 || out)
		score_result_release(r);
	score_build_release(&B);
	return rc;
}

int score_round(struct store *st, const char *benchmark_csv, struct score_result *r,
		struct simsa_err *err)
{
	return score_or_votes(st, benchmark_csv, r, NULL, NULL, err);
}

int score_export_votes(struct store *st, FILE *out, struct simsa_err *err)
{
	struct score_result r;

	return score_or_votes(st, NULL, &r, out, NULL, err);
}

int score_export_ratings(struct store *st, const char *criterion, FILE *out, struct simsa_err *err)
{
	struct score_result r;

	return score_or_votes(st, NULL, &r, out, criterion, err);
}
