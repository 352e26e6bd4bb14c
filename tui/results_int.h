/* results_int — what the results view's files (tui/results.c, the table,
 * details and screen contract; tui/results_panel.c, the panel) share. */
#ifndef SIMSA_TUI_RESULTS_INT_H
#define SIMSA_TUI_RESULTS_INT_H

#include <stddef.h>

#include "console_int.h"
#include "simsa/score.h"

#define NAME_MAX_W 24 /* wider names are cut, with "~" */
#define NAME_MIN_W 8
#define X0 2 /* column 0: the `>` of the selected row */

/* x with d decimals, or "-" for none (NAN); an interval likewise. */
const char *res_fmt(char *buf, size_t cap, int d, double x);
const char *res_fmt_iv(char *buf, size_t cap, int d, double lo, double hi);
/* Text left in w columns, cut with "~" when wider; right-aligned. */
void res_draw_cut(struct console *c, int y, int x, int w, const char *s, unsigned attr);
void res_draw_right(struct console *c, int y, int x, int w, const char *s, unsigned attr);
/* Lines s takes wrapped at w columns (at least 1). */
int res_wrapped_rows(const char *s, int w);
/* The two title rows: title, then the round id and when it was closed. */
void res_title_rows(struct console *c, const struct score_result *r, const char *title);
/* The panel of agreement and raters (tui/results_panel.c). */
void results_panel_draw(struct console *c);

#endif
