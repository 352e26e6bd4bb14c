/* session_draft — a task's unsubmitted answer, saved as JSON in the round
 * file after each burst of input and loaded back when the rater returns to
 * the task (include/simsa/session.h). */
#include "simsa/session.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "session_internal.h"

static json_t *answer_to_json(const struct session *s, const struct answer *a)
{
	json_t *scores = json_array(), *flags = json_array(), *comments = json_array();

	for (int side = 0; side < 2; side++) {
		json_t *row = json_array();

		for (size_t c = 0; c < s->rubric->n_criteria; c++)
			json_array_append_new(row, json_integer(a->scores[side][c]));
		json_array_append_new(scores, row);
		json_array_append_new(flags, json_integer(a->flags[side]));
		json_array_append_new(comments, json_string(a->comment[side]));
	}
	return json_pack("{s:o, s:o, s:o, s:i, s:I, s:s, s:I}", "scores", scores, "flags", flags,
			 "comments", comments, "preference", a->preference, "satisfaction",
			 (json_int_t)a->satisfaction, "reason", a->reason, "active_seconds",
			 (json_int_t)a->active_seconds);
}

static uint32_t u32_of(json_t *v, uint32_t dflt)
{
	json_int_t i = json_integer_value(v);

	return json_is_integer(v) && i >= 0 && i <= 0xFFFFFFFF ? (uint32_t)i : dflt;
}

static void copy_text(char *dst, json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? json_string_length(v) : 0;

	if (n > BALLOT_MAX_COMMENT)
		n = BALLOT_MAX_COMMENT;
	memcpy(dst, s ? s : "", n);
	dst[n] = '\0';
}

static void answer_from_json(const struct session *s, json_t *j, struct answer *a)
{
	json_t *pref = json_object_get(j, "preference");

	answer_init(a);
	for (int side = 0; side < 2; side++) {
		json_t *row = json_array_get(json_object_get(j, "scores"), (size_t)side);

		for (size_t c = 0; c < s->rubric->n_criteria; c++)
			a->scores[side][c] = u32_of(json_array_get(row, c), BALLOT_SCORE_UNSET);
		a->flags[side] =
			u32_of(json_array_get(json_object_get(j, "flags"), (size_t)side), 0);
		copy_text(a->comment[side],
			  json_array_get(json_object_get(j, "comments"), (size_t)side));
	}
	a->preference = json_is_integer(pref) && json_integer_value(pref) >= 0 &&
					json_integer_value(pref) < PREF_COUNT
				? (int)json_integer_value(pref)
				: -1;
	a->satisfaction = u32_of(json_object_get(j, "satisfaction"), BALLOT_SCORE_UNSET);
	copy_text(a->reason, json_object_get(j, "reason"));
	a->active_seconds = u32_of(json_object_get(j, "active_seconds"), 0);
}

char *session_answer_text(const struct session *s, const struct answer *a)
{
	json_t *j = answer_to_json(s, a);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return text;
}

int session_write_answer(struct session *s, size_t index, const struct answer *a,
			 const char *closed_msg,
			 int (*put)(struct session *s, size_t index, const char *json,
				    struct simsa_err *err),
			 struct simsa_err *err)
{
	char *text = session_answer_text(s, a);
	int rc;

	if (!text)
		return err_set(err, "out of memory");
	if (session_begin_open(s, index, closed_msg, err) < 0) {
		free(text);
		if (s->problem.code != SE_ROUND_CLOSED)
			session_problem_set(&s->problem, SE_STORE, index, -1, -1);
		return -1;
	}
	rc = put(s, index, text, err);
	if (rc == 0)
		rc = store_commit(s->st, err);
	else
		store_rollback(s->st);
	free(text);
	if (rc < 0)
		session_problem_set(&s->problem, SE_STORE, index, -1, -1);
	return rc;
}

static int put_draft(struct session *s, size_t index, const char *json, struct simsa_err *err)
{
	return store_put_draft(s->st, s->rater_row, s->tasks[index].position, json, err);
}

int session_save_draft(struct session *s, size_t index, const struct answer *a,
		       struct simsa_err *err)
{
	session_problem_set(&s->problem, SE_NONE, index, -1, -1);
	if (index >= s->n_tasks) {
		session_problem_set(&s->problem, SE_NO_TASK, index, -1, -1);
		return err_set(err, "no task %zu", index + 1);
	}
	/* The state is read under the write lock, as for a cast: a close
	 * removes every draft, and none may be written into a sealed round
	 * (verify's cleared step requires drafts gone after close). */
	return session_write_answer(s, index, a, "the round is closed; the draft was not saved",
				    put_draft, err);
}

int session_load_draft(struct session *s, size_t index, struct answer *a, struct simsa_err *err)
{
	char *text = NULL;
	json_t *j;
	int found;

	answer_init(a);
	session_problem_set(&s->problem, SE_NONE, index, -1, -1);
	if (index >= s->n_tasks) {
		session_problem_set(&s->problem, SE_NO_TASK, index, -1, -1);
		return err_set(err, "no task %zu", index + 1);
	}
	found = store_get_draft(s->st, s->rater_row, s->tasks[index].position, &text, err);
	if (found < 0)
		session_problem_set(&s->problem, SE_STORE, index, -1, -1);
	if (found <= 0)
		return found;
	j = json_loads(text, 0, NULL);
	free(text);
	if (!j)
		return 0; /* an unreadable draft is no draft */
	answer_from_json(s, j, a);
	json_decref(j);
	return 1;
}

/* ---- casting ---- */
