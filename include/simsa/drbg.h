/* drbg — the one deterministic random stream behind task assignment.
 *
 * A stream is the ChaCha20 (IETF, RFC 8439) keystream under a 32-byte key,
 * nonce all zero, block counter from 0, read as consecutive little-endian
 * 32-bit words. Its key is a keyed BLAKE2b-256 of a context under the round's
 * seed, so each use of randomness (users, experts, one rater's order, one
 * late rater) has its own independent stream, and the same seed and manifest
 * give the same words on every machine. docs/assignment.md states the exact
 * derivation, the unbiased bounded draw and the shuffle, for auditors.
 *
 * The stream holds key material derived from the secret seed: drbg_wipe()
 * it when done. No function here fails or allocates. */
#ifndef SIMSA_DRBG_H
#define SIMSA_DRBG_H

#include <stddef.h>
#include <stdint.h>

#define DRBG_KEY_LEN 32
#define DRBG_SEED_LEN 32
#define DRBG_HASH_LEN 32
#define DRBG_BUF_BYTES 512 /* a refill is 8 ChaCha20 blocks; not visible in the output */

struct drbg {
	unsigned char key[DRBG_KEY_LEN];
	unsigned char buf[DRBG_BUF_BYTES];
	size_t pos;          /* next unread byte of buf */
	uint32_t next_block; /* ChaCha20 block counter of the next refill */
	uint64_t words;      /* 32-bit words handed out so far (for tests) */
};

/* The stream key for one context:
 *   key = BLAKE2b-256(key = seed,
 *                     message = "simsa/assign/v1/" label || 0x00 ||
 *                               manifest_hash || suffix)
 * label is a short ASCII name without NUL ("users", "experts", "order",
 * "late"); suffix (may be NULL when suffix_len is 0) tells apart streams of
 * the same label, e.g. a rater index or a public key. */
void drbg_derive_key(unsigned char key[DRBG_KEY_LEN], const unsigned char seed[DRBG_SEED_LEN],
		     const char *label, const unsigned char manifest_hash[DRBG_HASH_LEN],
		     const void *suffix, size_t suffix_len);

/* Starts the stream under a raw key (known-answer tests use this). */
void drbg_init_key(struct drbg *d, const unsigned char key[DRBG_KEY_LEN]);

/* drbg_derive_key() then drbg_init_key(). */
void drbg_init(struct drbg *d, const unsigned char seed[DRBG_SEED_LEN], const char *label,
	       const unsigned char manifest_hash[DRBG_HASH_LEN], const void *suffix,
	       size_t suffix_len);

/* The next keystream word (bytes 4i..4i+3, little-endian). */
uint32_t drbg_u32(struct drbg *d);

/* A uniform integer in [0, bound), bound >= 1, without bias: draws words x
 * until x < 2^32 - (2^32 mod bound) and returns x mod bound. Always draws at
 * least one word, even for bound 1. */
uint32_t drbg_uniform(struct drbg *d, uint32_t bound);

/* Fisher–Yates from the end: for i = n-1 down to 1, j = uniform(i+1),
 * swap a[i] and a[j]. n must be below 2^32. Draws nothing when n < 2. */
void drbg_shuffle(struct drbg *d, uint32_t *a, size_t n);

/* Erases the key and buffer. */
void drbg_wipe(struct drbg *d);

#endif
