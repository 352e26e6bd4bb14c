/* store_inputs — the round's row and its inputs in the round file: the
 * round's id, title, times and state; rubrics, entrants, prompts, draft
 * outputs and the import log; the counts status shows (include/simsa/store.h). */
#include "simsa/store.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "simsa/util.h"
#include "store_internal.h"

static enum round_state state_parse(const char *s)
{
	if (s && strcmp(s, "open") == 0)
		return ROUND_OPEN;
	if (s && strcmp(s, "closed") == 0)
		return ROUND_CLOSED;
	return ROUND_DRAFT;
}

static void copy_col(sqlite3_stmt *stmt, int i, char *dst, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(stmt, i);

	snprintf(dst, cap, "%s", s ? s : "");
}

/* Whether column i is text that copy_col copies whole: no NUL inside, and
 * shorter than cap. */
static bool col_fits(sqlite3_stmt *stmt, int i, size_t cap)
{
	const char *s;

	if (sqlite3_column_type(stmt, i) != SQLITE_TEXT)
		return false;
	s = (const char *)sqlite3_column_text(stmt, i);
	return s && strlen(s) == (size_t)sqlite3_column_bytes(stmt, i) &&
	       (size_t)sqlite3_column_bytes(stmt, i) < cap;
}

int store_round_info(struct store *st, struct round_info *ri, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, "SELECT round_id, title, created_at, state FROM round", &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		if (rc == SQLITE_DONE)
			return err_set(err, "%s: the round record is missing", st->path);
		return sq_db_err(st, err, "cannot read the round");
	}
	memset(ri, 0, sizeof *ri);
	/* before copy_col: reading a value as text converts its type */
	ri->bad_fields = (col_fits(stmt, 0, sizeof ri->round_id) ? 0u : 1u) |
			 (col_fits(stmt, 1, sizeof ri->title) ? 0u : 2u) |
			 (col_fits(stmt, 2, sizeof ri->created_at) ? 0u : 4u);
	bool state_text = col_fits(stmt, 3, sizeof ri->state_raw);
	copy_col(stmt, 0, ri->round_id, sizeof ri->round_id);
	copy_col(stmt, 1, ri->title, sizeof ri->title);
	copy_col(stmt, 2, ri->created_at, sizeof ri->created_at);
	ri->round_id_hex =
		strlen(ri->round_id) == 32 && strspn(ri->round_id, "0123456789abcdef") == 32;
	ri->state = state_parse((const char *)sqlite3_column_text(stmt, 3));
	ri->state_null = sqlite3_column_type(stmt, 3) == SQLITE_NULL;
	copy_col(stmt, 3, ri->state_raw, sizeof ri->state_raw);
	ri->state_known = state_text && (strcmp(ri->state_raw, "draft") == 0 ||
					 strcmp(ri->state_raw, "open") == 0 ||
					 strcmp(ri->state_raw, "closed") == 0);
	ri->schema_version =
		st->reader ? st->file_version : (int)sq_pragma_int(st, "PRAGMA user_version");
	sqlite3_finalize(stmt);
	return 0;
}

int store_require_draft(struct store *st, struct simsa_err *err)
{
	struct round_info ri;

	if (store_round_info(st, &ri, err) < 0)
		return -1;
	if (ri.state != ROUND_DRAFT)
		return err_set(err,
			       "%s: the round is %s: its inputs can no longer "
			       "be changed",
			       st->path, ri.state == ROUND_OPEN ? "open" : "closed");
	return 0;
}

int store_put_rubric(struct store *st, const char *component, const char *source, const char *text,
		     size_t len, const unsigned char hash[STORE_HASH_LEN],
		     const char *const instructions[2], struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT OR REPLACE INTO rubric (component, source, text, hash, "
		       "instructions_ko, instructions_en) VALUES (?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, component, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, text, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 4, hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
	sq_bind_opt(stmt, 5, instructions ? instructions[0] : NULL);
	sq_bind_opt(stmt, 6, instructions ? instructions[1] : NULL);
	return sq_step_done(st, stmt, "cannot store the rubric", err);
}

int store_get_rubric(struct store *st, const char *component, char **text, size_t *len,
		     struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc, found = 0;

	if (sq_prepare(st, "SELECT text FROM rubric WHERE component = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, component, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(stmt, 0);
		char *copy = malloc(n + 1);

		if (!copy) {
			sqlite3_finalize(stmt);
			return err_set(err, "out of memory");
		}
		if (n) /* NULL text (or none) has no bytes to copy */
			memcpy(copy, sqlite3_column_text(stmt, 0), n);
		copy[n] = '\0';
		*text = copy;
		*len = n;
		found = 1;
	} else if (rc != SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return sq_db_err(st, err, "cannot read the rubric");
	}
	sqlite3_finalize(stmt);
	return found;
}

int store_add_entrant(struct store *st, const struct entrant_rec *e, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT INTO entrant (name, team, model, endpoint, api_key_env, "
		       "params, system, aliases) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sq_bind_opt(stmt, 1, e->name);
	sq_bind_opt(stmt, 2, e->team);
	sq_bind_opt(stmt, 3, e->model);
	sq_bind_opt(stmt, 4, e->endpoint);
	sq_bind_opt(stmt, 5, e->api_key_env);
	sq_bind_opt(stmt, 6, e->params_json);
	sq_bind_opt(stmt, 7, e->system);
	sq_bind_opt(stmt, 8, e->aliases_json);
	return sq_step_done(st, stmt, "cannot add the entrant", err);
}

int store_find_entrant(struct store *st, const char *name, int64_t *row, struct simsa_err *err)
{
	return sq_find_row(st, "SELECT id FROM entrant WHERE name = ?", name, row, err);
}

int store_add_prompt(struct store *st, const struct prompt_rec *p, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st,
		       "INSERT INTO prompt (ext_id, category, prompt, system, reference) "
		       "VALUES (?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sq_bind_opt(stmt, 1, p->id);
	sq_bind_opt(stmt, 2, p->category);
	sqlite3_bind_text(stmt, 3, p->prompt, (int)p->prompt_len, SQLITE_TRANSIENT);
	sq_bind_opt(stmt, 4, p->system);
	sq_bind_opt(stmt, 5, p->reference);
	return sq_step_done(st, stmt, "cannot add the prompt", err);
}

int store_find_prompt(struct store *st, const char *id, int64_t *row, struct simsa_err *err)
{
	return sq_find_row(st, "SELECT id FROM prompt WHERE ext_id = ?", id, row, err);
}

int store_add_output(struct store *st, const struct output_rec *o, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	char now[32];

	time_now_utc(now);
	if (sq_prepare(st,
		       "INSERT INTO output (prompt_id, entrant_id, text, hash, origin, "
		       "created_at) VALUES (?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, o->prompt_row);
	sqlite3_bind_int64(stmt, 2, o->entrant_row);
	sqlite3_bind_text(stmt, 3, o->text, (int)o->text_len, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 4, o->hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, o->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, now, -1, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot add the output", err);
}

int store_log_import(struct store *st, const char *kind, const char *path,
		     const unsigned char hash[STORE_HASH_LEN], long records, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	char now[32];

	time_now_utc(now);
	if (sq_prepare(st,
		       "INSERT INTO import_log (at, kind, path, file_hash, records) "
		       "VALUES (?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 4, hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 5, records);
	return sq_step_done(st, stmt, "cannot log the import", err);
}

static int count(struct store *st, const char *sql, long *out, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, sql, &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return sq_db_err(st, err, "count");
	return 0;
}

#define INCOMPLETE_SQL                                                                       \
	"SELECT p.ext_id, (SELECT count(*) FROM output o WHERE o.prompt_id = p.id) AS have " \
	"FROM prompt p WHERE have < (SELECT count(*) FROM entrant) "                         \
	"AND (SELECT state FROM round) = 'draft' ORDER BY p.id"

int store_counts(struct store *st, struct store_counts *c, struct simsa_err *err)
{
	memset(c, 0, sizeof *c);
	if (count(st, "SELECT count(*) FROM entrant", &c->entrants, err) < 0 ||
	    count(st, "SELECT count(*) FROM prompt", &c->prompts, err) < 0 ||
	    count(st, "SELECT count(*) FROM output", &c->outputs, err) < 0 ||
	    count(st, "SELECT count(*) FROM rubric", &c->rubrics, err) < 0 ||
	    count(st, "SELECT count(*) FROM import_log", &c->imports, err) < 0 ||
	    count(st, "SELECT count(*) FROM rater", &c->raters, err) < 0 ||
	    count(st, "SELECT count(*) FROM task", &c->tasks, err) < 0 ||
	    count(st, "SELECT count(*) FROM blind_output", &c->blinded, err) < 0 ||
	    count(st, "SELECT count(*) FROM (" INCOMPLETE_SQL ")", &c->prompts_incomplete, err) < 0)
		return -1;
	c->outputs += c->blinded; /* one of the two is empty: draft, or open */
	c->outputs_expected = c->prompts * c->entrants;
	return 0;
}

int store_each_incomplete_prompt(struct store *st,
				 int (*fn)(void *ctx, const char *prompt_id, long have), void *ctx,
				 struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st, INCOMPLETE_SQL, &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(stmt, 0),
		       (long)sqlite3_column_int64(stmt, 1)))
			break;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "list incomplete prompts");
	return 0;
}

int store_each_entrant(struct store *st, int (*fn)(void *ctx, const char *name, long outputs),
		       void *ctx, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st,
		       "SELECT e.name, (SELECT count(*) FROM output o WHERE o.entrant_id = e.id) "
		       "FROM entrant e ORDER BY e.id",
		       &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(stmt, 0),
		       (long)sqlite3_column_int64(stmt, 1)))
			break;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "list entrants");
	return 0;
}
