/* ballot — the signed record of one answer to one task.
 *
 * A ballot has one canonical byte encoding (docs/ballot-format.md): a
 * domain-separation tag and version, then fixed fields in a fixed order,
 * little-endian integers, length-prefixed strings, no floats. The rater
 * signs exactly those bytes with Ed25519; the ballot's hash (BLAKE2b-256 of
 * the bytes) chains it to the rater's previous ballot and gives the receipt
 * code. ballot_decode() accepts only canonical bytes: unknown versions, bad
 * lengths, out-of-range values and trailing bytes are refused, so
 * decode-then-encode returns the same bytes. Pure: no I/O. */
#ifndef SIMSA_BALLOT_H
#define SIMSA_BALLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"
#include "simsa/rubric.h"

#define BALLOT_VERSION 1
#define BALLOT_HASH_LEN 32
#define BALLOT_PK_LEN 32
#define BALLOT_SIG_LEN 64
#define BALLOT_MAX_COMMENT 4000 /* bytes of UTF-8 per comment */
#define BALLOT_MAX_CRITERIA RUBRIC_MAX_CRITERIA
#define BALLOT_SCORE_UNSET 0xFFFFFFFFu
#define BALLOT_SCORE_NA 0xFFFFFFFEu /* "not applicable" (criteria not required) */
#define BALLOT_RECEIPT_LEN 19       /* "ABCD-EFGH-JKMN-PQRS" */

enum ballot_kind { BALLOT_EXPERT = 1, BALLOT_USER = 2 };

enum {
	BALLOT_FLAG_IDENTITY = 1, /* the output reveals who wrote it */
	BALLOT_FLAG_BROKEN = 2,   /* truncated, garbled, empty */
	BALLOT_FLAG_HARMFUL = 4,  /* harmful content */
	BALLOT_FLAGS_ALL = 7,
};

struct ballot {
	char round_id[33];
	unsigned char manifest_hash[32];
	unsigned char rater_pk[BALLOT_PK_LEN];
	uint32_t task_position;           /* in the rater's task list */
	unsigned char output_hash[2][32]; /* [0] shown left (A), [1] right (B) */
	enum ballot_kind kind;
	/* expert */
	uint32_t n_criteria;
	char criterion_id[BALLOT_MAX_CRITERIA][33];
	uint32_t scores[2][BALLOT_MAX_CRITERIA]; /* score, or BALLOT_SCORE_NA */
	uint32_t flags[2];
	char comment[2][BALLOT_MAX_COMMENT + 1];
	/* user */
	uint32_t preference;   /* enum rubric_pref */
	uint32_t satisfaction; /* or BALLOT_SCORE_UNSET */
	char reason[BALLOT_MAX_COMMENT + 1];
	/* both */
	uint32_t active_seconds;
	uint32_t seq;                /* 1, 2, ... per rater */
	unsigned char prev_hash[32]; /* previous ballot, or the genesis value */
	bool has_supersedes;
	unsigned char supersedes[32];
	char cast_at[32]; /* UTC, "2026-11-29T07:00:00Z" */
};

/* Appends the canonical bytes of b to a new buffer *out (caller frees).
 * Refuses a ballot whose fields are out of range (the decoder's rules). */
int ballot_encode(const struct ballot *b, unsigned char **out, size_t *len, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Decodes canonical bytes. */
int ballot_decode(const unsigned char *p, size_t len, struct ballot *b, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* BLAKE2b-256 of the encoded bytes. */
void ballot_hash(const unsigned char *bytes, size_t len, unsigned char out[BALLOT_HASH_LEN]);

/* The first link of a rater's chain in a round:
 * BLAKE2b-256("simsa/chain-genesis/v1\0" || str(round_id) || rater_pk). */
void ballot_genesis(const char *round_id, const unsigned char pk[BALLOT_PK_LEN],
		    unsigned char out[BALLOT_HASH_LEN]);

/* The receipt code of a ballot hash: its first 80 bits in Crockford base32,
 * in four groups of four ("7K3M-Q2XA-..."); receipt_parse accepts any case,
 * with or without dashes, and O/I/L for 0/1/1, and gives the 10 bytes. */
void ballot_receipt(const unsigned char hash[BALLOT_HASH_LEN], char out[BALLOT_RECEIPT_LEN + 1]);
bool ballot_receipt_parse(const char *code, unsigned char prefix[10]);

#endif
