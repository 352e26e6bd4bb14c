/* closing — `simsa close`: reveal the seed and who wrote what, and seal the
 * round with the organizer's signature over the Merkle root of all ballots
 * and every rater's chain head. After it nothing can be cast. Layouts:
 * docs/ballot-format.md (seal statement, Merkle tree). */
#ifndef SIMSA_CLOSING_H
#define SIMSA_CLOSING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"
#include "simsa/keyfile.h"
#include "simsa/store.h"

/* One blinded output and whom it belongs to. */
struct owner {
	char id[33];
	uint32_t prompt, entrant; /* indices into round_inputs */
	unsigned char hash[32];   /* the stored text's hash */
};

/* Fills in->outputs (sorted by prompt, then entrant) from owners, so the
 * manifest of an open or closed round can be recomputed. */
int inputs_attach_owners(struct round_inputs *in, const struct owner *owners, size_t n,
			 struct simsa_err *err) __attribute__((warn_unused_result));

/* What the organizer sealed at open. */
struct secrets {
	unsigned char seed[32], salt[32];
	struct owner *owners; /* hash filled by round_close, not by round_unseal */
	size_t n;
};

/* Opens the sealed secrets of an open round with the organizer's key. */
int round_unseal(struct store *st, const struct secret_key *org, struct secrets *s,
		 struct simsa_err *err) __attribute__((warn_unused_result));
/* Wipes and frees. */
void secrets_release(struct secrets *s);

struct close_result {
	uint32_t ballots;
	unsigned char merkle_root[32];
	char closed_at[32];
	long drafts_dropped;
};

/* Closes the round in one write transaction: takes the write lock
 * (store_begin_eager), then reads the ballots, drafts and secrets, signs the seal
 * and marks the round closed, so every ballot committed before is in the
 * seal and every cast after is refused. Unlock the organizer's key before
 * calling. Refuses while drafts are unsubmitted unless force. */
int round_close(struct store *st, const struct secret_key *organizer, bool force,
		struct close_result *res, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
