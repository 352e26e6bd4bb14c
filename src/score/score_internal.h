/* score_internal — what src/score/score.c shares with src/score/score_export.c: a
 * view of a classified round (which ballots count, numbered clusters). */
#ifndef SIMSA_SCORE_INTERNAL_H
#define SIMSA_SCORE_INTERNAL_H

#include <stdio.h>

#include "simsa/score.h"
#include "simsa/stats.h"
#include "simsa/store.h"

struct score_view {
	const struct round_inputs *in;
	const long *xidx, *uidx, *pidx; /* rater / prompt index -> cluster, -1 if none */
	const struct score_data *d;     /* the counted expert items and user votes */
};

/* The counted user votes as `simsa rank` reads them (score_export_votes). */
int score_write_votes(const struct score_view *v, const struct score_result *r, FILE *f,
		      struct simsa_err *err) __attribute__((warn_unused_result));
/* The ratings of one agreement statistic (score_export_ratings). */
int score_write_ratings(const struct score_view *v, const struct score_result *r,
			const char *crit, FILE *f, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
