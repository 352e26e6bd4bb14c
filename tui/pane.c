/* pane — scrollable, wrapped, lightly formatted untrusted text (tui/pane.h). */
#include "pane.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/util.h"

int pane_set(struct pane *p, const char *text, size_t len, struct simsa_err *err)
{
	struct text_doc *d = text_doc_new(text ? text : "", text ? len : 0, err);

	if (!d)
		return -1;
	text_doc_tidy(d); /* blank lines are no tell (docs/text.md) */
	text_doc_free(&p->doc);
	p->doc = d;
	p->lines.n = 0;
	p->width = 0;
	p->top = 0;
	return 0;
}

static bool is_ascii(const struct text_doc *d, uint32_t k, char ch)
{
	const struct text_grapheme *g = &d->g[k];

	return g->len == 1 && d->bytes[g->off] == ch;
}

/* The first non-blank grapheme of a line, or its end. */
static uint32_t first_ink(const struct text_doc *d, const struct text_line *l)
{
	uint32_t k = l->first, end = l->first + l->count;

	while (k < end && (d->g[k].flags & (TEXT_G_SPACE | TEXT_G_TAB)))
		k++;
	return k;
}

static bool starts_fence(const struct text_doc *d, const struct text_line *l)
{
	uint32_t k = first_ink(d, l), end = l->first + l->count;

	if (k + 3 > end)
		return false;
	for (int i = 0; i < 3; i++)
		if (!is_ascii(d, k + (uint32_t)i, '`') && !is_ascii(d, k + (uint32_t)i, '~'))
			return false;
	return true;
}

static bool starts_heading(const struct text_doc *d, const struct text_line *l)
{
	uint32_t k = first_ink(d, l), end = l->first + l->count;
	uint32_t n = 0;

	while (k + n < end && is_ascii(d, k + n, '#'))
		n++;
	return n >= 1 && n <= 6 && (k + n == end || (d->g[k + n].flags & TEXT_G_SPACE));
}

/* Bold state after a line, given the state before it: "**" toggles. */
static bool scan_bold(const struct text_doc *d, const struct text_line *l, bool bold)
{
	uint32_t end = l->first + l->count;

	for (uint32_t k = l->first; k + 1 < end; k++)
		if (is_ascii(d, k, '*') && is_ascii(d, k + 1, '*')) {
			bold = !bold;
			k++;
		}
	return bold;
}

static int style_lines(struct pane *p, struct simsa_err *err)
{
	bool code = false, bold = false;
	uint8_t kind = PS_TEXT;

	if (grow_array((void **)&p->style, &p->style_cap, p->lines.n, 1) < 0)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < p->lines.n; i++) {
		const struct text_line *l = &p->lines.v[i];
		bool para_start = i == 0 || !(p->lines.v[i - 1].flags & TEXT_L_SOFT);

		if (para_start) {
			bold = false;
			if (starts_fence(p->doc, l)) {
				kind = PS_FENCE;
				code = !code;
			} else if (code) {
				kind = PS_CODE;
			} else {
				kind = starts_heading(p->doc, l) ? PS_HEADING : PS_TEXT;
			}
		}
		p->style[i] = (uint8_t)(kind | (bold ? PANE_BOLD_START : 0));
		if (kind == PS_TEXT || kind == PS_HEADING)
			bold = scan_bold(p->doc, l, bold);
	}
	return 0;
}

int pane_layout(struct pane *p, int w, struct simsa_err *err)
{
	int tw = w - PANE_GUTTER;

	if (!p->doc)
		return 0;
	if (tw < 1)
		tw = 1;
	if (tw > TEXT_MAX_WIDTH)
		tw = TEXT_MAX_WIDTH;
	if (tw == p->width)
		return 0;
	if (text_wrap(p->doc, tw, &p->lines, err) < 0 || style_lines(p, err) < 0) {
		p->width = 0;
		p->lines.n = 0;
		return -1;
	}
	p->width = tw;
	if (p->top >= p->lines.n)
		p->top = p->lines.n ? p->lines.n - 1 : 0;
	return 0;
}

static void draw_line(struct pane *p, struct canvas *c, size_t i, int y, int x)
{
	uint8_t st = p->style[i];
	int kind = PANE_KIND(st);
	bool bold = st & PANE_BOLD_START, stars = false;
	unsigned base = kind == PS_HEADING ? AT_BOLD : kind == PS_TEXT ? 0 : AT_CODE;
	struct text_iter it;
	struct text_cell cell;
	const struct text_doc *d = p->doc;

	if (kind == PS_CODE || kind == PS_FENCE) {
		bool cont = i > 0 && (p->lines.v[i - 1].flags & TEXT_L_SOFT);

		canvas_put(c, y, x, cont ? "↪" : "│", 3, 1, AT_DIM);
	}
	text_iter_init(&it, d, &p->lines, i);
	while (text_iter_next(&it, &cell)) {
		unsigned a = base;

		if (kind == PS_TEXT || kind == PS_HEADING) {
			bool star = cell.len == 1 && cell.bytes[0] == '*';

			const struct text_line *l = &p->lines.v[i];

			if (star &&
			    (stars || (it.k < l->count && is_ascii(d, l->first + it.k, '*')))) {
				/* the first or second star of a "**" pair */
				if (stars)
					bold = !bold;
				stars = !stars;
				a |= AT_DIM;
			} else if (bold) {
				a |= AT_BOLD;
			}
		}
		if (cell.flags & TEXT_G_PLACEHOLDER)
			a |= AT_DIM;
		if (cell.len == 1 && cell.bytes[0] == ' ')
			canvas_put(c, y, x + PANE_GUTTER + cell.col, "", 0, 1, a);
		else
			canvas_put(c, y, x + PANE_GUTTER + cell.col, cell.bytes, cell.len,
				   cell.cols, a);
	}
}

void pane_draw(struct pane *p, struct canvas *c, int y, int x, int h, int w)
{
	p->rows = h;
	if (!p->doc)
		return;
	for (int r = 0; r < h && p->top + (size_t)r < p->lines.n; r++)
		draw_line(p, c, p->top + (size_t)r, y + r, x);
	(void)w;
}

static size_t max_top(const struct pane *p)
{
	size_t rows = p->rows > 0 ? (size_t)p->rows : 1;

	return p->lines.n > rows ? p->lines.n - rows : 0;
}

void pane_scroll(struct pane *p, long delta)
{
	size_t mt = max_top(p);

	if (delta < 0 && (size_t)-delta > p->top)
		p->top = 0;
	else if (delta < 0)
		p->top -= (size_t)-delta;
	else
		p->top += (size_t)delta;
	if (p->top > mt)
		p->top = mt;
}

void pane_page(struct pane *p, int dir)
{
	long page = p->rows > 2 ? p->rows - 1 : 1;

	pane_scroll(p, dir * page);
}

void pane_top(struct pane *p)
{
	p->top = 0;
}
void pane_bottom(struct pane *p)
{
	p->top = max_top(p);
}
size_t pane_line_count(const struct pane *p)
{
	return p->lines.n;
}

void pane_release(struct pane *p)
{
	text_doc_free(&p->doc);
	text_lines_release(&p->lines);
	free(p->style);
	memset(p, 0, sizeof *p);
}
