/* audit_ballots — the ballots and chains steps of verify, on every core.
 *
 * Ballots are read in cast order. The main thread decodes and checks each
 * one (columns, round, task, answer) and computes the Merkle leaves, while
 * worker threads verify the Ed25519 signatures of the previous batch. A
 * batch's findings are reported in cast order once its signatures are known:
 * a ballot whose signature fails gets that one message, and only ballots
 * with a valid signature advance their rater's chain. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_internal.h"
#include "simsa/ballot.h"
#include "simsa/merkle.h"
#include "simsa/util.h"

#define BATCH 4096
#define MAX_THREADS 64

struct note { /* a finding kept until the signature is known */
	struct step *step;
	char *msg;
};

struct entry {
	int64_t id;
	long ri;              /* rater index, -1 if none */
	unsigned char *bytes; /* copy */
	size_t len;
	unsigned char sig[64];
	bool has_sig, sig_ok, decoded;
	/* what the chain check needs */
	uint32_t seq;
	unsigned char hash[32], prev_hash[32], sup[32];
	bool has_sup;
	uint32_t task;
	size_t first_note, n_notes;
};

struct batch {
	struct entry *e;
	size_t n;
	struct note *notes;
	size_t n_notes, cap_notes;
	pthread_t threads[MAX_THREADS];
	int n_threads;
	bool running;
	const struct audit *a;
};

struct ballot_ctx {
	struct audit *a;
	struct step *sb, *sc;
	struct ballot *b;
	struct batch batches[2];
	struct batch *cur, *prev;
	int n_threads;
};

static void bfail(struct ballot_ctx *c, struct step *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void bfail(struct ballot_ctx *c, struct step *s, const char *fmt, ...)
{
	struct batch *b = c->cur;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (grow_array((void **)&b->notes, &b->cap_notes, b->n_notes + 1, sizeof *b->notes) < 0) {
		failf(s, "%s", msg); /* out of memory: report it unordered */
		return;
	}
	b->notes[b->n_notes].step = s;
	b->notes[b->n_notes].msg = strdup(msg);
	b->n_notes++;
	b->e[b->n - 1].n_notes++;
}

/* A stored text column against its signed string: NULL is not the empty
 * string (a cast stores "" for an empty comment or reason; NULL belongs on
 * the other kind's columns only). */
static bool col_eq_str(const char *col, const char *v)
{
	return col && strcmp(col, v) == 0;
}

static bool scores_match(const char *json, const struct ballot *b)
{
	json_t *j = json_loads(json ? json : "", 0, NULL);
	bool ok = json_is_array(j) && json_array_size(j) == 2;

	for (int side = 0; ok && side < 2; side++) {
		json_t *row = json_array_get(j, (size_t)side);

		ok = json_array_size(row) == b->n_criteria;
		for (uint32_t c = 0; ok && c < b->n_criteria; c++) {
			json_t *v = json_array_get(row, c);

			ok = b->scores[side][c] == BALLOT_SCORE_NA
				     ? json_is_null(v)
				     : json_is_integer(v) &&
					       json_integer_value(v) == b->scores[side][c];
		}
	}
	json_decref(j);
	return ok;
}

/* The stored columns against the signed bytes: an edited column is caught
 * even though the bytes still verify. One failure per column not of its
 * type or not the signed value (docs/verify.md, "How failures are
 * counted"); the other kind's columns must be NULL. */
static void check_columns(struct ballot_ctx *c, const struct ballot_row *r, const char *who)
{
	const struct ballot *b = c->b;
	bool expert = b->kind == BALLOT_EXPERT;
	unsigned u = r->untyped;
	const struct {
		const char *name;
		bool ok, other_kind;
	} col[] = {
		{ "seq", !(u & BALLOT_COL_SEQ) && r->seq == b->seq, false },
		{ "task_position",
		  !(u & BALLOT_COL_POSITION) && r->task_position == b->task_position, false },
		{ "supersedes",
		  !r->bad_supersedes && (r->supersedes != NULL) == b->has_supersedes &&
			  (!r->supersedes || memcmp(r->supersedes, b->supersedes, 32) == 0),
		  false },
		{ "kind", !(u & BALLOT_COL_KIND) && col_eq_str(r->kind, expert ? "expert" : "user"),
		  false },
		{ "left_hash", r->left_hash && memcmp(r->left_hash, b->output_hash[0], 32) == 0,
		  false },
		{ "right_hash", r->right_hash && memcmp(r->right_hash, b->output_hash[1], 32) == 0,
		  false },
		{ "active_seconds", r->active_seconds == (int64_t)b->active_seconds, false },
		{ "cast_at", !(u & BALLOT_COL_CAST_AT) && col_eq_str(r->cast_at, b->cast_at),
		  false },
		/* an expert's */
		{ "scores",
		  !(u & BALLOT_COL_SCORES) && (expert ? scores_match(r->scores, b) : !r->scores),
		  !expert },
		{ "flags_left", r->flags_left == (expert ? (int64_t)b->flags[0] : -1), !expert },
		{ "flags_right", r->flags_right == (expert ? (int64_t)b->flags[1] : -1), !expert },
		{ "comment_left",
		  !(u & BALLOT_COL_COMMENT_LEFT) &&
			  (expert ? col_eq_str(r->comment_left, b->comment[0]) : !r->comment_left),
		  !expert },
		{ "comment_right",
		  !(u & BALLOT_COL_COMMENT_RIGHT) &&
			  (expert ? col_eq_str(r->comment_right, b->comment[1])
				  : !r->comment_right),
		  !expert },
		/* a user's */
		{ "preference", r->preference == (expert ? -1 : (int64_t)b->preference), expert },
		{ "satisfaction",
		  r->satisfaction == (expert || b->satisfaction == BALLOT_SCORE_UNSET
					      ? -1
					      : (int64_t)b->satisfaction),
		  expert },
		{ "reason",
		  !(u & BALLOT_COL_REASON) &&
			  (expert ? !r->reason : col_eq_str(r->reason, b->reason)),
		  expert },
	};

	for (size_t i = 0; i < sizeof col / sizeof *col; i++)
		if (!col[i].ok)
			bfail(c, c->sb,
			      "ballot %lld (%s): stored column '%s' differs from the signed "
			      "ballot%s",
			      (long long)r->id, who, col[i].name,
			      !col[i].other_kind ? ""
			      : expert           ? " (none on an expert ballot)"
						 : " (none on a user ballot)");
}

static void check_answer(struct ballot_ctx *c, const struct ballot_row *r, enum rater_role role,
			 const char *who)
{
	const struct ballot *b = c->b;
	const struct rubric *ru = b->kind == BALLOT_EXPERT ? c->a->expert : c->a->user;

	if ((role == ROLE_EXPERT) != (b->kind == BALLOT_EXPERT) || !ru) {
		bfail(c, c->sb, "ballot %lld (%s): a %s ballot from a rater of another role",
		      (long long)r->id, who, b->kind == BALLOT_EXPERT ? "expert" : "user");
		return;
	}
	if (b->kind == BALLOT_EXPERT) {
		bool same = b->n_criteria == ru->n_criteria;

		for (uint32_t k = 0; same && k < b->n_criteria; k++)
			same = strcmp(b->criterion_id[k], ru->criteria[k].id) == 0;
		if (!same) { /* one failure; its scores mean nothing then */
			bfail(c, c->sb,
			      "ballot %lld (%s): its criteria are not the expert rubric's, in its "
			      "order (%u signed, the rubric has %zu)",
			      (long long)r->id, who, b->n_criteria, ru->n_criteria);
			return;
		}
		for (uint32_t k = 0; k < b->n_criteria; k++) {
			const struct rubric_criterion *cr = &ru->criteria[k];

			for (int side = 0; side < 2; side++) {
				uint32_t v = b->scores[side][k];
				bool ok = v == BALLOT_SCORE_NA
						  ? !cr->required
						  : v >= (uint32_t)cr->scale_min &&
							    v <= (uint32_t)cr->scale_max;

				if (!ok)
					bfail(c, c->sb,
					      "ballot %lld (%s): score of '%s' for %c is out "
					      "of its scale",
					      (long long)r->id, who, cr->id, side ? 'B' : 'A');
			}
		}
	} else if (b->satisfaction != BALLOT_SCORE_UNSET &&
		   (!ru->has_satisfaction ||
		    b->satisfaction < (uint32_t)ru->satisfaction.scale_min ||
		    b->satisfaction > (uint32_t)ru->satisfaction.scale_max)) {
		bfail(c, c->sb, "ballot %lld (%s): satisfaction out of its scale", (long long)r->id,
		      who);
	}
}

static void check_task(struct ballot_ctx *c, const struct ballot_row *r, long ri, const char *who)
{
	const struct atask *t = audit_task(c->a, ri, c->b->task_position);

	if (!t) {
		bfail(c, c->sb, "ballot %lld (%s): task %u was never assigned to this rater",
		      (long long)r->id, who, c->b->task_position + 1);
		return;
	}
	/* the pair, in its order, is one check: sides swapped are one failure */
	if (!t->shown[0] || !t->shown[1] || memcmp(t->hash[0], c->b->output_hash[0], 32) != 0 ||
	    memcmp(t->hash[1], c->b->output_hash[1], 32) != 0)
		bfail(c, c->sb,
		      "ballot %lld (%s): the outputs signed (A, B) are not those task %u showed, "
		      "in that order",
		      (long long)r->id, who, c->b->task_position + 1);
}

struct worker {
	struct batch *b;
	int t, n;
};

static void *verify_share(void *arg)
{
	struct worker *w = arg;
	struct batch *b = w->b;

	for (size_t i = (size_t)w->t; i < b->n; i += (size_t)w->n) {
		struct entry *e = &b->e[i];

		e->sig_ok = e->ri >= 0 && e->has_sig &&
			    crypto_sign_verify_detached(e->sig, e->bytes, e->len,
							b->a->in.raters[e->ri].public_key) == 0;
	}
	free(w);
	return NULL;
}

static void batch_start(struct ballot_ctx *c, struct batch *b)
{
	b->n_threads = 0;
	for (int t = 0; t < c->n_threads; t++) {
		struct worker *w = malloc(sizeof *w);

		if (!w)
			break;
		*w = (struct worker){ b, t, c->n_threads };
		if (pthread_create(&b->threads[t], NULL, verify_share, w) != 0) {
			free(w);
			break;
		}
		b->n_threads++;
	}
	if (b->n_threads < c->n_threads) { /* could not start them all: finish here */
		for (int t = b->n_threads; t < c->n_threads; t++) {
			struct worker *w = malloc(sizeof *w);

			if (w) {
				*w = (struct worker){ b, t, c->n_threads };
				verify_share(w);
			}
		}
	}
	b->running = true;
}

static void check_chain(struct ballot_ctx *c, const struct entry *e)
{
	struct audit *a = c->a;
	const char *who = a->in.raters[e->ri].name;
	struct atask *t = audit_task(a, e->ri, e->task);
	unsigned char stray[32], *current = t ? t->current : stray;
	bool answered = t && t->answered;
	char key[48], hex[65];

	c->sc->items++;
	if (e->seq != a->head_count[e->ri] + 1)
		failf(c->sc,
		      "rater '%s': ballot %lld has sequence %u after %u (a ballot is missing "
		      "or repeated)",
		      who, (long long)e->id, e->seq, a->head_count[e->ri]);
	if (memcmp(e->prev_hash, a->head[e->ri], 32) != 0)
		failf(c->sc,
		      "rater '%s': ballot %lld does not link to the previous ballot of the "
		      "chain",
		      who, (long long)e->id);
	/* supersession is read from the signed bytes, whatever the task table
	 * holds: a task the rater was not given is the ballots step's */
	if (!t) {
		json_t *h;

		snprintf(key, sizeof key, "%ld:%u", e->ri, e->task);
		h = json_object_get(a->stray, key);
		answered = h != NULL;
		if (h)
			sodium_hex2bin(stray, 32, json_string_value(h), 64, NULL, NULL, NULL);
	}
	/* a superseding ballot names the task's current ballot (its last); a
	 * ballot of an answered task that does not would make two counted */
	if (e->has_sup && (!answered || memcmp(e->sup, current, 32) != 0))
		failf(c->sc,
		      "rater '%s': ballot %lld supersedes a ballot that is not the "
		      "counted one of the same task",
		      who, (long long)e->id);
	else if (!e->has_sup && answered)
		failf(c->sc,
		      "rater '%s': ballot %lld answers task %u again without superseding its "
		      "ballot",
		      who, (long long)e->id, e->task + 1);
	if (t) {
		t->answered = true;
		memcpy(t->current, e->hash, 32);
	} else {
		sodium_bin2hex(hex, sizeof hex, e->hash, 32);
		if (json_object_set_new(a->stray, key, json_string(hex)) < 0)
			a->oom = true;
	}
	a->head_count[e->ri] = e->seq;
	memcpy(a->head[e->ri], e->hash, 32);
}

/* Waits for the batch's signatures, then reports it in cast order. */
static void batch_finish(struct ballot_ctx *c, struct batch *b)
{
	for (int t = 0; t < b->n_threads; t++)
		pthread_join(b->threads[t], NULL);
	for (size_t i = 0; i < b->n; i++) {
		struct entry *e = &b->e[i];

		if (e->ri >= 0 && !e->sig_ok) {
			failf(c->sb,
			      "ballot %lld (%s): signature does not verify under the rater's key",
			      (long long)e->id, c->a->in.raters[e->ri].name);
		} else {
			for (size_t k = 0; k < e->n_notes; k++)
				failf(b->notes[e->first_note + k].step, "%s",
				      b->notes[e->first_note + k].msg);
			if (e->decoded)
				check_chain(c, e);
		}
		free(e->bytes);
	}
	for (size_t k = 0; k < b->n_notes; k++)
		free(b->notes[k].msg);
	b->n = b->n_notes = 0;
	b->running = false;
}

static void check_decoded(struct ballot_ctx *c, const struct ballot_row *r, struct entry *e,
			  const char *who)
{
	struct audit *a = c->a;
	unsigned char h[32];

	ballot_hash(r->bytes, r->len, h);
	if (memcmp(h, r->hash, 32) != 0)
		bfail(c, c->sb, "ballot %lld (%s): stored hash is not the hash of its bytes",
		      (long long)r->id, who);
	if (strcmp(c->b->round_id, a->in.info.round_id) != 0)
		bfail(c, c->sb, "ballot %lld (%s): cast in another round (%s)", (long long)r->id,
		      who, c->b->round_id);
	if (!a->opened || memcmp(c->b->manifest_hash, a->op.manifest_hash, 32) != 0)
		bfail(c, c->sb, "ballot %lld (%s): names another manifest", (long long)r->id, who);
	if (memcmp(c->b->rater_pk, a->in.raters[e->ri].public_key, 32) != 0)
		bfail(c, c->sb, "ballot %lld (%s): signed for another rater's key",
		      (long long)r->id, who);
	check_columns(c, r, who);
	if (a->closed && audit_after_close(a, c->b->cast_at))
		bfail(c, c->sb, "ballot %lld (%s): cast at %s, after the close at %s",
		      (long long)r->id, who, audit_time(c->b->cast_at),
		      audit_time(a->cl.closed_at));
	e->task = c->b->task_position;
	check_task(c, r, e->ri, who);
	check_answer(c, r, a->in.raters[e->ri].role, who);
	e->decoded = true;
	e->seq = c->b->seq;
	memcpy(e->hash, r->hash, 32);
	memcpy(e->prev_hash, c->b->prev_hash, 32);
	e->has_sup = c->b->has_supersedes;
	memcpy(e->sup, c->b->supersedes, 32);
}

/* What the pinned step needs of leaf a->n_leaves: whose, which, its hash. */
static int keep_leaf(struct audit *a, const struct ballot_row *r)
{
	size_t i = a->n_leaves;

	if (grow_array((void **)&a->leaf_rater, &a->cap_rater, i + 1, sizeof *a->leaf_rater) < 0 ||
	    grow_array((void **)&a->leaf_seq, &a->cap_seq, i + 1, sizeof *a->leaf_seq) < 0 ||
	    grow_array((void **)&a->leaf_hash, &a->cap_hash, i + 1, sizeof *a->leaf_hash) < 0) {
		a->oom = true;
		return -1;
	}
	a->leaf_rater[i] = r->malformed ? -1 : rater_index(a, r->rater_row);
	a->leaf_seq[i] = r->seq;
	ballot_hash(r->bytes, r->len, a->leaf_hash[i]);
	return 0;
}

static int check_ballot(void *ctx, const struct ballot_row *r)
{
	struct ballot_ctx *c = ctx;
	struct audit *a = c->a;
	struct batch *b = c->cur;
	struct simsa_err derr;
	struct entry *e;
	const char *who = rater_name(a, r->rater_row);

	c->sb->items++;
	if (grow_array((void **)&a->leaves, &a->cap_leaves, a->n_leaves + 1, sizeof *a->leaves) <
	    0) {
		a->oom = true;
		return 1;
	}
	if (r->signature)
		merkle_leaf(r->bytes, r->len, r->signature, a->leaves[a->n_leaves]);
	else
		memset(a->leaves[a->n_leaves], 0, 32);
	if (a->pins && keep_leaf(a, r) < 0)
		return 1;
	a->n_leaves++;

	e = &b->e[b->n++];
	memset(e, 0, sizeof *e);
	e->id = r->id;
	/* a rater_id not an integer names no rater (it is not read as one) */
	e->ri = r->untyped & BALLOT_COL_RATER ? -1 : rater_index(a, r->rater_row);
	e->first_note = b->n_notes;
	e->has_sig = r->signature != NULL;
	if (r->signature)
		memcpy(e->sig, r->signature, 64);
	e->bytes = malloc(r->len + 1);
	if (!e->bytes) {
		e->has_sig = false;
		a->oom = true;
		return 1;
	}
	if (r->len) /* empty bytes come back from sqlite as NULL */
		memcpy(e->bytes, r->bytes, r->len);
	e->len = r->len;
	if (e->ri < 0)
		bfail(c, c->sb, "ballot %lld: cast by no enrolled rater", (long long)r->id);
	else if (ballot_decode(r->bytes, r->len, c->b, &derr) < 0)
		bfail(c, c->sb, "ballot %lld (%s): %s", (long long)r->id, who, derr.msg);
	else
		check_decoded(c, r, e, who);
	if (b->n == BATCH) {
		/* start this batch's signatures before reporting the previous
		 * one, so the cores never wait for the reporting */
		batch_start(c, b);
		if (c->prev->running)
			batch_finish(c, c->prev);
		c->cur = c->prev;
		c->prev = b;
	}
	return 0;
}

void step_ballots(struct audit *a)
{
	struct step sb, sc;
	struct ballot_ctx c = {
		a, &sb, &sc, malloc(sizeof(struct ballot)), { { 0 } }, NULL, NULL, 0
	};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	c.n_threads = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
	c.batches[0].a = c.batches[1].a = a;
	c.batches[0].e = calloc(BATCH, sizeof(struct entry));
	c.batches[1].e = calloc(BATCH, sizeof(struct entry));
	c.cur = &c.batches[0];
	c.prev = &c.batches[1];
	step_begin(&sb, "ballots",
		   "every ballot's signature, canonical bytes, stored columns, "
		   "round, manifest, rater, assigned task, the outputs shown and (closed) "
		   "its time not after the close");
	step_begin(&sc, "chains",
		   "every rater's chain: sequence, links from the genesis value, "
		   "supersession, one counted ballot per task");
	if (!c.b || !c.batches[0].e || !c.batches[1].e) {
		failf(&sb, "out of memory");
	} else {
		if (store_each_ballot(a->st, check_ballot, &c, a->err) < 0)
			failf(&sb, "%s", a->err->msg);
		if (c.prev->running)
			batch_finish(&c, c.prev);
		if (c.cur->n > 0) {
			batch_start(&c, c.cur);
			batch_finish(&c, c.cur);
		}
	}
	if (a->oom)
		failf(&sb, "out of memory");
	/* the outputs a task showed, which each ballot's signed hashes name */
	static const struct typed_col types[] = {
		{ "task", "left_output", 't' },
		{ "task", "right_output", 't' },
		{ "blind_output", "id", 't' },
		{ NULL, NULL, 0 },
	};
	check_types(a, &sb, types);
	step_end(a, &sb);
	step_end(a, &sc);
	for (int i = 0; i < 2; i++) {
		free(c.batches[i].e);
		free(c.batches[i].notes);
	}
	free(c.b);
}
