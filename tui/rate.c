/* rate — the rating view's layout and drawing: header, prompt, the two answers (side
 * by side, stacked, or one at a time), the controls of the rater's role,
 * the message line and the footer generated from the key table. */
#include <stdio.h>
#include <string.h>

#include "rating.h"

/* The most rows the comment editor takes while one types. */
#define EDIT_ROWS 6

#define MIN_W 60
#define MIN_PANE_ROWS 3
#define SIDE_BY_SIDE_W 100

static const char *side_name[2] = { "A", "B" };

static const char *crit_name(const struct rubric_criterion *cr)
{
	return i18n_lang() == LANG_KO ? cr->name_ko : cr->name_en;
}

static const char *anchor(const struct rubric_criterion *cr, uint32_t v)
{
	int i = (int)v - cr->scale_min;

	if (v == BALLOT_SCORE_UNSET || v == BALLOT_SCORE_NA || i < 0 || i >= RUBRIC_MAX_LEVELS ||
	    v > (uint32_t)cr->scale_max)
		return NULL;
	return i18n_lang() == LANG_KO ? cr->levels[i].anchor_ko : cr->levels[i].anchor_en;
}

void rate_layout(struct console *c)
{
	struct rating *rt = rating_of(c);
	struct layout *l = &rt->lay;
	int ctrl, avail, ph, body;
	size_t plines;

	ctrl = rate_rows(rt) + 2; /* heading row, rows, description row */
	memset(l, 0, sizeof *l);
	c->too_small = false;
	c->min_w = MIN_W;
	c->min_h = 1 + 2 + 1 + MIN_PANE_ROWS + ctrl + 2;
	l->ctrl_h = ctrl;
	l->foot_y = c->h - 1;
	l->msg_y = c->h - 2;
	l->ctrl_y = l->msg_y - ctrl;
	avail = l->ctrl_y - 1 - 1 - 1; /* header, prompt title, pane title */
	if (c->w < MIN_W || c->h < c->min_h || avail < 2 + MIN_PANE_ROWS) {
		c->too_small = true;
		return;
	}
	if (pane_layout(&rt->prompt, c->w, NULL) < 0)
		rt->prompt.lines.n = 0;
	plines = pane_line_count(&rt->prompt);
	ph = avail / 4;
	if (ph < 2)
		ph = 2;
	if (plines && (size_t)ph > plines)
		ph = (int)(plines > 2 ? plines : 2);
	if (avail - ph < MIN_PANE_ROWS)
		ph = avail - MIN_PANE_ROWS;
	l->prompt_y = 2;
	l->prompt_h = ph;
	body = avail - ph;
	if (c->w >= SIDE_BY_SIDE_W) {
		int wa = (c->w - 1) / 2;

		l->mode = LAY_SIDE;
		for (int s = 0; s < 2; s++) {
			l->pane_y[s] = l->prompt_y + ph + 1;
			l->pane_h[s] = body;
		}
		l->pane_x[0] = 0;
		l->pane_w[0] = wa;
		l->pane_x[1] = wa + 1;
		l->pane_w[1] = c->w - wa - 1;
	} else if (body >= 2 * 6 + 1) {
		l->mode = LAY_STACK;
		l->pane_y[0] = l->prompt_y + ph + 1;
		l->pane_h[0] = (body - 1) / 2;
		l->pane_y[1] = l->pane_y[0] + l->pane_h[0] + 1;
		l->pane_h[1] = body - 1 - l->pane_h[0];
		l->pane_w[0] = l->pane_w[1] = c->w;
	} else {
		l->mode = LAY_SINGLE;
		for (int s = 0; s < 2; s++) {
			l->pane_y[s] = l->prompt_y + ph + 1;
			l->pane_h[s] = body;
			l->pane_w[s] = c->w;
		}
	}
}

static void draw_header(struct console *c)
{
	struct rating *rt = rating_of(c);
	char buf[512], n1[32], n2[24], n3[24], bar[24];
	size_t done = session_done_count(rt->s);
	int x = 0, filled;
	uint32_t t = console_active_seconds(c);

	canvas_hline(&c->cv, 0, 0, c->w, " ", AT_BAR);
	x += canvas_text(&c->cv, 0, 1, c->w / 3, session_title(rt->s), AT_BAR | AT_BOLD) + 3;
	snprintf(buf, sizeof buf, "%s %s", S(rt->role == ROLE_EXPERT ? S_ROLE_EXPERT : S_ROLE_USER),
		 session_rater(rt->s));
	x += canvas_text(&c->cv, 0, x, c->w - x, buf, AT_BAR) + 2;
	snprintf(n1, sizeof n1, "%zu", rt->task + 1);
	snprintf(n2, sizeof n2, "%zu", rt->practice ? rt->n_practice : rt->n_tasks);
	if (rt->practice) { /* marked as what it is, in place of the task count */
		canvas_text(&c->cv, 0, x, c->w - x,
			    i18n_fill(buf, sizeof buf, S_PRACTICE_N, n1, n2, NULL),
			    AT_REVERSE | AT_BOLD);
		return;
	}
	x += canvas_text(&c->cv, 0, x, c->w - x, i18n_fill(buf, sizeof buf, S_TASK_N, n1, n2, NULL),
			 AT_BAR) +
	     2;
	filled = rt->n_tasks ? (int)(done * 10 / rt->n_tasks) : 0;
	bar[0] = '[';
	for (int i = 0; i < 10; i++)
		bar[1 + i] = i < filled ? '#' : '.';
	bar[11] = ']';
	bar[12] = '\0';
	snprintf(n3, sizeof n3, "%zu", done);
	snprintf(buf, sizeof buf, "%s %s", bar, i18n_fill(n1, sizeof n1, S_DONE_N, n3, NULL, NULL));
	x += canvas_text(&c->cv, 0, x, c->w - x, buf, AT_BAR) + 2;
	snprintf(buf, sizeof buf, "%u:%02u", (unsigned)(t / 60), (unsigned)(t % 60));
	if (x + (int)strlen(buf) < c->w)
		canvas_text(&c->cv, 0, c->w - 1 - (int)strlen(buf), 8, buf, AT_BAR);
}

static void draw_pane_title(struct console *c, int s, int y, int x, int w)
{
	struct rating *rt = rating_of(c);
	const struct pane *p = &rt->out[s];
	char buf[256], a[24], b[24], n[24];
	int cx = x;
	size_t total = pane_line_count(p);
	unsigned focus = s == rt->side ? AT_REVERSE | AT_BOLD : AT_BOLD;

	canvas_hline(&c->cv, y, x, w, "-", AT_DIM);
	snprintf(buf, sizeof buf, "%s%s%s", s == rt->side ? ">" : " ", side_name[s],
		 s == rt->side ? "<" : " ");
	cx += canvas_text(&c->cv, y, cx, w, buf, focus) + 1;
	if (rt->lay.mode == LAY_SINGLE) {
		cx += canvas_text(&c->cv, y, cx, x + w - cx,
				  i18n_fill(buf, sizeof buf, S_SHOWN, side_name[s], 0, 0),
				  AT_BOLD) +
		      2;
		cx += canvas_text(&c->cv, y, cx, x + w - cx,
				  i18n_fill(buf, sizeof buf, S_OTHER_KEY, side_name[!s], 0, 0), 0) +
		      2;
	}
	if (total) {
		size_t last = p->top + (size_t)rt->lay.pane_h[s];

		snprintf(a, sizeof a, "%zu", p->top + 1);
		snprintf(b, sizeof b, "%zu", last < total ? last : total);
		snprintf(n, sizeof n, "%zu", total);
		cx += canvas_text(&c->cv, y, cx, x + w - cx,
				  i18n_fill(buf, sizeof buf, S_LINES, a, b, n), 0) +
		      2;
	} else {
		cx += canvas_text(&c->cv, y, cx, x + w - cx, S(S_EMPTY_OUTPUT), 0) + 2;
	}
	if (rt->lock)
		canvas_text(&c->cv, y, cx, x + w - cx, S(S_LOCKED), 0);
}

static void draw_texts(struct console *c)
{
	struct rating *rt = rating_of(c);
	const struct layout *l = &rt->lay;
	char buf[256];
	int x;

	canvas_hline(&c->cv, 1, 0, c->w, "-", AT_DIM);
	x = canvas_text(&c->cv, 1, 1, c->w, S(S_PROMPT), AT_BOLD) + 2;
	if (rt->tv.category && rt->tv.category[0]) { /* practice has none */
		snprintf(buf, sizeof buf, "[%s]", rt->tv.category);
		x += canvas_text(&c->cv, 1, x, c->w - x, buf, 0) + 1;
	}
	snprintf(buf, sizeof buf, "p/P");
	canvas_text(&c->cv, 1, x + 1, c->w - x - 1, buf, AT_DIM);
	if (pane_layout(&rt->prompt, c->w, NULL) == 0)
		pane_draw(&rt->prompt, &c->cv, l->prompt_y, 0, l->prompt_h, c->w);
	for (int s = 0; s < 2; s++) {
		if (l->mode == LAY_SINGLE && s != rt->side)
			continue;
		if (pane_layout(&rt->out[s], l->pane_w[s], NULL) < 0)
			continue;
		draw_pane_title(c, s, l->pane_y[s] - 1, l->pane_x[s], l->pane_w[s]);
		pane_draw(&rt->out[s], &c->cv, l->pane_y[s], l->pane_x[s], l->pane_h[s],
			  l->pane_w[s]);
	}
	if (l->mode == LAY_SIDE)
		for (int y = l->pane_y[0] - 1; y < l->pane_y[0] + l->pane_h[0]; y++)
			canvas_put(&c->cv, y, l->pane_w[0], "|", 1, 1, AT_DIM);
}

/* The columns of the controls: a label, then A and B. */
static void ctrl_cols(const struct console *c, int *lw, int *xa, int *sw)
{
	*sw = (c->w - 2) / 3;
	if (*sw > 40)
		*sw = 40;
	*lw = c->w - 2 - 2 * *sw - 1;
	*xa = 2 + *lw + 1;
}

static void draw_cell(struct console *c, int y, int x, int w, const char *s, bool focus)
{
	canvas_text(&c->cv, y, x, w - 1, s, focus ? AT_REVERSE | AT_BOLD : 0);
}

static void draw_expert_row(struct console *c, int r, int y, int lw, int xa, int sw)
{
	struct rating *rt = rating_of(c);
	const struct rubric *rub = rt->rub;
	enum row_kind k = rate_row_kind(rt, r);
	char buf[512], num[12];

	if (k == ROW_CRITERION) {
		const struct rubric_criterion *cr = &rub->criteria[r];

		snprintf(buf, sizeof buf, "%s%s", crit_name(cr), cr->required ? " *" : "");
		canvas_text(&c->cv, y, 2, lw, buf, 0);
		for (int s = 0; s < 2; s++) {
			uint32_t v = rt->ans.scores[s][r];
			const char *an = anchor(cr, v);

			snprintf(buf, sizeof buf, "[%s] %s", score_text(v, num), an ? an : "");
			draw_cell(c, y, xa + s * sw, sw, buf, r == rt->row && s == rt->side);
		}
	} else if (k == ROW_FLAGS) {
		canvas_text(&c->cv, y, 2, lw, S(S_FLAGS), 0);
		for (int s = 0; s < 2; s++) {
			uint32_t f = rt->ans.flags[s];

			snprintf(buf, sizeof buf, "1[%c] 2[%c] 3[%c]", f & 1 ? 'x' : ' ',
				 f & 2 ? 'x' : ' ', f & 4 ? 'x' : ' ');
			draw_cell(c, y, xa + s * sw, sw, buf, r == rt->row && s == rt->side);
		}
	} else {
		canvas_text(&c->cv, y, 2, lw, S(S_COMMENT), 0);
		for (int s = 0; s < 2; s++) {
			const char *t = rt->ans.comment[s];

			draw_cell(c, y, xa + s * sw, sw, *t ? t : "-",
				  r == rt->row && s == rt->side);
		}
	}
}

static void draw_user_row(struct console *c, int r, int y)
{
	struct rating *rt = rating_of(c);
	static const char *const sym[PREF_COUNT] = { "A>>B", "A>B", "A=B", "B>A", "B>>A", NULL };
	enum row_kind k = rate_row_kind(rt, r);
	bool focus = r == rt->row;
	char buf[512], num[12];
	int x = 2;

	if (k == ROW_PREF) {
		bool full = c->w >= 130;

		for (int p = 0; p < PREF_COUNT; p++) {
			const char *label =
				full     ? (i18n_lang() == LANG_KO ? rt->rub->pref_label_ko[p]
								   : rt->rub->pref_label_en[p])
				: sym[p] ? sym[p]
					 : S(S_BOTH_BAD);
			bool sel = rt->ans.preference == p;

			snprintf(buf, sizeof buf, "%c%d %s%c", sel ? '[' : ' ', p + 1, label,
				 sel ? ']' : ' ');
			x += canvas_text(&c->cv, y, x, c->w - x, buf,
					 sel ? AT_REVERSE | AT_BOLD : 0) +
			     1;
		}
		(void)focus;
	} else if (k == ROW_SATISFACTION) {
		const struct rubric_criterion *cr = &rt->rub->satisfaction;
		const char *an = anchor(cr, rt->ans.satisfaction);

		snprintf(buf, sizeof buf, "%s (%s) %s: [%s] %s", crit_name(cr),
			 rating_satisfaction_about(rt), S(S_OPTIONAL),
			 score_text(rt->ans.satisfaction, num), an ? an : "");
		canvas_text(&c->cv, y, x, c->w - x, buf, focus ? AT_REVERSE : 0);
	} else if (!rt->editing) {
		snprintf(buf, sizeof buf, "%s %s: ", S(S_REASON), S(S_OPTIONAL));
		x += canvas_text(&c->cv, y, x, c->w - x, buf, focus ? AT_REVERSE : 0);
		canvas_text(&c->cv, y, x, c->w - x, *rt->ans.reason ? rt->ans.reason : "-",
			    focus ? AT_REVERSE : 0);
	}
}

/* The last row of the controls: what the focused row means. */
static void draw_description(struct console *c, int y)
{
	struct rating *rt = rating_of(c);
	enum row_kind k = rate_row_kind(rt, rt->row);
	char buf[1024], num[12];

	if (rt->editing) {
		canvas_text(&c->cv, y, 2, c->w - 2, S(S_H_ED_DONE), AT_DIM);
		return;
	}
	if (k == ROW_CRITERION || k == ROW_SATISFACTION) {
		const struct rubric_criterion *cr =
			k == ROW_CRITERION ? &rt->rub->criteria[rt->row] : &rt->rub->satisfaction;
		uint32_t v = k == ROW_CRITERION ? rt->ans.scores[rt->side][rt->row]
						: rt->ans.satisfaction;
		const char *an = anchor(cr, v);

		if (an)
			snprintf(buf, sizeof buf, "%s %d-%d: %s = %s", crit_name(cr), cr->scale_min,
				 cr->scale_max, score_text(v, num), an);
		else
			snprintf(buf, sizeof buf, "%s %d-%d.  %s", crit_name(cr), cr->scale_min,
				 cr->scale_max, S(S_ANCHOR_HINT));
	} else if (k == ROW_FLAGS) {
		snprintf(buf, sizeof buf, "1 %s   2 %s   3 %s", S(S_FLAG_IDENTITY),
			 S(S_FLAG_BROKEN), S(S_FLAG_HARMFUL));
	} else if (k == ROW_PREF) {
		int p = rt->ans.preference;

		snprintf(buf, sizeof buf, "%s",
			 p < 0                    ? S(S_NOT_SET)
			 : i18n_lang() == LANG_KO ? rt->rub->pref_label_ko[p]
						  : rt->rub->pref_label_en[p]);
	} else {
		snprintf(buf, sizeof buf, "c / Enter: %s", S(S_H_EDIT));
	}
	canvas_text(&c->cv, y, 2, c->w - 2, buf, AT_DIM);
}

static void draw_controls(struct console *c)
{
	struct rating *rt = rating_of(c);
	const struct layout *l = &rt->lay;
	int rows = rate_rows(rt), lw, xa, sw, y = l->ctrl_y;

	canvas_hline(&c->cv, y, 0, c->w, "-", AT_DIM);
	ctrl_cols(c, &lw, &xa, &sw);
	if (rt->role == ROLE_EXPERT) {
		canvas_text(&c->cv, y, 2, lw, S(S_CRITERIA), AT_BOLD);
		canvas_text(&c->cv, y, xa, 3, rt->side == 0 ? "[A]" : " A ", AT_BOLD);
		canvas_text(&c->cv, y, xa + sw, 3, rt->side == 1 ? "[B]" : " B ", AT_BOLD);
	} else {
		canvas_text(&c->cv, y, 2, c->w - 2, S(S_PREFERENCE), AT_BOLD);
	}
	for (int r = 0; r < rows; r++) {
		int ry = y + 1 + r;

		if (r == rt->row)
			canvas_text(&c->cv, ry, 0, 1, ">", AT_BOLD);
		if (rt->role == ROLE_EXPERT)
			draw_expert_row(c, r, ry, lw, xa, sw);
		else
			draw_user_row(c, r, ry);
	}
	if (rt->editing) {
		/* the editor grows upward from its row over the rows above it
		 * (their title row included), up to EDIT_ROWS lines */
		int ry = y + 1 + rt->row, x, cy, cx, up = rt->row + 2, used;
		char label[128];

		snprintf(label, sizeof label,
			 "%s%s%s: ", rt->role == ROLE_EXPERT ? S(S_COMMENT) : S(S_REASON),
			 rt->role == ROLE_EXPERT ? " " : "",
			 rt->role == ROLE_EXPERT ? side_name[rt->side] : "");
		x = 2 + canvas_text_width(label);
		if (x > c->w / 2)
			x = c->w / 2;
		used = lineedit_draw_rows(&rt->ed, &c->cv, ry, x, c->w - x - 1,
					  up < EDIT_ROWS ? up : EDIT_ROWS, AT_UNDERLINE, &cy, &cx);
		for (int r = ry - (used > 0 ? used : 1) + 1; r <= ry; r++)
			canvas_hline(&c->cv, r, 1, x - 1, " ", 0);
		canvas_text(&c->cv, ry - (used > 0 ? used : 1) + 1, 2, x - 2, label, AT_BOLD);
		canvas_attr(&c->cv, cy, cx, 1, AT_REVERSE);
		c->cur_y = cy;
		c->cur_x = cx;
	}
	draw_description(c, y + 1 + rows);
}

void rate_draw(struct console *c)
{
	struct rating *rt = rating_of(c);
	char buf[256];

	draw_header(c);
	draw_texts(c);
	draw_controls(c);
	if (c->msg[0])
		canvas_text(&c->cv, rt->lay.msg_y, 1, c->w - 1, c->msg, AT_BOLD);
	else if (rt->tv.done)
		canvas_text(&c->cv, rt->lay.msg_y, 1, c->w - 1,
			    i18n_fill(buf, sizeof buf, S_SUBMITTED_BANNER, rt->tv.receipt, 0, 0),
			    0);
	draw_footer(c, rt->editing ? CTX_EDIT : CTX_RATE, rate_value_keys(rt));
}
