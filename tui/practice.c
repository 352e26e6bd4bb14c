/* practice — what a rater reads before the first task and the practice
 * tasks around it (tui/rating.h): the instructions view, shown before work
 * starts and one key (i) away after that, and the view that ends a
 * practice task. A practice task is answered on the rating screen, marked
 * there as practice; submitting it records the answer unsigned and casts
 * nothing (rate_app.c). */
#include <stdio.h>
#include <string.h>

#include "rating.h"

int practice_load_instructions(struct rating *rt, struct simsa_err *err)
{
	const char *t = session_instructions(rt->s, i18n_lang() == LANG_KO ? "ko" : "en");

	if (!t)
		t = S(S_INSTR_NONE);
	return pane_set(&rt->instr, t, strlen(t), err);
}

/* The practice task to open next: after the one open (or from the first),
 * the first not done (any: optional ones too), else the first the round
 * asks for that is not done; the count when none is left. */
static size_t next_practice(const struct rating *rt, bool any)
{
	for (size_t i = rt->practice ? rt->task + 1 : 0; i < rt->n_practice; i++)
		if (!session_practice_is_done(rt->s, i) &&
		    (any || session_practice_required(rt->s, i)))
			return i;
	return session_practice_pending(rt->s);
}

unsigned practice_next(struct console *c, bool any)
{
	struct rating *rt = rating_of(c);
	size_t i = next_practice(rt, any);

	if (i < rt->n_practice) {
		rt->want = i;
		return OUT_PRACTICE | OUT_DRAW;
	}
	return OUT_WORK | OUT_DRAW;
}

/* ---- the instructions ---- */

static void instr_enter(struct console *c)
{
	pane_top(&rating_of(c)->instr);
}

static void instr_draw(struct console *c)
{
	struct rating *rt = rating_of(c);
	const struct rubric *r = rt->rub;
	char buf[1024], n[24];
	size_t pending = 0;
	int h = c->h - 3;

	draw_title_bar(c,
		       i18n_fill(buf, sizeof buf, S_INSTR_TITLE,
				 i18n_lang() == LANG_KO ? r->title_ko : r->title_en, NULL, NULL));
	if (h > 0 && pane_layout(&rt->instr, c->w - 2, NULL) == 0)
		pane_draw(&rt->instr, &c->cv, 2, 1, h, c->w - 2);
	for (size_t i = 0; i < rt->n_practice; i++)
		pending +=
			session_practice_required(rt->s, i) && !session_practice_is_done(rt->s, i);
	if (!rt->instr_gate) {
		draw_bottom_bar(c, S(S_INSTR_KEYS_BACK));
	} else if (pending) {
		snprintf(n, sizeof n, "%zu", pending);
		draw_bottom_bar(c,
				i18n_fill(buf, sizeof buf, S_INSTR_KEYS_PRACTICE, n, NULL, NULL));
	} else if (rt->n_practice) {
		snprintf(n, sizeof n, "%zu", rt->n_practice);
		draw_bottom_bar(c, i18n_fill(buf, sizeof buf, S_INSTR_KEYS_START_P, n, NULL, NULL));
	} else {
		draw_bottom_bar(c, S(S_INSTR_KEYS_START));
	}
}

static unsigned instr_key(struct console *c, int key)
{
	struct rating *rt = rating_of(c);

	switch (keys_lookup(CTX_INSTR, key, NULL)) {
	case ACT_HELP: console_push(c, V_HELP); return OUT_DRAW;
	case ACT_QUIT: console_push(c, V_QUIT); return OUT_DRAW;
	case ACT_DOWN: pane_scroll(&rt->instr, 1); return OUT_DRAW;
	case ACT_UP: pane_scroll(&rt->instr, -1); return OUT_DRAW;
	case ACT_PAGE_DOWN: pane_page(&rt->instr, 1); return OUT_DRAW;
	case ACT_PAGE_UP: pane_page(&rt->instr, -1); return OUT_DRAW;
	case ACT_TOP: pane_top(&rt->instr); return OUT_DRAW;
	case ACT_BOTTOM: pane_bottom(&rt->instr); return OUT_DRAW;
	case ACT_START:
		if (rt->instr_gate) {
			rt->instr_gate = false;
			return practice_next(c, false);
		}
		console_pop(c);
		return OUT_DRAW;
	case ACT_BACK:
	case ACT_INSTRUCTIONS:
		if (rt->instr_gate)
			return OUT_NONE;
		console_pop(c);
		return OUT_DRAW;
	case ACT_PRACTICE:
		if (!rt->instr_gate || rt->n_practice == 0)
			return OUT_NONE;
		rt->instr_gate = false;
		rt->practice = false; /* from the first practice task */
		rt->want = next_practice(rt, true);
		if (rt->want >= rt->n_practice)
			rt->want = 0; /* all done: again from the first */
		return OUT_PRACTICE | OUT_DRAW;
	default: return OUT_NONE;
	}
}

static void instr_dump_state(struct console *c, FILE *f)
{
	struct rating *rt = rating_of(c);

	fprintf(f, "instructions=%s\ninstructions_gate=%d\ninstructions_top=%zu\n",
		session_instructions(rt->s, i18n_lang() == LANG_KO ? "ko" : "en") ? "round"
										  : "none",
		rt->instr_gate ? 1 : 0, rt->instr.top);
	fprintf(f, "practice_pending=%zu/%zu\n", session_practice_pending(rt->s), rt->n_practice);
}

const struct view_ops instr_view = {
	.name = "instructions",
	.id = V_INSTR,
	.enter = instr_enter,
	.draw = instr_draw,
	.key = instr_key,
	.dump_state = instr_dump_state,
};

/* ---- a practice task done ---- */

static void practice_done_draw(struct console *c)
{
	struct rating *rt = rating_of(c);
	const char *note =
		session_practice_note(rt->s, rt->task, i18n_lang() == LANG_KO ? "ko" : "en");
	int y;

	draw_title_bar(c, S(S_PRACTICE_DONE_TITLE));
	y = draw_wrapped(c, 2, 2, c->w - 4, c->h - 2, S(S_PRACTICE_DONE_NOTE), AT_BOLD);
	if (note) {
		y = draw_wrapped(c, y + 1, 2, c->w - 4, c->h - 2, S(S_PRACTICE_NOTE_TITLE),
				 AT_BOLD);
		y = draw_wrapped(c, y, 2, c->w - 4, c->h - 2, note, 0);
	}
	if (next_practice(rt, true) >= rt->n_practice)
		draw_wrapped(c, y + 1, 2, c->w - 4, c->h - 2, S(S_PRACTICE_NEXT_REAL), 0);
	draw_bottom_bar(c, S(S_PRACTICE_DONE_KEYS));
}

static unsigned practice_done_key(struct console *c, int key)
{
	switch (keys_lookup(CTX_INSTR, key, NULL)) {
	case ACT_HELP: console_push(c, V_HELP); return OUT_DRAW;
	case ACT_QUIT: console_push(c, V_QUIT); return OUT_DRAW;
	case ACT_INSTRUCTIONS: console_push(c, V_INSTR); return OUT_DRAW;
	case ACT_START: return practice_next(c, true);
	default: return OUT_NONE;
	}
}

static void practice_done_dump_state(struct console *c, FILE *f)
{
	struct rating *rt = rating_of(c);

	fprintf(f, "practice=%zu/%zu\npractice_done=%d\npractice_pending=%zu/%zu\n", rt->task + 1,
		rt->n_practice, session_practice_is_done(rt->s, rt->task) ? 1 : 0,
		session_practice_pending(rt->s), rt->n_practice);
}

const struct view_ops practice_done_view = {
	.name = "practice-done",
	.id = V_PRACTICE_DONE,
	.draw = practice_done_draw,
	.key = practice_done_key,
	.dump_state = practice_done_dump_state,
};
