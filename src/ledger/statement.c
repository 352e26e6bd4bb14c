/* statement — signed messages and the seed commitment (see statement.h). */
#include "simsa/statement.h"

#include <sodium.h>

void statement_enrolment(struct buf *b, const struct enrolment *e)
{
	struct enc o = buf_enc(b);

	enc_tag(&o, "simsa/enrolment/v1");
	enc_str(&o, e->round_id);
	enc_str(&o, e->name);
	enc_str(&o, e->role);
	enc_raw(&o, e->public_key, 32);
	enc_opt(&o, e->categories_json);
	enc_u8(&o, e->late);
	enc_str(&o, e->enrolled_at);
}

void statement_opening(struct buf *b, const char *round_id, const unsigned char manifest[32],
		       const unsigned char commitment[32], const unsigned char assignment[32],
		       const char *opened_at, const unsigned char sealed_hash[32])
{
	struct enc o = buf_enc(b);

	enc_tag(&o, "simsa/opening/v2");
	enc_str(&o, round_id);
	enc_raw(&o, manifest, 32);
	enc_raw(&o, commitment, 32);
	enc_raw(&o, assignment, 32);
	enc_str(&o, opened_at);
	enc_raw(&o, sealed_hash, 32);
}

void statement_seal(struct buf *b, const char *round_id, const unsigned char manifest[32],
		    const unsigned char seed[32], const unsigned char salt[32], uint32_t n_ballots,
		    const unsigned char root[32], const struct chain_head *heads, size_t n_heads,
		    const char *closed_at)
{
	struct enc o = buf_enc(b);

	enc_tag(&o, "simsa/seal/v1");
	enc_str(&o, round_id);
	enc_raw(&o, manifest, 32);
	enc_raw(&o, seed, 32);
	enc_raw(&o, salt, 32);
	enc_u32(&o, n_ballots);
	enc_raw(&o, root, 32);
	enc_u32(&o, (uint32_t)n_heads);
	for (size_t i = 0; i < n_heads; i++) {
		enc_raw(&o, heads[i].public_key, 32);
		enc_u32(&o, heads[i].count);
		enc_raw(&o, heads[i].head, 32);
	}
	enc_str(&o, closed_at);
}

static void hash_sink(void *ctx, const void *data, size_t len)
{
	crypto_generichash_update(ctx, data, len);
}

void seed_commitment(const unsigned char seed[32], const char *round_id,
		     const unsigned char manifest[32], unsigned char out[STATEMENT_HASH_LEN])
{
	crypto_generichash_state h;
	struct enc o = { hash_sink, &h };

	crypto_generichash_init(&h, seed, 32, STATEMENT_HASH_LEN);
	enc_tag(&o, "simsa/seed-commitment/v1");
	enc_str(&o, round_id);
	enc_raw(&o, manifest, 32);
	crypto_generichash_final(&h, out, STATEMENT_HASH_LEN);
}
