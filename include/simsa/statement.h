/* statement — the messages the organizer signs and the seed commitment, in
 * the canonical encoding of enc.h. Layouts: docs/opening.md. Pure. */
#ifndef SIMSA_STATEMENT_H
#define SIMSA_STATEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/enc.h"

#define STATEMENT_HASH_LEN 32

struct enrolment {
	const char *round_id;
	const char *name;
	const char *role;
	const unsigned char *public_key; /* 32 bytes */
	const char *categories_json;     /* or NULL */
	bool late;
	const char *enrolled_at;
};

/* "simsa/enrolment/v1": round id, name, role, public key, categories, late,
 * time. Appends to b. */
void statement_enrolment(struct buf *b, const struct enrolment *e);

/* "simsa/opening/v1": round id, manifest hash, seed commitment, assignment
 * hash, time. Appends to b. */
void statement_opening(struct buf *b, const char *round_id, const unsigned char manifest[32],
		       const unsigned char commitment[32], const unsigned char assignment[32],
		       const char *opened_at, const unsigned char sealed_hash[32]);

struct chain_head {
	const unsigned char *public_key; /* 32 bytes */
	uint32_t count;                  /* ballots in the chain */
	const unsigned char *head;       /* last ballot's hash, or the genesis value */
};

/* "simsa/seal/v1": round id, manifest hash, seed, manifest salt, ballot
 * count, Merkle root, each rater's chain head (enrolment order), time. */
void statement_seal(struct buf *b, const char *round_id, const unsigned char manifest[32],
		    const unsigned char seed[32], const unsigned char salt[32], uint32_t n_ballots,
		    const unsigned char root[32], const struct chain_head *heads, size_t n_heads,
		    const char *closed_at);

/* BLAKE2b-256 keyed by the seed of "simsa/seed-commitment/v1" || round id
 * || manifest hash: hides the seed, binds it to this round and manifest. */
void seed_commitment(const unsigned char seed[32], const char *round_id,
		     const unsigned char manifest[32], unsigned char out[STATEMENT_HASH_LEN]);

#endif
