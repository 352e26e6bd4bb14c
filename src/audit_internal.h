/* audit_internal — what the audit's files (src/audit*.c) share. */
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

#define MAX_LISTED 50 /* failures listed per step; all are counted */

struct step {
	const char *name, *checked;
	long items, failed;
	json_t *failures;
	double started;
};

struct audit {
	struct store *st;
	struct round_inputs in;
	struct rubric *expert, *user;
	bool opened, closed;
	struct opening_rec op;
	struct closing_rec cl;
	json_t *tasks;   /* "rater:position" -> [left id, right id, prompt row] */
	json_t *blind;   /* id -> [hash hex, prompt row] */
	json_t *owner;   /* id -> entrant row (closed rounds) */
	json_t *steps;
	/* from the ballots, for the seal */
	unsigned char (*leaves)[32];
	size_t n_leaves;
	uint32_t *head_count;   /* per rater (enrolment order) */
	unsigned char (*head)[32];
	struct simsa_err *err;
	bool oom;
};

void step_begin(struct step *s, const char *name, const char *checked);
void failf(struct step *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void step_end(struct audit *a, struct step *s);
void hex(const unsigned char *p, size_t n, char *out);
long rater_index(const struct audit *a, int64_t row);
const char *rater_name(const struct audit *a, int64_t row);
/* The ballots and chains steps (src/audit_ballots.c). */
void step_ballots(struct audit *a);

#endif
