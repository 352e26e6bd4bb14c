/* audit — `simsa verify`: every check an auditor who trusts nobody needs,
 * each a step with what it checked, how many items, and the exact failures.
 *
 * Steps (docs/verify.md): the organizer's signature on the opening, every
 * enrolment, every output's hash, every ballot (signature, canonical bytes,
 * the stored columns against the signed bytes, round, manifest, rater, task
 * and the outputs shown), every rater's chain (sequence, links,
 * supersession), and once the round is closed: the seal's signature, the seed
 * against its commitment, the manifest recomputed from the revealed inputs,
 * the assignment replayed from the seed, and the Merkle root and chain heads
 * against the seal. */
#ifndef SIMSA_AUDIT_H
#define SIMSA_AUDIT_H

#include <stdbool.h>

#include <jansson.h>

#include "simsa/err.h"
#include "simsa/store.h"

/* Runs every step on the round and returns the report as JSON:
 * {"round_id", "state", "ok": bool, "steps": [{"step", "checked", "items",
 * "passed": bool, "failures": [...]}, ...]}. -1 only when the file cannot be
 * read at all; a failed check is in the report. */
int audit_run(struct store *st, json_t **report, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
