/* store_practice — practice tasks (`simsa practice import`) and what raters
 * answered in them (see store.h). Practice is committed in the manifest but
 * never signed into ballots: a rater's practice answers are working state,
 * like drafts, and bundles are written without them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/util.h"
#include "store_internal.h"

int store_add_practice(struct store *st, const struct in_practice *p, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT INTO practice (ext_id, role, required, prompt, answer_a, answer_b, "
		       "reference, note_ko, note_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, p->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, rater_role_name(p->role), -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, p->required);
	sqlite3_bind_text(stmt, 4, p->prompt, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, p->answer[0], -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, p->answer[1], -1, SQLITE_TRANSIENT);
	sq_bind_opt(stmt, 7, p->reference);
	sq_bind_opt(stmt, 8, p->note[0]);
	sq_bind_opt(stmt, 9, p->note[1]);
	return sq_step_done(st, stmt, "cannot add the practice task", err);
}

int store_find_practice(struct store *st, const char *id, struct simsa_err *err)
{
	return sq_find_row(st, "SELECT id FROM practice WHERE ext_id = ?", id, NULL, err);
}

int store_practice_done(struct store *st, int64_t rater_row, const char *id, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "SELECT 1 FROM practice_done d JOIN practice p ON p.id = d.practice_id "
		       "WHERE d.rater_id = ? AND p.ext_id = ?",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_TRANSIENT);
	return sq_step_row(st, stmt, NULL, err);
}

int store_put_practice_done(struct store *st, int64_t rater_row, const char *id,
			    const char *answer_json, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	char now[32];

	time_now_utc(now);
	if (sq_prepare(st,
		       "INSERT OR REPLACE INTO practice_done (rater_id, practice_id, answer, at) "
		       "SELECT ?, id, ?, ? FROM practice WHERE ext_id = ?",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	sqlite3_bind_text(stmt, 2, answer_json, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, id, -1, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot record the practice", err);
}

/* A practice row of the rater: the task (in_practice is the first member)
 * and, in the column after it, whether they have done it. */
static int row_rater_practice(sqlite3_stmt *stmt, void *dst, void *ctx)
{
	struct practice_row *r = dst;

	r->done = sqlite3_column_int(stmt, 9) != 0;
	return sq_row_practice(stmt, &r->p, ctx);
}

int store_rater_practice(struct store *st, int64_t rater_row, enum rater_role role,
			 struct practice_row **out, size_t *n, struct simsa_err *err)
{
	char sql[512];
	void *arr = NULL;
	int rc;

	snprintf(sql, sizeof sql,
		 "SELECT " PRACTICE_COLS ", EXISTS (SELECT 1 FROM practice_done d WHERE "
		 "d.practice_id = p.id AND "
		 "d.rater_id = %lld) FROM practice p WHERE role = '%s' ORDER BY id",
		 (long long)rater_row, rater_role_name(role));
	rc = sq_load_rows(st, sql, sizeof **out, &arr, n, row_rater_practice, NULL, err);
	*out = arr;
	if (rc < 0) {
		store_practice_rows_release(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void store_practice_rows_release(struct practice_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sq_practice_free(&rows[i].p);
	free(rows);
}

int store_rubric_instructions(struct store *st, const char *component, char *out[2],
			      struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	bool oom = false;
	int rc;

	out[0] = out[1] = NULL;
	if (sq_prepare(st,
		       "SELECT instructions_ko, instructions_en FROM rubric WHERE component = ?",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, component, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out[0] = sq_dup_col(stmt, 0, &oom);
		out[1] = sq_dup_col(stmt, 1, &oom);
	}
	sqlite3_finalize(stmt);
	if (oom) {
		free(out[0]);
		free(out[1]);
		out[0] = out[1] = NULL;
		return err_set(err, "out of memory");
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the instructions");
	return 0;
}

int store_practice_counts(struct store *st, enum rater_role role, struct practice_counts *c,
			  struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(c, 0, sizeof *c);
	if (sq_prepare(st,
		       "SELECT (SELECT count(*) FROM practice WHERE role = ?1), "
		       "(SELECT count(*) FROM practice WHERE role = ?1 AND required <> 0), "
		       "(SELECT count(*) FROM rater r WHERE r.role = ?1 AND NOT EXISTS (SELECT 1 "
		       "FROM practice p WHERE p.role = ?1 AND p.required <> 0 AND NOT EXISTS "
		       "(SELECT 1 FROM practice_done d WHERE d.practice_id = p.id AND d.rater_id = "
		       "r.id))), (SELECT count(*) FROM rubric WHERE component = ?1 AND "
		       "instructions_ko IS NOT NULL AND instructions_en IS NOT NULL), "
		       "(SELECT count(*) FROM rater WHERE role = ?1)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, rater_role_name(role), -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		c->tasks = sqlite3_column_int64(stmt, 0);
		c->required = sqlite3_column_int64(stmt, 1);
		c->raters_ready = sqlite3_column_int64(stmt, 2);
		c->instructions = sqlite3_column_int64(stmt, 3) > 0;
		c->raters = sqlite3_column_int64(stmt, 4);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return sq_db_err(st, err, "cannot count the practice tasks");
	return 0;
}
