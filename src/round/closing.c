/* closing — `simsa close` (see include/simsa/closing.h). */
#include "simsa/closing.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "simsa/ballot.h"
#include "simsa/enc.h"
#include "simsa/manifest.h"
#include "simsa/merkle.h"
#include "simsa/statement.h"
#include "simsa/store_read.h"
#include "simsa/util.h"

#define SEALED_TAG "simsa/sealed/v1"

static int by_prompt_entrant(const void *a, const void *b)
{
	const struct in_output *x = a, *y = b;

	if (x->prompt != y->prompt)
		return x->prompt < y->prompt ? -1 : 1;
	return x->entrant < y->entrant ? -1 : x->entrant > y->entrant;
}

int inputs_attach_owners(struct round_inputs *in, const struct owner *owners, size_t n,
			 struct simsa_err *err)
{
	free(in->outputs);
	in->outputs = calloc(n + 1, sizeof *in->outputs);
	in->n_outputs = 0;
	if (!in->outputs)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (owners[i].prompt >= in->n_prompts || owners[i].entrant >= in->n_entrants)
			return err_set(err, "output %s names a prompt or entrant the round lacks",
				       owners[i].id);
		in->outputs[i].prompt = owners[i].prompt;
		in->outputs[i].entrant = owners[i].entrant;
		memcpy(in->outputs[i].hash, owners[i].hash, 32);
	}
	in->n_outputs = n;
	qsort(in->outputs, n, sizeof *in->outputs, by_prompt_entrant);
	return 0;
}

/* ---- the sealed secrets ---- */

struct hash_ctx {
	struct owner *owners;
	size_t n;
};

static int find_owner(const struct owner *o, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(o[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int take_hash(void *ctx, const char *id, int64_t prompt_row, const char *text, size_t len,
		     const unsigned char hash[32], bool id_whole)
{
	struct hash_ctx *h = ctx;
	int i = find_owner(h->owners, h->n, id);

	if (i >= 0)
		memcpy(h->owners[i].hash, hash, 32);
	return 0;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int parse_secrets(const unsigned char *m, size_t len, struct secrets *s,
			 struct simsa_err *err)
{
	size_t at = sizeof SEALED_TAG;

	if (len < at + 68 || memcmp(m, SEALED_TAG, sizeof SEALED_TAG) != 0)
		return err_set(err, "the sealed data is malformed");
	memcpy(s->seed, m + at, 32);
	memcpy(s->salt, m + at + 32, 32);
	s->n = le32(m + at + 64);
	at += 68;
	if (s->n > (len - at) / 40 || len - at != s->n * 40)
		return err_set(err, "the sealed data is malformed");
	s->owners = calloc(s->n + 1, sizeof *s->owners);
	if (!s->owners)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < s->n; i++, at += 40) {
		memcpy(s->owners[i].id, m + at, 32);
		s->owners[i].id[32] = '\0';
		s->owners[i].prompt = le32(m + at + 32);
		s->owners[i].entrant = le32(m + at + 36);
	}
	return 0;
}

int round_unseal(struct store *st, const struct secret_key *org, struct secrets *s,
		 struct simsa_err *err)
{
	unsigned char *blob = NULL, *m = NULL;
	size_t len;
	int rc = -1;

	if (store_get_sealed(st, &blob, &len, err) < 0)
		return -1;
	if (len < crypto_box_SEALBYTES) {
		err_set(err, "the sealed data is malformed");
		goto out;
	}
	m = sodium_malloc(len - crypto_box_SEALBYTES + 1);
	if (!m) {
		err_set(err, "out of memory");
		goto out;
	}
	if (secret_key_unseal(org, blob, len, m) < 0) {
		err_set(err, "the sealed data does not open with this organizer key");
		goto out;
	}
	rc = parse_secrets(m, len - crypto_box_SEALBYTES, s, err);
out:
	sodium_free(m);
	free(blob);
	return rc;
}

void secrets_release(struct secrets *s)
{
	sodium_memzero(s->seed, sizeof s->seed);
	sodium_memzero(s->salt, sizeof s->salt);
	free(s->owners);
	s->owners = NULL;
	s->n = 0;
}

/* ---- ballots: Merkle leaves and chain heads ---- */

struct tally {
	unsigned char (*leaves)[32];
	size_t n, cap;
	struct round_inputs *in;
	struct head_rec *heads; /* per rater, enrolment order */
	bool oom;
};

static int take_ballot(void *ctx, const struct ballot_row *b)
{
	struct tally *t = ctx;

	if (grow_array((void **)&t->leaves, &t->cap, t->n + 1, sizeof *t->leaves) < 0) {
		t->oom = true;
		return 1;
	}
	if (b->signature)
		merkle_leaf(b->bytes, b->len, b->signature, t->leaves[t->n]);
	else
		memset(t->leaves[t->n], 0, 32);
	t->n++;
	long ri = inputs_rater(t->in, b->rater_row);

	if (ri >= 0 && b->seq > t->heads[ri].count) {
		t->heads[ri].count = b->seq;
		memcpy(t->heads[ri].head, b->hash, 32);
	}
	return 0;
}

int round_close(struct store *st, const struct secret_key *organizer, bool force,
		struct close_result *res, struct simsa_err *err)
{
	struct round_inputs in = { 0 };
	struct secrets sec = { 0 };
	struct tally t = { 0 };
	struct opening_rec op;
	struct closing_rec c;
	struct reveal_rec *reveal = NULL;
	struct chain_head *ch = NULL;
	struct buf stmt = { 0 };
	unsigned char mh[32], commit[32];
	long drafts;
	int rc = -1;

	memset(res, 0, sizeof *res);
	memset(&c, 0, sizeof c);
	/* The write lock first, then everything the seal covers is read, and
	 * the seal is written in the same transaction: a ballot is either
	 * committed before it (and sealed) or its cast takes the lock after it
	 * and finds the round closed (session_submit refuses it). None can be
	 * acknowledged between the reading and the sealing. The caller unlocks
	 * the organizer's key before, so no passphrase is asked with the lock
	 * held. */
	if (store_begin_eager(st, err) < 0)
		return -1;
	if (store_load_inputs(st, &in, err) < 0)
		goto out;
	if (in.info.state != ROUND_OPEN) {
		err_set(err, "the round is %s; only an open round can be closed",
			in.info.state == ROUND_DRAFT ? "not open yet" : "already closed");
		goto out;
	}
	if (memcmp(secret_key_public(organizer), in.organizer_pk, 32) != 0) {
		err_set(err, "that key is not this round's organizer key");
		goto out;
	}
	drafts = store_draft_count(st, err);
	if (drafts < 0)
		goto out;
	if (drafts > 0 && !force) {
		err_set(err,
			"%ld tasks have unsubmitted drafts; ask the raters to submit them, or "
			"close with --force to drop them",
			drafts);
		goto out;
	}
	res->drafts_dropped = drafts;
	if (store_get_opening(st, &op, err) != 1 || round_unseal(st, organizer, &sec, err) < 0)
		goto out;
	{
		struct hash_ctx hc = { sec.owners, sec.n };

		if (store_each_blind(st, take_hash, &hc, err) < 0 ||
		    inputs_attach_owners(&in, sec.owners, sec.n, err) < 0)
			goto out;
	}
	/* the version signed at open: v3, or v2 for a round opened before
	 * schema 8 (no instructions, no practice; docs/manifest.md) */
	memcpy(mh, op.manifest_hash, 32);
	seed_commitment(sec.seed, in.info.round_id, mh, commit);
	if (manifest_match(&in, sec.salt, op.manifest_hash) == 0 ||
	    memcmp(commit, op.seed_commitment, 32) != 0) {
		err_set(err, "the round's inputs or sealed data no longer match what was committed "
			     "at open; run simsa verify");
		goto out;
	}
	t.in = &in;
	t.heads = calloc(in.n_raters + 1, sizeof *t.heads);
	ch = calloc(in.n_raters + 1, sizeof *ch);
	reveal = calloc(sec.n + 1, sizeof *reveal);
	if (!t.heads || !ch || !reveal) {
		err_set(err, "out of memory");
		goto out;
	}
	for (size_t r = 0; r < in.n_raters; r++) {
		t.heads[r].rater_row = in.raters[r].row;
		ballot_genesis(in.info.round_id, in.raters[r].public_key, t.heads[r].head);
	}
	if (store_each_ballot(st, take_ballot, &t, err) < 0)
		goto out;
	if (t.oom) {
		err_set(err, "out of memory");
		goto out;
	}
	merkle_root((const unsigned char(*)[32])t.leaves, t.n, c.merkle_root);
	for (size_t r = 0; r < in.n_raters; r++)
		ch[r] = (struct chain_head){ in.raters[r].public_key, t.heads[r].count,
					     t.heads[r].head };
	memcpy(c.seed, sec.seed, 32);
	memcpy(c.salt, sec.salt, 32);
	c.ballot_count = (uint32_t)t.n;
	time_now_utc(c.closed_at);
	statement_seal(&stmt, in.info.round_id, mh, c.seed, c.salt, c.ballot_count, c.merkle_root,
		       ch, in.n_raters, c.closed_at);
	if (stmt.oom || secret_key_sign(organizer, stmt.p, stmt.n, c.signature) < 0) {
		err_set(err, "cannot sign the seal");
		goto out;
	}
	for (size_t i = 0; i < sec.n; i++)
		reveal[i] = (struct reveal_rec){ sec.owners[i].id,
						 in.entrants[sec.owners[i].entrant].row };
	if (store_close_round(st, &c, reveal, sec.n, t.heads, in.n_raters, err) < 0 ||
	    store_commit(st, err) < 0)
		goto out;
	res->ballots = c.ballot_count;
	memcpy(res->merkle_root, c.merkle_root, 32);
	memcpy(res->closed_at, c.closed_at, sizeof res->closed_at);
	rc = 0;
out:
	if (rc < 0)
		store_rollback(st);
	secrets_release(&sec);
	free(t.leaves);
	free(t.heads);
	free(ch);
	free(reveal);
	buf_release(&stmt);
	round_inputs_release(&in);
	return rc;
}
