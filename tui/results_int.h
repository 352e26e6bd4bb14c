/* results_int — what the views of `simsa results` share: the program and
 * the table (tui/results.c), an entrant's details (results_detail.c), the
 * panel (results_panel.c), and what they draw with (results_draw.c). */
#ifndef SIMSA_TUI_RESULTS_INT_H
#define SIMSA_TUI_RESULTS_INT_H

#include <stddef.h>

#include "console_int.h"
#include "results.h"
#include "simsa/score.h"

#define NAME_MAX_W 24 /* wider names are cut, with "~" */
#define NAME_MIN_W 8
#define X0 2 /* column 0: the `>` of the selected row */

static inline struct results *results_of(const struct console *c)
{
	return (struct results *)c->app;
}

/* results_draw.c. x with d decimals, or "-" for none (NAN); an interval
 * likewise; total_max as text. */
const char *res_fmt(char *buf, size_t cap, int d, double x);
const char *res_fmt_iv(char *buf, size_t cap, int d, double lo, double hi);
const char *res_max_text(const struct score_result *r, char buf[16]);
/* Text left in w columns, cut with "~" when wider; right-aligned. */
void res_draw_cut(struct console *c, int y, int x, int w, const char *s, unsigned attr);
void res_draw_right(struct console *c, int y, int x, int w, const char *s, unsigned attr);
/* The two title rows: title, then the round id and when it was closed. */
void res_title_rows(struct console *c, const struct score_result *r, const char *title);
/* An entrant's bar and whisker in w cells from x; the axis above it. */
void res_draw_chart(struct console *c, int y, int x, int w, const struct score_entrant *e,
		    double max, unsigned attr);
void res_draw_axis(struct console *c, int y, int x, int w, double max);
/* The keys all three views share: quit (without asking), help. */
unsigned res_common_key(struct console *c, enum action a);

/* The views: the table (results.c), details, the panel. */
extern const struct view_ops results_view, detail_view, panel_view;

/* results.c: the console for simsa results on v (which outlives it);
 * console_free frees it. */
int results_console_open(const struct frontend *fe, void *fe_data, int w, int h, struct results *v,
			 struct console **out, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
