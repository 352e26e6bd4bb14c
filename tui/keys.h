/* keys — key codes, key names (for scripts and help) and the one table of
 * actions: every action is declared once with its keys, the contexts it
 * works in and its help text; the help screen and the footer are generated
 * from it, and screens look keys up here instead of switching on them. */
#ifndef SIMSA_TUI_KEYS_H
#define SIMSA_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "i18n.h"

/* A key is a Unicode code point (text and control characters) or one of
 * these, above the code point range. */
enum {
	K_UP = 0x200000,
	K_DOWN,
	K_LEFT,
	K_RIGHT,
	K_PGUP,
	K_PGDN,
	K_HOME,
	K_END,
	K_BS,
	K_DEL,
	K_ENTER,
	K_ESC,
	K_TAB,
	K_BTAB,
	K_F1,
	K_PASTE_BEGIN,
	K_PASTE_END, /* bracketed paste: ESC [ 200 ~, ESC [ 201 ~ */
	K_ALT_ENTER, /* ESC then CR at once: Alt (Meta) with Enter */
};
#define K_CTRL(c) ((c)&0x1f)

enum ctx {
	CTX_RATE = 1 << 0,
	CTX_EDIT = 1 << 1,
	CTX_REVIEW = 1 << 2,
	CTX_HELP = 1 << 3,
	CTX_GLOBAL = 1 << 4,  /* every screen except the line editor */
	CTX_RESULTS = 1 << 5, /* the results table (simsa results) */
	CTX_DETAIL = 1 << 6,  /* one entrant's details */
	CTX_PANEL = 1 << 7,   /* agreement within the round and the raters */
	/* the dialogs: CTX_GLOBAL entries do not apply there (nor in CTX_EDIT) */
	CTX_CONFIRM = 1 << 8, /* what will be signed */
	CTX_RECEIPT = 1 << 9,
	CTX_ANCHORS = 1 << 10,  /* the levels of one criterion */
	CTX_LEAVE = 1 << 11,    /* leave the console? */
	CTX_RECEIPTS = 1 << 12, /* the rater's receipts file */
	CTX_INSTR = 1 << 13,    /* the instructions, and the end of a practice task */
};
#define CTX_NO_GLOBAL (CTX_EDIT | CTX_CONFIRM | CTX_RECEIPT | CTX_ANCHORS | CTX_LEAVE)

enum action {
	ACT_NONE = 0,
	ACT_HELP,
	ACT_QUIT,
	ACT_DOWN,
	ACT_UP,
	ACT_SIDE_A,
	ACT_SIDE_B,
	ACT_SWITCH,
	ACT_VALUE,
	ACT_NA,
	ACT_CLEAR,
	ACT_PAGE_DOWN,
	ACT_PAGE_UP,
	ACT_LINE_DOWN,
	ACT_LINE_UP,
	ACT_TOP,
	ACT_BOTTOM,
	ACT_LOCK,
	ACT_PROMPT_DOWN,
	ACT_PROMPT_UP,
	ACT_ANCHORS,
	ACT_EDIT,
	ACT_SUBMIT,
	ACT_REVIEW,
	ACT_NEXT,
	ACT_PREV,
	ACT_ED_DONE,
	ACT_ED_CANCEL,
	ACT_ED_LEFT,
	ACT_ED_RIGHT,
	ACT_ED_HOME,
	ACT_ED_END,
	ACT_ED_BS,
	ACT_ED_DEL,
	ACT_ED_KILL,
	ACT_ED_NEWLINE,
	ACT_OPEN,
	ACT_BACK,
	ACT_PANEL,
	ACT_RECEIPTS, /* the rater's receipts */
	ACT_INSTRUCTIONS,
	ACT_PRACTICE,
	ACT_START,
	ACT_YES, /* a dialog's answer */
	ACT_NO,
};

#define KEYS_PER_ACTION 9

struct action_def {
	enum action act;
	unsigned ctx;              /* enum ctx mask */
	int keys[KEYS_PER_ACTION]; /* 0-terminated */
	enum str_id help;
	enum str_id footer; /* short footer label, or S_COUNT for none */
};

/* The table, ending with act ACT_NONE. */
extern const struct action_def key_actions[];

/* The action of key in a context (CTX_GLOBAL entries apply in every
 * context but CTX_EDIT and the dialogs'), or ACT_NONE; *def receives its
 * entry. */
enum action keys_lookup(unsigned ctx, int key, const struct action_def **def);

/* A key's printable name ("j", "Enter", "Ctrl-C", "1"), for help. */
const char *keys_name(int key, char buf[16]);
/* Parses one key name of a script: "<Enter>", "<C-c>", "<Up>", ... or a
 * single character (UTF-8). Returns the key or -1. */
int keys_parse(const char *name, size_t len);

#endif
