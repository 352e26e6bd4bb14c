/* store_session — a rater's tasks, drafts and ballots (see store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "simsa/util.h"

int store_rater(struct store *st, const char *name, int64_t *row, enum rater_role *role,
		unsigned char pk[STORE_PK_LEN], struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, "SELECT id, role, public_key FROM rater WHERE name = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*row = sqlite3_column_int64(stmt, 0);
		*role = rater_role_parse((const char *)sqlite3_column_text(stmt, 1));
		if (sqlite3_column_bytes(stmt, 2) == STORE_PK_LEN)
			memcpy(pk, sqlite3_column_blob(stmt, 2), STORE_PK_LEN);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "cannot read the rater");
}

void store_rater_tasks_release(struct session_task_rec *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].prompt_id);
		free(t[i].category);
		free(t[i].prompt);
		free(t[i].system);
		free(t[i].reference);
	}
	free(t);
}

static void copy_id(sqlite3_stmt *stmt, int col, char out[33])
{
	const char *s = (const char *)sqlite3_column_text(stmt, col);

	snprintf(out, 33, "%s", s ? s : "");
}

static void copy_hash(sqlite3_stmt *stmt, int col, unsigned char out[STORE_HASH_LEN])
{
	if (sqlite3_column_bytes(stmt, col) == STORE_HASH_LEN)
		memcpy(out, sqlite3_column_blob(stmt, col), STORE_HASH_LEN);
	else
		memset(out, 0, STORE_HASH_LEN);
}

int store_rater_tasks(struct store *st, int64_t rater_row, struct session_task_rec **out, size_t *n,
		      struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	struct session_task_rec *t = NULL;
	size_t cap = 0;
	bool oom = false;
	int rc;

	*out = NULL;
	*n = 0;
	if (sq_prepare(st,
		       "SELECT t.position, p.ext_id, p.category, p.prompt, p.system, "
		       "p.reference, t.left_output, l.hash, t.right_output, r.hash "
		       "FROM task t JOIN prompt p ON p.id = t.prompt_id "
		       "JOIN blind_output l ON l.id = t.left_output "
		       "JOIN blind_output r ON r.id = t.right_output "
		       "WHERE t.rater_id = ? ORDER BY t.position",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (grow_array((void **)&t, &cap, *n + 1, sizeof *t) < 0) {
			oom = true;
			break;
		}
		struct session_task_rec *r = &t[(*n)++];

		memset(r, 0, sizeof *r);
		r->position = (uint32_t)sqlite3_column_int64(stmt, 0);
		r->prompt_id = sq_dup_col(stmt, 1, &oom);
		r->category = sq_dup_col(stmt, 2, &oom);
		r->prompt = sq_dup_col(stmt, 3, &oom);
		r->system = sq_dup_col(stmt, 4, &oom);
		r->reference = sq_dup_col(stmt, 5, &oom);
		copy_id(stmt, 6, r->output_id[0]);
		copy_hash(stmt, 7, r->output_hash[0]);
		copy_id(stmt, 8, r->output_id[1]);
		copy_hash(stmt, 9, r->output_hash[1]);
	}
	sqlite3_finalize(stmt);
	if (oom || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		store_rater_tasks_release(t, *n);
		*n = 0;
		return oom ? err_set(err, "out of memory")
			   : sq_db_err(st, err, "cannot read tasks");
	}
	*out = t;
	return 0;
}

int store_blind_text(struct store *st, const char *id, char **text, size_t *len,
		     struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	bool oom = false;
	int rc;

	if (sq_prepare(st, "SELECT text FROM blind_output WHERE id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*text = sq_dup_col(stmt, 0, &oom);
		*len = (size_t)sqlite3_column_bytes(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? err_set(err, "no output %s", id)
					 : sq_db_err(st, err, "cannot read the output");
	return oom || !*text ? err_set(err, "out of memory") : 0;
}

int store_put_draft(struct store *st, int64_t rater_row, uint32_t position, const char *json,
		    struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	char now[32];

	time_now_utc(now);
	if (sq_prepare(st,
		       "INSERT OR REPLACE INTO draft (rater_id, position, data, updated_at) "
		       "VALUES (?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	sqlite3_bind_int64(stmt, 2, position);
	sqlite3_bind_text(stmt, 3, json, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, now, -1, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot save the draft", err);
}

int store_rater_has_draft(struct store *st, int64_t rater_row, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, "SELECT 1 FROM draft WHERE rater_id = ? LIMIT 1", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	return sq_step_row(st, stmt, NULL, err);
}

int store_get_draft(struct store *st, int64_t rater_row, uint32_t position, char **json,
		    struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	bool oom = false;
	int rc;

	*json = NULL;
	if (sq_prepare(st, "SELECT data FROM draft WHERE rater_id = ? AND position = ?", &stmt,
		       err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	sqlite3_bind_int64(stmt, 2, position);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*json = sq_dup_col(stmt, 0, &oom);
	sqlite3_finalize(stmt);
	if (oom)
		return err_set(err, "out of memory");
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "cannot read the draft");
}

int store_delete_draft(struct store *st, int64_t rater_row, uint32_t position,
		       struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, "DELETE FROM draft WHERE rater_id = ? AND position = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	sqlite3_bind_int64(stmt, 2, position);
	return sq_step_done(st, stmt, "cannot remove the draft", err);
}

int store_chain_head(struct store *st, int64_t rater_row, uint32_t *seq,
		     unsigned char hash[STORE_HASH_LEN], struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st,
		       "SELECT seq, hash FROM ballot WHERE rater_id = ? ORDER BY seq DESC "
		       "LIMIT 1",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*seq = (uint32_t)sqlite3_column_int64(stmt, 0);
		copy_hash(stmt, 1, hash);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "cannot read the chain");
}

/* The current ballot of a task (rater ?1, position ?2): the one no other
 * ballot supersedes; its last by seq should two be found. */
#define TASK_CURRENT                                                           \
	"FROM ballot b WHERE b.rater_id = ? AND b.task_position = ? "          \
	"AND NOT EXISTS (SELECT 1 FROM ballot s WHERE s.supersedes = b.hash) " \
	"ORDER BY b.seq DESC LIMIT 1"

int store_task_ballot(struct store *st, int64_t rater_row, uint32_t position,
		      unsigned char hash[STORE_HASH_LEN], struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, "SELECT b.hash " TASK_CURRENT, &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	sqlite3_bind_int64(stmt, 2, position);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		copy_hash(stmt, 0, hash);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "cannot read the task's ballot");
}

/* 1 when the ballots' ids are exactly 1..n, 0 when not, -1 on error. */
static int ids_dense(struct store *st, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc, dense = 0;

	if (sq_prepare(st, "SELECT count(*), min(id), max(id) FROM ballot", &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		dense = sqlite3_column_int64(stmt, 0) == 0 ||
			(sqlite3_column_int64(stmt, 1) == 1 &&
			 sqlite3_column_int64(stmt, 2) == sqlite3_column_int64(stmt, 0));
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? dense : sq_db_err(st, err, "cannot count the ballots");
}

int store_each_counted(struct store *st, int64_t rater_row,
		       void (*fn)(void *ctx, uint32_t position, uint32_t place,
				  const unsigned char hash[32]),
		       void *ctx, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	/* a ballot's place: the ballots before it in cast order (by id), as
	 * close builds the Merkle tree. Ids 1..n (never a gap: ballots are
	 * only appended) make it id - 1 without reading the table; otherwise
	 * one pass over it counts. */
	int dense = ids_dense(st, err);

	if (dense < 0)
		return -1;
	if (sq_prepare(
		    st,
		    dense ? "SELECT b.task_position, b.id - 1, b.hash FROM ballot b "
			    "WHERE b.rater_id = ? "
			    "AND NOT EXISTS (SELECT 1 FROM ballot s WHERE s.supersedes = b.hash) "
			    "ORDER BY b.seq"
			  : "SELECT b.task_position, b.place, b.hash FROM (SELECT id, rater_id, "
			    "task_position, hash, seq, row_number() OVER (ORDER BY id) - 1 AS "
			    "place FROM ballot) b WHERE b.rater_id = ? "
			    "AND NOT EXISTS (SELECT 1 FROM ballot s WHERE s.supersedes = b.hash) "
			    "ORDER BY b.seq",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		unsigned char h[STORE_HASH_LEN];

		copy_hash(stmt, 2, h);
		fn(ctx, (uint32_t)sqlite3_column_int64(stmt, 0),
		   (uint32_t)sqlite3_column_int64(stmt, 1), h);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the rater's ballots");
	return 0;
}

int store_task_latest(struct store *st, int64_t rater_row, uint32_t position,
		      struct store_latest *out, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof *out);
	if (sq_prepare(st,
		       "SELECT b.hash, (SELECT count(*) FROM ballot x WHERE x.id < b.id), "
		       "b.cast_at " TASK_CURRENT,
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	sqlite3_bind_int64(stmt, 2, position);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(stmt, 2);

		copy_hash(stmt, 0, out->hash);
		out->place = (uint32_t)sqlite3_column_int64(stmt, 1);
		snprintf(out->cast_at, sizeof out->cast_at, "%s", t ? (const char *)t : "");
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "cannot read the task's ballot");
}

int store_ballot_count(struct store *st, uint32_t *count, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, "SELECT count(*) FROM ballot", &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = (uint32_t)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : sq_db_err(st, err, "cannot count the ballots");
}

/* NULL pointers and negative numbers are SQL NULL. */
static void bind_int(sqlite3_stmt *stmt, int col, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(stmt, col, v);
}

int store_add_ballot(struct store *st, const struct ballot_rec *r, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT INTO ballot (hash, rater_id, seq, task_position, supersedes, "
		       "bytes, signature, kind, left_hash, right_hash, preference, satisfaction, "
		       "scores, flags_left, flags_right, comment_left, comment_right, reason, "
		       "active_seconds, cast_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		       "?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_blob(stmt, 1, r->hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, r->rater_row);
	sqlite3_bind_int64(stmt, 3, r->seq);
	sqlite3_bind_int64(stmt, 4, r->task_position);
	if (r->supersedes)
		sqlite3_bind_blob(stmt, 5, r->supersedes, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 6, r->bytes, (int)r->len, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 7, r->signature, STORE_SIG_LEN, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 9, r->left_hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 10, r->right_hash, STORE_HASH_LEN, SQLITE_STATIC);
	bind_int(stmt, 11, r->preference);
	bind_int(stmt, 12, r->satisfaction);
	sqlite3_bind_text(stmt, 13, r->scores, -1, SQLITE_STATIC);
	bind_int(stmt, 14, r->flags_left);
	bind_int(stmt, 15, r->flags_right);
	sqlite3_bind_text(stmt, 16, r->comment_left, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 17, r->comment_right, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 18, r->reason, -1, SQLITE_STATIC);
	bind_int(stmt, 19, r->active_seconds);
	sqlite3_bind_text(stmt, 20, r->cast_at, -1, SQLITE_STATIC);
	return sq_step_done(st, stmt, "cannot store the ballot", err);
}
