/* keyfile — Ed25519 key pairs in passphrase-protected files: the file
 * format, its checks, sealing and unsealing, and the in-memory secret key
 * (see include/simsa/keyfile.h; the format is in docs/key-files.md). */
#include "simsa/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define MAGIC "SIMSAKEY"
#define MAGIC_LEN 8
#define FORMAT_VERSION 1
#define KDF_ARGON2ID13 1
#define CIPHER_XCHACHA20POLY1305 1

/* Byte offsets of the fields (docs/key-files.md). */
enum {
	OFF_VERSION = 8,
	OFF_KDF = 9,
	OFF_CIPHER = 10,
	OFF_RESERVED = 11,
	OFF_OPSLIMIT = 12,
	OFF_MEMLIMIT = 16,
	OFF_SALT = 24,
	OFF_NONCE = 40,
	OFF_PK = 64,
	OFF_CT = 96, /* the header, all of it associated data, ends here */
};

#define SALT_LEN 16
#define NONCE_LEN 24
#define SK_LEN 64  /* libsodium's Ed25519 secret key: seed || public key */
#define KEY_LEN 32 /* the Argon2id output, the cipher's key */
#define CT_LEN (SK_LEN + 16)
#define READ_CAP 512 /* bytes read at most; anything longer is not a key file */

_Static_assert(OFF_CT + CT_LEN == KEYFILE_SIZE, "layout adds up");
_Static_assert(SALT_LEN == crypto_pwhash_SALTBYTES, "salt size");
_Static_assert(NONCE_LEN == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(KEY_LEN == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key size");
_Static_assert(SK_LEN == crypto_sign_SECRETKEYBYTES, "secret key size");
_Static_assert(KEYFILE_PK_LEN == crypto_sign_PUBLICKEYBYTES, "public key size");
_Static_assert(KEYFILE_SIG_LEN == crypto_sign_BYTES, "signature size");
_Static_assert(KEYFILE_MEMLIMIT_MIN >= crypto_pwhash_argon2id_MEMLIMIT_MIN, "libsodium min");
_Static_assert(KEYFILE_OPSLIMIT_MIN >= crypto_pwhash_argon2id_OPSLIMIT_MIN, "libsodium min");

struct secret_key {
	unsigned char *sk; /* sodium_malloc, SK_LEN; no access while idle */
	unsigned char pk[KEYFILE_PK_LEN];
};

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_le32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int keyfile_kdf_choose(struct keyfile_kdf *out, struct simsa_err *err)
{
	const char *env = getenv("SIMSA_KDF");

	if (!env || !*env) {
		out->opslimit = KEYFILE_OPSLIMIT_DEFAULT;
		out->memlimit = KEYFILE_MEMLIMIT_DEFAULT;
		return 0;
	}
	if (strcmp(env, "fast") != 0)
		return err_set(err,
			       "SIMSA_KDF=%s: unknown value (the only one is \"fast\", "
			       "for tests and demos)",
			       env);
	out->opslimit = KEYFILE_OPSLIMIT_MIN;
	out->memlimit = KEYFILE_MEMLIMIT_MIN;
	return 0;
}

/* The bounds every file must keep; checked before any derivation. */
static int kdf_check(const struct keyfile_kdf *k, const char *path, struct simsa_err *err)
{
	if (k->opslimit < KEYFILE_OPSLIMIT_MIN || k->opslimit > KEYFILE_OPSLIMIT_MAX)
		return err_set(err, "%s: KDF pass count %" PRIu32 " out of range %u..%u", path,
			       k->opslimit, KEYFILE_OPSLIMIT_MIN, KEYFILE_OPSLIMIT_MAX);
	if (k->memlimit < KEYFILE_MEMLIMIT_MIN || k->memlimit > KEYFILE_MEMLIMIT_MAX)
		return err_set(err, "%s: KDF memory limit %" PRIu64 " out of range %llu..%llu",
			       path, k->memlimit, KEYFILE_MEMLIMIT_MIN, KEYFILE_MEMLIMIT_MAX);
	if (k->memlimit % 1024 != 0)
		return err_set(err, "%s: KDF memory limit %" PRIu64 " is not a multiple of 1024",
			       path, k->memlimit);
	return 0;
}

/* Checks everything about a file's bytes that needs no passphrase, in the
 * order that gives the most useful message. */
static int parse(const char *path, const unsigned char *buf, size_t n, struct keyfile_kdf *kdf,
		 struct simsa_err *err)
{
	if (memcmp(buf, MAGIC, n < MAGIC_LEN ? n : MAGIC_LEN) != 0)
		return err_set(err, "%s: not a simsa key file (bad magic)", path);
	if (n > OFF_VERSION && buf[OFF_VERSION] != FORMAT_VERSION)
		return err_set(err, "%s: unknown format version %u", path, buf[OFF_VERSION]);
	if (n < KEYFILE_SIZE)
		return err_set(err, "%s: truncated: %zu bytes, expected %d", path, n, KEYFILE_SIZE);
	if (n > KEYFILE_SIZE)
		return err_set(err, "%s: %s%zu bytes, expected %d", path,
			       n > READ_CAP ? "more than " : "",
			       n > READ_CAP ? (size_t)READ_CAP : n, KEYFILE_SIZE);
	if (buf[OFF_KDF] != KDF_ARGON2ID13)
		return err_set(err, "%s: unknown KDF algorithm %u", path, buf[OFF_KDF]);
	if (buf[OFF_CIPHER] != CIPHER_XCHACHA20POLY1305)
		return err_set(err, "%s: unknown cipher algorithm %u", path, buf[OFF_CIPHER]);
	if (buf[OFF_RESERVED] != 0)
		return err_set(err, "%s: reserved byte is %u, expected 0", path, buf[OFF_RESERVED]);
	kdf->opslimit = get_le32(buf + OFF_OPSLIMIT);
	kdf->memlimit = get_le64(buf + OFF_MEMLIMIT);
	return kdf_check(kdf, path, err);
}

bool keyfile_mode_too_open(const char *path, struct simsa_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return false;
	err_set(err,
		"%s: the key file can be read or written by others (mode %04o); "
		"chmod 600 it",
		path, (unsigned)(st.st_mode & 07777));
	return true;
}

/* Reads and parses a key file into buf (KEYFILE_SIZE bytes). */
static int load(const char *path, unsigned char *buf, struct keyfile_kdf *kdf,
		struct simsa_err *err)
{
	unsigned char raw[READ_CAP + 1];
	struct stat st;
	size_t n = 0;
	int fd, rc = -1;

	/* O_NONBLOCK: a FIFO at the path must not wait for a writer; it is
	 * refused below like anything else that is not a regular file */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return err_set(err, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		err_set(err, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, "%s: not a regular file (a key file is a plain file of %d bytes)",
			path, KEYFILE_SIZE);
		goto out;
	}
	while (n < sizeof raw) {
		ssize_t got = read(fd, raw + n, sizeof raw - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err_set(err, "%s: read error: %s", path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (parse(path, raw, n, kdf, err) < 0)
		goto out;
	memcpy(buf, raw, KEYFILE_SIZE);
	rc = 0;
out:
	close(fd);
	return rc;
}

static int derive(unsigned char *key, const char *pass, size_t pass_len, const unsigned char *salt,
		  const struct keyfile_kdf *kdf, const char *path, struct simsa_err *err)
{
	if (crypto_pwhash(key, KEY_LEN, pass, pass_len, salt, kdf->opslimit, (size_t)kdf->memlimit,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_set(err,
			       "%s: key derivation failed (out of memory for %" PRIu64 " bytes?)",
			       path, kdf->memlimit);
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Makes a new directory entry durable; failures only cost durability. */
static void fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* For file systems without hard links: exclusive create in place. A crash
 * may leave a short file, which keyfile_unlock refuses as truncated. */
static int write_excl(const char *path, const unsigned char *data, size_t len,
		      struct simsa_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 && errno == EEXIST)
		return err_set(err, "%s: already exists; a key file is never overwritten", path);
	if (fd < 0)
		return err_set(err, "%s: cannot create: %s", path, strerror(errno));
	if (fchmod(fd, 0600) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		err_set(err, "%s: cannot write: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) < 0) {
		err_set(err, "%s: cannot write: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* Writes a new file that appears whole or not at all, and never replaces
 * an existing one: a temporary file beside it, synced, then link(), which
 * fails rather than overwrite (rename() would overwrite). */
static int write_new(const char *path, const unsigned char *data, size_t len, struct simsa_err *err)
{
	size_t tlen = strlen(path) + sizeof ".tmp-XXXXXX";
	char *tmp = malloc(tlen);
	bool made = false;
	int fd = -1, rc = -1;

	if (!tmp)
		return err_set(err, "out of memory");
	snprintf(tmp, tlen, "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(err, "%s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	made = true;
	if (fchmod(fd, 0600) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		err_set(err, "%s: cannot write: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_set(err, "%s: cannot write: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (link(tmp, path) < 0) {
		if (errno == EEXIST)
			err_set(err, "%s: already exists; a key file is never overwritten", path);
		else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP ||
			 errno == ENOSYS)
			rc = write_excl(path, data, len, err);
		else
			err_set(err, "%s: cannot create: %s", path, strerror(errno));
		if (rc < 0)
			goto out;
	}
	fsync_parent(path);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* A new file's header up to the public key: format, the KDF's cost, a
 * fresh salt and nonce. */
static void header_init(unsigned char *buf, const struct keyfile_kdf *k)
{
	memcpy(buf, MAGIC, MAGIC_LEN);
	buf[OFF_VERSION] = FORMAT_VERSION;
	buf[OFF_KDF] = KDF_ARGON2ID13;
	buf[OFF_CIPHER] = CIPHER_XCHACHA20POLY1305;
	buf[OFF_RESERVED] = 0;
	put_le32(buf + OFF_OPSLIMIT, k->opslimit);
	put_le64(buf + OFF_MEMLIMIT, k->memlimit);
	randombytes_buf(buf + OFF_SALT, SALT_LEN);
	randombytes_buf(buf + OFF_NONCE, NONCE_LEN);
}

int keyfile_create(const char *path, const char *pass, size_t pass_len,
		   const struct keyfile_kdf *kdf, unsigned char pk[KEYFILE_PK_LEN],
		   struct simsa_err *err)
{
	unsigned char buf[KEYFILE_SIZE];
	unsigned char *sk = NULL, *key = NULL;
	struct keyfile_kdf k;
	struct stat st;
	int rc = -1;

	if (sodium_init() < 0)
		return err_set(err, "cannot initialise libsodium");
	if (pass_len == 0)
		return err_set(err, "%s: empty passphrase", path);
	if (kdf)
		k = *kdf;
	else if (keyfile_kdf_choose(&k, err) < 0)
		return -1;
	if (kdf_check(&k, path, err) < 0)
		return -1;
	/* Early and friendly; write_new() is what guarantees it. */
	if (lstat(path, &st) == 0)
		return err_set(err, "%s: already exists; a key file is never overwritten", path);

	sk = sodium_malloc(SK_LEN);
	key = sodium_malloc(KEY_LEN);
	if (!sk || !key) {
		err_set(err, "out of memory");
		goto out;
	}
	header_init(buf, &k);
	if (crypto_sign_keypair(buf + OFF_PK, sk) != 0) {
		err_set(err, "%s: cannot generate a key pair", path);
		goto out;
	}
	if (derive(key, pass, pass_len, buf + OFF_SALT, &k, path, err) < 0)
		goto out;
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + OFF_CT, NULL, sk, SK_LEN, buf, OFF_CT,
						   NULL, buf + OFF_NONCE, key);
	if (write_new(path, buf, sizeof buf, err) < 0)
		goto out;
	memcpy(pk, buf + OFF_PK, KEYFILE_PK_LEN);
	rc = 0;
out:
	sodium_free(sk); /* sodium_free wipes */
	sodium_free(key);
	return rc;
}

int keyfile_change_passphrase(const char *path, const char *old_pass, size_t old_len,
			      const char *new_pass, size_t new_len, const struct keyfile_kdf *kdf,
			      struct simsa_err *err)
{
	unsigned char buf[KEYFILE_SIZE];
	unsigned char *key = NULL;
	struct secret_key *s = NULL;
	struct keyfile_kdf k;
	size_t tlen = strlen(path) + sizeof ".tmp-XXXXXX";
	char *tmp = NULL;
	int fd = -1, rc = -1;

	if (new_len == 0)
		return err_set(err, "%s: empty passphrase", path);
	if (kdf)
		k = *kdf;
	else if (keyfile_kdf_choose(&k, err) < 0)
		return -1;
	if (kdf_check(&k, path, err) < 0 || keyfile_unlock(path, old_pass, old_len, &s, err) < 0)
		return -1;
	key = sodium_malloc(KEY_LEN);
	tmp = malloc(tlen);
	if (!key || !tmp) {
		err_set(err, "out of memory");
		goto out;
	}
	/* the same key pair, sealed anew: fresh salt and nonce, the new cost */
	header_init(buf, &k);
	memcpy(buf + OFF_PK, s->pk, KEYFILE_PK_LEN);
	if (derive(key, new_pass, new_len, buf + OFF_SALT, &k, path, err) < 0)
		goto out;
	sodium_mprotect_readonly(s->sk);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + OFF_CT, NULL, s->sk, SK_LEN, buf, OFF_CT,
						   NULL, buf + OFF_NONCE, key);
	sodium_mprotect_noaccess(s->sk);
	/* a whole new file beside it, synced, then renamed over the old one:
	 * the key file is the old or the new one, never half of either */
	snprintf(tmp, tlen, "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(err, "%s: cannot write beside it: %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) < 0 || write_all(fd, buf, sizeof buf) < 0 || fsync(fd) < 0) {
		err_set(err, "%s: cannot write: %s", tmp, strerror(errno));
		goto out; /* closed and removed below */
	}
	if (close(fd) < 0) {
		fd = -1;
		err_set(err, "%s: cannot write: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		err_set(err, "%s: cannot replace: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fsync_parent(path);
	rc = 0;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	sodium_memzero(buf, sizeof buf);
	sodium_free(key);
	secret_key_free(&s);
	free(tmp);
	return rc;
}

int keyfile_unlock(const char *path, const char *pass, size_t pass_len, struct secret_key **out,
		   struct simsa_err *err)
{
	unsigned char buf[KEYFILE_SIZE], pk[KEYFILE_PK_LEN];
	unsigned char *key = NULL, *seed_sk = NULL;
	struct secret_key *s = NULL;
	struct keyfile_kdf kdf;
	int rc = -1;

	if (sodium_init() < 0)
		return err_set(err, "cannot initialise libsodium");
	if (load(path, buf, &kdf, err) < 0)
		return -1;
	if (pass_len == 0)
		return err_set(err, "%s: empty passphrase", path);
	key = sodium_malloc(KEY_LEN);
	seed_sk = sodium_malloc(SK_LEN);
	s = calloc(1, sizeof *s);
	if (s)
		s->sk = sodium_malloc(SK_LEN);
	if (!key || !seed_sk || !s || !s->sk) {
		err_set(err, "out of memory");
		goto out;
	}
	if (derive(key, pass, pass_len, buf + OFF_SALT, &kdf, path, err) < 0)
		goto out;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(s->sk, NULL, NULL, buf + OFF_CT, CT_LEN, buf,
						       OFF_CT, buf + OFF_NONCE, key) != 0) {
		err_set(err, "%s: wrong passphrase or damaged key file", path);
		goto out;
	}
	/* libsodium signs with the public key stored in the secret key's second
	 * half; recompute it from the seed so a mismatched half can never make
	 * a signature that leaks the key. */
	if (crypto_sign_seed_keypair(pk, seed_sk, s->sk) != 0 ||
	    sodium_memcmp(pk, buf + OFF_PK, KEYFILE_PK_LEN) != 0 ||
	    sodium_memcmp(s->sk + 32, buf + OFF_PK, KEYFILE_PK_LEN) != 0) {
		err_set(err, "%s: damaged: the secret key does not match the public key", path);
		goto out;
	}
	memcpy(s->pk, buf + OFF_PK, KEYFILE_PK_LEN);
	sodium_mprotect_noaccess(s->sk);
	*out = s;
	s = NULL;
	rc = 0;
out:
	sodium_free(key);
	sodium_free(seed_sk);
	secret_key_free(&s);
	return rc;
}

int keyfile_read_public(const char *path, unsigned char pk[KEYFILE_PK_LEN], struct simsa_err *err)
{
	unsigned char buf[KEYFILE_SIZE];
	struct keyfile_kdf kdf;

	if (load(path, buf, &kdf, err) < 0)
		return -1;
	memcpy(pk, buf + OFF_PK, KEYFILE_PK_LEN);
	return 0;
}

int keyfile_read_kdf(const char *path, struct keyfile_kdf *kdf, struct simsa_err *err)
{
	unsigned char buf[KEYFILE_SIZE];

	return load(path, buf, kdf, err);
}

const unsigned char *secret_key_public(const struct secret_key *sk)
{
	return sk->pk;
}

int secret_key_sign(const struct secret_key *sk, const unsigned char *msg, size_t len,
		    unsigned char sig[KEYFILE_SIG_LEN])
{
	if (sodium_mprotect_readonly(sk->sk) != 0)
		return -1;
	crypto_sign_detached(sig, NULL, msg, len, sk->sk);
	sodium_mprotect_noaccess(sk->sk);
	return 0;
}

void secret_key_free(struct secret_key **sk)
{
	if (!sk || !*sk)
		return;
	sodium_free((*sk)->sk); /* makes it writable, wipes, unmaps */
	free(*sk);
	*sk = NULL;
}

int secret_key_unseal(const struct secret_key *sk, const unsigned char *c, size_t clen,
		      unsigned char *m)
{
	unsigned char *xsk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	unsigned char xpk[crypto_box_PUBLICKEYBYTES];
	int rc = -1;

	if (!xsk || clen < crypto_box_SEALBYTES)
		goto out;
	if (crypto_sign_ed25519_pk_to_curve25519(xpk, sk->pk) != 0 ||
	    sodium_mprotect_readonly(sk->sk) != 0)
		goto out;
	rc = crypto_sign_ed25519_sk_to_curve25519(xsk, sk->sk);
	sodium_mprotect_noaccess(sk->sk);
	if (rc == 0)
		rc = crypto_box_seal_open(m, c, clen, xpk, xsk) == 0 ? 0 : -1;
out:
	sodium_free(xsk);
	return rc;
}

int keyfile_round_path(const char *round, const char *name, bool create_dir, char *out, size_t cap,
		       struct simsa_err *err)
{
	size_t n = strlen(round);
	int w;

	if (n > 3 && strcmp(round + n - 3, ".db") == 0)
		n -= 3;
	w = snprintf(out, cap, "%.*s.keys", (int)n, round);
	if (w < 0 || (size_t)w >= cap)
		return err_set(err, "%s: path too long", round);
	if (create_dir && mkdir(out, 0700) < 0 && errno != EEXIST)
		return err_set(err, "%s: cannot create: %s", out, strerror(errno));
	w = snprintf(out, cap, "%.*s.keys/%s.key", (int)n, round, name);
	if (w < 0 || (size_t)w >= cap)
		return err_set(err, "%s: path too long", round);
	return 0;
}
