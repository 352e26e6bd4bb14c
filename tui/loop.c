/* loop — the console's one loop: draw, wait for an event, hand keys to the
 * screen that is up, and carry out what the handler asked for (save the
 * draft, cast the ballot, open a task, quit). The only place that calls
 * the session's writing functions. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/console.h"
#include "console_int.h"
#include "simsa/util.h"

#define IDLE_LIMIT 180.0 /* seconds without a key that do not count as work */

volatile sig_atomic_t console_sig_quit; /* SIGHUP, SIGTERM: leave now */
volatile sig_atomic_t console_sig_int;  /* SIGINT from outside: ask */
volatile sig_atomic_t console_sig_winch;

uint32_t console_active_seconds(const struct console *c)
{
	double gap = mono_seconds() - c->last_event;
	double t = c->active + (gap >= 0 && gap <= IDLE_LIMIT ? gap : 0);

	return t < 0 ? 0 : t > 4e9 ? 4000000000u : (uint32_t)t;
}

static void note_activity(struct console *c)
{
	double now = mono_seconds(), gap = now - c->last_event;

	if (gap >= 0 && gap <= IDLE_LIMIT)
		c->active += gap;
	c->last_event = now;
}

static char *compose_prompt(const struct task_view *v)
{
	size_t n = strlen(v->prompt) + (v->system ? strlen(v->system) : 0) +
		   (v->reference ? strlen(v->reference) : 0) + 256;
	char *s = malloc(n);

	if (!s)
		return NULL;
	snprintf(s, n, "%s%s%s%s%s%s%s", v->system ? "## " : "", v->system ? S(S_SYSTEM) : "",
		 v->system ? "\n" : "", v->system ? v->system : "", v->system ? "\n\n" : "",
		 v->prompt, v->reference ? "\n\n## " : "");
	if (v->reference) {
		size_t k = strlen(s);

		snprintf(s + k, n - k, "%s\n%s", S(S_REFERENCE), v->reference);
	}
	return s;
}

static int save_draft(struct console *c, struct simsa_err *err)
{
	if (!c->draft_dirty || !c->loaded)
		return 0;
	c->ans.active_seconds = console_active_seconds(c);
	if (session_save_draft(c->s, c->task, &c->ans, err) < 0) {
		i18n_fill(c->msg, sizeof c->msg, S_SAVE_FAILED, err->msg, NULL, NULL);
		return -1;
	}
	c->draft_dirty = false;
	return 0;
}

/* Puts the cursor where work on a restored draft goes on: the first
 * criterion without a score (A first, then B), else the first row. */
static void resume_cursor(struct console *c)
{
	c->row = 0;
	c->side = 0;
	if (c->role != ROLE_EXPERT)
		return;
	for (int s = 0; s < 2; s++)
		for (size_t k = 0; k < c->rub->n_criteria; k++)
			if (c->ans.scores[s][k] == BALLOT_SCORE_UNSET) {
				c->side = s;
				c->row = (int)k;
				return;
			}
}

static int load_task(struct console *c, size_t i, struct simsa_err *err)
{
	char *prompt;
	int found;

	if (save_draft(c, err) < 0)
		return -1;
	if (session_task(c->s, i, &c->tv, err) < 0)
		return -1;
	prompt = compose_prompt(&c->tv);
	if (!prompt)
		return err_set(err, "out of memory");
	if (pane_set(&c->prompt, prompt, strlen(prompt), err) < 0 ||
	    pane_set(&c->out[0], c->tv.text[0], c->tv.text_len[0], err) < 0 ||
	    pane_set(&c->out[1], c->tv.text[1], c->tv.text_len[1], err) < 0) {
		free(prompt);
		return -1;
	}
	free(prompt);
	found = session_load_draft(c->s, i, &c->ans, err);
	if (found < 0)
		return -1;
	c->task = i;
	c->loaded = true;
	resume_cursor(c);
	c->editing = false;
	c->active = c->ans.active_seconds;
	c->last_event = mono_seconds();
	c->msg[0] = '\0';
	if (found)
		snprintf(c->msg, sizeof c->msg, "%s", S(S_DRAFT_RESTORED));
	return 0;
}

/* The task list's rows, from summaries: no output text is read. */
static int refresh_review(struct console *c, struct simsa_err *err)
{
	struct task_summary t;

	for (size_t i = 0; i < c->n_tasks; i++) {
		if (session_task_summary(c->s, i, &t, err) < 0)
			return -1;
		c->rv_label[i] = t.prompt_id;
		memcpy(c->rv_receipt[i], t.receipt, sizeof c->rv_receipt[i]);
		c->rv[i] = t.done ? RV_DONE : t.has_draft ? RV_DRAFT : RV_OPEN;
	}
	return 0;
}

static int submit(struct console *c, struct simsa_err *err)
{
	c->ans.active_seconds = console_active_seconds(c);
	if (session_submit(c->s, c->task, &c->ans, c->receipt, err) < 0) {
		snprintf(c->msg, sizeof c->msg, "%s", err->msg);
		c->scr = SCR_RATE;
		return 0; /* shown to the rater; the draft is still there */
	}
	c->draft_dirty = false;
	c->tv.done = true;
	memcpy(c->tv.receipt, c->receipt, sizeof c->receipt);
	answer_init(&c->ans);
	c->scr = SCR_RECEIPT;
	c->msg[0] = '\0';
	return 0;
}

void console_draw(struct console *c)
{
	canvas_clear(&c->cv);
	c->cur_y = c->cur_x = -1;
	if (c->lay.too_small && c->scr != SCR_QUIT) {
		small_draw(c);
		return;
	}
	switch (c->scr) {
	case SCR_RESULTS:
	case SCR_DETAIL:
	case SCR_PANEL: results_draw(c); break;
	case SCR_RATE: rate_draw(c); break;
	case SCR_CONFIRM: confirm_draw(c); break;
	case SCR_RECEIPT: receipt_draw(c); break;
	case SCR_REVIEW: review_draw(c); break;
	case SCR_HELP: help_draw(c); break;
	case SCR_ANCHORS: anchors_draw(c); break;
	case SCR_QUIT:
		if (c->back == SCR_RATE && !c->lay.too_small)
			rate_draw(c);
		c->cur_y = c->cur_x = -1;
		quit_draw(c);
		break;
	}
}

unsigned console_key(struct console *c, int key)
{
	if (c->lay.too_small && c->scr != SCR_QUIT) {
		enum action a = keys_lookup(c->res ? CTX_RESULTS : CTX_RATE, key, NULL);

		if (a != ACT_QUIT)
			return OUT_NONE;
		if (c->res)
			return OUT_QUIT; /* nothing to lose: no need to ask */
		c->back = c->scr;
		c->scr = SCR_QUIT;
		return OUT_DRAW;
	}
	switch (c->scr) {
	case SCR_RESULTS:
	case SCR_DETAIL:
	case SCR_PANEL: return results_key(c, key);
	case SCR_RATE: return rate_key(c, key);
	case SCR_CONFIRM: return confirm_key(c, key);
	case SCR_RECEIPT: return receipt_key(c, key);
	case SCR_REVIEW: return review_key(c, key);
	case SCR_HELP: return help_key(c, key);
	case SCR_ANCHORS: return anchors_key(c, key);
	case SCR_QUIT: return quit_key(c, key);
	}
	return OUT_NONE;
}

static int set_size(struct console *c, int w, int h, struct simsa_err *err)
{
	if (canvas_resize(&c->cv, w, h, err) < 0)
		return -1;
	c->w = w;
	c->h = h;
	console_layout(c);
	return 0;
}

/* Carries out what a handler asked for. -1 only for errors that end the
 * console (the round file failing under us). */
static int carry_out(struct console *c, unsigned out, bool *quit, struct simsa_err *err)
{
	if (out & OUT_CHANGED)
		c->draft_dirty = true;
	if ((out & OUT_FLUSH) && c->fe->flush_input)
		c->fe->flush_input(c);
	if (out & OUT_SUBMIT && submit(c, err) < 0)
		return -1;
	if (out & OUT_LOAD) {
		if (c->want >= c->n_tasks) {
			c->want = c->n_tasks;
			c->scr = SCR_REVIEW;
			out |= OUT_REVIEW;
		} else if (load_task(c, c->want, err) < 0) {
			return -1;
		}
		console_layout(c);
	}
	if ((out & OUT_REVIEW) && refresh_review(c, err) < 0)
		return -1;
	if (out & OUT_QUIT) {
		if (save_draft(c, err) < 0)
			return -1;
		*quit = true;
	}
	return 0;
}

static int start(struct console *c, struct simsa_err *err)
{
	size_t first = session_first_open(c->s);

	c->rv = calloc(c->n_tasks + 1, 1);
	c->rv_receipt = calloc(c->n_tasks + 1, sizeof *c->rv_receipt);
	c->rv_label = calloc(c->n_tasks + 1, sizeof *c->rv_label);
	if (!c->rv || !c->rv_receipt || !c->rv_label)
		return err_set(err, "out of memory");
	if (c->n_tasks == 0) {
		snprintf(c->msg, sizeof c->msg, "%s", S(S_NO_TASKS));
		c->scr = SCR_REVIEW;
		return 0;
	}
	if (first >= c->n_tasks) {
		char n[24];

		snprintf(n, sizeof n, "%zu", c->n_tasks);
		c->scr = SCR_REVIEW;
		if (refresh_review(c, err) < 0)
			return -1;
		i18n_fill(c->msg, sizeof c->msg, S_ALL_DONE, n, NULL, NULL);
		return 0;
	}
	return load_task(c, first, err);
}

int console_open(struct session *s, const struct frontend *fe, void *fe_data, int w, int h,
		 struct console **out, struct simsa_err *err)
{
	struct console *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return err_set(err, "out of memory");
	console_sig_quit = console_sig_int = console_sig_winch = 0;
	c->s = s;
	c->rub = session_rubric(s);
	c->role = session_role(s);
	c->fe = fe;
	c->fe_data = fe_data;
	c->n_tasks = session_task_count(s);
	c->last_event = mono_seconds();
	answer_init(&c->ans);
	if (set_size(c, w, h, err) < 0 || start(c, err) < 0) {
		console_free(&c);
		return -1;
	}
	console_layout(c);
	*out = c;
	return 0;
}

void console_free(struct console **cp)
{
	struct console *c = *cp;

	if (!c)
		return;
	for (int i = 0; i < 2; i++)
		pane_release(&c->out[i]);
	pane_release(&c->prompt);
	canvas_release(&c->cv);
	free(c->rv);
	free(c->rv_receipt);
	free(c->rv_label);
	free(c);
	*cp = NULL;
}

int console_open_view(const struct frontend *fe, void *fe_data, int w, int h, struct results *res,
		      enum scr_id scr, struct console **out, struct simsa_err *err)
{
	struct console *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return err_set(err, "out of memory");
	console_sig_quit = console_sig_int = console_sig_winch = 0;
	c->res = res;
	c->scr = c->back = scr;
	c->fe = fe;
	c->fe_data = fe_data;
	c->last_event = mono_seconds();
	answer_init(&c->ans);
	if (set_size(c, w, h, err) < 0) {
		console_free(&c);
		return -1;
	}
	*out = c;
	return 0;
}

int console_loop(struct console *c, struct simsa_err *err)
{
	const struct frontend *fe = c->fe;
	bool quit = false, draw = true;

	while (!quit) {
		struct event ev;

		if (console_sig_quit) {
			c->exit_status = 128 + (int)console_sig_quit;
			break;
		}
		if (console_sig_int) {
			/* an interrupt from outside is Ctrl-C: ask */
			console_sig_int = 0;
			if (carry_out(c, console_key(c, K_CTRL('c')), &quit, err) < 0)
				return -1;
			draw = true;
			continue;
		}
		if (draw) {
			console_draw(c);
			fe->present(c);
			draw = false;
		}
		if (!fe->pending(c) && save_draft(c, err) < 0)
			draw = true; /* the message says so; keep going */
		if (fe->next(c, &ev) < 0)
			return -1;
		switch (ev.type) {
		case EV_KEY: {
			unsigned o;

			note_activity(c);
			o = paste_expire(c, c->last_event);
			/* a paste is text: its keys never reach a screen */
			if (paste_owns(c, ev.key))
				o |= paste_key(c, ev.key, c->last_event);
			else
				o |= console_key(c, ev.key);
			if (carry_out(c, o, &quit, err) < 0)
				return -1;
			draw = draw || (o != OUT_NONE);
			break;
		}
		case EV_RESIZE:
			if (set_size(c, ev.w, ev.h, err) < 0)
				return -1;
			draw = true;
			break;
		case EV_TICK:
			if (carry_out(c, paste_expire(c, mono_seconds()), &quit, err) < 0)
				return -1;
			draw = true;
			break;
		case EV_DUMP:
			if (headless_dump(c, ev.label) < 0)
				return err_set(err, "cannot write the dump");
			break;
		case EV_SIGNAL: raise(ev.sig); break;
		case EV_END:
			quit = true;
			if (save_draft(c, err) < 0)
				return -1;
			break;
		}
	}
	if (save_draft(c, err) < 0)
		return -1;
	return c->exit_status;
}

int console_run(struct session *s, const struct frontend *fe, void *fe_data, int w, int h,
		struct simsa_err *err)
{
	struct console *c = NULL;
	int rc;

	if (console_open(s, fe, fe_data, w, h, &c, err) < 0)
		return -1;
	rc = console_loop(c, err);
	console_free(&c);
	return rc;
}
