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

/* Crockford's base 32, then the five extra symbols of its check alphabet:
 * a check value of 32..36 is written * ~ $ = U. */
static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/* The receipt's symbols without dashes: the place (no leading zeros), the
 * hash's first 80 bits (16 symbols), the check symbol. */
static size_t receipt_symbols(uint32_t place, const unsigned char hash[BALLOT_HASH_LEN],
			      char out[BALLOT_RECEIPT_SYMBOLS + 1])
{
	char rev[8];
	size_t n = 0, o = 0;
	unsigned check = 0;

	do {
		rev[n++] = crockford[place % 32];
		place /= 32;
	} while (place);
	while (n)
		out[o++] = rev[--n];
	for (int i = 0; i < 16; i++) { /* 16 symbols x 5 bits = the first 80 bits */
		int bit = i * 5, v = 0;

		for (int k = 0; k < 5; k++, bit++)
			v = v << 1 | ((hash[bit / 8] >> (7 - bit % 8)) & 1);
		out[o++] = crockford[v];
	}
	/* Crockford's check: the value of every symbol before it, read as one
	 * base-32 number, modulo 37 */
	for (size_t i = 0; i < o; i++)
		check = (check * 32 + (unsigned)(strchr(crockford, out[i]) - crockford)) % 37;
	out[o++] = crockford[check];
	out[o] = '\0';
	return o;
}

void ballot_receipt(uint32_t place, const unsigned char hash[BALLOT_HASH_LEN],
		    char out[BALLOT_RECEIPT_MAX + 1])
{
	char sym[BALLOT_RECEIPT_SYMBOLS + 1];
	size_t n = receipt_symbols(place, hash, sym), places = n - 17, o = 0;

	/* PLACE-XXXX-XXXX-XXXX-XXXX-C */
	for (size_t i = 0; i < n; i++) {
		if (i == places || i == n - 1 || (i > places && (i - places) % 4 == 0))
			out[o++] = '-';
		out[o++] = sym[i];
	}
	out[o] = '\0';
}

/* The symbol's value in crockford[] after the reading rules (any case,
 * O for 0, I and L for 1), or -1. */
static int symbol_value(char ch)
{
	const char *at;

	if (ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	if (ch == 'O')
		ch = '0';
	if (ch == 'I' || ch == 'L')
		ch = '1';
	at = ch ? strchr(crockford, ch) : NULL;
	return at ? (int)(at - crockford) : -1;
}

/* Symbols 0..15 of sym: the 80 bits of a hash's prefix. */
static void prefix_of(const char *sym, unsigned char prefix[10])
{
	memset(prefix, 0, 10);
	for (int n = 0; n < 16; n++) {
		int v = symbol_value(sym[n]);

		for (int k = 4; k >= 0; k--) {
			int bit = n * 5 + (4 - k);

			if ((v >> k) & 1)
				prefix[bit / 8] |= (unsigned char)(1 << (7 - bit % 8));
		}
	}
}

enum receipt_form ballot_receipt_parse(const char *code, struct receipt_parsed *out)
{
	size_t n = 0;
	uint64_t place = 0;
	unsigned check = 0;
	int v;

	memset(out, 0, sizeof *out);
	for (const char *p = code; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		v = symbol_value(*p);
		if (v < 0 || n == BALLOT_RECEIPT_SYMBOLS + 1)
			return out->form = RECEIPT_NOT_A_CODE;
		out->symbols[n++] = crockford[v];
	}
	out->symbols[n] = '\0';
	if (n == 16) {
		for (size_t i = 0; i < n; i++)
			if (symbol_value(out->symbols[i]) >= 32)
				return out->form = RECEIPT_MISTYPED;
		prefix_of(out->symbols, out->prefix);
		return out->form = RECEIPT_OLD;
	}
	if (n < 17)
		return out->form = RECEIPT_NOT_A_CODE;
	if (n < 18 || n > BALLOT_RECEIPT_SYMBOLS)
		return out->form = RECEIPT_MISTYPED;
	for (size_t i = 0; i + 1 < n; i++) {
		v = symbol_value(out->symbols[i]);
		if (v >= 32)
			return out->form = RECEIPT_MISTYPED;
		check = (check * 32 + (unsigned)v) % 37;
		if (i < n - 17)
			place = place * 32 + (uint64_t)v;
	}
	if ((unsigned)symbol_value(out->symbols[n - 1]) != check || place > UINT32_MAX)
		return out->form = RECEIPT_MISTYPED;
	out->place = (uint32_t)place;
	prefix_of(out->symbols + n - 17, out->prefix);
	return out->form = RECEIPT_CODE;
}

void ballot_receipt_normal(const char *code, char out[BALLOT_RECEIPT_SYMBOLS + 2])
{
	size_t n = 0;

	for (const char *p = code; *p && n < BALLOT_RECEIPT_SYMBOLS + 1; p++) {
		int v = *p == '-' || *p == ' ' ? -1 : symbol_value(*p);

		if (v >= 0)
			out[n++] = crockford[v];
	}
	out[n] = '\0';
}

bool ballot_receipt_near(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i = 0;

	if (la > lb + 1 || lb > la + 1)
		return false;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) { /* equal, one substituted, or two neighbours swapped */
		if (i == la || strcmp(a + i + 1, b + i + 1) == 0)
			return true;
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		       strcmp(a + i + 2, b + i + 2) == 0;
	}
	/* one dropped or doubled (inserted) */
	return la > lb ? strcmp(a + i + 1, b + i) == 0 : strcmp(a + i, b + i + 1) == 0;
}
