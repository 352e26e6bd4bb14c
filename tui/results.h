/* results — the view state of `simsa results` (tui/results.c): the points
 * of a closed round from score_round() (score.h), which the caller owns and
 * keeps alive while the view runs, in rank order, its raters in the
 * panel's order, and where the organizer is in them. */
#ifndef SIMSA_TUI_RESULTS_H
#define SIMSA_TUI_RESULTS_H

#include <stddef.h>

#include "simsa/err.h"
#include "simsa/score.h"

struct results {
	const struct score_result *r;
	size_t *ord;     /* entrant indices by rank, total, import order */
	size_t cur, top; /* selected row of ord; first row shown */
	size_t dtop;     /* details: first line shown */
	size_t *rord;    /* rater indices: flagged first, then role, name */
	size_t ptop;     /* panel: first line shown */
	/* what the last draw laid out (for keys and the headless dump) */
	int table_y, rows;    /* first entrant row, entrant rows that fit */
	int chart_x, chart_w; /* the chart's columns (chart_w 0: not shown) */
	unsigned cols;        /* bit per enum of the columns shown */
	int dlines, drows;    /* details: lines in all, lines that fit */
	int plines, prows;    /* panel: lines in all, lines that fit */
};

/* Orders r's entrants; r must outlive the view. */
int results_init(struct results *v, const struct score_result *r, struct simsa_err *err)
	__attribute__((warn_unused_result));
void results_release(struct results *v);

#endif
