/* rubric_internal — what the rubric parser's files (src/rubric*.c) share:
 * the parse state and the value checks. */
#ifndef SIMSA_RUBRIC_INTERNAL_H
#define SIMSA_RUBRIC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "simsa/rubric.h"

#define SECTION_MAX 50 /* inih's MAX_SECTION: it keeps 49 bytes of a name */
#define ID_MAX 32
#define LEVEL_MAX 100 /* scale values run from 0 to 100 */
#define MAX_SECTIONS (RUBRIC_MAX_CRITERIA + 4)
#define ANCHOR_SLOT 64 /* key slots >= this are anchors: 64 + 2 * level + lang */

enum kind {
	SEC_NONE,
	SEC_RUBRIC,
	SEC_CRITERION,
	SEC_SATISFACTION,
	SEC_PREFERENCE,
	SEC_SCORING,
	SEC_ASSIGNMENT
};

enum { R_COMPONENT, R_POINTS, R_VERSION, R_TITLE_KO, R_TITLE_EN, R_INSTR_KO, R_INSTR_EN };
/* [rubric] keys before this one are required */
#define R_N_REQUIRED R_INSTR_KO
enum { C_NAME_KO, C_NAME_EN, C_WEIGHT, C_SCALE, C_REQUIRED };
enum {
	S_RESAMPLES,
	S_SEED,
	S_MUCH_BETTER,
	S_BOTH_BAD,
	S_IDENTITY,
	S_FAILED_GOLD,
	S_GOLD_MIN,
	S_GOLD_PASS
};
enum { A_RATERS_PER_SLOT, A_RATINGS_PER_OUTPUT, A_BY_CATEGORY };

struct pstate {
	const char *text, *source;
	size_t len, pos;
	bool line_start, failed;
	int lineno;
	int hdr_line, hdr_keys; /* last "[...]" line read, keys after it */
	char hdr_name[SECTION_MAX];
	struct simsa_err *err;
	struct rubric *r;
	enum kind kind; /* the open section */
	char sec[SECTION_MAX];
	int sec_line;
	struct rubric_criterion *cur;
	int key_line[16];
	char *anchor[LEVEL_MAX + 1][2];
	int anchor_line[LEVEL_MAX + 1][2];
	struct {
		char name[SECTION_MAX];
		int line;
	} seen[MAX_SECTIONS];
	size_t n_seen;
	int rubric_line, weight_sum, weight_line;
	bool has_pref;
};

/* Sets "SOURCE:LINE: message" once and marks the parse failed; -1. */
int rb_fail(struct pstate *st, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, naming the open section and the key, at the current line. */
int rb_key_fail(struct pstate *st, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *rb_value_problem(const char *v, char *why, size_t n);
const char *rb_quoted(const char *s, char *buf, size_t n);
const char *rb_shown(const char *s);
int rb_int_key(struct pstate *st, const char *key, const char *v, long long lo, long long hi,
	       int *out);
int rb_seed_key(struct pstate *st, const char *key, const char *v, unsigned long long *out);
int rb_scale_key(struct pstate *st, const char *key, const char *v, struct rubric_criterion *c);
int rb_str_key(struct pstate *st, char **dst, const char *v);
int rb_choice_key(struct pstate *st, const char *key, const char *v, const char *yes,
		  const char *no, bool *out);

#endif
