/* canvas — the in-memory screen (tui/canvas.h). */
#include "canvas.h"

#include <stdlib.h>
#include <string.h>

#include "simsa/text.h"
#include "simsa/util.h"

#define CANVAS_MAX_SIDE 4096

int canvas_resize(struct canvas *c, int w, int h, struct simsa_err *err)
{
	struct cell *cells;

	if (w < 1 || h < 1 || w > CANVAS_MAX_SIDE || h > CANVAS_MAX_SIDE)
		return err_set(err, "terminal size %dx%d is out of range", w, h);
	cells = realloc(c->cells, (size_t)w * (size_t)h * sizeof *cells);
	if (!cells)
		return err_set(err, "out of memory");
	c->cells = cells;
	c->w = w;
	c->h = h;
	canvas_clear(c);
	return 0;
}

void canvas_release(struct canvas *c)
{
	free(c->cells);
	free(c->arena);
	memset(c, 0, sizeof *c);
}

void canvas_clear(struct canvas *c)
{
	size_t n = (size_t)c->w * (size_t)c->h;

	for (size_t i = 0; i < n; i++)
		c->cells[i] = (struct cell){ 0, 0, 1, 0 };
	c->alen = 0;
}

static struct cell *at(struct canvas *c, int y, int x)
{
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

/* Blanks any grapheme that overlaps columns [x0, x1) of row y but is not
 * wholly inside, so no half of a wide grapheme survives an overwrite. */
static void clear_span(struct canvas *c, int y, int x0, int x1)
{
	int x = x0;

	while (x > 0 && at(c, y, x)->cols == 0)
		x--;
	for (; x < x1 && x < c->w;) {
		struct cell *cl = at(c, y, x);
		int n = cl->cols ? cl->cols : 1;

		for (int k = 0; k < n && x + k < c->w; k++)
			*at(c, y, x + k) = (struct cell){ 0, 0, 1, at(c, y, x + k)->attr };
		x += n;
	}
}

static int arena_add(struct canvas *c, const char *b, size_t len, uint32_t *off)
{
	/* offsets into the arena are 32-bit */
	if (len > (size_t)UINT32_MAX - c->alen ||
	    grow_array((void **)&c->arena, &c->acap, c->alen + len, 1) < 0)
		return -1;
	memcpy(c->arena + c->alen, b, len);
	*off = (uint32_t)c->alen;
	c->alen += len;
	return 0;
}

void canvas_put(struct canvas *c, int y, int x, const char *b, size_t len, int cols, unsigned attr)
{
	uint32_t off = 0;

	if (y < 0 || y >= c->h || x < 0 || cols < 1 || x + cols > c->w || len > 255)
		return;
	clear_span(c, y, x, x + cols);
	if (len && arena_add(c, b, len, &off) < 0)
		return;
	*at(c, y, x) = (struct cell){ off, (uint8_t)len, (uint8_t)cols, (uint8_t)attr };
	for (int k = 1; k < cols; k++)
		*at(c, y, x + k) = (struct cell){ 0, 0, 0, (uint8_t)attr };
}

int canvas_text(struct canvas *c, int y, int x, int maxw, const char *s, unsigned attr)
{
	char stack[1024];
	char *buf = stack;
	size_t n = strlen(s), need, pos = 0;
	int col = 0;

	need = text_sanitize_line(s, n, stack, sizeof stack);
	if (need >= sizeof stack) {
		buf = malloc(need + 1);
		if (!buf)
			return 0;
		text_sanitize_line(s, n, buf, need + 1);
	}
	if (x + maxw > c->w)
		maxw = c->w - x;
	while (pos < need) {
		size_t next = text_next_grapheme(buf, need, pos);
		int w = text_width(buf + pos, next - pos);

		if (col + w > maxw)
			break;
		if (w > 0) {
			if (buf[pos] == ' ' && next == pos + 1)
				canvas_put(c, y, x + col, "", 0, 1, attr);
			else
				canvas_put(c, y, x + col, buf + pos, next - pos, w, attr);
		}
		col += w;
		pos = next;
	}
	if (buf != stack)
		free(buf);
	return col;
}

int canvas_text_width(const char *s)
{
	return text_width(s, strlen(s));
}

void canvas_attr(struct canvas *c, int y, int x, int w, unsigned attr)
{
	if (y < 0 || y >= c->h)
		return;
	for (int k = x < 0 ? 0 : x; k < x + w && k < c->w; k++)
		at(c, y, k)->attr |= (uint8_t)attr;
}

void canvas_hline(struct canvas *c, int y, int x, int n, const char *ch, unsigned attr)
{
	size_t len = strlen(ch);

	for (int k = 0; k < n; k++)
		canvas_put(c, y, x + k, ch, len, 1, attr);
}

size_t canvas_row(const struct canvas *c, int y, char *buf, size_t cap)
{
	size_t n = 0, keep = 0;

	for (int x = 0; x < c->w; x++) {
		const struct cell *cl = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
		const char *b = cl->len ? c->arena + cl->off : " ";
		size_t len = cl->len ? cl->len : 1;

		if (cl->cols == 0)
			continue;
		if (n + len < cap)
			memcpy(buf + n, b, len);
		n += len;
		if (cl->len && !(cl->len == 1 && b[0] == ' '))
			keep = n;
	}
	if (cap)
		buf[keep < cap ? keep : cap - 1] = '\0';
	return keep;
}

bool canvas_row_unsafe(const struct canvas *c, int y)
{
	for (int x = 0; x < c->w; x++) {
		const struct cell *cl = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
		const unsigned char *b = (const unsigned char *)c->arena + cl->off;

		for (size_t k = 0; k < cl->len; k++) {
			if (b[k] < 0x20 || b[k] == 0x7f)
				return true;
			/* C1 as UTF-8 is C2 80..C2 9F */
			if (b[k] == 0xc2 && k + 1 < cl->len && b[k + 1] >= 0x80 && b[k + 1] <= 0x9f)
				return true;
		}
	}
	return false;
}
