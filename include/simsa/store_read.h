/* store_read — what verifying, scoring, exporting and closing read from a
 * round file (src/store/store_read.c and the store's other readers): every
 * ballot with its decoded columns, the tasks, the blinded outputs, the
 * sealed records and chain heads. Part of the store (simsa/store.h), split
 * out as the readers' own header. */
#ifndef SIMSA_STORE_READ_H
#define SIMSA_STORE_READ_H

#include "simsa/store.h"

/* One stored ballot with its decoded columns (pointers valid during the
 * callback only). */
struct ballot_row {
	int64_t id; /* cast order */
	int64_t rater_row;
	uint32_t seq, task_position;
	const unsigned char *hash;       /* 32 */
	const unsigned char *supersedes; /* 32, or NULL */
	const unsigned char *bytes;
	size_t len;
	const unsigned char *signature; /* 64, or NULL when malformed */
	const char *kind;
	const unsigned char *left_hash, *right_hash;
	/* -1 when NULL; -2 when not a non-negative integer (no ballot has
	 * that, so it never matches the signed bytes) */
	int64_t preference, satisfaction;
	const char *scores; /* JSON, or NULL */
	int64_t flags_left, flags_right;
	const char *comment_left, *comment_right, *reason, *cast_at;
	int64_t active_seconds;
	/* the columns not of their type, one bit each (BALLOT_COL_*): rater_id,
	 * seq or task_position not an integer in range, a text column a BLOB
	 * or holding a NUL byte (it would read cut short, and match what the
	 * signed bytes say); the number columns above say it themselves (-2) */
	unsigned untyped;
	bool malformed;      /* untyped != 0 */
	bool bad_supersedes; /* supersedes neither NULL nor 32 bytes (read as NULL) */
};

enum {
	BALLOT_COL_RATER = 1u << 0,
	BALLOT_COL_SEQ = 1u << 1,
	BALLOT_COL_POSITION = 1u << 2,
	BALLOT_COL_KIND = 1u << 3,
	BALLOT_COL_SCORES = 1u << 4,
	BALLOT_COL_COMMENT_LEFT = 1u << 5,
	BALLOT_COL_COMMENT_RIGHT = 1u << 6,
	BALLOT_COL_REASON = 1u << 7,
	BALLOT_COL_CAST_AT = 1u << 8,
};

int store_each_ballot(struct store *st, int (*fn)(void *ctx, const struct ballot_row *b), void *ctx,
		      struct simsa_err *err);

struct task_row {
	int64_t rater_row;
	uint32_t position;
	int64_t prompt_row;
	const char *left, *right, *kind;
	uint32_t replica;
	bool bad_key;       /* rater_id or position not an integer in range */
	bool malformed;     /* prompt_id or replica not an integer in range */
	bool bad_prompt;    /* prompt_id not an integer in range */
	bool bad_output[2]; /* left_output, right_output not text (a BLOB, a NUL) */
};

int store_each_task(struct store *st, int (*fn)(void *ctx, const struct task_row *t), void *ctx,
		    struct simsa_err *err);

/* Every blinded output: id, prompt row, text, stored hash, and whether
 * the id is text without a NUL byte (else it is read cut short). */
int store_each_blind(struct store *st,
		     int (*fn)(void *ctx, const char *id, int64_t prompt_row, const char *text,
			       size_t len, const unsigned char hash[STORE_HASH_LEN], bool id_whole),
		     void *ctx, struct simsa_err *err);

/* What open and close remove, counted: rows that an open round must not
 * have (draft outputs, generation records, screening words and decisions,
 * the import log), values it must not keep (rubric paths, entrants'
 * endpoints, key variables, parameters, system prompts), and drafts, which
 * a closed round must not have. */
struct store_leftovers {
	long outputs, generations, screen_decisions, screen_words, imports;
	long rubric_sources, entrant_settings;
	long drafts;
};

/* Tasks whose row id is not greater than the id of the task before them in
 * (rater, position) order (tasks are stored in that order), or -1. */
long store_task_ids_out_of_order(struct store *st, struct simsa_err *err);

/* How many values of table.column are not of its type, or -1: integer
 * ('i': not a REAL, not text), or text ('t': not a BLOB, no NUL byte,
 * which a reader would cut the value at), NULL passing both; or a 32-byte
 * value ('h': 32 bytes whatever the storage class, not NULL). table and
 * column are constants of the caller, never input. */
long store_untyped(struct store *st, const char *table, const char *column, char type,
		   struct simsa_err *err);

int store_leftovers(struct store *st, struct store_leftovers *lo, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* The sealed secrets of an open round (malloc'd). */
int store_get_sealed(struct store *st, unsigned char **blob, size_t *len, struct simsa_err *err);
long store_draft_count(struct store *st, struct simsa_err *err);

struct closing_rec {
	unsigned char seed[32], salt[32];
	uint32_t ballot_count;
	unsigned char merkle_root[32];
	char closed_at[32];
	unsigned char signature[STORE_SIG_LEN];
	bool malformed;     /* ballot_count not an integer in 0..2^32-1 (read back) */
	bool bad_closed_at; /* closed_at not text (a BLOB, a NUL byte; read back) */
};

struct reveal_rec {
	const char *output_id;
	int64_t entrant_row;
};

struct head_rec {
	int64_t rater_row;
	uint32_t count;
	unsigned char head[32];
};

/* Inside the caller's transaction (store_begin, taken before the ballots
 * the seal covers were read; the caller commits, or rolls back on failure):
 * the seal, the revealed identities and chain heads, the drafts removed,
 * and the round marked closed. */
int store_close_round(struct store *st, const struct closing_rec *c,
		      const struct reveal_rec *reveal, size_t n_reveal,
		      const struct head_rec *heads, size_t n_heads, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Writes a copy of the round to path (which must not exist) without the
 * drafts and screening notes: what an auditor needs, nothing private. */
int store_export_bundle(struct store *st, const char *path, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* 1 and the seal if the round is closed, 0 if not. */
int store_get_closing(struct store *st, struct closing_rec *c, struct simsa_err *err);
/* Each revealed (output id, entrant row), and whether both are of their
 * type (the id text without a NUL byte, the entrant an integer). */
int store_each_reveal(struct store *st,
		      int (*fn)(void *ctx, const char *id, int64_t entrant, bool typed), void *ctx,
		      struct simsa_err *err);
/* Each sealed chain head (rater row, count, head); count is -1 when the
 * stored one is not an integer in 0..2^32-1, the rater row -1 when it is
 * not a non-negative integer. */
int store_each_head(struct store *st,
		    int (*fn)(void *ctx, int64_t rater, int64_t count, const unsigned char *head),
		    void *ctx, struct simsa_err *err);

#endif
