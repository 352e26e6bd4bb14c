/* manifest — the canonical encoding of everything raters are judged on, and
 * its hash, which the organizer signs at open.
 *
 * Covered: the round id, title and creation time, a secret salt (revealed at close, so the hash
 * cannot be used before then to test guesses of who wrote what), the
 * organizer's public key, the rubric texts and their instructions, the
 * entrants, the prompts, each output's hash with its prompt and entrant,
 * the roster of raters enrolled before open, the gold items and the
 * practice tasks. Byte layout: docs/manifest.md. Pure: no I/O. */
#ifndef SIMSA_MANIFEST_H
#define SIMSA_MANIFEST_H

#include <stddef.h>

#include "simsa/store.h"

#define MANIFEST_SALT_LEN 32
#define MANIFEST_HASH_LEN 32
/* The version open signs (docs/manifest.md); 2 is what simsa signed before
 * schema 8, without instructions or practice tasks. */
#define MANIFEST_VERSION 3

/* Feeds the encoding, piece by piece, to sink (for hashing or writing). */
void manifest_encode(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		     void (*sink)(void *ctx, const void *data, size_t len), void *ctx);

/* BLAKE2b-256 of the encoding. */
void manifest_hash(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		   unsigned char out[MANIFEST_HASH_LEN]);
/* The same in a given version (2 or 3). */
void manifest_encode_v(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		       int version, void (*sink)(void *ctx, const void *data, size_t len),
		       void *ctx);
void manifest_hash_v(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		     int version, unsigned char out[MANIFEST_HASH_LEN]);
/* Which version of the inputs' manifest is the hash signed at open: 3, or
 * 2 (a round opened before schema 8) only when no instructions and no
 * practice task are stored, which v2 does not cover; 0 when neither. */
int manifest_match(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		   const unsigned char signed_hash[MANIFEST_HASH_LEN]);

#endif
