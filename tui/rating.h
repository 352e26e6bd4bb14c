/* rating — the state of `simsa rate` (the rating program, tui/rate_app.c)
 * that its views share: the session, the task open and the answer being
 * built, the panes, where the rater is on the controls, and the task
 * list's rows. The views: rating (rate.c, rate_keys.c), confirmation,
 * receipt, task list, leave? and the levels of a criterion (screens.c). */
#ifndef SIMSA_TUI_RATING_H
#define SIMSA_TUI_RATING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console_int.h"
#include "lineedit.h"
#include "pane.h"
#include "simsa/receipt_file.h"
#include "simsa/session.h"

enum layout_mode { LAY_SIDE, LAY_STACK, LAY_SINGLE };

struct layout {
	enum layout_mode mode;
	int prompt_y, prompt_h;                         /* body rows; its title is the row above */
	int pane_x[2], pane_y[2], pane_w[2], pane_h[2]; /* bodies; titles above */
	int ctrl_y, ctrl_h;
	int msg_y, foot_y;
};

enum review_state { RV_OPEN = 0, RV_DRAFT, RV_DONE };

struct rating {
	struct session *s;
	const struct rubric *rub;
	enum rater_role role;
	struct layout lay;

	size_t n_tasks, task, want; /* want: the task OUT_LOAD opens */
	bool loaded;
	struct task_view tv;
	struct answer ans;
	bool draft_dirty;
	struct pane prompt, out[2];

	int side;  /* 0 = A, 1 = B: the focused answer */
	int row;   /* row of the controls */
	bool lock; /* scroll both answers together */
	bool editing;
	struct lineedit ed;
	char ed_saved[LINEEDIT_MAX + 1];

	char receipt[BALLOT_RECEIPT_MAX + 1]; /* of the ballot cast last */
	uint8_t *rv;                          /* enum review_state per task */
	char (*rv_receipt)[BALLOT_RECEIPT_MAX + 1];
	size_t rv_cursor; /* the task list's selected task */

	struct task_latest latest;     /* the task's current ballot as the confirmation read it */
	char receipts_shown[512];      /* the receipts file's path as shown (~ for home), or "" */
	struct receipt_line *rc_lines; /* the receipts file, read when its view opens */
	size_t rc_n;
	char rc_problem[1100]; /* why it could not be read, or "" */

	/* practice (tui/practice.c): the task open is practice task `task` of
	 * the session's practice list, never signed; instr: the instructions,
	 * instr_gate: shown before work starts (leaving them goes on to the
	 * practice the round asks for, then the tasks) */
	bool practice;
	size_t n_practice;
	struct pane instr;
	bool instr_gate;
};

static inline struct rating *rating_of(const struct console *c)
{
	return (struct rating *)c->app;
}

/* rating.c: what the rating views share. Rows of the controls and which
 * one is which; a score as shown ("4", "N/A", " "); the value keys of the
 * rater's role for the footer; the dump's state. */
enum row_kind { ROW_CRITERION, ROW_FLAGS, ROW_COMMENT, ROW_PREF, ROW_SATISFACTION, ROW_REASON };
int rate_rows(const struct rating *rt);
enum row_kind rate_row_kind(const struct rating *rt, int row);
/* Which answer the satisfaction question is about, by the preference
 * chosen: the preferred one, both (a tie, both bad), or none chosen yet. */
const char *rating_satisfaction_about(const struct rating *rt);
const char *score_text(uint32_t v, char buf[12]);
const char *rate_value_keys(const struct rating *rt);
void rating_dump_state(struct console *c, FILE *f);
/* The words for a problem the session reports (session.h), in the rater's
 * language; engine_msg (the engine's message) for the round file failing. */
const char *rating_problem_words(const struct rating *rt, const struct session_problem *p,
				 const char *engine_msg, char *buf, size_t cap);

/* rate.c: the rating screen's layout and drawing; rate_keys.c: its keys
 * and the comment editor, and the view. */
void rate_layout(struct console *c);
void rate_draw(struct console *c);
extern const struct view_ops rate_view;
/* screens.c */
extern const struct view_ops confirm_view, receipt_view, review_view, quit_view, anchors_view,
	receipts_view;
/* practice.c: the instructions and the end of a practice task; the next
 * step after the instructions or a practice task: the first practice task
 * left that the round asks for (OUT_PRACTICE, rt->want), else the work
 * (OUT_WORK). */
extern const struct view_ops instr_view, practice_done_view;
unsigned practice_next(struct console *c, bool any);
/* The instructions' text in the console's language into rt->instr. */
int practice_load_instructions(struct rating *rt, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* rate_app.c: runs the console on a started session until the rater
 * leaves; returns the exit status (0, or 128 + signal), or -1 with err set.
 * console_open: the console on a started session, on its first task (for
 * console_run, the benchmark and tests); console_rating_free frees it. */
int console_run(struct session *s, const struct frontend *fe, void *fe_data, int w, int h,
		struct simsa_err *err);
int console_open(struct session *s, const struct frontend *fe, void *fe_data, int w, int h,
		 struct console **out, struct simsa_err *err) __attribute__((warn_unused_result));
void console_rating_free(struct console **c);

#endif
