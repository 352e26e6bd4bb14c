/* audit_closed — the steps of `simsa verify` that need the seal: the
 * seal itself, the seed and the manifest recomputed from the revealed
 * secrets, and the assignment replayed from them (see audit.h,
 * docs/verify.md). The other steps are audit.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "simsa/assign.h"
#include "simsa/ballot.h"
#include "simsa/closing.h"
#include "simsa/enc.h"
#include "simsa/manifest.h"
#include "simsa/merkle.h"
#include "simsa/note.h"
#include "simsa/opening.h"
#include "simsa/rubric.h"
#include "simsa/statement.h"
#include "simsa/text.h"
#include "simsa/util.h"

#include "audit_internal.h"

struct head_ctx {
	struct audit *a;
	struct step *s;
	uint32_t *count;
	unsigned char (*head)[32];
	bool *present;
	bool *bad; /* the count is not an integer in range */
};

static int take_head(void *ctx, int64_t rater, int64_t count, const unsigned char *head)
{
	struct head_ctx *h = ctx;
	long i = rater_index(h->a, rater);

	if (i < 0) {
		failf(h->s, "a sealed chain head names no enrolled rater");
		return 0;
	}
	/* a count past 32 bits would read as the signed one, wrapped */
	if (count < 0)
		failf(h->s, "rater '%s': the sealed chain head's count is not an integer in range",
		      h->a->in.raters[i].name);
	h->count[i] = count < 0 ? 0 : (uint32_t)count;
	h->bad[i] = count < 0;
	memcpy(h->head[i], head, 32);
	h->present[i] = true;
	return 0;
}

void step_seal(struct audit *a)
{
	struct step s;
	struct buf msg = { 0 };
	struct chain_head *ch = calloc(a->in.n_raters + 1, sizeof *ch);
	struct head_ctx hc = { a,
			       &s,
			       calloc(a->in.n_raters + 1, sizeof(uint32_t)),
			       calloc(a->in.n_raters + 1, 32),
			       calloc(a->in.n_raters + 1, 1),
			       calloc(a->in.n_raters + 1, 1) };
	unsigned char root[32];
	/* what the statement signs is read as stored: a value not of its type
	 * (or a head missing) is not the one signed */
	bool unsigned_value = a->cl.bad_closed_at || a->cl.malformed;

	static const struct typed_col types[] = {
		{ "closing", "closed_at", 't' },
		{ NULL, NULL, 0 },
	};

	step_begin(&s, "seal",
		   "the organizer's signature on the seal, and the Merkle root and "
		   "every chain head against the ballots");
	s.items = 1;
	check_types(a, &s, types);
	if (!ch || !hc.count || !hc.head || !hc.present || !hc.bad ||
	    store_each_head(a->st, take_head, &hc, a->err) < 0) {
		failf(&s, "cannot read the seal");
		goto out;
	}
	for (size_t r = 0; r < a->in.n_raters; r++) {
		if (!hc.present[r])
			failf(&s, "rater '%s' has no sealed chain head", a->in.raters[r].name);
		unsigned_value = unsigned_value || !hc.present[r] || hc.bad[r];
		ch[r] = (struct chain_head){ a->in.raters[r].public_key, hc.count[r], hc.head[r] };
	}
	statement_seal(&msg, a->in.info.round_id, a->op.manifest_hash, a->cl.seed, a->cl.salt,
		       a->cl.ballot_count, a->cl.merkle_root, ch, a->in.n_raters, a->cl.closed_at);
	if (unsigned_value)
		failf(&s, "the seal's signature is not checked: a value it signs is missing or not "
			  "of its type");
	else if (msg.oom || crypto_sign_verify_detached(a->cl.signature, msg.p, msg.n,
							a->in.organizer_pk) != 0)
		failf(&s, "the seal's signature does not verify under the organizer's key");
	/* a count past 32 bits (or not a whole number) would read as the signed one */
	if (a->cl.malformed)
		failf(&s, "closing.ballot_count is not an integer in range");
	merkle_root((const unsigned char(*)[32])a->leaves, a->n_leaves, root);
	if (a->cl.malformed)
		failf(&s,
		      "the round has %zu ballots, the seal's count is no count (not an integer "
		      "in range)",
		      a->n_leaves);
	else if (a->n_leaves != a->cl.ballot_count)
		failf(&s,
		      "the round has %zu ballots, the seal counts %u (ballots added or removed "
		      "after close)",
		      a->n_leaves, a->cl.ballot_count);
	if (memcmp(root, a->cl.merkle_root, 32) != 0)
		failf(&s, "the Merkle root of the ballots is not the sealed root");
	for (size_t r = 0; r < a->in.n_raters; r++)
		if (hc.present[r] && (hc.bad[r] || hc.count[r] != a->head_count[r] ||
				      memcmp(hc.head[r], a->head[r], 32) != 0))
			failf(&s, "rater '%s': the chain ends at ballot %u, the seal says %u",
			      a->in.raters[r].name, a->head_count[r], hc.count[r]);
out:
	buf_release(&msg);
	free(ch);
	free(hc.count);
	free(hc.head);
	free(hc.present);
	free(hc.bad);
	step_end(a, &s);
}

/* The revealed owners of every blinded output, for the manifest; *missing
 * counts the outputs of no revealed entrant or no prompt (left out). */
static int owners_of(struct audit *a, struct owner **out, size_t *n, size_t *missing)
{
	const char *id;
	json_t *v;
	size_t i = 0;
	struct owner *o = calloc(json_object_size(a->blind) + 1, sizeof *o);

	if (!o)
		return -1;
	json_object_foreach(a->blind, id, v) {
		json_t *e = json_object_get(a->owner, id);
		long ei = e ? inputs_entrant(&a->in, json_integer_value(e)) : -1;
		long pi = inputs_prompt(&a->in, json_integer_value(json_array_get(v, 1)));

		if (ei < 0 || pi < 0) {
			(*missing)++;
			continue;
		}
		snprintf(o[i].id, sizeof o[i].id, "%s", id);
		o[i].prompt = (uint32_t)pi;
		o[i].entrant = (uint32_t)ei;
		sodium_hex2bin(o[i].hash, 32, json_string_value(json_array_get(v, 0)), 64, NULL,
			       NULL, NULL);
		i++;
	}
	*out = o;
	*n = i;
	return 0;
}

/* The first known gold item whose prompt or an entrant is no row, or -1. */
static long dangling_gold(const struct audit *a)
{
	for (size_t g = 0; g < a->in.n_gold; g++)
		if (a->in.gold[g].dangling)
			return (long)g;
	return -1;
}

/* What the manifest step reads besides the round record and the rubrics */
static const struct typed_col manifest_types[] = {
	{ "entrant", "name", 't' },           { "entrant", "team", 't' },
	{ "entrant", "model", 't' },          { "entrant", "aliases", 't' },
	{ "prompt", "ext_id", 't' },          { "prompt", "category", 't' },
	{ "prompt", "prompt", 't' },          { "prompt", "system", 't' },
	{ "prompt", "reference", 't' },       { "rater", "name", 't' },
	{ "rater", "categories", 't' },       { "blind_output", "id", 't' },
	{ "blind_output", "prompt_id", 'i' }, { "reveal", "output_id", 't' },
	{ "reveal", "entrant_id", 'i' },      { "gold", "prompt_id", 'i' },
	{ "gold", "better_id", 'i' },         { "gold", "worse_id", 'i' },
	{ "rubric", "instructions_ko", 't' }, { "rubric", "instructions_en", 't' },
	{ "practice", "ext_id", 't' },        { "practice", "role", 't' },
	{ "practice", "required", 'i' },      { "practice", "prompt", 't' },
	{ "practice", "answer_a", 't' },      { "practice", "answer_b", 't' },
	{ "practice", "reference", 't' },     { "practice", "note_ko", 't' },
	{ "practice", "note_en", 't' },       { NULL, NULL, 0 },
};

void step_seed_and_manifest(struct audit *a)
{
	struct step s1, s2;
	unsigned char commit[32];
	struct owner *o = NULL;
	size_t n = 0, missing = 0;
	long bad;

	step_begin(&s1, "seed", "the revealed seed against the commitment made at open");
	step_begin(&s2, "manifest", "the manifest hash recomputed from the revealed inputs");
	s1.items = s2.items = 1;
	bad = check_types(a, &s2, manifest_types);
	seed_commitment(a->cl.seed, a->in.info.round_id, a->op.manifest_hash, commit);
	if (memcmp(commit, a->op.seed_commitment, 32) != 0)
		failf(&s1, "the revealed seed does not match its commitment");
	/* one failure when the inputs do not hash to the manifest, for whatever
	 * reason: an input not of its type is not the one hashed at open */
	if (bad) {
		failf(&s2, "the manifest is not recomputed: an input is not of its type");
	} else if (dangling_gold(a) >= 0) {
		failf(&s2,
		      "the inputs do not hash to the manifest signed at open: gold item %ld names a "
		      "prompt or entrant that does not exist",
		      dangling_gold(a));
	} else if (owners_of(a, &o, &n, &missing) < 0) {
		failf(&s2, "out of memory");
	} else if (missing) {
		failf(&s2,
		      "the inputs do not hash to the manifest signed at open: %zu outputs have no "
		      "revealed entrant or no prompt",
		      missing);
	} else if (inputs_attach_owners(&a->in, o, n, a->err) < 0) {
		failf(&s2, "%s", a->err->msg);
	} else {
		if (manifest_match(&a->in, a->cl.salt, a->op.manifest_hash) == 0)
			failf(&s2,
			      "the inputs (rubrics, entrants, prompts, outputs, raters) do not "
			      "hash to the manifest signed at open");
	}
	free(o);
	step_end(a, &s1);
	step_end(a, &s2);
}

void step_assignment(struct audit *a)
{
	struct step s;
	struct assign_result ar = { 0 };
	struct simsa_err err;
	unsigned char h[32];

	static const struct typed_col types[] = {
		{ "task", "left_output", 't' }, { "task", "right_output", 't' },
		{ "reveal", "output_id", 't' }, { "reveal", "entrant_id", 'i' },
		{ "gold", "prompt_id", 'i' },   { "gold", "better_id", 'i' },
		{ "gold", "worse_id", 'i' },    { NULL, NULL, 0 },
	};

	step_begin(&s, "assignment",
		   "every task against the assignment replayed from the "
		   "revealed seed and the manifest");
	/* what the replay reads besides the rubrics and the numbers of
	 * entrants and prompts: a value not of its type is not the one the
	 * assignment was drawn from */
	static const struct typed_col replay_reads[] = {
		{ "gold", "prompt_id", 'i' },   { "gold", "better_id", 'i' },
		{ "gold", "worse_id", 'i' },    { "prompt", "category", 't' },
		{ "rater", "categories", 't' }, { "opening", "manifest_hash", 'h' },
		{ "closing", "seed", 'h' },     { NULL, NULL, 0 },
	};

	check_types(a, &s, types);
	if (!a->opened) { /* no manifest hash was signed to replay from */
		failf(&s, "the assignment cannot be replayed: the round has no opening");
		step_end(a, &s);
		return;
	}
	for (const struct typed_col *c = replay_reads; c->table; c++) {
		long n = store_untyped(a->st, c->table, c->column, c->type, &err);

		if (n != 0) {
			failf(&s, "the assignment cannot be replayed: %s",
			      n < 0 ? err.msg : "a value it reads is not of its type");
			step_end(a, &s);
			return;
		}
	}
	if (dangling_gold(a) >= 0) {
		failf(&s,
		      "the assignment cannot be replayed: gold item %ld names a prompt or entrant "
		      "that does not exist",
		      dangling_gold(a));
		step_end(a, &s);
		return;
	}
	if (opening_replay(a->st, a->cl.seed, a->op.manifest_hash, &ar, &err) < 0) {
		failf(&s, "the assignment cannot be replayed: %s", err.msg);
		step_end(a, &s);
		return;
	}
	s.items = (long)ar.n_tasks;
	/* the opening signed the tasks of the raters enrolled before it: the
	 * first ones in enrolment order (late raters come after them) */
	size_t n_open = 0;
	unsigned char *enc = NULL;
	size_t enc_len = 0;

	while (n_open < a->in.n_raters && !a->in.raters[n_open].late)
		n_open++;
	if (assign_encode(&ar, 0, ar.first[n_open], &enc, &enc_len, &err) < 0) {
		failf(&s, "%s", err.msg);
		memset(h, 0, sizeof h);
	} else {
		crypto_generichash(h, 32, enc, enc_len, NULL, 0);
	}
	free(enc);
	if (memcmp(h, a->op.assignment_hash, 32) != 0)
		failf(&s, "the replayed assignment's hash is not the one signed at open");
	if (a->bad_key_tasks)
		failf(&s, "%zu tasks have a rater or position that is not an integer in range",
		      a->bad_key_tasks);
	if (a->n_tasks != ar.n_tasks)
		failf(&s, "the round stores %zu tasks, the replay gives %zu", a->n_tasks,
		      ar.n_tasks);
	for (size_t i = 0; i < ar.n_tasks; i++) {
		const struct assign_task *t = &ar.tasks[i];
		const struct in_rater *r = &a->in.raters[t->rater];
		struct atask *st = audit_task(a, (long)t->rater, t->position);

		if (!st) {
			failf(&s, "rater '%s': task %u is missing", r->name, t->position + 1);
			continue;
		}
		json_t *l = st->bad_id[0] ? NULL : json_object_get(a->owner, st->id[0]);
		json_t *rr = st->bad_id[1] ? NULL : json_object_get(a->owner, st->id[1]);

		st->replayed = true;
		if (st->bad_prompt || st->prompt_row != a->in.prompts[t->prompt].row || !l || !rr ||
		    json_integer_value(l) != a->in.entrants[t->left].row ||
		    json_integer_value(rr) != a->in.entrants[t->right].row)
			failf(&s,
			      "rater '%s': task %u is not the one the seed assigns (prompt or "
			      "order of outputs differs)",
			      r->name, t->position + 1);
		/* the kind decides which ballots count (gold ones never do), so
		 * it is checked as strictly as the prompt and the sides */
		if (st->malformed)
			failf(&s,
			      "rater '%s': task %u has a prompt or replica that is not an integer "
			      "in range",
			      r->name, t->position + 1);
		else if (strcmp(st->kind, assign_kind_name(t->kind)) != 0 ||
			 st->replica != t->replica)
			failf(&s,
			      "rater '%s': task %u is stored as %s (replica %u); the seed assigns "
			      "%s (replica %u)",
			      r->name, t->position + 1, st->kind, st->replica,
			      assign_kind_name(t->kind), t->replica);
	}
	/* every stored task against the replay: one it does not have fails */
	for (size_t r = 0; r < a->in.n_raters; r++)
		for (uint32_t p = 0; p < a->tasks[r].n; p++)
			if (a->tasks[r].t[p].present && !a->tasks[r].t[p].replayed)
				failf(&s, "rater '%s': task %u is not in the replayed assignment",
				      a->in.raters[r].name, p + 1);
	for (size_t i = 0; i < a->n_strays; i++)
		if (!a->strays[i].t.replayed) {
			long ri = rater_index(a, a->strays[i].rater_row);

			if (ri >= 0)
				failf(&s, "rater '%s': task %llu is not in the replayed assignment",
				      a->in.raters[ri].name,
				      (unsigned long long)a->strays[i].position + 1);
			else
				failf(&s,
				      "rater #%lld (not enrolled): task %llu is not in the replayed "
				      "assignment",
				      (long long)a->strays[i].rater_row,
				      (unsigned long long)a->strays[i].position + 1);
		}
	/* the row key carries no value, but it must not carry one either */
	long disorder = store_task_ids_out_of_order(a->st, &err);

	if (disorder < 0)
		failf(&s, "%s", err.msg);
	else if (disorder)
		failf(&s, "%ld tasks have row ids out of (rater, position) order", disorder);
	assign_result_release(&ar);
	step_end(a, &s);
}
