/* audit_pins — the pinned step of verify (docs/verify.md): values the
 * organizer published outside the file, given on the command line, against
 * the file. A checkpoint (docs/checkpoint.md) covers the first N leaves of
 * the log: its chain heads name every ballot it covers by rater and
 * sequence number, so a ballot missing, moved or changed since is named,
 * and its root is recomputed from the first N leaves (RFC 6962). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "simsa/merkle.h"
#include "simsa/note.h"
#include "simsa/util.h"

/* Per rater: the leaf of each sequence number (index + 1; 0 for none). */
struct chain_ix {
	size_t *leaf;
	uint32_t n;
};

static struct chain_ix *index_chains(const struct audit *a)
{
	struct chain_ix *ix = calloc(a->in.n_raters + 1, sizeof *ix);

	if (!ix)
		return NULL;
	for (size_t i = 0; i < a->n_leaves; i++)
		if (a->leaf_rater[i] >= 0 && a->leaf_seq[i] > ix[a->leaf_rater[i]].n &&
		    a->leaf_seq[i] <= a->n_leaves)
			ix[a->leaf_rater[i]].n = a->leaf_seq[i];
	for (size_t r = 0; r < a->in.n_raters; r++) {
		ix[r].leaf = calloc((size_t)ix[r].n + 1, sizeof *ix[r].leaf);
		if (!ix[r].leaf)
			goto oom;
	}
	for (size_t i = 0; i < a->n_leaves; i++) {
		long r = a->leaf_rater[i];
		uint32_t q = a->leaf_seq[i];

		if (r >= 0 && q >= 1 && q <= ix[r].n && !ix[r].leaf[q - 1])
			ix[r].leaf[q - 1] = i + 1;
	}
	return ix;
oom:
	for (size_t r = 0; r < a->in.n_raters; r++)
		free(ix[r].leaf);
	free(ix);
	return NULL;
}

static long rater_of_key(const struct audit *a, const unsigned char pk[32])
{
	for (size_t r = 0; r < a->in.n_raters; r++)
		if (memcmp(a->in.raters[r].public_key, pk, 32) == 0)
			return (long)r;
	return -1;
}

/* The ballots of one chain head: each present, within the first size
 * leaves, the last one the checkpointed ballot. True when all are. */
static bool check_head(const struct audit *a, struct step *s, const struct checkpoint *cp,
		       const struct checkpoint_head *h, long r, const struct chain_ix *ix)
{
	const char *who = a->in.raters[r].name;
	uint32_t gap = 0;
	bool ok = true;

	/* 64 bits: a count of 2^32 - 1 would make count + 1 wrap to 0 and skip
	 * the chain (tools/verify.py found it) */
	for (uint64_t q = 1; q <= (uint64_t)h->count + 1; q++) {
		size_t at = q <= h->count && q <= ix[r].n ? ix[r].leaf[q - 1] : 0;

		if (q <= h->count && !at) {
			gap = gap ? gap : (uint32_t)q;
			/* no ballot of the chain past ix[r].n: the rest is one gap */
			if (q > ix[r].n)
				q = h->count;
			continue;
		}
		if (gap) {
			ok = false;
			if (gap == q - 1)
				failf(s,
				      "%s: rater '%s': ballot %u, covered by the checkpoint, is "
				      "missing from the log",
				      cp->source, who, gap);
			else
				failf(s,
				      "%s: rater '%s': ballots %u to %u, covered by the "
				      "checkpoint, are missing from the log",
				      cp->source, who, gap, (uint32_t)(q - 1));
			gap = 0;
		}
		if (q > h->count)
			break;
		if (at - 1 >= cp->size) {
			ok = false;
			failf(s,
			      "%s: rater '%s': ballot %u is at leaf %zu, after the checkpoint's "
			      "%u leaves (moved)",
			      cp->source, who, (uint32_t)q, at - 1, cp->size);
		}
		if (q == h->count && memcmp(a->leaf_hash[at - 1], h->head, 32) != 0) {
			ok = false;
			failf(s,
			      "%s: rater '%s': ballot %u (leaf %zu) is not the one the "
			      "checkpoint covers: the chain was changed at or before it",
			      cp->source, who, (uint32_t)q, at - 1);
		}
	}
	return ok;
}

static void check_checkpoint(const struct audit *a, struct step *s, const struct checkpoint *cp,
			     const unsigned char pk[32], const struct chain_ix *ix)
{
	unsigned char id[4], root[32];
	char idhex[9], name[64];
	uint32_t *count = calloc(a->in.n_raters + 1, sizeof *count);
	size_t n = cp->size < a->n_leaves ? cp->size : a->n_leaves;
	bool named = false;
	int v;

	s->items++;
	if (!count) {
		failf(s, "%s: out of memory", cp->source);
		return;
	}
	if (strcmp(cp->round_id, a->in.info.round_id) != 0) {
		failf(s, "%s: a checkpoint of round %s, not of this round (%s)", cp->source,
		      cp->round_id, a->in.info.round_id);
		goto out;
	}
	checkpoint_origin(cp->round_id, name);
	note_key_id(name, pk, id);
	hex_encode(id, 4, idhex);
	v = checkpoint_verify(cp, pk);
	if (v < 0) {
		failf(s,
		      "%s: its signature by the organizer's key (key ID %s) does not verify: "
		      "the checkpoint was altered or forged",
		      cp->source, idhex);
		goto out;
	}
	if (v == 0) {
		failf(s,
		      "%s: not signed by the %s organizer key (no signature line of simsa/%s "
		      "with key ID %s)",
		      cp->source, a->pins->organizer_pk ? "pinned" : "round's", cp->round_id,
		      idhex);
		goto out;
	}
	for (size_t i = 0; i < cp->n_heads; i++) {
		long r = rater_of_key(a, cp->heads[i].public_key);

		if (r < 0) {
			named = true;
			failf(s,
			      "%s: %u ballots of a key no rater of this round holds are "
			      "missing from the log (chain head %zu)",
			      cp->source, cp->heads[i].count, i + 1);
			continue;
		}
		count[r] = cp->heads[i].count;
		if (!check_head(a, s, cp, &cp->heads[i], r, ix))
			named = true;
	}
	for (size_t i = 0; i < n; i++) {
		long r = a->leaf_rater[i];

		if (r >= 0 && a->leaf_seq[i] >= 1 && a->leaf_seq[i] <= count[r])
			continue;
		named = true;
		failf(s,
		      "%s: leaf %zu holds %s%s%s ballot %u, which the checkpoint does not "
		      "cover (a ballot before it was removed or moved)",
		      cp->source, i, r >= 0 ? "rater '" : "no rater's",
		      r >= 0 ? a->in.raters[r].name : "", r >= 0 ? "'s" : "", a->leaf_seq[i]);
	}
	if (cp->size > a->n_leaves) {
		failf(s, "%s: the checkpoint covers %u ballots; the log has only %zu", cp->source,
		      cp->size, a->n_leaves);
		goto out;
	}
	merkle_root((const unsigned char(*)[32])a->leaves, n, root);
	if (memcmp(root, cp->root, 32) != 0)
		failf(s,
		      "%s: the first %u leaves of the log do not hash to the checkpoint's root%s",
		      cp->source, cp->size,
		      named ? "" : " (every ballot it covers is here: their order changed)");
out:
	free(count);
}

void step_pinned(struct audit *a)
{
	const struct audit_pins *p = a->pins;
	const unsigned char *pk = p->organizer_pk ? p->organizer_pk : a->in.organizer_pk;
	struct chain_ix *ix = NULL;
	struct step s;
	char x[65], y[65];

	step_begin(&s, "pinned",
		   "values published outside the file: the organizer's key, the sealed Merkle "
		   "root, and each checkpoint's signature and the ballots it covers");
	if (p->organizer_pk) {
		s.items++;
		hex_encode(a->in.organizer_pk, 32, x);
		hex_encode(p->organizer_pk, 32, y);
		if (!a->in.has_organizer || memcmp(a->in.organizer_pk, p->organizer_pk, 32) != 0)
			failf(&s, "the round's organizer key is %s, not the pinned %s",
			      a->in.has_organizer ? x : "missing", y);
	}
	if (p->root) {
		s.items++;
		hex_encode(a->cl.merkle_root, 32, x);
		hex_encode(p->root, 32, y);
		if (!a->closed)
			failf(&s,
			      "the round is not closed: no sealed root to compare with the "
			      "pinned %s",
			      y);
		else if (memcmp(a->cl.merkle_root, p->root, 32) != 0)
			failf(&s,
			      "the sealed Merkle root is %s, not the pinned %s (the round was "
			      "sealed again, or is not the one published)",
			      x, y);
	}
	if (p->n_checkpoints && !(ix = index_chains(a)))
		failf(&s, "out of memory");
	for (size_t i = 0; ix && i < p->n_checkpoints; i++)
		check_checkpoint(a, &s, &p->checkpoints[i], pk, ix);
	for (size_t r = 0; ix && r < a->in.n_raters; r++)
		free(ix[r].leaf);
	free(ix);
	step_end(a, &s);
}
