/* sshkey — the SSH public key a rater logs in with at a station
 * (docs/station.md): one OpenSSH public key line, read and checked, never
 * trusted further. The key moves no point; it only decides who may log in
 * (`simsa authorized-keys`). */
#ifndef SIMSA_SSHKEY_H
#define SIMSA_SSHKEY_H

#include <stddef.h>

#include "simsa/err.h"

#define SSHKEY_MAX_FILE 16384 /* a public key file larger than this is refused */
#define SSHKEY_FP_LEN 51      /* "SHA256:" and 43 base64 digits, NUL */

/* Reads path, an OpenSSH public key file as ssh-keygen writes it: one line
 * "TYPE BASE64 [COMMENT]" (a final newline, CRLF too, is allowed). TYPE is
 * one of ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa and their
 * sk-...@openssh.com security-key forms; BASE64 must decode to a key blob
 * that names the same type. Refused, naming path, line and field: a second
 * line, an empty file, a private key, options before the type (restrict,
 * command="...", from=...), any control character, a type or key that is
 * not printable ASCII, a comment that is not UTF-8. On
 * success *key is a new "TYPE BASE64" string (the comment dropped). */
int sshkey_read(const char *path, char **key, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* The same on text in memory; name is what messages call it. */
int sshkey_parse(const char *name, const char *text, size_t len, char **key, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* The fingerprint of a key sshkey_parse gave, as `ssh-keygen -l` prints
 * it: "SHA256:" and the unpadded base64 of the blob's SHA-256. "" when key
 * is not one. */
void sshkey_fingerprint(const char *key, char out[SSHKEY_FP_LEN]);

#endif
