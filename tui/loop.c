/* loop — the console's core and its one loop: draw the current view, wait
 * for an event, hand keys to that view through the program's table
 * (console_int.h), let the program carry out what the view asked for, and
 * quit. It knows no screen by name and no program's state. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void *console_vstate(struct console *c, enum view_id id)
{
	return c->vstate[id];
}

void console_go(struct console *c, enum view_id id)
{
	c->view = c->prog->views[id];
	if (c->view->enter)
		c->view->enter(c);
}

void console_push(struct console *c, enum view_id id)
{
	c->back = c->view;
	console_go(c, id);
}

void console_pop(struct console *c)
{
	c->view = c->back;
}

void console_layout(struct console *c)
{
	c->prog->layout(c);
}

void console_draw(struct console *c)
{
	const struct view_ops *v = c->view;

	canvas_clear(&c->cv);
	c->cur_y = c->cur_x = -1;
	if (c->too_small && !v->small_ok) {
		draw_small(c);
		return;
	}
	if (v->overlay && c->back && c->back->backdrop && !c->too_small) {
		c->back->draw(c);
		c->cur_y = c->cur_x = -1;
	}
	v->draw(c);
}

unsigned console_key(struct console *c, int key)
{
	if (c->too_small && !c->view->small_ok) {
		if (keys_lookup(c->prog->ctx, key, NULL) != ACT_QUIT)
			return OUT_NONE;
		if (!c->prog->views[V_QUIT])
			return OUT_QUIT; /* nothing to lose: no need to ask */
		console_push(c, V_QUIT);
		return OUT_DRAW;
	}
	return c->view->key(c, key);
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

static int save(struct console *c, struct simsa_err *err)
{
	return c->prog->save ? c->prog->save(c, err) : 0;
}

/* Carries out what a view asked for. -1 only for errors that end the
 * console (the round file failing under us). */
static int carry_out(struct console *c, unsigned out, struct simsa_err *err)
{
	if ((out & OUT_FLUSH) && c->fe->flush_input)
		c->fe->flush_input(c);
	if (c->prog->carry_out && c->prog->carry_out(c, out, err) < 0)
		return -1;
	if (out & OUT_QUIT) {
		if (save(c, err) < 0)
			return -1;
		c->quit = true;
	}
	return 0;
}

int console_new(const struct program *prog, void *app, const struct frontend *fe, void *fe_data,
		int w, int h, enum view_id first, struct console **out, struct simsa_err *err)
{
	struct console *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return err_set(err, "out of memory");
	console_sig_quit = console_sig_int = console_sig_winch = 0;
	c->prog = prog;
	c->app = app;
	c->fe = fe;
	c->fe_data = fe_data;
	c->last_event = mono_seconds();
	for (int i = 0; i < V_COUNT; i++)
		if (prog->views[i] && prog->views[i]->state_size &&
		    !(c->vstate[i] = calloc(1, prog->views[i]->state_size))) {
			console_free(&c);
			return err_set(err, "out of memory");
		}
	c->view = c->back = prog->views[first];
	if (set_size(c, w, h, err) < 0) {
		console_free(&c);
		return -1;
	}
	*out = c;
	return 0;
}

void console_free(struct console **cp)
{
	struct console *c = *cp;

	if (!c)
		return;
	canvas_release(&c->cv);
	for (int i = 0; i < V_COUNT; i++)
		free(c->vstate[i]);
	free(c);
	*cp = NULL;
}

int console_loop(struct console *c, struct simsa_err *err)
{
	const struct frontend *fe = c->fe;
	bool draw = true;

	c->quit = false;
	while (!c->quit) {
		struct event ev;

		if (console_sig_quit) {
			c->exit_status = 128 + (int)console_sig_quit;
			break;
		}
		if (console_sig_int) {
			/* an interrupt from outside is Ctrl-C: ask */
			console_sig_int = 0;
			if (carry_out(c, console_key(c, K_CTRL('c')), err) < 0)
				return -1;
			draw = true;
			continue;
		}
		if (draw) {
			console_draw(c);
			fe->present(c);
			draw = false;
		}
		if (!fe->pending(c) && save(c, err) < 0)
			draw = true; /* the message says so; keep going */
		if (fe->next(c, &ev) < 0)
			return -1;
		switch (ev.type) {
		case EV_KEY: {
			unsigned o;

			note_activity(c);
			o = paste_expire(c, c->last_event);
			/* a paste is text: its keys never reach a view */
			if (paste_owns(c, ev.key))
				o |= paste_key(c, ev.key, c->last_event);
			else
				o |= console_key(c, ev.key);
			if (carry_out(c, o, err) < 0)
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
			if (carry_out(c, paste_expire(c, mono_seconds()), err) < 0)
				return -1;
			draw = true;
			break;
		case EV_DUMP:
			if (fe->dump && fe->dump(c, ev.label) < 0)
				return err_set(err, "cannot write the dump");
			break;
		case EV_SIGNAL: raise(ev.sig); break;
		case EV_END:
			c->quit = true;
			if (save(c, err) < 0)
				return -1;
			break;
		}
	}
	if (save(c, err) < 0)
		return -1;
	return c->exit_status;
}
