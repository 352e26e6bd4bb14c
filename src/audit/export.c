/* export — the round as records for auditors and analysts (see
 * include/simsa/export.h): JSON Lines with every input, task, ballot and the
 * seal, and CSV with one row per ballot. `simsa export` picks the format and
 * the file. */
#include "simsa/export.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "simsa/rubric.h"
#include "simsa/score.h"
#include "simsa/store_read.h"
#include "simsa/util.h"

struct ex {
	FILE *out;
	struct round_inputs in;
	json_t *owner;             /* blind id -> entrant name (closed rounds) */
	json_t *task_of;           /* "rater:position" -> [prompt id, left, right] */
	struct ballot_statuses st; /* each ballot's one status (score.h) */
	bool closed;
	long unwritable; /* records JSON cannot hold (text not valid UTF-8) */
};

/* The status of a ballot; "?" (never counted) for one the round lacks. */
static const struct ballot_status *status_of(const struct ex *x, int64_t id)
{
	static const struct ballot_status none = { 0, STATUS_COUNT, REASON_NONE };
	const struct ballot_status *s = score_status_of(&x->st, id);

	return s ? s : &none;
}

static json_t *hexj(const unsigned char *p, size_t n)
{
	char *h = malloc(2 * n + 1);
	json_t *j;

	if (!h)
		return json_null();
	hex_encode(p, n, h);
	j = json_string(h);
	free(h);
	return j;
}

/* Writes one record. jansson builds no string from text that is not valid
 * UTF-8 (only a damaged file has such text): such a record is counted, and
 * the export fails rather than leave it out unsaid. */
static void emit(struct ex *x, json_t *rec)
{
	char *s = rec ? json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	x->unwritable += !s;
	if (s) {
		fprintf(x->out, "%s\n", s);
		free(s);
	}
	json_decref(rec);
}

static const char *rater_name(const struct ex *x, int64_t row)
{
	long i = inputs_rater(&x->in, row);

	return i >= 0 ? x->in.raters[i].name : "?";
}

static const char *rater_role(const struct ex *x, int64_t row)
{
	long i = inputs_rater(&x->in, row);

	return i >= 0 ? rater_role_name(x->in.raters[i].role) : "?";
}

static const char *prompt_id(const struct ex *x, int64_t row)
{
	long i = inputs_prompt(&x->in, row);

	return i >= 0 ? x->in.prompts[i].id : "?";
}

static int take_owner(void *ctx, const char *id, int64_t entrant, bool typed)
{
	struct ex *x = ctx;
	long i = inputs_entrant(&x->in, entrant);

	if (i >= 0)
		json_object_set_new(x->owner, id, json_string(x->in.entrants[i].name));
	return 0;
}

static int take_task(void *ctx, const struct task_row *t)
{
	struct ex *x = ctx;
	char key[48];

	snprintf(key, sizeof key, "%lld:%u", (long long)t->rater_row, t->position);
	json_object_set_new(x->task_of, key,
			    json_pack("[s, s, s]", prompt_id(x, t->prompt_row),
				      t->left ? t->left : "", t->right ? t->right : ""));
	return 0;
}

/* ---- jsonl ---- */

static int jsonl_output(void *ctx, const char *id, int64_t prompt_row, const char *text, size_t len,
			const unsigned char hash[32], bool id_whole)
{
	struct ex *x = ctx;
	json_t *rec =
		json_pack("{s:s, s:s, s:s, s:o, s:s%}", "kind", "output", "id", id, "prompt",
			  prompt_id(x, prompt_row), "hash", hexj(hash, 32), "text", text, len);

	if (x->closed)
		json_object_set(rec, "entrant", json_object_get(x->owner, id));
	emit(x, rec);
	return 0;
}

static int jsonl_task(void *ctx, const struct task_row *t)
{
	struct ex *x = ctx;

	emit(x, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I}", "kind", "task", "rater",
			  rater_name(x, t->rater_row), "position", (json_int_t)t->position,
			  "prompt", prompt_id(x, t->prompt_row), "left", t->left, "right", t->right,
			  "type", t->kind, "replica", (json_int_t)t->replica));
	return 0;
}

static int jsonl_ballot(void *ctx, const struct ballot_row *b)
{
	struct ex *x = ctx;
	const struct ballot_status *s = status_of(x, b->id);
	char h[65];
	json_t *rec;

	hex_encode(b->hash, 32, h);
	rec = json_pack("{s:s, s:I, s:s, s:I, s:I, s:o, s:o, s:b, s:o, s:o, s:s, s:o}", "kind",
			"ballot", "id", (json_int_t)b->id, "rater", rater_name(x, b->rater_row),
			"seq", (json_int_t)b->seq, "task", (json_int_t)b->task_position, "hash",
			json_string(h), "supersedes",
			b->supersedes ? hexj(b->supersedes, 32) : json_null(), "counted",
			s->status == STATUS_COUNTED, "bytes", hexj(b->bytes, b->len), "signature",
			b->signature ? hexj(b->signature, 64) : json_null(), "status",
			score_status_name(s->status), "reason",
			s->reason ? json_string(score_reason_name(s->reason)) : json_null());
	emit(x, rec);
	return 0;
}

static int write_jsonl(struct store *st, struct ex *x, struct simsa_err *err)
{
	struct opening_rec op;
	struct closing_rec cl;
	int opened, closed;

	emit(x, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "kind", "round", "round_id",
			  x->in.info.round_id, "title", x->in.info.title, "created_at",
			  x->in.info.created_at, "state",
			  x->closed                        ? "closed"
			  : x->in.info.state == ROUND_OPEN ? "open"
							   : "draft",
			  "organizer_public_key", hexj(x->in.organizer_pk, 32)));
	for (size_t i = 0; i < x->in.n_rubrics; i++)
		emit(x,
		     json_pack("{s:s, s:s, s:s%, s:o, s:s?, s:s?}", "kind", "rubric", "component",
			       x->in.rubrics[i].component, "text", x->in.rubrics[i].text,
			       x->in.rubrics[i].len, "hash", hexj(x->in.rubrics[i].hash, 32),
			       "instructions_ko", x->in.rubrics[i].instructions[0],
			       "instructions_en", x->in.rubrics[i].instructions[1]));
	for (size_t i = 0; i < x->in.n_practice; i++) { /* what raters practised on */
		const struct in_practice *p = &x->in.practice[i];

		emit(x, json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "kind",
				  "practice", "id", p->id, "role", rater_role_name(p->role),
				  "required", p->required, "prompt", p->prompt, "a", p->answer[0],
				  "b", p->answer[1], "reference", p->reference, "note_ko",
				  p->note[0], "note_en", p->note[1]));
	}
	for (size_t i = 0; i < x->in.n_entrants; i++)
		emit(x, json_pack("{s:s, s:s, s:s?, s:s?}", "kind", "entrant", "name",
				  x->in.entrants[i].name, "team", x->in.entrants[i].team, "model",
				  x->in.entrants[i].model));
	for (size_t i = 0; i < x->in.n_prompts; i++)
		emit(x,
		     json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "kind", "prompt", "id",
			       x->in.prompts[i].id, "category", x->in.prompts[i].category, "prompt",
			       x->in.prompts[i].prompt, "system", x->in.prompts[i].system,
			       "reference", x->in.prompts[i].reference));
	for (size_t i = 0; i < x->in.n_raters; i++)
		emit(x,
		     json_pack("{s:s, s:s, s:s, s:o, s:s?, s:b, s:s, s:o}", "kind", "rater", "name",
			       x->in.raters[i].name, "role", rater_role_name(x->in.raters[i].role),
			       "public_key", hexj(x->in.raters[i].public_key, 32), "categories",
			       x->in.raters[i].categories_json, "late", x->in.raters[i].late,
			       "enrolled_at", x->in.raters[i].enrolled_at, "signature",
			       hexj(x->in.raters[i].signature, 64)));
	opened = store_get_opening(st, &op, err);
	if (opened < 0)
		return -1;
	if (opened)
		emit(x, json_pack("{s:s, s:o, s:o, s:o, s:s, s:o}", "kind", "opening",
				  "manifest_hash", hexj(op.manifest_hash, 32), "seed_commitment",
				  hexj(op.seed_commitment, 32), "assignment_hash",
				  hexj(op.assignment_hash, 32), "opened_at", op.opened_at,
				  "signature", hexj(op.signature, 64)));
	if (store_each_blind(st, jsonl_output, x, err) < 0 ||
	    store_each_task(st, jsonl_task, x, err) < 0 ||
	    store_each_ballot(st, jsonl_ballot, x, err) < 0)
		return -1;
	closed = store_get_closing(st, &cl, err);
	if (closed < 0)
		return -1;
	if (closed)
		emit(x,
		     json_pack("{s:s, s:o, s:o, s:I, s:o, s:s, s:o}", "kind", "seal", "seed",
			       hexj(cl.seed, 32), "salt", hexj(cl.salt, 32), "ballot_count",
			       (json_int_t)cl.ballot_count, "merkle_root", hexj(cl.merkle_root, 32),
			       "closed_at", cl.closed_at, "signature", hexj(cl.signature, 64)));
	return 0;
}

/* ---- csv ---- */

static void csv_field(FILE *f, const char *s, bool last)
{
	csv_put(f, s ? s : "", last ? "\n" : ",");
}

static void csv_int(FILE *f, int64_t v, bool present)
{
	if (present)
		fprintf(f, "%lld", (long long)v);
	fputc(',', f);
}

static int csv_ballot(void *ctx, const struct ballot_row *b)
{
	struct ex *x = ctx;
	const struct ballot_status *s = status_of(x, b->id);
	char key[48], h[65];
	json_t *t;
	const char *l, *r;

	snprintf(key, sizeof key, "%lld:%u", (long long)b->rater_row, b->task_position);
	t = json_object_get(x->task_of, key);
	l = json_string_value(json_array_get(t, 1));
	r = json_string_value(json_array_get(t, 2));
	hex_encode(b->hash, 32, h);
	fprintf(x->out, "%lld,", (long long)b->id);
	csv_field(x->out, rater_name(x, b->rater_row), false);
	csv_field(x->out, rater_role(x, b->rater_row), false);
	fprintf(x->out, "%u,", b->task_position + 1);
	csv_field(x->out, json_string_value(json_array_get(t, 0)), false);
	csv_field(x->out, l, false);
	csv_field(x->out, r, false);
	csv_field(x->out, x->closed && l ? json_string_value(json_object_get(x->owner, l)) : NULL,
		  false);
	csv_field(x->out, x->closed && r ? json_string_value(json_object_get(x->owner, r)) : NULL,
		  false);
	csv_field(x->out, b->kind, false);
	csv_field(x->out,
		  b->preference >= 0 && b->preference < PREF_COUNT
			  ? rubric_pref_name((enum rubric_pref)b->preference)
			  : NULL,
		  false);
	csv_int(x->out, b->satisfaction, b->satisfaction >= 0);
	csv_field(x->out, b->scores, false);
	csv_int(x->out, b->flags_left, b->flags_left >= 0);
	csv_int(x->out, b->flags_right, b->flags_right >= 0);
	csv_int(x->out, b->active_seconds, b->active_seconds >= 0);
	csv_field(x->out, b->cast_at, false);
	csv_field(x->out, s->status == STATUS_COUNTED ? "yes" : "no", false);
	csv_field(x->out, h, false);
	csv_field(x->out, score_status_name(s->status), false);
	csv_field(x->out, score_reason_name(s->reason), false);
	/* what the rater wrote, as signed (line breaks kept, inside quotes) */
	csv_field(x->out, b->comment_left, false);
	csv_field(x->out, b->comment_right, false);
	csv_field(x->out, b->reason, true);
	return 0;
}

static int write_csv(struct store *st, struct ex *x, struct simsa_err *err)
{
	fprintf(x->out, "ballot,rater,role,task,prompt,left_output,right_output,left_entrant,"
			"right_entrant,kind,preference,satisfaction,scores,flags_left,flags_right,"
			"active_seconds,cast_at,counted,hash,status,reason,comment_left,"
			"comment_right,user_reason\n");
	return store_each_ballot(st, csv_ballot, x, err);
}

/* What both formats need besides the ballots themselves: the inputs, who
 * wrote each output (once the round is closed), each task's prompt and
 * sides, and each ballot's status (score_ballot_statuses). */
static int ex_load(struct store *st, FILE *out, struct ex *x, struct simsa_err *err)
{
	struct closing_rec cl;
	int closed;

	x->out = out;
	x->owner = json_object();
	x->task_of = json_object();
	if (store_load_inputs(st, &x->in, err) < 0)
		return -1;
	closed = store_get_closing(st, &cl, err);
	if (closed < 0)
		return -1;
	x->closed = closed == 1;
	if (store_each_reveal(st, take_owner, x, err) < 0 ||
	    store_each_task(st, take_task, x, err) < 0 ||
	    score_ballot_statuses(st, &x->st, err) < 0)
		return -1;
	return 0;
}

static void ex_release(struct ex *x)
{
	json_decref(x->owner);
	json_decref(x->task_of);
	score_statuses_release(&x->st);
	round_inputs_release(&x->in);
}

int export_jsonl(struct store *st, FILE *out, struct simsa_err *err)
{
	struct ex x = { 0 };
	char *buf = NULL;
	size_t len = 0;
	/* written to memory first: a record JSON cannot hold fails the export
	 * before one byte reaches out (a pipe cannot be taken back) */
	FILE *mem = open_memstream(&buf, &len);
	int rc;

	if (!mem)
		return err_set(err, "out of memory");
	rc = ex_load(st, mem, &x, err) < 0 ? -1 : write_jsonl(st, &x, err);
	if (fclose(mem) != 0 && rc == 0)
		rc = err_set(err, "out of memory");
	if (rc == 0 && x.unwritable)
		rc = err_set(err,
			     "%ld records hold text that is not valid UTF-8 and cannot be written "
			     "as JSON: the file is damaged (run simsa verify); nothing written (a "
			     "bundle export keeps every byte)",
			     x.unwritable);
	if (rc == 0 && len && fwrite(buf, 1, len, out) != len)
		rc = err_set(err, "write error");
	free(buf);
	ex_release(&x);
	return rc;
}

int export_csv(struct store *st, FILE *out, struct simsa_err *err)
{
	struct ex x = { 0 };
	int rc = ex_load(st, out, &x, err) < 0 ? -1 : write_csv(st, &x, err);

	ex_release(&x);
	return rc;
}
