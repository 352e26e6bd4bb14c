/* assign_plan — the checks of an assignment's input and the plan the
 * passes share (assign_internal.h): raters by role, categories, pair
 * tables, and whether the rubrics' numbers can be met (docs/assignment.md). */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "assign_internal.h"

uint64_t assign_users_needed(uint32_t n_entrants, uint32_t k)
{
	return (uint64_t)n_entrants * (n_entrants - (n_entrants > 0)) / 2 * k;
}

uint32_t plan_category(const struct plan *pl, uint32_t q)
{
	return pl->in->prompt_category ? pl->in->prompt_category[q] : 0;
}

bool plan_may_rate(const struct assign_rater *r, uint32_t c)
{
	if (r->n_categories == 0)
		return true;
	for (size_t i = 0; i < r->n_categories; i++)
		if (r->categories[i] == c)
			return true;
	return false;
}

void plan_release(struct plan *pl)
{
	free(pl->users);
	free(pl->experts);
	free(pl->elig_first);
	free(pl->elig);
	memset(pl, 0, sizeof *pl);
}

static int check_sizes(const struct assign_input *in, struct simsa_err *err)
{
	if (in->n_entrants < 2 || in->n_entrants > ASSIGN_MAX_ENTRANTS)
		return err_set(err, "a round needs 2 to %d entrants; it has %u",
			       ASSIGN_MAX_ENTRANTS, in->n_entrants);
	if (in->n_prompts < 1 || in->n_prompts > ASSIGN_MAX_PROMPTS)
		return err_set(err, "a round needs 1 to %u prompts; it has %u", ASSIGN_MAX_PROMPTS,
			       in->n_prompts);
	if (in->n_raters > ASSIGN_MAX_RATERS)
		return err_set(err, "at most %u raters; the round has %u", ASSIGN_MAX_RATERS,
			       in->n_raters);
	if ((in->n_raters && !in->raters) || (in->n_gold && !in->gold))
		return err_set(err, "raters or gold items counted but not given");
	/* 0 means the round has no such component (no rubric for it) */
	if (in->user_raters_per_slot > ASSIGN_MAX_REPLICAS)
		return err_set(err, "the user rubric's raters per slot must be 1 to %d, not %u",
			       ASSIGN_MAX_REPLICAS, in->user_raters_per_slot);
	if (in->expert_ratings_per_output > ASSIGN_MAX_REPLICAS)
		return err_set(err,
			       "the expert rubric's ratings per output must be 1 to %d, not %u",
			       ASSIGN_MAX_REPLICAS, in->expert_ratings_per_output);
	return 0;
}

static int check_gold(const struct assign_input *in, struct simsa_err *err)
{
	for (uint32_t g = 0; g < in->n_gold; g++) {
		const struct assign_gold *gd = &in->gold[g];

		if (gd->role != ASSIGN_USER && gd->role != ASSIGN_EXPERT)
			return err_set(err, "gold item %u: role must be user or expert", g);
		if (gd->kind == ASSIGN_GOLD_REPEAT)
			continue;
		if (gd->kind != ASSIGN_GOLD_KNOWN)
			return err_set(err, "gold item %u: kind must be repeat or known", g);
		if (gd->prompt >= in->n_prompts)
			return err_set(err, "gold item %u: prompt %u does not exist (%u prompts)",
				       g, gd->prompt, in->n_prompts);
		if (gd->left >= in->n_entrants || gd->right >= in->n_entrants ||
		    gd->left == gd->right)
			return err_set(err,
				       "gold item %u: entrants %u and %u must be two different "
				       "entrants below %u",
				       g, gd->left, gd->right, in->n_entrants);
	}
	return 0;
}

/* Sorts raters into the lists, checks that late raters come last. */
static int plan_raters(struct plan *pl, struct simsa_err *err)
{
	const struct assign_input *in = pl->in;

	pl->users = malloc(((size_t)in->n_raters + 1) * sizeof *pl->users);
	pl->experts = malloc(((size_t)in->n_raters + 1) * sizeof *pl->experts);
	if (!pl->users || !pl->experts)
		return err_set(err, "out of memory");
	pl->n_regular = in->n_raters;
	for (uint32_t r = 0; r < in->n_raters; r++) {
		const struct assign_rater *ra = &in->raters[r];

		if (ra->role != ASSIGN_USER && ra->role != ASSIGN_EXPERT &&
		    ra->role != ASSIGN_AUDITOR)
			return err_set(err, "rater %u: unknown role %d", r, (int)ra->role);
		if (ra->n_categories && !ra->categories)
			return err_set(err, "rater %u: %zu categories but no list", r,
				       ra->n_categories);
		if (ra->late) {
			if (pl->n_regular == in->n_raters)
				pl->n_regular = r;
			continue;
		}
		if (pl->n_regular != in->n_raters)
			return err_set(err,
				       "rater %u is not late but comes after late rater %u: "
				       "raters enrolled after open must come last",
				       r, pl->n_regular);
		if (ra->role == ASSIGN_USER)
			pl->users[pl->U++] = r;
		else if (ra->role == ASSIGN_EXPERT)
			pl->experts[pl->X++] = r;
	}
	return 0;
}

/* Lists, per category, the regular experts who may rate it. */
static int plan_categories(struct plan *pl, struct simsa_err *err)
{
	const struct assign_input *in = pl->in;
	size_t total = 0;

	for (uint32_t q = 0; q < pl->N; q++) {
		uint32_t c = plan_category(pl, q);

		if (c >= pl->N)
			return err_set(err,
				       "prompt %u: category %u is not below the number of "
				       "prompts (%u); categories are dense indices",
				       q, c, pl->N);
		if (c + 1 > pl->C)
			pl->C = c + 1;
	}
	if ((uint64_t)pl->C * pl->X > ASSIGN_MAX_TASKS)
		return err_set(err, "%u categories × %u experts is too large", pl->C, pl->X);
	pl->elig_first = calloc((size_t)pl->C + 1, sizeof *pl->elig_first);
	if (!pl->elig_first)
		return err_set(err, "out of memory");
	for (uint32_t c = 0; c < pl->C; c++) {
		pl->elig_first[c] = (uint32_t)total;
		for (uint32_t x = 0; x < pl->X; x++)
			total += plan_may_rate(&in->raters[pl->experts[x]], c);
	}
	pl->elig_first[pl->C] = (uint32_t)total;
	pl->elig = malloc((total + 1) * sizeof *pl->elig);
	if (!pl->elig)
		return err_set(err, "out of memory");
	total = 0;
	for (uint32_t c = 0; c < pl->C; c++)
		for (uint32_t x = 0; x < pl->X; x++)
			if (plan_may_rate(&in->raters[pl->experts[x]], c))
				pl->elig[total++] = x;
	return 0;
}

/* Eligible experts that always suffice for one prompt: the greedy below
 * never finds every candidate blocked, because a task's two outputs have at
 * most 2m-2 other tasks (2m-1 with the odd one out), or because there are
 * as many experts as tasks. */
static uint32_t experts_enough(const struct plan *pl)
{
	uint32_t tasks = (pl->m * pl->E + 1) / 2, blocked = 2 * pl->m - 2 + (pl->m * pl->E) % 2;

	return blocked + 1 < tasks ? blocked + 1 : tasks;
}

/* A prompt or category as a message names it: its name when the caller
 * gave names, else its number. */
static const char *label(const char *const *names, uint32_t i, char buf[16])
{
	if (names && names[i])
		return names[i];
	snprintf(buf, 16, "%u", i);
	return buf;
}

static int plan_feasible(const struct plan *pl, struct simsa_err *err)
{
	uint64_t users = assign_users_needed(pl->E, pl->k);

	if (pl->k > 0 && pl->U < users)
		return err_set(err,
			       "the user rubric asks for %u raters per slot: %u entrants make "
			       "%u pairs, so at least %llu users are needed; the round has %u",
			       pl->k, pl->E, pl->P, (unsigned long long)users, pl->U);
	if ((uint64_t)pl->U * pl->P > (1u << 26))
		return err_set(err, "%u users × %u pairs is too large to balance", pl->U, pl->P);
	for (uint32_t q = 0; pl->m > 0 && q < pl->N; q++) {
		uint32_t c = plan_category(pl, q), n = pl->elig_first[c + 1] - pl->elig_first[c];
		uint32_t need = experts_enough(pl);

		if (n < need) {
			char qb[16], cb[16];

			return err_set(
				err,
				"prompt %s (category %s) needs at least %u experts who "
				"may rate its category, so that each of its %u outputs gets %u "
				"distinct experts (the expert rubric's ratings per output); "
				"%u expert%s may",
				label(pl->in->prompt_names, q, qb),
				label(pl->in->category_names, c, cb), need, pl->E, pl->m, n,
				n == 1 ? "" : "s");
		}
	}
	return 0;
}

int plan_init(struct plan *pl, const struct assign_input *in, struct simsa_err *err)
{
	memset(pl, 0, sizeof *pl);
	pl->in = in;
	if (check_sizes(in, err) < 0 || check_gold(in, err) < 0)
		return -1;
	pl->E = in->n_entrants;
	pl->N = in->n_prompts;
	pl->k = in->user_raters_per_slot;
	pl->m = in->expert_ratings_per_output;
	for (uint32_t a = 0; a < pl->E; a++)
		for (uint32_t b = a + 1; b < pl->E; b++) {
			pl->pa[pl->P] = (uint8_t)a;
			pl->pb[pl->P++] = (uint8_t)b;
		}
	pl->user_tasks = (uint64_t)pl->N * pl->P * pl->k;
	pl->expert_tasks = (uint64_t)pl->N * ((pl->m * pl->E + 1) / 2);
	if (pl->user_tasks + pl->expert_tasks > ASSIGN_MAX_TASKS)
		return err_set(err, "%llu tasks are too many for one round",
			       (unsigned long long)(pl->user_tasks + pl->expert_tasks));
	if (plan_raters(pl, err) < 0 || plan_categories(pl, err) < 0 ||
	    plan_feasible(pl, err) < 0) {
		plan_release(pl);
		return -1;
	}
	return 0;
}

int assign_check(const struct assign_input *in, struct simsa_err *err)
{
	struct plan pl;

	if (plan_init(&pl, in, err) < 0)
		return -1;
	plan_release(&pl);
	return 0;
}
