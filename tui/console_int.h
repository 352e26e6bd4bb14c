/* console_int — the console's core and the contract between its parts.
 *
 * tig's shape: each screen is a view (struct view_ops: a name, its draw and
 * key functions, what it dumps) registered in one table per program (struct
 * program: the rating console's in tui/rate_app.c, simsa results' in
 * tui/results.c). The loop (loop.c) draws and hands keys to c->view through
 * that table; a key function changes only UI state and returns what should
 * happen (enum outcome), which the program carries out (saving drafts,
 * casting, loading tasks) and the loop finishes (quitting). The core below
 * holds only what every program has: the front end, the canvas, the size,
 * the current view and the quit flag; the program's own state (struct
 * rating, tui/rating.h; struct results, tui/results.h) hangs from c->app,
 * and a view's private state from its slot c->vstate[id]. Terminal and
 * headless front ends sit behind struct frontend. */
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
#include "simsa/err.h"

enum outcome {
	OUT_NONE = 0,
	OUT_DRAW = 1 << 0,    /* redraw */
	OUT_CHANGED = 1 << 1, /* the answer changed: save the draft */
	OUT_SUBMIT = 1 << 2,  /* cast the answer */
	OUT_LOAD = 1 << 3,    /* open the task the rating view asked for */
	OUT_QUIT = 1 << 4,
	OUT_REVIEW = 1 << 5,   /* refresh the task list */
	OUT_FLUSH = 1 << 6,    /* drop typed-ahead input (before a confirmation) */
	OUT_LATEST = 1 << 7,   /* re-read the task's current ballot (the confirmation opens) */
	OUT_RECEIPTS = 1 << 8, /* read the rater's receipts file (its view opens) */
	OUT_PRACTICE = 1 << 9, /* open the practice task the view asked for */
	OUT_WORK = 1 << 10,    /* go on to the rater's first open task */
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

struct frontend {
	/* Waits for the next event. */
	int (*next)(struct console *c, struct event *ev);
	/* More input is ready now (a paste, a script line): drafts wait. */
	bool (*pending)(struct console *c);
	/* Shows the canvas. */
	void (*present)(struct console *c);
	/* Drops input typed ahead. */
	void (*flush_input)(struct console *c);
	/* Writes the screen and its state (EV_DUMP); NULL: dumps are ignored.
	 * -1 if it cannot write. */
	int (*dump)(struct console *c, const char *label);
};

/* A bracketed paste in progress (paste.c). */
struct paste_state {
	bool on;      /* between the begin and the end mark */
	bool cut;     /* the editor was full: the rest is dropped */
	bool cr;      /* the last pasted key was a CR (a LF after it is dropped) */
	int esc;      /* 1: an ESC came alone; 2..5: and that much of "[201~" */
	size_t bytes; /* pasted so far */
	double last;  /* monotonic seconds of the last pasted key */
};

/* Every view either program registers; a program's table leaves out the
 * views it does not have. */
enum view_id {
	V_RATE,
	V_CONFIRM,
	V_RECEIPT,
	V_REVIEW,
	V_HELP,
	V_ANCHORS,
	V_QUIT,
	V_RECEIPTS,
	V_INSTR,
	V_PRACTICE_DONE,
	V_RESULTS,
	V_DETAIL,
	V_PANEL,
	V_COUNT
};

struct view_ops {
	const char *name; /* the dump's screen= */
	enum view_id id;
	size_t state_size; /* its private state, c->vstate[id] (0: none) */
	/* Opened anew (console_go, console_push; not on console_pop). */
	void (*enter)(struct console *c);
	void (*draw)(struct console *c);
	unsigned (*key)(struct console *c, int key);
	/* Its part of the headless dump's state (NULL: none). */
	void (*dump_state)(struct console *c, FILE *f);
	/* Text typed or pasted: text_open says an editor takes it now, text
	 * inserts one code point (OUT_NONE: it does not fit). NULL: none. */
	bool (*text_open)(const struct console *c);
	unsigned (*text)(struct console *c, uint32_t cp);
	bool small_ok; /* drawn even when the terminal is too small */
	bool overlay;  /* a dialog drawn over the view it came from */
	bool backdrop; /* this view shows beneath an overlay dialog */
};

/* The help screen's sections: a key context and its title. */
struct help_section {
	unsigned ctx;
	enum str_id title;
};

/* What one program (simsa rate, simsa results) puts behind the loop. */
struct program {
	const struct view_ops *views[V_COUNT]; /* by enum view_id; NULL: none */
	unsigned ctx;                          /* its key context on "please enlarge" */
	const struct help_section *help;       /* ends with ctx 0 */
	/* Lays out for c->w, c->h: sets c->too_small, c->min_w, c->min_h. */
	void (*layout)(struct console *c);
	/* Carries out what a key asked for, but flushing and quitting. -1
	 * only for errors that end the console. NULL: nothing to do. */
	int (*carry_out)(struct console *c, unsigned out, struct simsa_err *err);
	/* Input paused, or the console ends: save what must not be lost.
	 * NULL: nothing to save. */
	int (*save)(struct console *c, struct simsa_err *err);
	/* The dump's state after its screen= and size= lines. */
	void (*dump_state)(struct console *c, FILE *f);
};

/* The core every program shares. */
struct console {
	const struct frontend *fe;
	void *fe_data;
	struct canvas cv;
	int w, h;
	bool too_small; /* set by the program's layout */
	int min_w, min_h;
	const struct program *prog;
	void *app;                          /* the program's state: struct rating, struct results */
	const struct view_ops *view, *back; /* back: where a modal returns */
	void *vstate[V_COUNT];
	bool quit;
	int exit_status;
	int cur_y, cur_x; /* where the terminal cursor goes, -1: hidden */
	char msg[1280];   /* the message line */
	struct paste_state paste;
	double active;     /* seconds counted before the last event */
	double last_event; /* monotonic seconds */
};

/* loop.c: the core. console_new: a console for prog with app as its state,
 * on its first view; console_free frees it (not app). */
int console_new(const struct program *prog, void *app, const struct frontend *fe, void *fe_data,
		int w, int h, enum view_id first, struct console **out, struct simsa_err *err)
	__attribute__((warn_unused_result));
void console_free(struct console **c);
/* Opens view id (its enter hook runs); console_push remembers the view it
 * came from, console_pop goes back there. */
void console_go(struct console *c, enum view_id id);
void console_push(struct console *c, enum view_id id);
void console_pop(struct console *c);
/* The private state of view id (console_int.h, struct view_ops). */
void *console_vstate(struct console *c, enum view_id id);
void console_layout(struct console *c);
void console_draw(struct console *c);
unsigned console_key(struct console *c, int key);
/* Seconds of work: gaps of more than 3 minutes between keys do not count. */
uint32_t console_active_seconds(const struct console *c);
/* The loop: returns the exit status (0, or 128 + signal), or -1 with err. */
int console_loop(struct console *c, struct simsa_err *err);
extern volatile sig_atomic_t console_sig_quit, console_sig_int, console_sig_winch;

/* draw.c: what every view draws with. */
void draw_title_bar(struct console *c, const char *title);
void draw_bottom_bar(struct console *c, const char *keys);
/* The footer of key hints for ctx, generated from the key table;
 * value_keys: how ACT_VALUE's keys are written ("1-5"). */
void draw_footer(struct console *c, unsigned ctx, const char *value_keys);
/* Draws s wrapped at word boundaries in w columns from row y, up to row
 * ymax; returns the next free row. Any bytes: it goes through text.h. */
int draw_wrapped(struct console *c, int y, int x, int w, int ymax, const char *s, unsigned attr);
/* Lines s takes wrapped at w columns (at least 1). */
int draw_wrapped_rows(const char *s, int w);
/* "please enlarge": the size now and the size needed. */
void draw_small(struct console *c);

/* paste.c: bracketed paste. paste_owns: the key belongs to a paste (a
 * mark, or anything while one is open) and goes to paste_key, never to a
 * view. paste_expire ends a paste whose end mark never came. now:
 * mono_seconds(). */
bool paste_owns(const struct console *c, int key);
unsigned paste_key(struct console *c, int key, double now);
unsigned paste_expire(struct console *c, double now);

/* help.c: help, generated from the key table (both programs). */
extern const struct view_ops help_view;

/* headless.c: SIMSA_CONSOLE_SCRIPT's front end */
struct headless;
extern const struct frontend headless_frontend;
int headless_open(const char *script_path, const char *dump_path, struct headless **out,
		  struct simsa_err *err) __attribute__((warn_unused_result));
void headless_free(struct headless **hl);
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

#endif
