/* store_screening — identity screening: the round's extra words and the
 * organizer's decisions, and replacing a draft output by a redacted text
 * (see store.h). */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "simsa/util.h"

int store_add_screen_word(struct store *st, const char *word, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, "INSERT OR IGNORE INTO screen_word (word) VALUES (?)", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, word, -1, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot add the word", err);
}

static int row_word(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	bool oom = false;

	*(char **)dst = sq_dup_col(stmt, 0, &oom);
	return oom ? -1 : 0;
}

int store_screen_words(struct store *st, char ***words, size_t *n, struct simsa_err *err)
{
	void *arr;

	if (sq_load_rows(st, "SELECT word FROM screen_word ORDER BY word", sizeof(char *), &arr, n,
			 row_word, NULL, err) < 0) {
		for (size_t i = 0; i < *n; i++)
			free(((char **)arr)[i]);
		free(arr);
		*n = 0;
		return -1;
	}
	*words = arr;
	return 0;
}

int store_set_screen_decision(struct store *st, int64_t output_row, const char *term,
			      enum screen_decision d, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	char now[32];

	time_now_utc(now);
	if (sq_prepare(st,
		       "INSERT OR REPLACE INTO screen_decision (output_id, term, decision, at) "
		       "VALUES (?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, output_row);
	sqlite3_bind_text(stmt, 2, term, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, d == SCREEN_REDACTED ? "redacted" : "accepted", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, now, -1, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot record the decision", err);
}

int store_screen_decision(struct store *st, int64_t output_row, const char *term,
			  struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc, d = SCREEN_PENDING;

	if (sq_prepare(st, "SELECT decision FROM screen_decision WHERE output_id = ? AND term = ?",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, output_row);
	sqlite3_bind_text(stmt, 2, term, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		d = strcmp((const char *)sqlite3_column_text(stmt, 0), "redacted") == 0
			    ? SCREEN_REDACTED
			    : SCREEN_ACCEPTED;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "lookup");
	return d;
}

int store_replace_output(struct store *st, int64_t output_row, const char *text, size_t len,
			 const unsigned char hash[STORE_HASH_LEN], struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, "UPDATE output SET text = ?, hash = ? WHERE id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, text, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 2, hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, output_row);
	return sq_step_done(st, stmt, "cannot replace the output", err);
}

int store_find_output(struct store *st, int64_t prompt_row, int64_t entrant_row, int64_t *row,
		      struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, "SELECT id FROM output WHERE prompt_id = ? AND entrant_id = ?", &stmt,
		       err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, prompt_row);
	sqlite3_bind_int64(stmt, 2, entrant_row);
	return sq_step_row(st, stmt, row, err);
}

int store_output_text(struct store *st, int64_t output_row, char **text, size_t *len,
		      struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	bool oom = false;
	int rc;

	if (sq_prepare(st, "SELECT text FROM output WHERE id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, output_row);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*text = sq_dup_col(stmt, 0, &oom);
		*len = (size_t)sqlite3_column_bytes(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? err_set(err, "no output %lld", (long long)output_row)
					 : sq_db_err(st, err, "cannot read the output");
	return oom || !*text ? err_set(err, "out of memory") : 0;
}

int store_clear_screen_decisions(struct store *st, int64_t output_row, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, "DELETE FROM screen_decision WHERE output_id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, output_row);
	return sq_step_done(st, stmt, "cannot clear decisions", err);
}
