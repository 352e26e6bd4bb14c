/* results — the state of `simsa results` (tui/results.c) that its views
 * share: the points of a closed round from score_round() (score.h), which
 * the caller owns and keeps alive while the view runs, in rank order, its
 * raters in the panel's order, and the entrant selected. What each view
 * laid out and where it is scrolled is that view's own state. */
#ifndef SIMSA_TUI_RESULTS_H
#define SIMSA_TUI_RESULTS_H

#include <stddef.h>

#include "simsa/err.h"
#include "simsa/score.h"

struct results {
	const struct score_result *r;
	size_t *ord;  /* entrant indices by rank, total, import order */
	size_t cur;   /* selected row of ord (the table and the details) */
	size_t *rord; /* rater indices: flagged first, then role, name */
};

/* Orders r's entrants; r must outlive the view. */
int results_init(struct results *v, const struct score_result *r, struct simsa_err *err)
	__attribute__((warn_unused_result));
void results_release(struct results *v);

#endif
