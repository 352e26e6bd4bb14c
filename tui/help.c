/* help — the help view of both programs, generated from the key table:
 * the sections of the program's struct program, each the actions of one
 * key context with their keys and help text. */
#include <stdio.h>

#include "console_int.h"

struct help_state {
	size_t top;
	int lines;
};

static void help_enter(struct console *c)
{
	struct help_state *st = console_vstate(c, V_HELP);

	st->top = 0;
}

static void help_draw(struct console *c)
{
	struct help_state *st = console_vstate(c, V_HELP);
	int line = 0, y = 1, rows = c->h - 2;
	char buf[512], kb[16];
	const struct help_section *sec = c->prog->help;

	draw_title_bar(c, S(S_HELP_TITLE));
	for (size_t s = 0; sec[s].ctx; s++) {
		unsigned ctx = sec[s].ctx;

		if (line >= (int)st->top && y < 1 + rows)
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
			if (line >= (int)st->top && y < 1 + rows) {
				canvas_text(&c->cv, y, 3, 22, buf, 0);
				canvas_text(&c->cv, y, 26, c->w - 27, S(a->help), 0);
				y++;
			}
			line++;
		}
		line++;
		if (line > (int)st->top && y < 1 + rows)
			y++;
	}
	st->lines = line;
	draw_bottom_bar(c, S(S_HELP_KEYS));
}

static unsigned help_key(struct console *c, int key)
{
	struct help_state *st = console_vstate(c, V_HELP);
	int page = c->h > 4 ? c->h - 3 : 1;
	size_t max = st->lines > page ? (size_t)(st->lines - page) : 0;

	switch (keys_lookup(CTX_HELP, key, NULL)) {
	case ACT_DOWN:
		if (st->top < max)
			st->top++;
		break;
	case ACT_UP:
		if (st->top > 0)
			st->top--;
		break;
	case ACT_PAGE_DOWN:
		st->top = st->top + (size_t)page < max ? st->top + (size_t)page : max;
		break;
	case ACT_PAGE_UP: st->top = st->top > (size_t)page ? st->top - (size_t)page : 0; break;
	case ACT_TOP: st->top = 0; break;
	case ACT_BOTTOM: st->top = max; break;
	case ACT_BACK:
	case ACT_HELP:
	case ACT_QUIT: console_pop(c); break;
	default: return OUT_NONE;
	}
	return OUT_DRAW;
}

const struct view_ops help_view = {
	.name = "help",
	.id = V_HELP,
	.state_size = sizeof(struct help_state),
	.enter = help_enter,
	.draw = help_draw,
	.key = help_key,
};
