/* Unit tests: the console's pure parts — the Hangul-aware editor (several lines), the
 * canvas (wide characters never split, nothing unsafe stored), key names
 * and the action table, the string catalogue, and the pane's wrapping,
 * scrolling and light markdown. */
#include "testutil.h"

#include <utf8proc.h>

#include "canvas.h"
#include "i18n.h"
#include "keys.h"
#include "lineedit.h"
#include "pane.h"
#include "simsa/text.h"

static void type_str(struct lineedit *e, const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		int32_t cp;
		ssize_t k =
			utf8proc_iterate((const utf8proc_uint8_t *)s + i, (ssize_t)(n - i), &cp);

		assert_true(k > 0);
		assert_true(lineedit_insert(e, (uint32_t)cp));
		i += (size_t)k;
	}
}

static void test_edit_hangul(void **state)
{
	struct lineedit e;

	(void)state;
	lineedit_start(&e, "");
	type_str(&e, "한국어 의견");
	assert_string_equal(e.buf, "한국어 의견");
	assert_int_equal(lineedit_cursor_col(&e), 11); /* 5 syllables x 2 + 1 space */
	assert_true(lineedit_backspace(&e));           /* one syllable, 3 bytes */
	assert_string_equal(e.buf, "한국어 의");
	assert_true(lineedit_left(&e));
	assert_int_equal(lineedit_cursor_col(&e), 7);
	type_str(&e, "좋은");
	assert_string_equal(e.buf, "한국어 좋은의");
	assert_true(lineedit_home(&e));
	assert_false(lineedit_backspace(&e));
	assert_true(lineedit_delete(&e));
	assert_string_equal(e.buf, "국어 좋은의");
	assert_true(lineedit_end(&e));
	assert_int_equal(e.cur, e.len);
}

static void test_edit_graphemes(void **state)
{
	struct lineedit e;

	(void)state;
	/* decomposed jamo (한 = ᄒ ᅡ ᆫ), a ZWJ family and e + combining acute are
	 * each one unit for the cursor and for backspace */
	lineedit_start(&e, "");
	type_str(&e, "a\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab");
	assert_int_equal(e.cur, e.len);
	assert_true(lineedit_backspace(&e));
	assert_string_equal(e.buf, "a");
	type_str(&e, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7");
	assert_true(lineedit_left(&e));
	assert_int_equal(e.cur, 1);
	assert_true(lineedit_end(&e));
	assert_true(lineedit_backspace(&e));
	assert_string_equal(e.buf, "a");
	type_str(&e, "e\xcc\x81");
	assert_true(lineedit_backspace(&e));
	assert_string_equal(e.buf, "a");
	/* a line break is kept (comments hold several lines); other controls
	 * are refused, a CR too */
	assert_true(lineedit_insert(&e, '\n'));
	assert_string_equal(e.buf, "a\n");
	assert_false(lineedit_insert(&e, '\r'));
	assert_false(lineedit_insert(&e, 0x1b));
	assert_false(lineedit_insert(&e, 0x9b));
	assert_true(lineedit_kill_before(&e));
	assert_int_equal(e.len, 0);
}

static void test_edit_full_and_paste(void **state)
{
	struct lineedit e;
	int n = 0;

	(void)state;
	lineedit_start(&e, "");
	while (lineedit_insert(&e, 0xD55C)) /* 한, 3 bytes */
		n++;
	assert_int_equal(n, LINEEDIT_MAX / 3);
	assert_true(e.len <= LINEEDIT_MAX);
	/* an over-long start is cut on a grapheme boundary */
	{
		char *big = malloc(LINEEDIT_MAX + 10);

		memset(big, 'x', LINEEDIT_MAX + 9);
		big[LINEEDIT_MAX + 9] = '\0';
		big[LINEEDIT_MAX - 1] = '\xed'; /* a torn sequence at the edge */
		lineedit_start(&e, big);
		assert_true(e.len <= LINEEDIT_MAX);
		free(big);
	}
}

static void test_edit_draw_scrolls(void **state)
{
	struct canvas c = CANVAS_INIT;
	struct lineedit e;
	struct simsa_err err;
	char row[512];
	int x;

	(void)state;
	assert_int_equal(canvas_resize(&c, 20, 2, &err), 0);
	lineedit_start(&e, "가나다라마바사아자차카타파하");
	x = lineedit_draw(&e, &c, 0, 0, 10, 0);
	assert_true(x >= 0 && x < 10);
	canvas_row(&c, 0, row, sizeof row);
	assert_non_null(strstr(row, "하"));
	assert_null(strstr(row, "가"));
	lineedit_home(&e);
	x = lineedit_draw(&e, &c, 1, 0, 10, 0);
	assert_int_equal(x, 0);
	canvas_row(&c, 1, row, sizeof row);
	assert_true(strncmp(row, "가나다라", strlen("가나다라")) == 0);
	canvas_release(&c);
}

/* Several lines: breaks kept, long lines wrapped, the editor growing up
 * from its row, Home and End on the cursor's line, and the rows scrolled
 * so the cursor shows. */
static void test_edit_rows(void **state)
{
	struct canvas c = CANVAS_INIT;
	struct lineedit e;
	struct simsa_err err;
	char row[512];
	int cy, cx;

	(void)state;
	assert_int_equal(canvas_resize(&c, 12, 6, &err), 0);
	lineedit_start(&e, "첫째 줄\n둘째 줄은 길게 씁니다");
	/* 12 columns (11 for text, one kept for the cursor): the second line
	 * wraps before 길게 */
	assert_int_equal(lineedit_draw_rows(&e, &c, 5, 0, 12, 4, 0, &cy, &cx), 3);
	canvas_row(&c, 3, row, sizeof row);
	assert_true(strncmp(row, "첫째 줄", strlen("첫째 줄")) == 0);
	canvas_row(&c, 4, row, sizeof row);
	assert_true(strncmp(row, "둘째 줄은", strlen("둘째 줄은")) == 0);
	canvas_row(&c, 5, row, sizeof row);
	assert_true(strncmp(row, "길게 씁니다", strlen("길게 씁니다")) == 0);
	assert_int_equal(cy, 5); /* at the end of the last row */
	assert_int_equal(cx, text_width("길게 씁니다", strlen("길게 씁니다")));
	assert_true(lineedit_home(&e)); /* the start of the second line */
	assert_int_equal(e.cur, strlen("첫째 줄\n"));
	assert_int_equal(lineedit_cursor_col(&e), 0);
	assert_true(lineedit_left(&e)); /* onto the break: the end of line 1 */
	assert_int_equal(lineedit_cursor_col(&e), text_width("첫째 줄", strlen("첫째 줄")));
	assert_true(lineedit_home(&e));
	assert_int_equal(e.cur, 0);
	assert_true(lineedit_end(&e));
	assert_int_equal(e.cur, strlen("첫째 줄"));
	/* two rows shown: the cursor's row (the first) and the next */
	assert_int_equal(lineedit_draw_rows(&e, &c, 1, 0, 12, 2, 0, &cy, &cx), 2);
	assert_int_equal(cy, 0);
	canvas_row(&c, 0, row, sizeof row);
	assert_true(strncmp(row, "첫째 줄", strlen("첫째 줄")) == 0);
	canvas_release(&c);
}

static void test_canvas_wide_never_split(void **state)
{
	struct canvas c = CANVAS_INIT;
	struct simsa_err err;
	char row[256];

	(void)state;
	assert_int_equal(canvas_resize(&c, 7, 1, &err), 0);
	/* 한국어 is 6 columns; 한국어한 would need 8: the last syllable is left out */
	assert_int_equal(canvas_text(&c, 0, 0, 7, "한국어한", 0), 6);
	canvas_row(&c, 0, row, sizeof row);
	assert_string_equal(row, "한국어");
	/* overwriting the right half of a wide glyph blanks its left half */
	canvas_put(&c, 0, 1, "x", 1, 1, 0);
	canvas_row(&c, 0, row, sizeof row);
	assert_string_equal(row, " x국어");
	/* hostile bytes arrive as placeholders, never raw */
	canvas_clear(&c);
	canvas_text(&c, 0, 0, 7, "\x1b[2J\x07\xc2\x9b", 0);
	assert_false(canvas_row_unsafe(&c, 0));
	canvas_row(&c, 0, row, sizeof row);
	assert_non_null(strstr(row, "\xe2\x90\x9b")); /* ␛ */
	canvas_release(&c);
}

static void test_keys_table(void **state)
{
	const struct action_def *d = NULL;
	char buf[16];

	(void)state;
	assert_int_equal(keys_lookup(CTX_RATE, 'j', &d), ACT_DOWN);
	assert_int_equal(d->help, S_H_DOWN);
	assert_int_equal(keys_lookup(CTX_RATE, '?', NULL), ACT_HELP); /* global */
	assert_int_equal(keys_lookup(CTX_EDIT, '?', NULL), ACT_NONE); /* typed text */
	assert_int_equal(keys_lookup(CTX_EDIT, K_CTRL('c'), NULL), ACT_QUIT);
	/* Ctrl-J (LF) breaks a line in the editor and is Enter elsewhere */
	assert_int_equal(keys_lookup(CTX_EDIT, K_CTRL('j'), NULL), ACT_ED_NEWLINE);
	assert_int_equal(keys_lookup(CTX_EDIT, K_ALT_ENTER, NULL), ACT_ED_NEWLINE);
	assert_int_equal(keys_lookup(CTX_EDIT, K_ENTER, NULL), ACT_ED_DONE);
	assert_int_equal(keys_lookup(CTX_RATE, K_CTRL('j'), NULL), ACT_EDIT);
	assert_int_equal(keys_lookup(CTX_RECEIPT, K_CTRL('j'), NULL), ACT_NEXT);
	assert_int_equal(keys_lookup(CTX_REVIEW, K_ENTER, NULL), ACT_OPEN);
	assert_int_equal(keys_parse("<Enter>", 7), K_ENTER);
	assert_int_equal(keys_parse("<C-c>", 5), 3);
	assert_int_equal(keys_parse("한", 3), 0xD55C);
	assert_int_equal(keys_parse("<Nope>", 6), -1);
	assert_string_equal(keys_name(K_CTRL('c'), buf), "Ctrl-C");
	assert_string_equal(keys_name('j', buf), "j");
	/* every action has help text in both languages, and no key is bound
	 * twice in one context */
	for (const struct action_def *a = key_actions; a->act != ACT_NONE; a++) {
		i18n_force(LANG_KO);
		assert_true(strlen(S(a->help)) > 0);
		i18n_force(LANG_EN);
		assert_true(strlen(S(a->help)) > 0);
		for (int k = 0; k < KEYS_PER_ACTION && a->keys[k]; k++)
			for (const struct action_def *b = a + 1; b->act != ACT_NONE; b++)
				for (int m = 0; m < KEYS_PER_ACTION && b->keys[m]; m++)
					if (a->keys[k] == b->keys[m])
						assert_false((a->ctx & b->ctx) != 0);
	}
}

static void test_i18n(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(i18n_set("ko"), 0);
	assert_string_equal(i18n_fill(buf, sizeof buf, S_TASK_N, "3", "10", NULL), "과제 3/10");
	assert_int_equal(i18n_set("en"), 0);
	assert_string_equal(i18n_fill(buf, sizeof buf, S_TASK_N, "3", "10", NULL), "task 3/10");
	assert_int_equal(i18n_set("fr"), -1);
	setenv("LANG", "ko_KR.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	assert_int_equal(i18n_set(NULL), 0);
	assert_int_equal(i18n_lang(), LANG_KO);
	setenv("LANG", "C.UTF-8", 1);
	assert_int_equal(i18n_set(NULL), 0);
	assert_int_equal(i18n_lang(), LANG_EN);
	i18n_fill(buf, 8, S_TASK_N, "12345", "67890", NULL);
	assert_int_equal(strlen(buf), 7);
}

static void test_pane_markdown_and_scroll(void **state)
{
	static const char md[] =
		"# 제목\n\n본문 **굵게** 끝\n```\nint main(void) { return 0; } // long\n```\n- 목록\n";
	struct pane p = PANE_INIT;
	struct canvas c = CANVAS_INIT;
	struct simsa_err err;
	char row[512];

	(void)state;
	assert_int_equal(canvas_resize(&c, 20, 12, &err), 0);
	assert_int_equal(pane_set(&p, md, sizeof md - 1, &err), 0);
	assert_int_equal(pane_layout(&p, 20, &err), 0);
	assert_int_equal(PANE_KIND(p.style[0]), PS_HEADING);
	assert_int_equal(PANE_KIND(p.style[2]), PS_TEXT);
	assert_int_equal(PANE_KIND(p.style[3]), PS_FENCE);
	assert_int_equal(PANE_KIND(p.style[4]), PS_CODE);
	pane_draw(&p, &c, 0, 0, 12, 20);
	canvas_row(&c, 4, row, sizeof row);
	assert_true(strncmp(row, "│", 3) == 0); /* code is marked */
	canvas_row(&c, 5, row, sizeof row);
	assert_true(strncmp(row, "↪", 3) == 0); /* a wrapped code line says so */
	for (int y = 0; y < 12; y++) {
		assert_false(canvas_row_unsafe(&c, y));
		assert_true(canvas_row(&c, y, row, sizeof row) < sizeof row);
	}
	/* scrolling stops at the ends */
	pane_draw(&p, &c, 0, 0, 3, 20);
	pane_bottom(&p);
	assert_int_equal(p.top, pane_line_count(&p) - 3);
	pane_scroll(&p, 100);
	assert_int_equal(p.top, pane_line_count(&p) - 3);
	pane_page(&p, -1);
	pane_page(&p, -1);
	pane_page(&p, -1);
	assert_int_equal(p.top, 0);
	pane_release(&p);
	canvas_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_hangul),
		cmocka_unit_test(test_edit_graphemes),
		cmocka_unit_test(test_edit_full_and_paste),
		cmocka_unit_test(test_edit_draw_scrolls),
		cmocka_unit_test(test_edit_rows),
		cmocka_unit_test(test_canvas_wide_never_split),
		cmocka_unit_test(test_keys_table),
		cmocka_unit_test(test_i18n),
		cmocka_unit_test(test_pane_markdown_and_scroll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
