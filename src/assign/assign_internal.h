/* assign_internal — what the files of src/assign/ share: the plan, i.e.
 * what every pass of the assignment needs to know about its input,
 * computed once and checked (assign_plan.c), and used by the passes
 * (assign.c). */
#ifndef SIMSA_ASSIGN_INTERNAL_H
#define SIMSA_ASSIGN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "simsa/assign.h"

#define NONE UINT32_MAX

/* What every pass needs to know about the input, computed once. */
struct plan {
	const struct assign_input *in;
	uint32_t E, N, P, k, m;
	uint32_t n_regular;   /* raters before the first late one */
	uint32_t U, X;        /* regular users, regular experts */
	uint32_t *users;      /* U rater indices, ascending */
	uint32_t *experts;    /* X rater indices, ascending */
	uint32_t C;           /* 1 + the largest prompt category */
	uint32_t *elig_first; /* C + 1: experts eligible for category c are */
	uint32_t *elig;       /* elig[elig_first[c] ..], expert ordinals, ascending */
	uint8_t pa[ASSIGN_MAX_ENTRANTS * (ASSIGN_MAX_ENTRANTS - 1) / 2];
	uint8_t pb[ASSIGN_MAX_ENTRANTS * (ASSIGN_MAX_ENTRANTS - 1) / 2];
	uint64_t user_tasks, expert_tasks; /* normal tasks of the two passes */
};

/* Checks the input and fills the plan: raters by role, the experts
 * eligible for each category, the pair tables; refuses an input the
 * passes cannot serve, saying why. plan_release frees it. */
int plan_init(struct plan *pl, const struct assign_input *in, struct simsa_err *err);
void plan_release(struct plan *pl);
/* The category of prompt q (0 when the round has none). */
uint32_t plan_category(const struct plan *pl, uint32_t q);
/* Rater r may rate prompts of category c. */
bool plan_may_rate(const struct assign_rater *r, uint32_t c);

#endif
