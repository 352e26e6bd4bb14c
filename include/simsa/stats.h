/* stats — the standalone statistics behind `simsa agreement` and
 * `simsa rank`: reading their CSV files and ranking entrants from pairwise
 * votes with Bradley–Terry strengths and cluster-bootstrap intervals.
 * The formulas: docs/scoring.md. The pieces: agreement.h, bradley_terry.h,
 * bootstrap.h. */
#ifndef SIMSA_STATS_H
#define SIMSA_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/agreement.h"
#include "simsa/err.h"

enum vote_outcome { VOTE_LEFT, VOTE_RIGHT, VOTE_TIE, VOTE_BOTHBAD };

struct vote {
	uint32_t left, right;   /* entrant indices */
	uint32_t rater, prompt; /* cluster indices (0 when the column is absent) */
	uint8_t outcome;        /* enum vote_outcome */
	uint8_t much;           /* 1: "much better" (left/right only) */
};

/* Adds one vote of weight w to the n x n wins matrix (wins[i*n+j]: wins of
 * i over j) by the rules of docs/scoring.md: a tie is half a win each way,
 * "much better" counts much_weight wins, "both bad" a tie or nothing,
 * self-comparisons nothing. */
void votes_add(double *wins, size_t n, uint32_t left, uint32_t right, unsigned outcome, bool much,
	       double w, unsigned much_weight, bool both_bad_tie);

/* Votes compiled once for many weighted tallies (src/stats/vote_tally.c): each
 * counting vote reduced to a code (unordered pair, outcome class) and
 * sorted by a primary cluster ("group"), with an optional secondary
 * cluster per vote. The bootstrap's inner loop. */
struct vote_tally {
	size_t n;        /* entrants */
	size_t n_groups; /* primary clusters */
	size_t n_second; /* secondary clusters (0: none) */
	size_t *start;   /* n_groups + 1: group g's votes are [start[g], start[g+1]) */
	uint32_t *code;  /* low code_bits: the code; when packed, the second
				 * cluster in the bits above */
	unsigned code_bits;
	bool packed;
	uint32_t *second; /* secondary cluster of each vote when not packed */
	double much_weight;
};

/* The clusters as the bootstrap draws them (docs/scoring.md): the primary
 * one is the rater when there are raters (n_raters > 0), else the prompt,
 * else the vote itself; the prompt is second when there are both.
 * Self-comparisons and, unless both_bad_tie, "both bad" votes are left out. */
int vote_tally_init(struct vote_tally *t, size_t n, const struct vote *v, size_t nv,
		    size_t n_raters, size_t n_prompts, int much_weight, bool both_bad_tie,
		    struct simsa_err *err) __attribute__((warn_unused_result));
/* The wins matrix (n x n, as votes_add builds it) with vote weight
 * gm[group] * sm[second] (NULL: 1). acc is scratch of n * n * 5 doubles.
 * Exactly the matrix votes_add gives: integer weights, half wins. */
void vote_tally_wins(const struct vote_tally *t, const uint32_t *gm, const double *sm, double *acc,
		     double *wins);
void vote_tally_release(struct vote_tally *t);

struct vote_set {
	size_t n_votes;
	struct vote *v;
	size_t n_entrants;
	char **entrant;  /* sorted by bytes */
	size_t n_raters; /* 0 when the file has no rater column */
	char **rater;
	size_t n_prompts; /* 0 when the file has no prompt column */
	char **prompt;
};

struct rank_opts {
	bool both_bad_tie;  /* true: "both bad" is a tie; false: left out */
	int much_weight;    /* wins one "much better" vote counts as (>= 1) */
	uint32_t resamples; /* 0: no bootstrap */
	uint64_t seed;
};

struct rank_entry {
	double strength;                /* Bradley–Terry, geometric mean 1 */
	double expected;                /* expected win probability against the field */
	double points;                  /* 25 * expected */
	double win_rate;                /* (wins + ties / 2) / votes, each vote once */
	double votes;                   /* votes counted for this entrant */
	double rating;                  /* Elo scale, mean 1000 */
	double ci_low, ci_high;         /* 95% interval of rating (NAN without bootstrap) */
	double points_low, points_high; /* 95% interval of points */
	int rank;                       /* 1 + entrants surely better (see boot_rank) */
};

struct rank_result {
	size_t n; /* = vote_set.n_entrants */
	struct rank_entry *e;
	size_t self_dropped;     /* votes with left == right */
	size_t both_bad_dropped; /* "both bad" votes left out (--both-bad exclude) */
	size_t discarded;        /* bootstrap resamples without an MLE, redrawn */
	const char *cluster;     /* what the bootstrap resampled: "votes", "raters",
				 * "prompts" or "raters and prompts" */
};

/* Reads `left,right,outcome` (+ optional `much`, `rater`, `prompt`). */
int votes_load_csv(const char *path, struct vote_set *vs, struct simsa_err *err)
	__attribute__((warn_unused_result));
void vote_set_release(struct vote_set *vs);

/* Fits, derives and bootstraps; r->e has vs->n_entrants entries, in the
 * order of vs->entrant. */
int rank_compute(const struct vote_set *vs, const struct rank_opts *o, struct rank_result *r,
		 struct simsa_err *err) __attribute__((warn_unused_result));
void rank_result_release(struct rank_result *r);

/* Reads `unit,rater,value`: values are labels at the nominal level and
 * numbers otherwise; one rating per unit and rater. */
int agree_load_csv(const char *path, enum agree_level level, struct agree_data *d,
		   struct simsa_err *err) __attribute__((warn_unused_result));

/* The statistic and, when resamples > 0, its 95% interval from resampling
 * units (lo, hi are NAN otherwise). A resample in which the statistic is
 * undefined (no variation left) is redrawn and counted in *discarded (may
 * be NULL); more than resamples / 10 of them is an error (too few units). */
int agree_with_interval(const struct agree_data *d, enum agree_method m, enum agree_level level,
			enum agree_weights w, uint32_t resamples, uint64_t seed, double *value,
			double *lo, double *hi, uint32_t *discarded, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
