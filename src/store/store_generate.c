/* store_generate — what `simsa outputs generate` reads and writes in the
 * round file (schema 5): entrants with endpoints, the prompts each still
 * lacks, generated outputs with their metadata, and the log of failed
 * requests. See include/simsa/store.h. */
#include <stdlib.h>
#include <string.h>

#include "simsa/util.h"
#include "store_internal.h"

void store_gen_entrants_release(struct gen_entrant_rec *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].model);
		free(list[i].endpoint);
		free(list[i].api_key_env);
		free(list[i].params_json);
		free(list[i].system);
	}
	free(list);
}

int store_gen_entrants(struct store *st, const char *only, struct gen_entrant_rec **list, size_t *n,
		       struct simsa_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct gen_entrant_rec *v = NULL;
	size_t len = 0, cap = 0;
	bool oom = false;
	int rc;

	*list = NULL;
	*n = 0;
	if (sq_prepare(st,
		       "SELECT id, name, model, endpoint, api_key_env, params, system "
		       "FROM entrant WHERE ?1 IS NULL OR name = ?1 ORDER BY id",
		       &stmt, err) < 0)
		return -1;
	sq_bind_opt(stmt, 1, only);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (grow_array((void **)&v, &cap, len + 1, sizeof *v) < 0) {
			oom = true;
			break;
		}
		memset(&v[len], 0, sizeof v[len]);
		v[len].row = sqlite3_column_int64(stmt, 0);
		v[len].name = sq_dup_col(stmt, 1, &oom);
		v[len].model = sq_dup_col(stmt, 2, &oom);
		v[len].endpoint = sq_dup_col(stmt, 3, &oom);
		v[len].api_key_env = sq_dup_col(stmt, 4, &oom);
		v[len].params_json = sq_dup_col(stmt, 5, &oom);
		v[len].system = sq_dup_col(stmt, 6, &oom);
		len++;
		if (oom)
			break;
	}
	sqlite3_finalize(stmt);
	if (oom || (rc != SQLITE_ROW && rc != SQLITE_DONE)) {
		store_gen_entrants_release(v, len);
		if (oom)
			return err_set(err, "out of memory");
		return sq_db_err(st, err, "cannot read the entrants");
	}
	*list = v;
	*n = len;
	return 0;
}

#define FAILED_BEFORE                                                 \
	"EXISTS (SELECT 1 FROM generation g WHERE g.entrant_id = ?1 " \
	"AND g.prompt_id = p.id AND g.status = 'failed')"
#define NO_OUTPUT \
	"NOT EXISTS (SELECT 1 FROM output o WHERE o.entrant_id = ?1 AND o.prompt_id = p.id)"

int store_gen_count(struct store *st, int64_t entrant_row, long *missing, long *failed,
		    struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st,
		       "SELECT count(*), coalesce(sum(" FAILED_BEFORE "), 0) "
		       "FROM prompt p WHERE " NO_OUTPUT,
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, entrant_row);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*missing = (long)sqlite3_column_int64(stmt, 0);
		*failed = (long)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return sq_db_err(st, err, "cannot count the missing outputs");
	return 0;
}

int store_gen_pending(struct store *st, int64_t entrant_row, int64_t after_prompt,
		      bool retry_failed, int64_t *rows, size_t max, size_t *n,
		      struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*n = 0;
	if (sq_prepare(st,
		       "SELECT p.id FROM prompt p WHERE p.id > ?2 AND " NO_OUTPUT
		       " AND (?3 OR NOT " FAILED_BEFORE ") ORDER BY p.id LIMIT ?4",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, entrant_row);
	sqlite3_bind_int64(stmt, 2, after_prompt);
	sqlite3_bind_int(stmt, 3, retry_failed ? 1 : 0);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *n < max)
		rows[(*n)++] = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot list the missing outputs");
	return 0;
}

int store_gen_prompt(struct store *st, int64_t prompt_row, char **ext_id, char **prompt,
		     size_t *prompt_len, char **system, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	bool oom = false;
	int rc;

	*ext_id = *prompt = *system = NULL;
	if (sq_prepare(st, "SELECT ext_id, prompt, system FROM prompt WHERE id = ?", &stmt, err) <
	    0)
		return -1;
	sqlite3_bind_int64(stmt, 1, prompt_row);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*ext_id = sq_dup_col(stmt, 0, &oom);
		*prompt = sq_dup_col(stmt, 1, &oom);
		*prompt_len = (size_t)sqlite3_column_bytes(stmt, 1);
		*system = sq_dup_col(stmt, 2, &oom);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW && !oom && *ext_id && *prompt)
		return 0;
	free(*ext_id);
	free(*prompt);
	free(*system);
	*ext_id = *prompt = *system = NULL;
	if (oom)
		return err_set(err, "out of memory");
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return err_set(err, "%s: prompt row %lld is missing", st->path,
			       (long long)prompt_row);
	return sq_db_err(st, err, "cannot read a prompt");
}

static int log_row(struct store *st, int64_t prompt_row, int64_t entrant_row, const char *status,
		   const char *reason, const char *detail, long http_status, int attempts,
		   long latency_ms, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	char now[32];

	time_now_utc(now);
	if (sq_prepare(st,
		       "INSERT INTO generation (prompt_id, entrant_id, status, reason, "
		       "detail, http_status, attempts, latency_ms, at) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, prompt_row);
	sqlite3_bind_int64(stmt, 2, entrant_row);
	sqlite3_bind_text(stmt, 3, status, -1, SQLITE_STATIC);
	sq_bind_opt(stmt, 4, reason);
	sq_bind_opt(stmt, 5, detail);
	if (http_status > 0)
		sqlite3_bind_int64(stmt, 6, http_status);
	else
		sqlite3_bind_null(stmt, 6);
	sqlite3_bind_int(stmt, 7, attempts);
	sqlite3_bind_int64(stmt, 8, latency_ms);
	sqlite3_bind_text(stmt, 9, now, -1, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot log the request", err);
}

static int set_meta(struct store *st, const struct output_rec *o, const struct gen_meta *m,
		    struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	char now[32];

	time_now_utc(now);
	if (sq_prepare(st,
		       "UPDATE output SET finish_reason = ?, usage = ?, latency_ms = ?, "
		       "params = ?, generated_at = ? WHERE prompt_id = ? AND entrant_id = ?",
		       &stmt, err) < 0)
		return -1;
	sq_bind_opt(stmt, 1, m->finish_reason);
	sq_bind_opt(stmt, 2, m->usage_json);
	sqlite3_bind_int64(stmt, 3, m->latency_ms);
	sq_bind_opt(stmt, 4, m->params_json);
	sqlite3_bind_text(stmt, 5, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 6, o->prompt_row);
	sqlite3_bind_int64(stmt, 7, o->entrant_row);
	return sq_step_done(st, stmt, "cannot store what came with the output", err);
}

int store_gen_put_output(struct store *st, const struct output_rec *o, const struct gen_meta *m,
			 struct simsa_err *err)
{
	int have = store_find_output(st, o->prompt_row, o->entrant_row, NULL, err);

	if (have != 0)
		return have < 0 ? -1 : 0;
	if (store_add_output(st, o, err) < 0 || set_meta(st, o, m, err) < 0 ||
	    log_row(st, o->prompt_row, o->entrant_row, "ok", NULL, NULL, m->http_status,
		    m->attempts, m->latency_ms, err) < 0)
		return -1;
	return 1;
}

int store_gen_put_failure(struct store *st, const struct gen_failure_rec *f, struct simsa_err *err)
{
	return log_row(st, f->prompt_row, f->entrant_row, "failed", f->reason, f->detail,
		       f->http_status, f->attempts, f->latency_ms, err);
}
