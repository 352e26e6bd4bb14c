/* audit — every verification step of `simsa verify` (see audit.h,
 * docs/verify.md). Each step names what it checked and every failure. */
#include "simsa/audit.h"

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

static void hex(const unsigned char *p, size_t n, char *out)
{
	hex_encode(p, n, out);
}

/* ---- loading ---- */

static int take_task(void *ctx, const struct task_row *t)
{
	struct audit *a = ctx;
	long ri = rater_index(a, t->rater_row);
	struct rtasks *rt;
	struct atask *at;

	if (t->bad_key) {
		a->bad_key_tasks++; /* read as another task's key: left out, reported */
		return 0;
	}
	a->n_tasks++;
	if (ri < 0 || t->position > (1u << 28)) {
		/* a task of no rater, or past what the array holds: kept aside,
		 * reported as not in the replay; a ballot of its place finds it */
		struct stray_task *s;
		char key[48];

		if (grow_array((void **)&a->strays, &a->cap_strays, a->n_strays + 1,
			       sizeof *a->strays) < 0) {
			a->oom = true;
			return 1;
		}
		s = &a->strays[a->n_strays];
		memset(s, 0, sizeof *s);
		s->rater_row = t->rater_row;
		s->position = t->position;
		snprintf(key, sizeof key, "%ld:%u", ri, t->position);
		if (ri >= 0 && json_object_set_new(a->stray_index, key,
						   json_integer((json_int_t)a->n_strays)) < 0) {
			a->oom = true;
			return 1;
		}
		a->n_strays++;
		at = &s->t;
	} else {
		rt = &a->tasks[ri];
		if (t->position >= rt->n) {
			size_t n = rt->n;

			if (grow_array((void **)&rt->t, &n, (size_t)t->position + 1,
				       sizeof *rt->t) < 0) {
				a->oom = true;
				return 1;
			}
			memset(rt->t + rt->n, 0, (n - rt->n) * sizeof *rt->t);
			rt->n = (uint32_t)n;
		}
		at = &rt->t[t->position];
	}
	at->present = true;
	at->prompt_row = t->prompt_row;
	/* only the three names the schema allows are kept; anything else (a
	 * doctored file) is reported as unknown, never echoed */
	snprintf(at->kind, sizeof at->kind, "%s",
		 t->kind && (strcmp(t->kind, "normal") == 0 ||
			     strcmp(t->kind, "gold_repeat") == 0 ||
			     strcmp(t->kind, "gold_known") == 0)
			 ? t->kind
			 : "an unknown kind");
	at->replica = t->replica;
	at->malformed = t->malformed;
	at->bad_prompt = t->bad_prompt;
	for (int side = 0; side < 2; side++) {
		const char *id = side ? t->right : t->left;
		/* an id not of its type names no output */
		json_t *o = t->bad_output[side] ? NULL : json_object_get(a->blind, id ? id : "");

		snprintf(at->id[side], sizeof at->id[side], "%s", id ? id : "");
		at->bad_id[side] = t->bad_output[side];
		at->shown[side] = o != NULL;
		if (o)
			sodium_hex2bin(at->hash[side], 32, json_string_value(json_array_get(o, 0)),
				       64, NULL, NULL, NULL);
	}
	return 0;
}

static int take_blind(void *ctx, const char *id, int64_t prompt_row, const char *text, size_t len,
		      const unsigned char hash[32], bool id_whole)
{
	struct audit *a = ctx;
	char h[65];

	/* an id not of its type is no output's id: no task shows it */
	if (!id_whole)
		return 0;
	hex(hash, 32, h);
	json_object_set_new(a->blind, id, json_pack("[s, I]", h, (json_int_t)prompt_row));
	return 0;
}

static int take_owner(void *ctx, const char *id, int64_t entrant, bool typed)
{
	struct audit *a = ctx;

	/* a row not of its type reveals nothing: its output has no entrant */
	if (!typed)
		return 0;
	json_object_set_new(a->owner, id, json_integer(entrant));
	return 0;
}

static int load(struct audit *a)
{
	struct simsa_err *err = a->err;
	int found;

	if (store_load_inputs(a->st, &a->in, err) < 0)
		return -1;
	if (rubric_parse_round(a->in.rubrics, a->in.n_rubrics, &a->expert, &a->user, err) < 0)
		return -1;
	found = store_get_opening(a->st, &a->op, err);
	if (found < 0)
		return -1;
	a->opened = found == 1;
	found = store_get_closing(a->st, &a->cl, err);
	if (found < 0)
		return -1;
	a->closed = found == 1;
	a->tasks = calloc(a->in.n_raters + 1, sizeof *a->tasks);
	a->blind = json_object();
	a->owner = json_object();
	a->stray = json_object();
	a->stray_index = json_object();
	a->head_count = calloc(a->in.n_raters + 1, sizeof *a->head_count);
	a->head = calloc(a->in.n_raters + 1, sizeof *a->head);
	if (!a->tasks || !a->blind || !a->owner || !a->stray || !a->stray_index || !a->head_count ||
	    !a->head)
		return err_set(err, "out of memory");
	for (size_t r = 0; r < a->in.n_raters; r++)
		ballot_genesis(a->in.info.round_id, a->in.raters[r].public_key, a->head[r]);
	/* outputs first: a task takes its outputs' hashes from them */
	if (store_each_blind(a->st, take_blind, a, err) < 0 ||
	    store_each_task(a->st, take_task, a, err) < 0 ||
	    store_each_reveal(a->st, take_owner, a, err) < 0)
		return -1;
	if (a->oom)
		return err_set(err, "out of memory");
	return 0;
}

/* ---- steps ---- */

static void step_opening(struct audit *a)
{
	struct step s;
	struct buf msg = { 0 };
	unsigned char *sealed = NULL, sealed_hash[32];
	size_t sealed_len = 0;
	struct simsa_err err;

	step_begin(&s, "opening",
		   "the organizer's signature on the opening statement (with the hash of the "
		   "sealed secrets)");
	if (!a->opened) {
		failf(&s, "the round has not been opened");
	} else if (store_get_sealed(a->st, &sealed, &sealed_len, &err) < 0) {
		failf(&s, "the sealed secrets cannot be read: %s", err.msg);
	} else {
		static const struct typed_col types[] = {
			{ "opening", "opened_at", 't' },
			{ NULL, NULL, 0 },
		};

		s.items = 1;
		check_types(a, &s, types);
		crypto_generichash(sealed_hash, 32, sealed, sealed_len, NULL, 0);
		statement_opening(&msg, a->in.info.round_id, a->op.manifest_hash,
				  a->op.seed_commitment, a->op.assignment_hash, a->op.opened_at,
				  sealed_hash);
		/* a value not of its type is not what the statement signed */
		if (a->op.untyped)
			failf(&s, "the opening statement's signature is not checked: the time it "
				  "signs is not text");
		else if (msg.oom || crypto_sign_verify_detached(a->op.signature, msg.p, msg.n,
								a->in.organizer_pk) != 0)
			failf(&s, "the opening statement's signature does not verify under the "
				  "organizer's key");
	}
	free(sealed);
	buf_release(&msg);
	step_end(a, &s);
}

/* round.state: one of draft, open, closed, and the one the opening and
 * closing rows present say (readers take the state from the column). */
static void step_state(struct audit *a)
{
	static const char *const names[] = { "draft", "open", "closed" };
	const struct round_info *ri = &a->in.info;
	enum round_state rows = a->closed ? ROUND_CLOSED : a->opened ? ROUND_OPEN : ROUND_DRAFT;
	struct step s;

	step_begin(&s, "state",
		   "the round record: round_id, title and created_at whole, and round.state "
		   "draft, open or closed as the opening and closing rows say");
	s.items = 1;
	if (a->closed && !a->opened)
		failf(&s, "the round has a closing but no opening");
	/* a value cut short when read would be signed and hashed cut short:
	 * one failure per field */
	for (int f = 0; f < 3; f++)
		if (ri->bad_fields & (1u << f))
			failf(&s, "round.%s is not text of the expected length",
			      (const char *const[]){ "round_id", "title", "created_at" }[f]);
	if (!(ri->bad_fields & 1u) && !ri->round_id_hex)
		failf(&s, "round.round_id is not 32 lower-case hex digits");
	if (ri->state_null) {
		failf(&s, "round.state is NULL, not draft, open or closed");
	} else if (!ri->state_known) {
		char shown[64];

		text_sanitize_line(ri->state_raw, strlen(ri->state_raw), shown, sizeof shown);
		failf(&s, "round.state is '%s', not draft, open or closed", shown);
	} else if (ri->state != rows) {
		const char *why = ri->state == ROUND_CLOSED ? "no closing"
				  : a->closed               ? "a closing"
				  : ri->state == ROUND_OPEN ? "no opening"
							    : "an opening";

		failf(&s, "round.state is '%s' but the round has %s", names[ri->state], why);
	}
	step_end(a, &s);
}

static void step_enrolments(struct audit *a)
{
	static const struct typed_col types[] = {
		{ "rater", "name", 't' },
		{ "rater", "categories", 't' },
		{ "rater", "enrolled_at", 't' },
		{ NULL, NULL, 0 },
	};
	struct step s;

	step_begin(&s, "enrolments",
		   "the organizer's signature on every rater's enrolment (and, closed, its "
		   "time not after the close)");
	check_types(a, &s, types);
	for (size_t i = 0; i < a->in.n_raters; i++) {
		const struct in_rater *r = &a->in.raters[i];
		struct enrolment e = { a->in.info.round_id,
				       r->name,
				       rater_role_name(r->role),
				       r->public_key,
				       r->categories_json,
				       r->late,
				       r->enrolled_at };
		struct buf msg = { 0 };

		s.items++;
		statement_enrolment(&msg, &e);
		/* a value not of its type is not the one signed: checked no further */
		if (r->untyped)
			failf(&s,
			      "rater '%s': enrolment signature not checked: a value it signs is "
			      "not of its type (name, categories or enrolment time not text)",
			      r->name);
		else if (msg.oom || crypto_sign_verify_detached(r->signature, msg.p, msg.n,
								a->in.organizer_pk) != 0)
			failf(&s, "rater '%s': enrolment signature does not verify", r->name);
		else if (a->closed && audit_after_close(a, r->enrolled_at))
			failf(&s, "rater '%s': enrolled at %s, after the close at %s", r->name,
			      audit_time(r->enrolled_at), audit_time(a->cl.closed_at));
		buf_release(&msg);
	}
	step_end(a, &s);
}

struct out_ctx {
	struct step *s;
};

static int check_output(void *ctx, const char *id, int64_t prompt_row, const char *text, size_t len,
			const unsigned char hash[32], bool id_whole)
{
	struct step *s = ((struct out_ctx *)ctx)->s;
	unsigned char h[32];

	s->items++;
	hash_bytes(text, len, h);
	if (memcmp(h, hash, 32) != 0)
		failf(s, "output %s: its text does not match its hash (altered after open)", id);
	return 0;
}

static void step_outputs(struct audit *a)
{
	struct step s;
	struct out_ctx c = { &s };

	step_begin(&s, "outputs", "every output's and rubric's text against its BLAKE2b-256 hash");
	if (store_each_blind(a->st, check_output, &c, a->err) < 0)
		failf(&s, "%s", a->err->msg);
	for (size_t i = 0; i < a->in.n_rubrics; i++) {
		unsigned char h[32];

		s.items++;
		hash_bytes(a->in.rubrics[i].text, a->in.rubrics[i].len, h);
		if (memcmp(h, a->in.rubrics[i].hash, 32) != 0)
			failf(&s, "rubric %s: its text does not match its hash",
			      a->in.rubrics[i].component);
	}
	step_end(a, &s);
}

/* What open removes from the draft, and close from the open round, is
 * gone: a row left there is covered by nothing, yet readers count it. */
static void step_cleared(struct audit *a)
{
	struct step s;
	struct store_leftovers lo;
	struct simsa_err err;

	step_begin(&s, "cleared",
		   "what open removes (draft outputs, generation records, screening, the "
		   "import log, rubric paths, entrants' endpoints and settings) and close "
		   "removes (drafts) is gone");
	if (!a->opened) {
		step_end(a, &s);
		return;
	}
	if (store_leftovers(a->st, &lo, &err) < 0) {
		failf(&s, "%s", err.msg);
		step_end(a, &s);
		return;
	}
	const struct {
		long n;
		const char *what;
		bool closed_only;
	} left[] = {
		{ lo.outputs, "draft output rows (table output)", false },
		{ lo.generations, "generation records (table generation)", false },
		{ lo.screen_decisions, "screening decisions (table screen_decision)", false },
		{ lo.screen_words, "screening words (table screen_word)", false },
		{ lo.imports, "import log rows (table import_log)", false },
		{ lo.rubric_sources, "rubrics with a source path (rubric.source)", false },
		{ lo.entrant_settings,
		  "entrants with an endpoint, key variable, parameters or system prompt", false },
		{ lo.drafts, "drafts (table draft)", true },
	};
	for (size_t i = 0; i < sizeof left / sizeof *left; i++) {
		if (left[i].closed_only && !a->closed)
			continue;
		s.items++;
		if (left[i].n)
			failf(&s, "%ld %s left in a%s round", left[i].n, left[i].what,
			      a->closed ? " closed" : "n open");
	}
	step_end(a, &s);
}

/* What verify prints for comparing with what the organizer published:
 * the organizer's key and its fingerprint, the ballot count and Merkle
 * root (sealed, or of the ballots so far in an open round), the close
 * time (docs/verify.md, "What to compare"). */
static int put_anchors(struct audit *a, json_t *rep)
{
	char key[65], fp[65], root[65];
	unsigned char h[32], r[32];
	uint32_t count = a->closed ? a->cl.ballot_count : (uint32_t)a->n_leaves;

	hex_encode(a->in.organizer_pk, 32, key);
	organizer_fingerprint(a->in.organizer_pk, h);
	hex_encode(h, 32, fp);
	if (a->closed)
		memcpy(r, a->cl.merkle_root, 32);
	else
		merkle_root((const unsigned char(*)[32])a->leaves, a->n_leaves, r);
	hex_encode(r, 32, root);
	return json_object_update_new(
		rep, json_pack("{s:o, s:o, s:o, s:s, s:o}", "organizer_key",
			       a->in.has_organizer ? json_string(key) : json_null(),
			       "organizer_fingerprint",
			       a->in.has_organizer ? json_string(fp) : json_null(), "ballot_count",
			       /* the stored count, never its low 32 bits: null when it is
				* not an integer in 0..2^32-1 (the seal step fails it) */
			       a->closed && a->cl.malformed ? json_null()
							    : json_integer((json_int_t)count),
			       "merkle_root", root, "closed_at",
			       a->closed ? json_string(audit_time(a->cl.closed_at)) : json_null()));
}

int audit_run(struct store *st, json_t **report, struct simsa_err *err)
{
	return audit_run_pinned(st, NULL, report, err);
}

int audit_run_pinned(struct store *st, const struct audit_pins *pins, json_t **report,
		     struct simsa_err *err)
{
	struct audit a = { .st = st, .err = err, .pins = pins };
	bool ok = true;
	size_t i;
	json_t *v;
	int rc = -1;

	double t0 = mono_seconds();

	a.steps = json_array();
	if (!a.steps || load(&a) < 0)
		goto out;
	double t_load = mono_seconds() - t0;
	step_state(&a);
	step_opening(&a);
	step_enrolments(&a);
	step_outputs(&a);
	step_cleared(&a);
	step_ballots(&a);
	if (a.closed) {
		step_seal(&a);
		step_seed_and_manifest(&a);
		step_assignment(&a);
	}
	if (pins)
		step_pinned(&a);
	json_array_foreach(a.steps, i, v)
		ok = ok && json_is_true(json_object_get(v, "passed"));
	*report = json_pack("{s:s, s:s}", "round_id", a.in.info.round_id, "state",
			    !a.in.info.state_known            ? "unknown-state"
			    : a.in.info.state == ROUND_CLOSED ? "closed"
			    : a.in.info.state == ROUND_OPEN   ? "open"
							      : "draft");
	rc = *report && put_anchors(&a, *report) == 0 &&
			     json_object_update_new(
				     *report,
				     json_pack("{s:b, s:b, s:O, s:f, s:f}", "complete", a.closed,
					       "ok", ok, "steps", a.steps, "load_seconds", t_load,
					       "seconds", mono_seconds() - t0)) == 0
		     ? 0
		     : err_set(err, "out of memory");
	/* how the file was read (store_open_read): a bundle immutable, or a
	 * working round with its WAL */
	if (*report && store_read_as(st) &&
	    json_object_set_new(*report, "read_as", json_string(store_read_as(st))) < 0)
		rc = err_set(err, "out of memory");
out:
	json_decref(a.steps);
	for (size_t r = 0; a.tasks && r < a.in.n_raters; r++)
		free(a.tasks[r].t);
	free(a.tasks);
	json_decref(a.blind);
	json_decref(a.owner);
	json_decref(a.stray);
	json_decref(a.stray_index);
	free(a.strays);
	free(a.leaves);
	free(a.leaf_rater);
	free(a.leaf_seq);
	free(a.leaf_hash);
	free(a.head_count);
	free(a.head);
	rubric_free(&a.expert);
	rubric_free(&a.user);
	round_inputs_release(&a.in);
	return rc;
}
