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
#include "simsa/note.h"
#include "simsa/store.h"

/* Runs every step on the round and returns the report as JSON:
 * {"round_id", "state", "organizer_key", "organizer_fingerprint",
 * "ballot_count", "merkle_root", "closed_at", "ok": bool, "steps":
 * [{"step", "checked", "items", "passed": bool, "failures": [...]}, ...]}. -1 only when the file cannot be
 * read at all; a failed check is in the report. */
int audit_run(struct store *st, json_t **report, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Values published outside the file, pinned by whoever verifies
 * (docs/verify.md, step pinned): the organizer's public key, the sealed
 * Merkle root, and checkpoints (parsed with checkpoint_parse). Any may be
 * NULL / 0. */
struct audit_pins {
	const unsigned char *organizer_pk; /* 32 bytes */
	const unsigned char *root;         /* 32 bytes */
	const struct checkpoint *checkpoints;
	size_t n_checkpoints;
};

/* audit_run, and when pins is not NULL the step pinned: each pinned value
 * against the file (the checkpoints' signatures under the pinned key, or
 * the round's; every ballot a checkpoint covers present, in its place and
 * unchanged). */
int audit_run_pinned(struct store *st, const struct audit_pins *pins, json_t **report,
		     struct simsa_err *err) __attribute__((warn_unused_result));

#endif
