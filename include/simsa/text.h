/* text — the one way text reaches the screen: decoding, sanitizing, display
 * width, grapheme stepping and word wrapping. Pure (no curses, no locale).
 *
 * Model output is hostile. text_doc_new() turns arbitrary bytes into a
 * sequence of graphemes (user-perceived characters) whose bytes are safe to
 * hand to a terminal: no byte below 0x20, no 0x7f, no C1 code point, no bidi,
 * zero-width, tag or other format character, no private-use or unassigned
 * code point. Everything that could act on the terminal or hide from the
 * reader is replaced by a visible placeholder (docs/text.md has the table):
 *
 *   invalid UTF-8     U+FFFD, one per maximal invalid subpart (Unicode §3.9)
 *   C0 controls       Control Pictures: NUL -> ␀, ESC -> ␛, BEL -> ␇ ...
 *                     (what followed an ESC stays as plain text: ␛[2J)
 *   DEL               ␡
 *   C1 controls       ⟨CSI⟩, ⟨OSC⟩, ⟨NEL⟩ ... (their ECMA-48 names)
 *   bidi, zero-width  ⟨RLO⟩ ⟨LRI⟩ ⟨PDI⟩ ⟨LRM⟩ ⟨ZWSP⟩ ⟨ZWJ⟩ ⟨BOM⟩ ⟨SHY⟩ ...
 *   tag characters    ⟨tag:a⟩ (shows the ASCII the tag hides)
 *   other format, private use, unassigned, noncharacters,
 *   Hangul fillers    ⟨U+XXXX⟩
 *   lone CR           ␍   (CR LF, LF, U+2028 and U+2029 are line breaks)
 *   mark with no base U+25CC ◌ in front of it
 *
 * A zero width joiner is kept only inside an emoji ZWJ sequence.
 *
 * Width. Each grapheme has a display width per Unicode (Hangul and CJK 2,
 * combining marks 0 joined to their base, an emoji sequence 2) and the
 * columns layout reserves for it, `cols`, which is the larger of that width
 * and the sum of its code points' widths. They differ only for emoji
 * sequences (a ZWJ family: width 2, cols 6): a terminal that draws the
 * sequence as one glyph uses 2 columns, one that draws each emoji (and
 * ncurses' own bookkeeping) uses 6, and reserving the larger means no line
 * overflows its pane on either. Widths come from utf8proc, never the locale.
 *
 * Ownership: a text_doc owns its bytes and graphemes and is read-only after
 * text_doc_new(); free it with text_doc_free(). A text_lines is owned by the
 * caller (start it as TEXT_LINES_INIT), refers to one doc by grapheme index
 * and is valid while that doc lives; text_wrap() refills it and reuses its
 * memory; text_lines_release() frees it. Wrap once per width and keep the
 * result: drawing a screen then only renders the visible lines. */
#ifndef SIMSA_TEXT_H
#define SIMSA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"

#define TEXT_TAB 8                 /* tab stops every 8 columns */
#define TEXT_MAX_INPUT (16u << 20) /* bytes text_doc_new() accepts */
#define TEXT_MAX_WIDTH 4096        /* widest pane text_wrap() lays out */
#define TEXT_GRAPHEME_MAX \
	16 /* code points kept in one grapheme; a
				     * longer one (Zalgo text) is cut, and the
				     * rest shows as marks on ◌ */

enum text_gflag {
	TEXT_G_SPACE = 1 << 0,       /* a lone space character: a break opportunity */
	TEXT_G_TAB = 1 << 1,         /* a tab: no bytes; layout expands it to spaces */
	TEXT_G_NEWLINE = 1 << 2,     /* LF, CR LF, U+2028, U+2029: no bytes */
	TEXT_G_PLACEHOLDER = 1 << 3, /* bytes are a visible stand-in, not the input */
	TEXT_G_INVALID = 1 << 4,     /* U+FFFD for invalid UTF-8 (also PLACEHOLDER) */
	TEXT_G_ORPHAN = 1 << 5,      /* a mark with no base: ◌ was put in front */
};

struct text_grapheme {
	uint32_t off;  /* its bytes: doc->bytes + off */
	uint8_t len;   /* byte count (0 for tab and newline) */
	uint8_t width; /* display width per Unicode: 1 or 2 (0 for tab, newline) */
	uint8_t cols;  /* columns layout reserves: >= width (0 for tab, newline) */
	uint8_t flags; /* enum text_gflag */
};

struct text_doc {
	char *bytes; /* safe UTF-8 of all graphemes, NUL-terminated */
	size_t nbytes;
	struct text_grapheme *g; /* in order */
	size_t ng;
};

/* Decodes and sanitizes len bytes of anything (NUL bytes included). NULL on
 * failure (input longer than TEXT_MAX_INPUT, out of memory) with err set. */
struct text_doc *text_doc_new(const char *src, size_t len, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Display normalization, the same for every text drawn in a pane (every
 * entrant's outputs alike; docs/text.md "Blank lines"): blank lines (empty,
 * or only spaces and tabs) at the start and the end are dropped, with the
 * final line break; a run of blank lines between two lines of text becomes
 * one empty line. Only the graphemes change: the stored text and its hash
 * never do. */
void text_doc_tidy(struct text_doc *d);
/* Frees *d and sets it to NULL; does nothing if *d is NULL. */
void text_doc_free(struct text_doc **d);

enum text_lflag {
	TEXT_L_SOFT = 1 << 0, /* wrapped: the paragraph goes on in the next line */
};

struct text_line {
	uint32_t first; /* first grapheme shown */
	uint32_t count; /* graphemes shown (spaces at a wrap point are left out) */
	uint16_t cols;  /* columns the line uses, <= width */
	uint16_t flags; /* enum text_lflag */
};

struct text_lines {
	struct text_line *v;
	size_t n, cap;
	int width; /* the width they were wrapped at */
};
#define TEXT_LINES_INIT       \
	{                     \
		NULL, 0, 0, 0 \
	}

/* Lays d out in lines of at most width columns (1..TEXT_MAX_WIDTH): hard
 * line breaks are kept; a line too long is broken after the last space that
 * fits (the spaces at the break are dropped), or, in a word longer than the
 * line, between graphemes. A grapheme is never split; one wider than the
 * pane is drawn as a 1-column "›". Tabs advance to the next multiple of
 * TEXT_TAB columns of their line. A final line break adds no empty line; an
 * empty doc has no lines. Reuses out's memory; 0, or -1 with err set. */
int text_wrap(const struct text_doc *d, int width, struct text_lines *out, struct simsa_err *err)
	__attribute__((warn_unused_result));
void text_lines_release(struct text_lines *ls);

/* One piece of a line to draw, in order. `bytes` is safe UTF-8 (spaces for a
 * tab, "›" for a grapheme too wide for the pane) and lives as long as the doc;
 * flags are the grapheme's, so a caller can, say, dim placeholders. */
struct text_cell {
	const char *bytes;
	size_t len;
	int col; /* first column, from 0 at the line's start */
	int cols;
	unsigned flags; /* enum text_gflag */
};

struct text_iter {
	const struct text_doc *d;
	const struct text_line *l;
	int width;
	uint32_t k;
	int col;
};

/* Walks line i (< ls->n) of ls, wrapped from d: text_iter_next() fills *c
 * and returns true until the line is done. */
void text_iter_init(struct text_iter *it, const struct text_doc *d, const struct text_lines *ls,
		    size_t i);
bool text_iter_next(struct text_iter *it, struct text_cell *c);

/* The exact bytes to draw for line i: writes as many whole graphemes as fit
 * in cap - 1 bytes, NUL-terminates (if cap > 0) and returns the length of the
 * whole line, like snprintf. The result has no control byte, no C1, no bidi
 * or zero-width character. */
size_t text_render_line(const struct text_doc *d, const struct text_lines *ls, size_t i, char *buf,
			size_t cap);

/* One-line UI strings (titles, names, comments typed by raters): the input
 * sanitized as above, with every line break shown as "↵" and a tab as one
 * space. Writes whole graphemes into buf (cap - 1 bytes at most), always
 * NUL-terminates when cap > 0, returns the full length needed. */
size_t text_sanitize_line(const char *src, size_t len, char *buf, size_t cap);

/* text_sanitize_line() into a new string the caller frees; NULL when out of
 * memory. What the commands print of any untrusted string (docs/text.md). */
char *text_sanitize_alloc(const char *src, size_t len) __attribute__((warn_unused_result));

/* True when src would be drawn as its own bytes: valid UTF-8 with nothing
 * text_doc_new() replaces (no control but tab, LF and CR LF, no C1, bidi,
 * zero-width, format, private-use or unassigned code point, no mark without
 * a base). What a terminal may be handed raw. */
bool text_is_plain(const char *src, size_t len);

/* The JSON text json (valid UTF-8, as jansson writes it) with every code
 * point a terminal could act on or hide written as a \uXXXX escape (a
 * surrogate pair above U+FFFF): controls other than tab and LF, DEL, C1,
 * U+2028, U+2029 and everything text_doc_new() replaces. Such code points
 * occur only inside strings, so the value is the same, exactly. A new string
 * the caller frees; NULL when out of memory. */
char *text_json_escape(const char *json, size_t len) __attribute__((warn_unused_result));

/* Columns that text_sanitize_line(src) uses: the sum of graphemes' cols. */
int text_width(const char *src, size_t len);

/* Length of the longest prefix of src made of whole graphemes that fits in
 * cols columns (as text_width counts). For cutting sanitized strings. */
size_t text_fit(const char *src, size_t len, int cols);

/* Grapheme boundaries in a UTF-8 buffer as this module draws it (a line
 * editor's cursor moves one drawn unit): the next boundary after pos (len at
 * the end) and the previous one before pos (0 at the start). pos should be a
 * boundary; any byte of anything is safe. */
size_t text_next_grapheme(const char *s, size_t len, size_t pos);
size_t text_prev_grapheme(const char *s, size_t len, size_t pos);

#endif
