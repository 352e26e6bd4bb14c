/* Unit tests: decoding, sanitizing, widths, graphemes and wrapping
 * (src/text.c, src/text_wrap.c). Expected values are worked out by hand
 * from the rules in docs/text.md. */
#include "testutil.h"

#include <utf8proc.h>

#include "simsa/text.h"

static unsigned long long run_seed; /* of the pseudo-random bytes: test_seed() */

/* ---- helpers ------------------------------------------------------------ */

static struct text_doc *doc_n(const char *s, size_t n)
{
	struct simsa_err err;
	struct text_doc *d = text_doc_new(s, n, &err);

	assert_non_null(d);
	return d;
}

static struct text_doc *doc(const char *s)
{
	return doc_n(s, strlen(s));
}

/* True for code points that must never reach the terminal. */
static bool dangerous(int32_t cp, bool zwj_ok)
{
	static const int32_t list[] = {
		0x061C, 0x180E, 0x200B, 0x200C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202B,
		0x202C, 0x202D, 0x202E, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF,
	};
	int cat = utf8proc_category(cp);

	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return true;
	if (cp >= 0xE0000 && cp <= 0xE007F)
		return true;
	if (cp == 0x200D)
		return !zwj_ok;
	for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
		if (list[i] == cp)
			return true;
	return cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
	       cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_CO ||
	       cat == UTF8PROC_CATEGORY_CS || cat == UTF8PROC_CATEGORY_ZL ||
	       cat == UTF8PROC_CATEGORY_ZP;
}

/* Scans bytes about to be drawn: valid UTF-8, no control byte, nothing on
 * the dangerous lists. */
static void assert_safe(const char *s, size_t n, bool zwj_ok)
{
	for (size_t i = 0; i < n;) {
		int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(n - i), &cp);

		assert_true(k > 0);
		assert_true((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] != 0x7F);
		if (dangerous(cp, zwj_ok))
			fail_msg("U+%04X at byte %zu of \"%.*s\"", (unsigned)cp, i, (int)n, s);
		i += (size_t)k;
	}
}

/* Wraps src at width and returns the rendered lines joined by '\n'
 * (caller frees), checking each line on the way: safe, no wider than the
 * pane, and as wide as text_width says. */
static char *layout_n(const char *src, size_t len, int width, size_t *nlines)
{
	struct simsa_err err;
	struct text_doc *d = doc_n(src, len);
	struct text_lines ls = TEXT_LINES_INIT;
	size_t cap = 64, used = 0;
	char *out = malloc(cap), line[8192];

	assert_non_null(out);
	out[0] = '\0';
	assert_int_equal(text_wrap(d, width, &ls, &err), 0);
	for (size_t i = 0; i < ls.n; i++) {
		size_t n = text_render_line(d, &ls, i, line, sizeof line);

		assert_true(n < sizeof line);
		assert_safe(line, n, true);
		assert_true(ls.v[i].cols <= width);
		assert_int_equal(text_width(line, n), ls.v[i].cols);
		while (used + n + 2 > cap)
			out = realloc(out, cap *= 2);
		if (i)
			out[used++] = '\n';
		memcpy(out + used, line, n);
		used += n;
		out[used] = '\0';
	}
	if (nlines)
		*nlines = ls.n;
	text_lines_release(&ls);
	text_doc_free(&d);
	return out;
}

static char *layout(const char *src, int width)
{
	return layout_n(src, strlen(src), width, NULL);
}

#define assert_layout(src, width, want)              \
	do {                                         \
		char *got_ = layout((src), (width)); \
		assert_string_equal(got_, (want));   \
		free(got_);                          \
	} while (0)

/* ---- widths and graphemes ----------------------------------------------- */

static void test_hangul_syllables_are_two_columns(void **state)
{
	struct text_doc *d = doc("한국어");

	assert_int_equal(d->ng, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(d->g[i].width, 2);
		assert_int_equal(d->g[i].cols, 2);
		assert_int_equal(d->g[i].len, 3);
		assert_int_equal(d->g[i].flags, 0);
	}
	assert_int_equal(text_width("한국어", strlen("한국어")), 6);
	text_doc_free(&d);
	assert_null(d);
}

static void test_decomposed_jamo_are_one_grapheme(void **state)
{
	/* choseong KIYEOK, jungseong A, jongseong KIYEOK: 각 written in jamo */
	const char *lvt = "\u1100\u1161\u11A8";
	struct text_doc *d = doc(lvt);

	assert_int_equal(d->ng, 1);
	assert_int_equal(d->g[0].width, 2);
	assert_int_equal(d->g[0].cols, 2);
	assert_int_equal(d->g[0].len, 9);
	assert_memory_equal(d->bytes, lvt, 9);
	text_doc_free(&d);

	/* a medial vowel with no initial has nothing to sit on */
	d = doc("\u1161");
	assert_int_equal(d->ng, 1);
	assert_int_equal(d->g[0].flags, TEXT_G_ORPHAN);
	assert_string_equal(d->bytes, "\u25CC\u1161");
	assert_int_equal(d->g[0].cols, 1);
	text_doc_free(&d);
}

static void test_combining_marks_join_their_base(void **state)
{
	struct text_doc *d = doc("e\u0301x");

	assert_int_equal(d->ng, 2);
	assert_int_equal(d->g[0].len, 3);
	assert_int_equal(d->g[0].width, 1);
	assert_int_equal(d->g[0].cols, 1);
	assert_int_equal(d->g[1].width, 1);
	text_doc_free(&d);

	/* a mark at the start, or after a placeholder, gets a dotted circle */
	d = doc("\u0301\x01\u0308");
	assert_int_equal(d->ng, 3);
	assert_string_equal(d->bytes, "\u25CC\u0301\u2401\u25CC\u0308");
	assert_int_equal(d->g[0].flags, TEXT_G_ORPHAN);
	assert_int_equal(d->g[0].width, 1);
	assert_int_equal(d->g[2].flags, TEXT_G_ORPHAN);
	text_doc_free(&d);
	assert_int_equal(text_width("a\u0301\u0302\u0303", strlen("a\u0301\u0302\u0303")), 1);
}

static void test_emoji_zwj_family_is_one_grapheme(void **state)
{
	const char *family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
	struct text_doc *d = doc(family);

	assert_int_equal(d->ng, 1);
	assert_int_equal(d->g[0].width, 2);
	/* three 2-column emoji to a terminal that draws them one by one */
	assert_int_equal(d->g[0].cols, 6);
	assert_int_equal(d->g[0].len, strlen(family));
	assert_string_equal(d->bytes, family);
	assert_int_equal(d->g[0].flags, 0);
	text_doc_free(&d);

	/* a ZWJ outside an emoji sequence is shown */
	d = doc("a\u200Db");
	assert_int_equal(d->ng, 3);
	assert_string_equal(d->bytes, "a\u27E8ZWJ\u27E9b");
	assert_int_equal(d->g[1].flags, TEXT_G_PLACEHOLDER);
	assert_int_equal(d->g[1].cols, 5);
	text_doc_free(&d);

	/* an emoji followed by ZWJ and a letter: the ZWJ joins nothing */
	d = doc("\U0001F468\u200Dx");
	assert_int_equal(d->ng, 3);
	assert_string_equal(d->bytes, "\U0001F468\u27E8ZWJ\u27E9x");
	text_doc_free(&d);
}

static void test_emoji_presentation_and_modifiers(void **state)
{
	struct text_doc *d = doc("\u2764\uFE0F\U0001F44D\U0001F3FD#\uFE0F\u20E3");

	assert_int_equal(d->ng, 3);
	/* heart + VS16: drawn as a 2-column emoji */
	assert_int_equal(d->g[0].width, 2);
	assert_int_equal(d->g[0].cols, 2);
	/* thumbs up + skin tone: one glyph of 2, or two of 2 each */
	assert_int_equal(d->g[1].width, 2);
	assert_int_equal(d->g[1].cols, 4);
	/* keycap */
	assert_int_equal(d->g[2].width, 2);
	assert_int_equal(d->g[2].len, 7);
	text_doc_free(&d);
}

static void test_flags_pair_regional_indicators(void **state)
{
	/* KR, JP and one left over */
	struct text_doc *d = doc("\U0001F1F0\U0001F1F7\U0001F1EF\U0001F1F5\U0001F1FA");

	assert_int_equal(d->ng, 3);
	assert_int_equal(d->g[0].len, 8);
	assert_int_equal(d->g[0].width, 2);
	assert_int_equal(d->g[1].len, 8);
	assert_int_equal(d->g[1].width, 2);
	assert_int_equal(d->g[2].len, 4);
	assert_int_equal(d->g[2].width, 1);
	text_doc_free(&d);
}

static void test_cjk_ascii_and_spaces(void **state)
{
	struct text_doc *d = doc("中文 ab\u3000c\u00A0d");

	/* 中 文 SP a b IDEOGRAPHIC-SPACE c NBSP d */
	assert_int_equal(d->ng, 9);
	assert_int_equal(d->g[0].width, 2);
	assert_int_equal(d->g[1].width, 2);
	assert_int_equal(d->g[2].flags, TEXT_G_SPACE);
	assert_int_equal(d->g[3].width, 1);
	assert_int_equal(d->g[5].flags, TEXT_G_SPACE);
	assert_int_equal(d->g[5].width, 2);
	assert_int_equal(d->g[7].flags, 0); /* no-break space is not a break */
	text_doc_free(&d);
	assert_int_equal(text_width("abc한", strlen("abc한")), 5);
	assert_int_equal(text_width("", 0), 0);
}

static void test_long_mark_runs_are_cut(void **state)
{
	char zalgo[128];
	size_t n = 0;
	struct text_doc *d;

	zalgo[n++] = 'Z';
	for (int i = 0; i < 40; i++) {
		memcpy(zalgo + n, "\u0336", 2);
		n += 2;
	}
	d = doc_n(zalgo, n);
	/* Z + 15 marks, 15 marks on ◌, 10 marks on ◌ */
	assert_int_equal(d->ng, 3);
	assert_int_equal(d->g[0].flags, 0);
	assert_int_equal(d->g[0].len, 1 + 15 * 2);
	assert_int_equal(d->g[1].flags, TEXT_G_ORPHAN);
	assert_int_equal(d->g[1].len, 3 + 15 * 2);
	assert_int_equal(d->g[2].len, 3 + 10 * 2);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(d->g[i].cols, 1);
	text_doc_free(&d);
}

/* ---- hostile input ------------------------------------------------------ */

struct hostile {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen */
	const char *want;
};

static const struct hostile hostile[] = {
	{ "clear screen", "\x1b[2Jok", 0, "\u241B[2Jok" },
	{ "cursor move", "a\x1b[10;10Hb", 0, "a\u241B[10;10Hb" },
	{ "set title", "\x1b]0;pwned\x07", 0, "\u241B]0;pwned\u2407" },
	{ "clipboard OSC 52", "\x1b]52;c;ZWNobyBoaQ==\x1b\\", 0,
	  "\u241B]52;c;ZWNobyBoaQ==\u241B\\" },
	{ "DCS query", "\x1bP+q544e\x1b\\", 0, "\u241BP+q544e\u241B\\" },
	{ "C1 CSI",
	  "\xc2\x9b"
	  "6n",
	  0,
	  "\u27E8CSI\u27E9"
	  "6n" },
	{ "C1 OSC and ST",
	  "\xc2\x9d"
	  "0;t\xc2\x9c",
	  0,
	  "\u27E8OSC\u27E9"
	  "0;t\u27E8ST\u27E9" },
	{ "NEL",
	  "a\xc2\x85"
	  "b",
	  0, "a\u27E8NEL\u27E9b" },
	{ "RLO", "abc\u202Edef", 0, "abc\u27E8RLO\u27E9def" },
	{ "LRI PDI", "\u2066x\u2069", 0, "\u27E8LRI\u27E9x\u27E8PDI\u27E9" },
	{ "RLM ALM", "\u200F\u061C", 0, "\u27E8RLM\u27E9\u27E8ALM\u27E9" },
	{ "ZWJ before an emoji", "a\u200D\U0001F469", 0, "a\u27E8ZWJ\u27E9\U0001F469" },
	{ "zero width space", "a\u200Bb", 0, "a\u27E8ZWSP\u27E9b" },
	{ "BOM and word joiner", "\uFEFFa\u2060", 0, "\u27E8BOM\u27E9a\u27E8WJ\u27E9" },
	{ "tags", "hi\U000E0041\U000E0020\U000E007F", 0,
	  "hi\u27E8tag:A\u27E9\u27E8U+E0020\u27E9\u27E8U+E007F\u27E9" },
	{ "lone CR", "a\rb", 0, "a\u240Db" },
	{ "NUL", "a\0b", 3, "a\u2400b" },
	{ "DEL",
	  "a\x7f"
	  "b",
	  0, "a\u2421b" },
	{ "BEL VT FF", "\x07\x0b\x0c", 0, "\u2407\u240B\u240C" },
	{ "lone continuation", "\x80", 0, "\uFFFD" },
	{ "truncated 2-byte", "a\xc3", 0, "a\uFFFD" },
	{ "truncated 3-byte then ASCII",
	  "\xe2\x82"
	  "A",
	  0,
	  "\uFFFD"
	  "A" },
	{ "truncated 4-byte", "\xf0\x9f\x98", 0, "\uFFFD" },
	{ "overlong slash", "\xc0\xaf", 0, "\uFFFD\uFFFD" },
	{ "overlong 3-byte", "\xe0\x80\xaf", 0, "\uFFFD\uFFFD\uFFFD" },
	{ "surrogate", "\xed\xa0\x80", 0, "\uFFFD\uFFFD\uFFFD" },
	{ "beyond U+10FFFF", "\xf4\x90\x80\x80", 0, "\uFFFD\uFFFD\uFFFD\uFFFD" },
	{ "F5 byte", "\xf5\x80", 0, "\uFFFD\uFFFD" },
	{ "5-byte form", "\xf8\x88\x80\x80\x80", 0, "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD" },
	{ "FF byte", "x\xffy", 0, "x\uFFFDy" },
	{ "Hangul filler names", "$\u115F\u1160=\u3164", 0,
	  "$\u27E8U+115F\u27E9\u27E8U+1160\u27E9=\u27E8U+3164\u27E9" },
	{ "private use", "\uE000", 0, "\u27E8U+E000\u27E9" },
	{ "unassigned", "\u0378", 0, "\u27E8U+0378\u27E9" },
	{ "noncharacters", "\uFDD0\U0010FFFF", 0, "\u27E8U+FDD0\u27E9\u27E8U+10FFFF\u27E9" },
	{ "soft hyphen", "co\u00ADop", 0, "co\u27E8SHY\u27E9op" },
};

static void test_hostile_input_becomes_placeholders(void **state)
{
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		const struct hostile *h = &hostile[i];
		size_t len = h->len ? h->len : strlen(h->in);
		char *got = layout_n(h->in, len, 80, NULL);
		char line[256];
		size_t n;

		if (strcmp(got, h->want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", h->name, got, h->want);
		assert_safe(got, strlen(got), false);
		free(got);
		/* and the same as a one-line string */
		n = text_sanitize_line(h->in, len, line, sizeof line);
		assert_int_equal(n, strlen(h->want));
		assert_string_equal(line, h->want);
	}
}

static void test_placeholders_are_flagged(void **state)
{
	struct text_doc *d = doc_n("\x1b\xff\u202E", 5);

	assert_int_equal(d->ng, 3);
	assert_int_equal(d->g[0].flags, TEXT_G_PLACEHOLDER);
	assert_int_equal(d->g[1].flags, TEXT_G_PLACEHOLDER | TEXT_G_INVALID);
	assert_int_equal(d->g[2].flags, TEXT_G_PLACEHOLDER);
	for (size_t i = 0; i < d->ng; i++)
		assert_true(d->g[i].width > 0 && d->g[i].cols == d->g[i].width);
	text_doc_free(&d);
}

static void test_line_breaks(void **state)
{
	size_t n;
	char *got =
		layout_n("a\r\nb\nc\u2028d\u2029e\n", strlen("a\r\nb\nc\u2028d\u2029e\n"), 80, &n);

	assert_string_equal(got, "a\nb\nc\nd\ne");
	assert_int_equal(n, 5);
	free(got);
	got = layout_n("a\n\nb\n", 5, 80, &n);
	assert_string_equal(got, "a\n\nb");
	assert_int_equal(n, 3);
	free(got);
	got = layout_n("", 0, 80, &n);
	assert_int_equal(n, 0);
	free(got);
}

/* Every byte value, and pseudo-random bytes, at several widths: whatever
 * comes in, what is drawn is safe and fits (layout_n checks). */
static void test_any_bytes_render_safely(void **state)
{
	static const int widths[] = { 1, 2, 3, 7, 20, 80 };
	size_t len = 64 << 10;
	char *buf = malloc(len), *got;
	uint32_t x = (uint32_t)run_seed;

	for (int b = 0; b < 256; b++) {
		char one[3] = { 'a', (char)b, 'z' };

		got = layout_n(one, 3, 80, NULL);
		free(got);
	}
	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		/* favour bytes that make trouble */
		unsigned v = (x >> 16) & 0xFF;
		buf[i] = (char)((x >> 8) % 5 == 0 ? v % 0x20 : v);
	}
	for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
		got = layout_n(buf, len, widths[w], NULL);
		free(got);
	}
	free(buf);
}

/* Every code point alone on its line: drawn safely, as itself with utf8proc's
 * width, on a dotted circle, or as a placeholder. */
static void test_every_code_point(void **state)
{
	size_t cap = 8u << 20, len = 0;
	char *buf = malloc(cap), *got;
	struct text_doc *d;

	for (int32_t cp = 0; cp < 0x110000; cp++) {
		if (cp >= 0xD800 && cp < 0xE000)
			continue;
		len += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf + len);
		buf[len++] = '\n';
	}
	d = doc_n(buf, len);
	for (size_t i = 0, line = 0; i < d->ng; i++, line++) {
		const struct text_grapheme *g = &d->g[i];
		int32_t cp;

		if (line == '\r') { /* with the separator, CR LF: one break */
			assert_int_equal(g->flags, TEXT_G_NEWLINE);
			continue;
		}
		if (line == '\n' || line == '\t' || line == 0x2028 || line == 0x2029) {
			assert_int_equal(g->flags, line == '\t' ? TEXT_G_TAB : TEXT_G_NEWLINE);
			i++;
			continue;
		}
		assert_true(g->width >= 1 && g->cols == g->width);
		assert_true(g->width <= 2 || (g->flags & TEXT_G_PLACEHOLDER));
		assert_safe(d->bytes + g->off, g->len, false);
		utf8proc_iterate((const utf8proc_uint8_t *)d->bytes + g->off, g->len, &cp);
		if ((g->flags & ~TEXT_G_SPACE) == 0) {
			assert_int_equal(cp, line);
			assert_int_equal(g->width, utf8proc_charwidth(cp));
		} else if (g->flags == TEXT_G_ORPHAN) {
			assert_int_equal(cp, 0x25CC);
		} else if (!(g->flags & TEXT_G_PLACEHOLDER)) {
			fail_msg("U+%04X: flags %#x", (unsigned)line, g->flags);
		}
		assert_true(d->g[++i].flags & TEXT_G_NEWLINE);
		if (line == 0xD7FF)
			line = 0xDFFF;
	}
	text_doc_free(&d);
	got = layout_n(buf, len, 7, NULL);
	free(got);
	free(buf);
}

/* ---- wrapping ----------------------------------------------------------- */

static void test_wrap_at_spaces(void **state)
{
	assert_layout("가나다 라마", 6, "가나다\n라마");
	assert_layout("가나다 라마", 7, "가나다\n라마");
	assert_layout("가나다 라마", 11, "가나다 라마");
	assert_layout("hello world foo", 11, "hello world\nfoo");
	assert_layout("hello world foo", 10, "hello\nworld foo");
	/* spaces at the wrap point are dropped, not carried */
	assert_layout("abc   def", 5, "abc\ndef");
	/* and spaces running into a line break end that line, adding none */
	assert_layout("abc   \ndef", 4, "abc\ndef");
	/* but indentation at the start of a paragraph is kept */
	assert_layout("  x\n    y", 10, "  x\n    y");
}

static void test_wrap_korean_sentence(void **state)
{
	/* words: 10, 6, 8, 6, 2, 4 and 9 columns */
	const char *s = "대한민국의 수도는 서울이며 인구는 약 천만 명입니다.";

	assert_layout(s, 20, "대한민국의 수도는\n서울이며 인구는 약\n천만 명입니다.");
	assert_layout(s, 21, "대한민국의 수도는\n서울이며 인구는 약\n천만 명입니다.");
	assert_layout(s, 26, "대한민국의 수도는 서울이며\n인구는 약 천만 명입니다.");
}

static void test_wide_chars_never_split(void **state)
{
	struct simsa_err err;
	struct text_doc *d = doc("가가가가가가가가가가가"); /* 11, no spaces */
	struct text_lines ls = TEXT_LINES_INIT;

	for (int w = 20; w <= 21; w++) {
		assert_int_equal(text_wrap(d, w, &ls, &err), 0);
		assert_int_equal(ls.n, 2);
		assert_int_equal(ls.v[0].count, 10);
		assert_int_equal(ls.v[0].cols, 20); /* at 21, column 21 stays empty */
		assert_int_equal(ls.v[0].flags, TEXT_L_SOFT);
		assert_int_equal(ls.v[1].count, 1);
		assert_int_equal(ls.v[1].flags, 0);
		assert_int_equal(ls.width, w);
	}
	text_lines_release(&ls);
	text_doc_free(&d);
	assert_layout("가나다", 5, "가나\n다");
	/* a pane of one column shows each wide grapheme as a 1-column mark */
	assert_layout("가a", 1, "\u203A\na");
	/* a placeholder wider than the pane, likewise */
	assert_layout("\u202E", 4, "\u203A");
}

static void test_wrap_long_tokens(void **state)
{
	assert_layout("abcdefghij", 4, "abcd\nefgh\nij");
	assert_layout("ab verylongword cd", 5, "ab\nveryl\nongwo\nrd cd");
	assert_layout("https://example.com/a/very/long/path", 12,
		      "https://exam\nple.com/a/ve\nry/long/path");
}

static void test_tabs_expand_to_stops(void **state)
{
	assert_layout("a\tb", 20, "a       b");
	assert_layout("ab\tc\td", 40, "ab      c       d");
	assert_layout("abcdefgh\tx", 20, "abcdefgh        x");
	/* a tab is a break opportunity like a space */
	assert_layout("abcd\tefghijk", 10, "abcd\nefghijk");

	char line[64];
	struct simsa_err err;
	struct text_doc *d = doc("\tx");
	struct text_lines ls = TEXT_LINES_INIT;
	struct text_iter it;
	struct text_cell c;

	assert_int_equal(text_wrap(d, 80, &ls, &err), 0);
	assert_int_equal(ls.v[0].cols, 9);
	text_iter_init(&it, d, &ls, 0);
	assert_true(text_iter_next(&it, &c));
	assert_int_equal(c.col, 0);
	assert_int_equal(c.cols, 8);
	assert_int_equal(c.flags, TEXT_G_TAB);
	assert_true(text_iter_next(&it, &c));
	assert_int_equal(c.col, 8);
	assert_false(text_iter_next(&it, &c));
	assert_int_equal(text_render_line(d, &ls, 0, line, sizeof line), 9);
	assert_string_equal(line, "        x");
	text_lines_release(&ls);
	text_doc_free(&d);
}

static void test_render_truncates_whole_graphemes(void **state)
{
	struct simsa_err err;
	struct text_doc *d = doc("가나다");
	struct text_lines ls = TEXT_LINES_INIT;
	char small[8];

	assert_int_equal(text_wrap(d, 80, &ls, &err), 0);
	assert_int_equal(text_render_line(d, &ls, 0, small, sizeof small), 9);
	assert_string_equal(small, "가나");
	assert_int_equal(text_render_line(d, &ls, 0, NULL, 0), 9);
	assert_int_equal(text_wrap(d, 0, &ls, &err), -1);
	assert_non_null(strstr(err.msg, "width 0"));
	text_lines_release(&ls);
	text_doc_free(&d);
}

/* 100 KB of Korean prose: every grapheme is either shown once, in order, or
 * is a space dropped at a wrap or a line break. */
static void test_wrap_100k(void **state)
{
	const char *para = "심사 콘솔은 두 모델의 답변을 나란히 보여 주고, 평가자는 "
			   "기준마다 점수를 매긴다. 긴 줄은 낱말 경계에서 접힌다.\n";
	size_t plen = strlen(para), len = 0, cap = (100 << 10) + plen;
	char *text = malloc(cap);
	struct simsa_err err;
	struct text_lines ls = TEXT_LINES_INIT;

	while (len + plen < cap) {
		memcpy(text + len, para, plen);
		len += plen;
	}
	struct text_doc *d = doc_n(text, len);

	assert_true(len >= 100 << 10);
	for (int w = 20; w <= 98; w += 39) {
		size_t next = 0;

		assert_int_equal(text_wrap(d, w, &ls, &err), 0);
		assert_true(ls.n > len / 3 / w);
		for (size_t i = 0; i < ls.n; i++) {
			const struct text_line *l = &ls.v[i];

			assert_true(l->cols <= w);
			assert_true(l->first >= next);
			for (; next < l->first; next++)
				assert_true(d->g[next].flags & (TEXT_G_SPACE | TEXT_G_NEWLINE));
			next = l->first + l->count;
		}
		for (; next < d->ng; next++)
			assert_true(d->g[next].flags & (TEXT_G_SPACE | TEXT_G_NEWLINE));
	}
	text_lines_release(&ls);
	text_doc_free(&d);
	free(text);
}

/* What is drawn reads back as itself: sanitizing twice changes nothing,
 * and the width of the drawn text is the width of the input. */
static void test_sanitizing_is_idempotent(void **state)
{
	size_t len = 16 << 10, cap = 16 * len;
	char *in = malloc(len), *once = malloc(cap), *twice = malloc(cap);
	uint32_t x = 777;

	/* marks past TEXT_GRAPHEME_MAX, on Z and on ◌ */
	in[0] = 'Z';
	for (size_t i = 0; i < 50; i++)
		memcpy(in + 1 + 2 * i, "\u0336", 2);
	assert_int_equal(text_sanitize_line(in, 101, once, cap), 101 + 3 * 3);
	assert_int_equal(text_sanitize_line(once, 110, twice, cap), 110);
	assert_memory_equal(once, twice, 110);

	memset(in, 'x', len);
	for (int round = 0; round < 40; round++) {
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			unsigned v = (x >> 16) & 0xFF;
			/* mostly UTF-8 of marks, jamo, emoji and controls */
			static const char *bits[] = { "\u0301",     "\u1161",   "\u11A8",
						      "\u1100",     "\u200D",   "\U0001F468",
						      "\U0001F1F0", "\uFE0F",   "\u102B",
						      "\x1b",       "\t",       "\r",
						      "\n",         "\xe2\x82", "\u0600",
						      "\u0D4E",     "a",        " " };
			const char *b = bits[v % (sizeof bits / sizeof bits[0])];
			size_t bl = strlen(b);

			if (i + bl > len)
				break;
			memcpy(in + i, b, bl);
			i += bl - 1;
			if (v > 250)
				in[i] = (char)(x >> 24);
		}
		size_t n1 = text_sanitize_line(in, len, once, cap);
		size_t n2 = text_sanitize_line(once, n1, twice, cap);

		assert_true(n1 < cap);
		assert_int_equal(n2, n1);
		assert_memory_equal(once, twice, n1);
		assert_int_equal(text_width(once, n1), text_width(in, len));
		assert_safe(once, n1, true);
	}
	free(in);
	free(once);
	free(twice);
}

/* ---- one-line strings and grapheme stepping ----------------------------- */

static void test_sanitize_line(void **state)
{
	const char *in = "Title\x1b]0;x\x07\nnext\tend";
	char buf[64], small[7];

	assert_int_equal(text_sanitize_line(in, strlen(in), buf, sizeof buf),
			 strlen("Title\u241B]0;x\u2407\u21B5next end"));
	assert_string_equal(buf, "Title\u241B]0;x\u2407\u21B5next end");
	assert_int_equal(text_width(in, strlen(in)), 5 + 6 + 1 + 4 + 1 + 3);
	/* never half a character */
	assert_int_equal(text_sanitize_line("가나다", 9, small, sizeof small), 9);
	assert_string_equal(small, "가나");
	assert_int_equal(text_fit("가나다", 9, 5), 6);
	assert_int_equal(text_fit("가나다", 9, 4), 6);
	assert_int_equal(text_fit("가나다", 9, 3), 3);
	assert_int_equal(text_fit("가나다", 9, 0), 0);
	assert_int_equal(text_fit("가나다", 9, 99), 9);
}

/* What the commands print (docs/text.md, "Commands"): the same one-line
 * sanitizing; raw bytes to a terminal only when plain; JSON escaped. */
static void test_command_output(void **state)
{
	const char *in = "a\x1b]52;c;eA==\x07\xc2\x9b"
			 "6n\xe2\x80\xae\xff";
	char *s = text_sanitize_alloc(in, strlen(in));

	assert_non_null(s);
	assert_string_equal(s, "a\u241B]52;c;eA==\u2407\u27E8CSI\u27E96n\u27E8RLO\u27E9\uFFFD");
	free(s);
	assert_true(text_is_plain("", 0));
	assert_true(text_is_plain("a,b\tc\r\n가\u0301\U0001F468\u200D\U0001F469\n", 24));
	assert_false(text_is_plain("a\x1b", 2));
	assert_false(text_is_plain("a\r", 2));
	assert_false(text_is_plain("\xc2\x9b", 2));
	assert_false(text_is_plain("\xe2\x80\xae", 3));
	assert_false(text_is_plain("\xe2\x80\xa8", 3)); /* U+2028 */
	assert_false(text_is_plain("\xff", 1));
	assert_false(text_is_plain("\u0301", 2)); /* a mark with no base */
	assert_false(text_is_plain("a\0b", 3));
	/* JSON: what a terminal acts on escaped, the rest kept as it is */
	const char *j = "{\"t\": \"\u202e\xc2\x85\x7f\u2028\U000E0041\u200b가\\u001b\"}\n\t";

	s = text_json_escape(j, strlen(j));
	assert_non_null(s);
	assert_string_equal(s, "{\"t\": \"\\u202e\\u0085\\u007f\\u2028\\udb40\\udc41"
			       "\\u200b가\\u001b\"}\n\t");
	free(s);
}

static void test_grapheme_stepping(void **state)
{
	/* a | 가 | 각 in jamo | e + acute | family | KR flag | x */
	const char *s = "a가\u1100\u1161\u11A8e\u0301"
			"\U0001F468\u200D\U0001F469\u200D\U0001F467\U0001F1F0\U0001F1F7x";
	static const size_t stops[] = { 0, 1, 4, 13, 16, 34, 42, 43 };
	size_t len = strlen(s), n = sizeof stops / sizeof stops[0];

	assert_int_equal(len, 43);
	for (size_t i = 0; i + 1 < n; i++)
		assert_int_equal(text_next_grapheme(s, len, stops[i]), stops[i + 1]);
	for (size_t i = n - 1; i > 0; i--)
		assert_int_equal(text_prev_grapheme(s, len, stops[i]), stops[i - 1]);
	assert_int_equal(text_next_grapheme(s, len, len), len);
	assert_int_equal(text_prev_grapheme(s, len, 0), 0);
	/* from inside the family, back to its start */
	assert_int_equal(text_prev_grapheme(s, len, 20), 16);
	/* a mark after an ASCII letter belongs to it */
	assert_int_equal(text_prev_grapheme("ab\u0301", 4, 4), 1);
	/* invalid bytes step one maximal subpart at a time */
	assert_int_equal(text_next_grapheme("\xe2\x82"
					    "A",
					    3, 0),
			 2);
	assert_int_equal(text_prev_grapheme("\xe2\x82"
					    "A",
					    3, 3),
			 2);
	/* CR LF is one step, a lone CR another */
	assert_int_equal(text_next_grapheme("\r\nx", 3, 0), 2);
	assert_int_equal(text_prev_grapheme("x\r\n", 3, 3), 1);
}

static void test_doc_too_long(void **state)
{
	struct simsa_err err;
	static const char one[1] = "x";

	/* refused on the length alone, before reading */
	assert_null(text_doc_new(one, (size_t)TEXT_MAX_INPUT + 1, &err));
	assert_non_null(strstr(err.msg, "longer than"));
}

/* The doc's graphemes as text again: a newline grapheme as "\n", a tab as
 * "\t", every other as its bytes. */
static char *tidied(const char *src)
{
	struct simsa_err err;
	struct text_doc *d = text_doc_new(src, strlen(src), &err);
	char *out, *o;

	assert_non_null(d);
	text_doc_tidy(d);
	o = out = malloc(d->nbytes + d->ng + 1);
	assert_non_null(out);
	for (size_t k = 0; k < d->ng; k++) {
		if (d->g[k].flags & TEXT_G_NEWLINE)
			*o++ = '\n';
		else if (d->g[k].flags & TEXT_G_TAB)
			*o++ = '\t';
		else {
			memcpy(o, d->bytes + d->g[k].off, d->g[k].len);
			o += d->g[k].len;
		}
	}
	*o = 0;
	text_doc_free(&d);
	return out;
}

static void assert_tidied(const char *src, const char *want)
{
	char *got = tidied(src);

	if (strcmp(got, want) != 0)
		fail_msg("tidy of \"%s\": \"%s\", wanted \"%s\"", src, got, want);
	free(got);
}

/* Display normalization: leading and trailing blank lines, the final line
 * break and runs of blank lines are no tell of who wrote an output (one
 * model's answers start with two blank lines in the Korean set). */
static void test_blank_lines_are_no_tell(void **state)
{
	(void)state;
	assert_tidied("\n\n가을 하늘\n\n\n\n높다\n\n", "가을 하늘\n\n높다");
	assert_tidied("가을 하늘\n\n높다", "가을 하늘\n\n높다");
	assert_tidied("가을 하늘\n높다\n", "가을 하늘\n높다");
	/* blank: only spaces and tabs, an ideographic space too; CR LF breaks */
	assert_tidied("  \r\n\t\n\u3000\n가\r\n \n\t \n나\n   ", "가\n\n나");
	/* indentation of a line with text is kept, and a lone line break */
	assert_tidied("  - 하나\n    - 둘\n", "  - 하나\n    - 둘");
	assert_tidied("\n", "");
	assert_tidied("", "");
	assert_tidied(" \n \n ", "");
	/* a control character is drawn as a placeholder: text, not blank */
	assert_tidied("\n\x1b\n\n", "␛");
	/* a no-break space is ink, as in the wrapper */
	assert_tidied("\xc2\xa0\n\n\n가", "\xc2\xa0\n\n가");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank_lines_are_no_tell),
		cmocka_unit_test(test_hangul_syllables_are_two_columns),
		cmocka_unit_test(test_decomposed_jamo_are_one_grapheme),
		cmocka_unit_test(test_combining_marks_join_their_base),
		cmocka_unit_test(test_emoji_zwj_family_is_one_grapheme),
		cmocka_unit_test(test_emoji_presentation_and_modifiers),
		cmocka_unit_test(test_flags_pair_regional_indicators),
		cmocka_unit_test(test_cjk_ascii_and_spaces),
		cmocka_unit_test(test_long_mark_runs_are_cut),
		cmocka_unit_test(test_hostile_input_becomes_placeholders),
		cmocka_unit_test(test_placeholders_are_flagged),
		cmocka_unit_test(test_line_breaks),
		cmocka_unit_test(test_any_bytes_render_safely),
		cmocka_unit_test(test_every_code_point),
		cmocka_unit_test(test_sanitizing_is_idempotent),
		cmocka_unit_test(test_wrap_at_spaces),
		cmocka_unit_test(test_wrap_korean_sentence),
		cmocka_unit_test(test_wide_chars_never_split),
		cmocka_unit_test(test_wrap_long_tokens),
		cmocka_unit_test(test_tabs_expand_to_stops),
		cmocka_unit_test(test_render_truncates_whole_graphemes),
		cmocka_unit_test(test_wrap_100k),
		cmocka_unit_test(test_sanitize_line),
		cmocka_unit_test(test_command_output),
		cmocka_unit_test(test_grapheme_stepping),
		cmocka_unit_test(test_doc_too_long),
	};

	run_seed = test_seed(12345);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
