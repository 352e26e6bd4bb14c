/* store — the round file: one SQLite database per round.
 *
 * This is the only module that speaks SQL. Everything else uses the typed
 * functions below, so another storage engine could stand behind them.
 *
 * The file is versioned with PRAGMA user_version and upgraded in place by the
 * migrations in store.c. Connections use WAL, synchronous=FULL, foreign keys
 * and a busy timeout; every write runs inside store_begin()/store_commit()
 * (BEGIN IMMEDIATE), retried while another process holds the write lock, so
 * many simsa processes can write one round at once. Once a round is open,
 * triggers in the file itself refuse any change to its inputs.
 *
 * All functions return 0 on success and -1 with err filled on failure,
 * unless documented otherwise. Strings passed in are copied. */
#ifndef SIMSA_STORE_H
#define SIMSA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"

#define STORE_SCHEMA_VERSION 1
#define STORE_HASH_LEN 32 /* BLAKE2b-256 */

struct store;

enum round_state { ROUND_DRAFT = 0, ROUND_OPEN, ROUND_CLOSED };

struct round_info {
	char round_id[33];  /* 32 hex digits */
	char title[1024];
	char created_at[32];
	enum round_state state;
	int schema_version;
};

struct entrant_rec {
	const char *name;        /* required */
	const char *team;        /* NULL when absent, likewise below */
	const char *model;
	const char *endpoint;
	const char *api_key_env; /* the NAME of the variable, never a key */
	const char *params_json; /* compact JSON object */
	const char *system;
	const char *aliases_json;/* compact JSON array of strings */
};

struct prompt_rec {
	const char *id;          /* required, the file's id */
	const char *category;    /* required */
	const char *prompt;      /* required */
	size_t prompt_len;
	const char *system;
	const char *reference;
};

struct output_rec {
	int64_t prompt_row;      /* from store_find_prompt */
	int64_t entrant_row;     /* from store_find_entrant */
	const char *text;
	size_t text_len;
	unsigned char hash[STORE_HASH_LEN];
	const char *origin;      /* "import" or "generate" */
};

struct store_counts {
	long entrants, prompts, outputs, rubrics, imports;
	long outputs_expected;   /* prompts × entrants */
	long prompts_incomplete; /* prompts lacking an output from some entrant */
};

/* Creates a new round file; refuses if path exists. */
int store_create(const char *path, const char *title, struct store **out,
		 struct simsa_err *err) __attribute__((warn_unused_result));
/* Opens an existing round file and migrates it to STORE_SCHEMA_VERSION.
 * Refuses a file that is not a simsa round or is newer than this build. */
int store_open(const char *path, struct store **out, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Closes and sets *st to NULL; rolls back an unfinished transaction. */
void store_close(struct store **st);

/* BEGIN IMMEDIATE, waiting (bounded) while another writer holds the lock. */
int store_begin(struct store *st, struct simsa_err *err)
	__attribute__((warn_unused_result));
int store_commit(struct store *st, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Safe to call with no transaction open. */
void store_rollback(struct store *st);

int store_round_info(struct store *st, struct round_info *ri, struct simsa_err *err);
/* Fails with a clear message unless the round is still a draft. */
int store_require_draft(struct store *st, struct simsa_err *err);

/* Rubric of a component ("expert" / "user"): one per component. */
int store_put_rubric(struct store *st, const char *component, const char *source,
		     const char *text, size_t len, const unsigned char hash[STORE_HASH_LEN],
		     struct simsa_err *err);
/* Returns 1 and a malloc'd copy of the text in *text if present, 0 if not. */
int store_get_rubric(struct store *st, const char *component, char **text, size_t *len,
		     struct simsa_err *err);

int store_add_entrant(struct store *st, const struct entrant_rec *e, struct simsa_err *err);
/* Returns 1 and the row id if found, 0 if not, -1 on error. */
int store_find_entrant(struct store *st, const char *name, int64_t *row, struct simsa_err *err);

int store_add_prompt(struct store *st, const struct prompt_rec *p, struct simsa_err *err);
int store_find_prompt(struct store *st, const char *id, int64_t *row, struct simsa_err *err);

int store_add_output(struct store *st, const struct output_rec *o, struct simsa_err *err);
/* Returns 1 if that (prompt, entrant) already has an output, 0 if not. */
int store_has_output(struct store *st, int64_t prompt_row, int64_t entrant_row,
		     struct simsa_err *err);

/* Records an import: kind ("entrants", ...), the file's path, BLAKE2b of its
 * bytes and the number of records. */
int store_log_import(struct store *st, const char *kind, const char *path,
		     const unsigned char hash[STORE_HASH_LEN], long records,
		     struct simsa_err *err);

int store_counts(struct store *st, struct store_counts *c, struct simsa_err *err);

/* Calls fn for each prompt lacking an output from at least one entrant, in
 * import order, with the number of outputs it has. Stops early if fn
 * returns non-zero. */
int store_each_incomplete_prompt(struct store *st,
				 int (*fn)(void *ctx, const char *prompt_id, long have),
				 void *ctx, struct simsa_err *err);

/* Calls fn for each entrant (import order) with its output count. */
int store_each_entrant(struct store *st,
		       int (*fn)(void *ctx, const char *name, long outputs),
		       void *ctx, struct simsa_err *err);

#endif
