/* draw — what every view draws with: the title and bottom bars, the footer
 * of key hints generated from the key table, wrapped text (through
 * text.h, untrusted or not), and the "please enlarge" screen. */
#include <stdio.h>
#include <string.h>

#include "console_int.h"
#include "simsa/text.h"

void draw_title_bar(struct console *c, const char *title)
{
	canvas_hline(&c->cv, 0, 0, c->w, " ", AT_BAR);
	canvas_text(&c->cv, 0, 1, c->w - 2, title, AT_BAR | AT_BOLD);
}

void draw_bottom_bar(struct console *c, const char *keys)
{
	canvas_hline(&c->cv, c->h - 1, 0, c->w, " ", AT_BAR);
	canvas_text(&c->cv, c->h - 1, 1, c->w - 2, keys, AT_BAR);
}

void draw_footer(struct console *c, unsigned ctx, const char *value_keys)
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
		if (a->act == ACT_VALUE && value_keys)
			k = value_keys;
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

int draw_wrapped_rows(const char *s, int w)
{
	struct text_doc *d = text_doc_new(s, strlen(s), NULL);
	struct text_lines ls = TEXT_LINES_INIT;
	int n = 1;

	if (d && text_wrap(d, w > 0 ? w : 1, &ls, NULL) == 0)
		n = ls.n ? (int)ls.n : 1;
	text_lines_release(&ls);
	text_doc_free(&d);
	return n;
}

void draw_small(struct console *c)
{
	char have[32], need[32], buf[512];

	snprintf(have, sizeof have, "%dx%d", c->w, c->h);
	snprintf(need, sizeof need, "%dx%d", c->min_w, c->min_h);
	i18n_fill(buf, sizeof buf, S_TOO_SMALL, have, need, NULL);
	draw_wrapped(c, c->h > 2 ? c->h / 2 - 1 : 0, 0, c->w, c->h, buf, AT_BOLD);
}
