/* lineedit — the comment editor (tui/lineedit.h). */
#include "lineedit.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "simsa/text.h"

void lineedit_start(struct lineedit *e, const char *text)
{
	size_t n = strlen(text), cut = 0;

	while (cut < n) {
		size_t next = text_next_grapheme(text, n, cut);

		if (next > LINEEDIT_MAX)
			break;
		cut = next;
	}
	memcpy(e->buf, text, cut);
	e->buf[cut] = '\0';
	e->len = cut;
	e->cur = cut;
	e->scroll = 0;
}

bool lineedit_insert(struct lineedit *e, uint32_t cp)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n;

	if ((cp < 0x20 && cp != '\n') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	n = utf8proc_encode_char((utf8proc_int32_t)cp, enc);
	if (n <= 0 || e->len + (size_t)n > LINEEDIT_MAX)
		return false;
	memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, enc, (size_t)n);
	e->len += (size_t)n;
	/* A mark or a jamo joins the grapheme before it: the cursor goes to the
	 * boundary after what was typed, which may lie past the new bytes. */
	e->cur = text_next_grapheme(e->buf, e->len,
				    text_prev_grapheme(e->buf, e->len, e->cur + (size_t)n));
	return true;
}

bool lineedit_backspace(struct lineedit *e)
{
	size_t p;

	if (e->cur == 0)
		return false;
	p = text_prev_grapheme(e->buf, e->len, e->cur);
	memmove(e->buf + p, e->buf + e->cur, e->len - e->cur + 1);
	e->len -= e->cur - p;
	e->cur = p;
	return true;
}

bool lineedit_delete(struct lineedit *e)
{
	size_t q;

	if (e->cur >= e->len)
		return false;
	q = text_next_grapheme(e->buf, e->len, e->cur);
	memmove(e->buf + e->cur, e->buf + q, e->len - q + 1);
	e->len -= q - e->cur;
	return true;
}

bool lineedit_left(struct lineedit *e)
{
	if (e->cur == 0)
		return false;
	e->cur = text_prev_grapheme(e->buf, e->len, e->cur);
	return true;
}

bool lineedit_right(struct lineedit *e)
{
	if (e->cur >= e->len)
		return false;
	e->cur = text_next_grapheme(e->buf, e->len, e->cur);
	return true;
}

bool lineedit_home(struct lineedit *e)
{
	size_t p = e->cur;

	while (p > 0 && e->buf[p - 1] != '\n') /* the start of the cursor's line */
		p--;
	if (p == e->cur)
		return false;
	e->cur = p;
	return true;
}

bool lineedit_end(struct lineedit *e)
{
	const char *nl = memchr(e->buf + e->cur, '\n', e->len - e->cur);
	size_t p = nl ? (size_t)(nl - e->buf) : e->len; /* the end of its line */

	if (p == e->cur)
		return false;
	e->cur = p;
	return true;
}

bool lineedit_kill_before(struct lineedit *e)
{
	if (e->cur == 0)
		return false;
	memmove(e->buf, e->buf + e->cur, e->len - e->cur + 1);
	e->len -= e->cur;
	e->cur = 0;
	return true;
}

int lineedit_cursor_col(const struct lineedit *e)
{
	size_t p = e->cur;

	while (p > 0 && e->buf[p - 1] != '\n')
		p--;
	return text_width(e->buf + p, e->cur - p);
}

/* The rows the text takes in w columns: a row ends at a line break (not
 * drawn) or where the next grapheme would pass w - 1 columns (one is kept
 * for the cursor). row[i] is the byte where row i starts; returns the row
 * count, and the cursor's row and column. */
static size_t edit_layout(const struct lineedit *e, int w, size_t *row, int *crow, int *ccol)
{
	size_t n = 1, p = 0;
	int col = 0;

	row[0] = 0;
	*crow = 0;
	*ccol = 0;
	while (p < e->len) {
		size_t q = text_next_grapheme(e->buf, e->len, p);
		int gw = e->buf[p] == '\n' ? 0 : text_width(e->buf + p, q - p);

		if (e->buf[p] != '\n' && col > 0 && col + gw > w - 1) { /* wrap before it */
			row[n++] = p;
			col = 0;
		}
		if (p == e->cur) {
			*crow = (int)n - 1;
			*ccol = col;
		}
		if (e->buf[p] == '\n') {
			row[n++] = q;
			col = 0;
		} else {
			col += gw;
		}
		p = q;
	}
	if (e->cur >= e->len) {
		*crow = (int)n - 1;
		*ccol = col;
	}
	return n;
}

int lineedit_draw_rows(struct lineedit *e, struct canvas *c, int y_bottom, int x, int w,
		       int max_rows, unsigned attr, int *cy, int *cx)
{
	size_t *row = malloc((e->len + 2) * sizeof *row), n;
	int crow, ccol, shown;

	*cy = y_bottom;
	*cx = x;
	if (!row || w < 2 || max_rows < 1) {
		free(row);
		return 0;
	}
	n = edit_layout(e, w, row, &crow, &ccol);
	shown = n < (size_t)max_rows ? (int)n : max_rows;
	/* scroll: the first row shown, so that the cursor's row is in view */
	if (e->scroll > crow)
		e->scroll = crow;
	if (crow - e->scroll > shown - 1)
		e->scroll = crow - (shown - 1);
	if (e->scroll + shown > (int)n)
		e->scroll = (int)n - shown;
	if (e->scroll < 0)
		e->scroll = 0;
	for (int r = 0; r < shown; r++) {
		size_t i = (size_t)(e->scroll + r), a = row[i], b = i + 1 < n ? row[i + 1] : e->len;
		int yy = y_bottom - shown + 1 + r;
		char tmp[LINEEDIT_MAX + 1];

		if (b > a && e->buf[b - 1] == '\n')
			b--; /* the break itself is not drawn */
		memcpy(tmp, e->buf + a, b - a);
		tmp[b - a] = '\0';
		canvas_hline(c, yy, x, w, " ", attr);
		canvas_text(c, yy, x, w, tmp, attr);
	}
	*cy = y_bottom - shown + 1 + (crow - e->scroll);
	*cx = x + ccol;
	free(row);
	return shown;
}

int lineedit_draw(struct lineedit *e, struct canvas *c, int y, int x, int w, unsigned attr)
{
	int cy, cx;

	lineedit_draw_rows(e, c, y, x, w, 1, attr, &cy, &cx);
	return cx;
}
