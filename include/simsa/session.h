/* session — one rater's work on an open round: their tasks, the blind texts
 * of each, drafts saved as they type, and casting signed ballots.
 *
 * This is everything the console (tui/) needs from the engine; it never
 * draws. Texts handed out are the raw stored bytes (model output is hostile:
 * pass them through text.h before drawing). Nothing here reveals which
 * entrant wrote an output: tasks know outputs only by their opaque ids.
 *
 * Drafts are saved in the round file (one transaction each) so a dropped
 * session resumes where it was; a submit casts a ballot (ballot.h) in one
 * transaction and returns its receipt code. Changing a submitted answer
 * casts a new ballot that supersedes the old one. */
#ifndef SIMSA_SESSION_H
#define SIMSA_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/ballot.h"
#include "simsa/err.h"
#include "simsa/keyfile.h"
#include "simsa/rubric.h"
#include "simsa/store.h"

struct session;

/* Opens the round at path for the enrolled rater name, whose unlocked key
 * is sk (the session takes it over and frees it). Refuses a round that is
 * not open, an unknown rater, a key that is not the rater's, and auditors
 * (who have no tasks). */
int session_start(const char *path, const char *rater, struct secret_key *sk, struct session **out,
		  struct simsa_err *err) __attribute__((warn_unused_result));
/* Closes the round file, wipes and frees everything; sets *s to NULL. */
void session_end(struct session **s);

/* Keeps the rater's receipts in the file at path (receipt_file.h; NULL:
 * the default path for this round and rater): each ballot cast from now on
 * is appended there after it is committed. */
int session_keep_receipts(struct session *s, const char *path, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* That file's path, or NULL when none is kept. */
const char *session_receipts_path(const struct session *s);
/* Why the receipt of the last ballot cast was not saved to the file (the
 * ballot is cast all the same), or NULL when it was or none is kept. */
const char *session_receipts_failure(const struct session *s);

const char *session_title(const struct session *s);
const char *session_rater(const struct session *s);
enum rater_role session_role(const struct session *s);
/* The rubric of the rater's role (expert or user). */
const struct rubric *session_rubric(const struct session *s);

size_t session_task_count(const struct session *s);
size_t session_done_count(const struct session *s);
/* Index of the first task without a counted ballot, or the count if all
 * are done. */
size_t session_first_open(const struct session *s);

struct task_view {
	size_t index; /* 0-based in the rater's list */
	const char *prompt_id;
	const char *category;
	const char *prompt;
	const char *system;    /* may be NULL */
	const char *reference; /* experts only; NULL for users or when absent */
	const char *text[2];   /* [0] shown as A (left), [1] as B (right) */
	size_t text_len[2];
	const char *output_id[2];             /* opaque ids */
	bool done;                            /* a counted ballot exists */
	char receipt[BALLOT_RECEIPT_MAX + 1]; /* of that ballot, "" if none */
};

/* Fills v with task index (pointers valid until the next session_task
 * call or session_end). */
int session_task(struct session *s, size_t index, struct task_view *v, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* A task as a list shows it, read without its texts: the outputs are not
 * loaded and the draft is only checked for, so a list of hundreds of tasks
 * stays quick. */
struct task_summary {
	size_t index;          /* 0-based in the rater's list */
	const char *prompt_id; /* valid until session_end */
	const char *category;
	bool done;                            /* a counted ballot exists */
	bool has_draft;                       /* a readable draft is saved */
	char receipt[BALLOT_RECEIPT_MAX + 1]; /* of that ballot, "" if none */
};

/* What raters of this role are told before their first task (markdown,
 * the rubric's instructions; docs/rubrics.md) in lang "ko" or "en" (the
 * other language when that one is missing), or NULL when the round has
 * none. */
const char *session_instructions(const struct session *s, const char *lang);
/* Whether the rater had begun when the session started: a ballot cast or
 * a draft saved (the console shows the instructions first otherwise). */
bool session_started(const struct session *s);

struct answer;
/* Practice tasks of the rater's role, in import order (`simsa practice
 * import`): answered like a task, never signed nor counted. */
size_t session_practice_count(const struct session *s);
/* The first required practice task the rater has not done, or the count
 * when none is left: the rater's real tasks wait until then. */
size_t session_practice_pending(const struct session *s);
bool session_practice_required(const struct session *s, size_t i);
bool session_practice_is_done(const struct session *s, size_t i);
/* The note shown once practice task i is done, in lang, or NULL. */
const char *session_practice_note(const struct session *s, size_t i, const char *lang);
/* Fills v with practice task i as session_task does a task (no prompt id,
 * no output ids, no receipt; done: the rater has done it). */
int session_practice(struct session *s, size_t i, struct task_view *v, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Records that the rater did practice task i with answer a, which must be
 * complete as for a cast (session_last_problem says what is missing):
 * unsigned, one small write while the round is open, never a ballot. */
int session_practice_finish(struct session *s, size_t i, const struct answer *a,
			    struct simsa_err *err) __attribute__((warn_unused_result));

/* Fills *out for task index; leaves the texts of session_task alone. */
int session_task_summary(struct session *s, size_t index, struct task_summary *out,
			 struct simsa_err *err) __attribute__((warn_unused_result));

/* The task's current ballot as the round file holds it now, which another
 * console of the same rater may have cast meanwhile. */
struct task_latest {
	bool has_ballot;
	bool elsewhere; /* it is not the ballot this session knew of (none, or another) */
	char receipt[BALLOT_RECEIPT_MAX + 1];
	char cast_at[32];
};

/* Re-reads the current ballot of task index (for the confirmation before
 * a cast, which will supersede it); the session knows it from then on. */
int session_task_latest(struct session *s, size_t index, struct task_latest *out,
			struct simsa_err *err) __attribute__((warn_unused_result));

/* The answer being built for a task; the same struct serves experts and
 * users (fields of the other role stay unset). */
struct answer {
	/* experts: scores[side][criterion], BALLOT_SCORE_UNSET where not given,
	 * BALLOT_SCORE_NA for "not applicable" on a criterion that is not
	 * required; flags per side (BALLOT_FLAG_*); comment per side */
	uint32_t scores[2][RUBRIC_MAX_CRITERIA];
	uint32_t flags[2];
	char comment[2][BALLOT_MAX_COMMENT + 1];
	/* users: preference (enum rubric_pref, or -1 unset), satisfaction
	 * (BALLOT_SCORE_UNSET if not given), reason */
	int preference;
	uint32_t satisfaction;
	char reason[BALLOT_MAX_COMMENT + 1];
	/* both: active seconds on this task so far */
	uint32_t active_seconds;
};

/* An empty answer: everything unset. */
void answer_init(struct answer *a);

/* What went wrong in rating, as a code with where it is, for the console
 * to put in words (its own, in the rater's language): an answer not ready
 * to submit, and the failures of casting and of drafts. */
enum session_error {
	SE_NONE = 0,
	SE_NO_TASK,                   /* no task `task` */
	SE_SCORE_OUT_OF_SCALE,        /* the score of `criterion` for `side` */
	SE_REQUIRED_MISSING,          /* required `criterion` has no score for `side` */
	SE_UNKNOWN_FLAG,              /* on `side` */
	SE_NO_PREFERENCE,             /* a user has not chosen which answer is better */
	SE_SATISFACTION_OUT_OF_SCALE, /* the user's satisfaction */
	SE_SATISFACTION_MISSING,      /* the rubric's satisfaction says required = yes */
	SE_ROUND_CLOSED,              /* closed before the ballot was recorded: not cast */
	SE_KEY,                       /* the rater's key cannot sign */
	SE_STORE,                     /* the round file failed: the engine's message is in err */
};

struct session_problem {
	enum session_error code;
	size_t task;   /* 0-based, for SE_NO_TASK and the failures of a task */
	int criterion; /* index in the rubric, or -1 */
	int side;      /* 0 = A, 1 = B, or -1 */
};

/* Whether the answer can be submitted; when not, *why (may be NULL) says
 * what is missing first. */
bool session_answer_complete(const struct session *s, const struct answer *a,
			     struct session_problem *why);
/* The problem of the last session_submit, session_save_draft or
 * session_load_draft that failed on s (code SE_NONE after one that did
 * not). err still carries the engine's own words for logs. */
const struct session_problem *session_last_problem(const struct session *s);
/* The engine's own English words for a problem, as its error messages use
 * them (for logs and tests; the console has its own). */
const char *session_problem_text(const struct session_problem *p);

/* Saves the draft of a task (one small transaction, refused with
 * SE_ROUND_CLOSED once the round is closed); loads it back (returns
 * 1 if a draft exists, 0 if not; *a is answer_init'ed when none). */
int session_save_draft(struct session *s, size_t index, const struct answer *a,
		       struct simsa_err *err) __attribute__((warn_unused_result));
int session_load_draft(struct session *s, size_t index, struct answer *a, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Casts the answer as a signed ballot for task index (superseding that
 * task's earlier ballot if there is one), removes the draft, and writes the
 * receipt code: all in one write transaction, which reads the round's state
 * under the lock. Refuses an incomplete answer, and (SE_ROUND_CLOSED) a
 * ballot whose transaction finds the round closed: a close that took the
 * lock first sealed the round without it, so nothing is written, the draft
 * is left as it is, and no receipt is given. */
int session_submit(struct session *s, size_t index, const struct answer *a,
		   char receipt[BALLOT_RECEIPT_MAX + 1], struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Fills the column values of rec (store.h: everything but rater_row, the
 * bytes, hash and signature) from b, the ballot rec's bytes encode. rec
 * points into b, and into *scores: the expert scores as JSON text (NULL for
 * a user ballot), which the caller frees once the ballot is stored. */
int session_ballot_columns(const struct ballot *b, struct ballot_rec *rec, char **scores,
			   struct simsa_err *err) __attribute__((warn_unused_result));

#endif
