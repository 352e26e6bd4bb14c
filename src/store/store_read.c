/* store_read — reading a round for verifying, scoring and export, and closing (store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simsa/store_read.h"
#include "store_internal.h"

static const unsigned char *blob_of(sqlite3_stmt *stmt, int col, int want)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return NULL;
	if (want && sqlite3_column_bytes(stmt, col) != want)
		return NULL;
	return sqlite3_column_blob(stmt, col);
}

/* A ballot's optional number column: -1 when NULL, -2 when it is not a
 * non-negative integer. */
static int64_t opt_count(sqlite3_stmt *stmt, int col)
{
	switch (sqlite3_column_type(stmt, col)) {
	case SQLITE_NULL: return -1;
	case SQLITE_INTEGER:
		return sqlite3_column_int64(stmt, col) >= 0 ? sqlite3_column_int64(stmt, col) : -2;
	default: return -2;
	}
}

/* Whether column col is an integer in [0, max]. */
static bool int_in(sqlite3_stmt *stmt, int col, int64_t max)
{
	return sqlite3_column_type(stmt, col) == SQLITE_INTEGER &&
	       sqlite3_column_int64(stmt, col) >= 0 && sqlite3_column_int64(stmt, col) <= max;
}

/* Whether column col is NULL or text without a NUL byte. */
static bool text_whole(sqlite3_stmt *stmt, int col)
{
	const char *s;

	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return true;
	if (sqlite3_column_type(stmt, col) != SQLITE_TEXT)
		return false;
	s = (const char *)sqlite3_column_text(stmt, col);
	return s && strlen(s) == (size_t)sqlite3_column_bytes(stmt, col);
}

int store_each_ballot(struct store *st, int (*fn)(void *ctx, const struct ballot_row *b), void *ctx,
		      struct simsa_err *err)
{
	static const unsigned char none[32];
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st,
		       "SELECT id, rater_id, seq, task_position, hash, supersedes, bytes, "
		       "signature, kind, left_hash, right_hash, preference, satisfaction, scores, "
		       "flags_left, flags_right, comment_left, comment_right, reason, cast_at, "
		       "active_seconds FROM ballot ORDER BY id",
		       &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct ballot_row b;
		const unsigned char *h = blob_of(stmt, 4, 32);

		/* types first: reading a value as text or a number converts it */
		static const struct {
			int col;
			unsigned bit;
		} texts[] = {
			{ 8, BALLOT_COL_KIND },          { 13, BALLOT_COL_SCORES },
			{ 16, BALLOT_COL_COMMENT_LEFT }, { 17, BALLOT_COL_COMMENT_RIGHT },
			{ 18, BALLOT_COL_REASON },       { 19, BALLOT_COL_CAST_AT },
		};
		b.untyped = (int_in(stmt, 1, INT64_MAX) ? 0 : BALLOT_COL_RATER) |
			    (int_in(stmt, 2, UINT32_MAX) ? 0 : BALLOT_COL_SEQ) |
			    (int_in(stmt, 3, UINT32_MAX) ? 0 : BALLOT_COL_POSITION);
		for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
			if (!text_whole(stmt, texts[k].col))
				b.untyped |= texts[k].bit;
		b.malformed = b.untyped != 0;
		b.preference = opt_count(stmt, 11);
		b.satisfaction = opt_count(stmt, 12);
		b.flags_left = opt_count(stmt, 14);
		b.flags_right = opt_count(stmt, 15);
		b.active_seconds = opt_count(stmt, 20);

		b.id = sqlite3_column_int64(stmt, 0);
		b.rater_row = sqlite3_column_int64(stmt, 1);
		b.seq = (uint32_t)sqlite3_column_int64(stmt, 2);
		b.task_position = (uint32_t)sqlite3_column_int64(stmt, 3);
		b.hash = h ? h : none;
		b.supersedes = blob_of(stmt, 5, 32);
		b.bad_supersedes = !b.supersedes && sqlite3_column_type(stmt, 5) != SQLITE_NULL;
		b.bytes = sqlite3_column_blob(stmt, 6);
		b.len = (size_t)sqlite3_column_bytes(stmt, 6);
		b.signature = blob_of(stmt, 7, 64);
		b.kind = (const char *)sqlite3_column_text(stmt, 8);
		b.left_hash = blob_of(stmt, 9, 32);
		b.right_hash = blob_of(stmt, 10, 32);
		b.scores = (const char *)sqlite3_column_text(stmt, 13);
		b.comment_left = (const char *)sqlite3_column_text(stmt, 16);
		b.comment_right = (const char *)sqlite3_column_text(stmt, 17);
		b.reason = (const char *)sqlite3_column_text(stmt, 18);
		b.cast_at = (const char *)sqlite3_column_text(stmt, 19);
		if (fn(ctx, &b))
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the ballots");
	return 0;
}

int store_each_task(struct store *st, int (*fn)(void *ctx, const struct task_row *t), void *ctx,
		    struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st,
		       "SELECT rater_id, position, prompt_id, left_output, right_output, kind, "
		       "replica FROM task ORDER BY rater_id, position",
		       &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		/* types first: reading a value as text or a number converts it */
		bool bad_key = !int_in(stmt, 0, INT64_MAX) || !int_in(stmt, 1, UINT32_MAX);
		bool malformed = !int_in(stmt, 2, INT64_MAX) || !int_in(stmt, 6, UINT32_MAX);
		bool bad_left = !text_whole(stmt, 3), bad_right = !text_whole(stmt, 4);
		struct task_row t = {
			sqlite3_column_int64(stmt, 0),
			(uint32_t)sqlite3_column_int64(stmt, 1),
			sqlite3_column_int64(stmt, 2),
			(const char *)sqlite3_column_text(stmt, 3),
			(const char *)sqlite3_column_text(stmt, 4),
			(const char *)sqlite3_column_text(stmt, 5),
			(uint32_t)sqlite3_column_int64(stmt, 6),
			bad_key,
			malformed,
			!int_in(stmt, 2, INT64_MAX),
			{ bad_left, bad_right },
		};

		if (fn(ctx, &t))
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the tasks");
	return 0;
}

int store_each_blind(struct store *st,
		     int (*fn)(void *ctx, const char *id, int64_t prompt_row, const char *text,
			       size_t len, const unsigned char hash[STORE_HASH_LEN], bool id_whole),
		     void *ctx, struct simsa_err *err)
{
	static const unsigned char none[32];
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, "SELECT id, prompt_id, text, hash FROM blind_output ORDER BY id", &stmt,
		       err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *h = blob_of(stmt, 3, 32);
		const char *text = (const char *)sqlite3_column_text(stmt, 2);

		bool id_whole = text_whole(stmt, 0); /* before reading it as text */

		if (fn(ctx, (const char *)sqlite3_column_text(stmt, 0),
		       sqlite3_column_int64(stmt, 1), text ? text : "",
		       (size_t)sqlite3_column_bytes(stmt, 2), h ? h : none, id_whole))
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the outputs");
	return 0;
}

int store_get_sealed(struct store *st, unsigned char **blob, size_t *len, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*blob = NULL;
	if (sq_prepare(st, "SELECT sealed FROM opening", &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(stmt, 0);
		*blob = malloc(*len + 1);
		if (*blob && *len) /* an empty blob comes back as NULL */
			memcpy(*blob, sqlite3_column_blob(stmt, 0), *len);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? err_set(err, "the round is not open")
					 : sq_db_err(st, err, "cannot read the opening");
	return *blob ? 0 : err_set(err, "out of memory");
}

long store_task_ids_out_of_order(struct store *st, struct simsa_err *err)
{
	long n = sq_pragma_int(st, "SELECT count(*) FROM (SELECT id, lag(id) OVER "
				   "(ORDER BY rater_id, position) AS prev FROM task) "
				   "WHERE prev >= id");

	if (n < 0)
		sq_db_err(st, err, "cannot read the tasks");
	return n;
}

long store_untyped(struct store *st, const char *table, const char *column, char type,
		   struct simsa_err *err)
{
	char sql[256];
	long n;

	if (type == 'i')
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM %s WHERE %s IS NOT NULL AND typeof(%s) <> 'integer'",
			 table, column, column);
	else if (type == 'h')
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM %s WHERE length(CAST(%s AS BLOB)) IS NOT 32", table,
			 column);

	else
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM %s WHERE %s IS NOT NULL AND (typeof(%s) <> 'text' "
			 "OR instr(CAST(%s AS BLOB), x'00') > 0)",
			 table, column, column, column);
	n = sq_pragma_int(st, sql);
	if (n < 0)
		sq_db_err(st, err, "cannot read the round");
	return n;
}

int store_leftovers(struct store *st, struct store_leftovers *lo, struct simsa_err *err)
{
	static const char *const sql[] = {
		"SELECT count(*) FROM output",
		"SELECT count(*) FROM generation",
		"SELECT count(*) FROM screen_decision",
		"SELECT count(*) FROM screen_word",
		"SELECT count(*) FROM import_log",
		"SELECT count(*) FROM rubric WHERE source IS NOT ''",
		("SELECT count(*) FROM entrant WHERE endpoint IS NOT NULL OR api_key_env IS NOT NULL "
		 "OR params IS NOT NULL OR system IS NOT NULL"),
		"SELECT count(*) FROM draft",
	};
	long *out[] = { &lo->outputs, &lo->generations,    &lo->screen_decisions, &lo->screen_words,
			&lo->imports, &lo->rubric_sources, &lo->entrant_settings, &lo->drafts };

	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		*out[i] = sq_pragma_int(st, sql[i]);
		if (*out[i] < 0)
			return sq_db_err(st, err, "cannot count what open and close remove");
	}
	return 0;
}

long store_draft_count(struct store *st, struct simsa_err *err)
{
	long n = sq_pragma_int(st, "SELECT count(*) FROM draft");

	if (n < 0)
		sq_db_err(st, err, "cannot count drafts");
	return n;
}

int store_close_round(struct store *st, const struct closing_rec *c,
		      const struct reveal_rec *reveal, size_t n_reveal,
		      const struct head_rec *heads, size_t n_heads, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (!st->in_tx)
		return err_set(err, "%s: closing needs the write lock (store_begin) first",
			       st->path);
	if (sq_prepare(st,
		       "INSERT INTO closing (one, seed, salt, ballot_count, merkle_root, "
		       "closed_at, signature) VALUES (1, ?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_blob(stmt, 1, c->seed, 32, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 2, c->salt, 32, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, c->ballot_count);
	sqlite3_bind_blob(stmt, 4, c->merkle_root, 32, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, c->closed_at, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 6, c->signature, STORE_SIG_LEN, SQLITE_STATIC);
	if (sq_step_done(st, stmt, "cannot store the seal", err) < 0)
		return -1;
	if (sq_prepare(st, "INSERT INTO reveal (output_id, entrant_id) VALUES (?, ?)", &stmt, err) <
	    0)
		return -1;
	for (size_t i = 0; i < n_reveal; i++) {
		sqlite3_bind_text(stmt, 1, reveal[i].output_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, reveal[i].entrant_row);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			sqlite3_finalize(stmt);
			sq_db_err(st, err, "cannot reveal an output");
			return -1;
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	if (sq_prepare(st, "INSERT INTO chain_head (rater_id, count, head) VALUES (?, ?, ?)", &stmt,
		       err) < 0)
		return -1;
	for (size_t i = 0; i < n_heads; i++) {
		sqlite3_bind_int64(stmt, 1, heads[i].rater_row);
		sqlite3_bind_int64(stmt, 2, heads[i].count);
		sqlite3_bind_blob(stmt, 3, heads[i].head, 32, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			sqlite3_finalize(stmt);
			sq_db_err(st, err, "cannot store a chain head");
			return -1;
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return sq_exec(st, "DELETE FROM draft; UPDATE round SET state = 'closed'", err);
}

int store_get_closing(struct store *st, struct closing_rec *c, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(c, 0, sizeof *c);
	if (sq_prepare(st,
		       "SELECT seed, salt, ballot_count, merkle_root, closed_at, signature "
		       "FROM closing",
		       &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *p;
		/* types first: reading a value as text or a number converts it */
		bool bad_closed_at = !text_whole(stmt, 4);
		const char *at = (const char *)sqlite3_column_text(stmt, 4);

		c->malformed = !int_in(stmt, 2, UINT32_MAX);
		c->bad_closed_at = bad_closed_at;
		if ((p = blob_of(stmt, 0, 32)))
			memcpy(c->seed, p, 32);
		if ((p = blob_of(stmt, 1, 32)))
			memcpy(c->salt, p, 32);
		c->ballot_count = (uint32_t)sqlite3_column_int64(stmt, 2);
		if ((p = blob_of(stmt, 3, 32)))
			memcpy(c->merkle_root, p, 32);
		snprintf(c->closed_at, sizeof c->closed_at, "%s", at ? at : "");
		if ((p = blob_of(stmt, 5, 64)))
			memcpy(c->signature, p, 64);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "cannot read the seal");
}

int store_each_reveal(struct store *st,
		      int (*fn)(void *ctx, const char *id, int64_t entrant, bool typed), void *ctx,
		      struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, "SELECT output_id, entrant_id FROM reveal ORDER BY output_id", &stmt,
		       err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		/* types first: reading a value as text or a number converts it */
		bool typed = text_whole(stmt, 0) && sqlite3_column_type(stmt, 1) == SQLITE_INTEGER;

		if (fn(ctx, (const char *)sqlite3_column_text(stmt, 0),
		       sqlite3_column_int64(stmt, 1), typed))
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the revealed identities");
	return 0;
}

int store_each_head(struct store *st,
		    int (*fn)(void *ctx, int64_t rater, int64_t count, const unsigned char *head),
		    void *ctx, struct simsa_err *err)
{
	static const unsigned char none[32];
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, "SELECT rater_id, count, head FROM chain_head ORDER BY rater_id", &stmt,
		       err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *h = blob_of(stmt, 2, 32);
		int64_t count = int_in(stmt, 1, UINT32_MAX) ? sqlite3_column_int64(stmt, 1) : -1;
		/* a rater id that is not an integer names no rater */
		int64_t rater = int_in(stmt, 0, INT64_MAX) ? sqlite3_column_int64(stmt, 0) : -1;

		if (fn(ctx, rater, count, h ? h : none))
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the chain heads");
	return 0;
}

int store_export_bundle(struct store *st, const char *path, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	sqlite3 *copy = NULL;
	char *msg = NULL;
	bool existed = access(path, F_OK) == 0; /* VACUUM INTO takes an empty file too */
	int rc;

	if (sq_prepare(st, "VACUUM INTO ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, path, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		sq_db_err(st, err, "cannot write the bundle");
		sqlite3_finalize(stmt);
		if (!existed)
			unlink(path); /* no half-written bundle (a full disk) is left */
		return -1;
	}
	sqlite3_finalize(stmt);
	/* private working state out of the copy (drafts, screening decisions,
	 * practice answers), and the raters' station keys (personal data an
	 * auditor does not need; docs/station.md); secure_delete and VACUUM
	 * leave no trace of them */
	if (sqlite3_open_v2(path, &copy, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(
		    copy,
		    "PRAGMA journal_mode = DELETE; PRAGMA secure_delete = ON; DELETE FROM draft; "
		    "DELETE FROM screen_decision; DELETE FROM station_key; "
		    "DELETE FROM practice_done; VACUUM;",
		    NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, "%s: cannot finish the bundle: %s", path,
			msg    ? msg
			: copy ? sqlite3_errmsg(copy)
			       : "out of memory");
		sqlite3_free(msg);
		sqlite3_close(copy);
		unlink(path);
		return -1;
	}
	sqlite3_close(copy);
	return 0;
}
