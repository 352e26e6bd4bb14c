/* score_status — each ballot's one status (include/simsa/score.h): after
 * close from the classification score itself uses (score.c), before close
 * only recorded or superseded, from the signed supersession links. */
#include <stdlib.h>
#include <string.h>

#include "score_internal.h"

static int cmp_status(const void *a, const void *b)
{
	int64_t x = ((const struct ballot_status *)a)->id,
		y = ((const struct ballot_status *)b)->id;

	return (x > y) - (x < y);
}

/* Before close: superseded or recorded, from the signed supersession links. */
static int open_statuses(struct store *st, struct ballot_statuses *out, struct simsa_err *err)
{
	struct loader l;
	int rc = -1;

	memset(&l, 0, sizeof l);
	if (score_load_ballots(st, &l, err) < 0)
		goto out;
	if (!(out->b = calloc(l.n_bal + 1, sizeof *out->b))) {
		err_set(err, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < l.n_bal; k++)
		out->b[k] = (struct ballot_status){ l.bal[k].id,
						    score_superseded(&l, l.bal[k].hash)
							    ? STATUS_SUPERSEDED
							    : STATUS_RECORDED,
						    REASON_NONE };
	out->n = l.n_bal;
	rc = 0;
out:
	score_loader_free(&l);
	return rc;
}

int score_ballot_statuses(struct store *st, struct ballot_statuses *out, struct simsa_err *err)
{
	struct round_info ri;
	struct score_result r;
	struct build B;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (store_round_info(st, &ri, err) < 0)
		return -1;
	if (ri.state != ROUND_CLOSED) {
		rc = open_statuses(st, out, err);
	} else {
		memset(&B, 0, sizeof B);
		memset(&r, 0, sizeof r);
		out->closed = true;
		if (score_load(st, &B, &r, err) == 0 && score_classify(&B, &r, err) == 0) {
			out->b = B.status;
			out->n = B.l.n_bal;
			B.status = NULL;
			rc = 0;
		}
		score_result_release(&r);
		score_build_release(&B);
	}
	if (rc < 0) {
		score_statuses_release(out);
		return -1;
	}
	if (out->n)
		qsort(out->b, out->n, sizeof *out->b, cmp_status);
	return 0;
}

void score_statuses_release(struct ballot_statuses *s)
{
	free(s->b);
	memset(s, 0, sizeof *s);
}

const struct ballot_status *score_status_of(const struct ballot_statuses *s, int64_t id)
{
	struct ballot_status key = { .id = id };

	return s->n ? bsearch(&key, s->b, s->n, sizeof *s->b, cmp_status) : NULL;
}

const char *score_status_name(enum ballot_status_kind k)
{
	static const char *const name[STATUS_COUNT] = { "recorded", "counted", "superseded", "gold",
							"excluded" };

	return k < STATUS_COUNT ? name[k] : "?";
}

const char *score_reason_name(enum ballot_status_reason r)
{
	static const char *const name[REASON_COUNT] = { "", "failed gold", "identity revealed" };

	return r < REASON_COUNT ? name[r] : "?";
}
