/* jsonl — reading JSON Lines files (parsed by jansson) with messages that
 * name the file, the line and the field at fault.
 *
 * A reader hands out one JSON object per non-blank line. Lines are bounded
 * (JSONL_MAX_LINE) so a hostile file cannot make simsa allocate without
 * limit; every line must be valid UTF-8; a UTF-8 byte-order mark on the first
 * line is skipped; CRLF line ends are accepted; duplicate keys are refused.
 * The reader also hashes every byte it reads (BLAKE2b-256), so an import can
 * record exactly which file it took. */
#ifndef SIMSA_JSONL_H
#define SIMSA_JSONL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>
#include <sodium.h>

#include "simsa/err.h"
#include "simsa/util.h"

#define JSONL_MAX_LINE (8u << 20) /* bytes per line, escapes included */
#define JSONL_MAX_TEXT (1u << 20) /* bytes per text field (decoded) */

struct jsonl_reader {
	FILE *f;
	char *path;
	char *buf; /* the current line */
	size_t cap;
	char *chunk; /* read-ahead from f */
	size_t cpos, cend;
	bool eof;
	long lineno; /* line of the object last returned */
	crypto_generichash_state hash;
};

int jsonl_open(struct jsonl_reader *r, const char *path, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* 1 and a new reference in *obj (caller json_decref's it), 0 at the end of
 * the file, -1 on error ("PATH:LINE: ..."). */
int jsonl_next(struct jsonl_reader *r, json_t **obj, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* The BLAKE2b-256 of every byte read so far; call once, at the end. */
void jsonl_file_hash(struct jsonl_reader *r, unsigned char out[HASH_LEN]);
void jsonl_close(struct jsonl_reader *r);

/* Refuses keys not in the NULL-terminated list allowed. */
int jsonl_check_keys(const struct jsonl_reader *r, json_t *obj, const char *const *allowed,
		     struct simsa_err *err);

enum jsonl_text_rule {
	TEXT_ANY = 0,      /* any text up to JSONL_MAX_TEXT */
	TEXT_NONBLANK = 1, /* not empty nor only white space */
	TEXT_LINE = 2,     /* nonblank, one line, no control characters, ≤ 200 bytes */
	TEXT_SLUG = 4,     /* [A-Za-z0-9._-], 1..64 bytes */
	/* may hold U+0000 (JSON "\u0000", which models emit): only for a
	 * text kept with its length (an output); any other field refuses it,
	 * since it would be cut short there */
	TEXT_ALLOW_NUL = 8,
};

/* Reads string field key. Absent (or null) and !required: *out = NULL, 0.
 * Otherwise checks type and rules; *out points into obj (valid while obj
 * lives), *len is its byte length. */
int jsonl_get_text(const struct jsonl_reader *r, json_t *obj, const char *key, bool required,
		   int rules, const char **out, size_t *len, struct simsa_err *err);

/* Sets "PATH:LINE: field 'key': <message>" and returns -1. */
int jsonl_field_err(const struct jsonl_reader *r, const char *key, struct simsa_err *err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "a number", "an array", ... for messages. */
const char *jsonl_type_name(const json_t *v);

#endif
