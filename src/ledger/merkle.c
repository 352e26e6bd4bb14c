/* merkle — RFC 6962 tree hashing with BLAKE2b-256 (see merkle.h). */
#include "simsa/merkle.h"

#include <string.h>

#include <sodium.h>

void merkle_leaf(const unsigned char *bytes, size_t len, const unsigned char sig[64],
		 unsigned char out[MERKLE_HASH_LEN])
{
	crypto_generichash_state h;
	unsigned char prefix = 0x00;

	crypto_generichash_init(&h, NULL, 0, MERKLE_HASH_LEN);
	crypto_generichash_update(&h, &prefix, 1);
	crypto_generichash_update(&h, bytes, len);
	crypto_generichash_update(&h, sig, 64);
	crypto_generichash_final(&h, out, MERKLE_HASH_LEN);
}

static void node(const unsigned char l[MERKLE_HASH_LEN], const unsigned char r[MERKLE_HASH_LEN],
		 unsigned char out[MERKLE_HASH_LEN])
{
	crypto_generichash_state h;
	unsigned char prefix = 0x01;

	crypto_generichash_init(&h, NULL, 0, MERKLE_HASH_LEN);
	crypto_generichash_update(&h, &prefix, 1);
	crypto_generichash_update(&h, l, MERKLE_HASH_LEN);
	crypto_generichash_update(&h, r, MERKLE_HASH_LEN);
	crypto_generichash_final(&h, out, MERKLE_HASH_LEN);
}

void merkle_root(const unsigned char (*leaves)[MERKLE_HASH_LEN], size_t n,
		 unsigned char out[MERKLE_HASH_LEN])
{
	unsigned char l[MERKLE_HASH_LEN], r[MERKLE_HASH_LEN];
	size_t k = 1;

	if (n == 0) {
		crypto_generichash(out, MERKLE_HASH_LEN, NULL, 0, NULL, 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], MERKLE_HASH_LEN);
		return;
	}
	while (k * 2 < n)
		k *= 2; /* the largest power of two below n */
	merkle_root(leaves, k, l);
	merkle_root(leaves + k, n - k, r);
	node(l, r, out);
}
