/* rate — drawing the rating screen: header, prompt, the two answers (side
 * by side, stacked, or one at a time), the controls of the rater's role,
 * the message line and the footer generated from the key table. */
#include <stdio.h>
#include <string.h>

#include "console_int.h"

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

int rate_rows(const struct console *c)
{
	if (c->role == ROLE_EXPERT)
		return (int)c->rub->n_criteria + 2;
	return c->rub->has_satisfaction ? 3 : 2;
}

enum row_kind rate_row_kind(const struct console *c, int row)
{
	if (c->role == ROLE_EXPERT) {
		int n = (int)c->rub->n_criteria;

		return row < n ? ROW_CRITERION : row == n ? ROW_FLAGS : ROW_COMMENT;
	}
	if (row == 0)
		return ROW_PREF;
	return row == 1 && c->rub->has_satisfaction ? ROW_SATISFACTION : ROW_REASON;
}

const char *score_text(uint32_t v, char buf[12])
{
	if (v == BALLOT_SCORE_UNSET)
		return " ";
	if (v == BALLOT_SCORE_NA)
		return S(S_NA);
	snprintf(buf, 12, "%u", (unsigned)v);
	return buf;
}

void console_layout(struct console *c)
{
	struct layout *l = &c->lay;
	int ctrl, avail, ph, body;
	size_t plines;

	if (c->res) {
		results_layout(c);
		return;
	}
	ctrl = rate_rows(c) + 2; /* heading row, rows, description row */
	memset(l, 0, sizeof *l);
	l->min_w = MIN_W;
	l->min_h = 1 + 2 + 1 + MIN_PANE_ROWS + ctrl + 2;
	l->ctrl_h = ctrl;
	l->foot_y = c->h - 1;
	l->msg_y = c->h - 2;
	l->ctrl_y = l->msg_y - ctrl;
	avail = l->ctrl_y - 1 - 1 - 1; /* header, prompt title, pane title */
	if (c->w < MIN_W || c->h < l->min_h || avail < 2 + MIN_PANE_ROWS) {
		l->too_small = true;
		return;
	}
	if (pane_layout(&c->prompt, c->w, NULL) < 0)
		c->prompt.lines.n = 0;
	plines = pane_line_count(&c->prompt);
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

void draw_header(struct console *c)
{
	char buf[512], n1[32], n2[24], n3[24], bar[24];
	size_t done = session_done_count(c->s);
	int x = 0, filled;
	uint32_t t = console_active_seconds(c);

	canvas_hline(&c->cv, 0, 0, c->w, " ", AT_BAR);
	x += canvas_text(&c->cv, 0, 1, c->w / 3, session_title(c->s), AT_BAR | AT_BOLD) + 3;
	snprintf(buf, sizeof buf, "%s %s", S(c->role == ROLE_EXPERT ? S_ROLE_EXPERT : S_ROLE_USER),
		 session_rater(c->s));
	x += canvas_text(&c->cv, 0, x, c->w - x, buf, AT_BAR) + 2;
	snprintf(n1, sizeof n1, "%zu", c->task + 1);
	snprintf(n2, sizeof n2, "%zu", c->n_tasks);
	x += canvas_text(&c->cv, 0, x, c->w - x, i18n_fill(buf, sizeof buf, S_TASK_N, n1, n2, NULL),
			 AT_BAR) +
	     2;
	filled = c->n_tasks ? (int)(done * 10 / c->n_tasks) : 0;
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

void draw_footer(struct console *c, unsigned ctx)
{
	int x = 1;
	char kb[16], item[128];

	canvas_hline(&c->cv, c->h - 1, 0, c->w, " ", AT_BAR);
	if (ctx == CTX_EDIT) {
		canvas_text(&c->cv, c->h - 1, 1, c->w - 2, S(S_EDITING), AT_BAR);
		return;
	}
	for (const struct action_def *a = key_actions; a->act != ACT_NONE; a++) {
		const char *k;

		if (a->footer == S_COUNT || !((a->ctx & ctx) || (a->ctx & CTX_GLOBAL)))
			continue;
		if (a->act == ACT_VALUE)
			k = c->role == ROLE_EXPERT ? "1-5" : "1-6";
		else if (a->act == ACT_DOWN || a->act == ACT_LINE_DOWN)
			k = "j/k";
		else
			k = keys_name(a->keys[0], kb);
		snprintf(item, sizeof item, "%s %s", k, S(a->footer));
		if (x + canvas_text_width(item) >= c->w)
			break;
		x += canvas_text(&c->cv, c->h - 1, x, c->w - x, item, AT_BAR) + 2;
	}
}

static void draw_pane_title(struct console *c, int s, int y, int x, int w)
{
	const struct pane *p = &c->out[s];
	char buf[256], a[24], b[24], n[24];
	int cx = x;
	size_t total = pane_line_count(p);
	unsigned focus = s == c->side ? AT_REVERSE | AT_BOLD : AT_BOLD;

	canvas_hline(&c->cv, y, x, w, "-", AT_DIM);
	snprintf(buf, sizeof buf, "%s%s%s", s == c->side ? ">" : " ", side_name[s],
		 s == c->side ? "<" : " ");
	cx += canvas_text(&c->cv, y, cx, w, buf, focus) + 1;
	if (c->lay.mode == LAY_SINGLE) {
		cx += canvas_text(&c->cv, y, cx, x + w - cx,
				  i18n_fill(buf, sizeof buf, S_SHOWN, side_name[s], 0, 0),
				  AT_BOLD) +
		      2;
		cx += canvas_text(&c->cv, y, cx, x + w - cx,
				  i18n_fill(buf, sizeof buf, S_OTHER_KEY, side_name[!s], 0, 0), 0) +
		      2;
	}
	if (total) {
		size_t last = p->top + (size_t)c->lay.pane_h[s];

		snprintf(a, sizeof a, "%zu", p->top + 1);
		snprintf(b, sizeof b, "%zu", last < total ? last : total);
		snprintf(n, sizeof n, "%zu", total);
		cx += canvas_text(&c->cv, y, cx, x + w - cx,
				  i18n_fill(buf, sizeof buf, S_LINES, a, b, n), 0) +
		      2;
	} else {
		cx += canvas_text(&c->cv, y, cx, x + w - cx, S(S_EMPTY_OUTPUT), 0) + 2;
	}
	if (c->lock)
		canvas_text(&c->cv, y, cx, x + w - cx, S(S_LOCKED), 0);
}

static void draw_texts(struct console *c)
{
	const struct layout *l = &c->lay;
	char buf[256];
	int x;

	canvas_hline(&c->cv, 1, 0, c->w, "-", AT_DIM);
	x = canvas_text(&c->cv, 1, 1, c->w, S(S_PROMPT), AT_BOLD) + 2;
	if (c->tv.category) {
		snprintf(buf, sizeof buf, "[%s]", c->tv.category);
		x += canvas_text(&c->cv, 1, x, c->w - x, buf, 0) + 1;
	}
	snprintf(buf, sizeof buf, "p/P");
	canvas_text(&c->cv, 1, x + 1, c->w - x - 1, buf, AT_DIM);
	if (pane_layout(&c->prompt, c->w, NULL) == 0)
		pane_draw(&c->prompt, &c->cv, l->prompt_y, 0, l->prompt_h, c->w);
	for (int s = 0; s < 2; s++) {
		if (l->mode == LAY_SINGLE && s != c->side)
			continue;
		if (pane_layout(&c->out[s], l->pane_w[s], NULL) < 0)
			continue;
		draw_pane_title(c, s, l->pane_y[s] - 1, l->pane_x[s], l->pane_w[s]);
		pane_draw(&c->out[s], &c->cv, l->pane_y[s], l->pane_x[s], l->pane_h[s],
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
	const struct rubric *rub = c->rub;
	enum row_kind k = rate_row_kind(c, r);
	char buf[512], num[12];

	if (k == ROW_CRITERION) {
		const struct rubric_criterion *cr = &rub->criteria[r];

		snprintf(buf, sizeof buf, "%s%s", crit_name(cr), cr->required ? " *" : "");
		canvas_text(&c->cv, y, 2, lw, buf, 0);
		for (int s = 0; s < 2; s++) {
			uint32_t v = c->ans.scores[s][r];
			const char *an = anchor(cr, v);

			snprintf(buf, sizeof buf, "[%s] %s", score_text(v, num), an ? an : "");
			draw_cell(c, y, xa + s * sw, sw, buf, r == c->row && s == c->side);
		}
	} else if (k == ROW_FLAGS) {
		canvas_text(&c->cv, y, 2, lw, S(S_FLAGS), 0);
		for (int s = 0; s < 2; s++) {
			uint32_t f = c->ans.flags[s];

			snprintf(buf, sizeof buf, "1[%c] 2[%c] 3[%c]", f & 1 ? 'x' : ' ',
				 f & 2 ? 'x' : ' ', f & 4 ? 'x' : ' ');
			draw_cell(c, y, xa + s * sw, sw, buf, r == c->row && s == c->side);
		}
	} else {
		canvas_text(&c->cv, y, 2, lw, S(S_COMMENT), 0);
		for (int s = 0; s < 2; s++) {
			const char *t = c->ans.comment[s];

			draw_cell(c, y, xa + s * sw, sw, *t ? t : "-", r == c->row && s == c->side);
		}
	}
}

static void draw_user_row(struct console *c, int r, int y)
{
	static const char *const sym[PREF_COUNT] = { "A>>B", "A>B", "A=B", "B>A", "B>>A", NULL };
	enum row_kind k = rate_row_kind(c, r);
	bool focus = r == c->row;
	char buf[512], num[12];
	int x = 2;

	if (k == ROW_PREF) {
		bool full = c->w >= 130;

		for (int p = 0; p < PREF_COUNT; p++) {
			const char *label =
				full     ? (i18n_lang() == LANG_KO ? c->rub->pref_label_ko[p]
								   : c->rub->pref_label_en[p])
				: sym[p] ? sym[p]
					 : S(S_BOTH_BAD);
			bool sel = c->ans.preference == p;

			snprintf(buf, sizeof buf, "%c%d %s%c", sel ? '[' : ' ', p + 1, label,
				 sel ? ']' : ' ');
			x += canvas_text(&c->cv, y, x, c->w - x, buf,
					 sel ? AT_REVERSE | AT_BOLD : 0) +
			     1;
		}
		(void)focus;
	} else if (k == ROW_SATISFACTION) {
		const struct rubric_criterion *cr = &c->rub->satisfaction;
		const char *an = anchor(cr, c->ans.satisfaction);

		snprintf(buf, sizeof buf, "%s %s: [%s] %s", crit_name(cr), S(S_OPTIONAL),
			 score_text(c->ans.satisfaction, num), an ? an : "");
		canvas_text(&c->cv, y, x, c->w - x, buf, focus ? AT_REVERSE : 0);
	} else if (!c->editing) {
		snprintf(buf, sizeof buf, "%s %s: ", S(S_REASON), S(S_OPTIONAL));
		x += canvas_text(&c->cv, y, x, c->w - x, buf, focus ? AT_REVERSE : 0);
		canvas_text(&c->cv, y, x, c->w - x, *c->ans.reason ? c->ans.reason : "-",
			    focus ? AT_REVERSE : 0);
	}
}

/* The last row of the controls: what the focused row means. */
static void draw_description(struct console *c, int y)
{
	enum row_kind k = rate_row_kind(c, c->row);
	char buf[1024], num[12];

	if (c->editing) {
		canvas_text(&c->cv, y, 2, c->w - 2, S(S_H_ED_DONE), AT_DIM);
		return;
	}
	if (k == ROW_CRITERION || k == ROW_SATISFACTION) {
		const struct rubric_criterion *cr =
			k == ROW_CRITERION ? &c->rub->criteria[c->row] : &c->rub->satisfaction;
		uint32_t v =
			k == ROW_CRITERION ? c->ans.scores[c->side][c->row] : c->ans.satisfaction;
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
		int p = c->ans.preference;

		snprintf(buf, sizeof buf, "%s",
			 p < 0                    ? S(S_NOT_SET)
			 : i18n_lang() == LANG_KO ? c->rub->pref_label_ko[p]
						  : c->rub->pref_label_en[p]);
	} else {
		snprintf(buf, sizeof buf, "c / Enter: %s", S(S_H_EDIT));
	}
	canvas_text(&c->cv, y, 2, c->w - 2, buf, AT_DIM);
}

static void draw_controls(struct console *c)
{
	const struct layout *l = &c->lay;
	int rows = rate_rows(c), lw, xa, sw, y = l->ctrl_y;

	canvas_hline(&c->cv, y, 0, c->w, "-", AT_DIM);
	ctrl_cols(c, &lw, &xa, &sw);
	if (c->role == ROLE_EXPERT) {
		canvas_text(&c->cv, y, 2, lw, S(S_CRITERIA), AT_BOLD);
		canvas_text(&c->cv, y, xa, 3, c->side == 0 ? "[A]" : " A ", AT_BOLD);
		canvas_text(&c->cv, y, xa + sw, 3, c->side == 1 ? "[B]" : " B ", AT_BOLD);
	} else {
		canvas_text(&c->cv, y, 2, c->w - 2, S(S_PREFERENCE), AT_BOLD);
	}
	for (int r = 0; r < rows; r++) {
		int ry = y + 1 + r;

		if (r == c->row)
			canvas_text(&c->cv, ry, 0, 1, ">", AT_BOLD);
		if (c->role == ROLE_EXPERT)
			draw_expert_row(c, r, ry, lw, xa, sw);
		else
			draw_user_row(c, r, ry);
	}
	if (c->editing) {
		int ry = y + 1 + c->row, x;
		char label[128];

		snprintf(label, sizeof label,
			 "%s%s%s: ", c->role == ROLE_EXPERT ? S(S_COMMENT) : S(S_REASON),
			 c->role == ROLE_EXPERT ? " " : "",
			 c->role == ROLE_EXPERT ? side_name[c->side] : "");
		canvas_hline(&c->cv, ry, 1, c->w - 1, " ", 0);
		x = 2 + canvas_text(&c->cv, ry, 2, c->w - 2, label, AT_BOLD);
		x = lineedit_draw(&c->ed, &c->cv, ry, x, c->w - x - 1, AT_UNDERLINE);
		canvas_attr(&c->cv, ry, x, 1, AT_REVERSE);
		c->cur_y = ry;
		c->cur_x = x;
	}
	draw_description(c, y + 1 + rows);
}

void rate_draw(struct console *c)
{
	char buf[256];

	draw_header(c);
	draw_texts(c);
	draw_controls(c);
	if (c->msg[0])
		canvas_text(&c->cv, c->lay.msg_y, 1, c->w - 1, c->msg, AT_BOLD);
	else if (c->tv.done)
		canvas_text(&c->cv, c->lay.msg_y, 1, c->w - 1,
			    i18n_fill(buf, sizeof buf, S_SUBMITTED_BANNER, c->tv.receipt, 0, 0), 0);
	draw_footer(c, c->editing ? CTX_EDIT : CTX_RATE);
}
