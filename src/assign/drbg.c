/* drbg — ChaCha20 keystream as a deterministic random stream
 * (see include/simsa/drbg.h and docs/assignment.md). */
#include "simsa/drbg.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define LABEL_PREFIX "simsa/assign/v1/"

void drbg_derive_key(unsigned char key[DRBG_KEY_LEN], const unsigned char seed[DRBG_SEED_LEN],
		     const char *label, const unsigned char manifest_hash[DRBG_HASH_LEN],
		     const void *suffix, size_t suffix_len)
{
	static const unsigned char nul = 0;
	crypto_generichash_state st;

	crypto_generichash_init(&st, seed, DRBG_SEED_LEN, DRBG_KEY_LEN);
	crypto_generichash_update(&st, (const unsigned char *)LABEL_PREFIX,
				  sizeof LABEL_PREFIX - 1);
	crypto_generichash_update(&st, (const unsigned char *)label, strlen(label));
	crypto_generichash_update(&st, &nul, 1);
	crypto_generichash_update(&st, manifest_hash, DRBG_HASH_LEN);
	if (suffix_len)
		crypto_generichash_update(&st, suffix, suffix_len);
	crypto_generichash_final(&st, key, DRBG_KEY_LEN);
	sodium_memzero(&st, sizeof st);
}

void drbg_init_key(struct drbg *d, const unsigned char key[DRBG_KEY_LEN])
{
	memcpy(d->key, key, DRBG_KEY_LEN);
	d->pos = DRBG_BUF_BYTES;
	d->next_block = 0;
	d->words = 0;
}

void drbg_init(struct drbg *d, const unsigned char seed[DRBG_SEED_LEN], const char *label,
	       const unsigned char manifest_hash[DRBG_HASH_LEN], const void *suffix,
	       size_t suffix_len)
{
	unsigned char key[DRBG_KEY_LEN];

	drbg_derive_key(key, seed, label, manifest_hash, suffix, suffix_len);
	drbg_init_key(d, key);
	sodium_memzero(key, sizeof key);
}

static void refill(struct drbg *d)
{
	static const unsigned char nonce[crypto_stream_chacha20_ietf_NONCEBYTES];
	const uint32_t blocks = DRBG_BUF_BYTES / 64;

	/* The IETF counter is 32 bits: 2^32 blocks are 256 GiB of draws, far
	 * beyond any round; wrapping would repeat the stream, so stop. */
	if (d->next_block > UINT32_MAX - blocks)
		abort();
	memset(d->buf, 0, sizeof d->buf);
	crypto_stream_chacha20_ietf_xor_ic(d->buf, d->buf, sizeof d->buf, nonce, d->next_block,
					   d->key);
	d->next_block += blocks;
	d->pos = 0;
}

uint32_t drbg_u32(struct drbg *d)
{
	const unsigned char *b;

	if (d->pos + 4 > DRBG_BUF_BYTES)
		refill(d);
	b = d->buf + d->pos;
	d->pos += 4;
	d->words++;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint32_t drbg_uniform(struct drbg *d, uint32_t bound)
{
	uint32_t rem, x;
	uint64_t limit;

	if (bound == 0)
		abort(); /* a caller bug: there is no integer in [0, 0) */
	/* 2^32 mod bound, computed in 32 bits as (2^32 - bound) mod bound. */
	rem = (uint32_t)(0u - bound) % bound;
	limit = ((uint64_t)1 << 32) - rem;
	do
		x = drbg_u32(d);
	while ((uint64_t)x >= limit);
	return x % bound;
}

void drbg_shuffle(struct drbg *d, uint32_t *a, size_t n)
{
	for (size_t i = n; i-- > 1;) {
		uint32_t j = drbg_uniform(d, (uint32_t)i + 1), t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

void drbg_wipe(struct drbg *d)
{
	sodium_memzero(d, sizeof *d);
}
