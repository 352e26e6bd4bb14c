/* store_round — keys, raters, the loaded inputs and the opening (see store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "simsa/util.h"

/* clang-format off */
static const char *const role_names[] = {
	[ROLE_NONE] = "", [ROLE_EXPERT] = "expert", [ROLE_USER] = "user", [ROLE_AUDITOR] = "auditor",
};
/* clang-format on */

const char *rater_role_name(enum rater_role r)
{
	return r <= ROLE_AUDITOR ? role_names[r] : "";
}

enum rater_role rater_role_parse(const char *s)
{
	for (int r = ROLE_EXPERT; r <= ROLE_AUDITOR; r++)
		if (s && strcmp(s, role_names[r]) == 0)
			return (enum rater_role)r;
	return ROLE_NONE;
}

int store_set_organizer(struct store *st, const unsigned char pk[STORE_PK_LEN],
			struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, "INSERT INTO organizer (one, public_key) VALUES (1, ?)", &stmt, err) < 0)
		return -1;
	sqlite3_bind_blob(stmt, 1, pk, STORE_PK_LEN, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot store the organizer key", err);
}

static void copy_blob(sqlite3_stmt *stmt, int i, unsigned char *dst, size_t n)
{
	const void *b = sqlite3_column_blob(stmt, i);

	if (b && (size_t)sqlite3_column_bytes(stmt, i) == n)
		memcpy(dst, b, n);
	else
		memset(dst, 0, n);
}

int store_get_organizer(struct store *st, unsigned char pk[STORE_PK_LEN], struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, "SELECT public_key FROM organizer", &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		copy_blob(stmt, 0, pk, STORE_PK_LEN);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "cannot read the organizer key");
}

int store_add_rater(struct store *st, const struct rater_rec *r, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT INTO rater (name, role, public_key, categories, late, "
		       "enrolled_at, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, r->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, rater_role_name(r->role), -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 3, r->public_key, STORE_PK_LEN, SQLITE_TRANSIENT);
	sq_bind_opt(stmt, 4, r->categories_json);
	sqlite3_bind_int(stmt, 5, r->late);
	sqlite3_bind_text(stmt, 6, r->enrolled_at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 7, r->signature, STORE_SIG_LEN, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot enrol the rater", err);
}

int store_find_rater(struct store *st, const char *name, int64_t *row, struct simsa_err *err)
{
	return sq_find_row(st, "SELECT id FROM rater WHERE name = ?", name, row, err);
}

/* ---- loading the inputs ---- */

/* Runs sql and calls row() for each result row into a growing array of
 * elements of size elem. */
int sq_load_rows(struct store *st, const char *sql, size_t elem, void **arr, size_t *n,
		 int (*row)(sqlite3_stmt *stmt, void *dst, void *ctx), void *ctx,
		 struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	*arr = NULL;
	*n = 0;
	if (sq_prepare(st, sql, &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (grow_array(arr, &cap, *n + 1, elem) < 0) {
			sqlite3_finalize(stmt);
			return err_set(err, "out of memory");
		}
		memset((char *)*arr + *n * elem, 0, elem);
		(*n)++;
		if (row(stmt, (char *)*arr + (*n - 1) * elem, ctx) < 0) {
			sqlite3_finalize(stmt);
			return err_set(err, "out of memory");
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot load the round's inputs");
	return 0;
}

static int row_rubric(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	struct in_rubric *r = dst;
	bool oom = false;

	r->component = sq_dup_col(stmt, 0, &oom);
	r->text = sq_dup_col(stmt, 1, &oom);
	r->len = (size_t)sqlite3_column_bytes(stmt, 1);
	copy_blob(stmt, 2, r->hash, STORE_HASH_LEN);
	r->instructions[0] = sq_dup_col(stmt, 3, &oom);
	r->instructions[1] = sq_dup_col(stmt, 4, &oom);
	return oom ? -1 : 0;
}

static int row_entrant(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	struct in_entrant *e = dst;
	bool oom = false;

	e->row = sqlite3_column_int64(stmt, 0);
	e->name = sq_dup_col(stmt, 1, &oom);
	e->team = sq_dup_col(stmt, 2, &oom);
	e->model = sq_dup_col(stmt, 3, &oom);
	e->aliases_json = sq_dup_col(stmt, 4, &oom);
	return oom ? -1 : 0;
}

static int row_prompt(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	struct in_prompt *p = dst;
	bool oom = false;

	p->row = sqlite3_column_int64(stmt, 0);
	p->id = sq_dup_col(stmt, 1, &oom);
	p->category = sq_dup_col(stmt, 2, &oom);
	p->prompt = sq_dup_col(stmt, 3, &oom);
	p->system = sq_dup_col(stmt, 4, &oom);
	p->reference = sq_dup_col(stmt, 5, &oom);
	return oom ? -1 : 0;
}

/* Outputs are loaded with prompt and entrant row ids, turned into indices
 * by rows_to_indices(). */
static int row_output(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	struct in_output *o = dst;

	o->row = sqlite3_column_int64(stmt, 0);
	o->prompt_row_tmp = sqlite3_column_int64(stmt, 1);
	o->entrant_row_tmp = sqlite3_column_int64(stmt, 2);
	copy_blob(stmt, 3, o->hash, STORE_HASH_LEN);
	return 0;
}

/* Index of row in an array of n elements of size elem whose first member
 * is an int64_t row id, sorted ascending; -1 if absent. */
static long index_of(const void *arr, size_t n, size_t elem, int64_t row)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t r = *(const int64_t *)((const char *)arr + mid * elem);

		if (r == row)
			return (long)mid;
		if (r < row)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

long inputs_entrant(const struct round_inputs *in, int64_t row)
{
	return index_of(in->entrants, in->n_entrants, sizeof *in->entrants, row);
}

long inputs_prompt(const struct round_inputs *in, int64_t row)
{
	return index_of(in->prompts, in->n_prompts, sizeof *in->prompts, row);
}

long inputs_rater(const struct round_inputs *in, int64_t row)
{
	return index_of(in->raters, in->n_raters, sizeof *in->raters, row);
}

static int rows_to_indices(struct round_inputs *in, struct simsa_err *err)
{
	for (size_t i = 0; i < in->n_outputs; i++) {
		struct in_output *o = &in->outputs[i];
		long p = index_of(in->prompts, in->n_prompts, sizeof *in->prompts,
				  o->prompt_row_tmp);
		long e = index_of(in->entrants, in->n_entrants, sizeof *in->entrants,
				  o->entrant_row_tmp);

		if (p < 0 || e < 0)
			return err_set(err, "output %lld refers to a missing prompt or entrant",
				       (long long)o->row);
		o->prompt = (uint32_t)p;
		o->entrant = (uint32_t)e;
	}
	return 0;
}

static int row_gold(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	struct in_gold *g = dst;
	const struct round_inputs *in = ctx;
	long p = index_of(in->prompts, in->n_prompts, sizeof *in->prompts,
			  sqlite3_column_int64(stmt, 2));
	long b = index_of(in->entrants, in->n_entrants, sizeof *in->entrants,
			  sqlite3_column_int64(stmt, 3));
	long w = index_of(in->entrants, in->n_entrants, sizeof *in->entrants,
			  sqlite3_column_int64(stmt, 4));

	g->known = strcmp((const char *)sqlite3_column_text(stmt, 0), "known") == 0;
	g->role = rater_role_parse((const char *)sqlite3_column_text(stmt, 1));
	g->prompt = p < 0 ? 0 : (uint32_t)p;
	g->better = b < 0 ? 0 : (uint32_t)b;
	g->worse = w < 0 ? 0 : (uint32_t)w;
	g->dangling = g->known && (p < 0 || b < 0 || w < 0);
	return 0;
}

int sq_row_practice(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	struct in_practice *p = dst;
	bool oom = false;

	(void)ctx;
	p->id = sq_dup_col(stmt, 0, &oom);
	p->role = rater_role_parse((const char *)sqlite3_column_text(stmt, 1));
	p->required = sqlite3_column_int64(stmt, 2) != 0;
	p->prompt = sq_dup_col(stmt, 3, &oom);
	p->answer[0] = sq_dup_col(stmt, 4, &oom);
	p->answer[1] = sq_dup_col(stmt, 5, &oom);
	p->reference = sq_dup_col(stmt, 6, &oom);
	p->note[0] = sq_dup_col(stmt, 7, &oom);
	p->note[1] = sq_dup_col(stmt, 8, &oom);
	return oom ? -1 : 0;
}

void sq_practice_free(struct in_practice *p)
{
	free(p->id);
	free(p->prompt);
	free(p->answer[0]);
	free(p->answer[1]);
	free(p->reference);
	free(p->note[0]);
	free(p->note[1]);
}

static int row_rater(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	struct in_rater *r = dst;
	bool oom = false;
	const char *role = (const char *)sqlite3_column_text(stmt, 2);

	r->row = sqlite3_column_int64(stmt, 0);
	r->name = sq_dup_col(stmt, 1, &oom);
	r->role = rater_role_parse(role);
	copy_blob(stmt, 3, r->public_key, STORE_PK_LEN);
	r->categories_json = sq_dup_col(stmt, 4, &oom);
	r->late = sqlite3_column_int(stmt, 5) != 0;
	r->enrolled_at = sq_dup_col(stmt, 6, &oom);
	copy_blob(stmt, 7, r->signature, STORE_SIG_LEN);
	r->untyped = sqlite3_column_int(stmt, 8) != 0;
	return oom ? -1 : 0;
}

int store_load_inputs(struct store *st, struct round_inputs *in, struct simsa_err *err)
{
	void *arr;
	int found, rc;

	memset(in, 0, sizeof *in);
	if (store_round_info(st, &in->info, err) < 0)
		return -1;
	found = store_get_organizer(st, in->organizer_pk, err);
	if (found < 0)
		return -1;
	in->has_organizer = found == 1;
	rc = sq_load_rows(
		st,
		"SELECT component, text, hash, instructions_ko, instructions_en FROM rubric "
		"ORDER BY component",
		sizeof *in->rubrics, &arr, &in->n_rubrics, row_rubric, NULL, err);
	/* rows loaded before a failure are in's to free */
	in->rubrics = arr;
	if (rc < 0)
		goto fail;
	rc = sq_load_rows(st, "SELECT id, name, team, model, aliases FROM entrant ORDER BY id",
			  sizeof *in->entrants, &arr, &in->n_entrants, row_entrant, NULL, err);
	in->entrants = arr;
	if (rc < 0)
		goto fail;
	rc = sq_load_rows(st,
			  "SELECT id, ext_id, category, prompt, system, reference FROM prompt "
			  "ORDER BY id",
			  sizeof *in->prompts, &arr, &in->n_prompts, row_prompt, NULL, err);
	in->prompts = arr;
	if (rc < 0)
		goto fail;
	rc = sq_load_rows(st,
			  "SELECT id, prompt_id, entrant_id, hash FROM output "
			  "ORDER BY prompt_id, entrant_id",
			  sizeof *in->outputs, &arr, &in->n_outputs, row_output, NULL, err);
	in->outputs = arr;
	if (rc < 0)
		goto fail;
	if (rows_to_indices(in, err) < 0)
		goto fail;
	rc = sq_load_rows(
		st,
		"SELECT id, name, role, public_key, categories, late, enrolled_at, "
		"signature, " SQ_UNTYPED_TEXT("name") " OR " SQ_UNTYPED_TEXT(
			"categories") " OR " SQ_UNTYPED_TEXT("enrolled_at") " FROM rater ORDER BY id",
		sizeof *in->raters, &arr, &in->n_raters, row_rater, NULL, err);
	in->raters = arr;
	if (rc < 0)
		goto fail;
	rc = sq_load_rows(st,
			  "SELECT kind, role, prompt_id, better_id, worse_id FROM gold ORDER BY id",
			  sizeof *in->gold, &arr, &in->n_gold, row_gold, in, err);
	in->gold = arr;
	if (rc < 0)
		goto fail;
	rc = sq_load_rows(st, "SELECT " PRACTICE_COLS " FROM practice ORDER BY id",
			  sizeof *in->practice, &arr, &in->n_practice, sq_row_practice, NULL, err);
	in->practice = arr;
	if (rc < 0)
		goto fail;
	return 0;
fail:
	round_inputs_release(in);
	return -1;
}

void round_inputs_release(struct round_inputs *in)
{
	for (size_t i = 0; i < in->n_rubrics; i++) {
		free(in->rubrics[i].component);
		free(in->rubrics[i].text);
		free(in->rubrics[i].instructions[0]);
		free(in->rubrics[i].instructions[1]);
	}
	for (size_t i = 0; i < in->n_entrants; i++) {
		free(in->entrants[i].name);
		free(in->entrants[i].team);
		free(in->entrants[i].model);
		free(in->entrants[i].aliases_json);
	}
	for (size_t i = 0; i < in->n_prompts; i++) {
		free(in->prompts[i].id);
		free(in->prompts[i].category);
		free(in->prompts[i].prompt);
		free(in->prompts[i].system);
		free(in->prompts[i].reference);
	}
	for (size_t i = 0; i < in->n_raters; i++) {
		free(in->raters[i].name);
		free(in->raters[i].categories_json);
		free(in->raters[i].enrolled_at);
	}
	free(in->rubrics);
	free(in->entrants);
	free(in->prompts);
	free(in->outputs);
	free(in->raters);
	for (size_t i = 0; i < in->n_practice; i++)
		sq_practice_free(&in->practice[i]);
	free(in->gold);
	free(in->practice);
	memset(in, 0, sizeof *in);
}

int store_each_output_text(struct store *st,
			   int (*fn)(void *ctx, int64_t row, int64_t prompt_row,
				     int64_t entrant_row, const char *text, size_t len),
			   void *ctx, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st,
		       "SELECT id, prompt_id, entrant_id, text FROM output "
		       "ORDER BY prompt_id, entrant_id",
		       &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
		       sqlite3_column_int64(stmt, 2), (const char *)sqlite3_column_text(stmt, 3),
		       (size_t)sqlite3_column_bytes(stmt, 3)))
			break;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the outputs");
	return 0;
}

/* ---- opening ---- */

static int insert_blind(struct store *st, const struct blind_rec *blind, size_t n,
			struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT INTO blind_output (id, prompt_id, text, hash) "
		       "SELECT ?, prompt_id, text, hash FROM output WHERE id = ?",
		       &stmt, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(stmt, 1, blind[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, blind[i].output_row);
		if (sqlite3_step(stmt) != SQLITE_DONE || sqlite3_changes(st->db) != 1) {
			sqlite3_finalize(stmt);
			return sq_db_err(st, err, "cannot store a blinded output");
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return 0;
}

int store_add_tasks(struct store *st, const struct task_rec *t, size_t n, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT INTO task (rater_id, position, prompt_id, left_output, "
		       "right_output, kind, replica) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(stmt, 1, t[i].rater_row);
		sqlite3_bind_int64(stmt, 2, t[i].position);
		sqlite3_bind_int64(stmt, 3, t[i].prompt_row);
		sqlite3_bind_text(stmt, 4, t[i].left, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 5, t[i].right, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 6, t[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 7, t[i].replica);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			sqlite3_finalize(stmt);
			return sq_db_err(st, err, "cannot store a task");
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return 0;
}

static int insert_opening(struct store *st, const struct opening_rec *op, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(
		    st,
		    "INSERT INTO opening (one, manifest_hash, seed_commitment, "
		    "assignment_hash, opened_at, signature, sealed) VALUES (1, ?, ?, ?, ?, ?, ?)",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_blob(stmt, 1, op->manifest_hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 2, op->seed_commitment, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 3, op->assignment_hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, op->opened_at, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 5, op->signature, STORE_SIG_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 6, op->sealed, (int)op->sealed_len, SQLITE_STATIC);
	return sq_step_done(st, stmt, "cannot store the opening", err);
}

#define TEXT_OF(x) #x
#define TEXT_OF_VALUE(x) TEXT_OF(x)
#define SCHEMA_VERSION_TEXT TEXT_OF_VALUE(STORE_SCHEMA_VERSION)

int store_open_round(struct store *st, const struct blind_rec *blind, size_t n_blind,
		     const struct task_rec *tasks, size_t n_tasks, const struct opening_rec *op,
		     struct simsa_err *err)
{
	long left;

	/* The WAL must be emptied after the rewrite below, or frames written
	 * before open (the import log, the outputs with their entrants) stay
	 * in it; a program that holds a read transaction would keep it. Refuse
	 * while one does, before anything is changed: a frame that changes
	 * nothing (the schema cookie page, rewritten as it is) must reach the
	 * file and the WAL be emptied, which waits for every reader. */
	if (sq_exec(st, "PRAGMA user_version = " SCHEMA_VERSION_TEXT, err) < 0)
		return -1;
	if (sq_pragma_int(st, "PRAGMA wal_checkpoint(TRUNCATE)") != 0)
		return err_set(err,
			       "%s: another program is reading the round (its WAL cannot be "
			       "emptied); nothing was opened: stop it and open again",
			       st->path);
	/* secure_delete zeroes what the DELETEs below remove */
	if (sq_exec(st, "PRAGMA secure_delete = ON", err) < 0 || store_begin(st, err) < 0)
		return -1;
	if (store_require_draft(st, err) < 0 || insert_blind(st, blind, n_blind, err) < 0 ||
	    store_add_tasks(st, tasks, n_tasks, err) < 0 || insert_opening(st, op, err) < 0)
		goto fail;
	left = sq_pragma_int(st, "SELECT count(*) FROM output") - (long)n_blind;
	if (left != 0) {
		err_set(err, "%s: %ld outputs would be left without a blinded copy", st->path,
			left);
		goto fail;
	}
	if (sq_exec(st,
		    "DELETE FROM output; DELETE FROM screen_decision; DELETE FROM screen_word; "
		    "DELETE FROM generation; DELETE FROM import_log; "
		    "UPDATE rubric SET source = ''; "
		    "UPDATE entrant SET endpoint = NULL, api_key_env = NULL, params = NULL, "
		    "system = NULL; "
		    "UPDATE round SET state = 'open'",
		    err) < 0 ||
	    store_commit(st, err) < 0)
		goto fail;
	/* Rewrite the file so no freed page keeps a removed row, then empty
	 * the WAL that carried the rewrite. */
	if (sq_exec(st, "VACUUM", err) < 0)
		return err_prefix(err, "the round is open, but its file could not be compacted "
				       "(run `sqlite3 ROUND.db VACUUM`)");
	if (sq_pragma_int(st, "PRAGMA wal_checkpoint(TRUNCATE)") != 0)
		return err_set(err,
			       "%s: the round is open, but another program began reading it "
			       "and its WAL still holds removed bytes: stop it and run "
			       "`sqlite3 ROUND.db 'PRAGMA wal_checkpoint(TRUNCATE)'`",
			       st->path);
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int store_each_rater(struct store *st, int (*fn)(void *ctx, const struct rater_progress *p),
		     void *ctx, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(
		    st,
		    "SELECT r.name, r.role, r.late, "
		    "(SELECT count(*) FROM task t WHERE t.rater_id = r.id), "
		    "(SELECT count(DISTINCT b.task_position) FROM ballot b WHERE b.rater_id = r.id), "
		    "(SELECT count(*) FROM ballot b WHERE b.rater_id = r.id), "
		    "(SELECT count(*) FROM draft d WHERE d.rater_id = r.id), "
		    "EXISTS (SELECT 1 FROM station_key k WHERE k.rater_id = r.id) "
		    "FROM rater r ORDER BY r.id",
		    &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct rater_progress p = {
			(const char *)sqlite3_column_text(stmt, 0),
			(const char *)sqlite3_column_text(stmt, 1),
			sqlite3_column_int(stmt, 2) != 0,
			(long)sqlite3_column_int64(stmt, 3),
			(long)sqlite3_column_int64(stmt, 4),
			(long)sqlite3_column_int64(stmt, 5),
			(long)sqlite3_column_int64(stmt, 6),
			sqlite3_column_int(stmt, 7) != 0,
		};

		if (fn(ctx, &p))
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "list raters");
	return 0;
}

int store_get_opening(struct store *st, struct opening_rec *op, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(op, 0, sizeof *op);
	if (sq_prepare(st,
		       "SELECT manifest_hash, seed_commitment, assignment_hash, opened_at, "
		       "signature, " SQ_UNTYPED_TEXT("opened_at") " FROM opening",
		       &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *at = (const char *)sqlite3_column_text(stmt, 3);

		copy_blob(stmt, 0, op->manifest_hash, STORE_HASH_LEN);
		copy_blob(stmt, 1, op->seed_commitment, STORE_HASH_LEN);
		copy_blob(stmt, 2, op->assignment_hash, STORE_HASH_LEN);
		snprintf(op->opened_at, sizeof op->opened_at, "%s", at ? at : "");
		copy_blob(stmt, 4, op->signature, STORE_SIG_LEN);
		op->untyped = sqlite3_column_int(stmt, 5) != 0;
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "cannot read the opening");
}

/* A task is done when its rater has a ballot for it. */
#define TASK_DONE                                                           \
	"EXISTS (SELECT 1 FROM ballot b WHERE b.rater_id = t.rater_id AND " \
	"b.task_position = t.position)"

int store_slot_progress(struct store *st, enum rater_role role, struct slot_progress *p,
			struct simsa_err *err)
{
	/* users: a slot is (prompt, pair of outputs); experts: one output */
	static const char *const sql[2] = {
		"SELECT count(*), sum(done = n), sum(done > 0 AND done < n) FROM ("
		" SELECT count(*) n, sum(" TASK_DONE ") done FROM task t JOIN rater r ON "
		" r.id = t.rater_id WHERE r.role = 'user' GROUP BY t.prompt_id, "
		" min(t.left_output, t.right_output), max(t.left_output, t.right_output))",
		"SELECT count(*), sum(done = n), sum(done > 0 AND done < n) FROM ("
		" SELECT count(*) n, sum(done) done FROM ("
		"  SELECT t.left_output o, " TASK_DONE " done FROM task t JOIN rater r ON "
		"  r.id = t.rater_id WHERE r.role = 'expert' UNION ALL "
		"  SELECT t.right_output o, " TASK_DONE " done FROM task t JOIN rater r ON "
		"  r.id = t.rater_id WHERE r.role = 'expert') GROUP BY o)",
	};
	sqlite3_stmt *stmt;
	int rc;

	memset(p, 0, sizeof *p);
	if (sq_prepare(st, sql[role == ROLE_EXPERT], &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		p->total = (long)sqlite3_column_int64(stmt, 0);
		p->complete = (long)sqlite3_column_int64(stmt, 1);
		p->partial = (long)sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return sq_db_err(st, err, "cannot count progress");
	return 0;
}

int store_add_gold(struct store *st, const struct gold_rec *g, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT INTO gold (kind, role, prompt_id, better_id, worse_id) "
		       "VALUES (?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, g->known ? "known" : "repeat", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, rater_role_name(g->role), -1, SQLITE_STATIC);
	if (g->known) {
		sqlite3_bind_int64(stmt, 3, g->prompt_row);
		sqlite3_bind_int64(stmt, 4, g->better_row);
		sqlite3_bind_int64(stmt, 5, g->worse_row);
	}
	return sq_step_done(st, stmt, "cannot add the gold item", err);
}
