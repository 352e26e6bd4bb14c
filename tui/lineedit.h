/* lineedit — the editor for comments and reasons: UTF-8 in a fixed
 * buffer, the cursor always on a grapheme boundary as text.h draws it, so
 * it steps over a Hangul syllable, decomposed jamo, an emoji sequence or a
 * letter with its marks as one unit, and backspace removes one such unit.
 * Pure: no curses; drawing goes through the canvas. */
#ifndef SIMSA_TUI_LINEEDIT_H
#define SIMSA_TUI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "simsa/ballot.h"

#define LINEEDIT_MAX BALLOT_MAX_COMMENT

struct lineedit {
	char buf[LINEEDIT_MAX + 1];
	size_t len; /* bytes */
	size_t cur; /* byte offset of the cursor, a grapheme boundary */
	int scroll; /* first row shown */
};

/* Starts editing a copy of text (cut at LINEEDIT_MAX bytes on a grapheme
 * boundary), cursor at the end. */
void lineedit_start(struct lineedit *e, const char *text);
/* Inserts code point cp at the cursor. Returns false (and changes nothing)
 * if it does not fit, or if cp is a control other than a line break ('\n':
 * a comment may hold several lines). */
bool lineedit_insert(struct lineedit *e, uint32_t cp);
/* Each returns true if the text or cursor changed. */
bool lineedit_backspace(struct lineedit *e);
bool lineedit_delete(struct lineedit *e);
bool lineedit_left(struct lineedit *e);
bool lineedit_right(struct lineedit *e);
bool lineedit_home(struct lineedit *e);
bool lineedit_end(struct lineedit *e);
bool lineedit_kill_before(struct lineedit *e);
/* Columns from the start of the cursor's line to the cursor. (Home and
 * End go to the start and the end of that line.) */
int lineedit_cursor_col(const struct lineedit *e);
/* Draws the text in w columns, its line breaks kept and long lines
 * wrapped, in at most max_rows rows ending at row y_bottom (it grows
 * upward), scrolled so the cursor's row is in view; *cy, *cx get the
 * cursor's place on the screen. Returns the rows used. */
int lineedit_draw_rows(struct lineedit *e, struct canvas *c, int y_bottom, int x, int w,
		       int max_rows, unsigned attr, int *cy, int *cx);
/* lineedit_draw_rows in one row at y; returns the cursor's column. */
int lineedit_draw(struct lineedit *e, struct canvas *c, int y, int x, int w, unsigned attr);

#endif
