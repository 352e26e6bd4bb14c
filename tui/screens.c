/* screens — the screens around the rating screen: help (generated from the
 * key table), the task list, the confirmation of what will be signed, the
 * receipt, "leave?", the level descriptions of a criterion, and "please
 * enlarge". Each has a draw function and a key function (console_int.h). */
#include <stdio.h>
#include <string.h>

#include "console_int.h"

static void title_bar(struct console *c, const char *title)
{
	canvas_hline(&c->cv, 0, 0, c->w, " ", AT_BAR);
	canvas_text(&c->cv, 0, 1, c->w - 2, title, AT_BAR | AT_BOLD);
}

static void bottom_bar(struct console *c, const char *keys)
{
	canvas_hline(&c->cv, c->h - 1, 0, c->w, " ", AT_BAR);
	canvas_text(&c->cv, c->h - 1, 1, c->w - 2, keys, AT_BAR);
}

/* Untrusted or not, the text goes through text.h (console_int.h). */
int draw_wrapped(struct console *c, int y, int x, int w, int ymax, const char *s, unsigned attr)
{
	struct text_doc *d = text_doc_new(s, strlen(s), NULL);
	struct text_lines ls = TEXT_LINES_INIT;

	if (d && text_wrap(d, w > 0 ? w : 1, &ls, NULL) == 0) {
		for (size_t i = 0; i < ls.n && y < ymax; i++, y++) {
			struct text_iter it;
			struct text_cell cell;

			text_iter_init(&it, d, &ls, i);
			while (text_iter_next(&it, &cell))
				canvas_put(&c->cv, y, x + cell.col, cell.bytes, cell.len, cell.cols,
					   attr | (cell.flags & TEXT_G_PLACEHOLDER ? AT_DIM : 0));
		}
	}
	text_lines_release(&ls);
	text_doc_free(&d);
	return y;
}

/* ---- help ---- */

struct help_section {
	unsigned ctx;
	enum str_id title;
};

/* clang-format off */
static const struct help_section rate_help[] = {
	{ CTX_RATE, S_CTX_RATE }, { CTX_EDIT, S_CTX_EDIT },
	{ CTX_REVIEW, S_CTX_REVIEW }, { CTX_GLOBAL, S_CTX_GLOBAL }, { 0, S_COUNT },
};
/* clang-format on */

/* simsa results lists its own entries only: the global ones speak of drafts */
/* clang-format off */
static const struct help_section results_help[] = {
	{ CTX_RESULTS, S_CTX_RESULTS }, { CTX_DETAIL, S_CTX_DETAIL },
	{ CTX_PANEL, S_CTX_PANEL }, { 0, S_COUNT },
};
/* clang-format on */

void help_draw(struct console *c)
{
	int line = 0, y = 1, rows = c->h - 2;
	char buf[512], kb[16];
	const struct help_section *sec = c->res ? results_help : rate_help;

	title_bar(c, S(S_HELP_TITLE));
	for (size_t s = 0; sec[s].ctx; s++) {
		unsigned ctx = sec[s].ctx;

		if (line >= (int)c->help_top && y < 1 + rows)
			canvas_text(&c->cv, y++, 1, c->w - 2, S(sec[s].title), AT_BOLD);
		line++;
		for (const struct action_def *a = key_actions; a->act != ACT_NONE; a++) {
			size_t n = 0;

			if (!(a->ctx & ctx) || (ctx != CTX_GLOBAL && (a->ctx & CTX_GLOBAL)))
				continue;
			buf[0] = '\0';
			for (int k = 0; k < KEYS_PER_ACTION && a->keys[k]; k++)
				n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", k ? " " : "",
						      keys_name(a->keys[k], kb));
			if (line >= (int)c->help_top && y < 1 + rows) {
				canvas_text(&c->cv, y, 3, 22, buf, 0);
				canvas_text(&c->cv, y, 26, c->w - 27, S(a->help), 0);
				y++;
			}
			line++;
		}
		line++;
		if (line > (int)c->help_top && y < 1 + rows)
			y++;
	}
	c->help_lines = line;
	bottom_bar(c, S(S_HELP_KEYS));
}

unsigned help_key(struct console *c, int key)
{
	int page = c->h > 4 ? c->h - 3 : 1;
	size_t max = c->help_lines > page ? (size_t)(c->help_lines - page) : 0;

	switch (keys_lookup(CTX_HELP, key, NULL)) {
	case ACT_DOWN:
		if (c->help_top < max)
			c->help_top++;
		break;
	case ACT_UP:
		if (c->help_top > 0)
			c->help_top--;
		break;
	case ACT_PAGE_DOWN:
		c->help_top = c->help_top + (size_t)page < max ? c->help_top + (size_t)page : max;
		break;
	case ACT_PAGE_UP:
		c->help_top = c->help_top > (size_t)page ? c->help_top - (size_t)page : 0;
		break;
	case ACT_TOP: c->help_top = 0; break;
	case ACT_BOTTOM: c->help_top = max; break;
	case ACT_BACK:
	case ACT_HELP:
	case ACT_QUIT: c->scr = c->back; break;
	default: return OUT_NONE;
	}
	return OUT_DRAW;
}

/* ---- the task list ---- */

void review_draw(struct console *c)
{
	char buf[512], a[24], b[24];
	int rows = c->h - 3;
	size_t done = session_done_count(c->s);

	snprintf(a, sizeof a, "%zu", done);
	snprintf(b, sizeof b, "%zu", c->n_tasks);
	title_bar(c, i18n_fill(buf, sizeof buf, S_REVIEW_TITLE, a, b, NULL));
	if (rows < 1)
		rows = 1;
	if (c->rv_cursor < c->rv_top)
		c->rv_top = c->rv_cursor;
	if (c->rv_cursor >= c->rv_top + (size_t)rows)
		c->rv_top = c->rv_cursor - (size_t)rows + 1;
	for (int r = 0; r < rows && c->rv_top + (size_t)r < c->n_tasks; r++) {
		size_t i = c->rv_top + (size_t)r;
		enum review_state st = c->rv ? (enum review_state)c->rv[i] : RV_OPEN;
		const char *state = st == RV_DONE    ? S(S_REVIEW_DONE)
				    : st == RV_DRAFT ? S(S_REVIEW_DRAFT)
						     : S(S_REVIEW_OPEN);
		bool sel = i == c->rv_cursor;
		int x;

		snprintf(buf, sizeof buf, "%s%4zu", sel ? ">" : " ", i + 1);
		x = 1 + canvas_text(&c->cv, 1 + r, 1, 8, buf, sel ? AT_BOLD : 0) + 2;
		canvas_text(&c->cv, 1 + r, x, 10, state, st == RV_DONE ? AT_BOLD : 0);
		x += 10;
		if (st == RV_DONE && c->rv_receipt)
			canvas_text(&c->cv, 1 + r, x, 20, c->rv_receipt[i], 0);
		x += 21;
		if (c->rv_label && c->rv_label[i])
			canvas_text(&c->cv, 1 + r, x, c->w - x - 1, c->rv_label[i], 0);
		if (sel)
			canvas_attr(&c->cv, 1 + r, 0, c->w, AT_REVERSE);
	}
	if (c->msg[0])
		canvas_text(&c->cv, c->h - 2, 1, c->w - 2, c->msg, AT_BOLD);
	bottom_bar(c, S(S_REVIEW_KEYS));
}

unsigned review_key(struct console *c, int key)
{
	size_t page = c->h > 4 ? (size_t)c->h - 4 : 1;

	c->msg[0] = '\0';
	if (c->n_tasks == 0 && keys_lookup(CTX_REVIEW, key, NULL) != ACT_QUIT)
		return OUT_NONE;
	switch (keys_lookup(CTX_REVIEW, key, NULL)) {
	case ACT_DOWN:
		if (c->rv_cursor + 1 < c->n_tasks)
			c->rv_cursor++;
		break;
	case ACT_UP:
		if (c->rv_cursor > 0)
			c->rv_cursor--;
		break;
	case ACT_PAGE_DOWN:
		c->rv_cursor =
			c->rv_cursor + page < c->n_tasks ? c->rv_cursor + page : c->n_tasks - 1;
		break;
	case ACT_PAGE_UP: c->rv_cursor = c->rv_cursor > page ? c->rv_cursor - page : 0; break;
	case ACT_TOP: c->rv_cursor = 0; break;
	case ACT_BOTTOM: c->rv_cursor = c->n_tasks - 1; break;
	case ACT_OPEN:
		c->want = c->rv_cursor;
		c->scr = SCR_RATE;
		return OUT_LOAD | OUT_DRAW;
	case ACT_BACK: c->scr = SCR_RATE; break;
	case ACT_HELP:
		c->back = SCR_REVIEW;
		c->scr = SCR_HELP;
		c->help_top = 0;
		break;
	case ACT_QUIT:
		c->back = SCR_REVIEW;
		c->scr = SCR_QUIT;
		break;
	default: return OUT_NONE;
	}
	return OUT_DRAW;
}

/* ---- confirmation: exactly what will be signed ---- */

void confirm_draw(struct console *c)
{
	const struct rubric *r = c->rub;
	char buf[BALLOT_MAX_COMMENT + 512], n1[12], n2[12], a[24], b[24];
	int y = 2, ymax = c->h - 2;
	uint32_t t = console_active_seconds(c);
	bool ko = i18n_lang() == LANG_KO;

	title_bar(c, S(S_CONFIRM_TITLE));
	snprintf(a, sizeof a, "%zu", c->task + 1);
	snprintf(b, sizeof b, "%zu", c->n_tasks);
	canvas_text(&c->cv, y++, 2, c->w - 4, i18n_fill(buf, sizeof buf, S_TASK_N, a, b, NULL),
		    AT_BOLD);
	if (c->role == ROLE_EXPERT) {
		for (size_t k = 0; k < r->n_criteria && y < ymax; k++) {
			snprintf(buf, sizeof buf, "%-s",
				 ko ? r->criteria[k].name_ko : r->criteria[k].name_en);
			canvas_text(&c->cv, y, 2, c->w / 2, buf, 0);
			snprintf(buf, sizeof buf, "A: %-6s  B: %s",
				 score_text(c->ans.scores[0][k], n1),
				 score_text(c->ans.scores[1][k], n2));
			canvas_text(&c->cv, y++, c->w / 2, c->w / 2 - 1, buf, AT_BOLD);
		}
		for (int s = 0; s < 2 && y < ymax; s++) {
			uint32_t f = c->ans.flags[s];

			snprintf(buf, sizeof buf, "%s %c: %s%s%s%s", S(S_FLAGS), 'A' + s,
				 f & 1 ? S(S_FLAG_IDENTITY) : "", f & 2 ? " " : "",
				 f & 2 ? S(S_FLAG_BROKEN) : "", f & 4 ? S(S_FLAG_HARMFUL) : "");
			if (!f)
				snprintf(buf, sizeof buf, "%s %c: -", S(S_FLAGS), 'A' + s);
			canvas_text(&c->cv, y++, 2, c->w - 4, buf, 0);
			snprintf(buf, sizeof buf, "%s %c: %s", S(S_COMMENT), 'A' + s,
				 c->ans.comment[s][0] ? c->ans.comment[s] : "-");
			y = draw_wrapped(c, y, 2, c->w - 4, ymax, buf, 0);
		}
	} else {
		int p = c->ans.preference;

		snprintf(buf, sizeof buf, "%s %s", S(S_PREFERENCE),
			 p < 0 ? "-"
			 : ko  ? r->pref_label_ko[p]
			       : r->pref_label_en[p]);
		canvas_text(&c->cv, y++, 2, c->w - 4, buf, AT_BOLD);
		if (r->has_satisfaction) {
			snprintf(buf, sizeof buf, "%s: %s",
				 ko ? r->satisfaction.name_ko : r->satisfaction.name_en,
				 score_text(c->ans.satisfaction, n1));
			canvas_text(&c->cv, y++, 2, c->w - 4, buf, 0);
		}
		snprintf(buf, sizeof buf, "%s: %s", S(S_REASON),
			 c->ans.reason[0] ? c->ans.reason : "-");
		y = draw_wrapped(c, y, 2, c->w - 4, ymax, buf, 0);
	}
	snprintf(buf, sizeof buf, "%s: %u:%02u", S(S_ACTIVE_TIME), (unsigned)(t / 60),
		 (unsigned)(t % 60));
	if (y < ymax)
		canvas_text(&c->cv, y++, 2, c->w - 4, buf, 0);
	y++;
	if (c->tv.done && y < ymax)
		canvas_text(&c->cv, y++, 2, c->w - 4,
			    i18n_fill(buf, sizeof buf, S_CONFIRM_SUPERSEDES, c->tv.receipt, 0, 0),
			    AT_BOLD);
	draw_wrapped(c, y, 2, c->w - 4, ymax, S(S_CONFIRM_SIGN), 0);
	bottom_bar(c, S(S_CONFIRM_KEYS));
}

unsigned confirm_key(struct console *c, int key)
{
	if (key == 'y' || key == 'Y')
		return OUT_SUBMIT | OUT_DRAW;
	if (key == 'n' || key == 'N' || key == K_ESC || key == 'q') {
		c->scr = SCR_RATE;
		return OUT_DRAW;
	}
	if (key == K_CTRL('c')) {
		c->back = SCR_CONFIRM;
		c->scr = SCR_QUIT;
		return OUT_DRAW;
	}
	return OUT_NONE;
}

/* ---- receipt ---- */

void receipt_draw(struct console *c)
{
	char buf[512];
	int y = 3;

	title_bar(c, S(S_RECEIPT_TITLE));
	canvas_text(&c->cv, y, 2, c->w - 4,
		    i18n_fill(buf, sizeof buf, S_RECEIPT_CODE, c->receipt, NULL, NULL), AT_BOLD);
	y = draw_wrapped(c, y + 2, 2, c->w - 4, c->h - 2, S(S_RECEIPT_NOTE), 0);
	if (c->msg[0])
		draw_wrapped(c, y + 1, 2, c->w - 4, c->h - 2, c->msg, AT_BOLD);
	bottom_bar(c, S(S_RECEIPT_KEYS));
}

unsigned receipt_key(struct console *c, int key)
{
	if (key == K_ENTER || key == ' ' || key == 'n') {
		size_t next = session_first_open(c->s);

		c->msg[0] = '\0';
		if (next == c->n_tasks) {
			char n[24];

			snprintf(n, sizeof n, "%zu", c->n_tasks);
			i18n_fill(c->msg, sizeof c->msg, S_ALL_DONE, n, NULL, NULL);
			c->scr = SCR_REVIEW;
			return OUT_DRAW | OUT_REVIEW;
		}
		c->want = next;
		c->scr = SCR_RATE;
		return OUT_LOAD | OUT_DRAW;
	}
	if (key == 'r') {
		c->msg[0] = '\0';
		c->scr = SCR_REVIEW;
		c->rv_cursor = c->task;
		return OUT_DRAW | OUT_REVIEW;
	}
	if (key == 'q' || key == K_CTRL('c')) {
		c->back = SCR_RECEIPT;
		c->scr = SCR_QUIT;
		return OUT_DRAW;
	}
	return OUT_NONE;
}

/* ---- leave? ---- */

void quit_draw(struct console *c)
{
	int y = c->h / 2;

	canvas_hline(&c->cv, y - 1, 0, c->w, "-", 0);
	canvas_hline(&c->cv, y, 0, c->w, " ", 0);
	canvas_text(&c->cv, y, 2, c->w - 4, S(S_QUIT_ASK), AT_BOLD | AT_REVERSE);
	canvas_hline(&c->cv, y + 1, 0, c->w, "-", 0);
}

unsigned quit_key(struct console *c, int key)
{
	if (key == 'y' || key == 'Y' || key == K_CTRL('c'))
		return OUT_QUIT;
	if (key == 'n' || key == 'N' || key == K_ESC || key == 'q') {
		c->scr = c->back;
		return OUT_DRAW;
	}
	return OUT_NONE;
}

/* ---- the levels of one criterion ---- */

void anchors_draw(struct console *c)
{
	bool ko = i18n_lang() == LANG_KO;
	const struct rubric_criterion *cr = rate_row_kind(c, c->row) == ROW_SATISFACTION
						    ? &c->rub->satisfaction
						    : &c->rub->criteria[c->row];
	uint32_t v = rate_row_kind(c, c->row) == ROW_SATISFACTION ? c->ans.satisfaction
								  : c->ans.scores[c->side][c->row];
	char buf[1024];
	int y = 2;

	title_bar(c, i18n_fill(buf, sizeof buf, S_ANCHORS_TITLE, ko ? cr->name_ko : cr->name_en,
			       NULL, NULL));
	for (int l = cr->scale_min; l <= cr->scale_max && y < c->h - 2; l++) {
		const struct rubric_level *lv = &cr->levels[l - cr->scale_min];
		bool cur = v == (uint32_t)l;

		snprintf(buf, sizeof buf, "%s%d", cur ? ">" : " ", l);
		canvas_text(&c->cv, y, 1, 4, buf, cur ? AT_BOLD | AT_REVERSE : AT_BOLD);
		y = draw_wrapped(c, y, 6, c->w - 7, c->h - 2, ko ? lv->anchor_ko : lv->anchor_en,
				 cur ? AT_BOLD : 0) +
		    1;
	}
	bottom_bar(c, S(S_ANCHORS_KEYS));
}

unsigned anchors_key(struct console *c, int key)
{
	if (key >= '0' && key <= '9') {
		unsigned out;

		c->scr = SCR_RATE;
		out = rate_key(c, key);
		return out | OUT_DRAW;
	}
	if (key == K_ESC || key == 'a' || key == 'q' || key == K_ENTER) {
		c->scr = SCR_RATE;
		return OUT_DRAW;
	}
	if (key == K_CTRL('c')) {
		c->back = SCR_ANCHORS;
		c->scr = SCR_QUIT;
		return OUT_DRAW;
	}
	return OUT_NONE;
}

/* ---- please enlarge ---- */

void small_draw(struct console *c)
{
	char have[32], need[32], buf[512];

	snprintf(have, sizeof have, "%dx%d", c->w, c->h);
	snprintf(need, sizeof need, "%dx%d", c->lay.min_w, c->lay.min_h);
	i18n_fill(buf, sizeof buf, S_TOO_SMALL, have, need, NULL);
	draw_wrapped(c, c->h > 2 ? c->h / 2 - 1 : 0, 0, c->w, c->h, buf, AT_BOLD);
}
