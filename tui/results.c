/* results — `simsa results`: the points of a closed round (score.h) on one
 * screen for the organizer. A table of entrants by rank, each with a bar of
 * its total and a whisker of the total's 95% interval on one axis, the
 * counts and the bootstrap recipe; Enter opens an entrant's details, p
 * the panel of agreement within the round and the raters (flagged first,
 * with their reasons), as `simsa score` prints them below its table. Drawn
 * into the console's canvas and run by its loop (console_int.h), so the
 * terminal, headless scripts, resizing and help are the rating console's.
 *
 * Columns are dropped, lowest priority first, until the row fits: at 80
 * columns the intervals as text go first (the whisker still shows them);
 * everything is in the details. Only ASCII is drawn for the chart, and
 * nothing is told by colour: the selected row has `>` as well as reverse
 * video. Names, the title, rater names and reasons come from the round and
 * reach the canvas only through canvas_text / text.h, like every other
 * string. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"
#include "results.h"
#include "results_int.h"
#include "simsa/text.h"

#define MIN_W 40
#define MIN_H 10
#define CHART_MIN_W 20 /* below this the chart waits for the other columns */
#define CHART_LEAST_W 8
#define CHART_MAX_W 100

enum col {
	COL_RANK,
	COL_NAME,
	COL_EXPERT,
	COL_USER,
	COL_BENCH,
	COL_TOTAL,
	COL_IV,
	COL_ELO,
	COL_ELO_IV,
	COL_WIN,
	COL_CHART,
	COL_N
};

static const char *const col_name[COL_N] = { "rank",         "name",  "expert",   "user",
					     "bench",        "total", "interval", "elo",
					     "elo_interval", "win",   "chart" };

/* Which columns stay when the row is narrow: the first ones here. */
static const enum col col_priority[COL_N] = { COL_RANK,   COL_NAME,   COL_TOTAL, COL_CHART,
					      COL_EXPERT, COL_USER,   COL_BENCH, COL_ELO,
					      COL_WIN,    COL_ELO_IV, COL_IV };

/* ---- the view's data ---- */

static int cmp_rank(const struct score_result *r, size_t a, size_t b)
{
	const struct score_entrant *x = &r->e[a], *y = &r->e[b];

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->total != y->total && !isnan(x->total) && !isnan(y->total))
		return x->total > y->total ? -1 : 1;
	return (a > b) - (a < b);
}

/* The panel's order: flagged raters first, then experts before users,
 * then by name, then as score_round() listed them. */
static int cmp_rater(const void *pa, const void *pb)
{
	const struct score_rater *a = *(const struct score_rater *const *)pa;
	const struct score_rater *b = *(const struct score_rater *const *)pb;
	int d;

	if (a->flagged != b->flagged)
		return a->flagged ? -1 : 1;
	if (a->expert != b->expert)
		return a->expert ? -1 : 1;
	d = strcmp(a->name ? a->name : "", b->name ? b->name : "");
	if (d)
		return d;
	return (a > b) - (a < b);
}

static int order_raters(struct results *v, const struct score_result *r)
{
	const struct score_rater **p = malloc((r->n_raters ? r->n_raters : 1) * sizeof *p);

	v->rord = malloc((r->n_raters ? r->n_raters : 1) * sizeof *v->rord);
	if (!p || !v->rord) {
		free(p);
		return -1;
	}
	for (size_t i = 0; i < r->n_raters; i++)
		p[i] = &r->raters[i];
	if (r->n_raters)
		qsort(p, r->n_raters, sizeof *p, cmp_rater);
	for (size_t i = 0; i < r->n_raters; i++)
		v->rord[i] = (size_t)(p[i] - r->raters);
	free(p);
	return 0;
}

int results_init(struct results *v, const struct score_result *r, struct simsa_err *err)
{
	memset(v, 0, sizeof *v);
	v->r = r;
	v->ord = malloc((r->n ? r->n : 1) * sizeof *v->ord);
	if (!v->ord || order_raters(v, r) < 0) {
		free(v->ord);
		free(v->rord);
		memset(v, 0, sizeof *v);
		return err_set(err, "out of memory");
	}
	for (size_t i = 0; i < r->n; i++)
		v->ord[i] = i;
	for (size_t i = 1; i < r->n; i++) /* insertion sort: a handful of entrants */
		for (size_t j = i; j > 0 && cmp_rank(r, v->ord[j - 1], v->ord[j]) > 0; j--) {
			size_t t = v->ord[j];

			v->ord[j] = v->ord[j - 1];
			v->ord[j - 1] = t;
		}
	return 0;
}

void results_release(struct results *v)
{
	free(v->ord);
	free(v->rord);
	memset(v, 0, sizeof *v);
}

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

static const char *max_text(const struct score_result *r, char buf[16])
{
	snprintf(buf, 16, "%g", r->total_max);
	return buf;
}

/* ---- the chart ---- */

/* The bar and whisker of one entrant in w cells from x (score_chart):
 * the bar normal, the rest of the axis dim, the interval's ends bold. */
static void draw_chart(struct console *c, int y, int x, int w, const struct score_entrant *e,
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
static void draw_axis(struct console *c, int y, int x, int w, double max)
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

/* ---- the table ---- */

static const char *col_head(const struct score_result *r, enum col k, char *buf, size_t cap)
{
	char m[16];

	switch (k) {
	case COL_RANK: return S(S_RES_H_RANK);
	case COL_NAME: return S(S_RES_H_NAME);
	case COL_EXPERT: return S(S_RES_H_EXPERT);
	case COL_USER: return S(S_RES_H_USER);
	case COL_BENCH: return S(S_RES_H_BENCH);
	case COL_TOTAL: return i18n_fill(buf, cap, S_RES_H_TOTAL, max_text(r, m), NULL, NULL);
	case COL_IV: return S(S_RES_H_INTERVAL);
	case COL_ELO: return S(S_RES_H_ELO);
	case COL_ELO_IV: return S(S_RES_H_ELO_IV);
	case COL_WIN: return S(S_RES_H_WIN);
	case COL_CHART:
	case COL_N: break;
	}
	return "";
}

static const char *col_cell(const struct score_entrant *e, enum col k, char *buf, size_t cap)
{
	switch (k) {
	case COL_RANK: snprintf(buf, cap, "%d", e->rank); return buf;
	case COL_NAME: return e->name;
	case COL_EXPERT: return res_fmt(buf, cap, 2, e->expert);
	case COL_USER: return res_fmt(buf, cap, 2, e->user);
	case COL_BENCH: return res_fmt(buf, cap, 2, e->benchmark);
	case COL_TOTAL: return res_fmt(buf, cap, 2, e->total);
	case COL_IV: return res_fmt_iv(buf, cap, 2, e->total_low, e->total_high);
	case COL_ELO: return res_fmt(buf, cap, 1, e->rating);
	case COL_ELO_IV: return res_fmt_iv(buf, cap, 0, e->rating_low, e->rating_high);
	case COL_WIN: return res_fmt(buf, cap, 3, e->win_rate);
	case COL_CHART:
	case COL_N: break;
	}
	return "";
}

/* Chooses the columns for width avail and their widths (x is filled too). */
static unsigned plan_columns(const struct score_result *r, int avail, int wid[COL_N], int xs[COL_N])
{
	int nat[COL_N], used = 0, x = X0;
	unsigned shown = 0;
	char buf[128];

	for (int k = 0; k < COL_CHART; k++) {
		nat[k] = canvas_text_width(col_head(r, (enum col)k, buf, sizeof buf));
		for (size_t i = 0; i < r->n; i++) {
			int cw =
				canvas_text_width(col_cell(&r->e[i], (enum col)k, buf, sizeof buf));

			nat[k] = cw > nat[k] ? cw : nat[k];
		}
	}
	nat[COL_NAME] = nat[COL_NAME] > NAME_MAX_W ? NAME_MAX_W : nat[COL_NAME];
	nat[COL_CHART] = CHART_MIN_W;
	for (int p = 0; p < COL_N; p++) {
		enum col k = col_priority[p];
		int w = k == COL_NAME && nat[k] > NAME_MIN_W ? NAME_MIN_W : nat[k];
		int need = w + (used ? 1 : 0);

		if (k == COL_BENCH && !r->has_benchmark)
			continue;
		if (k == COL_CHART && used + need > avail && avail - used - 1 >= CHART_LEAST_W) {
			w = avail - used - 1; /* very narrow: a short chart beats none */
			need = w + 1;
		}
		if (used + need > avail)
			continue;
		shown |= 1u << k;
		wid[k] = w;
		used += need;
	}
	if (shown & (1u << COL_NAME)) { /* names get their width before the chart */
		int g = nat[COL_NAME] - wid[COL_NAME];

		g = g > avail - used ? avail - used : g;
		wid[COL_NAME] += g;
		used += g;
	}
	if (shown & (1u << COL_CHART)) {
		int g = avail - used;

		wid[COL_CHART] += g;
		if (wid[COL_CHART] > CHART_MAX_W)
			wid[COL_CHART] = CHART_MAX_W;
	}
	for (int k = 0; k < COL_N; k++)
		if (shown & (1u << k)) {
			xs[k] = x;
			x += wid[k] + 1;
		}
	return shown;
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

/* Text in a cell: numbers right-aligned, the name left and cut with "~". */
static void draw_cell(struct console *c, int y, int x, int w, enum col k, const char *s,
		      unsigned attr)
{
	if (k == COL_NAME)
		res_draw_cut(c, y, x, w, s, attr);
	else
		res_draw_right(c, y, x, w, s, attr);
}

/* Lines s takes wrapped in w columns. */
int res_wrapped_rows(const char *s, int w)
{
	struct text_doc *d = text_doc_new(s, strlen(s), NULL);
	struct text_lines ls = TEXT_LINES_INIT;
	int n = 1;

	if (d && text_wrap(d, w > 0 ? w : 1, &ls, NULL) == 0)
		n = ls.n ? (int)ls.n : 1;
	text_lines_release(&ls);
	text_doc_free(&d);
	return n;
}

static void counts_text(const struct score_result *r, char *buf, size_t cap)
{
	char a[24], b[24], cc[24], p1[256], p2[256], p3[128], p4[128];
	size_t flagged = 0;

	snprintf(a, sizeof a, "%ld", r->counts.expert_ballots);
	snprintf(b, sizeof b, "%ld", r->counts.user_ballots);
	i18n_fill(p1, sizeof p1, S_RES_COUNTED, a, b, NULL);
	snprintf(a, sizeof a, "%ld", r->counts.superseded);
	snprintf(b, sizeof b, "%ld", r->counts.gold);
	snprintf(cc, sizeof cc, "%ld", r->counts.identity_excluded);
	i18n_fill(p2, sizeof p2, S_RES_LEFT_OUT, a, b, cc);
	snprintf(a, sizeof a, "%ld", r->counts.discarded);
	i18n_fill(p3, sizeof p3, S_RES_DISCARDED, a, NULL, NULL);
	for (size_t i = 0; i < r->n_raters; i++)
		flagged += r->raters[i].flagged;
	snprintf(a, sizeof a, "%zu", flagged);
	i18n_fill(p4, sizeof p4, S_RES_FLAGGED, a, NULL, NULL);
	snprintf(buf, cap, "%s %s %s %s", p1, p2, p3, p4);
}

static void recipe_text(const struct score_result *r, char *buf, size_t cap)
{
	char a[24], b[24];

	if (!r->resamples) {
		snprintf(buf, cap, "%s", S(S_RES_NO_BOOT));
		return;
	}
	snprintf(a, sizeof a, "%u", (unsigned)r->resamples);
	snprintf(b, sizeof b, "%llu", (unsigned long long)r->seed);
	i18n_fill(buf, cap, S_RES_RECIPE, a, b, NULL);
}

void res_title_rows(struct console *c, const struct score_result *r, const char *title)
{
	char buf[1024];

	canvas_hline(&c->cv, 0, 0, c->w, " ", AT_BAR);
	canvas_text(&c->cv, 0, 1, c->w - 2, title, AT_BAR | AT_BOLD);
	canvas_text(&c->cv, 1, 1, c->w - 2,
		    i18n_fill(buf, sizeof buf, S_RES_ROUND, r->round_id, r->closed_at, NULL), 0);
}

static void table_draw(struct console *c)
{
	struct results *v = c->res;
	const struct score_result *r = v->r;
	char buf[1024], counts[1024], recipe[512], legend[512], m[16];
	int wid[COL_N] = { 0 }, xs[COL_N] = { 0 }, fw = c->w - 2, foot, y;
	int n_counts, n_recipe, n_legend, want;

	snprintf(m, sizeof m, "%zu", r->n);
	res_title_rows(c, r, i18n_fill(buf, sizeof buf, S_RES_TITLE, r->title, m, NULL));
	v->cols = plan_columns(r, c->w - X0, wid, xs);
	v->chart_x = v->cols & (1u << COL_CHART) ? xs[COL_CHART] : 0;
	v->chart_w = v->cols & (1u << COL_CHART) ? wid[COL_CHART] : 0;
	counts_text(r, counts, sizeof counts);
	recipe_text(r, recipe, sizeof recipe);
	i18n_fill(legend, sizeof legend, S_RES_LEGEND, max_text(r, m), NULL, NULL);
	n_counts = res_wrapped_rows(counts, fw);
	n_recipe = res_wrapped_rows(recipe, fw);
	n_legend = res_wrapped_rows(legend, fw);
	/* rows: title, round, header, entrants, footer, keys; the legend and
	 * then the recipe give way before the entrants go below three */
	v->table_y = 3;
	want = r->n < 3 ? (int)r->n : 3;
	want = want < 1 ? 1 : want;
	foot = n_counts + n_recipe + n_legend;
	if (c->h - 1 - foot - v->table_y < want) {
		foot -= n_legend;
		n_legend = 0;
	}
	if (c->h - 1 - foot - v->table_y < want) {
		foot -= n_recipe;
		n_recipe = 0;
	}
	if (c->h - 1 - foot - v->table_y < want) { /* the counts are cut last */
		n_counts = c->h - 1 - v->table_y - want;
		n_counts = n_counts < 1 ? 1 : n_counts;
		foot = n_counts;
	}
	v->rows = c->h - 1 - foot - v->table_y;
	if (v->rows < 1)
		v->rows = 1;
	if (v->cur < v->top)
		v->top = v->cur;
	if (v->cur >= v->top + (size_t)v->rows)
		v->top = v->cur - (size_t)v->rows + 1;
	if (v->top + (size_t)v->rows > r->n) /* after a resize: no empty rows below */
		v->top = r->n > (size_t)v->rows ? r->n - (size_t)v->rows : 0;

	for (int k = 0; k < COL_N; k++) {
		if (!(v->cols & (1u << k)))
			continue;
		if (k == COL_CHART)
			draw_axis(c, 2, xs[k], wid[k], r->total_max);
		else
			draw_cell(c, 2, xs[k], wid[k], (enum col)k,
				  col_head(r, (enum col)k, buf, sizeof buf), AT_BOLD);
	}
	for (int row = 0; row < v->rows && v->top + (size_t)row < r->n; row++) {
		size_t i = v->top + (size_t)row;
		const struct score_entrant *e = &r->e[v->ord[i]];
		bool sel = i == v->cur;
		unsigned at = sel ? AT_REVERSE : 0;

		y = v->table_y + row;
		if (sel)
			canvas_hline(&c->cv, y, 0, c->w, " ", AT_REVERSE);
		canvas_text(&c->cv, y, 0, 1, sel ? ">" : " ", at | AT_BOLD);
		for (int k = 0; k < COL_N; k++) {
			if (!(v->cols & (1u << k)))
				continue;
			if (k == COL_CHART)
				draw_chart(c, y, xs[k], wid[k], e, r->total_max, at);
			else
				draw_cell(c, y, xs[k], wid[k], (enum col)k,
					  col_cell(e, (enum col)k, buf, sizeof buf),
					  at | (k == COL_TOTAL ? AT_BOLD : 0));
		}
	}
	y = v->table_y + v->rows;
	y = draw_wrapped(c, y, 1, fw, y + n_counts < c->h - 1 ? y + n_counts : c->h - 1, counts, 0);
	if (n_recipe)
		y = draw_wrapped(c, y, 1, fw, c->h - 1, recipe, 0);
	if (n_legend)
		draw_wrapped(c, y, 1, fw, c->h - 1, legend, AT_DIM);
	draw_footer(c, CTX_RESULTS);
}

/* ---- details ---- */

enum dl_kind { DL_KV, DL_HEAD, DL_BLANK, DL_AXIS, DL_CHART };

struct dline {
	enum dl_kind kind;
	const char *label; /* organizer text (criterion ids) or the catalogue */
	char value[320];
};

#define DL_MAX (24 + RUBRIC_MAX_CRITERIA)

static struct dline *dl_add(struct dline *d, int *n, enum dl_kind kind, const char *label)
{
	struct dline *l;

	if (*n >= DL_MAX)
		return &d[DL_MAX - 1]; /* cannot happen: DL_MAX counts every line */
	l = &d[(*n)++];
	l->kind = kind;
	l->label = label;
	l->value[0] = '\0';
	return l;
}

/* "35.0000 of 35   95% [33.1000, 35.0000]" */
static void points_iv(char *buf, size_t cap, double x, double of, double lo, double hi)
{
	char a[32], b[32], p[128], iv[128];

	snprintf(b, sizeof b, "%g", of);
	i18n_fill(p, sizeof p, S_RES_POINTS, res_fmt(a, sizeof a, 4, x), b, NULL);
	if (isnan(lo) || isnan(hi)) {
		snprintf(buf, cap, "%s", p);
		return;
	}
	snprintf(a, sizeof a, "%.4f", lo);
	snprintf(b, sizeof b, "%.4f", hi);
	snprintf(buf, cap, "%s   %s", p, i18n_fill(iv, sizeof iv, S_RES_IV, a, b, NULL));
}

static int detail_lines(const struct score_result *r, const struct score_entrant *e,
			struct dline *d)
{
	char a[32], b[32], cc[32], t1[32], t2[96];
	int n = 0;
	struct dline *l;

	l = dl_add(d, &n, DL_KV, S(S_RES_TOTAL));
	points_iv(l->value, sizeof l->value, e->total, r->total_max, e->total_low, e->total_high);
	snprintf(a, sizeof a, "%d", e->rank);
	snprintf(l->value + strlen(l->value), sizeof l->value - strlen(l->value), "   %s",
		 i18n_fill(t1, sizeof t1, S_RES_RANK, a, NULL, NULL));
	dl_add(d, &n, DL_AXIS, "");
	dl_add(d, &n, DL_CHART, "");
	dl_add(d, &n, DL_BLANK, "");

	l = dl_add(d, &n, DL_KV, S(S_RES_EXPERT));
	points_iv(l->value, sizeof l->value, e->expert, SCORE_EXPERT_POINTS, e->expert_low,
		  e->expert_high);
	l = dl_add(d, &n, DL_KV, "");
	snprintf(b, sizeof b, "%ld", e->expert_outputs);
	snprintf(cc, sizeof cc, "%ld", e->expert_scorings);
	i18n_fill(l->value, sizeof l->value, S_RES_MEAN_N, res_fmt(a, sizeof a, 4, e->expert_mean),
		  b, cc);
	l = dl_add(d, &n, DL_KV, "");
	points_iv(t2, sizeof t2, e->expert_corrected, SCORE_EXPERT_POINTS, e->expert_corrected_low,
		  e->expert_corrected_high);
	i18n_fill(l->value, sizeof l->value, S_RES_CORRECTED, t2, NULL, NULL);
	if (r->n_criteria)
		dl_add(d, &n, DL_HEAD, S(S_RES_CRIT_HEAD));
	for (size_t k = 0; k < r->n_criteria && k < RUBRIC_MAX_CRITERIA; k++) {
		const struct score_criterion_stat *s = &e->crit[k];

		l = dl_add(d, &n, DL_KV, r->crit_id[k]);
		snprintf(l->value, sizeof l->value, "%3d  %d-%d  %8s  %8s  %5ld", r->crit_weight[k],
			 r->crit_min[k], r->crit_max[k], res_fmt(t1, sizeof t1, 3, s->mean),
			 res_fmt(t2, sizeof t2, 3, s->sd), s->n);
	}
	dl_add(d, &n, DL_BLANK, "");

	l = dl_add(d, &n, DL_KV, S(S_RES_USER));
	points_iv(l->value, sizeof l->value, e->user, SCORE_USER_POINTS, e->user_low, e->user_high);
	l = dl_add(d, &n, DL_KV, "");
	i18n_fill(l->value, sizeof l->value, S_RES_STRENGTH, res_fmt(a, sizeof a, 4, e->strength),
		  res_fmt(b, sizeof b, 4, e->expected), NULL);
	l = dl_add(d, &n, DL_KV, S(S_RES_ELO));
	res_fmt(t1, sizeof t1, 1, e->rating);
	if (!isnan(e->rating_low) && !isnan(e->rating_high)) {
		snprintf(a, sizeof a, "%.1f", e->rating_low);
		snprintf(b, sizeof b, "%.1f", e->rating_high);
		snprintf(l->value, sizeof l->value, "%s   %s", t1,
			 i18n_fill(t2, sizeof t2, S_RES_IV, a, b, NULL));
	} else {
		snprintf(l->value, sizeof l->value, "%s", t1);
	}
	l = dl_add(d, &n, DL_KV, "");
	i18n_fill(l->value, sizeof l->value, S_RES_WIN, res_fmt(a, sizeof a, 3, e->win_rate),
		  res_fmt(b, sizeof b, 0, e->votes), NULL);
	if (r->has_benchmark) {
		dl_add(d, &n, DL_BLANK, "");
		l = dl_add(d, &n, DL_KV, S(S_RES_BENCH));
		points_iv(l->value, sizeof l->value, e->benchmark, SCORE_BENCH_POINTS, NAN, NAN);
	}
	return n;
}

static void detail_draw(struct console *c)
{
	struct results *v = c->res;
	const struct score_result *r = v->r;
	const struct score_entrant *e;
	struct dline d[DL_MAX];
	char buf[1024], a[24], b[24];
	int n, lw = 0, y = 2;

	e = &r->e[v->ord[v->cur]];
	n = detail_lines(r, e, d);
	snprintf(a, sizeof a, "%d", e->rank);
	snprintf(b, sizeof b, "%zu", r->n);
	res_title_rows(c, r, i18n_fill(buf, sizeof buf, S_RES_DETAIL_TITLE, e->name, a, b));
	for (int i = 0; i < n; i++)
		if (d[i].kind == DL_KV && canvas_text_width(d[i].label) > lw)
			lw = canvas_text_width(d[i].label);
	lw = lw > c->w / 3 ? c->w / 3 : lw;
	v->dlines = n;
	v->drows = c->h - 1 - y;
	if (v->dtop + (size_t)v->drows > (size_t)n)
		v->dtop = n > v->drows ? (size_t)(n - v->drows) : 0;
	for (int i = (int)v->dtop; i < n && y < c->h - 1; i++, y++) {
		switch (d[i].kind) {
		case DL_KV:
			canvas_text(&c->cv, y, 2, lw, d[i].label, d[i].label[0] ? AT_BOLD : 0);
			canvas_text(&c->cv, y, 2 + lw + 2, c->w - lw - 5, d[i].value, 0);
			break;
		case DL_HEAD: canvas_text(&c->cv, y, 2, c->w - 4, d[i].label, AT_UNDERLINE); break;
		case DL_AXIS: draw_axis(c, y, 2, c->w - 4, r->total_max); break;
		case DL_CHART: draw_chart(c, y, 2, c->w - 4, e, r->total_max, 0); break;
		case DL_BLANK: break;
		}
	}
	draw_footer(c, CTX_DETAIL);
}

/* ---- the screen's contract (console_int.h) ---- */

void results_layout(struct console *c)
{
	struct layout *l = &c->lay;

	memset(l, 0, sizeof *l);
	l->min_w = MIN_W;
	l->min_h = MIN_H;
	l->too_small = c->w < MIN_W || c->h < MIN_H;
}

void results_draw(struct console *c)
{
	if (c->scr == SCR_DETAIL && c->res->r->n)
		detail_draw(c);
	else if (c->scr == SCR_PANEL)
		results_panel_draw(c);
	else
		table_draw(c);
}

static size_t step_down(size_t at, size_t by, size_t n)
{
	return n == 0 ? 0 : at + by < n ? at + by : n - 1;
}

unsigned results_key(struct console *c, int key)
{
	struct results *v = c->res;
	size_t n = v->r->n, page = v->rows > 1 ? (size_t)v->rows - 1 : 1;
	size_t dpage = v->drows > 1 ? (size_t)v->drows - 1 : 1;
	size_t dmax = v->dlines > v->drows ? (size_t)(v->dlines - v->drows) : 0;
	size_t ppage = v->prows > 1 ? (size_t)v->prows - 1 : 1;
	size_t pmax = v->plines > v->prows ? (size_t)(v->plines - v->prows) : 0;
	enum action a = keys_lookup(c->scr == SCR_DETAIL  ? CTX_DETAIL
				    : c->scr == SCR_PANEL ? CTX_PANEL
							  : CTX_RESULTS,
				    key, NULL);

	if (a == ACT_QUIT)
		return OUT_QUIT; /* nothing here to lose: no need to ask */
	if (a == ACT_HELP) {
		c->back = c->scr;
		c->scr = SCR_HELP;
		c->help_top = 0;
		return OUT_DRAW;
	}
	if (c->scr == SCR_DETAIL) {
		switch (a) {
		case ACT_LINE_DOWN:
			if (v->dtop < dmax)
				v->dtop++;
			break;
		case ACT_LINE_UP:
			if (v->dtop > 0)
				v->dtop--;
			break;
		case ACT_PAGE_DOWN:
			v->dtop = v->dtop + dpage < dmax ? v->dtop + dpage : dmax;
			break;
		case ACT_PAGE_UP: v->dtop = v->dtop > dpage ? v->dtop - dpage : 0; break;
		case ACT_TOP: v->dtop = 0; break;
		case ACT_BOTTOM: v->dtop = dmax; break;
		case ACT_NEXT:
			v->cur = step_down(v->cur, 1, n);
			v->dtop = 0;
			break;
		case ACT_PREV:
			v->cur = v->cur > 0 ? v->cur - 1 : 0;
			v->dtop = 0;
			break;
		case ACT_BACK: c->scr = SCR_RESULTS; break;
		default: return OUT_NONE;
		}
		return OUT_DRAW;
	}
	if (c->scr == SCR_PANEL) {
		switch (a) {
		case ACT_LINE_DOWN:
			if (v->ptop < pmax)
				v->ptop++;
			break;
		case ACT_LINE_UP:
			if (v->ptop > 0)
				v->ptop--;
			break;
		case ACT_PAGE_DOWN:
			v->ptop = v->ptop + ppage < pmax ? v->ptop + ppage : pmax;
			break;
		case ACT_PAGE_UP: v->ptop = v->ptop > ppage ? v->ptop - ppage : 0; break;
		case ACT_TOP: v->ptop = 0; break;
		case ACT_BOTTOM: v->ptop = pmax; break;
		case ACT_BACK: c->scr = SCR_RESULTS; break;
		default: return OUT_NONE;
		}
		return OUT_DRAW;
	}
	switch (a) {
	case ACT_DOWN: v->cur = step_down(v->cur, 1, n); break;
	case ACT_UP: v->cur = v->cur > 0 ? v->cur - 1 : 0; break;
	case ACT_PAGE_DOWN: v->cur = step_down(v->cur, page, n); break;
	case ACT_PAGE_UP: v->cur = v->cur > page ? v->cur - page : 0; break;
	case ACT_TOP: v->cur = 0; break;
	case ACT_BOTTOM: v->cur = n ? n - 1 : 0; break;
	case ACT_OPEN:
		if (!n)
			return OUT_NONE;
		c->scr = SCR_DETAIL;
		v->dtop = 0;
		break;
	case ACT_PANEL:
		c->scr = SCR_PANEL;
		v->ptop = 0;
		break;
	default: return OUT_NONE;
	}
	return OUT_DRAW;
}

static void put_line(FILE *f, const char *key, const char *value)
{
	char buf[1024];

	text_sanitize_line(value, strlen(value), buf, sizeof buf);
	fprintf(f, "%s=%s\n", key, buf);
}

/* The panel: its scrolling, the statistics and the raters in its order. */
static void dump_panel(const struct results *v, FILE *f)
{
	const struct score_result *r = v->r;
	char names[1024];
	size_t n = 0, flagged = 0;

	fprintf(f, "panel.top=%zu\npanel.lines=%d\nagreement=%zu\n", v->ptop, v->plines,
		r->n_agree);
	names[0] = '\0';
	for (size_t i = 0; i < r->n_raters && n < sizeof names; i++) {
		const struct score_rater *x = &r->raters[v->rord[i]];

		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? "," : "",
				      x->name ? x->name : "");
		flagged += x->flagged;
	}
	put_line(f, "raters", names);
	fprintf(f, "raters_flagged=%zu\nrater_flags=", flagged);
	for (size_t i = 0; i < r->n_raters; i++)
		fprintf(f, "%s%c", i ? "," : "", r->raters[v->rord[i]].flagged ? '!' : '-');
	fprintf(f, "\n");
}

void results_dump_state(struct console *c, FILE *f)
{
	const struct results *v = c->res;
	const struct score_result *r = v->r;
	char names[1024];
	size_t n = 0;

	fprintf(f, "entrants=%zu\n", r->n);
	fprintf(f, "selected=%zu\n", r->n ? v->cur + 1 : 0);
	put_line(f, "entrant", r->n ? r->e[v->ord[v->cur]].name : "");
	names[0] = '\0';
	for (size_t i = 0; i < r->n && n < sizeof names; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? "," : "",
				      r->e[v->ord[i]].name);
	put_line(f, "order", names);
	fprintf(f, "ranks=");
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "%s%d", i ? "," : "", r->e[v->ord[i]].rank);
	fprintf(f, "\ntable_y=%d\nrows=%d\ntop=%zu\ncolumns=", v->table_y, v->rows, v->top);
	for (int k = 0, first = 1; k < COL_N; k++)
		if (v->cols & (1u << k)) {
			fprintf(f, "%s%s", first ? "" : ",", col_name[k]);
			first = 0;
		}
	fprintf(f, "\nchart=%d,%d\n", v->chart_x, v->chart_w);
	fprintf(f, "detail.top=%zu\ndetail.lines=%d\n", v->dtop, v->dlines);
	dump_panel(v, f);
}
