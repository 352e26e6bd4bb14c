/* session — a rater's tasks and ballots (see include/simsa/session.h); the
 * drafts are session_draft.c's. */
#include "simsa/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "simsa/receipt_file.h"
#include "simsa/util.h"
#include "session_internal.h"

void answer_init(struct answer *a)
{
	memset(a, 0, sizeof *a);
	for (int s = 0; s < 2; s++)
		for (int c = 0; c < RUBRIC_MAX_CRITERIA; c++)
			a->scores[s][c] = BALLOT_SCORE_UNSET;
	a->preference = -1;
	a->satisfaction = BALLOT_SCORE_UNSET;
}

static int load_rubric(struct session *s, struct simsa_err *err)
{
	const char *component = s->role == ROLE_EXPERT ? "expert" : "user";
	char *text = NULL;
	size_t len;
	int found = store_get_rubric(s->st, component, &text, &len, err);
	int rc;

	if (found <= 0)
		return found < 0 ? -1 : err_set(err, "the round has no %s rubric", component);
	rc = rubric_parse(text, len, component, &s->rubric, err);
	free(text);
	return rc;
}

static void mark_done(void *ctx, uint32_t position, uint32_t place, const unsigned char hash[32])
{
	struct session *s = ctx;
	size_t lo = 0, hi = s->n_tasks;

	while (lo < hi) { /* tasks are in position order */
		size_t mid = lo + (hi - lo) / 2;

		if (s->tasks[mid].position < position)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n_tasks && s->tasks[lo].position == position) {
		s->done[lo] = true;
		ballot_receipt(place, hash, s->receipt[lo]);
	}
}

/* Which tasks already have a counted ballot: one query, not one per task. */
static int load_done(struct session *s, struct simsa_err *err)
{
	s->done = calloc(s->n_tasks + 1, sizeof *s->done);
	s->receipt = calloc(s->n_tasks + 1, sizeof *s->receipt);
	if (!s->done || !s->receipt)
		return err_set(err, "out of memory");
	return store_each_counted(s->st, s->rater_row, mark_done, s, err);
}

/* What raters of the role are told first, their practice tasks, and
 * whether the rater had begun. */
static int load_practice(struct session *s, struct simsa_err *err)
{
	int drafts = store_rater_has_draft(s->st, s->rater_row, err);

	if (drafts < 0)
		return -1;
	s->started = drafts > 0;
	for (size_t i = 0; i < s->n_tasks && !s->started; i++)
		s->started = s->done[i];
	if (store_rubric_instructions(s->st, s->role == ROLE_EXPERT ? "expert" : "user",
				      s->instructions, err) < 0)
		return -1;
	return store_rater_practice(s->st, s->rater_row, s->role, &s->practice, &s->n_practice,
				    err);
}

static void free_practice(struct session *s)
{
	free(s->instructions[0]);
	free(s->instructions[1]);
	s->instructions[0] = s->instructions[1] = NULL;
	store_practice_rows_release(s->practice, s->n_practice);
	s->practice = NULL;
	s->n_practice = 0;
}

int session_start(const char *path, const char *rater, struct secret_key *sk, struct session **out,
		  struct simsa_err *err)
{
	struct session *s = calloc(1, sizeof *s);
	struct opening_rec op;
	unsigned char pk[32];
	int found;

	if (!s) {
		secret_key_free(&sk);
		return err_set(err, "out of memory");
	}
	s->sk = sk;
	s->receipts_fd = -1;
	s->rater = strdup(rater);
	if (!s->rater) {
		err_set(err, "out of memory");
		goto fail;
	}
	if (store_open(path, &s->st, err) < 0 || store_round_info(s->st, &s->info, err) < 0)
		goto fail;
	if (s->info.state != ROUND_OPEN) {
		err_set(err, "%s: the round is %s; rating is possible only while it is open", path,
			s->info.state == ROUND_DRAFT ? "not open yet" : "closed");
		goto fail;
	}
	found = store_rater(s->st, rater, &s->rater_row, &s->role, pk, err);
	if (found <= 0) {
		if (found == 0)
			err_set(err, "%s: no rater named '%s' is enrolled", path, rater);
		goto fail;
	}
	if (memcmp(pk, secret_key_public(sk), 32) != 0) {
		err_set(err, "that key is not the key enrolled for '%s'", rater);
		goto fail;
	}
	if (s->role == ROLE_AUDITOR) {
		err_set(err,
			"'%s' is an auditor: auditors verify (simsa verify), they have no "
			"tasks",
			rater);
		goto fail;
	}
	if (store_get_opening(s->st, &op, err) != 1)
		goto fail;
	memcpy(s->manifest_hash, op.manifest_hash, 32);
	if (load_rubric(s, err) < 0 ||
	    store_rater_tasks(s->st, s->rater_row, &s->tasks, &s->n_tasks, err) < 0 ||
	    load_done(s, err) < 0 || load_practice(s, err) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	session_end(&s);
	return -1;
}

void session_end(struct session **sp)
{
	struct session *s = *sp;

	if (!s)
		return;
	for (int i = 0; i < 2; i++)
		free(s->text[i]);
	store_rater_tasks_release(s->tasks, s->n_tasks);
	free_practice(s);
	free(s->done);
	free(s->receipt);
	if (s->receipts_fd >= 0)
		close(s->receipts_fd);
	free(s->receipts_path);
	rubric_free(&s->rubric);
	secret_key_free(&s->sk);
	store_close(&s->st);
	free(s->rater);
	free(s);
	*sp = NULL;
}

int session_keep_receipts(struct session *s, const char *path, struct simsa_err *err)
{
	char def[4096];

	if (!path) {
		if (receipt_file_default(s->info.round_id, s->rater, def, sizeof def, err) < 0)
			return -1;
		path = def;
	}
	if (s->receipts_fd >= 0)
		close(s->receipts_fd);
	free(s->receipts_path);
	s->receipts_path = strdup(path);
	if (!s->receipts_path)
		return err_set(err, "out of memory");
	return receipt_file_open(path, s->info.round_id, s->rater, &s->receipts_fd, err);
}

const char *session_receipts_path(const struct session *s)
{
	return s->receipts_path;
}

const char *session_receipts_failure(const struct session *s)
{
	return s->receipts_failure[0] ? s->receipts_failure : NULL;
}

const char *session_title(const struct session *s)
{
	return s->info.title;
}
const char *session_rater(const struct session *s)
{
	return s->rater;
}
enum rater_role session_role(const struct session *s)
{
	return s->role;
}
const struct rubric *session_rubric(const struct session *s)
{
	return s->rubric;
}
size_t session_task_count(const struct session *s)
{
	return s->n_tasks;
}

size_t session_done_count(const struct session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_tasks; i++)
		n += s->done[i];
	return n;
}

size_t session_first_open(const struct session *s)
{
	for (size_t i = 0; i < s->n_tasks; i++)
		if (!s->done[i])
			return i;
	return s->n_tasks;
}

int session_task(struct session *s, size_t index, struct task_view *v, struct simsa_err *err)
{
	const struct session_task_rec *t;

	if (index >= s->n_tasks)
		return err_set(err, "no task %zu (the rater has %zu)", index + 1, s->n_tasks);
	t = &s->tasks[index];
	for (int i = 0; i < 2; i++) {
		free(s->text[i]);
		s->text[i] = NULL;
		if (store_blind_text(s->st, t->output_id[i], &s->text[i], &s->text_len[i], err) < 0)
			return -1;
	}
	memset(v, 0, sizeof *v);
	v->index = index;
	v->prompt_id = t->prompt_id;
	v->category = t->category;
	v->prompt = t->prompt;
	v->system = t->system;
	v->reference = s->role == ROLE_EXPERT ? t->reference : NULL;
	for (int i = 0; i < 2; i++) {
		v->text[i] = s->text[i];
		v->text_len[i] = s->text_len[i];
		v->output_id[i] = t->output_id[i];
	}
	v->done = s->done[index];
	memcpy(v->receipt, s->receipt[index], sizeof v->receipt);
	return 0;
}

int session_task_summary(struct session *s, size_t index, struct task_summary *out,
			 struct simsa_err *err)
{
	const struct session_task_rec *t;
	char *text = NULL;
	json_t *j;
	int found;

	if (index >= s->n_tasks)
		return err_set(err, "no task %zu (the rater has %zu)", index + 1, s->n_tasks);
	t = &s->tasks[index];
	found = store_get_draft(s->st, s->rater_row, t->position, &text, err);
	if (found < 0)
		return -1;
	/* the same test as session_load_draft: an unreadable draft is none */
	j = found ? json_loads(text, 0, NULL) : NULL;
	free(text);
	memset(out, 0, sizeof *out);
	out->index = index;
	out->prompt_id = t->prompt_id;
	out->category = t->category;
	out->done = s->done[index];
	out->has_draft = j != NULL;
	memcpy(out->receipt, s->receipt[index], sizeof out->receipt);
	json_decref(j);
	return 0;
}

int session_task_latest(struct session *s, size_t index, struct task_latest *out,
			struct simsa_err *err)
{
	struct store_latest l;
	int found;

	memset(out, 0, sizeof *out);
	if (index >= s->n_tasks)
		return err_set(err, "no task %zu (the rater has %zu)", index + 1, s->n_tasks);
	found = store_task_latest(s->st, s->rater_row, s->tasks[index].position, &l, err);
	if (found < 0)
		return -1;
	if (found) {
		out->has_ballot = true;
		ballot_receipt(l.place, l.hash, out->receipt);
		memcpy(out->cast_at, l.cast_at, sizeof out->cast_at);
	}
	/* cast from elsewhere: not the ballot this session knew of */
	out->elsewhere = found && (!s->done[index] || strcmp(s->receipt[index], out->receipt) != 0);
	s->done[index] = s->done[index] || found;
	if (found)
		memcpy(s->receipt[index], out->receipt, sizeof out->receipt);
	return 0;
}

static bool score_ok(const struct rubric_criterion *c, uint32_t v)
{
	return v == BALLOT_SCORE_UNSET || (v == BALLOT_SCORE_NA && !c->required) ||
	       (v >= (uint32_t)c->scale_min && v <= (uint32_t)c->scale_max);
}

bool session_problem_set(struct session_problem *p, enum session_error code, size_t task,
			 int criterion, int side)
{
	if (p)
		*p = (struct session_problem){ code, task, criterion, side };
	return false;
}

int session_begin_open(struct session *s, size_t index, const char *closed_msg,
		       struct simsa_err *err)
{
	struct round_info ri;

	if (store_begin(s->st, err) < 0)
		return -1;
	if (store_round_info(s->st, &ri, err) < 0) {
		store_rollback(s->st);
		return -1;
	}
	if (ri.state != ROUND_OPEN) {
		store_rollback(s->st);
		session_problem_set(&s->problem, SE_ROUND_CLOSED, index, -1, -1);
		return err_set(err, "%s",
			       closed_msg ? closed_msg : session_problem_text(&s->problem));
	}
	return 0;
}

bool session_answer_complete(const struct session *s, const struct answer *a,
			     struct session_problem *why)
{
	const struct rubric *r = s->rubric;

	session_problem_set(why, SE_NONE, 0, -1, -1);
	if (s->role == ROLE_EXPERT) {
		for (size_t c = 0; c < r->n_criteria; c++)
			for (int side = 0; side < 2; side++) {
				const struct rubric_criterion *cr = &r->criteria[c];

				if (!score_ok(cr, a->scores[side][c]))
					return session_problem_set(why, SE_SCORE_OUT_OF_SCALE, 0,
								   (int)c, side);
				if (cr->required && a->scores[side][c] == BALLOT_SCORE_UNSET)
					return session_problem_set(why, SE_REQUIRED_MISSING, 0,
								   (int)c, side);
			}
		for (int side = 0; side < 2; side++)
			if (a->flags[side] & ~(uint32_t)BALLOT_FLAGS_ALL)
				return session_problem_set(why, SE_UNKNOWN_FLAG, 0, -1, side);
	} else {
		if (a->preference < 0 || a->preference >= PREF_COUNT)
			return session_problem_set(why, SE_NO_PREFERENCE, 0, -1, -1);
		if (a->satisfaction != BALLOT_SCORE_UNSET &&
		    (!r->has_satisfaction || !score_ok(&r->satisfaction, a->satisfaction)))
			return session_problem_set(why, SE_SATISFACTION_OUT_OF_SCALE, 0, -1, -1);
		if (a->satisfaction == BALLOT_SCORE_UNSET && r->has_satisfaction &&
		    r->satisfaction.required)
			return session_problem_set(why, SE_SATISFACTION_MISSING, 0, -1, -1);
	}
	return true;
}

const struct session_problem *session_last_problem(const struct session *s)
{
	return &s->problem;
}

const char *session_problem_text(const struct session_problem *p)
{
	switch (p->code) {
	case SE_NONE: return "";
	case SE_NO_TASK: return "no such task";
	case SE_SCORE_OUT_OF_SCALE: return "a score is outside its scale";
	case SE_REQUIRED_MISSING: return "every required criterion needs a score for A and B";
	case SE_UNKNOWN_FLAG: return "unknown flag";
	case SE_NO_PREFERENCE: return "choose which answer is better";
	case SE_SATISFACTION_OUT_OF_SCALE: return "satisfaction is outside its scale";
	case SE_SATISFACTION_MISSING: return "the rubric asks for a satisfaction";
	case SE_ROUND_CLOSED:
		return "the round was closed before this ballot was recorded; it was not cast";
	case SE_KEY: return "cannot use the rater's key";
	case SE_STORE: break;
	}
	return "the round file failed";
}

/* ---- drafts: JSON in the round file ---- */

static void fill_ballot(const struct session *s, size_t index, const struct answer *a,
			struct ballot *b)
{
	const struct session_task_rec *t = &s->tasks[index];

	memset(b, 0, sizeof *b);
	memcpy(b->round_id, s->info.round_id, sizeof b->round_id);
	memcpy(b->manifest_hash, s->manifest_hash, 32);
	memcpy(b->rater_pk, secret_key_public(s->sk), BALLOT_PK_LEN);
	b->task_position = t->position;
	memcpy(b->output_hash[0], t->output_hash[0], 32);
	memcpy(b->output_hash[1], t->output_hash[1], 32);
	if (s->role == ROLE_EXPERT) {
		b->kind = BALLOT_EXPERT;
		b->n_criteria = (uint32_t)s->rubric->n_criteria;
		for (uint32_t c = 0; c < b->n_criteria; c++) {
			snprintf(b->criterion_id[c], sizeof b->criterion_id[c], "%s",
				 s->rubric->criteria[c].id);
			for (int side = 0; side < 2; side++)
				b->scores[side][c] = a->scores[side][c] == BALLOT_SCORE_UNSET
							     ? BALLOT_SCORE_NA
							     : a->scores[side][c];
		}
		for (int side = 0; side < 2; side++) {
			b->flags[side] = a->flags[side];
			memcpy(b->comment[side], a->comment[side], sizeof b->comment[side]);
		}
	} else {
		b->kind = BALLOT_USER;
		b->preference = (uint32_t)a->preference;
		b->satisfaction = a->satisfaction;
		memcpy(b->reason, a->reason, sizeof b->reason);
	}
	b->active_seconds = a->active_seconds;
	time_now_utc(b->cast_at);
}

/* The expert scores as the ballot table keeps them: [[A's], [B's]] in
 * criterion order, null where a criterion does not apply. */
static char *scores_json(const struct ballot *b)
{
	json_t *all = json_array();
	char *s;

	for (int side = 0; side < 2; side++) {
		json_t *row = json_array();

		for (uint32_t c = 0; c < b->n_criteria; c++)
			json_array_append_new(row, b->scores[side][c] == BALLOT_SCORE_NA
							   ? json_null()
							   : json_integer(b->scores[side][c]));
		json_array_append_new(all, row);
	}
	s = json_dumps(all, JSON_COMPACT);
	json_decref(all);
	return s;
}

int session_ballot_columns(const struct ballot *b, struct ballot_rec *rec, char **scores,
			   struct simsa_err *err)
{
	bool expert = b->kind == BALLOT_EXPERT;

	*scores = NULL;
	rec->seq = b->seq;
	rec->task_position = b->task_position;
	rec->supersedes = b->has_supersedes ? b->supersedes : NULL;
	rec->kind = expert ? "expert" : "user";
	rec->left_hash = b->output_hash[0];
	rec->right_hash = b->output_hash[1];
	rec->preference = rec->satisfaction = rec->flags_left = rec->flags_right = -1;
	rec->scores = rec->comment_left = rec->comment_right = rec->reason = NULL;
	if (expert) {
		*scores = scores_json(b);
		if (!*scores)
			return err_set(err, "out of memory");
		rec->scores = *scores;
		rec->flags_left = b->flags[0];
		rec->flags_right = b->flags[1];
		rec->comment_left = b->comment[0];
		rec->comment_right = b->comment[1];
	} else {
		rec->preference = b->preference;
		if (b->satisfaction != BALLOT_SCORE_UNSET)
			rec->satisfaction = b->satisfaction;
		rec->reason = b->reason;
	}
	rec->active_seconds = b->active_seconds;
	rec->cast_at = b->cast_at;
	return 0;
}

/* The ballot is cast: a receipt that cannot be saved is said, not failed. */
static void save_receipt(struct session *s, const struct ballot *b, const char *code)
{
	struct simsa_err e;

	s->receipts_failure[0] = '\0';
	if (s->receipts_fd < 0)
		return;
	if (receipt_file_append(s->receipts_fd, s->info.round_id, b->task_position + 1, b->cast_at,
				code, &e) < 0)
		snprintf(s->receipts_failure, sizeof s->receipts_failure, "%.4000s: %s",
			 s->receipts_path, e.msg);
}

int session_submit(struct session *s, size_t index, const struct answer *a,
		   char receipt[BALLOT_RECEIPT_MAX + 1], struct simsa_err *err)
{
	struct ballot *b = NULL;
	struct ballot_rec rec = { 0 };
	unsigned char *bytes = NULL;
	char *scores = NULL;
	struct session_problem why;
	uint32_t seq = 0, place = 0;
	int found, rc = -1;

	session_problem_set(&s->problem, SE_NONE, index, -1, -1);
	if (index >= s->n_tasks) {
		session_problem_set(&s->problem, SE_NO_TASK, index, -1, -1);
		return err_set(err, "no task %zu", index + 1);
	}
	if (!session_answer_complete(s, a, &why)) {
		s->problem = why;
		s->problem.task = index;
		return err_set(err, "the answer is not complete: %s", session_problem_text(&why));
	}
	session_problem_set(&s->problem, SE_STORE, index, -1, -1); /* until it is cast */
	b = malloc(sizeof *b);
	if (!b)
		return err_set(err, "out of memory");
	fill_ballot(s, index, a, b);
	/* The state, chain head and supersession are read under the write
	 * lock: two sessions of one rater cannot fork the chain, and a close
	 * (which reads and seals under the same lock: round_close) either
	 * sealed the round before this transaction, which then casts nothing,
	 * or seals this ballot too. */
	if (session_begin_open(s, index, NULL, err) < 0) {
		rc = -1;
		goto done;
	}
	found = store_chain_head(s->st, s->rater_row, &seq, b->prev_hash, err);
	if (found < 0)
		goto out;
	if (!found)
		ballot_genesis(s->info.round_id, b->rater_pk, b->prev_hash);
	b->seq = seq + 1;
	found = store_task_ballot(s->st, s->rater_row, b->task_position, b->supersedes, err);
	if (found < 0)
		goto out;
	b->has_supersedes = found == 1;
	/* its place in the seal's Merkle tree: ballots are only ever added */
	if (store_ballot_count(s->st, &place, err) < 0)
		goto out;
	if (ballot_encode(b, &bytes, &rec.len, err) < 0)
		goto out;
	if (session_ballot_columns(b, &rec, &scores, err) < 0)
		goto out;
	rec.rater_row = s->rater_row;
	rec.bytes = bytes;
	ballot_hash(bytes, rec.len, rec.hash);
	if (secret_key_sign(s->sk, bytes, rec.len, rec.signature) < 0) {
		session_problem_set(&s->problem, SE_KEY, index, -1, -1);
		err_set(err, "cannot use the rater's key");
		goto out;
	}
	if (store_add_ballot(s->st, &rec, err) < 0 ||
	    store_delete_draft(s->st, s->rater_row, b->task_position, err) < 0 ||
	    store_commit(s->st, err) < 0)
		goto out;
	ballot_receipt(place, rec.hash, receipt);
	session_problem_set(&s->problem, SE_NONE, index, -1, -1);
	s->done[index] = true;
	memcpy(s->receipt[index], receipt, BALLOT_RECEIPT_MAX + 1);
	save_receipt(s, b, receipt);
	rc = 0;
out:
	if (rc < 0)
		store_rollback(s->st);
done:
	free(bytes);
	free(scores);
	free(b);
	return rc;
}
