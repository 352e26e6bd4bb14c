/* lineedit — the comment editor (tui/lineedit.h). */
#include "lineedit.h"

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

	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp > 0x10ffff ||
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
	bool moved = e->cur != 0;

	e->cur = 0;
	return moved;
}

bool lineedit_end(struct lineedit *e)
{
	bool moved = e->cur != e->len;

	e->cur = e->len;
	return moved;
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
	return text_width(e->buf, e->cur);
}

int lineedit_draw(struct lineedit *e, struct canvas *c, int y, int x, int w, unsigned attr)
{
	int ccol = lineedit_cursor_col(e);
	size_t start = 0;
	int skipped = 0;

	if (w < 2)
		return x;
	/* keep one column after the cursor for the cursor itself */
	if (ccol - e->scroll > w - 1)
		e->scroll = ccol - (w - 1);
	if (ccol < e->scroll)
		e->scroll = ccol;
	if (e->scroll < 0)
		e->scroll = 0;
	while (start < e->len && skipped < e->scroll) {
		size_t next = text_next_grapheme(e->buf, e->len, start);

		skipped += text_width(e->buf + start, next - start);
		start = next;
	}
	canvas_hline(c, y, x, w, " ", attr);
	{
		char tmp[LINEEDIT_MAX + 1];
		size_t n = e->len - start;

		memcpy(tmp, e->buf + start, n);
		tmp[n] = '\0';
		canvas_text(c, y, x, w, tmp, attr);
	}
	return x + ccol - skipped;
}
