/* sshkey — an OpenSSH public key line, read and checked (simsa/sshkey.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "simsa/sshkey.h"
#include "simsa/util.h"

/* The key types sshd accepts in authorized_keys that a rater may hold
 * (DSA is gone from OpenSSH); certificates are not station keys. */
static const char *const types[] = {
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"ssh-rsa",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
};
#define N_TYPES (sizeof types / sizeof types[0])
#define KNOWN "ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa, sk-ssh-ed25519@openssh.com"

static const char *const fields[] = { "type", "key", "comment" };

#define B64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

static bool known_type(const char *s, size_t n)
{
	for (size_t i = 0; i < N_TYPES; i++)
		if (strlen(types[i]) == n && memcmp(types[i], s, n) == 0)
			return true;
	return false;
}

/* The field (0 type, 1 key, 2 comment) that byte at lies in: fields are
 * separated by spaces. */
static int field_at(const char *line, size_t at)
{
	int f = 0;

	for (size_t i = 1; i <= at; i++)
		if (line[i - 1] == ' ' && line[i] != ' ')
			f++;
	return f < 2 ? f : 2;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The next string of the SSH wire format at *at in blob[0..n): its bytes
 * and length; false when it does not fit. */
static bool wire_string(const unsigned char *blob, size_t n, size_t *at, const unsigned char **s,
			size_t *len)
{
	if (n - *at < 4 || be32(blob + *at) > n - *at - 4)
		return false;
	*len = be32(blob + *at);
	*s = blob + *at + 4;
	*at += 4 + *len;
	return true;
}

/* A positive mpint written as sshd writes it back: no leading zero byte
 * but the one that keeps its top bit clear. */
static bool minimal_mpint(const unsigned char *d, size_t len)
{
	return len > 0 && !(d[0] & 0x80) && (d[0] != 0 || (len > 1 && (d[1] & 0x80)));
}

/* The fields after the type, each in the one encoding sshd reads, and
 * nothing after them. sshd compares keys as values: an RSA key whose
 * exponent or modulus carries extra leading zeros, or a blob with bytes
 * after the key, is another rater's key to sshd but a different line to
 * simsa, which compares the text (a rater sending another rater's public
 * key so written would take over their logins). */
static bool canonical_blob(const char *type, size_t tlen, const unsigned char *blob, size_t n,
			   size_t at)
{
	static const struct {
		const char *type, *curve;
		size_t q;
	} ec[] = {
		{ "ecdsa-sha2-nistp256", "nistp256", 65 },
		{ "ecdsa-sha2-nistp384", "nistp384", 97 },
		{ "ecdsa-sha2-nistp521", "nistp521", 133 },
		{ "sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", 65 },
	};
	const unsigned char *f;
	size_t len;

	if (tlen == 7 && memcmp(type, "ssh-rsa", 7) == 0)
		return wire_string(blob, n, &at, &f, &len) && minimal_mpint(f, len) && /* e */
		       wire_string(blob, n, &at, &f, &len) && minimal_mpint(f, len) && /* n */
		       at == n;
	for (size_t i = 0; i < sizeof ec / sizeof ec[0]; i++)
		if (strlen(ec[i].type) == tlen && memcmp(ec[i].type, type, tlen) == 0)
			return wire_string(blob, n, &at, &f, &len) && len == strlen(ec[i].curve) &&
			       memcmp(f, ec[i].curve, len) == 0 &&
			       wire_string(blob, n, &at, &f, &len) && len == ec[i].q && f[0] == 4 &&
			       (type[0] != 's' || wire_string(blob, n, &at, &f, &len)) && at == n;
	if (tlen == 26 && memcmp(type, "sk-ssh-ed25519@openssh.com", 26) == 0)
		return wire_string(blob, n, &at, &f, &len) && len == 32 &&
		       wire_string(blob, n, &at, &f, &len) && at == n;
	return true; /* ssh-ed25519: its exact length is checked below */
}

/* The decoded blob of "TYPE BASE64" begins with the same type as a string
 * of the SSH wire format; an Ed25519 key is exactly that and 32 bytes. */
static int check_blob(const char *name, const char *type, size_t tlen, const char *b64, size_t blen,
		      struct simsa_err *err)
{
	size_t cap = blen / 4 * 3 + 3, n = 0;
	unsigned char *bin = malloc(cap);
	const char *end = NULL;
	int rc = -1;

	if (!bin)
		return err_set(err, "out of memory");
	if (sodium_base642bin(bin, cap, b64, blen, NULL, &n, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != b64 + blen) {
		err_set(err, "%s:1: field 'key': not base64", name);
		goto out;
	}
	if (n < 4 || be32(bin) != tlen || n - 4 < tlen || memcmp(bin + 4, type, tlen) != 0) {
		err_set(err,
			"%s:1: field 'key': not a %.*s public key (the key names another type)",
			name, (int)tlen, type);
		goto out;
	}
	if (tlen == 11 && memcmp(type, "ssh-ed25519", 11) == 0 &&
	    (n != 4 + tlen + 4 + 32 || be32(bin + 4 + tlen) != 32)) {
		err_set(err, "%s:1: field 'key': not a whole Ed25519 public key", name);
		goto out;
	}
	if (n < 4 + tlen + 8) {
		err_set(err, "%s:1: field 'key': the key is cut short", name);
		goto out;
	}
	if (!canonical_blob(type, tlen, bin, n, 4 + tlen)) {
		err_set(err,
			"%s:1: field 'key': not a %.*s public key as ssh-keygen writes it (a "
			"field cut short, written in a longer form, or bytes after the key)",
			name, (int)tlen, type);
		goto out;
	}
	rc = 0;
out:
	free(bin);
	return rc;
}

int sshkey_parse(const char *name, const char *text, size_t len, char **key, struct simsa_err *err)
{
	size_t eol = 0, tlen, kstart, klen, i;
	const char *line = text;

	*key = NULL;
	if (len >= 10 && memcmp(text, "-----BEGIN", 10) == 0)
		return err_set(err,
			       "%s:1: a private key (or another PEM file), not a public key: give "
			       "the public key, NAME.pub; a private key never leaves its owner",
			       name);
	while (eol < len && text[eol] != '\n')
		eol++;
	for (i = eol + 1; i < len; i++)
		if (text[i] != '\n' && text[i] != '\r')
			return err_set(err,
				       "%s:2: a public key file holds one key on one line "
				       "(TYPE BASE64 COMMENT, as ssh-keygen writes NAME.pub)",
				       name);
	if (eol > 0 && text[eol - 1] == '\r' && eol < len)
		eol--; /* CRLF */
	if (eol == 0)
		return err_set(err,
			       "%s:1: empty: expected one line such as 'ssh-ed25519 AAAA... "
			       "comment' (ssh-keygen's NAME.pub)",
			       name);
	for (i = 0; i < eol; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f)
			return err_set(err,
				       "%s:1: field '%s': a control character (byte 0x%02x at "
				       "column %zu); a public key line has none",
				       name, fields[field_at(line, i)], c, i + 1);
	}
	for (tlen = 0; tlen < eol && line[tlen] != ' '; tlen++)
		;
	if (!known_type(line, tlen)) {
		/* options: a=b, a,b, quotes, or a known type after the first word
		 * (as in "restrict ssh-ed25519 AAAA...") */
		bool options = false;

		for (i = 0; i < tlen; i++)
			options = options || strchr("=,\"", line[i]) != NULL;
		for (size_t w = tlen + 1; !options && w < eol; w++)
			if (line[w - 1] == ' ' && line[w] != ' ') {
				size_t e = w;

				while (e < eol && line[e] != ' ')
					e++;
				options = known_type(line + w, e - w);
			}
		if (options)
			return err_set(err,
				       "%s:1: field 'type': the line starts with options "
				       "(restrict, command=\"...\", from=...); give the bare "
				       "public key as ssh-keygen wrote it, simsa writes the "
				       "options",
				       name);
		for (i = 0; i < tlen; i++)
			if ((unsigned char)line[i] > 0x7e)
				return err_set(err,
					       "%s:1: field 'type': not a key type (known: %s)",
					       name, KNOWN);
		return err_set(err, "%s:1: field 'type': unknown key type '%.*s' (known: %s)", name,
			       (int)(tlen > 64 ? 64 : tlen), line, KNOWN);
	}
	for (kstart = tlen; kstart < eol && line[kstart] == ' '; kstart++)
		;
	for (klen = 0; kstart + klen < eol && line[kstart + klen] != ' '; klen++)
		;
	if (klen == 0)
		return err_set(err, "%s:1: field 'key': missing after the type", name);
	/* the alphabet checked here: libsodium 1.0.18's decoder takes some
	 * bytes above 0x7f for digits (found by fuzz_sshkey) */
	for (i = kstart; i < kstart + klen; i++)
		if (!line[i] || !strchr(B64, line[i]))
			return err_set(err, "%s:1: field 'key': not base64", name);
	for (i = kstart + klen; i < eol && line[i] == ' '; i++)
		;
	if (i < eol && !utf8_valid(line + i, eol - i, NULL))
		return err_set(err, "%s:1: field 'comment': not valid UTF-8", name);
	if (check_blob(name, line, tlen, line + kstart, klen, err) < 0)
		return -1;
	*key = malloc(tlen + 1 + klen + 1);
	if (!*key)
		return err_set(err, "out of memory");
	memcpy(*key, line, tlen);
	(*key)[tlen] = ' ';
	memcpy(*key + tlen + 1, line + kstart, klen);
	(*key)[tlen + 1 + klen] = '\0';
	return 0;
}

int sshkey_read(const char *path, char **key, struct simsa_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*key = NULL;
	if (read_file(path, SSHKEY_MAX_FILE, &text, &len, err) < 0)
		return -1;
	if (memchr(text, '\0', len))
		rc = err_set(err, "%s: a NUL byte: not a public key file", path);
	else
		rc = sshkey_parse(path, text, len, key, err);
	free(text);
	return rc;
}

void sshkey_fingerprint(const char *key, char out[SSHKEY_FP_LEN])
{
	const char *sp = key ? strchr(key, ' ') : NULL;
	size_t blen, cap, n = 0;
	unsigned char *bin, h[crypto_hash_sha256_BYTES];

	out[0] = '\0';
	if (!sp)
		return;
	blen = strlen(sp + 1);
	cap = blen / 4 * 3 + 3;
	bin = malloc(cap);
	if (bin && sodium_base642bin(bin, cap, sp + 1, blen, NULL, &n, NULL,
				     sodium_base64_VARIANT_ORIGINAL) == 0) {
		crypto_hash_sha256(h, bin, n);
		memcpy(out, "SHA256:", 7);
		sodium_bin2base64(out + 7, SSHKEY_FP_LEN - 7, h, sizeof h,
				  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	}
	free(bin);
}
