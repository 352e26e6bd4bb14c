/* agreement — inter-rater agreement: Krippendorff's alpha (nominal, ordinal,
 * interval, ratio; missing data allowed), Fleiss' kappa, Cohen's kappa
 * (unweighted, linear, quadratic). Formulas and worked examples:
 * docs/scoring.md.
 *
 * Data are "reliability data": ratings grouped by unit, each a category
 * index into cat_value[] (ascending numeric values; for nominal data the
 * numbers are only labels' ranks). Every function takes optional unit
 * multiplicities (the bootstrap's resampled counts; NULL counts each unit
 * once) and fails, with a message, when the statistic is undefined for the
 * data (e.g. no variation at all). Nothing here allocates beyond a call. */
#ifndef SIMSA_AGREEMENT_H
#define SIMSA_AGREEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"

enum agree_level { AGREE_NOMINAL, AGREE_ORDINAL, AGREE_INTERVAL, AGREE_RATIO };
enum agree_method { AGREE_ALPHA, AGREE_FLEISS, AGREE_COHEN };
enum agree_weights { AGREE_UNWEIGHTED, AGREE_LINEAR, AGREE_QUADRATIC };

struct agree_data {
	size_t n_units;
	size_t n_raters;
	size_t n_cats;
	size_t *start;     /* n_units + 1: ratings of unit u are [start[u], start[u+1]) */
	uint32_t *rater;   /* rater index of each rating */
	uint32_t *cat;     /* category index of each rating */
	double *cat_value; /* n_cats, ascending */
	/* optional (may be NULL), for messages and output: */
	char **unit_name;  /* n_units */
	char **rater_name; /* n_raters */
	char **cat_label;  /* n_cats: the label as written (nominal) */
};

/* The largest magnitude of a value at the interval and ratio levels: the
 * sums of squared differences stay finite well beyond any data set's size
 * (the loader refuses larger values at their line; agree_alpha refuses
 * them too). A statistic that still comes out non-finite is an error. */
#define AGREE_MAX_VALUE 1e100

/* Krippendorff's alpha = 1 - (n - 1) * sum o_ck d2_ck / sum n_c n_k d2_ck over
 * the coincidence matrix of pairable values (units with >= 2 ratings). */
int agree_alpha(const struct agree_data *d, enum agree_level level, const uint32_t *unit_mult,
		double *alpha, struct simsa_err *err) __attribute__((warn_unused_result));

/* Fleiss' kappa: every unit (with multiplicity > 0) must have the same
 * number m >= 2 of ratings. */
int agree_fleiss(const struct agree_data *d, const uint32_t *unit_mult, double *kappa,
		 struct simsa_err *err) __attribute__((warn_unused_result));

/* Cohen's kappa between exactly two raters, over the units both rated;
 * weights 1 - |i-j|/(k-1) (linear) or 1 - ((i-j)/(k-1))^2 (quadratic) with
 * i, j category ranks among the k categories in the data. */
int agree_cohen(const struct agree_data *d, enum agree_weights w, const uint32_t *unit_mult,
		double *kappa, struct simsa_err *err) __attribute__((warn_unused_result));

/* The chosen method (level matters to alpha only, weights to Cohen only). */
int agree_compute(const struct agree_data *d, enum agree_method m, enum agree_level level,
		  enum agree_weights w, const uint32_t *unit_mult, double *value,
		  struct simsa_err *err) __attribute__((warn_unused_result));

/* Names as used on the command line: "nominal", "alpha", "linear", ... and
 * the parsers (return -1 when unknown). */
const char *agree_level_name(enum agree_level l);
const char *agree_method_name(enum agree_method m);
const char *agree_weights_name(enum agree_weights w);
int agree_level_parse(const char *s, enum agree_level *l);
int agree_method_parse(const char *s, enum agree_method *m);
int agree_weights_parse(const char *s, enum agree_weights *w);

/* Frees the arrays and zeroes *d. */
void agree_data_release(struct agree_data *d);

#endif
