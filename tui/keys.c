/* keys — the action table and key names (tui/keys.h). */
#include "keys.h"

#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#define NOF S_COUNT

/* clang-format off */
const struct action_def key_actions[] = {
	{ ACT_HELP, CTX_GLOBAL, { '?', K_F1 }, S_H_HELP, S_F_HELP },
	{ ACT_QUIT, CTX_GLOBAL | CTX_EDIT, { 'q', K_CTRL('c') }, S_H_QUIT, S_F_QUIT },
	{ ACT_DOWN, CTX_RATE | CTX_REVIEW | CTX_HELP | CTX_RECEIPTS, { 'j', K_DOWN }, S_H_DOWN, S_F_MOVE },
	{ ACT_UP, CTX_RATE | CTX_REVIEW | CTX_HELP | CTX_RECEIPTS, { 'k', K_UP }, S_H_UP, NOF },
	{ ACT_SIDE_A, CTX_RATE, { 'h', K_LEFT }, S_H_SIDE_A, NOF },
	{ ACT_SIDE_B, CTX_RATE, { 'l', K_RIGHT }, S_H_SIDE_B, NOF },
	{ ACT_SWITCH, CTX_RATE, { K_TAB, K_BTAB }, S_H_SWITCH, S_F_SIDE },
	{ ACT_VALUE, CTX_RATE, { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, S_H_VALUE,
	  S_F_SCORE },
	{ ACT_NA, CTX_RATE, { '0', '-' }, S_H_NA, NOF },
	{ ACT_CLEAR, CTX_RATE, { 'x', K_DEL }, S_H_CLEAR, NOF },
	{ ACT_PAGE_DOWN, CTX_RATE | CTX_REVIEW | CTX_HELP | CTX_RECEIPTS, { ' ', K_PGDN, 'f' }, S_H_PAGE_DOWN,
	  S_F_SCROLL },
	{ ACT_PAGE_UP, CTX_RATE | CTX_REVIEW | CTX_HELP | CTX_RECEIPTS, { 'b', K_PGUP }, S_H_PAGE_UP, NOF },
	{ ACT_LINE_DOWN, CTX_RATE, { 'J' }, S_H_LINE_DOWN, NOF },
	{ ACT_LINE_UP, CTX_RATE, { 'K' }, S_H_LINE_UP, NOF },
	{ ACT_TOP, CTX_RATE | CTX_REVIEW | CTX_HELP | CTX_RECEIPTS, { 'g', K_HOME }, S_H_TOP, NOF },
	{ ACT_BOTTOM, CTX_RATE | CTX_REVIEW | CTX_HELP | CTX_RECEIPTS, { 'G', K_END }, S_H_BOTTOM, NOF },
	{ ACT_LOCK, CTX_RATE, { 'L' }, S_H_LOCK, NOF },
	{ ACT_PROMPT_DOWN, CTX_RATE, { 'p' }, S_H_PROMPT_DOWN, NOF },
	{ ACT_PROMPT_UP, CTX_RATE, { 'P' }, S_H_PROMPT_UP, NOF },
	{ ACT_ANCHORS, CTX_RATE, { 'a' }, S_H_ANCHORS, NOF },
	{ ACT_EDIT, CTX_RATE, { 'c', 'e', K_ENTER }, S_H_EDIT, S_F_COMMENT },
	{ ACT_SUBMIT, CTX_RATE, { 's' }, S_H_SUBMIT, S_F_SUBMIT },
	{ ACT_REVIEW, CTX_RATE, { 'r' }, S_H_REVIEW, S_F_LIST },
	{ ACT_NEXT, CTX_RATE, { '>', 'n' }, S_H_NEXT, NOF },
	{ ACT_RECEIPTS, CTX_RATE | CTX_REVIEW | CTX_RECEIPT, { 'R' }, S_H_RECEIPTS, NOF },
	{ ACT_PREV, CTX_RATE, { '<', 'N' }, S_H_PREV, NOF },
	{ ACT_INSTRUCTIONS, CTX_RATE | CTX_REVIEW | CTX_INSTR, { 'i' }, S_H_INSTRUCTIONS, NOF },
	{ ACT_ED_DONE, CTX_EDIT, { K_ENTER }, S_H_ED_DONE, NOF },
	{ ACT_ED_CANCEL, CTX_EDIT, { K_ESC }, S_H_ED_CANCEL, NOF },
	{ ACT_ED_LEFT, CTX_EDIT, { K_LEFT, K_CTRL('b') }, S_H_ED_LEFT, NOF },
	{ ACT_ED_RIGHT, CTX_EDIT, { K_RIGHT, K_CTRL('f') }, S_H_ED_RIGHT, NOF },
	{ ACT_ED_HOME, CTX_EDIT, { K_HOME, K_CTRL('a') }, S_H_ED_HOME, NOF },
	{ ACT_ED_END, CTX_EDIT, { K_END, K_CTRL('e') }, S_H_ED_END, NOF },
	{ ACT_ED_BS, CTX_EDIT, { K_BS, K_CTRL('h') }, S_H_ED_BS, NOF },
	{ ACT_ED_DEL, CTX_EDIT, { K_DEL, K_CTRL('d') }, S_H_ED_DEL, NOF },
	{ ACT_ED_KILL, CTX_EDIT, { K_CTRL('u') }, S_H_ED_KILL, NOF },
	{ ACT_ED_NEWLINE, CTX_EDIT, { K_ALT_ENTER, K_CTRL('j') }, S_H_ED_NEWLINE, NOF },
	{ ACT_OPEN, CTX_REVIEW, { K_ENTER, 'o' }, S_H_OPEN, NOF },
	{ ACT_BACK, CTX_REVIEW | CTX_HELP, { K_ESC, 'r' }, S_H_BACK, NOF },
	{ ACT_BACK, CTX_RECEIPTS, { K_ESC, 'R' }, S_H_BACK, NOF },
	/* simsa results: its own entries, so its help speaks of entrants */
	{ ACT_HELP, CTX_RESULTS, { '?', K_F1 }, S_H_HELP, NOF },
	{ ACT_QUIT, CTX_RESULTS, { 'q', K_CTRL('c') }, S_H_RES_QUIT, NOF },
	{ ACT_DOWN, CTX_RESULTS, { 'j', K_DOWN }, S_H_RES_DOWN, S_F_MOVE },
	{ ACT_UP, CTX_RESULTS, { 'k', K_UP }, S_H_RES_UP, NOF },
	{ ACT_PAGE_DOWN, CTX_RESULTS | CTX_DETAIL | CTX_PANEL, { ' ', K_PGDN, 'f' }, S_H_RES_PAGE_DOWN, NOF },
	{ ACT_PAGE_UP, CTX_RESULTS | CTX_DETAIL | CTX_PANEL, { 'b', K_PGUP }, S_H_RES_PAGE_UP, NOF },
	{ ACT_TOP, CTX_RESULTS | CTX_DETAIL | CTX_PANEL, { 'g', K_HOME }, S_H_RES_TOP, NOF },
	{ ACT_BOTTOM, CTX_RESULTS | CTX_DETAIL | CTX_PANEL, { 'G', K_END }, S_H_RES_BOTTOM, NOF },
	{ ACT_OPEN, CTX_RESULTS, { K_ENTER, 'o', 'l', K_RIGHT }, S_H_RES_OPEN, S_F_DETAILS },
	{ ACT_PANEL, CTX_RESULTS, { 'p' }, S_H_RES_PANEL, S_F_PANEL },
	{ ACT_LINE_DOWN, CTX_DETAIL | CTX_PANEL, { 'j', K_DOWN }, S_H_RES_LINE_DOWN, S_F_SCROLL },
	{ ACT_LINE_UP, CTX_DETAIL | CTX_PANEL, { 'k', K_UP }, S_H_RES_LINE_UP, NOF },
	{ ACT_NEXT, CTX_DETAIL, { 'n', '>' }, S_H_RES_NEXT, NOF },
	{ ACT_PREV, CTX_DETAIL, { 'N', '<' }, S_H_RES_PREV, NOF },
	{ ACT_BACK, CTX_DETAIL, { K_ESC, K_ENTER, 'h', K_LEFT, K_BS }, S_H_RES_BACK, S_F_BACK },
	{ ACT_BACK, CTX_PANEL, { K_ESC, 'p', 'h', K_LEFT, K_BS }, S_H_RES_BACK, S_F_BACK },
	/* the instructions (before the first task, and on i) */
	{ ACT_START, CTX_INSTR, { K_ENTER }, S_H_START, NOF },
	{ ACT_BACK, CTX_INSTR, { K_ESC }, S_H_BACK, NOF },
	{ ACT_PRACTICE, CTX_INSTR, { 'p' }, S_H_PRACTICE, NOF },
	{ ACT_DOWN, CTX_INSTR, { 'j', K_DOWN }, S_H_DOWN, NOF },
	{ ACT_UP, CTX_INSTR, { 'k', K_UP }, S_H_UP, NOF },
	{ ACT_PAGE_DOWN, CTX_INSTR, { ' ', K_PGDN, 'f' }, S_H_PAGE_DOWN, NOF },
	{ ACT_PAGE_UP, CTX_INSTR, { 'b', K_PGUP }, S_H_PAGE_UP, NOF },
	{ ACT_TOP, CTX_INSTR, { 'g', K_HOME }, S_H_TOP, NOF },
	{ ACT_BOTTOM, CTX_INSTR, { 'G', K_END }, S_H_BOTTOM, NOF },
	/* the dialogs of the rating console */
	{ ACT_YES, CTX_CONFIRM, { 'y', 'Y' }, S_H_CAST, NOF },
	{ ACT_NO, CTX_CONFIRM, { 'n', 'N', K_ESC, 'q' }, S_H_NOT_YET, NOF },
	{ ACT_QUIT, CTX_CONFIRM | CTX_ANCHORS, { K_CTRL('c') }, S_H_QUIT, NOF },
	{ ACT_NEXT, CTX_RECEIPT, { K_ENTER, ' ', 'n' }, S_H_RECEIPT_NEXT, NOF },
	{ ACT_REVIEW, CTX_RECEIPT, { 'r' }, S_H_REVIEW, NOF },
	{ ACT_QUIT, CTX_RECEIPT, { 'q', K_CTRL('c') }, S_H_QUIT, NOF },
	{ ACT_VALUE, CTX_ANCHORS, { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, S_H_VALUE, NOF },
	{ ACT_NA, CTX_ANCHORS, { '0' }, S_H_NA, NOF },
	{ ACT_BACK, CTX_ANCHORS, { K_ESC, 'a', 'q', K_ENTER }, S_H_ANCHORS_BACK, NOF },
	{ ACT_YES, CTX_LEAVE, { 'y', 'Y', K_CTRL('c') }, S_H_LEAVE_YES, NOF },
	{ ACT_NO, CTX_LEAVE, { 'n', 'N', K_ESC, 'q' }, S_H_LEAVE_NO, NOF },
	{ ACT_NONE, 0, { 0 }, NOF, NOF },
};
/* clang-format on */

enum action keys_lookup(unsigned ctx, int key, const struct action_def **def)
{
	for (const struct action_def *a = key_actions; a->act != ACT_NONE; a++) {
		bool applies = (a->ctx & ctx) || ((a->ctx & CTX_GLOBAL) && !(ctx & CTX_NO_GLOBAL));

		if (!applies)
			continue;
		for (int i = 0; i < KEYS_PER_ACTION && a->keys[i]; i++)
			if (a->keys[i] == key) {
				if (def)
					*def = a;
				return a->act;
			}
	}
	/* LF (Ctrl-J) is Enter wherever it means nothing else: only the
	 * comment editor gives it a meaning of its own (a line break), and a
	 * terminal that sends LF for Enter still works everywhere else */
	if (key == K_CTRL('j'))
		return keys_lookup(ctx, K_ENTER, def);
	return ACT_NONE;
}

/* clang-format off */
static const struct {
	int key;
	const char *name;
} names[] = {
	{ K_UP, "Up" }, { K_DOWN, "Down" }, { K_LEFT, "Left" }, { K_RIGHT, "Right" },
	{ K_PGUP, "PgUp" }, { K_PGDN, "PgDn" }, { K_HOME, "Home" }, { K_END, "End" },
	{ K_BS, "BS" }, { K_DEL, "Del" }, { K_ENTER, "Enter" }, { K_ESC, "Esc" },
	{ K_TAB, "Tab" }, { K_BTAB, "S-Tab" }, { K_F1, "F1" }, { ' ', "Space" },
	{ K_PASTE_BEGIN, "PasteBegin" }, { K_PASTE_END, "PasteEnd" }, { K_ALT_ENTER, "M-Enter" },
};
/* clang-format on */

const char *keys_name(int key, char buf[16])
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].key == key)
			return names[i].name;
	if (key > 0 && key < 0x20) {
		snprintf(buf, 16, "Ctrl-%c", key + 'A' - 1);
		return buf;
	}
	if (key > 0x20 && key < 0x110000) {
		utf8proc_ssize_t n = utf8proc_encode_char(key, (utf8proc_uint8_t *)buf);

		buf[n > 0 ? n : 0] = '\0';
		return buf;
	}
	return "?";
}

int keys_parse(const char *name, size_t len)
{
	utf8proc_int32_t cp;

	if (len > 2 && name[0] == '<' && name[len - 1] == '>') {
		const char *in = name + 1;
		size_t n = len - 2;

		if (n == 3 && (in[0] == 'C' || in[0] == 'c') && in[1] == '-')
			return K_CTRL(in[2]);
		if (n == 5 && strncmp(in, "Space", 5) == 0)
			return ' ';
		if (n == 2 && strncmp(in, "Lt", 2) == 0)
			return '<';
		if (n == 2 && strncmp(in, "Gt", 2) == 0)
			return '>';
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == n && strncmp(names[i].name, in, n) == 0)
				return names[i].key;
		return -1;
	}
	if (utf8proc_iterate((const utf8proc_uint8_t *)name, (utf8proc_ssize_t)len, &cp) !=
		    (utf8proc_ssize_t)len ||
	    cp < 0)
		return -1;
	return cp;
}
