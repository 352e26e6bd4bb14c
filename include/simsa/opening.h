/* opening — `simsa open`: freeze a draft round, commit to a secret seed,
 * blind the outputs and assign every rater's tasks.
 *
 * In order: check the round is complete (and say everything that is
 * missing), draw a 32-byte seed and a manifest salt, hash the manifest,
 * commit to the seed, run the assignment (include/simsa/assign.h), give
 * every output a random opaque id, sign the opening statement with the
 * organizer's key, seal the seed, salt and the output -> entrant map to the
 * organizer's key (crypto_box_seal), and store it all in one transaction
 * that also deletes the cleartext output -> entrant link. Layouts:
 * docs/opening.md. */
#ifndef SIMSA_OPENING_H
#define SIMSA_OPENING_H

#include <jansson.h>

#include "simsa/err.h"
#include "simsa/keyfile.h"
#include "simsa/store.h"

struct open_result {
	unsigned char manifest_hash[32];
	unsigned char seed_commitment[32];
	unsigned char assignment_hash[32];
	char opened_at[32];
	size_t n_tasks;
	size_t n_outputs;
};

/* Appends to problems (a JSON array of strings) everything that keeps this
 * draft round from opening. 0 on success (even with problems), -1 on error. */
int opening_problems(struct store *st, json_t *problems, struct simsa_err *err);

struct assign_result;
/* The assignment of this round's raters recomputed from a seed and manifest
 * hash (for verify, once the seed is revealed). Raters' indices in *out are
 * their enrolment order. */
int opening_replay(struct store *st, const unsigned char seed[32], const unsigned char manifest[32],
		   struct assign_result *out, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Opens the round. organizer must be the key the round has on record.
 * seed_out, when not NULL, receives the seed (for tests only: the seed is
 * otherwise never outside sealed storage before close). */
int round_open(struct store *st, const struct secret_key *organizer, struct open_result *res,
	       unsigned char *seed_out, struct simsa_err *err) __attribute__((warn_unused_result));

/* The manifest version open signs: MANIFEST_VERSION. Tests set 2 to make
 * a round as simsa made them before schema 8 (docs/manifest.md). */
extern int opening_manifest_version;

#endif
