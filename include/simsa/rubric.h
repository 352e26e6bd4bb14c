/* rubric — parse and validate rubric files (rubrics/NAME.rubric).
 *
 * A rubric is a human-edited INI file (parsed by libinih) stating its
 * component (expert, 35 points, or user, 25 points), its criteria or
 * preference options, and how scores map to points. The format is described
 * in docs/rubrics.md. A rubric that does not add up, has unknown keys or
 * duplicate criteria is refused with "SOURCE:LINE: what is wrong". */
#ifndef SIMSA_RUBRIC_H
#define SIMSA_RUBRIC_H

#include <stdbool.h>
#include <stddef.h>

#include "simsa/err.h"

enum rubric_component {
	RUBRIC_EXPERT = 1, /* criterion scores per output, 35 points */
	RUBRIC_USER = 2,   /* pairwise preference, 25 points */
};

#define RUBRIC_MAX_CRITERIA 16
#define RUBRIC_MAX_LEVELS 11
#define RUBRIC_MAX_LINE 8192 /* bytes in one line (without its newline); longer is refused */

struct rubric_level {
	char *anchor_ko;
	char *anchor_en;
};

struct rubric_criterion {
	char *id; /* from the section name [criterion ID] */
	char *name_ko;
	char *name_en;
	int weight;    /* percent; weights of a rubric sum to 100 */
	int scale_min; /* inclusive */
	int scale_max; /* inclusive; levels = scale_max - scale_min + 1 */
	bool required;
	struct rubric_level levels[RUBRIC_MAX_LEVELS]; /* [0] is scale_min */
};

/* The six outcomes a user can choose in a pairwise task (fixed by the
 * programme); their labels come from the rubric. */
enum rubric_pref {
	PREF_A_MUCH = 0, /* A ≫ B */
	PREF_A,          /* A > B */
	PREF_TIE,
	PREF_B,      /* B > A */
	PREF_B_MUCH, /* B ≫ A */
	PREF_BOTH_BAD,
	PREF_COUNT
};

struct rubric {
	enum rubric_component component;
	int points; /* 35 for expert, 25 for user */
	int version;
	char *title_ko;
	char *title_en;
	/* the instructions files it names ([0] Korean, [1] English), read by
	 * `simsa init` from the rubric's folder; both NULL when not named */
	char *instructions_file[2];
	/* expert */
	size_t n_criteria;
	struct rubric_criterion criteria[RUBRIC_MAX_CRITERIA];
	/* user */
	char *pref_label_ko[PREF_COUNT];
	char *pref_label_en[PREF_COUNT];
	bool has_satisfaction; /* optional satisfaction scale, as a criterion */
	struct rubric_criterion satisfaction;
	/* scoring recipe (used by the score module); [scoring] may leave any key
	 * out: much_better_weight 2, both_bad tie, resamples 1000, seed 1,
	 * identity_revealed exclude, failed_gold exclude, gold_min_items 3,
	 * gold_pass_percent 50 */
	int much_better_weight; /* user: a "much better" vote counts this many wins */
	bool both_bad_as_tie;   /* user: "both bad" counts as a tie (else left out) */
	int bootstrap_resamples;
	unsigned long long bootstrap_seed;
	bool identity_excluded;    /* expert: a ballot flagged "identity revealed" on
				   * either side is left out (else counted) */
	bool failed_gold_excluded; /* a rater who failed the gold items: all their
				   * ballots are left out (else counted, flagged) */
	int gold_min_items;        /* known gold items answered before a rater can fail */
	int gold_pass_percent;     /* fails with fewer than this percent right */
	/* task assignment (used at open), from [assignment] */
	int raters_per_slot;    /* user: independent users per (prompt, pair); default 2 */
	int ratings_per_output; /* expert: experts scoring each output; default 2 */
	bool by_category;       /* expert: experts rate only their enrolled categories */
};

/* Parses text (len bytes, need not be NUL-terminated). source names it in
 * messages (a path, or "rubrics/expert.rubric" for a built-in one).
 * On success *out owns a new rubric; free with rubric_free(). On failure
 * *out is NULL and err says "SOURCE:LINE: [section] key: what is wrong".
 * Not thread-safe: it sets libinih's process-wide options for the duration
 * of the call (and puts them back). */
int rubric_parse(const char *text, size_t len, const char *source, struct rubric **out,
		 struct simsa_err *err) __attribute__((warn_unused_result));

/* Frees and sets *r to NULL. Accepts NULL and *r == NULL. */
void rubric_free(struct rubric **r);

/* "expert" / "user"; rubric_component_parse returns 0 if unknown. */
const char *rubric_component_name(enum rubric_component c);
enum rubric_component rubric_component_parse(const char *s);

/* The stable name of an outcome, as used in rubric keys: "a_much_better",
 * "a_better", "tie", "b_better", "b_much_better", "both_bad". */
const char *rubric_pref_name(enum rubric_pref p);

struct in_rubric;
/* Parses a round's stored rubrics (include/simsa/store.h) into *expert and
 * *user (each NULL when the round has none; the caller frees both, also
 * after a failure). A second rubric for one component, or one for a
 * component that is neither, is refused: a damaged or doctored file may
 * hold either. */
int rubric_parse_round(const struct in_rubric *rubrics, size_t n, struct rubric **expert,
		       struct rubric **user, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
