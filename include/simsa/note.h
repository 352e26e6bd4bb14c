/* note — the organizer's checkpoints: signed tree heads of a round's
 * ballots, in the transparency-log "signed note" format (C2SP signed-note
 * and tlog-checkpoint, Ed25519 signatures), so they can be published and
 * checked by tools that know nothing of simsa. Layout: docs/checkpoint.md.
 *
 * The note text: "simsa/ROUND_ID", the ballot count, the base64 Merkle
 * root (RFC 6962 structure, BLAKE2b-256: merkle.h), then extension lines
 * "time UTC" and one "head KEY COUNT HASH" per rater with ballots in the
 * tree (enrolment order). A blank line, then signature lines
 * "— NAME BASE64(key ID || signature)". Pure. */
#ifndef SIMSA_NOTE_H
#define SIMSA_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"
#include "simsa/keyfile.h"

#define CHECKPOINT_MAX_BYTES (1u << 20) /* a longer file is refused */
#define CHECKPOINT_MAX_SIGS 100         /* signature lines accepted */

/* One rater's chain in the tree: count ballots, the last one's hash. */
struct checkpoint_head {
	unsigned char public_key[32];
	uint32_t count;
	unsigned char head[32];
};

/* A signature line whose key name is the checkpoint's origin. */
struct checkpoint_sig {
	unsigned char key_id[4];
	unsigned char *sig; /* sig_len bytes (64 for Ed25519) */
	size_t sig_len;
};

struct checkpoint {
	char round_id[33];
	uint32_t size; /* ballots: the first size leaves of the log */
	unsigned char root[32];
	char time[32]; /* "2026-12-07T19:30:00Z" */
	struct checkpoint_head *heads;
	size_t n_heads;
	/* parsed from a file: what the signatures cover, and the signature
	 * lines of the origin's name (others are ignored, as the format says) */
	char *text;
	size_t text_len;
	struct checkpoint_sig *sigs;
	size_t n_sigs;
	char source[512]; /* the file it was read from, for messages */
};

/* "simsa/" and the round id: the origin line and the key name. */
void checkpoint_origin(const char *round_id, char out[64]);
/* The signed-note key ID of an Ed25519 key under a key name (a round's:
 * its origin): SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
void note_key_id(const char *name, const unsigned char pk[32], unsigned char id[4]);

/* The organizer key's fingerprint, as verify prints it: BLAKE2b-256 of
 * the 32 bytes of the Ed25519 public key. */
void organizer_fingerprint(const unsigned char pk[32], unsigned char out[32]);

struct buf;
/* Appends the note text of cp's fields (what the signature covers) to b:
 * of a parsed checkpoint, exactly its text. */
void checkpoint_body(const struct checkpoint *cp, struct buf *b);

/* The whole signed note of cp (text, blank line, one signature line by
 * the organizer's key), malloc'd and NUL-terminated. */
int checkpoint_sign(const struct checkpoint *cp, const struct secret_key *organizer, char **note,
		    size_t *len, struct simsa_err *err) __attribute__((warn_unused_result));

/* Parses a checkpoint file's bytes strictly (source names it in messages):
 * every refusal says file, line and field, quoting nothing raw. */
int checkpoint_parse(const char *source, const char *data, size_t len, struct checkpoint *cp,
		     struct simsa_err *err) __attribute__((warn_unused_result));

/* 1 when a signature line of pk (name and key ID) verifies and none of pk
 * fails; 0 when there is none of pk; -1 when one of pk does not verify. */
int checkpoint_verify(const struct checkpoint *cp, const unsigned char pk[32]);

void checkpoint_release(struct checkpoint *cp);

#endif
