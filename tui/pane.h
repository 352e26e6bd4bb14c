/* pane — a scrollable view of one untrusted text (a model's answer, the
 * prompt): decoded and sanitized once by text.h, wrapped once per width,
 * and drawn line by line from the cached layout, so a redraw costs only the
 * visible lines. Light markdown is shown the same way in every pane:
 * headings bold, **bold** spans bold (the stars stay, dimmed), fenced code
 * marked with "│" in the gutter and "↪" where a code line had to wrap.
 * Placeholders for hostile or invisible characters are dimmed. */
#ifndef SIMSA_TUI_PANE_H
#define SIMSA_TUI_PANE_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "simsa/text.h"

struct pane {
	struct text_doc *doc;
	struct text_lines lines;
	uint8_t *style; /* per wrapped line: enum pane_style | PANE_BOLD_START */
	size_t style_cap;
	int width;  /* text columns wrapped at (pane width - gutter), 0: none */
	size_t top; /* first line shown */
	int rows;   /* rows at the last draw (for paging) */
};
#define PANE_INIT                                       \
	{                                               \
		NULL, TEXT_LINES_INIT, NULL, 0, 0, 0, 0 \
	}
#define PANE_GUTTER 1

enum pane_style { PS_TEXT = 0, PS_HEADING, PS_FENCE, PS_CODE };
#define PANE_BOLD_START 0x10
#define PANE_KIND(s) ((s)&0x0f)

/* Replaces the text (len bytes of anything); top goes back to 0. */
int pane_set(struct pane *p, const char *text, size_t len, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Wraps for a pane w columns wide (gutter included) unless already so. */
int pane_layout(struct pane *p, int w, struct simsa_err *err) __attribute__((warn_unused_result));
/* Draws rows [y, y+h) × [x, x+w) (after pane_layout for w). */
void pane_draw(struct pane *p, struct canvas *c, int y, int x, int h, int w);
void pane_scroll(struct pane *p, long delta);
void pane_page(struct pane *p, int dir);
void pane_top(struct pane *p);
void pane_bottom(struct pane *p);
size_t pane_line_count(const struct pane *p);
void pane_release(struct pane *p);

#endif
