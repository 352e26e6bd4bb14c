/* merkle — an RFC 6962 Merkle tree over the ballots in cast order, with
 * BLAKE2b-256: leaf = H(0x00 || data), node = H(0x01 || left || right), the
 * tree split at the largest power of two below n. The root of zero leaves
 * is H() of nothing. Pure. */
#ifndef SIMSA_MERKLE_H
#define SIMSA_MERKLE_H

#include <stddef.h>

#define MERKLE_HASH_LEN 32

/* The leaf hash of one ballot: H(0x00 || ballot bytes || signature). */
void merkle_leaf(const unsigned char *bytes, size_t len, const unsigned char sig[64],
		 unsigned char out[MERKLE_HASH_LEN]);

/* The root over n leaf hashes (already leaf-hashed). */
void merkle_root(const unsigned char (*leaves)[MERKLE_HASH_LEN], size_t n,
		 unsigned char out[MERKLE_HASH_LEN]);

#endif
