/* rate_app — the rating program (`simsa rate`): its view table, and what
 * its views ask for carried out on the session: saving drafts, casting the
 * ballot, opening a task, refreshing the task list. The only place that
 * calls the session's writing functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rating.h"
#include "simsa/util.h"

static char *compose_prompt(const struct task_view *v)
{
	size_t n = strlen(v->prompt) + (v->system ? strlen(v->system) : 0) +
		   (v->reference ? strlen(v->reference) : 0) + 256;
	char *s = malloc(n);

	if (!s)
		return NULL;
	snprintf(s, n, "%s%s%s%s%s%s%s", v->system ? "## " : "", v->system ? S(S_SYSTEM) : "",
		 v->system ? "\n" : "", v->system ? v->system : "", v->system ? "\n\n" : "",
		 v->prompt, v->reference ? "\n\n## " : "");
	if (v->reference) {
		size_t k = strlen(s);

		snprintf(s + k, n - k, "%s\n%s", S(S_REFERENCE), v->reference);
	}
	return s;
}

static int save_draft(struct console *c, struct simsa_err *err)
{
	struct rating *rt = rating_of(c);

	if (!rt->draft_dirty || !rt->loaded || rt->practice)
		return 0; /* practice keeps no draft */
	rt->ans.active_seconds = console_active_seconds(c);
	if (session_save_draft(rt->s, rt->task, &rt->ans, err) < 0) {
		char words[sizeof err->msg];

		rating_problem_words(rt, session_last_problem(rt->s), err->msg, words,
				     sizeof words);
		i18n_fill(c->msg, sizeof c->msg, S_SAVE_FAILED, words, NULL, NULL);
		return -1;
	}
	rt->draft_dirty = false;
	return 0;
}

/* Puts the cursor where work on a restored draft goes on: the first
 * criterion without a score (A first, then B), else the first row. */
static void resume_cursor(struct rating *rt)
{
	rt->row = 0;
	rt->side = 0;
	if (rt->role != ROLE_EXPERT)
		return;
	for (int s = 0; s < 2; s++)
		for (size_t k = 0; k < rt->rub->n_criteria; k++)
			if (rt->ans.scores[s][k] == BALLOT_SCORE_UNSET) {
				rt->side = s;
				rt->row = (int)k;
				return;
			}
}

/* Opens task i, or practice task i (practice: no draft is kept). */
static int load_any(struct console *c, size_t i, bool practice, struct simsa_err *err)
{
	struct rating *rt = rating_of(c);
	char *prompt;
	int found = 0;

	if (save_draft(c, err) < 0)
		return -1;
	if ((practice ? session_practice(rt->s, i, &rt->tv, err)
		      : session_task(rt->s, i, &rt->tv, err)) < 0)
		return -1;
	prompt = compose_prompt(&rt->tv);
	if (!prompt)
		return err_set(err, "out of memory");
	if (pane_set(&rt->prompt, prompt, strlen(prompt), err) < 0 ||
	    pane_set(&rt->out[0], rt->tv.text[0], rt->tv.text_len[0], err) < 0 ||
	    pane_set(&rt->out[1], rt->tv.text[1], rt->tv.text_len[1], err) < 0) {
		free(prompt);
		return -1;
	}
	free(prompt);
	if (practice)
		answer_init(&rt->ans);
	else
		found = session_load_draft(rt->s, i, &rt->ans, err);
	if (found < 0)
		return -1;
	rt->practice = practice;
	rt->draft_dirty = false;
	rt->task = i;
	rt->loaded = true;
	resume_cursor(rt);
	rt->editing = false;
	c->active = rt->ans.active_seconds;
	c->last_event = mono_seconds();
	c->msg[0] = '\0';
	if (found)
		snprintf(c->msg, sizeof c->msg, "%s", S(S_DRAFT_RESTORED));
	return 0;
}

static int load_task(struct console *c, size_t i, struct simsa_err *err)
{
	return load_any(c, i, false, err);
}

/* The task list's rows, from summaries: no output text is read. */
static int refresh_review(struct rating *rt, struct simsa_err *err)
{
	struct task_summary t;

	for (size_t i = 0; i < rt->n_tasks; i++) {
		if (session_task_summary(rt->s, i, &t, err) < 0)
			return -1;
		memcpy(rt->rv_receipt[i], t.receipt, sizeof rt->rv_receipt[i]);
		rt->rv[i] = t.done ? RV_DONE : t.has_draft ? RV_DRAFT : RV_OPEN;
	}
	return 0;
}

/* A practice task submitted: recorded unsigned, nothing cast. */
static int finish_practice(struct console *c, struct simsa_err *err)
{
	struct rating *rt = rating_of(c);

	rt->ans.active_seconds = console_active_seconds(c);
	if (session_practice_finish(rt->s, rt->task, &rt->ans, err) < 0) {
		rating_problem_words(rt, session_last_problem(rt->s), err->msg, c->msg,
				     sizeof c->msg);
		console_go(c, V_RATE);
		return 0; /* shown to the rater */
	}
	rt->tv.done = true;
	answer_init(&rt->ans);
	c->msg[0] = '\0';
	console_go(c, V_PRACTICE_DONE);
	return 0;
}

static int submit(struct console *c, struct simsa_err *err)
{
	struct rating *rt = rating_of(c);

	if (rt->practice)
		return finish_practice(c, err);
	rt->ans.active_seconds = console_active_seconds(c);
	if (session_submit(rt->s, rt->task, &rt->ans, rt->receipt, err) < 0) {
		rating_problem_words(rt, session_last_problem(rt->s), err->msg, c->msg,
				     sizeof c->msg);
		console_go(c, V_RATE);
		return 0; /* shown to the rater; the draft is still there */
	}
	rt->draft_dirty = false;
	rt->tv.done = true;
	memcpy(rt->tv.receipt, rt->receipt, sizeof rt->receipt);
	answer_init(&rt->ans);
	console_go(c, V_RECEIPT);
	c->msg[0] = '\0';
	if (session_receipts_failure(rt->s)) /* cast all the same: the code is on the screen */
		i18n_fill(c->msg, sizeof c->msg, S_RECEIPT_NOT_SAVED,
			  session_receipts_failure(rt->s), NULL, NULL);
	return 0;
}

/* The confirmation opens: the task's current ballot as the file holds it
 * now (another console of this rater may have cast one meanwhile). */
static int read_latest(struct console *c, struct simsa_err *err)
{
	struct rating *rt = rating_of(c);

	if (session_task_latest(rt->s, rt->task, &rt->latest, err) < 0) {
		memset(&rt->latest, 0, sizeof rt->latest);
		snprintf(c->msg, sizeof c->msg, "%s", err->msg);
		return 0; /* shown; the cast itself reads it again under the lock */
	}
	rt->tv.done = rt->latest.has_ballot;
	memcpy(rt->tv.receipt, rt->latest.receipt, sizeof rt->tv.receipt);
	return 0;
}

/* The receipts view opens: the file as it is kept now. */
static void read_receipts(struct rating *rt)
{
	const char *path = session_receipts_path(rt->s);
	struct simsa_err e;

	free(rt->rc_lines);
	rt->rc_lines = NULL;
	rt->rc_n = 0;
	rt->rc_problem[0] = '\0';
	if (path && receipt_file_read(path, &rt->rc_lines, &rt->rc_n, &e) < 0)
		snprintf(rt->rc_problem, sizeof rt->rc_problem, "%s", e.msg);
}

static int go_to_work(struct console *c, struct simsa_err *err);

static int rating_carry_out(struct console *c, unsigned out, struct simsa_err *err)
{
	struct rating *rt = rating_of(c);

	if (out & OUT_CHANGED)
		rt->draft_dirty = true;
	if (out & OUT_LATEST && read_latest(c, err) < 0)
		return -1;
	if (out & OUT_SUBMIT && submit(c, err) < 0)
		return -1;
	if (out & OUT_RECEIPTS)
		read_receipts(rt);
	if (out & OUT_PRACTICE) {
		if (load_any(c, rt->want, true, err) < 0)
			return -1;
		console_go(c, V_RATE);
		console_layout(c);
	}
	if (out & OUT_WORK) {
		if (go_to_work(c, err) < 0)
			return -1;
		console_layout(c);
		out |= OUT_REVIEW;
	}
	if (out & OUT_LOAD) {
		if (rt->want >= rt->n_tasks) {
			rt->want = rt->n_tasks;
			console_go(c, V_REVIEW);
			out |= OUT_REVIEW;
		} else if (load_task(c, rt->want, err) < 0) {
			return -1;
		}
		console_layout(c);
	}
	if ((out & OUT_REVIEW) && refresh_review(rt, err) < 0)
		return -1;
	return 0;
}

/* clang-format off */
static const struct help_section rating_help[] = {
	{ CTX_RATE, S_CTX_RATE }, { CTX_EDIT, S_CTX_EDIT },
	{ CTX_REVIEW, S_CTX_REVIEW }, { CTX_INSTR, S_CTX_INSTR }, { CTX_GLOBAL, S_CTX_GLOBAL },
	{ 0, S_COUNT },
};
/* clang-format on */

static const struct program rating_program = {
	.views = {
		[V_RATE] = &rate_view,
		[V_CONFIRM] = &confirm_view,
		[V_RECEIPT] = &receipt_view,
		[V_REVIEW] = &review_view,
		[V_HELP] = &help_view,
		[V_ANCHORS] = &anchors_view,
		[V_QUIT] = &quit_view,
		[V_RECEIPTS] = &receipts_view,
		[V_INSTR] = &instr_view,
		[V_PRACTICE_DONE] = &practice_done_view,
	},
	.ctx = CTX_RATE,
	.help = rating_help,
	.layout = rate_layout,
	.carry_out = rating_carry_out,
	.save = save_draft,
	.dump_state = rating_dump_state,
};

/* The rater's own tasks, from the first without a ballot. */
static int go_to_work(struct console *c, struct simsa_err *err)
{
	struct rating *rt = rating_of(c);
	size_t first = session_first_open(rt->s);

	rt->practice = false;
	rt->loaded = false;
	if (rt->n_tasks == 0) {
		snprintf(c->msg, sizeof c->msg, "%s", S(S_NO_TASKS));
		console_go(c, V_REVIEW);
		return 0;
	}
	if (first >= rt->n_tasks) {
		char n[24];

		snprintf(n, sizeof n, "%zu", rt->n_tasks);
		console_go(c, V_REVIEW);
		if (refresh_review(rt, err) < 0)
			return -1;
		i18n_fill(c->msg, sizeof c->msg, S_ALL_DONE, n, NULL, NULL);
		return 0;
	}
	if (load_task(c, first, err) < 0)
		return -1;
	console_go(c, V_RATE);
	return 0;
}

static int start(struct console *c, struct simsa_err *err)
{
	struct rating *rt = rating_of(c);
	bool pending;

	rt->rv = calloc(rt->n_tasks + 1, 1);
	rt->rv_receipt = calloc(rt->n_tasks + 1, sizeof *rt->rv_receipt);
	if (!rt->rv || !rt->rv_receipt)
		return err_set(err, "out of memory");
	if (practice_load_instructions(rt, err) < 0)
		return -1;
	/* A rater who has not begun (no ballot, no draft) reads the
	 * instructions first; the practice tasks the round asks for come
	 * before any real task. */
	pending = session_practice_pending(rt->s) < rt->n_practice;
	if (pending ||
	    (!session_started(rt->s) && rt->n_tasks > 0 && session_instructions(rt->s, "en"))) {
		rt->instr_gate = true;
		console_go(c, V_INSTR);
		return 0;
	}
	return go_to_work(c, err);
}

/* The receipts file's path as the rater is shown it: ~ for the home
 * folder (as a shell would take it back). */
static void shown_path(const char *path, char *out, size_t cap)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;

	if (!path)
		snprintf(out, cap, "%s", "");
	else if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/')
		snprintf(out, cap, "~%s", path + n);
	else
		snprintf(out, cap, "%s", path);
}

int console_open(struct session *s, const struct frontend *fe, void *fe_data, int w, int h,
		 struct console **out, struct simsa_err *err)
{
	struct rating *rt = calloc(1, sizeof *rt);
	struct console *c = NULL;

	*out = NULL;
	if (!rt)
		return err_set(err, "out of memory");
	rt->s = s;
	rt->rub = session_rubric(s);
	rt->role = session_role(s);
	rt->n_tasks = session_task_count(s);
	rt->n_practice = session_practice_count(s);
	shown_path(session_receipts_path(s), rt->receipts_shown, sizeof rt->receipts_shown);
	answer_init(&rt->ans);
	if (console_new(&rating_program, rt, fe, fe_data, w, h, V_RATE, &c, err) < 0) {
		free(rt);
		return -1;
	}
	if (start(c, err) < 0) {
		console_rating_free(&c);
		return -1;
	}
	console_layout(c);
	*out = c;
	return 0;
}

void console_rating_free(struct console **cp)
{
	struct rating *rt;

	if (!*cp)
		return;
	rt = rating_of(*cp);
	for (int i = 0; i < 2; i++)
		pane_release(&rt->out[i]);
	pane_release(&rt->prompt);
	pane_release(&rt->instr);
	free(rt->rv);
	free(rt->rv_receipt);
	free(rt->rc_lines);
	free(rt);
	console_free(cp);
}

int console_run(struct session *s, const struct frontend *fe, void *fe_data, int w, int h,
		struct simsa_err *err)
{
	struct console *c = NULL;
	int rc;

	if (console_open(s, fe, fe_data, w, h, &c, err) < 0)
		return -1;
	rc = console_loop(c, err);
	console_rating_free(&c);
	return rc;
}
