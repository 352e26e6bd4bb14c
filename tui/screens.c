/* screens — the rating program's views around the rating view: the task
 * list, the confirmation of what will be signed, the receipt, "leave?",
 * and the level descriptions of a criterion. Each is an entry of the view
 * table (struct view_ops, console_int.h) with its draw and key functions;
 * every key is looked up in the key table (keys.c), dialogs included. */
#include <stdio.h>
#include <string.h>

#include "rating.h"

/* ---- the task list ---- */

struct review_view_state {
	size_t top; /* first task shown */
};

static void review_draw(struct console *c)
{
	struct rating *rt = rating_of(c);
	struct review_view_state *vs = console_vstate(c, V_REVIEW);
	char buf[512], a[24], b[24];
	int rows = c->h - 3, code_w = 19;
	size_t done = session_done_count(rt->s);

	snprintf(a, sizeof a, "%zu", done);
	snprintf(b, sizeof b, "%zu", rt->n_tasks);
	draw_title_bar(c, i18n_fill(buf, sizeof buf, S_REVIEW_TITLE, a, b, NULL));
	if (rows < 1)
		rows = 1;
	for (size_t i = 0; rt->rv_receipt && i < rt->n_tasks; i++) /* codes grow with the place */
		if ((int)strlen(rt->rv_receipt[i]) > code_w)
			code_w = (int)strlen(rt->rv_receipt[i]);
	if (rt->rv_cursor < vs->top)
		vs->top = rt->rv_cursor;
	if (rt->rv_cursor >= vs->top + (size_t)rows)
		vs->top = rt->rv_cursor - (size_t)rows + 1;
	for (int r = 0; r < rows && vs->top + (size_t)r < rt->n_tasks; r++) {
		size_t i = vs->top + (size_t)r;
		enum review_state st = rt->rv ? (enum review_state)rt->rv[i] : RV_OPEN;
		const char *state = st == RV_DONE    ? S(S_REVIEW_DONE)
				    : st == RV_DRAFT ? S(S_REVIEW_DRAFT)
						     : S(S_REVIEW_OPEN);
		bool sel = i == rt->rv_cursor;
		int x;

		snprintf(buf, sizeof buf, "%s%4zu", sel ? ">" : " ", i + 1);
		x = 1 + canvas_text(&c->cv, 1 + r, 1, 8, buf, sel ? AT_BOLD : 0) + 2;
		canvas_text(&c->cv, 1 + r, x, 10, state, st == RV_DONE ? AT_BOLD : 0);
		x += 10;
		if (st == RV_DONE && rt->rv_receipt)
			canvas_text(&c->cv, 1 + r, x, code_w, rt->rv_receipt[i], 0);
		/* no prompt id or anything else of the task: a gold repeat would
		 * show an id seen before (docs/assignment.md "What a rater can
		 * tell") */
		if (sel)
			canvas_attr(&c->cv, 1 + r, 0, c->w, AT_REVERSE);
	}
	if (c->msg[0])
		canvas_text(&c->cv, c->h - 2, 1, c->w - 2, c->msg, AT_BOLD);
	draw_bottom_bar(c, S(S_REVIEW_KEYS));
}

static unsigned review_key(struct console *c, int key)
{
	struct rating *rt = rating_of(c);
	size_t page = c->h > 4 ? (size_t)c->h - 4 : 1;

	c->msg[0] = '\0';
	if (keys_lookup(CTX_REVIEW, key, NULL) == ACT_INSTRUCTIONS) {
		console_push(c, V_INSTR);
		return OUT_DRAW;
	}
	if (rt->n_tasks == 0 && keys_lookup(CTX_REVIEW, key, NULL) != ACT_QUIT)
		return OUT_NONE;
	switch (keys_lookup(CTX_REVIEW, key, NULL)) {
	case ACT_DOWN:
		if (rt->rv_cursor + 1 < rt->n_tasks)
			rt->rv_cursor++;
		break;
	case ACT_UP:
		if (rt->rv_cursor > 0)
			rt->rv_cursor--;
		break;
	case ACT_PAGE_DOWN:
		rt->rv_cursor =
			rt->rv_cursor + page < rt->n_tasks ? rt->rv_cursor + page : rt->n_tasks - 1;
		break;
	case ACT_PAGE_UP: rt->rv_cursor = rt->rv_cursor > page ? rt->rv_cursor - page : 0; break;
	case ACT_TOP: rt->rv_cursor = 0; break;
	case ACT_BOTTOM: rt->rv_cursor = rt->n_tasks - 1; break;
	case ACT_OPEN:
		rt->want = rt->rv_cursor;
		console_go(c, V_RATE);
		return OUT_LOAD | OUT_DRAW;
	case ACT_BACK: console_go(c, V_RATE); break;
	case ACT_RECEIPTS: console_push(c, V_RECEIPTS); return OUT_DRAW | OUT_RECEIPTS;
	case ACT_HELP: console_push(c, V_HELP); break;
	case ACT_QUIT: console_push(c, V_QUIT); break;
	default: return OUT_NONE;
	}
	return OUT_DRAW;
}

static void review_dump_state(struct console *c, FILE *f)
{
	fprintf(f, "review.cursor=%zu\n", rating_of(c)->rv_cursor + 1);
}

const struct view_ops review_view = {
	.name = "review",
	.id = V_REVIEW,
	.state_size = sizeof(struct review_view_state),
	.draw = review_draw,
	.key = review_key,
	.dump_state = review_dump_state,
};

/* ---- confirmation: exactly what will be signed ---- */

static void confirm_draw(struct console *c)
{
	struct rating *rt = rating_of(c);
	const struct rubric *r = rt->rub;
	char buf[BALLOT_MAX_COMMENT + 512], n1[12], n2[12], a[24], b[24];
	int y = 2, ymax = c->h - 2;
	uint32_t t = console_active_seconds(c);
	bool ko = i18n_lang() == LANG_KO;

	draw_title_bar(c, S(S_CONFIRM_TITLE));
	snprintf(a, sizeof a, "%zu", rt->task + 1);
	snprintf(b, sizeof b, "%zu", rt->n_tasks);
	canvas_text(&c->cv, y++, 2, c->w - 4, i18n_fill(buf, sizeof buf, S_TASK_N, a, b, NULL),
		    AT_BOLD);
	if (rt->role == ROLE_EXPERT) {
		/* B's column after the widest value A can show (N/A is 8
		 * columns in Korean), so both columns align in either language */
		int xa = c->w / 2,
		    vw = canvas_text_width(S(S_NA)) > 1 ? canvas_text_width(S(S_NA)) : 1;
		int xb = xa + 3 + vw + 3;
		char sides[8] = "";

		for (size_t k = 0; k < r->n_criteria && y < ymax; k++) {
			snprintf(buf, sizeof buf, "%-s",
				 ko ? r->criteria[k].name_ko : r->criteria[k].name_en);
			canvas_text(&c->cv, y, 2, xa - 3, buf, 0);
			canvas_text(&c->cv, y, xa, 3, "A:", AT_BOLD);
			canvas_text(&c->cv, y, xa + 3, vw, score_text(rt->ans.scores[0][k], n1),
				    AT_BOLD);
			canvas_text(&c->cv, y, xb, 3, "B:", AT_BOLD);
			canvas_text(&c->cv, y++, xb + 3, c->w - xb - 4,
				    score_text(rt->ans.scores[1][k], n2), AT_BOLD);
		}
		for (int s = 0; s < 2 && y < ymax; s++) {
			uint32_t f = rt->ans.flags[s];
			const char *names[3] = { S(S_FLAG_IDENTITY), S(S_FLAG_BROKEN),
						 S(S_FLAG_HARMFUL) };
			size_t at =
				(size_t)snprintf(buf, sizeof buf, "%s %c:", S(S_FLAGS), 'A' + s);

			for (int i = 0; i < 3; i++)
				if (f & (1u << i) && at < sizeof buf)
					at += (size_t)snprintf(
						buf + at, sizeof buf - at, "%s%s",
						at > strlen(S(S_FLAGS)) + 4 ? ", " : " ", names[i]);
			if (!f)
				snprintf(buf, sizeof buf, "%s %c: -", S(S_FLAGS), 'A' + s);
			if (f & 1)
				strcat(sides, s ? (sides[0] ? ", B" : "B") : "A");
			canvas_text(&c->cv, y++, 2, c->w - 4, buf, 0);
			snprintf(buf, sizeof buf, "%s %c: %s", S(S_COMMENT), 'A' + s,
				 rt->ans.comment[s][0] ? rt->ans.comment[s] : "-");
			y = draw_wrapped(c, y, 2, c->w - 4, ymax, buf, 0);
		}
		if (sides[0] && r->identity_excluded && y < ymax) /* say what the flag does */
			y = draw_wrapped(
				c, y, 2, c->w - 4, ymax,
				i18n_fill(buf, sizeof buf, S_CONFIRM_IDENTITY, sides, NULL, NULL),
				AT_BOLD);
	} else {
		int p = rt->ans.preference;

		snprintf(buf, sizeof buf, "%s %s", S(S_PREFERENCE),
			 p < 0 ? "-"
			 : ko  ? r->pref_label_ko[p]
			       : r->pref_label_en[p]);
		canvas_text(&c->cv, y++, 2, c->w - 4, buf, AT_BOLD);
		if (r->has_satisfaction) {
			snprintf(buf, sizeof buf, "%s (%s): %s",
				 ko ? r->satisfaction.name_ko : r->satisfaction.name_en,
				 rating_satisfaction_about(rt),
				 score_text(rt->ans.satisfaction, n1));
			canvas_text(&c->cv, y++, 2, c->w - 4, buf, 0);
		}
		snprintf(buf, sizeof buf, "%s: %s", S(S_REASON),
			 rt->ans.reason[0] ? rt->ans.reason : "-");
		y = draw_wrapped(c, y, 2, c->w - 4, ymax, buf, 0);
	}
	snprintf(buf, sizeof buf, "%s: %u:%02u", S(S_ACTIVE_TIME), (unsigned)(t / 60),
		 (unsigned)(t % 60));
	if (y < ymax)
		canvas_text(&c->cv, y++, 2, c->w - 4, buf, 0);
	y++;
	/* the task's ballot as the file held it when the confirmation opened:
	 * one cast meanwhile from another console of this rater is said */
	if (rt->latest.has_ballot && rt->latest.elsewhere && y < ymax)
		y = draw_wrapped(c, y, 2, c->w - 4, ymax,
				 i18n_fill(buf, sizeof buf, S_CONFIRM_ELSEWHERE, rt->latest.receipt,
					   rt->latest.cast_at, 0),
				 AT_BOLD);
	else if (rt->latest.has_ballot && y < ymax)
		canvas_text(
			&c->cv, y++, 2, c->w - 4,
			i18n_fill(buf, sizeof buf, S_CONFIRM_SUPERSEDES, rt->latest.receipt, 0, 0),
			AT_BOLD);
	draw_wrapped(c, y, 2, c->w - 4, ymax, S(S_CONFIRM_SIGN), 0);
	draw_bottom_bar(c, S(S_CONFIRM_KEYS));
}

static unsigned confirm_key(struct console *c, int key)
{
	switch (keys_lookup(CTX_CONFIRM, key, NULL)) {
	case ACT_YES: return OUT_SUBMIT | OUT_DRAW;
	case ACT_NO: console_go(c, V_RATE); return OUT_DRAW;
	case ACT_QUIT: console_push(c, V_QUIT); return OUT_DRAW;
	default: return OUT_NONE;
	}
}

static void confirm_dump_state(struct console *c, FILE *f)
{
	struct rating *rt = rating_of(c);

	fprintf(f, "supersedes=%s\nsupersedes_elsewhere=%d\n",
		rt->latest.has_ballot ? rt->latest.receipt : "", rt->latest.elsewhere);
}

const struct view_ops confirm_view = {
	.name = "confirm",
	.id = V_CONFIRM,
	.draw = confirm_draw,
	.key = confirm_key,
	.dump_state = confirm_dump_state,
};

/* ---- receipt ---- */

static void receipt_draw(struct console *c)
{
	struct rating *rt = rating_of(c);
	char buf[512];
	int y = 3;

	draw_title_bar(c, S(S_RECEIPT_TITLE));
	canvas_text(&c->cv, y, 2, c->w - 4,
		    i18n_fill(buf, sizeof buf, S_RECEIPT_CODE, rt->receipt, NULL, NULL), AT_BOLD);
	y = draw_wrapped(c, y + 2, 2, c->w - 4, c->h - 2, S(S_RECEIPT_NOTE), 0);
	if (rt->receipts_shown[0] && !c->msg[0])
		y = draw_wrapped(
			c, y + 1, 2, c->w - 4, c->h - 2,
			i18n_fill(buf, sizeof buf, S_RECEIPT_SAVED, rt->receipts_shown, NULL, NULL),
			0);
	if (c->msg[0])
		draw_wrapped(c, y + 1, 2, c->w - 4, c->h - 2, c->msg, AT_BOLD);
	draw_bottom_bar(c, S(S_RECEIPT_KEYS));
}

static unsigned receipt_key(struct console *c, int key)
{
	struct rating *rt = rating_of(c);

	switch (keys_lookup(CTX_RECEIPT, key, NULL)) {
	case ACT_NEXT: {
		size_t next = session_first_open(rt->s);

		c->msg[0] = '\0';
		if (next == rt->n_tasks) {
			char n[24];

			snprintf(n, sizeof n, "%zu", rt->n_tasks);
			i18n_fill(c->msg, sizeof c->msg, S_ALL_DONE, n, NULL, NULL);
			console_go(c, V_REVIEW);
			return OUT_DRAW | OUT_REVIEW;
		}
		rt->want = next;
		console_go(c, V_RATE);
		return OUT_LOAD | OUT_DRAW;
	}
	case ACT_REVIEW:
		c->msg[0] = '\0';
		console_go(c, V_REVIEW);
		rt->rv_cursor = rt->task;
		return OUT_DRAW | OUT_REVIEW;
	case ACT_RECEIPTS: console_push(c, V_RECEIPTS); return OUT_DRAW | OUT_RECEIPTS;
	case ACT_QUIT: console_push(c, V_QUIT); return OUT_DRAW;
	default: return OUT_NONE;
	}
}

const struct view_ops receipt_view = {
	.name = "receipt",
	.id = V_RECEIPT,
	.draw = receipt_draw,
	.key = receipt_key,
};

/* ---- the rater's receipts: the file, as it is kept ---- */

struct receipts_view_state {
	size_t top; /* first line shown */
};

static void receipts_draw(struct console *c)
{
	struct rating *rt = rating_of(c);
	struct receipts_view_state *vs = console_vstate(c, V_RECEIPTS);
	char buf[1200], n[24];
	int y = 2, rows;

	snprintf(n, sizeof n, "%zu", rt->rc_n);
	draw_title_bar(c, i18n_fill(buf, sizeof buf, S_RECEIPTS_TITLE, n, NULL, NULL));
	if (!rt->receipts_shown[0])
		y = draw_wrapped(c, y, 2, c->w - 4, c->h - 2, S(S_RECEIPTS_NONE), 0);
	else
		y = draw_wrapped(
			c, y, 2, c->w - 4, c->h - 2,
			i18n_fill(buf, sizeof buf, S_RECEIPTS_FILE, rt->receipts_shown, NULL, NULL),
			0);
	if (rt->rc_problem[0])
		y = draw_wrapped(c, y + 1, 2, c->w - 4, c->h - 2,
				 i18n_fill(buf, sizeof buf, S_RECEIPTS_UNREADABLE, rt->rc_problem,
					   NULL, NULL),
				 AT_BOLD);
	else if (rt->receipts_shown[0] && rt->rc_n == 0)
		y = draw_wrapped(c, y + 1, 2, c->w - 4, c->h - 2, S(S_RECEIPTS_EMPTY), 0);
	y++;
	rows = c->h - 1 - y;
	if (rows < 1)
		rows = 1;
	if (vs->top + (size_t)rows > rt->rc_n)
		vs->top = rt->rc_n > (size_t)rows ? rt->rc_n - (size_t)rows : 0;
	for (int r = 0; r < rows && vs->top + (size_t)r < rt->rc_n && y < c->h - 1; r++, y++) {
		const struct receipt_line *l = &rt->rc_lines[vs->top + (size_t)r];
		char task[64];

		i18n_fill(task, sizeof task, S_RECEIPTS_TASK, l->task[0] ? l->task : "?", NULL,
			  NULL);
		snprintf(buf, sizeof buf, "%-9s %-20s  %s", task, l->cast_at, l->code);
		canvas_text(&c->cv, y, 2, c->w - 4, buf, 0);
	}
	draw_bottom_bar(c, S(S_RECEIPTS_KEYS));
}

static unsigned receipts_key(struct console *c, int key)
{
	struct rating *rt = rating_of(c);
	struct receipts_view_state *vs = console_vstate(c, V_RECEIPTS);
	size_t page = c->h > 6 ? (size_t)c->h - 6 : 1;

	switch (keys_lookup(CTX_RECEIPTS, key, NULL)) {
	case ACT_DOWN: vs->top++; break; /* kept within the lines when drawn */
	case ACT_UP: vs->top = vs->top ? vs->top - 1 : 0; break;
	case ACT_PAGE_DOWN: vs->top += page; break;
	case ACT_PAGE_UP: vs->top = vs->top > page ? vs->top - page : 0; break;
	case ACT_TOP: vs->top = 0; break;
	case ACT_BOTTOM: vs->top = rt->rc_n; break;
	case ACT_BACK: console_pop(c); break;
	case ACT_HELP: console_push(c, V_HELP); break;
	case ACT_QUIT: console_push(c, V_QUIT); break;
	default: return OUT_NONE;
	}
	return OUT_DRAW;
}

static void receipts_dump_state(struct console *c, FILE *f)
{
	struct rating *rt = rating_of(c);
	struct receipts_view_state *vs = console_vstate(c, V_RECEIPTS);

	fprintf(f, "receipts.file=%s\nreceipts.lines=%zu\nreceipts.top=%zu\n", rt->receipts_shown,
		rt->rc_n, vs->top);
}

const struct view_ops receipts_view = {
	.name = "receipts",
	.id = V_RECEIPTS,
	.state_size = sizeof(struct receipts_view_state),
	.draw = receipts_draw,
	.key = receipts_key,
	.dump_state = receipts_dump_state,
};

/* ---- leave? ---- */

static void quit_draw(struct console *c)
{
	int y = c->h / 2;

	canvas_hline(&c->cv, y - 1, 0, c->w, "-", 0);
	canvas_hline(&c->cv, y, 0, c->w, " ", 0);
	canvas_text(&c->cv, y, 2, c->w - 4, S(S_QUIT_ASK), AT_BOLD | AT_REVERSE);
	canvas_hline(&c->cv, y + 1, 0, c->w, "-", 0);
}

static unsigned quit_key(struct console *c, int key)
{
	switch (keys_lookup(CTX_LEAVE, key, NULL)) {
	case ACT_YES: return OUT_QUIT;
	case ACT_NO: console_pop(c); return OUT_DRAW;
	default: return OUT_NONE;
	}
}

/* Drawn over the rating view it came from, and even on a terminal too
 * small for anything else: leaving must always be possible. */
const struct view_ops quit_view = {
	.name = "quit",
	.id = V_QUIT,
	.draw = quit_draw,
	.key = quit_key,
	.small_ok = true,
	.overlay = true,
};

/* ---- the levels of one criterion ---- */

static void anchors_draw(struct console *c)
{
	struct rating *rt = rating_of(c);
	bool ko = i18n_lang() == LANG_KO;
	const struct rubric_criterion *cr = rate_row_kind(rt, rt->row) == ROW_SATISFACTION
						    ? &rt->rub->satisfaction
						    : &rt->rub->criteria[rt->row];
	uint32_t v = rate_row_kind(rt, rt->row) == ROW_SATISFACTION
			     ? rt->ans.satisfaction
			     : rt->ans.scores[rt->side][rt->row];
	char buf[1024];
	int y = 2;

	draw_title_bar(c, i18n_fill(buf, sizeof buf, S_ANCHORS_TITLE,
				    ko ? cr->name_ko : cr->name_en, NULL, NULL));
	for (int l = cr->scale_min; l <= cr->scale_max && y < c->h - 2; l++) {
		const struct rubric_level *lv = &cr->levels[l - cr->scale_min];
		bool cur = v == (uint32_t)l;

		snprintf(buf, sizeof buf, "%s%d", cur ? ">" : " ", l);
		canvas_text(&c->cv, y, 1, 4, buf, cur ? AT_BOLD | AT_REVERSE : AT_BOLD);
		y = draw_wrapped(c, y, 6, c->w - 7, c->h - 2, ko ? lv->anchor_ko : lv->anchor_en,
				 cur ? AT_BOLD : 0) +
		    1;
	}
	draw_bottom_bar(c, S(S_ANCHORS_KEYS));
}

static unsigned anchors_key(struct console *c, int key)
{
	switch (keys_lookup(CTX_ANCHORS, key, NULL)) {
	case ACT_VALUE:
	case ACT_NA: /* the level is chosen on the rating view */
		console_go(c, V_RATE);
		return c->view->key(c, key) | OUT_DRAW;
	case ACT_BACK: console_go(c, V_RATE); return OUT_DRAW;
	case ACT_QUIT: console_push(c, V_QUIT); return OUT_DRAW;
	default: return OUT_NONE;
	}
}

const struct view_ops anchors_view = {
	.name = "anchors",
	.id = V_ANCHORS,
	.draw = anchors_draw,
	.key = anchors_key,
};
