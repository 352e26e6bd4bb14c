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
	case COL_TOTAL: return i18n_fill(buf, cap, S_RES_H_TOTAL, res_max_text(r, m), NULL, NULL);
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

/* Text in a cell: numbers right-aligned, the name left and cut with "~". */
static void draw_cell(struct console *c, int y, int x, int w, enum col k, const char *s,
		      unsigned attr)
{
	if (k == COL_NAME)
		res_draw_cut(c, y, x, w, s, attr);
	else
		res_draw_right(c, y, x, w, s, attr);
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

/* What the table laid out when it was drawn last (for keys and the dump). */
struct table_state {
	size_t top;           /* first entrant shown */
	int table_y, rows;    /* first entrant row, entrant rows that fit */
	int chart_x, chart_w; /* the chart's columns (chart_w 0: not shown) */
	unsigned cols;        /* bit per enum col of the columns shown */
};

static void table_draw(struct console *c)
{
	struct results *v = results_of(c);
	struct table_state *ts = console_vstate(c, V_RESULTS);
	const struct score_result *r = v->r;
	char buf[1024], counts[1024], recipe[512], legend[512], m[16];
	int wid[COL_N] = { 0 }, xs[COL_N] = { 0 }, fw = c->w - 2, foot, y;
	int n_counts, n_recipe, n_legend, want;

	snprintf(m, sizeof m, "%zu", r->n);
	res_title_rows(c, r, i18n_fill(buf, sizeof buf, S_RES_TITLE, r->title, m, NULL));
	ts->cols = plan_columns(r, c->w - X0, wid, xs);
	ts->chart_x = ts->cols & (1u << COL_CHART) ? xs[COL_CHART] : 0;
	ts->chart_w = ts->cols & (1u << COL_CHART) ? wid[COL_CHART] : 0;
	counts_text(r, counts, sizeof counts);
	recipe_text(r, recipe, sizeof recipe);
	i18n_fill(legend, sizeof legend, S_RES_LEGEND, res_max_text(r, m), NULL, NULL);
	n_counts = draw_wrapped_rows(counts, fw);
	n_recipe = draw_wrapped_rows(recipe, fw);
	n_legend = draw_wrapped_rows(legend, fw);
	/* rows: title, round, header, entrants, footer, keys; the legend and
	 * then the recipe give way before the entrants go below three */
	ts->table_y = 3;
	want = r->n < 3 ? (int)r->n : 3;
	want = want < 1 ? 1 : want;
	foot = n_counts + n_recipe + n_legend;
	if (c->h - 1 - foot - ts->table_y < want) {
		foot -= n_legend;
		n_legend = 0;
	}
	if (c->h - 1 - foot - ts->table_y < want) {
		foot -= n_recipe;
		n_recipe = 0;
	}
	if (c->h - 1 - foot - ts->table_y < want) { /* the counts are cut last */
		n_counts = c->h - 1 - ts->table_y - want;
		n_counts = n_counts < 1 ? 1 : n_counts;
		foot = n_counts;
	}
	ts->rows = c->h - 1 - foot - ts->table_y;
	if (ts->rows < 1)
		ts->rows = 1;
	if (v->cur < ts->top)
		ts->top = v->cur;
	if (v->cur >= ts->top + (size_t)ts->rows)
		ts->top = v->cur - (size_t)ts->rows + 1;
	if (ts->top + (size_t)ts->rows > r->n) /* after a resize: no empty rows below */
		ts->top = r->n > (size_t)ts->rows ? r->n - (size_t)ts->rows : 0;

	for (int k = 0; k < COL_N; k++) {
		if (!(ts->cols & (1u << k)))
			continue;
		if (k == COL_CHART)
			res_draw_axis(c, 2, xs[k], wid[k], r->total_max);
		else
			draw_cell(c, 2, xs[k], wid[k], (enum col)k,
				  col_head(r, (enum col)k, buf, sizeof buf), AT_BOLD);
	}
	for (int row = 0; row < ts->rows && ts->top + (size_t)row < r->n; row++) {
		size_t i = ts->top + (size_t)row;
		const struct score_entrant *e = &r->e[v->ord[i]];
		bool sel = i == v->cur;
		unsigned at = sel ? AT_REVERSE : 0;

		y = ts->table_y + row;
		if (sel)
			canvas_hline(&c->cv, y, 0, c->w, " ", AT_REVERSE);
		canvas_text(&c->cv, y, 0, 1, sel ? ">" : " ", at | AT_BOLD);
		for (int k = 0; k < COL_N; k++) {
			if (!(ts->cols & (1u << k)))
				continue;
			if (k == COL_CHART)
				res_draw_chart(c, y, xs[k], wid[k], e, r->total_max, at);
			else
				draw_cell(c, y, xs[k], wid[k], (enum col)k,
					  col_cell(e, (enum col)k, buf, sizeof buf),
					  at | (k == COL_TOTAL ? AT_BOLD : 0));
		}
	}
	y = ts->table_y + ts->rows;
	y = draw_wrapped(c, y, 1, fw, y + n_counts < c->h - 1 ? y + n_counts : c->h - 1, counts, 0);
	if (n_recipe)
		y = draw_wrapped(c, y, 1, fw, c->h - 1, recipe, 0);
	if (n_legend)
		draw_wrapped(c, y, 1, fw, c->h - 1, legend, AT_DIM);
	draw_footer(c, CTX_RESULTS, NULL);
}

static size_t step_down(size_t at, size_t by, size_t n)
{
	return n == 0 ? 0 : at + by < n ? at + by : n - 1;
}

static unsigned table_key(struct console *c, int key)
{
	struct results *v = results_of(c);
	struct table_state *ts = console_vstate(c, V_RESULTS);
	size_t n = v->r->n, page = ts->rows > 1 ? (size_t)ts->rows - 1 : 1;
	enum action a = keys_lookup(CTX_RESULTS, key, NULL);

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
		console_go(c, V_DETAIL);
		break;
	case ACT_PANEL: console_go(c, V_PANEL); break;
	default: return res_common_key(c, a);
	}
	return OUT_DRAW;
}

static void put_line(FILE *f, const char *key, const char *value)
{
	char buf[1024];

	text_sanitize_line(value, strlen(value), buf, sizeof buf);
	fprintf(f, "%s=%s\n", key, buf);
}

static void table_dump_state(struct console *c, FILE *f)
{
	const struct results *v = results_of(c);
	const struct table_state *ts = console_vstate(c, V_RESULTS);
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
	fprintf(f, "\ntable_y=%d\nrows=%d\ntop=%zu\ncolumns=", ts->table_y, ts->rows, ts->top);
	for (int k = 0, first = 1; k < COL_N; k++)
		if (ts->cols & (1u << k)) {
			fprintf(f, "%s%s", first ? "" : ",", col_name[k]);
			first = 0;
		}
	fprintf(f, "\nchart=%d,%d\n", ts->chart_x, ts->chart_w);
}

const struct view_ops results_view = {
	.name = "results",
	.id = V_RESULTS,
	.state_size = sizeof(struct table_state),
	.draw = table_draw,
	.key = table_key,
	.dump_state = table_dump_state,
};

/* ---- the program (console_int.h) ---- */

static void results_layout(struct console *c)
{
	c->min_w = MIN_W;
	c->min_h = MIN_H;
	c->too_small = c->w < MIN_W || c->h < MIN_H;
}

/* Every view's part, whichever is up: the table's, the details', the
 * panel's, each through the view table. */
static void results_dump_state(struct console *c, FILE *f)
{
	fprintf(f, "lang=%s\n", i18n_lang() == LANG_KO ? "ko" : "en");
	c->prog->views[V_RESULTS]->dump_state(c, f);
	c->prog->views[V_DETAIL]->dump_state(c, f);
	c->prog->views[V_PANEL]->dump_state(c, f);
}

/* simsa results lists its own entries only: the global ones speak of drafts */
/* clang-format off */
static const struct help_section results_help[] = {
	{ CTX_RESULTS, S_CTX_RESULTS }, { CTX_DETAIL, S_CTX_DETAIL },
	{ CTX_PANEL, S_CTX_PANEL }, { 0, S_COUNT },
};
/* clang-format on */

static const struct program results_program = {
	.views = {
		[V_RESULTS] = &results_view,
		[V_DETAIL] = &detail_view,
		[V_PANEL] = &panel_view,
		[V_HELP] = &help_view,
	},
	.ctx = CTX_RESULTS,
	.help = results_help,
	.layout = results_layout,
	.dump_state = results_dump_state,
};

int results_console_open(const struct frontend *fe, void *fe_data, int w, int h, struct results *v,
			 struct console **out, struct simsa_err *err)
{
	return console_new(&results_program, v, fe, fe_data, w, h, V_RESULTS, out, err);
}
