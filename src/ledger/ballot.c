/* ballot — canonical encoding, strict decoding, hashes and receipt codes
 * (see include/simsa/ballot.h, docs/ballot-format.md). */
#include "simsa/ballot.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "simsa/enc.h"
#include "simsa/util.h"

#define TAG "simsa/ballot"

/* ---- checks shared by encoder and decoder ---- */

static bool text_ok(const char *s, size_t n, size_t max)
{
	return n <= max && memchr(s, '\0', n) == NULL && utf8_valid(s, n, NULL);
}

static bool id_ok(const char *s, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

static int check(const struct ballot *b, struct simsa_err *err)
{
	if (strlen(b->round_id) != 32)
		return err_set(err, "ballot: round id must be 32 hex digits");
	if (b->kind != BALLOT_EXPERT && b->kind != BALLOT_USER)
		return err_set(err, "ballot: unknown kind %d", (int)b->kind);
	if (b->kind == BALLOT_EXPERT) {
		if (b->n_criteria < 1 || b->n_criteria > BALLOT_MAX_CRITERIA)
			return err_set(err, "ballot: %u criteria (1 to %d allowed)", b->n_criteria,
				       BALLOT_MAX_CRITERIA);
		for (uint32_t c = 0; c < b->n_criteria; c++) {
			if (!id_ok(b->criterion_id[c], strlen(b->criterion_id[c])))
				return err_set(err, "ballot: bad criterion id");
			for (int s = 0; s < 2; s++)
				if (b->scores[s][c] == BALLOT_SCORE_UNSET)
					return err_set(err,
						       "ballot: criterion '%s' of %c has no score",
						       b->criterion_id[c], s ? 'B' : 'A');
		}
		for (int s = 0; s < 2; s++) {
			if (b->flags[s] & ~(uint32_t)BALLOT_FLAGS_ALL)
				return err_set(err, "ballot: unknown flags %#x", b->flags[s]);
			if (!text_ok(b->comment[s], strlen(b->comment[s]), BALLOT_MAX_COMMENT))
				return err_set(err, "ballot: comment too long or not UTF-8");
		}
	} else {
		if (b->preference >= PREF_COUNT)
			return err_set(err, "ballot: unknown preference %u", b->preference);
		if (!text_ok(b->reason, strlen(b->reason), BALLOT_MAX_COMMENT))
			return err_set(err, "ballot: reason too long or not UTF-8");
	}
	if (b->seq < 1)
		return err_set(err, "ballot: sequence numbers start at 1");
	if (b->cast_at[0] == '\0')
		return err_set(err, "ballot: no time");
	return 0;
}

/* ---- encoding ---- */

int ballot_encode(const struct ballot *b, unsigned char **out, size_t *len, struct simsa_err *err)
{
	struct buf buf = { 0 };
	struct enc e = buf_enc(&buf);

	if (check(b, err) < 0)
		return -1;
	enc_tag(&e, TAG);
	enc_u32(&e, BALLOT_VERSION);
	enc_str(&e, b->round_id);
	enc_raw(&e, b->manifest_hash, 32);
	enc_raw(&e, b->rater_pk, BALLOT_PK_LEN);
	enc_u32(&e, b->task_position);
	enc_raw(&e, b->output_hash[0], 32);
	enc_raw(&e, b->output_hash[1], 32);
	enc_u8(&e, b->kind);
	if (b->kind == BALLOT_EXPERT) {
		enc_u32(&e, b->n_criteria);
		for (uint32_t c = 0; c < b->n_criteria; c++)
			enc_str(&e, b->criterion_id[c]);
		for (int s = 0; s < 2; s++) {
			for (uint32_t c = 0; c < b->n_criteria; c++)
				enc_u32(&e, b->scores[s][c]);
			enc_u32(&e, b->flags[s]);
			enc_str(&e, b->comment[s]);
		}
	} else {
		enc_u32(&e, b->preference);
		enc_u32(&e, b->satisfaction);
		enc_str(&e, b->reason);
	}
	enc_u32(&e, b->active_seconds);
	enc_u32(&e, b->seq);
	enc_raw(&e, b->prev_hash, 32);
	enc_u8(&e, b->has_supersedes);
	if (b->has_supersedes)
		enc_raw(&e, b->supersedes, 32);
	enc_str(&e, b->cast_at);
	if (buf.oom) {
		buf_release(&buf);
		return err_set(err, "out of memory");
	}
	*out = buf.p;
	*len = buf.n;
	return 0;
}

/* ---- decoding ---- */

struct cur {
	const unsigned char *p;
	size_t n, at;
	struct simsa_err *err;
	bool bad;
};

static bool need(struct cur *c, size_t n, const char *what)
{
	if (c->bad)
		return false;
	if (c->n - c->at < n) {
		err_set(c->err, "ballot: truncated at byte %zu (%s)", c->at, what);
		c->bad = true;
		return false;
	}
	return true;
}

static void get_raw(struct cur *c, void *dst, size_t n, const char *what)
{
	if (!need(c, n, what))
		return;
	memcpy(dst, c->p + c->at, n);
	c->at += n;
}

static uint32_t get_u32(struct cur *c, const char *what)
{
	unsigned char b[4] = { 0 };

	get_raw(c, b, 4, what);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static unsigned get_u8(struct cur *c, const char *what)
{
	unsigned char b = 0;

	get_raw(c, &b, 1, what);
	return b;
}

/* A length-prefixed string into dst (cap bytes with its NUL). */
static void get_str(struct cur *c, char *dst, size_t cap, const char *what)
{
	uint32_t n = get_u32(c, what);

	dst[0] = '\0';
	if (c->bad)
		return;
	if (n >= cap) {
		err_set(c->err, "ballot: %s of %u bytes is too long", what, n);
		c->bad = true;
		return;
	}
	if (!need(c, n, what))
		return;
	if (!text_ok((const char *)c->p + c->at, n, cap - 1)) {
		err_set(c->err, "ballot: %s is not valid UTF-8", what);
		c->bad = true;
		return;
	}
	memcpy(dst, c->p + c->at, n);
	dst[n] = '\0';
	c->at += n;
}

static void fail(struct cur *c, const char *msg)
{
	if (!c->bad)
		err_set(c->err, "ballot: %s", msg);
	c->bad = true;
}

int ballot_decode(const unsigned char *p, size_t len, struct ballot *b, struct simsa_err *err)
{
	struct cur c = { p, len, 0, err, false };
	char tag[sizeof TAG];
	uint32_t v;
	unsigned u;

	memset(b, 0, sizeof *b);
	get_raw(&c, tag, sizeof tag, "tag");
	if (!c.bad && memcmp(tag, TAG, sizeof tag) != 0)
		fail(&c, "not a simsa ballot (bad tag)");
	v = get_u32(&c, "version");
	if (!c.bad && v != BALLOT_VERSION) {
		err_set(err, "ballot: unknown version %u", v);
		return -1;
	}
	get_str(&c, b->round_id, sizeof b->round_id, "round id");
	get_raw(&c, b->manifest_hash, 32, "manifest hash");
	get_raw(&c, b->rater_pk, BALLOT_PK_LEN, "rater key");
	b->task_position = get_u32(&c, "task");
	get_raw(&c, b->output_hash[0], 32, "output A");
	get_raw(&c, b->output_hash[1], 32, "output B");
	u = get_u8(&c, "kind");
	b->kind = (enum ballot_kind)u;
	if (!c.bad && u != BALLOT_EXPERT && u != BALLOT_USER)
		fail(&c, "unknown kind");
	if (!c.bad && b->kind == BALLOT_EXPERT) {
		b->n_criteria = get_u32(&c, "criteria");
		if (!c.bad && (b->n_criteria < 1 || b->n_criteria > BALLOT_MAX_CRITERIA))
			fail(&c, "bad number of criteria");
		for (uint32_t k = 0; !c.bad && k < b->n_criteria; k++)
			get_str(&c, b->criterion_id[k], sizeof b->criterion_id[k], "criterion id");
		for (int s = 0; !c.bad && s < 2; s++) {
			for (uint32_t k = 0; k < b->n_criteria; k++)
				b->scores[s][k] = get_u32(&c, "score");
			b->flags[s] = get_u32(&c, "flags");
			get_str(&c, b->comment[s], sizeof b->comment[s], "comment");
		}
	} else if (!c.bad) {
		b->preference = get_u32(&c, "preference");
		b->satisfaction = get_u32(&c, "satisfaction");
		get_str(&c, b->reason, sizeof b->reason, "reason");
	}
	b->active_seconds = get_u32(&c, "active seconds");
	b->seq = get_u32(&c, "sequence");
	get_raw(&c, b->prev_hash, 32, "previous hash");
	u = get_u8(&c, "supersedes");
	if (!c.bad && u > 1)
		fail(&c, "bad supersedes marker");
	b->has_supersedes = u == 1;
	if (b->has_supersedes)
		get_raw(&c, b->supersedes, 32, "superseded hash");
	get_str(&c, b->cast_at, sizeof b->cast_at, "time");
	if (!c.bad && c.at != len) {
		err_set(err, "ballot: %zu trailing bytes", len - c.at);
		return -1;
	}
	if (c.bad)
		return -1;
	return check(b, err);
}

void ballot_hash(const unsigned char *bytes, size_t len, unsigned char out[BALLOT_HASH_LEN])
{
	crypto_generichash(out, BALLOT_HASH_LEN, bytes, len, NULL, 0);
}

static void hash_sink(void *ctx, const void *data, size_t len)
{
	crypto_generichash_update(ctx, data, len);
}

void ballot_genesis(const char *round_id, const unsigned char pk[BALLOT_PK_LEN],
		    unsigned char out[BALLOT_HASH_LEN])
{
	crypto_generichash_state h;
	struct enc e = { hash_sink, &h };

	crypto_generichash_init(&h, NULL, 0, BALLOT_HASH_LEN);
	enc_tag(&e, "simsa/chain-genesis/v1");
	enc_str(&e, round_id);
	enc_raw(&e, pk, BALLOT_PK_LEN);
	crypto_generichash_final(&h, out, BALLOT_HASH_LEN);
}

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void ballot_receipt(const unsigned char hash[BALLOT_HASH_LEN], char out[BALLOT_RECEIPT_LEN + 1])
{
	size_t o = 0;

	for (int i = 0; i < 16; i++) { /* 16 symbols x 5 bits = the first 80 bits */
		int bit = i * 5, v = 0;

		for (int k = 0; k < 5; k++, bit++)
			v = v << 1 | ((hash[bit / 8] >> (7 - bit % 8)) & 1);
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = crockford[v];
	}
	out[o] = '\0';
}

bool ballot_receipt_parse(const char *code, unsigned char prefix[10])
{
	int n = 0;

	memset(prefix, 0, 10);
	for (const char *p = code; *p; p++) {
		char ch = *p;
		const char *at;
		int v;

		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch == 'O')
			ch = '0';
		if (ch == 'I' || ch == 'L')
			ch = '1';
		at = strchr(crockford, ch);
		if (!at || ch == '\0' || n == 16)
			return false;
		v = (int)(at - crockford);
		for (int k = 4; k >= 0; k--) {
			int bit = n * 5 + (4 - k);

			if ((v >> k) & 1)
				prefix[bit / 8] |= (unsigned char)(1 << (7 - bit % 8));
		}
		n++;
	}
	return n == 16;
}
