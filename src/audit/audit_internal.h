/* audit_internal — what the audit's files (src/audit/) share, private to
 * the folder. Calls run one way: audit.c (the steps on the inputs, the
 * seal, and the run) calls audit_ballots.c (the ballots and chains steps);
 * both call audit_report.c (the report and the lookups), which calls
 * neither. audit_pins.c (the pinned step) calls audit_report.c. */
#ifndef SIMSA_AUDIT_INTERNAL_H
#define SIMSA_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "simsa/audit.h"
#include "simsa/opening.h"
#include "simsa/rubric.h"
#include "simsa/store.h"
#include "simsa/store_read.h"

#define MAX_LISTED 50 /* failures listed per step; all are counted */

struct step {
	const char *name, *checked;
	long items, failed;
	json_t *failures;
	double started;
};

/* One stored task, and what the ballots have done with it so far. */
struct atask {
	bool present;
	int64_t prompt_row;
	char kind[16];             /* as stored: "normal", "gold_repeat", "gold_known" */
	uint32_t replica;          /* as stored */
	bool malformed;            /* prompt or replica not an integer in range */
	bool bad_prompt;           /* prompt not one */
	bool replayed;             /* the replay has a task at its place */
	char id[2][33];            /* blind output ids, left and right */
	bool bad_id[2];            /* not of its type: names no output, reveals to no one */
	bool shown[2];             /* an output of that id is stored */
	unsigned char hash[2][32]; /* their text hashes */
	unsigned char current[32]; /* the stored hash of its last ballot so far */
	bool answered;             /* a ballot of the chain names it */
};

/* A rater's tasks by position. */
struct rtasks {
	struct atask *t;
	uint32_t n;
};

/* A stored task of no enrolled rater, or at a position past what rtasks
 * holds (2^28): no replayed task is there, but it is counted and reported,
 * and a ballot of its rater and position finds it. */
struct stray_task {
	int64_t rater_row;
	uint32_t position;
	struct atask t;
};

struct audit {
	struct store *st;
	struct round_inputs in;
	struct rubric *expert, *user;
	bool opened, closed;
	struct opening_rec op;
	struct closing_rec cl;
	struct rtasks *tasks; /* per rater, enrolment order */
	struct stray_task *strays;
	size_t n_strays, cap_strays;
	json_t *stray_index;  /* "rater index:position" -> index into strays */
	size_t n_tasks;       /* stored tasks, but those of bad_key_tasks */
	size_t bad_key_tasks; /* rater or position not an integer in range: left out */
	json_t *blind;        /* id -> [hash hex, prompt row] */
	json_t *owner;        /* id -> entrant row (closed rounds) */
	json_t *stray;        /* "rater:position" of no stored task -> its last ballot's hash */
	json_t *steps;
	/* from the ballots, for the seal */
	unsigned char (*leaves)[32];
	size_t n_leaves, cap_leaves;
	/* with pins only: each leaf's rater index (-1: none), seq and ballot
	 * hash, for naming what a checkpoint covers */
	const struct audit_pins *pins;
	long *leaf_rater;
	uint32_t *leaf_seq;
	unsigned char (*leaf_hash)[32];
	size_t cap_rater, cap_seq, cap_hash;
	uint32_t *head_count; /* per rater (enrolment order) */
	unsigned char (*head)[32];
	struct simsa_err *err;
	bool oom;
};

/* ---- audit_report.c ---- */

void step_begin(struct step *s, const char *name, const char *checked);
void failf(struct step *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void step_end(struct audit *a, struct step *s);
long rater_index(const struct audit *a, int64_t row);
const char *rater_name(const struct audit *a, int64_t row);
/* The stored task of rater index ri at position, or NULL. */
struct atask *audit_task(const struct audit *a, long ri, uint32_t position);

/* A stored column a step reads, and its type: 'i' integer, 't' text (not a
 * BLOB, no NUL byte), NULL passing both; 'h' 32 bytes. A list ends with a
 * NULL table. */
struct typed_col {
	const char *table, *column;
	char type;
};

/* Fails step s once for each column of cols holding a value not of its
 * type: a reader would take it for another value (a REAL rounded to an
 * integer, a text cut at its NUL) and sign or hash that one. Returns how
 * many columns failed (a check that reads them fails too). */
long check_types(struct audit *a, struct step *s, const struct typed_col *cols);

/* audit_closed.c: the steps of a closed round (the seal, the seed and the
 * manifest, the replayed assignment). */
void step_seal(struct audit *a);
void step_seed_and_manifest(struct audit *a);
void step_assignment(struct audit *a);

/* Whether time t (of a closed round's enrolment or ballot) is after the
 * sealed close, or either is not a UTC time and so cannot be placed. */
bool audit_after_close(const struct audit *a, const char *t);
/* t when it is a UTC time, else words saying it is not (never the raw
 * value, which may be anything). */
const char *audit_time(const char *t);

/* ---- audit_ballots.c ---- */

/* The ballots and chains steps. */
void step_ballots(struct audit *a);

/* ---- audit_pins.c ---- */

/* The pinned step: the values published outside the file. */
void step_pinned(struct audit *a);

#endif
