/* canvas — the console's own screen model: a grid of cells that every
 * screen draws into, then handed whole to the terminal (term.c) or dumped
 * as text (headless.c). Nothing reaches a cell except through text.h: UI
 * strings are sanitized here, model text arrives as text_cells already made
 * safe. A cell holds one grapheme's bytes; a grapheme wider than one column
 * leaves continuation cells after it, and no write ever leaves half of a
 * wide grapheme behind (it is blanked instead). */
#ifndef SIMSA_TUI_CANVAS_H
#define SIMSA_TUI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"

enum cell_attr {
	AT_BOLD = 1 << 0,
	AT_REVERSE = 1 << 1,
	AT_DIM = 1 << 2, /* placeholders for hostile or invisible text */
	AT_UNDERLINE = 1 << 3,
	AT_BAR = 1 << 4,  /* header and footer bars (reverse, colour if allowed) */
	AT_CODE = 1 << 5, /* code blocks (colour if allowed, else plain) */
};

struct cell {
	uint32_t off; /* bytes in the arena; len 0 draws a space */
	uint8_t len;
	uint8_t cols; /* columns of the grapheme; 0 in a continuation cell */
	uint8_t attr;
};

struct canvas {
	int w, h;
	struct cell *cells;
	char *arena; /* grapheme bytes of this frame; reset by canvas_clear */
	size_t alen, acap;
};
#define CANVAS_INIT                    \
	{                              \
		0, 0, NULL, NULL, 0, 0 \
	}

int canvas_resize(struct canvas *c, int w, int h, struct simsa_err *err)
	__attribute__((warn_unused_result));
void canvas_release(struct canvas *c);
/* Blanks every cell and forgets the arena. */
void canvas_clear(struct canvas *c);
/* One grapheme of safe bytes (from text.h) at y, x using cols columns;
 * nothing is drawn if it does not fit entirely. */
void canvas_put(struct canvas *c, int y, int x, const char *b, size_t len, int cols, unsigned attr);
/* A UI string of any bytes, sanitized (text_sanitize_line) and cut at whole
 * graphemes to at most maxw columns. Returns the columns drawn. */
int canvas_text(struct canvas *c, int y, int x, int maxw, const char *s, unsigned attr);
/* Columns canvas_text would use for s (uncut). */
int canvas_text_width(const char *s);
/* Sets attr (OR) on w cells from x. */
void canvas_attr(struct canvas *c, int y, int x, int w, unsigned attr);
/* Repeats a 1-column ASCII or box character n times. */
void canvas_hline(struct canvas *c, int y, int x, int n, const char *ch, unsigned attr);
/* The text of row y (spaces for blanks, trailing blanks dropped) into buf;
 * returns the length needed, like snprintf. */
size_t canvas_row(const struct canvas *c, int y, char *buf, size_t cap);
/* True if row y has any byte below 0x20, 0x7f or a C1 code point in it
 * (never, by construction; the tests and the benchmark check). */
bool canvas_row_unsafe(const struct canvas *c, int y);

#endif
