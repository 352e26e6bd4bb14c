/* store — the round file: one SQLite database per round.
 *
 * This is the only module that speaks SQL (src/store/; tests/layers.sh
 * checks that no other object calls SQLite). Everything else uses the typed
 * functions below, so another storage engine could stand behind them.
 *
 * The file is versioned with PRAGMA user_version and upgraded in place by the
 * migrations in src/store/store_schema.c (store.c runs them). Connections use WAL, synchronous=FULL, foreign keys
 * and a busy timeout; every write runs inside store_begin()/store_commit()
 * (BEGIN IMMEDIATE), retried while another process holds the write lock, so
 * many simsa processes can write one round at once. Once a round is open,
 * triggers in the file itself refuse any change to its inputs. The
 * commands that only read use store_open_read instead: no migration, no
 * pragma that writes, nothing written to the file or beside it. Writing
 * connections (store_open, store_create) use WAL as above.
 *
 * All functions return 0 on success and -1 with err filled on failure,
 * unless documented otherwise. Strings passed in are copied. */
#ifndef SIMSA_STORE_H
#define SIMSA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"

#define STORE_SCHEMA_VERSION 8
#define STORE_HASH_LEN 32 /* BLAKE2b-256 */

struct store;

enum round_state { ROUND_DRAFT = 0, ROUND_OPEN, ROUND_CLOSED };

struct round_info {
	char round_id[33]; /* 32 hex digits */
	char title[1024];
	char created_at[32];
	enum round_state state; /* draft unless the column says open or closed */
	/* the column as stored, for verify: known when it is exactly draft,
	 * open or closed; null when NULL; else its first bytes in state_raw */
	bool state_known, state_null;
	char state_raw[24];
	/* round_id, title, created_at (bits 0, 1, 2) that are not text that
	 * fits its field above without a NUL byte (copied cut short); and
	 * whether round_id is 32 lower-case hex digits. state_known needs the
	 * column text too (a BLOB or a NUL tail is not draft, open or closed) */
	unsigned bad_fields;
	bool round_id_hex;
	int schema_version;
};

struct entrant_rec {
	const char *name; /* required */
	const char *team; /* NULL when absent, likewise below */
	const char *model;
	const char *endpoint;
	const char *api_key_env; /* the NAME of the variable, never a key */
	const char *params_json; /* compact JSON object */
	const char *system;
	const char *aliases_json; /* compact JSON array of strings */
};

struct prompt_rec {
	const char *id;       /* required, the file's id */
	const char *category; /* required */
	const char *prompt;   /* required */
	size_t prompt_len;
	const char *system;
	const char *reference;
};

struct output_rec {
	int64_t prompt_row;  /* from store_find_prompt */
	int64_t entrant_row; /* from store_find_entrant */
	const char *text;
	size_t text_len;
	unsigned char hash[STORE_HASH_LEN];
	const char *origin; /* "import" or "generate" */
};

struct store_counts {
	long entrants, prompts, outputs, rubrics, imports, raters, tasks;
	long blinded;            /* outputs under opaque ids (open rounds) */
	long outputs_expected;   /* prompts × entrants */
	long prompts_incomplete; /* prompts lacking an output from some entrant */
};

/* Creates a new round file, mode 0600 whatever the umask (its -wal and
 * -shm take the same mode); refuses if path exists. */
int store_create(const char *path, const char *title, struct store **out, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Opens an existing round file and migrates it to STORE_SCHEMA_VERSION.
 * Refuses a file that is not a simsa round or is newer than this build. */
int store_open(const char *path, struct store **out, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Opens a round file or a bundle for reading only, never writing a byte
 * (docs/round-file.md, "Reading"): read-only, SQLITE_DBCONFIG_DEFENSIVE,
 * trusted_schema off, no journal pragma and no migration. A file in
 * rollback-journal mode (a bundle) is opened immutable, so no -wal, -shm or
 * -journal beside it is read or made; a file in WAL mode (the organizer's
 * working round) is read with its WAL, or immutable when its directory is
 * read-only and no -wal or -shm exists. Before any other query, the file's
 * tables, views, triggers and indexes must be exactly those of simsa's
 * schema at its version, else it is refused naming the first object that
 * differs. An older schema is upgraded in a private copy in memory, never
 * in the file. Every statement is stopped after a generous bound of steps.
 * Writing through the handle fails. */
int store_open_read(const char *path, struct store **out, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Who is told when store_open or store_open_read opens a round that is not
 * closed and that others (not its owner, not its group) may read or write:
 * an open round's ballots and blinding are for no one else's eyes
 * (docs/round-file.md "Who may read a round"). The command line sets a
 * function that prints msg as a warning; NULL (the default) says nothing. */
void store_set_exposure_warning(void (*fn)(const char *msg));
/* The message for path at mode (0 when others have no access). */
int store_exposure(const char *path, char *msg, size_t cap);
/* How store_open_read read the file, in words ("a bundle: immutable"), or
 * NULL for a handle from store_open. */
const char *store_read_as(const struct store *st);
/* The bound on the steps one statement may take (store_open_read sets a
 * generous one); for tests of the backstop. */
void store_set_step_limit(struct store *st, long steps);

/* Closes and sets *st to NULL; rolls back an unfinished transaction. */
void store_close(struct store **st);

/* BEGIN IMMEDIATE, waiting (bounded) while another writer holds the lock. */
int store_begin(struct store *st, struct simsa_err *err) __attribute__((warn_unused_result));
/* store_begin for a writer that must not wait behind a stream of others
 * (close, with raters casting): while the lock is held it asks again every
 * 0.1 to 1 ms instead of backing off to 100 ms as the busy timeout does,
 * which would leave the lock to whoever just let go of it. */
int store_begin_eager(struct store *st, struct simsa_err *err) __attribute__((warn_unused_result));
int store_commit(struct store *st, struct simsa_err *err) __attribute__((warn_unused_result));
/* Safe to call with no transaction open. */
void store_rollback(struct store *st);

int store_round_info(struct store *st, struct round_info *ri, struct simsa_err *err);
/* Fails with a clear message unless the round is still a draft. */
int store_require_draft(struct store *st, struct simsa_err *err);

/* Rubric of a component ("expert" / "user"): one per component, with what
 * raters of it are told first (instructions[0] Korean, [1] English; NULL:
 * none stored, as in rounds made before schema 8). */
int store_put_rubric(struct store *st, const char *component, const char *source, const char *text,
		     size_t len, const unsigned char hash[STORE_HASH_LEN],
		     const char *const instructions[2], struct simsa_err *err);
/* Returns 1 and a malloc'd copy of the text in *text if present, 0 if not. */
int store_get_rubric(struct store *st, const char *component, char **text, size_t *len,
		     struct simsa_err *err);

int store_add_entrant(struct store *st, const struct entrant_rec *e, struct simsa_err *err);
/* Returns 1 and the row id if found, 0 if not, -1 on error. */
int store_find_entrant(struct store *st, const char *name, int64_t *row, struct simsa_err *err);

int store_add_prompt(struct store *st, const struct prompt_rec *p, struct simsa_err *err);
int store_find_prompt(struct store *st, const char *id, int64_t *row, struct simsa_err *err);

int store_add_output(struct store *st, const struct output_rec *o, struct simsa_err *err);
/* Records an import: kind ("entrants", ...), the file's path, BLAKE2b of its
 * bytes and the number of records. */
int store_log_import(struct store *st, const char *kind, const char *path,
		     const unsigned char hash[STORE_HASH_LEN], long records, struct simsa_err *err);

int store_counts(struct store *st, struct store_counts *c, struct simsa_err *err);

/* Calls fn for each prompt lacking an output from at least one entrant, in
 * import order, with the number of outputs it has. Stops early if fn
 * returns non-zero. */
int store_each_incomplete_prompt(struct store *st,
				 int (*fn)(void *ctx, const char *prompt_id, long have), void *ctx,
				 struct simsa_err *err);

/* Calls fn for each entrant (import order) with its output count. */
int store_each_entrant(struct store *st, int (*fn)(void *ctx, const char *name, long outputs),
		       void *ctx, struct simsa_err *err);

/* ---- keys and raters (schema 2) ---- */

#define STORE_PK_LEN 32
#define STORE_SIG_LEN 64

enum rater_role { ROLE_NONE = 0, ROLE_EXPERT, ROLE_USER, ROLE_AUDITOR };

const char *rater_role_name(enum rater_role r);
enum rater_role rater_role_parse(const char *s); /* ROLE_NONE if unknown */

struct rater_rec {
	const char *name;
	enum rater_role role;
	unsigned char public_key[STORE_PK_LEN];
	const char *categories_json; /* JSON array of category names, or NULL */
	bool late;                   /* enrolled after open */
	const char *enrolled_at;
	unsigned char signature[STORE_SIG_LEN]; /* the organizer's, over the enrolment */
};

int store_set_organizer(struct store *st, const unsigned char pk[STORE_PK_LEN],
			struct simsa_err *err);
/* 1 and the key if set, 0 if the round has none. */
int store_get_organizer(struct store *st, unsigned char pk[STORE_PK_LEN], struct simsa_err *err);

int store_add_rater(struct store *st, const struct rater_rec *r, struct simsa_err *err);
/* 1 and the row id if a rater of that name exists, 0 if not. */
int store_find_rater(struct store *st, const char *name, int64_t *row, struct simsa_err *err);

/* ---- station keys (schema 7; docs/station.md) ----
 *
 * The SSH public key a rater logs in with at a station ("TYPE BASE64", as
 * sshkey_parse gives it). It moves no point: verify and score never read
 * it, and bundles are written without it. */

/* Sets or replaces the station key of the rater of that row, in the
 * caller's transaction. A key that is another rater's already is refused,
 * naming that rater (sshd would log both in as whichever comes first). */
int store_set_station_key(struct store *st, int64_t rater_row, const char *key,
			  struct simsa_err *err) __attribute__((warn_unused_result));
/* 0 when no rater but the one of rater_row (-1: any) has key as their
 * station key, else -1 naming that rater. */
int store_station_key_free(struct store *st, int64_t rater_row, const char *key,
			   struct simsa_err *err) __attribute__((warn_unused_result));
/* Removes the rater's station key, in the caller's transaction; 1 when
 * there was one, 0 when not. */
int store_drop_station_key(struct store *st, int64_t rater_row, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Calls fn for every rater with a station key, in enrolment order, with
 * the name and the key. Stops early if fn returns non-zero. */
int store_each_station_key(struct store *st,
			   int (*fn)(void *ctx, const char *rater, const char *key), void *ctx,
			   struct simsa_err *err);

/* ---- everything an opening is computed from, as plain values ---- */

struct in_rubric {
	char *component;
	char *text;
	size_t len;
	unsigned char hash[STORE_HASH_LEN];
	char *instructions[2]; /* [0] Korean, [1] English; NULL when none is stored */
};

struct in_entrant {
	int64_t row;
	char *name, *team, *model, *aliases_json;
};

struct in_prompt {
	int64_t row;
	char *id, *category, *prompt, *system, *reference;
};

struct in_output {
	int64_t row;
	uint32_t prompt;  /* index into prompts */
	uint32_t entrant; /* index into entrants */
	unsigned char hash[STORE_HASH_LEN];
	int64_t prompt_row_tmp, entrant_row_tmp; /* used while loading */
};

struct in_rater {
	int64_t row;
	char *name;
	enum rater_role role;
	unsigned char public_key[STORE_PK_LEN];
	char *categories_json;
	bool late;
	char *enrolled_at;
	unsigned char signature[STORE_SIG_LEN];
	/* for verify: name, categories or enrolled_at not text (a BLOB, a NUL
	 * byte): not the values the enrolment signs */
	bool untyped;
};

/* A control task the organizer committed before open (gold import). */
struct in_gold {
	bool known;           /* a pair with a known better answer; else a repeat */
	enum rater_role role; /* who gets it */
	uint32_t prompt;      /* known: indices into prompts, entrants */
	uint32_t better, worse;
	bool dangling; /* known, and its prompt or an entrant is no row (read as 0) */
};

/* A practice task (practice import): never signed, never counted; shown
 * to raters of its role before or beside their tasks. */
struct in_practice {
	char *id; /* the id in the imported file */
	enum rater_role role;
	bool required; /* done before the rater's real tasks */
	char *prompt;
	char *answer[2]; /* shown as A and B */
	char *reference; /* for experts; may be NULL */
	char *note[2];   /* shown once done: [0] Korean, [1] English; may be NULL */
};

/* Rows in canonical order: rubrics by component, the rest by import or
 * enrolment order; outputs by (prompt, entrant). */
struct round_inputs {
	struct round_info info;
	bool has_organizer;
	unsigned char organizer_pk[STORE_PK_LEN];
	struct in_rubric *rubrics;
	size_t n_rubrics;
	struct in_entrant *entrants;
	size_t n_entrants;
	struct in_prompt *prompts;
	size_t n_prompts;
	struct in_output *outputs; /* draft rounds only: the cleartext link */
	size_t n_outputs;
	struct in_rater *raters;
	size_t n_raters;
	struct in_gold *gold;
	size_t n_gold;
	struct in_practice *practice;
	size_t n_practice;
};

/* The index of the entrant, prompt or rater with that row id (the arrays
 * are in row order, so this bisects), or -1. */
long inputs_entrant(const struct round_inputs *in, int64_t row);
long inputs_prompt(const struct round_inputs *in, int64_t row);
long inputs_rater(const struct round_inputs *in, int64_t row);

int store_load_inputs(struct store *st, struct round_inputs *in, struct simsa_err *err)
	__attribute__((warn_unused_result));
void round_inputs_release(struct round_inputs *in);

struct gold_rec {
	bool known;
	enum rater_role role;
	int64_t prompt_row, better_row, worse_row; /* known only */
};

int store_add_gold(struct store *st, const struct gold_rec *g, struct simsa_err *err);
/* A practice task into a draft round (its row id in *row if not NULL). */
int store_add_practice(struct store *st, const struct in_practice *p, struct simsa_err *err);
/* Returns 1 if the round has a practice task with this id, 0 if not. */
int store_find_practice(struct store *st, const char *id, struct simsa_err *err);
/* Returns 1 if the rater (row id) has done practice task id, 0 if not. */
int store_practice_done(struct store *st, int64_t rater_row, const char *id, struct simsa_err *err);
/* Records that the rater did practice task id, with their answer (the
 * draft's JSON): once open only, replacing an earlier one. Unsigned. */
int store_put_practice_done(struct store *st, int64_t rater_row, const char *id,
			    const char *answer_json, struct simsa_err *err);
/* The practice tasks of role, in import order, each with whether the
 * rater (row id) has done it; free with store_practice_rows_release. */
struct practice_row {
	struct in_practice p;
	bool done;
};
int store_rater_practice(struct store *st, int64_t rater_row, enum rater_role role,
			 struct practice_row **out, size_t *n, struct simsa_err *err)
	__attribute__((warn_unused_result));
void store_practice_rows_release(struct practice_row *rows, size_t n);
/* For `simsa status`: role's practice tasks, how many are required, its
 * raters, those who have done every required one, and whether its rubric's
 * instructions are stored in both languages. */
struct practice_counts {
	long long tasks, required, raters, raters_ready;
	bool instructions;
};
int store_practice_counts(struct store *st, enum rater_role role, struct practice_counts *c,
			  struct simsa_err *err) __attribute__((warn_unused_result));
/* The instructions of component's rubric: out[0] Korean, out[1] English,
 * malloc'd, NULL where none is stored (or no such rubric). */
int store_rubric_instructions(struct store *st, const char *component, char *out[2],
			      struct simsa_err *err) __attribute__((warn_unused_result));

/* Calls fn for every output of a draft round with its text (for identity
 * screening). Stops early if fn returns non-zero. */
int store_each_output_text(struct store *st,
			   int (*fn)(void *ctx, int64_t row, int64_t prompt_row,
				     int64_t entrant_row, const char *text, size_t len),
			   void *ctx, struct simsa_err *err);

/* ---- identity screening (draft rounds) ---- */

enum screen_decision { SCREEN_PENDING = 0, SCREEN_ACCEPTED, SCREEN_REDACTED };

int store_add_screen_word(struct store *st, const char *word, struct simsa_err *err);
/* The round's extra screening words, as a new NULL-terminated array
 * (free each and the array). */
int store_screen_words(struct store *st, char ***words, size_t *n, struct simsa_err *err);
int store_set_screen_decision(struct store *st, int64_t output_row, const char *term,
			      enum screen_decision d, struct simsa_err *err);
/* The decision recorded for (output, term), SCREEN_PENDING if none; -1 on error. */
int store_screen_decision(struct store *st, int64_t output_row, const char *term,
			  struct simsa_err *err);
/* Replaces a draft output's text (a redaction); the caller records the decision. */
int store_replace_output(struct store *st, int64_t output_row, const char *text, size_t len,
			 const unsigned char hash[STORE_HASH_LEN], struct simsa_err *err);
/* A malloc'd copy of a draft output's text. */
int store_output_text(struct store *st, int64_t output_row, char **text, size_t *len,
		      struct simsa_err *err);
int store_clear_screen_decisions(struct store *st, int64_t output_row, struct simsa_err *err);
/* 1 and the row (row may be NULL) of the output of (prompt, entrant), 0 if none. */
int store_find_output(struct store *st, int64_t prompt_row, int64_t entrant_row, int64_t *row,
		      struct simsa_err *err);

/* ---- opening ---- */

struct blind_rec {
	char id[33];        /* random, 32 hex digits */
	int64_t output_row; /* the draft output it replaces */
};

struct task_rec {
	int64_t rater_row;
	uint32_t position;
	int64_t prompt_row;
	const char *left; /* blind output ids */
	const char *right;
	const char *kind; /* "normal", "gold_repeat", "gold_known" */
	uint32_t replica;
};

struct opening_rec {
	unsigned char manifest_hash[STORE_HASH_LEN];
	unsigned char seed_commitment[STORE_HASH_LEN];
	unsigned char assignment_hash[STORE_HASH_LEN];
	char opened_at[32];
	unsigned char signature[STORE_SIG_LEN];
	const unsigned char *sealed;
	size_t sealed_len;
	bool untyped; /* read back: opened_at not text (a BLOB, a NUL byte) */
};

/* In one transaction: copies each draft output's prompt, text and hash into
 * blind_output under its new id, stores the tasks and the opening record,
 * deletes the draft outputs (the only place an output met its entrant in
 * the clear) and screening decisions, and marks the round open. Then
 * rewrites the file (VACUUM, with secure_delete) and truncates the WAL, so
 * no removed row survives in free pages. */
int store_open_round(struct store *st, const struct blind_rec *blind, size_t n_blind,
		     const struct task_rec *tasks, size_t n_tasks, const struct opening_rec *op,
		     struct simsa_err *err) __attribute__((warn_unused_result));

/* Stores tasks (of a rater who joined an open round); caller's transaction. */
int store_add_tasks(struct store *st, const struct task_rec *t, size_t n, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Progress of the round's slots: for users a (prompt, pair of outputs), all
 * replicas; for experts one output, all its scorings. A slot is complete
 * when every task in it has a ballot. */
struct slot_progress {
	long total, complete, partial;
};

int store_slot_progress(struct store *st, enum rater_role role, struct slot_progress *p,
			struct simsa_err *err);

/* 1 and the opening record (sealed left NULL) if the round is open, 0 if not. */
int store_get_opening(struct store *st, struct opening_rec *op, struct simsa_err *err);

/* Per rater (enrolment order), for status: tasks, tasks with a counted
 * ballot, ballots cast (superseded ones included), and open drafts. */
struct rater_progress {
	const char *name, *role;
	bool late;
	long tasks, done, ballots, drafts;
	bool ssh_key; /* a station key is recorded (station_key, schema 7) */
};

int store_each_rater(struct store *st, int (*fn)(void *ctx, const struct rater_progress *p),
		     void *ctx, struct simsa_err *err);

/* ---- a rater's session: tasks, drafts, ballots (schema 3) ---- */

struct session_task_rec {
	uint32_t position;
	char *prompt_id, *category, *prompt, *system, *reference;
	char output_id[2][33];
	unsigned char output_hash[2][STORE_HASH_LEN];
};

/* The rater's row, role and public key. 1 found, 0 unknown rater. */
int store_rater(struct store *st, const char *name, int64_t *row, enum rater_role *role,
		unsigned char pk[STORE_PK_LEN], struct simsa_err *err);

/* The rater's tasks in position order (texts not loaded). */
int store_rater_tasks(struct store *st, int64_t rater_row, struct session_task_rec **tasks,
		      size_t *n, struct simsa_err *err);
void store_rater_tasks_release(struct session_task_rec *tasks, size_t n);

/* A blinded output's text (malloc'd). */
int store_blind_text(struct store *st, const char *id, char **text, size_t *len,
		     struct simsa_err *err);

int store_put_draft(struct store *st, int64_t rater_row, uint32_t position, const char *json,
		    struct simsa_err *err);
/* 1 and a malloc'd JSON text, or 0 when there is no draft. */
/* 1 if the rater (row id) has a draft of any task, 0 if none. */
int store_rater_has_draft(struct store *st, int64_t rater_row, struct simsa_err *err);
int store_get_draft(struct store *st, int64_t rater_row, uint32_t position, char **json,
		    struct simsa_err *err);
int store_delete_draft(struct store *st, int64_t rater_row, uint32_t position,
		       struct simsa_err *err);

/* The last ballot of a rater's chain: 1 with its seq and hash, 0 if none. */
int store_chain_head(struct store *st, int64_t rater_row, uint32_t *seq,
		     unsigned char hash[STORE_HASH_LEN], struct simsa_err *err);
/* The counted ballot of a task (not superseded): 1 with its hash, 0 if none. */
int store_task_ballot(struct store *st, int64_t rater_row, uint32_t position,
		      unsigned char hash[STORE_HASH_LEN], struct simsa_err *err);

/* Calls fn for each task of the rater that has a counted ballot (one not
 * superseded), with the task's position, that ballot's place (0-based, in
 * cast order: the ballots stored before it) and its hash. */
int store_each_counted(struct store *st, int64_t rater_row,
		       void (*fn)(void *ctx, uint32_t position, uint32_t place,
				  const unsigned char hash[32]),
		       void *ctx, struct simsa_err *err);

/* The current ballot of a task as stored now (store_task_ballot's), with
 * its place and cast time: 1, or 0 when the task has none. */
struct store_latest {
	unsigned char hash[STORE_HASH_LEN];
	uint32_t place;
	char cast_at[32];
};
int store_task_latest(struct store *st, int64_t rater_row, uint32_t position,
		      struct store_latest *out, struct simsa_err *err);

/* How many ballots the file holds: inside a write transaction, the place
 * of the next ballot cast. */
int store_ballot_count(struct store *st, uint32_t *count, struct simsa_err *err);

/* A signed ballot to store: its bytes, hash and signature, and the plain
 * column values that queries read instead of decoding the bytes, in the
 * form store_each_ballot gives them back (struct ballot_row). The caller
 * decodes them from the ballot it signed (session_ballot_columns), so the
 * store never reads a ballot; `simsa verify` checks they agree with the
 * bytes. Pointers stay the caller's. */
struct ballot_rec {
	int64_t rater_row;
	const unsigned char *bytes;
	size_t len;
	unsigned char hash[STORE_HASH_LEN];
	unsigned char signature[STORE_SIG_LEN];
	uint32_t seq, task_position;
	const unsigned char *supersedes;                   /* 32, or NULL */
	const char *kind;                                  /* "expert" or "user" */
	const unsigned char *left_hash, *right_hash;       /* 32 each */
	int64_t preference, satisfaction;                  /* -1 for NULL */
	const char *scores;                                /* JSON text, or NULL */
	int64_t flags_left, flags_right;                   /* -1 for NULL */
	const char *comment_left, *comment_right, *reason; /* or NULL */
	int64_t active_seconds;
	const char *cast_at;
};

/* Inside the caller's transaction. */
int store_add_ballot(struct store *st, const struct ballot_rec *r, struct simsa_err *err);

/* ---- generation (schema 5) ---- */

/* An entrant as `outputs generate` needs it (all malloc'd; NULL when absent). */
struct gen_entrant_rec {
	int64_t row;
	char *name, *model, *endpoint, *api_key_env, *params_json, *system;
};

/* Entrants in import order: every one, or only the one named (found or not:
 * *n is then 0). Release with store_gen_entrants_release. */
int store_gen_entrants(struct store *st, const char *only, struct gen_entrant_rec **list, size_t *n,
		       struct simsa_err *err) __attribute__((warn_unused_result));
void store_gen_entrants_release(struct gen_entrant_rec *list, size_t n);

/* For one entrant: prompts without an output (*missing), and how many of
 * those failed at their last request (*failed). */
int store_gen_count(struct store *st, int64_t entrant_row, long *missing, long *failed,
		    struct simsa_err *err);

/* Up to max prompt rows after after_prompt (import order) still lacking an
 * output of the entrant; those whose last request failed only when
 * retry_failed. *n is the number found (0: no more). */
int store_gen_pending(struct store *st, int64_t entrant_row, int64_t after_prompt,
		      bool retry_failed, int64_t *rows, size_t max, size_t *n,
		      struct simsa_err *err);

/* A prompt's file id, text and system text (malloc'd; *system NULL if none). */
int store_gen_prompt(struct store *st, int64_t prompt_row, char **ext_id, char **prompt,
		     size_t *prompt_len, char **system, struct simsa_err *err);

/* What came back with a generated output. */
struct gen_meta {
	const char *finish_reason; /* NULL when not reported */
	const char *usage_json;    /* compact JSON object, or NULL */
	const char *params_json;   /* the request without its messages */
	long latency_ms;           /* of the successful attempt */
	long http_status;
	int attempts;
};

/* Inside the caller's transaction (store_begin; check store_require_draft):
 * the output (store_add_output, origin "generate") with its metadata, and
 * an "ok" entry in the generation log. Returns 1 if stored, 0 if the pair
 * got an output meanwhile (another process): nothing written. */
int store_gen_put_output(struct store *st, const struct output_rec *o, const struct gen_meta *m,
			 struct simsa_err *err) __attribute__((warn_unused_result));

/* Inside the caller's transaction: a failed request for (prompt, entrant). */
struct gen_failure_rec {
	int64_t prompt_row, entrant_row;
	const char *reason; /* the group: "HTTP 500", "timeout", ... */
	const char *detail; /* a short text with more, or NULL */
	long http_status;   /* 0 when none */
	int attempts;
	long latency_ms;
};

int store_gen_put_failure(struct store *st, const struct gen_failure_rec *f, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
