/* store_station — the raters' SSH public keys for a station (schema 7;
 * include/simsa/store.h, docs/station.md). */
#include <stdio.h>

#include "store_internal.h"
#include "simsa/util.h"

int store_station_key_free(struct store *st, int64_t rater_row, const char *key,
			   struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st,
		       "SELECT r.name FROM station_key s JOIN rater r ON r.id = s.rater_id "
		       "WHERE s.key = ? AND s.rater_id <> ?",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, rater_row);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		err_set(err,
			"that SSH key is already the station key of rater '%s'; each rater "
			"logs in with a key of their own",
			(const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the station keys");
	return 0;
}

int store_set_station_key(struct store *st, int64_t rater_row, const char *key,
			  struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	char now[32];

	if (store_station_key_free(st, rater_row, key, err) < 0)
		return -1;
	time_now_utc(now);
	if (sq_prepare(st,
		       "INSERT INTO station_key (rater_id, key, set_at) VALUES (?, ?, ?) "
		       "ON CONFLICT (rater_id) DO UPDATE SET key = excluded.key, "
		       "set_at = excluded.set_at",
		       &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, now, -1, SQLITE_TRANSIENT);
	return sq_step_done(st, stmt, "cannot store the station key", err);
}

int store_drop_station_key(struct store *st, int64_t rater_row, struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, "DELETE FROM station_key WHERE rater_id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, rater_row);
	if (sq_step_done(st, stmt, "cannot remove the station key", err) < 0)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

int store_each_station_key(struct store *st,
			   int (*fn)(void *ctx, const char *rater, const char *key), void *ctx,
			   struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sq_prepare(st,
		       "SELECT r.name, s.key FROM station_key s JOIN rater r ON r.id = s.rater_id "
		       "ORDER BY r.id",
		       &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);
		const char *key = (const char *)sqlite3_column_text(stmt, 1);

		if (fn(ctx, name ? name : "", key ? key : ""))
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(st, err, "cannot read the station keys");
	return 0;
}
