/* session_practice — what a rater is told first and the practice tasks of
 * their role (see include/simsa/session.h; session.c loads them at start). Practice is answered like a
 * task but never signed: finishing one records the answer as unsigned
 * working state (store_put_practice_done), which neither verify nor score
 * reads. */
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"

/* [0] for Korean, [1] for anything else; the other when it is missing. */
static const char *in_lang(char *const texts[2], const char *lang)
{
	int l = lang && strcmp(lang, "ko") == 0 ? 0 : 1;

	return texts[l] ? texts[l] : texts[!l];
}

const char *session_instructions(const struct session *s, const char *lang)
{
	return in_lang(s->instructions, lang);
}

bool session_started(const struct session *s)
{
	return s->started;
}

size_t session_practice_count(const struct session *s)
{
	return s->n_practice;
}

size_t session_practice_pending(const struct session *s)
{
	for (size_t i = 0; i < s->n_practice; i++)
		if (s->practice[i].p.required && !s->practice[i].done)
			return i;
	return s->n_practice;
}

bool session_practice_required(const struct session *s, size_t i)
{
	return i < s->n_practice && s->practice[i].p.required;
}

bool session_practice_is_done(const struct session *s, size_t i)
{
	return i < s->n_practice && s->practice[i].done;
}

const char *session_practice_note(const struct session *s, size_t i, const char *lang)
{
	return i < s->n_practice ? in_lang(s->practice[i].p.note, lang) : NULL;
}

int session_practice(struct session *s, size_t i, struct task_view *v, struct simsa_err *err)
{
	const struct in_practice *p;

	memset(v, 0, sizeof *v);
	if (i >= s->n_practice)
		return err_set(err, "no practice task %zu", i + 1);
	p = &s->practice[i].p;
	v->index = i;
	v->prompt_id = "";
	v->category = "";
	v->prompt = p->prompt;
	v->reference = s->role == ROLE_EXPERT ? p->reference : NULL;
	for (int k = 0; k < 2; k++) {
		v->text[k] = p->answer[k];
		v->text_len[k] = strlen(p->answer[k]);
		v->output_id[k] = "";
	}
	v->done = s->practice[i].done;
	return 0;
}

static int put_done(struct session *s, size_t i, const char *json, struct simsa_err *err)
{
	return store_put_practice_done(s->st, s->rater_row, s->practice[i].p.id, json, err);
}

int session_practice_finish(struct session *s, size_t i, const struct answer *a,
			    struct simsa_err *err)
{
	struct session_problem why;

	session_problem_set(&s->problem, SE_NONE, i, -1, -1);
	if (i >= s->n_practice) {
		session_problem_set(&s->problem, SE_NO_TASK, i, -1, -1);
		return err_set(err, "no practice task %zu", i + 1);
	}
	if (!session_answer_complete(s, a, &why)) {
		s->problem = why;
		s->problem.task = i;
		return err_set(err, "the answer is not complete: %s", session_problem_text(&why));
	}
	if (session_write_answer(s, i, a, "the round is closed; practice is over", put_done, err) <
	    0)
		return -1;
	s->practice[i].done = true;
	return 0;
}
