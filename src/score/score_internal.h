/* score_internal — what the files of src/score/ share: the round being
 * scored as score_load.c reads it and score.c classifies it, and a view
 * of the classified round (which ballots count, numbered clusters) for
 * score_export.c. */
#ifndef SIMSA_SCORE_INTERNAL_H
#define SIMSA_SCORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "simsa/ballot.h"
#include "simsa/rubric.h"
#include "simsa/score.h"
#include "simsa/stats.h"
#include "simsa/store.h"

/* The loader's copy of a task, as the assignment replayed from the
 * revealed seed gives it (never the task table's columns), and of a
 * ballot. */
struct task_ent {
	int64_t rater_row;
	uint32_t position;
	int64_t prompt_row;
	long le, re; /* the entrants shown as A and B (indexes into the inputs) */
	uint32_t replica;
	int gold;    /* 0 normal, 1 gold_known, 2 gold_repeat */
	long ballot; /* its counted ballot (index into loader.bal), -1 */
};

struct ballot_ent {
	int64_t id; /* the ballot's row id (cast order) */
	int64_t rater_row;
	uint32_t position;
	unsigned char hash[32];
	enum ballot_kind kind;
	uint32_t preference;
	uint32_t n_criteria;
	uint32_t scores[2][BALLOT_MAX_CRITERIA];
	uint32_t flags[2];
};

/* Every task, revealed output and ballot of the round (score_load.c),
 * sorted for the lookups below. */
struct loader {
	struct task_ent *tasks;
	size_t n_tasks, cap_tasks;
	struct ballot_ent *bal;
	size_t n_bal, cap_bal;
	unsigned char (*sup)[32]; /* hashes some ballot supersedes */
	size_t n_sup, cap_sup;
	const struct rubric *expert; /* a ballot's criteria must be its (NULL: not checked) */
	struct simsa_err *err;
	int failed; /* a callback failed (err says why) */
};

/* One entrant's raw scores on one expert criterion, as sums: their mean
 * and sd come from them once every ballot is in (criterion_stats). */
struct crit_sums {
	long n;       /* scorings with a score (NA left out) */
	double sum;   /* of the scores */
	double sumsq; /* of their squares */
};

/* The round being scored: what score_load() reads, then what classify()
 * in score.c derives from it (d, used, sums). */
struct build {
	struct round_inputs in;
	struct rubric *rx, *ru;
	struct loader l;
	int64_t *erows, *prows, *rrows;
	long *xidx, *uidx, *pidx; /* cluster numbers, -1 if none */
	struct score_data d;
	struct ballot_status *status;                  /* per ballot of l.bal: its one status */
	bool *used;                                    /* per rater: a ballot not superseded */
	struct crit_sums (*sums)[RUBRIC_MAX_CRITERIA]; /* per entrant, criterion */
};

/* Reads a closed round for scoring into B: its inputs and rubrics, the
 * recipe and the entrants' names into r, then the loader's tasks (replayed)
 * and ballots (score_load.c). -1 (err) if the round cannot be scored. */
int score_load(struct store *st, struct build *B, struct score_result *r, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Reads only the round's ballots into l (decoded from their signed bytes,
 * the superseded hashes sorted), for the statuses before close. */
int score_load_ballots(struct store *st, struct loader *l, struct simsa_err *err)
	__attribute__((warn_unused_result));
void score_loader_free(struct loader *l);
/* The task of a rater's position, NULL if none. */
struct task_ent *score_task(const struct loader *l, int64_t rater_row, uint32_t position);
/* True if some ballot supersedes the ballot with this hash. */
bool score_superseded(const struct loader *l, const unsigned char hash[32]);

struct score_view {
	const struct round_inputs *in;
	const long *xidx, *uidx, *pidx; /* rater / prompt index -> cluster, -1 if none */
	const struct score_data *d;     /* the counted expert items and user votes */
};

/* The counted user votes as `simsa rank` reads them (score_export_votes). */
int score_write_votes(const struct score_view *v, const struct score_result *r, FILE *f,
		      struct simsa_err *err) __attribute__((warn_unused_result));
/* The ratings of one agreement statistic (score_export_ratings). */
int score_write_ratings(const struct score_view *v, const struct score_result *r, const char *crit,
			FILE *f, struct simsa_err *err) __attribute__((warn_unused_result));

/* score.c: the classification of a loaded round (which ballots count,
 * the statuses, the clusters), and freeing what score_load built. */
int score_classify(struct build *B, struct score_result *r, struct simsa_err *err);
void score_build_release(struct build *B);

#endif
