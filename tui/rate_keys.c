/* rate_keys — what keys do on the rating screen and in the comment editor.
 * Handlers change the answer and the cursor, and return what the loop must
 * do (save the draft, load a task, ask before submitting). */
#include <stdio.h>
#include <string.h>

#include "console_int.h"

static char *edit_target(struct console *c)
{
	return c->role == ROLE_EXPERT ? c->ans.comment[c->side] : c->ans.reason;
}

static int comment_row(const struct console *c)
{
	return rate_rows(c) - 1;
}

static void start_edit(struct console *c)
{
	c->row = comment_row(c);
	c->editing = true;
	snprintf(c->ed_saved, sizeof c->ed_saved, "%s", edit_target(c));
	lineedit_start(&c->ed, edit_target(c));
}

static unsigned edit_changed(struct console *c)
{
	char *t = edit_target(c);

	memcpy(t, c->ed.buf, c->ed.len + 1);
	return OUT_DRAW | OUT_CHANGED;
}

unsigned rate_edit_insert(struct console *c, uint32_t cp)
{
	return lineedit_insert(&c->ed, cp) ? edit_changed(c) : OUT_NONE;
}

static unsigned edit_key(struct console *c, int key)
{
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
	case ACT_ED_DONE: c->editing = false; return OUT_DRAW;
	case ACT_ED_CANCEL:
		c->editing = false;
		lineedit_start(&c->ed, c->ed_saved);
		return edit_changed(c);
	case ACT_ED_LEFT: lineedit_left(&c->ed); return OUT_DRAW;
	case ACT_ED_RIGHT: lineedit_right(&c->ed); return OUT_DRAW;
	case ACT_ED_HOME: lineedit_home(&c->ed); return OUT_DRAW;
	case ACT_ED_END: lineedit_end(&c->ed); return OUT_DRAW;
	case ACT_ED_BS: return lineedit_backspace(&c->ed) ? edit_changed(c) : OUT_NONE;
	case ACT_ED_DEL: return lineedit_delete(&c->ed) ? edit_changed(c) : OUT_NONE;
	case ACT_ED_KILL: return lineedit_kill_before(&c->ed) ? edit_changed(c) : OUT_NONE;
	case ACT_QUIT:
		c->back = SCR_RATE;
		c->scr = SCR_QUIT;
		return OUT_DRAW;
	default: return OUT_NONE;
	}
}

static unsigned set_value(struct console *c, int d)
{
	char a[12], b[24];
	int row = c->row;

	switch (rate_row_kind(c, row)) {
	case ROW_CRITERION: {
		const struct rubric_criterion *cr = &c->rub->criteria[row];

		if (d < cr->scale_min || d > cr->scale_max) {
			snprintf(a, sizeof a, "%d", d);
			snprintf(b, sizeof b, "%d-%d", cr->scale_min, cr->scale_max);
			i18n_fill(c->msg, sizeof c->msg, S_OUT_OF_SCALE, a, b, NULL);
			return OUT_DRAW;
		}
		c->ans.scores[c->side][row] = (uint32_t)d;
		if (c->row + 1 < rate_rows(c))
			c->row++;
		return OUT_DRAW | OUT_CHANGED;
	}
	case ROW_FLAGS:
		if (d < 1 || d > 3)
			return OUT_NONE;
		c->ans.flags[c->side] ^= 1u << (d - 1);
		return OUT_DRAW | OUT_CHANGED;
	case ROW_PREF:
		if (d < 1 || d > PREF_COUNT)
			return OUT_NONE;
		c->ans.preference = d - 1;
		return OUT_DRAW | OUT_CHANGED;
	case ROW_SATISFACTION: {
		const struct rubric_criterion *cr = &c->rub->satisfaction;

		if (d < cr->scale_min || d > cr->scale_max)
			return OUT_NONE;
		c->ans.satisfaction = (uint32_t)d;
		return OUT_DRAW | OUT_CHANGED;
	}
	default: return OUT_NONE;
	}
}

static unsigned clear_value(struct console *c, bool na)
{
	switch (rate_row_kind(c, c->row)) {
	case ROW_CRITERION:
		if (na && c->rub->criteria[c->row].required) {
			snprintf(c->msg, sizeof c->msg, "%s", S(S_NOT_APPLICABLE_REQ));
			return OUT_DRAW;
		}
		c->ans.scores[c->side][c->row] = na ? BALLOT_SCORE_NA : BALLOT_SCORE_UNSET;
		if (na && c->row + 1 < rate_rows(c))
			c->row++;
		break;
	case ROW_FLAGS: c->ans.flags[c->side] = 0; break;
	case ROW_PREF: c->ans.preference = -1; break;
	case ROW_SATISFACTION: c->ans.satisfaction = BALLOT_SCORE_UNSET; break;
	default: edit_target(c)[0] = '\0'; break;
	}
	return OUT_DRAW | OUT_CHANGED;
}

static const char *why_text(const char *why)
{
	if (!why)
		return "";
	if (strstr(why, "which answer"))
		return S(S_WHY_PREF);
	if (strstr(why, "required criterion"))
		return S(S_WHY_REQUIRED);
	return why;
}

static unsigned scroll(struct console *c, enum action a)
{
	for (int s = 0; s < 2; s++) {
		struct pane *p = &c->out[s];

		if (s != c->side && !c->lock)
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

unsigned rate_key(struct console *c, int key)
{
	enum action a;
	const char *why;

	if (c->editing)
		return edit_key(c, key);
	c->msg[0] = '\0';
	a = keys_lookup(CTX_RATE, key, NULL);
	switch (a) {
	case ACT_HELP:
		c->back = SCR_RATE;
		c->scr = SCR_HELP;
		c->help_top = 0;
		return OUT_DRAW;
	case ACT_QUIT:
		c->back = SCR_RATE;
		c->scr = SCR_QUIT;
		return OUT_DRAW;
	case ACT_DOWN:
		if (c->row + 1 < rate_rows(c))
			c->row++;
		return OUT_DRAW;
	case ACT_UP:
		if (c->row > 0)
			c->row--;
		return OUT_DRAW;
	case ACT_SIDE_A: c->side = 0; return OUT_DRAW;
	case ACT_SIDE_B: c->side = 1; return OUT_DRAW;
	case ACT_SWITCH: c->side = !c->side; return OUT_DRAW;
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
		c->lock = !c->lock;
		if (c->lock)
			c->out[!c->side].top = c->out[c->side].top;
		pane_scroll(&c->out[!c->side], 0);
		return OUT_DRAW;
	case ACT_PROMPT_DOWN: pane_page(&c->prompt, 1); return OUT_DRAW;
	case ACT_PROMPT_UP: pane_page(&c->prompt, -1); return OUT_DRAW;
	case ACT_ANCHORS: {
		enum row_kind k = rate_row_kind(c, c->row);

		if (k != ROW_CRITERION && k != ROW_SATISFACTION)
			return OUT_NONE;
		c->back = SCR_RATE;
		c->scr = SCR_ANCHORS;
		return OUT_DRAW;
	}
	case ACT_EDIT: start_edit(c); return OUT_DRAW;
	case ACT_SUBMIT:
		if (!session_answer_complete(c->s, &c->ans, &why)) {
			i18n_fill(c->msg, sizeof c->msg, S_INCOMPLETE, why_text(why), NULL, NULL);
			return OUT_DRAW;
		}
		c->scr = SCR_CONFIRM;
		return OUT_DRAW | OUT_FLUSH;
	case ACT_REVIEW:
		c->scr = SCR_REVIEW;
		c->rv_cursor = c->task;
		return OUT_DRAW | OUT_REVIEW;
	case ACT_NEXT:
		if (c->task + 1 >= c->n_tasks)
			return OUT_NONE;
		c->want = c->task + 1;
		return OUT_LOAD | OUT_DRAW;
	case ACT_PREV:
		if (c->task == 0)
			return OUT_NONE;
		c->want = c->task - 1;
		return OUT_LOAD | OUT_DRAW;
	default: return OUT_NONE;
	}
}
