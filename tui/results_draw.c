/* results_draw — what the views of `simsa results` (results.c, the table;
 * results_detail.c; results_panel.c) draw with: numbers and intervals as
 * text, cut and right-aligned cells, the title rows, the chart and its
 * axis (score_chart), and the keys every one of them shares. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results.h"
#include "results_int.h"

/* x with d decimals, or "-" for none (NAN) */
const char *res_fmt(char *buf, size_t cap, int d, double x)
{
	if (isnan(x))
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%.*f", d, x);
	return buf;
}

const char *res_fmt_iv(char *buf, size_t cap, int d, double lo, double hi)
{
	if (isnan(lo) || isnan(hi))
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "[%.*f, %.*f]", d, lo, d, hi);
	return buf;
}

const char *res_max_text(const struct score_result *r, char buf[16])
{
	snprintf(buf, 16, "%g", r->total_max);
	return buf;
}

/* ---- the chart ---- */

/* The bar and whisker of one entrant in w cells from x (score_chart):
 * the bar normal, the rest of the axis dim, the interval's ends bold. */
void res_draw_chart(struct console *c, int y, int x, int w, const struct score_entrant *e,
		    double max, unsigned attr)
{
	char cells[512];

	w = w > (int)sizeof cells - 1 ? (int)sizeof cells - 1 : w;
	score_chart(cells, w, e->total, e->total_low, e->total_high, max);
	for (int k = 0; k < w; k++)
		canvas_put(&c->cv, y, x + k, &cells[k], 1, 1,
			   cells[k] == '.'   ? attr | AT_DIM
			   : cells[k] == '|' ? attr | AT_BOLD
					     : attr);
}

/* The axis above a chart: 0 at its left, total_max at its right, the
 * middle when there is room. */
void res_draw_axis(struct console *c, int y, int x, int w, double max)
{
	char m[16], h[16];
	int wm, wh;

	snprintf(m, sizeof m, "%g", max / 2);
	snprintf(h, sizeof h, "%g", max);
	wm = (int)strlen(m);
	wh = (int)strlen(h);
	canvas_text(&c->cv, y, x, w, "0", AT_BOLD);
	if (w >= 2 + wm + wh + 4)
		canvas_text(&c->cv, y, x + w / 2 - wm / 2, wm, m, AT_BOLD);
	if (w >= 1 + wh + 1)
		canvas_text(&c->cv, y, x + w - wh, wh, h, AT_BOLD);
}

/* Text left in w columns, cut with "~" when wider. */
void res_draw_cut(struct console *c, int y, int x, int w, const char *s, unsigned attr)
{
	if (canvas_text_width(s) <= w) {
		canvas_text(&c->cv, y, x, w, s, attr);
	} else {
		int d = canvas_text(&c->cv, y, x, w - 1, s, attr);

		canvas_text(&c->cv, y, x + d, 1, "~", attr | AT_DIM);
	}
}

void res_draw_right(struct console *c, int y, int x, int w, const char *s, unsigned attr)
{
	int tw = canvas_text_width(s);

	canvas_text(&c->cv, y, tw < w ? x + w - tw : x, w, s, attr);
}

void res_title_rows(struct console *c, const struct score_result *r, const char *title)
{
	char buf[1024];

	canvas_hline(&c->cv, 0, 0, c->w, " ", AT_BAR);
	canvas_text(&c->cv, 0, 1, c->w - 2, title, AT_BAR | AT_BOLD);
	canvas_text(&c->cv, 1, 1, c->w - 2,
		    i18n_fill(buf, sizeof buf, S_RES_ROUND, r->round_id, r->closed_at, NULL), 0);
}

unsigned res_common_key(struct console *c, enum action a)
{
	if (a == ACT_QUIT)
		return OUT_QUIT; /* nothing here to lose: no need to ask */
	if (a == ACT_HELP) {
		console_push(c, V_HELP);
		return OUT_DRAW;
	}
	return OUT_NONE;
}
