/* console_int — the console's state and the contract between its parts.
 *
 * One state machine (ncdu's shape): `scr` says which screen is up; each
 * screen has a draw function (into the canvas, never the terminal) and a
 * key function that changes only UI state and returns what should happen
 * (enum outcome); the loop (loop.c) carries that out: saving drafts,
 * casting, loading tasks, quitting. Terminal and headless front ends sit
 * behind struct frontend. */
#ifndef SIMSA_TUI_CONSOLE_INT_H
#define SIMSA_TUI_CONSOLE_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "canvas.h"
#include "i18n.h"
#include "keys.h"
#include "lineedit.h"
#include "pane.h"
#include "simsa/session.h"

enum scr_id {
	SCR_RATE,
	SCR_CONFIRM,
	SCR_RECEIPT,
	SCR_REVIEW,
	SCR_HELP,
	SCR_ANCHORS,
	SCR_QUIT,
	SCR_RESULTS,
	SCR_DETAIL,
	SCR_PANEL, /* simsa results (results.c) */
};

enum outcome {
	OUT_NONE = 0,
	OUT_DRAW = 1 << 0,    /* redraw */
	OUT_CHANGED = 1 << 1, /* the answer changed: save the draft */
	OUT_SUBMIT = 1 << 2,  /* cast the answer */
	OUT_LOAD = 1 << 3,    /* open task c->want */
	OUT_QUIT = 1 << 4,
	OUT_REVIEW = 1 << 5, /* refresh the task list */
	OUT_FLUSH = 1 << 6,  /* drop typed-ahead input (before a confirmation) */
};

enum layout_mode { LAY_SIDE, LAY_STACK, LAY_SINGLE };

struct layout {
	bool too_small;
	int min_w, min_h;
	enum layout_mode mode;
	int prompt_y, prompt_h;                         /* body rows; its title is the row above */
	int pane_x[2], pane_y[2], pane_w[2], pane_h[2]; /* bodies; titles above */
	int ctrl_y, ctrl_h;
	int msg_y, foot_y;
};

enum ev_type { EV_KEY, EV_RESIZE, EV_TICK, EV_DUMP, EV_SIGNAL, EV_END };

struct event {
	enum ev_type type;
	int key;
	int w, h;
	int sig;
	const char *label; /* EV_DUMP: the script's label, or NULL */
	bool last;         /* the last event of a burst (a script line) */
};

struct console;
struct results;

struct frontend {
	/* Waits for the next event. */
	int (*next)(struct console *c, struct event *ev);
	/* More input is ready now (a paste, a script line): drafts wait. */
	bool (*pending)(struct console *c);
	/* Shows the canvas. */
	void (*present)(struct console *c);
	/* Drops input typed ahead. */
	void (*flush_input)(struct console *c);
};

enum review_state { RV_OPEN = 0, RV_DRAFT, RV_DONE };

/* A bracketed paste in progress (paste.c). */
struct paste_state {
	bool on;      /* between the begin and the end mark */
	bool cut;     /* the editor was full: the rest is dropped */
	int esc;      /* 1: an ESC came alone; 2..5: and that much of "[201~" */
	size_t bytes; /* pasted so far */
	double last;  /* monotonic seconds of the last pasted key */
};

/* The rating console's state; `simsa results` uses the same struct with
 * res set and no session (s NULL): the loop, canvas, front ends and help
 * are shared, the rating fields stay unused. */
struct console {
	struct session *s;
	struct results *res; /* simsa results: its view, else NULL */
	const struct rubric *rub;
	enum rater_role role;
	const struct frontend *fe;
	void *fe_data;
	struct canvas cv;
	int w, h;
	struct layout lay;
	enum scr_id scr, back; /* back: where a modal returns */

	size_t n_tasks, task, want;
	bool loaded;
	struct task_view tv;
	struct answer ans;
	bool draft_dirty;
	struct pane prompt, out[2];

	int side;  /* 0 = A, 1 = B: the focused answer */
	int row;   /* row of the controls */
	bool lock; /* scroll both answers together */
	bool editing;
	struct paste_state paste;
	struct lineedit ed;
	char ed_saved[LINEEDIT_MAX + 1];

	int cur_y, cur_x; /* where the terminal cursor goes, -1: hidden */
	char msg[1280];
	char receipt[BALLOT_RECEIPT_LEN + 1];
	uint8_t *rv; /* enum review_state per task */
	char (*rv_receipt)[BALLOT_RECEIPT_LEN + 1];
	const char **rv_label; /* prompt id of each task (the session's memory) */
	size_t rv_cursor, rv_top;
	size_t help_top;
	int help_lines;

	double active;     /* seconds counted before the last event */
	double last_event; /* monotonic seconds */
	int exit_status;
};

/* Rows of the controls and which one is which. */
enum row_kind { ROW_CRITERION, ROW_FLAGS, ROW_COMMENT, ROW_PREF, ROW_SATISFACTION, ROW_REASON };
int rate_rows(const struct console *c);
enum row_kind rate_row_kind(const struct console *c, int row);

void console_layout(struct console *c);
void console_draw(struct console *c);
unsigned console_key(struct console *c, int key);
uint32_t console_active_seconds(const struct console *c);

/* rate.c */
void rate_draw(struct console *c);
unsigned rate_key(struct console *c, int key);
void draw_footer(struct console *c, unsigned ctx);
void draw_header(struct console *c);
/* Inserts a code point into the open editor (the answer follows);
 * OUT_NONE if it does not fit. */
unsigned rate_edit_insert(struct console *c, uint32_t cp);
/* A score as shown: "4", "N/A", " " */
const char *score_text(uint32_t v, char buf[12]);
/* paste.c: bracketed paste. paste_owns: the key belongs to a paste (a
 * mark, or anything while one is open) and goes to paste_key, never to a
 * screen. paste_expire ends a paste whose end mark never came. now:
 * mono_seconds(). */
bool paste_owns(const struct console *c, int key);
unsigned paste_key(struct console *c, int key, double now);
unsigned paste_expire(struct console *c, double now);
/* screens.c */
void help_draw(struct console *c);
unsigned help_key(struct console *c, int key);
void review_draw(struct console *c);
unsigned review_key(struct console *c, int key);
void confirm_draw(struct console *c);
unsigned confirm_key(struct console *c, int key);
void receipt_draw(struct console *c);
unsigned receipt_key(struct console *c, int key);
void quit_draw(struct console *c);
unsigned quit_key(struct console *c, int key);
void anchors_draw(struct console *c);
unsigned anchors_key(struct console *c, int key);
void small_draw(struct console *c);
/* Draws s wrapped at word boundaries in w columns from row y, up to row
 * ymax; returns the next free row. Any bytes: it goes through text.h. */
int draw_wrapped(struct console *c, int y, int x, int w, int ymax, const char *s, unsigned attr);
/* results.c: the results table, an entrant's details and the panel of
 * agreement and raters (simsa results) */
void results_layout(struct console *c);
void results_draw(struct console *c);
unsigned results_key(struct console *c, int key);
void results_dump_state(struct console *c, FILE *f);
/* loop.c: runs the console on a started session until the rater leaves;
 * returns the exit status (0, or 128 + signal), or -1 with err set. */
int console_run(struct session *s, const struct frontend *fe, void *fe_data, int w, int h,
		struct simsa_err *err);
/* The console's state on a started session, on its first task (for
 * console_run, the benchmark and tests); console_free frees it. */
int console_open(struct session *s, const struct frontend *fe, void *fe_data, int w, int h,
		 struct console **out, struct simsa_err *err) __attribute__((warn_unused_result));
void console_free(struct console **c);
/* The loop of console_run on an opened console (also simsa results):
 * returns the exit status, or -1 with err set. */
int console_loop(struct console *c, struct simsa_err *err);
/* A console without a session, for a view such as simsa results: front
 * end, size and the first screen; console_free frees it (not res). */
int console_open_view(const struct frontend *fe, void *fe_data, int w, int h, struct results *res,
		      enum scr_id scr, struct console **out, struct simsa_err *err)
	__attribute__((warn_unused_result));
extern volatile sig_atomic_t console_sig_quit, console_sig_int, console_sig_winch;
/* headless.c: SIMSA_CONSOLE_SCRIPT's front end */
struct headless;
extern const struct frontend headless_frontend;
int headless_open(const char *script_path, const char *dump_path, struct headless **out,
		  struct simsa_err *err) __attribute__((warn_unused_result));
void headless_free(struct headless **hl);
int headless_dump(struct console *c, const char *label);
/* SIMSA_CONSOLE_SIZE as w, h (80x24 when unset); -1 if malformed. */
int console_script_size(int *w, int *h, struct simsa_err *err) __attribute__((warn_unused_result));
/* The locale's codeset is UTF-8 (the console draws Korean). */
bool console_utf8_locale(void);
/* term.c: the ncursesw front end */
extern const struct frontend term_frontend;
int term_open(int *w, int *h, struct simsa_err *err) __attribute__((warn_unused_result));
void term_close(void);
/* Installs the console's signal handlers (flags only). */
void console_signals(void);
const char *screen_name(enum scr_id s);

#endif
