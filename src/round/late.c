/* late — tasks for raters who join an open round (see include/simsa/late.h). */
#include "simsa/late.h"

#include <stdlib.h>
#include <string.h>

#include "simsa/assign.h"
#include "simsa/closing.h"
#include "simsa/opening.h"

static const char *blind_id(const struct secrets *s, uint32_t prompt, uint32_t entrant)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->owners[i].prompt == prompt && s->owners[i].entrant == entrant)
			return s->owners[i].id;
	return NULL;
}

int late_tasks(struct store *st, const struct secret_key *organizer, struct simsa_err *err)
{
	struct round_inputs in = { 0 };
	struct secrets sec = { 0 };
	struct assign_result ar = { 0 };
	struct opening_rec op;
	struct task_rec *t = NULL;
	size_t r, first, n;
	int rc = -1;

	if (store_load_inputs(st, &in, err) < 0 || store_get_opening(st, &op, err) != 1 ||
	    round_unseal(st, organizer, &sec, err) < 0 ||
	    opening_replay(st, sec.seed, op.manifest_hash, &ar, err) < 0)
		goto out;
	r = in.n_raters - 1; /* the rater just added: the last enrolled */
	first = ar.first[r];
	n = ar.first[r + 1] - first;
	t = calloc(n + 1, sizeof *t);
	if (!t) {
		err_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct assign_task *a = &ar.tasks[first + i];

		t[i].rater_row = in.raters[r].row;
		t[i].position = a->position;
		t[i].prompt_row = in.prompts[a->prompt].row;
		t[i].left = blind_id(&sec, a->prompt, a->left);
		t[i].right = blind_id(&sec, a->prompt, a->right);
		t[i].kind = assign_kind_name(a->kind);
		t[i].replica = a->replica;
		if (!t[i].left || !t[i].right) {
			err_set(err, "the sealed output map lacks an output of prompt %s",
				in.prompts[a->prompt].id);
			goto out;
		}
	}
	rc = store_add_tasks(st, t, n, err);
out:
	free(t);
	assign_result_release(&ar);
	secrets_release(&sec);
	round_inputs_release(&in);
	return rc;
}
