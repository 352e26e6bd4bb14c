/* results_detail — one entrant's details in `simsa results` (Enter on the
 * table): total with its interval and rank, a full-width chart, expert
 * points with the criteria, user points, Elo and the benchmark. j/k
 * scroll, n/N go to the next or previous entrant. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results.h"
#include "results_int.h"

struct detail_state {
	size_t top;      /* first line shown */
	int lines, rows; /* lines in all, lines that fit */
};

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
	struct results *v = results_of(c);
	struct detail_state *ds = console_vstate(c, V_DETAIL);
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
	ds->lines = n;
	ds->rows = c->h - 1 - y;
	if (ds->top + (size_t)ds->rows > (size_t)n)
		ds->top = n > ds->rows ? (size_t)(n - ds->rows) : 0;
	for (int i = (int)ds->top; i < n && y < c->h - 1; i++, y++) {
		switch (d[i].kind) {
		case DL_KV:
			canvas_text(&c->cv, y, 2, lw, d[i].label, d[i].label[0] ? AT_BOLD : 0);
			canvas_text(&c->cv, y, 2 + lw + 2, c->w - lw - 5, d[i].value, 0);
			break;
		case DL_HEAD: canvas_text(&c->cv, y, 2, c->w - 4, d[i].label, AT_UNDERLINE); break;
		case DL_AXIS: res_draw_axis(c, y, 2, c->w - 4, r->total_max); break;
		case DL_CHART: res_draw_chart(c, y, 2, c->w - 4, e, r->total_max, 0); break;
		case DL_BLANK: break;
		}
	}
	draw_footer(c, CTX_DETAIL, NULL);
}

static void detail_enter(struct console *c)
{
	struct detail_state *ds = console_vstate(c, V_DETAIL);

	ds->top = 0;
}

static void detail_draw_any(struct console *c)
{
	if (results_of(c)->r->n)
		detail_draw(c);
	else
		c->prog->views[V_RESULTS]->draw(c); /* no entrant: the table */
}

static unsigned detail_key(struct console *c, int key)
{
	struct results *v = results_of(c);
	struct detail_state *ds = console_vstate(c, V_DETAIL);
	size_t n = v->r->n, page = ds->rows > 1 ? (size_t)ds->rows - 1 : 1;
	size_t max = ds->lines > ds->rows ? (size_t)(ds->lines - ds->rows) : 0;
	enum action a = keys_lookup(CTX_DETAIL, key, NULL);

	switch (a) {
	case ACT_LINE_DOWN:
		if (ds->top < max)
			ds->top++;
		break;
	case ACT_LINE_UP:
		if (ds->top > 0)
			ds->top--;
		break;
	case ACT_PAGE_DOWN: ds->top = ds->top + page < max ? ds->top + page : max; break;
	case ACT_PAGE_UP: ds->top = ds->top > page ? ds->top - page : 0; break;
	case ACT_TOP: ds->top = 0; break;
	case ACT_BOTTOM: ds->top = max; break;
	case ACT_NEXT:
		v->cur = n == 0 ? 0 : v->cur + 1 < n ? v->cur + 1 : n - 1;
		ds->top = 0;
		break;
	case ACT_PREV:
		v->cur = v->cur > 0 ? v->cur - 1 : 0;
		ds->top = 0;
		break;
	case ACT_BACK: console_go(c, V_RESULTS); break;
	default: return res_common_key(c, a);
	}
	return OUT_DRAW;
}

static void detail_dump_state(struct console *c, FILE *f)
{
	struct detail_state *ds = console_vstate(c, V_DETAIL);

	fprintf(f, "detail.top=%zu\ndetail.lines=%d\n", ds->top, ds->lines);
}

const struct view_ops detail_view = {
	.name = "detail",
	.id = V_DETAIL,
	.state_size = sizeof(struct detail_state),
	.enter = detail_enter,
	.draw = detail_draw_any,
	.key = detail_key,
	.dump_state = detail_dump_state,
};
