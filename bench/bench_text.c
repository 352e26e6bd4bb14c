/* Benchmark and check: the text module (src/text.c, src/text_wrap.c).
 *
 * 1. Safety over real data (when OUTPUTS_JSONL is given): every "output" of
 *    ko-arena-hard is laid out at 80, 120 and 200 columns and every line is
 *    rendered. A line fails if it is wider than its pane by text_width, by
 *    the sum of utf8proc_charwidth over its code points, or by the sum of the
 *    C library's wcwidth (what ncurses counts), or if it holds a control
 *    byte, a C1, bidi, zero-width or tag character, or invalid UTF-8. Prints
 *    counts and PASS/FAIL; exits 1 on any failure.
 * 2. Timing: the rating screen at 200x60 shows two outputs side by side in
 *    panes of 98 columns and 60 lines. With two 100 KB Korean texts (from the
 *    data, or made up without it) it times a redraw from cached lines
 *    (render 2 x 60 lines), a redraw after a resize (wrap both + render), and
 *    loading (decode + wrap). Baselines from the same run: utf8proc_iterate
 *    over both texts (the least a width-aware layout must do) and memcpy of
 *    the bytes drawn. Best of RUNS; target 2 ms per redraw.
 * usage: bench_text [OUTPUTS_JSONL|-] [RUNS]   ("-": no data, made-up texts) */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <jansson.h>
#include <utf8proc.h>

#include "simsa/text.h"
#include "simsa/util.h"

#define PANE_W 98
#define PANE_H 60
#define TEXT_BYTES (100u << 10)
#define LINE_CAP (64u << 10)

static void die(const char *what, const struct simsa_err *err)
{
	fprintf(stderr, "bench_text: %s: %s\n", what, err ? err->msg : "failed");
	exit(2);
}

/* ---- 1. safety ------------------------------------------------------------ */

struct tally {
	long outputs, lines[3], graphemes, placeholders, bad;
	int widest[3];
	size_t bytes;
};

/* Code points the terminal must never get; a ZWJ only inside an emoji
 * sequence (followed by a pictograph). */
static bool forbidden(int32_t cp, int32_t next)
{
	int cat = utf8proc_category(cp);

	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return true;
	if (cp == 0x200D)
		return utf8proc_get_property(next)->boundclass !=
		       UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0x061C || cp == 0xFEFF || cp == 0x180E ||
	       (cp >= 0xE0000 && cp <= 0xE007F) || cat == UTF8PROC_CATEGORY_CC ||
	       cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CS ||
	       cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CN ||
	       cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

/* Returns a reason the rendered line s is unsafe or too wide, or NULL. */
static const char *check_line(const char *s, size_t n, int width, int cols)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
	long uwidth = 0, cwidth = 0;
	int32_t cp, next = -1;
	utf8proc_ssize_t k;

	for (size_t i = 0; i < n; i += (size_t)k) {
		if (u[i] < 0x20 || u[i] == 0x7F)
			return "raw control byte";
		k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			return "invalid UTF-8";
		next = -1;
		if (i + (size_t)k < n)
			utf8proc_iterate(u + i + k, (utf8proc_ssize_t)(n - i - (size_t)k), &next);
		if (forbidden(cp, next))
			return "forbidden code point";
		uwidth += utf8proc_charwidth(cp);
		if (wcwidth((wchar_t)cp) < 0)
			return "wcwidth: not printable";
		cwidth += wcwidth((wchar_t)cp);
	}
	if (text_width(s, n) != cols || cols > width)
		return "text_width: wider than the pane or than the layout said";
	if (uwidth > width)
		return "utf8proc_charwidth sum wider than the pane";
	if (cwidth > width)
		return "wcwidth sum wider than the pane";
	return NULL;
}

static void check_output(const char *text, size_t len, struct tally *t, char *line)
{
	static const int widths[3] = { 80, 120, 200 };
	struct simsa_err err;
	struct text_lines ls = TEXT_LINES_INIT;
	struct text_doc *d = text_doc_new(text, len, &err);

	if (!d)
		die("text_doc_new", &err);
	t->outputs++;
	t->bytes += len;
	t->graphemes += (long)d->ng;
	for (size_t i = 0; i < d->ng; i++)
		t->placeholders += (d->g[i].flags & TEXT_G_PLACEHOLDER) != 0;
	for (int w = 0; w < 3; w++) {
		if (text_wrap(d, widths[w], &ls, &err) < 0)
			die("text_wrap", &err);
		t->lines[w] += (long)ls.n;
		for (size_t i = 0; i < ls.n; i++) {
			size_t n = text_render_line(d, &ls, i, line, LINE_CAP);
			const char *why = n >= LINE_CAP
						  ? "line longer than the buffer"
						  : check_line(line, n, widths[w], ls.v[i].cols);

			if (ls.v[i].cols > t->widest[w])
				t->widest[w] = ls.v[i].cols;
			if (why && t->bad++ < 10)
				fprintf(stderr, "FAIL output %ld, width %d, line %zu: %s: \"%s\"\n",
					t->outputs, widths[w], i, why, line);
		}
	}
	text_lines_release(&ls);
	text_doc_free(&d);
}

/* Lays out every output; collects Korean texts for the timing on the way. */
static int check_data(const char *path, char *korean[2], size_t klen[2])
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *line = malloc(LINE_CAP);
	size_t cap = 0;
	ssize_t n;
	struct tally t = { 0 };

	if (!f || !line) {
		fprintf(stderr, "bench_text: cannot open %s\n", path);
		exit(2);
	}
	while ((n = getline(&buf, &cap, f)) > 0) {
		json_error_t jerr;
		json_t *obj = json_loadb(buf, (size_t)n, 0, &jerr);
		json_t *out = obj ? json_object_get(obj, "output") : NULL;

		if (!json_is_string(out)) {
			fprintf(stderr, "bench_text: %s: line without an \"output\" string\n",
				path);
			exit(2);
		}
		const char *s = json_string_value(out);
		size_t len = json_string_length(out);
		int k = (int)(t.outputs % 2);

		check_output(s, len, &t, line);
		/* alternate outputs fill two texts of 100 KB, cut between
		 * characters */
		size_t take = len < TEXT_BYTES - klen[k] ? len : TEXT_BYTES - klen[k];

		while (take < len && take > 0 && ((unsigned char)s[take] & 0xC0) == 0x80)
			take--;
		memcpy(korean[k] + klen[k], s, take);
		klen[k] += take;
		json_decref(obj);
	}
	fclose(f);
	free(buf);
	free(line);
	printf("text: %ld outputs, %.1f MB, %ld graphemes, %ld placeholders\n", t.outputs,
	       (double)t.bytes / 1e6, t.graphemes, t.placeholders);
	printf("text: lines at 80/120/200 columns: %ld/%ld/%ld, widest %d/%d/%d\n", t.lines[0],
	       t.lines[1], t.lines[2], t.widest[0], t.widest[1], t.widest[2]);
	printf("text: safety (no line wider than its pane, no control byte): %s (%ld bad lines)\n",
	       t.bad ? "FAIL" : "PASS", t.bad);
	return t.bad ? 1 : 0;
}

/* ---- 2. timing ------------------------------------------------------------ */

static size_t synthesize(char *buf, size_t cap, int seed)
{
	/* clang-format off */
	static const char *words[] = {
		"평가자는", "두", "모델의", "답변을", "나란히", "읽고", "기준마다",
		"점수를", "매긴다.", "긴", "줄은", "낱말", "경계에서", "접힌다.",
		"서울", "한국어", "출력", "코드", "printf(\"%d\\n\", x);", "예시:",
	};
	/* clang-format on */
	size_t n = 0, nw = sizeof words / sizeof words[0];
	unsigned x = (unsigned)seed;

	while (n + 64 < cap && n < TEXT_BYTES) {
		x = x * 1103515245u + 12345u;
		const char *w = words[(x >> 16) % nw];
		size_t l = strlen(w);

		memcpy(buf + n, w, l);
		n += l;
		buf[n++] = (x >> 8) % 23 == 0 ? '\n' : ' ';
	}
	return n;
}

/* Renders the 60 lines from the middle of each pane; returns bytes drawn. */
static size_t redraw(struct text_doc *d[2], struct text_lines ls[2], char *line)
{
	size_t drawn = 0;

	for (int p = 0; p < 2; p++) {
		size_t top = ls[p].n > PANE_H ? (ls[p].n - PANE_H) / 2 : 0;

		for (size_t i = top; i < top + PANE_H && i < ls[p].n; i++)
			drawn += text_render_line(d[p], &ls[p], i, line, LINE_CAP);
	}
	return drawn;
}

static void timing(char *text[2], size_t len[2], int runs, bool from_data)
{
	struct simsa_err err;
	struct text_doc *d[2] = { NULL, NULL };
	struct text_lines ls[2] = { TEXT_LINES_INIT, TEXT_LINES_INIT };
	char *line = malloc(LINE_CAP), *sink = malloc(TEXT_BYTES);
	double best_load = 1e9, best_wrap = 1e9, best_draw = 1e9, best_iter = 1e9, best_copy = 1e9;
	size_t drawn = 0;
	volatile long guard = 0;

	for (int r = 0; r < runs; r++) {
		double t0 = mono_seconds();

		for (int p = 0; p < 2; p++) {
			text_doc_free(&d[p]);
			d[p] = text_doc_new(text[p], len[p], &err);
			if (!d[p])
				die("text_doc_new", &err);
		}
		double t1 = mono_seconds();

		for (int p = 0; p < 2; p++)
			if (text_wrap(d[p], PANE_W, &ls[p], &err) < 0)
				die("text_wrap", &err);
		double t2 = mono_seconds();

		drawn = redraw(d, ls, line);
		double t3 = mono_seconds();

		for (int p = 0; p < 2; p++) {
			const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)text[p];
			int32_t cp;

			for (size_t i = 0; i < len[p];) {
				utf8proc_ssize_t k = utf8proc_iterate(
					u + i, (utf8proc_ssize_t)(len[p] - i), &cp);

				i += k > 0 ? (size_t)k : 1;
				guard += cp;
			}
		}
		double t4 = mono_seconds();

		/* as many bytes as were drawn, copied in as many pieces */
		for (size_t i = 0, piece = drawn / (2 * PANE_H); i < 2 * PANE_H; i++)
			memcpy(sink + i * piece, text[0] + i * piece, piece);
		guard += sink[drawn / 2];
		double t5 = mono_seconds();

		best_load = t1 - t0 < best_load ? t1 - t0 : best_load;
		best_wrap = t2 - t1 < best_wrap ? t2 - t1 : best_wrap;
		best_draw = t3 - t2 < best_draw ? t3 - t2 : best_draw;
		best_iter = t4 - t3 < best_iter ? t4 - t3 : best_iter;
		best_copy = t5 - t4 < best_copy ? t5 - t4 : best_copy;
	}
	double resize = best_wrap + best_draw;

	printf("text: timing with two Korean texts of %.0f and %.0f KB (%s), panes %dx%d, best of %d\n",
	       (double)len[0] / 1024, (double)len[1] / 1024,
	       from_data ? "from the data" : "made up", PANE_W, PANE_H, runs);
	printf("text: redraw from cached lines: %.4f ms (%zu bytes drawn); memcpy of those bytes %.4f ms, ratio %.1fx\n",
	       best_draw * 1e3, drawn, best_copy * 1e3, best_draw / best_copy);
	printf("text: redraw after a resize (wrap both + render): %.3f ms; wrap alone %.3f ms\n",
	       resize * 1e3, best_wrap * 1e3);
	printf("text: loading both (decode, sanitize, graphemes): %.3f ms; utf8proc_iterate over both %.3f ms, ratio %.1fx\n",
	       best_load * 1e3, best_iter * 1e3, best_load / best_iter);
	printf("text: target 2 ms per redraw: cached %.4f, after resize %.3f, even with loading %.3f ms (%s)\n",
	       best_draw * 1e3, resize * 1e3, (best_load + resize) * 1e3,
	       resize < 0.002 ? "met" : "NOT MET");
	for (int p = 0; p < 2; p++) {
		text_lines_release(&ls[p]);
		text_doc_free(&d[p]);
	}
	free(line);
	free(sink);
	(void)guard;
}

int main(int argc, char **argv)
{
	char *korean[2] = { malloc(TEXT_BYTES), malloc(TEXT_BYTES) };
	size_t klen[2] = { 0, 0 };
	long runs = 50;
	int rc = 0;
	bool from_data = false;

	setlocale(LC_CTYPE, "C.UTF-8"); /* for wcwidth in the check only */
	if (argc > 2) {
		char *end;

		runs = strtol(argv[2], &end, 10);
		if (*end || runs < 1 || runs > 100000) {
			fprintf(stderr, "usage: bench_text [OUTPUTS_JSONL|-] [RUNS]\n");
			return 2;
		}
	}
	if (!korean[0] || !korean[1])
		return 2;
	if (argc > 1 && strcmp(argv[1], "-") != 0) {
		rc = check_data(argv[1], korean, klen);
		from_data = klen[0] + 4 > TEXT_BYTES && klen[1] + 4 > TEXT_BYTES;
	} else {
		printf("text: no data given; safety check over real outputs skipped\n");
	}
	if (!from_data)
		for (int p = 0; p < 2; p++)
			klen[p] = synthesize(korean[p], TEXT_BYTES, p + 1);
	timing(korean, klen, (int)runs, from_data);
	free(korean[0]);
	free(korean[1]);
	return rc;
}
