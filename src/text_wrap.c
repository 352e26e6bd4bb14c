/* text_wrap — laying a text_doc out in lines of a pane's width, and the
 * bytes to draw for each line (see include/simsa/text.h, docs/text.md). */
#include "simsa/text.h"

#include <stdlib.h>
#include <string.h>

#include "simsa/util.h"

#define TOO_WIDE "\u203A" /* "›": a grapheme wider than the whole pane */

static const char spaces[TEXT_TAB + 1] = "        ";

static bool is_space(const struct text_grapheme *g)
{
	return g->flags & (TEXT_G_SPACE | TEXT_G_TAB);
}

/* Columns g takes at column col of a line of width columns: a tab runs to
 * the next tab stop but not past the edge; a grapheme wider than the pane
 * is drawn as TOO_WIDE. Never more than width - col for a tab, never 0
 * for anything but a tab at the edge. */
static int cell_cols(const struct text_grapheme *g, int col, int width)
{
	if (g->flags & TEXT_G_TAB) {
		int w = TEXT_TAB - col % TEXT_TAB;

		return w < width - col ? w : width - col;
	}
	return g->cols > width ? 1 : g->cols;
}

static int push(struct text_lines *out, size_t first, size_t end, int cols, unsigned flags)
{
	if (grow_array((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v) < 0)
		return -1;
	out->v[out->n++] = (struct text_line){
		.first = (uint32_t)first,
		.count = (uint32_t)(end - first),
		.cols = (uint16_t)cols,
		.flags = (uint16_t)flags,
	};
	return 0;
}

int text_wrap(const struct text_doc *d, int width, struct text_lines *out, struct simsa_err *err)
{
	const struct text_grapheme *g = d->g;
	size_t i = 0, n = d->ng;

	out->n = 0;
	out->width = width;
	if (width < 1 || width > TEXT_MAX_WIDTH)
		return err_set(err, "cannot wrap text at width %d (1 to %d)", width,
			       TEXT_MAX_WIDTH);
	while (i < n) {
		size_t start = i, end, brk = SIZE_MAX; /* brk: where the last run of spaces began */
		int col = 0, brk_col = 0, end_col;
		unsigned flags = 0;

		for (;;) {
			if (i == n || (g[i].flags & TEXT_G_NEWLINE)) {
				end = i;
				end_col = col;
				i += i < n;
				break;
			}

			int w = cell_cols(&g[i], col, width);
			bool sp = is_space(&g[i]);

			if (col + w <= width) {
				if (sp && (i == start || !is_space(&g[i - 1]))) {
					brk = i;
					brk_col = col;
				}
				col += w;
				i++;
				continue;
			}
			flags = TEXT_L_SOFT;
			if (sp) {
				/* The line ends in the spaces, which are dropped
				 * (unless there is nothing else: deep indentation). */
				bool run = is_space(&g[i - 1]);

				end = run && brk > start ? brk : i;
				end_col = run && brk > start ? brk_col : col;
			} else if (brk != SIZE_MAX && brk > start) {
				end = brk; /* after the last word that fits */
				end_col = brk_col;
				i = brk;
			} else {
				end = i; /* a word longer than the line */
				end_col = col;
				break;
			}
			while (i < n && is_space(&g[i]))
				i++;
			if (i < n && (g[i].flags & TEXT_G_NEWLINE)) {
				i++; /* the spaces ended the paragraph anyway */
				flags = 0;
			}
			break;
		}
		if (push(out, start, end, end_col, flags) < 0) {
			out->n = 0;
			return err_set(err, "out of memory wrapping a text of %zu graphemes", n);
		}
	}
	return 0;
}

void text_lines_release(struct text_lines *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof *ls);
}

void text_iter_init(struct text_iter *it, const struct text_doc *d, const struct text_lines *ls,
		    size_t i)
{
	it->d = d;
	it->l = &ls->v[i];
	it->width = ls->width;
	it->k = 0;
	it->col = 0;
}

bool text_iter_next(struct text_iter *it, struct text_cell *c)
{
	const struct text_grapheme *g;

	if (it->k >= it->l->count)
		return false;
	g = &it->d->g[it->l->first + it->k++];
	c->col = it->col;
	c->cols = cell_cols(g, it->col, it->width);
	c->flags = g->flags;
	if (g->flags & TEXT_G_TAB) {
		c->bytes = spaces;
		c->len = (size_t)c->cols;
	} else if (g->cols > it->width) {
		c->bytes = TOO_WIDE;
		c->len = sizeof TOO_WIDE - 1;
	} else {
		c->bytes = it->d->bytes + g->off;
		c->len = g->len;
	}
	it->col += c->cols;
	return true;
}

size_t text_render_line(const struct text_doc *d, const struct text_lines *ls, size_t i, char *buf,
			size_t cap)
{
	struct text_iter it;
	struct text_cell c;
	size_t need = 0, wrote = 0;
	bool full = cap == 0;

	text_iter_init(&it, d, ls, i);
	while (text_iter_next(&it, &c)) {
		if (!full && wrote + c.len < cap) {
			memcpy(buf + wrote, c.bytes, c.len);
			wrote += c.len;
		} else {
			full = true;
		}
		need += c.len;
	}
	if (cap)
		buf[wrote] = '\0';
	return need;
}
