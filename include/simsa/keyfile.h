/* keyfile — Ed25519 key pairs kept in passphrase-protected key files.
 *
 * Owns the key file format (docs/key-files.md, 176 bytes: a 96-byte header
 * naming the KDF, its parameters, salt, nonce and public key, then the
 * secret key sealed by XChaCha20-Poly1305 under an Argon2id key, with the
 * whole header as associated data) and the in-memory secret key.
 *
 * A secret key lives only in sodium_malloc memory, kept inaccessible
 * (sodium_mprotect_noaccess) except while it signs, and wiped when freed.
 * Nothing here prints; every failure names the file and what is wrong. The
 * KDF parameters of a file are bounds-checked before any memory is spent on
 * them, so a hostile header cannot make simsa allocate gigabytes. */
#ifndef SIMSA_KEYFILE_H
#define SIMSA_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"

#define KEYFILE_PK_LEN 32  /* Ed25519 public key */
#define KEYFILE_SIG_LEN 64 /* Ed25519 signature */
#define KEYFILE_SIZE 176   /* every version-1 key file is exactly this long */

/* Argon2id cost: opslimit passes over memlimit bytes (libsodium's
 * crypto_pwhash, one lane). Files outside these bounds are refused. */
#define KEYFILE_OPSLIMIT_MIN 1u
#define KEYFILE_OPSLIMIT_MAX 16u
#define KEYFILE_MEMLIMIT_MIN 8192ull      /* 8 KiB, libsodium's minimum */
#define KEYFILE_MEMLIMIT_MAX (1ull << 30) /* 1 GiB */
/* The default: RFC 9106's second recommendation (t=3, 64 MiB), which keeps
 * hundreds of raters unlocking at once on one SSH host within memory. */
#define KEYFILE_OPSLIMIT_DEFAULT 3u
#define KEYFILE_MEMLIMIT_DEFAULT (64ull << 20)

struct keyfile_kdf {
	uint32_t opslimit;
	uint64_t memlimit; /* bytes, a multiple of 1024 */
};

/* An unlocked Ed25519 secret key (opaque). */
struct secret_key;

/* The parameters keyfile_create() uses when given none: the defaults above,
 * or the minimum (1 pass, 8 KiB) when the environment has SIMSA_KDF=fast —
 * for tests and demos only, never for a real round. Any other non-empty
 * SIMSA_KDF is refused. */
int keyfile_kdf_choose(struct keyfile_kdf *out, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Creates a new key pair and writes it to path, sealed under the passphrase
 * (pass_len bytes, not empty). kdf NULL means keyfile_kdf_choose(). The file
 * appears complete or not at all, with mode 0600; an existing path is never
 * overwritten. On success pk receives the new public key. */
int keyfile_create(const char *path, const char *pass, size_t pass_len,
		   const struct keyfile_kdf *kdf, unsigned char pk[KEYFILE_PK_LEN],
		   struct simsa_err *err) __attribute__((warn_unused_result));

/* Opens the key file with the passphrase. On success *out is a new secret
 * key (free with secret_key_free). A wrong passphrase and a damaged file
 * look the same to the cipher and get one message; a malformed header,
 * truncation or out-of-range KDF parameters get their own. */
int keyfile_unlock(const char *path, const char *pass, size_t pass_len, struct secret_key **out,
		   struct simsa_err *err) __attribute__((warn_unused_result));

/* Seals the key in the file at path under a new passphrase (and the KDF
 * cost kdf, NULL: keyfile_kdf_choose()), after unlocking it with the old
 * one: the same key pair, a fresh salt and nonce. The new file is written
 * beside it and renamed over it (mode 0600), so the path holds the old
 * file or the new one, whole. */
int keyfile_change_passphrase(const char *path, const char *old_pass, size_t old_len,
			      const char *new_pass, size_t new_len, const struct keyfile_kdf *kdf,
			      struct simsa_err *err) __attribute__((warn_unused_result));

/* The public key recorded in the file, without the passphrase. Nothing
 * authenticates it until the file is unlocked: compare it with the key the
 * round has on record before trusting it. */
int keyfile_read_public(const char *path, unsigned char pk[KEYFILE_PK_LEN], struct simsa_err *err)
	__attribute__((warn_unused_result));

/* The KDF parameters recorded in the file (after the same checks as
 * keyfile_unlock makes before deriving). */
int keyfile_read_kdf(const char *path, struct keyfile_kdf *kdf, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Whether the key file at path can be read or written by its group or by
 * others (any of mode 077); if so, err holds a one-line warning naming the
 * file and its mode. A regular file only: false for anything else or when
 * path cannot be examined (unlocking will say why). */
bool keyfile_mode_too_open(const char *path, struct simsa_err *err);

/* The public half; valid as long as sk. */
const unsigned char *secret_key_public(const struct secret_key *sk);

/* Ed25519 detached signature of msg (crypto_sign_detached). Returns 0, or
 * -1 only if the key's memory cannot be made readable. The key is readable
 * only during the call, so one key must not sign in two threads at once. */
int secret_key_sign(const struct secret_key *sk, const unsigned char *msg, size_t len,
		    unsigned char sig[KEYFILE_SIG_LEN]) __attribute__((warn_unused_result));

/* Opens a crypto_box_seal box sealed to this key's X25519 form (the
 * organizer's sealed secrets). m receives clen - crypto_box_SEALBYTES bytes.
 * Returns 0, or -1 if the box was not sealed to this key or is damaged. */
int secret_key_unseal(const struct secret_key *sk, const unsigned char *c, size_t clen,
		      unsigned char *m) __attribute__((warn_unused_result));

/* Wipes and frees *sk and sets it to NULL; NULL and *sk NULL are fine. */
void secret_key_free(struct secret_key **sk);

/* The default key file of NAME for a round: ROUND.keys/NAME.key (ROUND
 * without its .db). create_dir makes ROUND.keys (mode 0700) if missing. */
int keyfile_round_path(const char *round, const char *name, bool create_dir, char *out, size_t cap,
		       struct simsa_err *err) __attribute__((warn_unused_result));

#endif
