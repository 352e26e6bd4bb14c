/* results_panel — the panel of `simsa results` (p): agreement within the
 * round with its intervals, and the raters, flagged first with their
 * reasons, as `simsa score` prints them below its table (tui/results.c has
 * the table, the details and the screen's contract). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "results_int.h"
#include "simsa/text.h"

/* ---- the panel: agreement within the round and the raters ---- */

enum acol { AC_WHAT, AC_STAT, AC_LEVEL, AC_VALUE, AC_IV, AC_UNITS, AC_N };
enum rcol { RC_ROLE, RC_NAME, RC_SHARED, RC_DIS, RC_Z, RC_GOLD, RC_REP, RC_N };

/* Which columns stay when the line is narrow: the first ones here. */
static const int ac_priority[AC_N] = { AC_WHAT, AC_VALUE, AC_STAT, AC_IV, AC_LEVEL, AC_UNITS };
static const int rc_priority[RC_N] = { RC_NAME, RC_ROLE, RC_DIS, RC_Z, RC_GOLD, RC_REP, RC_SHARED };
static const unsigned ac_left = 1u << AC_WHAT | 1u << AC_STAT | 1u << AC_LEVEL;
static const unsigned rc_left = 1u << RC_ROLE | 1u << RC_NAME;

/* The panel's lines: wrapped text (heads, notes, reasons, the count) one
 * line of it each, or a row of one of its two tables. */
enum pl_kind { PL_BLANK, PL_WRAP, PL_AHEAD, PL_AGREE, PL_RHEAD, PL_RATER };
enum pl_text {
	PT_AGREE_HEAD,
	PT_NO_AGREE,
	PT_NOTE,
	PT_COUNT,
	PT_RATERS_HEAD,
	PT_NO_RATERS,
	PT_REASON
};

struct pline {
	enum pl_kind kind;
	enum pl_text text; /* PL_WRAP: which text */
	size_t i;          /* the statistic, or the rater's place in rord */
	int sub;           /* PL_WRAP: its line */
};

/* Where the panel is scrolled, and what fits (for keys and the dump). */
struct panel_state {
	size_t top;      /* first line shown */
	int lines, rows; /* lines in all, lines that fit */
};

_Static_assert((int)RC_N >= (int)AC_N, "the panel's cell buffers hold either row");

#define PL_INDENT 6 /* notes and reasons, below the row they belong to */

static const char *agree_what(const struct score_agree_stat *st)
{
	return strcmp(st->what, "preference") == 0 ? S(S_PANEL_PREFERENCE) : st->what;
}

static const char *agree_cell(const struct score_agree_stat *st, int k, char *buf, size_t cap)
{
	static const enum str_id level[] = { S_AG_NOMINAL, S_AG_ORDINAL, S_AG_INTERVAL,
					     S_AG_RATIO };

	switch (k) {
	case AC_WHAT: return agree_what(st);
	case AC_STAT:
		return S(st->method == AGREE_FLEISS  ? S_AG_FLEISS
			 : st->method == AGREE_COHEN ? S_AG_COHEN
						     : S_AG_ALPHA);
	case AC_LEVEL: return (unsigned)st->level < 4 ? S(level[st->level]) : "?";
	case AC_VALUE: return res_fmt(buf, cap, 3, st->value);
	case AC_IV: return res_fmt_iv(buf, cap, 3, st->low, st->high);
	case AC_UNITS: snprintf(buf, cap, "%ld", st->units); return buf;
	}
	return "";
}

static const char *agree_head(int k)
{
	static const enum str_id h[AC_N] = { S_PANEL_H_WHAT,  S_PANEL_H_STAT,   S_PANEL_H_LEVEL,
					     S_PANEL_H_VALUE, S_RES_H_INTERVAL, S_PANEL_H_UNITS };

	return S(h[k]);
}

static const char *rater_cell(const struct score_rater *x, int k, char *buf, size_t cap)
{
	switch (k) {
	case RC_ROLE: return S(x->expert ? S_ROLE_EXPERT : S_ROLE_USER);
	case RC_NAME: return x->name ? x->name : "";
	case RC_SHARED: snprintf(buf, cap, "%ld", x->shared); return buf;
	case RC_DIS: return res_fmt(buf, cap, 3, x->expert ? x->disagreement : x->match_rate);
	case RC_Z: return res_fmt(buf, cap, 2, x->panel_z);
	case RC_GOLD: snprintf(buf, cap, "%ld/%ld", x->gold_correct, x->gold_known); return buf;
	case RC_REP: snprintf(buf, cap, "%ld/%ld", x->repeats_reversed, x->repeats); return buf;
	}
	return "";
}

static const char *rater_head(int k)
{
	static const enum str_id h[RC_N] = { S_PANEL_H_ROLE,   S_PANEL_H_RATER, S_PANEL_H_SHARED,
					     S_PANEL_H_DIS,    S_PANEL_H_Z,     S_PANEL_H_GOLD,
					     S_PANEL_H_REPEATS };

	return S(h[k]);
}

/* Columns by priority for width avail from X0; grow is the name-like
 * column: NAME_MIN_W first, then up to NAME_MAX_W when there is room. */
static unsigned plan_cols(int n, const int *nat, const int *prio, int grow, int avail, int *wid,
			  int *xs)
{
	int used = 0, x = X0, g;
	unsigned shown = 0;

	for (int p = 0; p < n; p++) {
		int k = prio[p];
		int w = k == grow && nat[k] > NAME_MIN_W ? NAME_MIN_W : nat[k];
		int need = w + (used ? 1 : 0);

		if (used + need > avail)
			continue;
		shown |= 1u << k;
		wid[k] = w;
		used += need;
	}
	if (shown & (1u << grow)) {
		g = (nat[grow] > NAME_MAX_W ? NAME_MAX_W : nat[grow]) - wid[grow];
		g = g > avail - used ? avail - used : g;
		wid[grow] += g > 0 ? g : 0;
	}
	for (int k = 0; k < n; k++)
		if (shown & (1u << k)) {
			xs[k] = x;
			x += wid[k] + 1;
		}
	return shown;
}

static void agree_plan(const struct score_result *r, int avail, int *wid, int *xs, unsigned *shown)
{
	int nat[AC_N];
	char buf[64];

	for (int k = 0; k < AC_N; k++) {
		nat[k] = canvas_text_width(agree_head(k));
		for (size_t i = 0; i < r->n_agree; i++) {
			int cw = canvas_text_width(agree_cell(&r->agree[i], k, buf, sizeof buf));

			nat[k] = cw > nat[k] ? cw : nat[k];
		}
	}
	*shown = plan_cols(AC_N, nat, ac_priority, AC_WHAT, avail, wid, xs);
}

static void rater_plan(const struct score_result *r, int avail, int *wid, int *xs, unsigned *shown)
{
	int nat[RC_N];
	char buf[64];

	for (int k = 0; k < RC_N; k++) {
		nat[k] = canvas_text_width(rater_head(k));
		for (size_t i = 0; i < r->n_raters; i++) {
			int cw = canvas_text_width(rater_cell(&r->raters[i], k, buf, sizeof buf));

			nat[k] = cw > nat[k] ? cw : nat[k];
		}
	}
	*shown = plan_cols(RC_N, nat, rc_priority, RC_NAME, avail, wid, xs);
}

static void count_text(const struct score_result *r, char *buf, size_t cap)
{
	char a[24], b[24], cc[24];
	size_t flagged = 0;

	for (size_t i = 0; i < r->n_raters; i++)
		flagged += r->raters[i].flagged;
	snprintf(a, sizeof a, "%zu", flagged);
	snprintf(b, sizeof b, "%zu", r->n_raters);
	/* the count score and its JSON give (one source for every reader) */
	snprintf(cc, sizeof cc, "%ld", (long)r->counts.failed_gold_raters);
	i18n_fill(buf, cap, S_PANEL_COUNT, a, b, cc);
}

/* The text of a PL_WRAP line ("" when there is none). */
static const char *pl_text(const struct results *v, enum pl_text t, size_t i, char *buf, size_t cap)
{
	const struct score_result *r = v->r;
	const struct score_rater *x;

	switch (t) {
	case PT_AGREE_HEAD: return S(S_PANEL_AGREE_HEAD);
	case PT_NO_AGREE: return S(S_PANEL_NO_AGREE);
	case PT_NOTE: return r->agree[i].note;
	case PT_COUNT: count_text(r, buf, cap); return buf;
	case PT_RATERS_HEAD: return S(S_PANEL_RATERS_HEAD);
	case PT_NO_RATERS: return S(S_PANEL_NO_RATERS);
	case PT_REASON:
		x = &r->raters[v->rord[i]];
		snprintf(buf, cap, "%s%s%s", x->flagged ? x->reason : "",
			 x->flagged && x->reason[0] && x->gold_excluded ? "; " : "",
			 x->gold_excluded ? S(S_PANEL_GOLD_OUT) : "");
		return buf;
	}
	return "";
}

static unsigned pl_attr(enum pl_text t)
{
	return t == PT_AGREE_HEAD || t == PT_RATERS_HEAD ? AT_UNDERLINE : t == PT_NOTE ? AT_DIM : 0;
}

static int pl_x(enum pl_text t)
{
	return t == PT_NOTE || t == PT_REASON ? PL_INDENT : 1;
}

/* Adds the wrapped lines of a text at width w (out may be NULL: counts). */
static int pl_wrap(const struct results *v, struct pline *out, int n, int w, enum pl_text t,
		   size_t i)
{
	char buf[1024];
	const char *s = pl_text(v, t, i, buf, sizeof buf);
	int k = s[0] ? draw_wrapped_rows(s, w - pl_x(t) - 1) : 0;

	for (int j = 0; j < k; j++, n++)
		if (out)
			out[n] = (struct pline){ PL_WRAP, t, i, j };
	return n;
}

static int pl_add(struct pline *out, int n, enum pl_kind kind, size_t i)
{
	if (out)
		out[n] = (struct pline){ kind, PT_COUNT, i, 0 };
	return n + 1;
}

/* The panel's lines at width w into out (NULL: only counts them). */
static int panel_lines(const struct results *v, int w, struct pline *out)
{
	const struct score_result *r = v->r;
	int n = pl_wrap(v, out, 0, w, PT_AGREE_HEAD, 0);

	if (r->n_agree)
		n = pl_add(out, n, PL_AHEAD, 0);
	else
		n = pl_wrap(v, out, n, w, PT_NO_AGREE, 0);
	for (size_t i = 0; i < r->n_agree; i++) {
		n = pl_add(out, n, PL_AGREE, i);
		n = pl_wrap(v, out, n, w, PT_NOTE, i);
	}
	n = pl_add(out, n, PL_BLANK, 0);
	n = pl_wrap(v, out, n, w, PT_COUNT, 0);
	n = pl_add(out, n, PL_BLANK, 0);
	n = pl_wrap(v, out, n, w, PT_RATERS_HEAD, 0);
	if (r->n_raters)
		n = pl_add(out, n, PL_RHEAD, 0);
	else
		n = pl_wrap(v, out, n, w, PT_NO_RATERS, 0);
	for (size_t i = 0; i < r->n_raters; i++) {
		n = pl_add(out, n, PL_RATER, i);
		n = pl_wrap(v, out, n, w, PT_REASON, i);
	}
	return n;
}

/* Line k of s wrapped in w columns, drawn from (y, x); through text.h. */
static void draw_wrapped_line(struct console *c, int y, int x, int w, const char *s, int k,
			      unsigned attr)
{
	struct text_doc *d = text_doc_new(s, strlen(s), NULL);
	struct text_lines ls = TEXT_LINES_INIT;

	if (d && text_wrap(d, w > 0 ? w : 1, &ls, NULL) == 0 && (size_t)k < ls.n) {
		struct text_iter it;
		struct text_cell cell;

		text_iter_init(&it, d, &ls, (size_t)k);
		while (text_iter_next(&it, &cell))
			canvas_put(&c->cv, y, x + cell.col, cell.bytes, cell.len, cell.cols,
				   attr | (cell.flags & TEXT_G_PLACEHOLDER ? AT_DIM : 0));
	}
	text_lines_release(&ls);
	text_doc_free(&d);
}

/* One table row: the left-aligned columns (left) cut with "~". */
static void draw_row(struct console *c, int y, int n, unsigned shown, unsigned left, const int *wid,
		     const int *xs, const char *const *cells, unsigned attr)
{
	for (int k = 0; k < n; k++) {
		if (!(shown & (1u << k)))
			continue;
		if (left & (1u << k))
			res_draw_cut(c, y, xs[k], wid[k], cells[k], attr);
		else
			res_draw_right(c, y, xs[k], wid[k], cells[k], attr);
	}
}

static void panel_draw(struct console *c)
{
	struct results *v = results_of(c);
	struct panel_state *ps = console_vstate(c, V_PANEL);
	const struct score_result *r = v->r;
	int awid[AC_N] = { 0 }, axs[AC_N] = { 0 }, rwid[RC_N] = { 0 }, rxs[RC_N] = { 0 };
	unsigned ashown, rshown;
	struct pline *pl;
	char buf[1024], cb[RC_N][64]; /* RC_N >= AC_N: both tables use them */
	const char *cells[RC_N];
	int n, y = 2;

	res_title_rows(c, r, i18n_fill(buf, sizeof buf, S_PANEL_TITLE, r->title, NULL, NULL));
	agree_plan(r, c->w - X0, awid, axs, &ashown);
	rater_plan(r, c->w - X0, rwid, rxs, &rshown);
	n = panel_lines(v, c->w, NULL);
	pl = malloc((size_t)(n ? n : 1) * sizeof *pl);
	if (!pl) {
		draw_footer(c, CTX_PANEL, NULL);
		return;
	}
	panel_lines(v, c->w, pl);
	ps->lines = n;
	ps->rows = c->h - 1 - y;
	if (ps->top + (size_t)ps->rows > (size_t)n)
		ps->top = n > ps->rows ? (size_t)(n - ps->rows) : 0;
	for (int i = (int)ps->top; i < n && y < c->h - 1; i++, y++) {
		const struct pline *l = &pl[i];
		const struct score_rater *x;

		switch (l->kind) {
		case PL_BLANK: break;
		case PL_WRAP:
			draw_wrapped_line(c, y, pl_x(l->text), c->w - pl_x(l->text) - 1,
					  pl_text(v, l->text, l->i, buf, sizeof buf), l->sub,
					  pl_attr(l->text));
			break;
		case PL_AHEAD:
			for (int k = 0; k < AC_N; k++)
				cells[k] = agree_head(k);
			draw_row(c, y, AC_N, ashown, ac_left, awid, axs, cells, AT_BOLD);
			break;
		case PL_AGREE:
			for (int k = 0; k < AC_N; k++)
				cells[k] = agree_cell(&r->agree[l->i], k, cb[k], sizeof cb[k]);
			draw_row(c, y, AC_N, ashown, ac_left, awid, axs, cells, 0);
			break;
		case PL_RHEAD:
			for (int k = 0; k < RC_N; k++)
				cells[k] = rater_head(k);
			draw_row(c, y, RC_N, rshown, rc_left, rwid, rxs, cells, AT_BOLD);
			break;
		case PL_RATER:
			x = &r->raters[v->rord[l->i]];
			for (int k = 0; k < RC_N; k++)
				cells[k] = rater_cell(x, k, cb[k], sizeof cb[k]);
			if (x->flagged)
				canvas_text(&c->cv, y, 0, 1, "!", AT_BOLD);
			draw_row(c, y, RC_N, rshown, rc_left, rwid, rxs, cells,
				 x->flagged ? AT_BOLD : 0);
			break;
		}
	}
	free(pl);
	draw_footer(c, CTX_PANEL, NULL);
}

static void panel_enter(struct console *c)
{
	struct panel_state *ps = console_vstate(c, V_PANEL);

	ps->top = 0;
}

static unsigned panel_key(struct console *c, int key)
{
	struct panel_state *ps = console_vstate(c, V_PANEL);
	size_t page = ps->rows > 1 ? (size_t)ps->rows - 1 : 1;
	size_t max = ps->lines > ps->rows ? (size_t)(ps->lines - ps->rows) : 0;
	enum action a = keys_lookup(CTX_PANEL, key, NULL);

	switch (a) {
	case ACT_LINE_DOWN:
		if (ps->top < max)
			ps->top++;
		break;
	case ACT_LINE_UP:
		if (ps->top > 0)
			ps->top--;
		break;
	case ACT_PAGE_DOWN: ps->top = ps->top + page < max ? ps->top + page : max; break;
	case ACT_PAGE_UP: ps->top = ps->top > page ? ps->top - page : 0; break;
	case ACT_TOP: ps->top = 0; break;
	case ACT_BOTTOM: ps->top = max; break;
	case ACT_BACK: console_go(c, V_RESULTS); break;
	default: return res_common_key(c, a);
	}
	return OUT_DRAW;
}

/* Its scrolling, the statistics and the raters in its order. */
static void panel_dump_state(struct console *c, FILE *f)
{
	const struct results *v = results_of(c);
	const struct panel_state *ps = console_vstate(c, V_PANEL);
	const struct score_result *r = v->r;
	char names[1024], safe[1024];
	size_t n = 0, flagged = 0;

	fprintf(f, "panel.top=%zu\npanel.lines=%d\nagreement=%zu\n", ps->top, ps->lines,
		r->n_agree);
	names[0] = '\0';
	for (size_t i = 0; i < r->n_raters && n < sizeof names; i++) {
		const struct score_rater *x = &r->raters[v->rord[i]];

		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? "," : "",
				      x->name ? x->name : "");
		flagged += x->flagged;
	}
	text_sanitize_line(names, strlen(names), safe, sizeof safe);
	fprintf(f, "raters=%s\n", safe);
	fprintf(f, "raters_flagged=%zu\nrater_flags=", flagged);
	for (size_t i = 0; i < r->n_raters; i++)
		fprintf(f, "%s%c", i ? "," : "", r->raters[v->rord[i]].flagged ? '!' : '-');
	fprintf(f, "\n");
}

const struct view_ops panel_view = {
	.name = "panel",
	.id = V_PANEL,
	.state_size = sizeof(struct panel_state),
	.enter = panel_enter,
	.draw = panel_draw,
	.key = panel_key,
	.dump_state = panel_dump_state,
};
