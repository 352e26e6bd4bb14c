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
#define BALLOT_RECEIPT_SYMBOLS 24   /* a place of up to 7 symbols, 16, the check */
#define BALLOT_RECEIPT_MAX 29       /* "3ZZZZZZ-ABCD-EFGH-JKMN-PQRS-C", with its dashes */

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

/* The receipt code of the ballot at place (its 0-based leaf index: the
 * ballots before it in cast order, as the seal's Merkle tree orders them)
 * with this hash (docs/ballot-format.md, "Receipts"): the place in Crockford
 * base 32, the hash's first 80 bits (16 symbols), Crockford's mod-37 check
 * symbol of both, as PLACE-XXXX-XXXX-XXXX-XXXX-C. */
void ballot_receipt(uint32_t place, const unsigned char hash[BALLOT_HASH_LEN],
		    char out[BALLOT_RECEIPT_MAX + 1]);

enum receipt_form {
	RECEIPT_CODE,       /* a code whose check symbol holds: place and prefix */
	RECEIPT_OLD,        /* 16 symbols: the old form, the prefix alone */
	RECEIPT_MISTYPED,   /* code-like, but the check fails or a symbol is misplaced */
	RECEIPT_NOT_A_CODE, /* a character no code has, or far too short or long */
};

struct receipt_parsed {
	enum receipt_form form;
	uint32_t place;           /* RECEIPT_CODE */
	unsigned char prefix[10]; /* RECEIPT_CODE, RECEIPT_OLD: the hash's first 80 bits */
	char symbols[BALLOT_RECEIPT_SYMBOLS + 2]; /* as read: upper case, no dashes */
};

/* Reads a code typed by a person: any case, with or without dashes or
 * spaces, O for 0 and I or L for 1; returns (and sets) out->form. */
enum receipt_form ballot_receipt_parse(const char *code, struct receipt_parsed *out);

/* A code's symbols as ballot_receipt_parse reads them (no dashes, upper
 * case), for comparing with ballot_receipt_near. */
void ballot_receipt_normal(const char *code, char out[BALLOT_RECEIPT_SYMBOLS + 2]);

/* The two symbol strings are equal or one typo apart: one symbol
 * substituted, dropped or doubled (inserted), or two neighbours swapped. */
bool ballot_receipt_near(const char *a, const char *b);

#endif
