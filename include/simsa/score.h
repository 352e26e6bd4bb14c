/* score — the points of a closed round: the 35-point expert component, the
 * 25-point user component, the optional 40-point benchmark component, the
 * 100-point total, their 95% bootstrap intervals and ranks with statistical
 * ties. Everything is computed from the signed ballot bytes, the tasks and
 * the identities revealed at close, so an exported bundle gives the same
 * figures to the last digit. Formulas, exclusions and a worked example:
 * docs/scoring.md ("Points of a round").
 *
 * The user component reuses rank_compute() (stats.h) for its point
 * estimates, exactly as `simsa rank` computes them; the intervals come from
 * one joint cluster bootstrap (experts, users, prompts) over all
 * components (bootstrap.h, bradley_terry.h). Reported beside the points, never
 * changing them: the expert component corrected for rater severity, the
 * agreement within the round and each rater against the panel, with
 * flags (src/score/score_agree.c). */
#ifndef SIMSA_SCORE_H
#define SIMSA_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "simsa/agreement.h"
#include "simsa/err.h"
#include "simsa/rubric.h"
#include "simsa/store.h"

struct vote; /* stats.h */

#define SCORE_EXPERT_POINTS 35.0
#define SCORE_USER_POINTS 25.0
#define SCORE_BENCH_POINTS 40.0
/* an expert's values with a smaller sd (on 0..1) are taken as all equal */
#define SCORE_SD_ZERO 1e-12

struct score_criterion_stat {
	double mean; /* mean raw score on the criterion's scale (NAN: none) */
	double sd;   /* sample standard deviation (NAN: fewer than 2) */
	long n;      /* scorings with a score (NA left out) */
};

struct score_entrant {
	char *name;
	/* expert component */
	double expert_mean;                     /* 0..1: mean over outputs of the mean scoring */
	double expert, expert_low, expert_high; /* points out of 35 */
	/* the same after the rater-severity correction: reported, not official */
	double expert_corrected, expert_corrected_low, expert_corrected_high;
	long expert_outputs, expert_scorings;
	struct score_criterion_stat crit[RUBRIC_MAX_CRITERIA];
	/* user component (rank_compute's figures) */
	double strength, expected;
	double user, user_low, user_high;       /* points out of 25 */
	double rating, rating_low, rating_high; /* Elo scale, mean 1000 */
	double win_rate, votes;
	/* benchmark and total */
	double benchmark;                    /* NAN without --benchmark */
	double total, total_low, total_high; /* out of 100 (60 without benchmark) */
	int rank;                            /* on the total's interval */
};

struct score_counts {
	long expert_ballots;       /* counted expert ballots in the points */
	long user_ballots;         /* counted user ballots in the points */
	long superseded;           /* ballots replaced by a later one: not counted */
	long gold;                 /* counted ballots of gold tasks: not in the points */
	long identity_excluded;    /* counted expert ballots flagged "identity revealed" */
	long failed_gold_raters;   /* raters left out for failing the gold items */
	long failed_gold_excluded; /* their counted (non-gold) ballots */
	long self_dropped, both_bad_dropped; /* user votes left out by rank_compute */
	long experts, users, prompts;        /* clusters the bootstrap resamples */
	long discarded;                      /* bootstrap resamples redrawn: no estimate in them */
};

struct score_gold {
	long user_known, user_correct;     /* users: chose the known-better side */
	long expert_known, expert_correct; /* experts: scored it strictly higher */
	long user_repeat, expert_repeat;   /* repeat items answered (not scored) */
};

/* One agreement figure within the round (docs/scoring.md "Agreement
 * within a round"). */
struct score_agree_stat {
	const char *what;         /* a criterion id (r->crit_id) or "preference" */
	enum agree_method method; /* alpha, or Fleiss' kappa */
	enum agree_level level;
	double value, low, high; /* NAN: undefined or not applicable (note says why) */
	long units;              /* units with at least two ratings */
	char note[200];
};

/* Flagging thresholds (docs/scoring.md "Flagged raters"). */
#define SCORE_FLAG_MIN_ITEMS 3    /* repeats, shared items (gold: the rubric's) */
#define SCORE_FLAG_Z 3.0          /* robust z beyond which a rater stands out */
#define SCORE_FLAG_MIN_PANEL 3    /* raters of a role needed to judge a panel */
#define SCORE_FLAG_EXPERT_GAP 0.1 /* and at least this far from the median */
#define SCORE_FLAG_USER_GAP 0.2

/* A rater against the rest of the panel. Reported, never applied. */
struct score_rater {
	char *name;
	bool expert;
	long cluster;        /* index among the bootstrap's experts or users, -1 */
	long shared;         /* experts: outputs also scored by another expert;
				   * users: votes on a slot where the other users
				   * have a majority direction */
	double disagreement; /* experts: mean |v - mean of the others' v| (NAN: none) */
	double match_rate;   /* users: share of those votes with the majority (NAN) */
	double panel_z;      /* robust z, > 0 worse than the panel (NAN: not judged) */
	long gold_known, gold_correct;
	long repeats, repeats_reversed; /* repeat items with their original; reversed */
	bool gold_failed;               /* by the rubric's gold_min_items, gold_pass_percent */
	bool gold_excluded;             /* and so left out of the points (failed_gold = exclude) */
	bool flagged;
	char reason[240];
};

struct score_result {
	char round_id[33];
	char *title;
	char closed_at[32];
	size_t n; /* entrants, import order */
	struct score_entrant *e;
	size_t n_criteria;
	char *crit_id[RUBRIC_MAX_CRITERIA];
	int crit_weight[RUBRIC_MAX_CRITERIA];
	int crit_min[RUBRIC_MAX_CRITERIA], crit_max[RUBRIC_MAX_CRITERIA];
	int much_better_weight;
	bool both_bad_as_tie;
	bool identity_excluded; /* expert rubric's identity_revealed = exclude */
	/* the gold rule per role, [0] experts, [1] users (the rubrics' [scoring]) */
	bool failed_gold_excluded[2];
	int gold_min_items[2], gold_pass_percent[2];
	uint32_t resamples; /* of the joint bootstrap (0: none) */
	uint64_t seed;
	bool seeds_differ; /* the two rubrics state different settings */
	bool has_benchmark;
	double total_max; /* 100 with a benchmark, else 60 */
	struct score_counts counts;
	struct score_gold gold;
	struct score_agree_stat *agree; /* per criterion (ordinal, interval), preference */
	size_t n_agree;
	struct score_rater *raters; /* experts and users with a counted ballot */
	size_t n_raters;
};

/* Scores a closed round (or bundle). benchmark_csv (may be NULL) is a CSV
 * `entrant,points`, every entrant once, points 0..40. Refuses a round that
 * is not closed. */
int score_round(struct store *st, const char *benchmark_csv, struct score_result *r,
		struct simsa_err *err) __attribute__((warn_unused_result));
void score_result_release(struct score_result *r);

/* Writes the user votes that count in the user component of a closed
 * round, after every exclusion, as `simsa rank` reads them: CSV
 * `rater,prompt,left,right,outcome,much` (entrant names; outcome left,
 * right, tie or bothbad). `simsa export --format votes`. */
int score_export_votes(struct store *st, FILE *out, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Writes the experts' raw scores on one criterion of a closed round that
 * count, as `simsa agreement` reads them: CSV `unit,rater,value`, a unit an
 * output (PROMPT/ENTRANT), one rating per unit and expert (the first cast);
 * criterion "preference": the users' votes as +2..-2 per slot
 * (PROMPT/FIRST|SECOND). `simsa export --format ratings --criterion ID`. */
int score_export_ratings(struct store *st, const char *criterion, FILE *out, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* One status per ballot (docs/scoring.md "Ballot statuses"), the one
 * definition that score's counts, `simsa receipt` and every export use.
 * After close, exactly one of counted (in the points), superseded (a later
 * ballot of the same task replaced it), gold (a gold task: checks the rater,
 * never in the points) or excluded with its reason (the rubrics' recipe:
 * the rater failed the gold items, or an expert flagged "identity
 * revealed"), in this order of precedence. Before close only recorded or
 * superseded: which tasks are gold is not told to anyone who reads it. */
enum ballot_status_kind {
	STATUS_RECORDED,
	STATUS_COUNTED,
	STATUS_SUPERSEDED,
	STATUS_GOLD,
	STATUS_EXCLUDED,
	STATUS_COUNT
};
enum ballot_status_reason { REASON_NONE, REASON_FAILED_GOLD, REASON_IDENTITY, REASON_COUNT };

struct ballot_status {
	int64_t id; /* the ballot's id (cast order) */
	enum ballot_status_kind status;
	enum ballot_status_reason reason; /* REASON_NONE unless STATUS_EXCLUDED */
};

struct ballot_statuses {
	bool closed;             /* the statuses after close */
	struct ballot_status *b; /* every ballot of the round, by id */
	size_t n;
};

/* The status of every ballot, from the signed bytes and the same
 * classification score_round() uses (after close), or from the
 * supersession chains alone (before close). -1 (err) when the round cannot
 * be read or classified. */
int score_ballot_statuses(struct store *st, struct ballot_statuses *out, struct simsa_err *err)
	__attribute__((warn_unused_result));
void score_statuses_release(struct ballot_statuses *s);
/* The status of ballot id, NULL if the round has none. */
const struct ballot_status *score_status_of(const struct ballot_statuses *s, int64_t id);
/* "recorded", "counted", "superseded", "gold", "excluded" */
const char *score_status_name(enum ballot_status_kind k);
/* "", "failed gold", "identity revealed" */
const char *score_reason_name(enum ballot_status_reason r);

/* Reads the benchmark CSV into points[i] for names[i] (n of them). */
int score_load_benchmark(const char *path, char *const *names, size_t n, double *points,
			 struct simsa_err *err) __attribute__((warn_unused_result));

/* Chart cells (of w) that a value v on the axis 0..max covers:
 * round(w * v / max), kept within 0..w. */
int score_chart_cells(double v, double max, int w);
/* The bar and whisker of a total in w cells (out: w + 1 bytes): `#` on
 * cells 1..n(total), `|` on cells max(1, n(low)) and max(1, n(high)), `-`
 * on the cells between them that the bar does not cover, `.` elsewhere,
 * with n(v) = score_chart_cells(v, max, w). No whisker when low or high is
 * NAN. */
void score_chart(char *out, int w, double total, double low, double high, double max);

/* ---- internal to src/score*.c ---- */

/* One counted, included scoring or vote, as the bootstrap needs it. */
struct score_item {
	uint32_t rater;       /* cluster index among experts or users */
	uint32_t prompt;      /* cluster index among prompts */
	uint32_t left, right; /* entrant indices */
	double value[2];      /* experts: normalized weighted score per side (NAN: none) */
	uint32_t raw[2][RUBRIC_MAX_CRITERIA]; /* experts: the scores (BALLOT_SCORE_NA...) */
	uint8_t outcome, much;                /* users: enum vote_outcome, much better */
};

struct score_data {
	size_t n_entrants, n_prompts;
	size_t n_expert_raters, n_user_raters;
	struct score_item *ex; /* expert ballots */
	size_t n_ex;
	struct score_item *us; /* user votes */
	size_t n_us;
	struct vote *votes; /* the same user votes as simsa rank's struct vote */
};

/* Expert means per entrant under cluster multiplicities (NULL: all 1):
 * mean[e] over outputs (prompt, e) weighted by prompt multiplicity of the
 * output's mean scoring weighted by expert multiplicity; NAN when e has
 * no weight left. outputs/scorings (may be NULL) count what was used. */
int score_expert_means(const struct score_data *d, const uint32_t *xm, const uint32_t *pm,
		       double *mean, long *outputs, long *scorings, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* The rater-severity correction (docs/scoring.md): out[2k + s] is
 * d->ex[k].value[s] standardized within its expert and mapped back with the
 * pooled mean and sd; an expert with fewer than 2 scorings or sd 0 keeps
 * their values (sd below SCORE_SD_ZERO counts as 0). Every sum counts a scoring (xm[rater] * pm[prompt]) times
 * (NULL: 1), as if the drawn clusters were copied. out has 2 * d->n_ex
 * entries (NAN where value is NAN). */
int score_severity(const struct score_data *d, const uint32_t *xm, const uint32_t *pm, double *out,
		   struct simsa_err *err) __attribute__((warn_unused_result));

/* score_expert_means() of the severity-corrected values. */
int score_corrected_means(const struct score_data *d, const uint32_t *xm, const uint32_t *pm,
			  double *mean, struct simsa_err *err) __attribute__((warn_unused_result));

/* The joint bootstrap: fills the _low/_high fields of r->e. */
int score_bootstrap(const struct score_data *d, struct score_result *r, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Agreement within the round (src/score/score_agree.c): fills r->agree from the
 * experts' raw scores and the user votes (intervals: agree_with_interval
 * with r->seed and r->resamples), the panel figures of r->raters (matched
 * by cluster), then score_flag_raters(). */
int score_agreement(const struct score_data *d, struct score_result *r, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* A user vote as a value for the preference's agreement: +2 .. -2 for the
 * slot's entrants in index order (the first much better .. the second much
 * better, 0 a tie); *unit = (prompt * ne + first) * ne + second. False for
 * "both bad" (no order) and self-comparisons: left out. */
bool score_pref_value(const struct score_item *v, size_t ne, uint64_t *unit, double *val);

/* Sets panel_z, flagged and reason of every rater by the documented rule. */
void score_flag_raters(struct score_rater *rt, size_t n);

#endif
