/* store_internal — what the store's own files (src/store*.c) share. Nothing
 * outside the store includes this. */
#ifndef SIMSA_STORE_INTERNAL_H
#define SIMSA_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "simsa/store.h"

struct store {
	sqlite3 *db;
	char *path;
	bool in_tx;
	double busy_since; /* when the present wait for the lock began (eager_wait) */
	/* opened by store_open_read: how (for verify to say), the file's own
	 * schema version (the connection may hold a copy upgraded in memory),
	 * and the progress handler's bound on one statement's VM steps */
	bool reader;
	char read_as[200];
	int file_version;
	long max_steps, ticks; /* ticks: progress calls since a statement started */
	int every;             /* VM steps between two progress calls */
	bool stopped;          /* the progress handler stopped a statement */
};

extern const char *const store_migrations[];
extern const size_t store_n_migrations;

/* "PATH: what: sqlite's message"; returns -1. */
int sq_db_err(struct store *st, struct simsa_err *err, const char *what);
int sq_exec(struct store *st, const char *sql, struct simsa_err *err);
int sq_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt, struct simsa_err *err);
/* Steps a statement that returns no rows, then finalizes it. */
int sq_step_done(struct store *st, sqlite3_stmt *stmt, const char *what, struct simsa_err *err);
/* Binds s, or NULL when s is NULL. */
void sq_bind_opt(sqlite3_stmt *stmt, int i, const char *s);
/* SQL true when column c holds a value not of its type (docs/verify.md,
 * "Stored values of their type"): text that is a BLOB or holds a NUL byte;
 * an integer that is not one; NULL passes. */
#define SQ_UNTYPED_TEXT(c) \
	"(" c " IS NOT NULL AND (typeof(" c ") <> 'text' OR instr(CAST(" c " AS BLOB), x'00') > 0))"
#define SQ_UNTYPED_INT(c) "(" c " IS NOT NULL AND typeof(" c ") <> 'integer')"

/* The first column of a one-row query, or -1. */
long sq_pragma_int(struct store *st, const char *sql);
/* Steps a bound one-row query and finalizes it: 1 and *row (its first
 * column; row may be NULL) when there is a row, 0 when none, -1 on error. */
int sq_step_row(struct store *st, sqlite3_stmt *stmt, int64_t *row, struct simsa_err *err);
/* Looks up one integer id by one text key (sql has one parameter). 1 and
 * *row (row may be NULL) when found, 0 when not, -1 on error. */
int sq_find_row(struct store *st, const char *sql, const char *key, int64_t *row,
		struct simsa_err *err);
/* Runs sql and calls row() for each result row, filling a growing array of
 * elements of size elem (*arr, *n; the caller frees *arr, after a failure
 * too: the rows loaded before it are in *arr). row returns -1 when out of
 * memory. */
/* The practice columns, in the order sq_row_practice reads them. */
#define PRACTICE_COLS \
	"ext_id, role, required, prompt, answer_a, answer_b, reference, note_ko, note_en"
/* store_round.c: a practice row (PRACTICE_COLS first, as store_load_inputs and
 * store_rater_practice select them) into an
 * in_practice (sq_load_rows' row()); its strings freed by
 * sq_practice_free. */
int sq_row_practice(sqlite3_stmt *stmt, void *dst, void *ctx);
void sq_practice_free(struct in_practice *p);
int sq_load_rows(struct store *st, const char *sql, size_t elem, void **arr, size_t *n,
		 int (*row)(sqlite3_stmt *stmt, void *dst, void *ctx), void *ctx,
		 struct simsa_err *err);
/* Brings the connection's database up to STORE_SCHEMA_VERSION (store.c). */
int sq_migrate(struct store *st, struct simsa_err *err);
/* Tells the exposure warning's function (store_set_exposure_warning)
 * when st is a round that is not closed and others may read or write it. */
void sq_warn_exposure(struct store *st);
/* A malloc'd copy of a text column, or NULL for SQL NULL; *oom set on failure. */
char *sq_dup_col(sqlite3_stmt *stmt, int i, bool *oom);

/* The file's user_version into *v: -1 with a message when it cannot be
 * read or is negative (no simsa ever wrote one). */
int sq_read_version(struct store *st, long *v, struct simsa_err *err);

#endif
