/* paste — bracketed paste (xterm mode 2004): between the marks ESC [ 200 ~
 * and ESC [ 201 ~ (K_PASTE_BEGIN, K_PASTE_END) keys are text, never
 * commands. With the comment / reason editor open the text goes in at the
 * cursor: line breaks and tabs as spaces, other controls dropped, cut at
 * the comment's limit with a message. Anywhere else the whole paste is
 * dropped and the message line says so. A paste whose end never comes
 * stops after PASTE_IDLE seconds without input, or after PASTE_MAX bytes
 * (then the input typed ahead is dropped too). */
#include <stdio.h>

#include "console_int.h"
#include "lineedit.h"

#define PASTE_IDLE 3.0       /* seconds: longer than a stall of a slow link */
#define PASTE_MAX (1u << 20) /* bytes: far beyond any comment */

/* What follows the ESC of an end mark that a slow link split, so that
 * ncurses gave the ESC alone (after ESCDELAY) and the rest as keys. */
static const char end_tail[] = "[201~";

bool paste_owns(const struct console *c, int key)
{
	return c->paste.on || key == K_PASTE_BEGIN || key == K_PASTE_END;
}

/* The view up has an editor open that takes text (struct view_ops). */
static bool into_editor(const struct console *c)
{
	return c->view->text_open && c->view->text && c->view->text_open(c) && !c->too_small;
}

static size_t utf8_len(int key)
{
	return key < 0x80 ? 1 : key < 0x800 ? 2 : key < 0x10000 ? 3 : 4;
}

/* One pasted key as text: into the editor, or dropped. */
static unsigned put(struct console *c, int key)
{
	uint32_t cp;
	unsigned o;
	char n[16];

	bool after_cr = c->paste.cr;

	c->paste.cr = key == K_ENTER || key == '\r';
	if (key == '\n' && after_cr)
		return OUT_NONE; /* CR LF is one line break */
	if (key == K_ENTER || key == '\n' || key == '\r' || key == 0x85 || key == 0x2028 ||
	    key == 0x2029)
		cp = '\n'; /* a line break stays one (the editor holds several lines) */
	else if (key == K_TAB || key == '\t')
		cp = ' ';
	else if (key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0) || key >= 0x110000 ||
		 (key >= 0xd800 && key <= 0xdfff))
		return OUT_NONE; /* controls, other special keys, invalid code points */
	else
		cp = (uint32_t)key;
	if (!into_editor(c) || c->paste.cut)
		return OUT_NONE;
	o = c->view->text(c, cp);
	if (o != OUT_NONE)
		return o;
	c->paste.cut = true; /* nothing after the cut, even if it would fit */
	snprintf(n, sizeof n, "%d", LINEEDIT_MAX);
	i18n_fill(c->msg, sizeof c->msg, S_PASTE_CUT, n, NULL, NULL);
	return OUT_DRAW;
}

/* The keys held back after a lone ESC that did not become an end mark. */
static unsigned put_held(struct console *c)
{
	unsigned o = OUT_NONE;

	for (int i = 0; i + 1 < c->paste.esc; i++)
		o |= put(c, end_tail[i]);
	c->paste.esc = 0;
	return o;
}

static unsigned stop(struct console *c)
{
	unsigned o = put_held(c);

	c->paste.on = false;
	return o | OUT_DRAW;
}

unsigned paste_key(struct console *c, int key, double now)
{
	unsigned o;

	if (key == K_PASTE_BEGIN) {
		if (c->paste.on)
			return OUT_NONE;
		c->paste = (struct paste_state){ .on = true, .last = now };
		if (into_editor(c))
			return OUT_NONE;
		snprintf(c->msg, sizeof c->msg, "%s", S(S_PASTE_IGNORED));
		return OUT_DRAW;
	}
	if (!c->paste.on)
		return OUT_NONE; /* an end mark without a beginning */
	c->paste.last = now;
	if (key == K_PASTE_END)
		return stop(c);
	c->paste.bytes += utf8_len(key);
	if (c->paste.bytes > PASTE_MAX) {
		char n[16];

		o = stop(c);
		snprintf(n, sizeof n, "%u", PASTE_MAX);
		i18n_fill(c->msg, sizeof c->msg, S_PASTE_TOO_LONG, n, NULL, NULL);
		return o | OUT_FLUSH;
	}
	if (c->paste.esc > 0 && key == end_tail[c->paste.esc - 1]) {
		if (++c->paste.esc == (int)sizeof end_tail) {
			c->paste.esc = 0; /* the mark is not text */
			return stop(c);
		}
		return OUT_NONE;
	}
	o = put_held(c);
	if (key == K_ESC) {
		c->paste.esc = 1;
		return o;
	}
	return o | put(c, key);
}

unsigned paste_expire(struct console *c, double now)
{
	char n[16];
	unsigned o;

	if (!c->paste.on || now - c->paste.last <= PASTE_IDLE)
		return OUT_NONE;
	o = stop(c);
	snprintf(n, sizeof n, "%.0f", PASTE_IDLE);
	i18n_fill(c->msg, sizeof c->msg, S_PASTE_TIMEOUT, n, NULL, NULL);
	return o;
}
