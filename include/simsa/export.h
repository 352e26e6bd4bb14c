/* export — the round as plain records, for auditors who trust nobody and
 * for analysts: `simsa export --format jsonl|csv`.
 *
 * jsonl: one JSON object per line with a "kind", in this order: round,
 * rubric, entrant, prompt, rater, opening, output, task, ballot, seal (the
 * ones the round has so far), enough to replay the assignment and recheck
 * every signature without simsa's database. Once the round is closed the
 * outputs carry their entrant; every ballot carries its one status
 * (score.h, score_ballot_statuses: "status", "reason" or null) and
 * "counted", true only for the status counted.
 * csv: a header, then one row per ballot in cast order, in plain form for R
 * or pandas (entrants filled once the round is closed); `counted` is yes
 * only for the status counted, `status` and `reason` are the last columns.
 *
 * Both write to out, which stays the caller's (opened, flushed and closed
 * by it, and its write errors checked by it); nothing in the round changes.
 * On -1 (the round cannot be read) err says why and out may hold part of
 * the records. */
#ifndef SIMSA_EXPORT_H
#define SIMSA_EXPORT_H

#include <stdio.h>

#include "simsa/err.h"
#include "simsa/store.h"

int export_jsonl(struct store *st, FILE *out, struct simsa_err *err)
	__attribute__((warn_unused_result));
int export_csv(struct store *st, FILE *out, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
