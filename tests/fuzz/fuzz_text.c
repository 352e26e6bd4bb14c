/* libFuzzer target: src/text.c on any bytes. What the sanitizer promises
 * (include/simsa/text.h) is checked on every output, not only that nothing
 * crashes: valid UTF-8 with no C0, DEL, C1, bidi, zero-width, tag, private-use
 * or unassigned code point (a ZWJ only inside an emoji sequence); wrapped
 * lines within their width; text_fit within its columns; grapheme stepping
 * the same both ways. `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "simsa/text.h"
#include "simsa/util.h"

#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_text: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* Every code point of s (len bytes, which must be valid UTF-8) is one a
 * terminal may be handed; line breaks (U+2028/9) only if breaks_ok. */
static void check_safe(const char *s, size_t len, int breaks_ok)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t pos = 0, n = (utf8proc_ssize_t)len;
	int32_t prev = -1;

	CHECK(utf8_valid(s, len, NULL));
	while (pos < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t m = utf8proc_iterate(u + pos, n - pos, &cp);
		const utf8proc_property_t *p;

		CHECK(m > 0);
		p = utf8proc_get_property(cp);
		CHECK(cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0));
		CHECK(p->category != UTF8PROC_CATEGORY_CC && p->category != UTF8PROC_CATEGORY_CS &&
		      p->category != UTF8PROC_CATEGORY_CO && p->category != UTF8PROC_CATEGORY_CN);
		if (!breaks_ok)
			CHECK(p->category != UTF8PROC_CATEGORY_ZL &&
			      p->category != UTF8PROC_CATEGORY_ZP);
		if (p->category == UTF8PROC_CATEGORY_CF) {
			utf8proc_int32_t next = -1;

			/* the one format character kept: a ZWJ between pictographs */
			CHECK(cp == 0x200D && prev >= 0 && pos + m < n);
			CHECK(utf8proc_iterate(u + pos + m, n - pos - m, &next) > 0);
			CHECK(utf8proc_get_property(next)->boundclass ==
			      UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC);
		}
		/* Default_Ignorable letters (Hangul fillers) draw as nothing */
		if (p->ignorable)
			CHECK(p->category == UTF8PROC_CATEGORY_MN ||
			      p->category == UTF8PROC_CATEGORY_ME ||
			      p->category == UTF8PROC_CATEGORY_MC ||
			      p->category == UTF8PROC_CATEGORY_CF);
		prev = cp;
		pos += m;
	}
}

static void check_doc(const struct text_doc *d)
{
	size_t off = 0;

	CHECK(d->bytes[d->nbytes] == '\0');
	check_safe(d->bytes, d->nbytes, 0);
	for (size_t i = 0; i < d->ng; i++) {
		const struct text_grapheme *g = &d->g[i];

		CHECK(g->off == off && (size_t)g->off + g->len <= d->nbytes);
		off += g->len;
		if (g->flags & (TEXT_G_TAB | TEXT_G_NEWLINE)) {
			CHECK(g->len == 0 && g->width == 0 && g->cols == 0);
		} else {
			CHECK(g->len > 0 && g->width >= 1 && g->cols >= g->width);
			CHECK(utf8_valid(d->bytes + g->off, g->len, NULL));
		}
	}
	CHECK(off == d->nbytes);
}

static void check_wrap(const struct text_doc *d, int width)
{
	struct text_lines ls = TEXT_LINES_INIT;
	struct simsa_err err;
	static char buf[1 << 16];

	CHECK(text_wrap(d, width, &ls, &err) == 0);
	CHECK(ls.width == width);
	for (size_t i = 0; i < ls.n; i++) {
		const struct text_line *l = &ls.v[i];
		struct text_iter it;
		struct text_cell c;
		int end = 0;
		size_t n;

		CHECK(l->cols <= width);
		CHECK((size_t)l->first + l->count <= d->ng);
		text_iter_init(&it, d, &ls, i);
		while (text_iter_next(&it, &c)) {
			CHECK(c.col >= end && c.cols >= 0 && c.col + c.cols <= width);
			if (c.len)
				check_safe(c.bytes, c.len, 0);
			end = c.col + c.cols;
		}
		CHECK(end <= l->cols);
		n = text_render_line(d, &ls, i, buf, sizeof buf);
		if (n < sizeof buf) {
			CHECK(strlen(buf) == n);
			check_safe(buf, n, 0);
			CHECK(text_width(buf, n) <= width);
		}
	}
	text_lines_release(&ls);
}

static void check_line(const char *s, size_t len)
{
	static char buf[1 << 17], small[17];
	size_t need = text_sanitize_line(s, len, buf, sizeof buf), cut;
	int w = text_width(s, len);

	if (need < sizeof buf) {
		CHECK(strlen(buf) == need);
		check_safe(buf, need, 0);
	}
	/* a short buffer gets whole graphemes only, still safe */
	cut = text_sanitize_line(s, len, small, sizeof small);
	CHECK(cut == need && strlen(small) < sizeof small);
	check_safe(small, strlen(small), 0);
	CHECK(w >= 0);
	for (int cols = 0; cols <= 12; cols += 3) {
		size_t fit = text_fit(s, len, cols);

		CHECK(fit <= len && text_width(s, fit) <= cols);
	}
	CHECK(text_fit(s, len, w) == len);
}

/* Boundaries going forward and going back are the same ones. Stepping back
 * scans from a sure boundary, which in a long run of non-ASCII text is far
 * back: only the first STEP_SPAN bytes are walked, or it is all the fuzzer
 * does. */
#define STEP_SPAN 1024
static void check_steps(const char *s, size_t len)
{
	size_t pos = 0, next;

	CHECK(text_prev_grapheme(s, len, 0) == 0 && text_next_grapheme(s, len, len) == len);
	while (pos < len && pos < STEP_SPAN) {
		next = text_next_grapheme(s, len, pos);
		CHECK(next > pos && next <= len);
		CHECK(text_prev_grapheme(s, len, next) == pos);
		pos = next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int widths[] = { 1, 2, 3, 5, 8, 13, 40, 80 };
	const char *s = (const char *)data;
	struct simsa_err err;
	struct text_doc *d = text_doc_new(s, size, &err);

	CHECK(d != NULL);
	check_doc(d);
	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
		check_wrap(d, widths[i]);
	text_doc_free(&d);
	CHECK(d == NULL);
	check_line(s, size);
	check_steps(s, size);
	return 0;
}
