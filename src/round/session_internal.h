/* session_internal — what session.c and session_draft.c share: the
 * session itself and how a call records its problem. Nothing outside
 * src/round/session*.c includes this. */
#ifndef SIMSA_SESSION_INTERNAL_H
#define SIMSA_SESSION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/ballot.h"
#include "simsa/session.h"
#include "simsa/store.h"

struct session {
	struct store *st;
	struct secret_key *sk;
	struct round_info info;
	unsigned char manifest_hash[32];
	char *rater;
	int64_t rater_row;
	enum rater_role role;
	struct rubric *rubric;
	struct session_task_rec *tasks;
	size_t n_tasks;
	bool *done;
	char (*receipt)[BALLOT_RECEIPT_MAX + 1];
	char *text[2]; /* texts of the task last viewed */
	size_t text_len[2];
	struct session_problem problem; /* of the last submit or draft call */
	int receipts_fd;                /* the rater's receipts file, or -1 */
	char *receipts_path;
	char receipts_failure[5200]; /* why the last receipt was not saved, or "" */
	/* what raters of the role are told first ([0] Korean, [1] English,
	 * NULL: none), and their practice tasks (session_practice.c) */
	char *instructions[2];
	bool started; /* at start, the rater had cast a ballot or saved a draft */
	struct practice_row *practice;
	size_t n_practice;
};

/* The answer as a draft stores it (compact JSON; the caller frees), or
 * NULL when out of memory. */
char *session_answer_text(const struct session *s, const struct answer *a);
/* Writes the answer's JSON with put (one row of unsigned working state:
 * a draft, a practice answer) in a write transaction that finds the round
 * open (session_begin_open, closed_msg when it is not), and commits; on
 * failure records SE_ROUND_CLOSED or SE_STORE for index. */
int session_write_answer(struct session *s, size_t index, const struct answer *a,
			 const char *closed_msg,
			 int (*put)(struct session *s, size_t index, const char *json,
				    struct simsa_err *err),
			 struct simsa_err *err);

/* Sets *p (may be NULL) to the problem; returns false, for "not complete". */
bool session_problem_set(struct session_problem *p, enum session_error code, size_t task,
			 int criterion, int side);

/* Takes the write lock and reads the round's state under it, as a cast
 * or a draft must (a close reads and seals under the same lock): 0 when
 * the round is open, with the lock held; else -1, the lock released, err
 * set (to closed_msg, or the engine's words for SE_ROUND_CLOSED when
 * NULL, if a close came first; SE_ROUND_CLOSED then recorded for task
 * index). */
int session_begin_open(struct session *s, size_t index, const char *closed_msg,
		       struct simsa_err *err);

#endif
