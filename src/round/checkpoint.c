/* checkpoint — `simsa checkpoint` (see include/simsa/checkpoint.h). */
#include "simsa/checkpoint.h"

#include <stdlib.h>
#include <string.h>

#include "simsa/ballot.h"
#include "simsa/merkle.h"
#include "simsa/store_read.h"
#include "simsa/util.h"

struct leaves_ctx {
	const struct round_inputs *in;
	unsigned char (*leaves)[32];
	size_t n, cap;
	struct checkpoint_head *heads; /* per rater, enrolment order */
	bool oom, stranger;
};

static int take_leaf(void *ctx, const struct ballot_row *b)
{
	struct leaves_ctx *c = ctx;
	long ri = inputs_rater(c->in, b->rater_row);

	if (ri < 0) { /* a rater enrolled after the roster was read */
		c->stranger = true;
		return 1;
	}
	if (!b->signature) { /* verify refuses it; so does a checkpoint */
		c->stranger = true;
		return 1;
	}
	if (grow_array((void **)&c->leaves, &c->cap, c->n + 1, 32) < 0) {
		c->oom = true;
		return 1;
	}
	merkle_leaf(b->bytes, b->len, b->signature, c->leaves[c->n++]);
	c->heads[ri].count++;
	ballot_hash(b->bytes, b->len, c->heads[ri].head);
	return 0;
}

int round_checkpoint(struct store *st, const struct secret_key *organizer, struct checkpoint *cp,
		     char **note, size_t *len, struct simsa_err *err)
{
	struct round_inputs in;
	struct leaves_ctx c = { &in, NULL, 0, 0, NULL, false, false };
	int rc = -1;

	memset(cp, 0, sizeof *cp);
	if (store_load_inputs(st, &in, err) < 0)
		return -1;
	if (in.info.state == ROUND_DRAFT) {
		err_set(err, "the round is not open yet: there are no ballots to checkpoint");
		goto out;
	}
	if (!in.has_organizer || memcmp(secret_key_public(organizer), in.organizer_pk, 32) != 0) {
		err_set(err, "this key is not the round's organizer key; nothing signed");
		goto out;
	}
	c.heads = calloc(in.n_raters + 1, sizeof *c.heads);
	if (!c.heads) {
		err_set(err, "out of memory");
		goto out;
	}
	if (store_each_ballot(st, take_leaf, &c, err) < 0)
		goto out;
	if (c.oom || c.stranger) {
		err_set(err,
			c.oom ? "out of memory"
			      : "a ballot of a rater enrolled while the checkpoint was read, or "
				"without a signature; run it again (and simsa verify)");
		goto out;
	}
	memcpy(cp->round_id, in.info.round_id, sizeof cp->round_id);
	cp->size = (uint32_t)c.n;
	merkle_root((const unsigned char(*)[32])c.leaves, c.n, cp->root);
	time_now_utc(cp->time);
	/* raters with ballots, in enrolment order */
	cp->heads = calloc(in.n_raters + 1, sizeof *cp->heads);
	if (!cp->heads) {
		err_set(err, "out of memory");
		goto out;
	}
	for (size_t r = 0; r < in.n_raters; r++)
		if (c.heads[r].count) {
			cp->heads[cp->n_heads] = c.heads[r];
			memcpy(cp->heads[cp->n_heads].public_key, in.raters[r].public_key, 32);
			cp->n_heads++;
		}
	rc = checkpoint_sign(cp, organizer, note, len, err);
out:
	if (rc < 0)
		checkpoint_release(cp);
	free(c.leaves);
	free(c.heads);
	round_inputs_release(&in);
	return rc;
}
