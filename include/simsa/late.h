/* late — raters who join an open round. Their tasks come from a stream
 * keyed by their own public key (docs/assignment.md), so adding them never
 * changes anyone else's tasks; the organizer's key opens the sealed seed and
 * output map needed to compute them. */
#ifndef SIMSA_LATE_H
#define SIMSA_LATE_H

#include "simsa/err.h"
#include "simsa/keyfile.h"
#include "simsa/store.h"

/* Inside the caller's transaction, right after a late rater was added:
 * computes and stores that rater's tasks. */
int late_tasks(struct store *st, const struct secret_key *organizer, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
