/* note — checkpoints as C2SP signed notes (see note.h, docs/checkpoint.md). */
#include "simsa/note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "simsa/enc.h"
#include "simsa/text.h"
#include "simsa/util.h"

#define B64 sodium_base64_VARIANT_ORIGINAL
#define EM_DASH "\xe2\x80\x94 " /* U+2014 and a space: a signature line */

void checkpoint_origin(const char *round_id, char out[64])
{
	snprintf(out, 64, "simsa/%s", round_id);
}

void note_key_id(const char *name, const unsigned char pk[32], unsigned char id[4])
{
	crypto_hash_sha256_state h;
	unsigned char full[crypto_hash_sha256_BYTES];
	const unsigned char sep[2] = { 0x0a, 0x01 }; /* newline, type Ed25519 */

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&h, sep, 2);
	crypto_hash_sha256_update(&h, pk, 32);
	crypto_hash_sha256_final(&h, full);
	memcpy(id, full, 4);
}

void organizer_fingerprint(const unsigned char pk[32], unsigned char out[32])
{
	crypto_generichash(out, 32, pk, 32, NULL, 0);
}

static void put(struct buf *b, const char *s)
{
	buf_sink(b, s, strlen(s));
}

static void put_b64(struct buf *b, const unsigned char *p, size_t n)
{
	char out[sodium_base64_ENCODED_LEN(68, B64)];

	sodium_bin2base64(out, sizeof out, p, n, B64);
	put(b, out);
}

void checkpoint_body(const struct checkpoint *cp, struct buf *b)
{
	char line[64];

	checkpoint_origin(cp->round_id, line);
	put(b, line);
	snprintf(line, sizeof line, "\n%u\n", cp->size);
	put(b, line);
	put_b64(b, cp->root, 32);
	put(b, "\ntime ");
	put(b, cp->time);
	put(b, "\n");
	for (size_t i = 0; i < cp->n_heads; i++) {
		put(b, "head ");
		put_b64(b, cp->heads[i].public_key, 32);
		snprintf(line, sizeof line, " %u ", cp->heads[i].count);
		put(b, line);
		put_b64(b, cp->heads[i].head, 32);
		put(b, "\n");
	}
}

int checkpoint_sign(const struct checkpoint *cp, const struct secret_key *organizer, char **note,
		    size_t *len, struct simsa_err *err)
{
	struct buf b = { 0 };
	unsigned char sig[4 + 64];
	char name[64];
	size_t text_len;

	checkpoint_body(cp, &b);
	text_len = b.n;
	checkpoint_origin(cp->round_id, name);
	note_key_id(name, secret_key_public(organizer), sig);
	if (b.oom || secret_key_sign(organizer, b.p, text_len, sig + 4) < 0) {
		buf_release(&b);
		return err_set(err, "cannot sign the checkpoint (out of memory)");
	}
	put(&b, "\n" EM_DASH);
	put(&b, name);
	put(&b, " ");
	put_b64(&b, sig, sizeof sig);
	put(&b, "\n");
	buf_sink(&b, "", 1);
	if (b.oom) {
		buf_release(&b);
		return err_set(err, "out of memory");
	}
	*note = (char *)b.p;
	*len = b.n - 1;
	return 0;
}

/* ---- parsing ---- */

struct parse {
	const char *src;
	struct simsa_err *err;
};

/* A quoted piece of the file for a message: sanitized, cut short. */
static const char *quote(const char *s, size_t n, char buf[96])
{
	text_sanitize_line(s, n > 60 ? 60 : n, buf, 96);
	if (n > 60 && strlen(buf) < 92)
		strcat(buf, "…");
	return buf;
}

static int bad(struct parse *p, size_t line, const char *field, const char *what, const char *s,
	       size_t n)
{
	char q[96];

	if (s)
		return err_set(p->err, "%s:%zu: %s: '%s' %s", p->src, line, field, quote(s, n, q),
			       what);
	return err_set(p->err, "%s:%zu: %s: %s", p->src, line, field, what);
}

/* Canonical standard base64 of exactly want bytes (want 0: any length up to
 * cap, the length in *got). */
static bool b64(const char *s, size_t n, unsigned char *out, size_t cap, size_t want, size_t *got)
{
	char again[sodium_base64_ENCODED_LEN(4 + 4096, B64)];
	size_t len = 0;
	const char *end;

	if (n == 0 || n >= sizeof again ||
	    sodium_base642bin(out, cap, s, n, NULL, &len, &end, B64) != 0 || end != s + n ||
	    (want && len != want))
		return false;
	sodium_bin2base64(again, sizeof again, out, len, B64);
	if (strlen(again) != n || memcmp(again, s, n) != 0)
		return false; /* the format refuses non-canonical base64 */
	if (got)
		*got = len;
	return true;
}

static bool decimal(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The whole file: UTF-8, no control byte but newline, ends in a newline. */
static int check_bytes(struct parse *p, const char *d, size_t len)
{
	size_t at, line = 1;

	if (len == 0)
		return err_set(p->err, "%s: empty, not a checkpoint", p->src);
	if (!utf8_valid(d, len, &at)) {
		for (size_t i = 0; i < at; i++)
			line += d[i] == '\n';
		return err_set(p->err, "%s:%zu: not valid UTF-8 (byte %zu)", p->src, line, at + 1);
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '\n') {
			line++;
		} else if (c < 0x20 || c == 0x7f) {
			return err_set(p->err, "%s:%zu: a control character (0x%02X)%s", p->src,
				       line, c,
				       c == '\r' ? ": CRLF line ends are not a signed note" : "");
		}
	}
	if (d[len - 1] != '\n')
		return err_set(p->err, "%s:%zu: the last line does not end with a newline", p->src,
			       line);
	return 0;
}

static int parse_head(struct parse *p, size_t line, const char *s, size_t n, struct checkpoint *cp)
{
	const char *f[3], *sp1 = memchr(s, ' ', n), *sp2 = NULL;
	size_t fl[3];
	struct checkpoint_head *h;

	if (sp1)
		sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - s));
	if (!sp1 || !sp2 || memchr(sp2 + 1, ' ', n - (size_t)(sp2 + 1 - s)))
		return bad(p, line, "chain head", "is not \"head KEY COUNT HASH\"", s, n);
	f[0] = s;
	fl[0] = (size_t)(sp1 - s);
	f[1] = sp1 + 1;
	fl[1] = (size_t)(sp2 - f[1]);
	f[2] = sp2 + 1;
	fl[2] = n - (size_t)(f[2] - s);
	h = &cp->heads[cp->n_heads];
	if (!b64(f[0], fl[0], h->public_key, 32, 32, NULL))
		return bad(p, line, "chain head key", "is not the base64 of a 32-byte key", f[0],
			   fl[0]);
	if (!decimal(f[1], fl[1], &h->count) || h->count == 0)
		return bad(p, line, "chain head count",
			   "is not a ballot count (1 or more, no leading zeros)", f[1], fl[1]);
	if (!b64(f[2], fl[2], h->head, 32, 32, NULL))
		return bad(p, line, "chain head hash", "is not the base64 of a 32-byte hash", f[2],
			   fl[2]);
	for (size_t i = 0; i < cp->n_heads; i++)
		if (memcmp(cp->heads[i].public_key, h->public_key, 32) == 0)
			return bad(p, line, "chain head", "a second head of the same rater's key",
				   NULL, 0);
	cp->n_heads++;
	return 0;
}

/* The note text's lines: origin, size, root, time, heads. */
static int parse_text(struct parse *p, const char *t, size_t len, struct checkpoint *cp)
{
	size_t line = 0, lines = 0;
	uint64_t sum = 0;

	for (size_t i = 0; i < len; i++)
		lines += t[i] == '\n';
	cp->heads = calloc(lines + 1, sizeof *cp->heads);
	if (!cp->heads)
		return err_set(p->err, "out of memory");
	for (size_t i = 0; i < len;) {
		const char *s = t + i, *nl = memchr(s, '\n', len - i);
		size_t n = (size_t)(nl - s);

		i += n + 1;
		line++;
		if (n == 0)
			return bad(p, line, "checkpoint text",
				   "an empty line inside the text (only one blank line, before "
				   "the signatures)",
				   NULL, 0);
		if (line == 1) {
			if (n != 6 + 32 || memcmp(s, "simsa/", 6) != 0)
				return bad(p, line, "origin",
					   "is not \"simsa/\" and a round id (32 lower-case hex "
					   "digits)",
					   s, n);
			for (size_t k = 6; k < n; k++)
				if (!((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'f')))
					return bad(
						p, line, "origin",
						"is not \"simsa/\" and a round id (32 lower-case "
						"hex digits)",
						s, n);
			memcpy(cp->round_id, s + 6, 32);
			cp->round_id[32] = '\0';
		} else if (line == 2) {
			if (!decimal(s, n, &cp->size))
				return bad(p, line, "tree size",
					   "is not a ballot count (a decimal number without "
					   "leading zeros, at most 4294967295)",
					   s, n);
		} else if (line == 3) {
			if (!b64(s, n, cp->root, 32, 32, NULL))
				return bad(p, line, "root hash",
					   "is not the canonical base64 of a 32-byte hash", s, n);
		} else if (line == 4) {
			if (n - 5 < sizeof cp->time && memcmp(s, "time ", 5) == 0) {
				memcpy(cp->time, s + 5, n - 5);
				cp->time[n - 5] = '\0';
			}
			if (!time_utc_valid(cp->time))
				return bad(p, line, "time",
					   "is not \"time YYYY-MM-DDTHH:MM:SSZ\" (UTC)", s, n);
		} else if (n > 5 && memcmp(s, "head ", 5) == 0) {
			if (parse_head(p, line, s + 5, n - 5, cp) < 0)
				return -1;
			sum += cp->heads[cp->n_heads - 1].count;
		} else {
			return bad(p, line, "extension line",
				   "is not a line of a simsa checkpoint (time, head)", s, n);
		}
	}
	if (line < 4)
		return err_set(p->err,
			       "%s:%zu: the checkpoint text ends after %zu lines; it needs the "
			       "origin, tree size, root hash and time",
			       p->src, line, line);
	if (sum != cp->size)
		return err_set(p->err,
			       "%s: tree size: %u ballots, but the chain heads count %llu (lines "
			       "5 to %zu)",
			       p->src, cp->size, (unsigned long long)sum, line);
	return 0;
}

static int parse_sigs(struct parse *p, size_t line, const char *s, size_t len,
		      struct checkpoint *cp)
{
	char origin[64];
	size_t dash = sizeof EM_DASH - 1, total = 0;

	checkpoint_origin(cp->round_id, origin);
	cp->sigs = calloc(CHECKPOINT_MAX_SIGS, sizeof *cp->sigs);
	if (!cp->sigs)
		return err_set(p->err, "out of memory");
	for (size_t i = 0; i < len; line++) {
		const char *l = s + i, *nl = memchr(l, '\n', len - i), *sp;
		size_t n = (size_t)(nl - l);
		unsigned char raw[4 + 4096];
		size_t got = 0;

		i += n + 1;
		if (++total > CHECKPOINT_MAX_SIGS)
			return bad(p, line, "signature line", "more than 100 signature lines", NULL,
				   0);
		if (n < dash || memcmp(l, EM_DASH, dash) != 0)
			return bad(p, line, "signature line",
				   "does not begin with an em dash (U+2014) and a space", l, n);
		l += dash;
		n -= dash;
		sp = memchr(l, ' ', n);
		if (!sp || sp == l)
			return bad(p, line, "signature line", "is not \"— NAME SIGNATURE\"", l, n);
		if (memchr(l, '+', (size_t)(sp - l)))
			return bad(p, line, "key name", "has a plus sign", l, (size_t)(sp - l));
		if (!b64(sp + 1, n - (size_t)(sp - l) - 1, raw, sizeof raw, 0, &got) || got < 5)
			return bad(p, line, "signature",
				   "is not the canonical base64 of a key ID and a signature",
				   sp + 1, n - (size_t)(sp - l) - 1);
		if ((size_t)(sp - l) != strlen(origin) || memcmp(l, origin, strlen(origin)) != 0)
			continue; /* another key's: ignored, as the format says */
		for (size_t k = 0; k < cp->n_sigs; k++)
			if (memcmp(cp->sigs[k].key_id, raw, 4) == 0)
				return bad(p, line, "signature line",
					   "a second signature with the same key name and ID", NULL,
					   0);
		struct checkpoint_sig *g = &cp->sigs[cp->n_sigs];

		g->sig = malloc(got - 4);
		if (!g->sig)
			return err_set(p->err, "out of memory");
		memcpy(g->key_id, raw, 4);
		memcpy(g->sig, raw + 4, got - 4);
		g->sig_len = got - 4;
		cp->n_sigs++;
	}
	if (total == 0)
		return err_set(p->err, "%s:%zu: no signature lines after the blank line", p->src,
			       line);
	return 0;
}

int checkpoint_parse(const char *source, const char *data, size_t len, struct checkpoint *cp,
		     struct simsa_err *err)
{
	struct parse p = { source, err };
	size_t blank = 0, text_lines = 0;
	bool found = false;

	memset(cp, 0, sizeof *cp);
	text_sanitize_line(source, strlen(source), cp->source, sizeof cp->source);
	p.src = cp->source;
	if (len > CHECKPOINT_MAX_BYTES)
		return err_set(err, "%s: longer than %u bytes, not a checkpoint", p.src,
			       CHECKPOINT_MAX_BYTES);
	if (check_bytes(&p, data, len) < 0)
		return -1;
	/* the text ends at the last blank line: "\n\n" */
	for (size_t i = len - 1; i > 0; i--)
		if (data[i] == '\n' && data[i - 1] == '\n') {
			blank = i;
			found = true;
			break;
		}
	if (!found || blank < 2)
		return err_set(err,
			       "%s: no blank line between the checkpoint text and its signature "
			       "lines",
			       p.src);
	cp->text_len = blank; /* up to and with the text's last newline */
	cp->text = malloc(cp->text_len + 1);
	if (!cp->text)
		return err_set(err, "out of memory");
	memcpy(cp->text, data, cp->text_len);
	cp->text[cp->text_len] = '\0';
	for (size_t i = 0; i < cp->text_len; i++)
		text_lines += data[i] == '\n';
	if (parse_text(&p, cp->text, cp->text_len, cp) < 0)
		return -1;
	return parse_sigs(&p, text_lines + 2, data + blank + 1, len - blank - 1, cp);
}

int checkpoint_verify(const struct checkpoint *cp, const unsigned char pk[32])
{
	unsigned char id[4];
	char name[64];
	int found = 0;

	checkpoint_origin(cp->round_id, name);
	note_key_id(name, pk, id);
	for (size_t i = 0; i < cp->n_sigs; i++) {
		const struct checkpoint_sig *s = &cp->sigs[i];

		if (memcmp(s->key_id, id, 4) != 0)
			continue;
		if (s->sig_len != 64 ||
		    crypto_sign_verify_detached(s->sig, (const unsigned char *)cp->text,
						cp->text_len, pk) != 0)
			return -1;
		found = 1;
	}
	return found;
}

void checkpoint_release(struct checkpoint *cp)
{
	for (size_t i = 0; cp->sigs && i < cp->n_sigs; i++)
		free(cp->sigs[i].sig);
	free(cp->sigs);
	free(cp->heads);
	free(cp->text);
	memset(cp, 0, sizeof *cp);
}
