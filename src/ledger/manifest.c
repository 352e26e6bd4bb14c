/* manifest — canonical encoding of a round's frozen inputs (see manifest.h,
 * docs/manifest.md). */
#include "simsa/manifest.h"

#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "simsa/enc.h"

void manifest_encode_v(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		       int version, void (*sink)(void *ctx, const void *data, size_t len),
		       void *ctx)
{
	struct enc o = { sink, ctx };
	uint32_t n_raters = 0;

	enc_tag(&o, version == 2 ? "simsa/manifest/v2" : "simsa/manifest/v3");
	enc_str(&o, in->info.round_id);
	enc_str(&o, in->info.title);
	enc_str(&o, in->info.created_at);
	enc_raw(&o, salt, MANIFEST_SALT_LEN);
	enc_u8(&o, in->has_organizer);
	if (in->has_organizer)
		enc_raw(&o, in->organizer_pk, STORE_PK_LEN);

	enc_u32(&o, (uint32_t)in->n_rubrics);
	for (size_t i = 0; i < in->n_rubrics; i++) {
		enc_str(&o, in->rubrics[i].component);
		enc_bytes(&o, in->rubrics[i].text, in->rubrics[i].len);
		if (version == 2)
			continue;
		enc_opt(&o, in->rubrics[i].instructions[0]);
		enc_opt(&o, in->rubrics[i].instructions[1]);
	}
	enc_u32(&o, (uint32_t)in->n_entrants);
	for (size_t i = 0; i < in->n_entrants; i++) {
		enc_str(&o, in->entrants[i].name);
		enc_opt(&o, in->entrants[i].team);
		enc_opt(&o, in->entrants[i].model);
		enc_opt(&o, in->entrants[i].aliases_json);
	}
	enc_u32(&o, (uint32_t)in->n_prompts);
	for (size_t i = 0; i < in->n_prompts; i++) {
		enc_str(&o, in->prompts[i].id);
		enc_str(&o, in->prompts[i].category);
		enc_str(&o, in->prompts[i].prompt);
		enc_opt(&o, in->prompts[i].system);
		enc_opt(&o, in->prompts[i].reference);
	}
	enc_u32(&o, (uint32_t)in->n_outputs);
	for (size_t i = 0; i < in->n_outputs; i++) {
		enc_u32(&o, in->outputs[i].prompt);
		enc_u32(&o, in->outputs[i].entrant);
		enc_raw(&o, in->outputs[i].hash, STORE_HASH_LEN);
	}
	for (size_t i = 0; i < in->n_raters; i++)
		n_raters += !in->raters[i].late;
	enc_u32(&o, n_raters);
	for (size_t i = 0; i < in->n_raters; i++) {
		if (in->raters[i].late)
			continue;
		enc_str(&o, in->raters[i].name);
		enc_str(&o, rater_role_name(in->raters[i].role));
		enc_raw(&o, in->raters[i].public_key, STORE_PK_LEN);
		enc_opt(&o, in->raters[i].categories_json);
	}
	enc_u32(&o, (uint32_t)in->n_gold);
	for (size_t i = 0; i < in->n_gold; i++) {
		enc_u8(&o, in->gold[i].known);
		enc_str(&o, rater_role_name(in->gold[i].role));
		enc_u32(&o, in->gold[i].known ? in->gold[i].prompt : 0);
		enc_u32(&o, in->gold[i].known ? in->gold[i].better : 0);
		enc_u32(&o, in->gold[i].known ? in->gold[i].worse : 0);
	}
	if (version == 2)
		return;
	enc_u32(&o, (uint32_t)in->n_practice);
	for (size_t i = 0; i < in->n_practice; i++) {
		const struct in_practice *p = &in->practice[i];

		enc_str(&o, p->id);
		/* as stored when it is one of the two a practice task may have */
		enc_str(&o, p->role == ROLE_EXPERT || p->role == ROLE_USER
				    ? rater_role_name(p->role)
				    : "");
		enc_u8(&o, p->required);
		enc_str(&o, p->prompt);
		enc_str(&o, p->answer[0]);
		enc_str(&o, p->answer[1]);
		enc_opt(&o, p->reference);
		enc_opt(&o, p->note[0]);
		enc_opt(&o, p->note[1]);
	}
}

void manifest_encode(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		     void (*sink)(void *ctx, const void *data, size_t len), void *ctx)
{
	manifest_encode_v(in, salt, MANIFEST_VERSION, sink, ctx);
}

static void hash_sink(void *ctx, const void *data, size_t len)
{
	crypto_generichash_update(ctx, data, len);
}

void manifest_hash_v(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		     int version, unsigned char out[MANIFEST_HASH_LEN])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, MANIFEST_HASH_LEN);
	manifest_encode_v(in, salt, version, hash_sink, &h);
	crypto_generichash_final(&h, out, MANIFEST_HASH_LEN);
}

void manifest_hash(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		   unsigned char out[MANIFEST_HASH_LEN])
{
	manifest_hash_v(in, salt, MANIFEST_VERSION, out);
}

/* v2 covers all of a round but what v3 added: it stands for a round only
 * when none of that is stored. */
static bool v2_covers(const struct round_inputs *in)
{
	if (in->n_practice)
		return false;
	for (size_t i = 0; i < in->n_rubrics; i++)
		if (in->rubrics[i].instructions[0] || in->rubrics[i].instructions[1])
			return false;
	return true;
}

int manifest_match(const struct round_inputs *in, const unsigned char salt[MANIFEST_SALT_LEN],
		   const unsigned char signed_hash[MANIFEST_HASH_LEN])
{
	unsigned char h[MANIFEST_HASH_LEN];

	manifest_hash_v(in, salt, 3, h);
	if (sodium_memcmp(h, signed_hash, MANIFEST_HASH_LEN) == 0)
		return 3;
	if (!v2_covers(in))
		return 0;
	manifest_hash_v(in, salt, 2, h);
	return sodium_memcmp(h, signed_hash, MANIFEST_HASH_LEN) == 0 ? 2 : 0;
}
