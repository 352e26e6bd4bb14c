/* rate_keys — what keys do on the rating view and in the comment editor,
 * and the rating view's entry in the view table (rate.c draws it).
 * Handlers change the answer and the cursor, and return what the loop must
 * do (save the draft, load a task, ask before submitting). */
#include <stdio.h>
#include <string.h>

#include "rating.h"

static char *edit_target(struct console *c)
{
	struct rating *rt = rating_of(c);

	return rt->role == ROLE_EXPERT ? rt->ans.comment[rt->side] : rt->ans.reason;
}

static int comment_row(const struct console *c)
{
	const struct rating *rt = rating_of(c);

	return rate_rows(rt) - 1;
}

static void start_edit(struct console *c)
{
	struct rating *rt = rating_of(c);

	rt->row = comment_row(c);
	rt->editing = true;
	snprintf(rt->ed_saved, sizeof rt->ed_saved, "%s", edit_target(c));
	lineedit_start(&rt->ed, edit_target(c));
}

static unsigned edit_changed(struct console *c)
{
	struct rating *rt = rating_of(c);
	char *t = edit_target(c);

	memcpy(t, rt->ed.buf, rt->ed.len + 1);
	return OUT_DRAW | OUT_CHANGED;
}

static unsigned rate_edit_insert(struct console *c, uint32_t cp)
{
	struct rating *rt = rating_of(c);

	return lineedit_insert(&rt->ed, cp) ? edit_changed(c) : OUT_NONE;
}

static unsigned edit_key(struct console *c, int key)
{
	struct rating *rt = rating_of(c);
	enum action a;

	if (key >= 0x20 && key < 0x110000 && key != 0x7f) {
		unsigned o = rate_edit_insert(c, (uint32_t)key);

		if (o == OUT_NONE) {
			snprintf(c->msg, sizeof c->msg, "%s", S(S_EDIT_FULL));
			return OUT_DRAW;
		}
		return o;
	}
	a = keys_lookup(CTX_EDIT, key, NULL);
	switch (a) {
	case ACT_ED_DONE: rt->editing = false; return OUT_DRAW;
	case ACT_ED_CANCEL:
		rt->editing = false;
		lineedit_start(&rt->ed, rt->ed_saved);
		return edit_changed(c);
	case ACT_ED_LEFT: lineedit_left(&rt->ed); return OUT_DRAW;
	case ACT_ED_RIGHT: lineedit_right(&rt->ed); return OUT_DRAW;
	case ACT_ED_HOME: lineedit_home(&rt->ed); return OUT_DRAW;
	case ACT_ED_END: lineedit_end(&rt->ed); return OUT_DRAW;
	case ACT_ED_BS: return lineedit_backspace(&rt->ed) ? edit_changed(c) : OUT_NONE;
	case ACT_ED_DEL: return lineedit_delete(&rt->ed) ? edit_changed(c) : OUT_NONE;
	case ACT_ED_KILL: return lineedit_kill_before(&rt->ed) ? edit_changed(c) : OUT_NONE;
	case ACT_ED_NEWLINE: return lineedit_insert(&rt->ed, '\n') ? edit_changed(c) : OUT_NONE;
	case ACT_QUIT: console_push(c, V_QUIT); return OUT_DRAW;
	default: return OUT_NONE;
	}
}

static unsigned set_value(struct console *c, int d)
{
	struct rating *rt = rating_of(c);
	char a[12], b[24];
	int row = rt->row;

	switch (rate_row_kind(rt, row)) {
	case ROW_CRITERION: {
		const struct rubric_criterion *cr = &rt->rub->criteria[row];

		if (d < cr->scale_min || d > cr->scale_max) {
			snprintf(a, sizeof a, "%d", d);
			snprintf(b, sizeof b, "%d-%d", cr->scale_min, cr->scale_max);
			i18n_fill(c->msg, sizeof c->msg, S_OUT_OF_SCALE, a, b, NULL);
			return OUT_DRAW;
		}
		rt->ans.scores[rt->side][row] = (uint32_t)d;
		if (rt->row + 1 < rate_rows(rt))
			rt->row++;
		return OUT_DRAW | OUT_CHANGED;
	}
	case ROW_FLAGS:
		if (d < 1 || d > 3)
			return OUT_NONE;
		rt->ans.flags[rt->side] ^= 1u << (d - 1);
		return OUT_DRAW | OUT_CHANGED;
	case ROW_PREF:
		if (d < 1 || d > PREF_COUNT)
			return OUT_NONE;
		rt->ans.preference = d - 1;
		return OUT_DRAW | OUT_CHANGED;
	case ROW_SATISFACTION: {
		const struct rubric_criterion *cr = &rt->rub->satisfaction;

		if (d < cr->scale_min || d > cr->scale_max)
			return OUT_NONE;
		rt->ans.satisfaction = (uint32_t)d;
		return OUT_DRAW | OUT_CHANGED;
	}
	default: return OUT_NONE;
	}
}

static unsigned clear_value(struct console *c, bool na)
{
	struct rating *rt = rating_of(c);

	switch (rate_row_kind(rt, rt->row)) {
	case ROW_CRITERION:
		if (na && rt->rub->criteria[rt->row].required) {
			snprintf(c->msg, sizeof c->msg, "%s", S(S_NOT_APPLICABLE_REQ));
			return OUT_DRAW;
		}
		rt->ans.scores[rt->side][rt->row] = na ? BALLOT_SCORE_NA : BALLOT_SCORE_UNSET;
		if (na && rt->row + 1 < rate_rows(rt))
			rt->row++;
		break;
	case ROW_FLAGS: rt->ans.flags[rt->side] = 0; break;
	case ROW_PREF: rt->ans.preference = -1; break;
	case ROW_SATISFACTION: rt->ans.satisfaction = BALLOT_SCORE_UNSET; break;
	default: edit_target(c)[0] = '\0'; break;
	}
	return OUT_DRAW | OUT_CHANGED;
}

static unsigned scroll(struct console *c, enum action a)
{
	struct rating *rt = rating_of(c);

	for (int s = 0; s < 2; s++) {
		struct pane *p = &rt->out[s];

		if (s != rt->side && !rt->lock)
			continue;
		switch (a) {
		case ACT_PAGE_DOWN: pane_page(p, 1); break;
		case ACT_PAGE_UP: pane_page(p, -1); break;
		case ACT_LINE_DOWN: pane_scroll(p, 1); break;
		case ACT_LINE_UP: pane_scroll(p, -1); break;
		case ACT_TOP: pane_top(p); break;
		case ACT_BOTTOM: pane_bottom(p); break;
		default: break;
		}
	}
	return OUT_DRAW;
}

static unsigned rate_key(struct console *c, int key)
{
	struct rating *rt = rating_of(c);
	enum action a;
	struct session_problem why;
	char words[512];

	if (rt->editing)
		return edit_key(c, key);
	c->msg[0] = '\0';
	a = keys_lookup(CTX_RATE, key, NULL);
	switch (a) {
	case ACT_HELP: console_push(c, V_HELP); return OUT_DRAW;
	case ACT_QUIT: console_push(c, V_QUIT); return OUT_DRAW;
	case ACT_DOWN:
		if (rt->row + 1 < rate_rows(rt))
			rt->row++;
		return OUT_DRAW;
	case ACT_UP:
		if (rt->row > 0)
			rt->row--;
		return OUT_DRAW;
	case ACT_SIDE_A: rt->side = 0; return OUT_DRAW;
	case ACT_SIDE_B: rt->side = 1; return OUT_DRAW;
	case ACT_SWITCH: rt->side = !rt->side; return OUT_DRAW;
	case ACT_VALUE: return set_value(c, key - '0');
	case ACT_NA: return clear_value(c, true);
	case ACT_CLEAR: return clear_value(c, false);
	case ACT_PAGE_DOWN:
	case ACT_PAGE_UP:
	case ACT_LINE_DOWN:
	case ACT_LINE_UP:
	case ACT_TOP:
	case ACT_BOTTOM: return scroll(c, a);
	case ACT_LOCK:
		rt->lock = !rt->lock;
		if (rt->lock)
			rt->out[!rt->side].top = rt->out[rt->side].top;
		pane_scroll(&rt->out[!rt->side], 0);
		return OUT_DRAW;
	case ACT_PROMPT_DOWN: pane_page(&rt->prompt, 1); return OUT_DRAW;
	case ACT_PROMPT_UP: pane_page(&rt->prompt, -1); return OUT_DRAW;
	case ACT_ANCHORS: {
		enum row_kind k = rate_row_kind(rt, rt->row);

		if (k != ROW_CRITERION && k != ROW_SATISFACTION)
			return OUT_NONE;
		console_push(c, V_ANCHORS);
		return OUT_DRAW;
	}
	case ACT_EDIT: start_edit(c); return OUT_DRAW;
	case ACT_SUBMIT:
		if (!session_answer_complete(rt->s, &rt->ans, &why)) {
			i18n_fill(c->msg, sizeof c->msg, S_INCOMPLETE,
				  rating_problem_words(rt, &why, "", words, sizeof words), NULL,
				  NULL);
			/* the cursor goes to what is missing */
			if (why.code == SE_REQUIRED_MISSING && why.criterion >= 0 &&
			    (size_t)why.criterion < rt->rub->n_criteria &&
			    (why.side == 0 || why.side == 1)) {
				rt->row = why.criterion;
				rt->side = why.side;
			}
			for (int r = 0; r < rate_rows(rt); r++)
				if ((why.code == SE_NO_PREFERENCE &&
				     rate_row_kind(rt, r) == ROW_PREF) ||
				    (why.code == SE_SATISFACTION_MISSING &&
				     rate_row_kind(rt, r) == ROW_SATISFACTION))
					rt->row = r;
			return OUT_DRAW;
		}
		if (rt->practice) /* nothing is signed: no confirmation */
			return OUT_DRAW | OUT_FLUSH | OUT_SUBMIT;
		console_go(c, V_CONFIRM);
		return OUT_DRAW | OUT_FLUSH | OUT_LATEST;
	case ACT_INSTRUCTIONS: console_push(c, V_INSTR); return OUT_DRAW;
	case ACT_REVIEW:
		if (rt->practice && session_practice_pending(rt->s) < rt->n_practice) {
			snprintf(c->msg, sizeof c->msg, "%s", S(S_PRACTICE_FIRST));
			return OUT_DRAW;
		}
		console_go(c, V_REVIEW);
		rt->rv_cursor = rt->task;
		return OUT_DRAW | OUT_REVIEW;
	case ACT_RECEIPTS: console_push(c, V_RECEIPTS); return OUT_DRAW | OUT_RECEIPTS;
	case ACT_NEXT:
		if (rt->practice || rt->task + 1 >= rt->n_tasks)
			return OUT_NONE;
		rt->want = rt->task + 1;
		return OUT_LOAD | OUT_DRAW;
	case ACT_PREV:
		if (rt->practice || rt->task == 0)
			return OUT_NONE;
		rt->want = rt->task - 1;
		return OUT_LOAD | OUT_DRAW;
	default: return OUT_NONE;
	}
}

static bool rate_text_open(const struct console *c)
{
	return rating_of(c)->editing;
}

const struct view_ops rate_view = {
	.name = "rate",
	.id = V_RATE,
	.draw = rate_draw,
	.key = rate_key,
	.text_open = rate_text_open,
	.text = rate_edit_insert,
	.backdrop = true,
};
