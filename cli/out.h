/* out — printing what came from outside (cli/out.c); cli/cli.h includes
 * it. */
#ifndef SIMSA_CLI_OUT_H
#define SIMSA_CLI_OUT_H

#include <stdio.h>

#include <jansson.h>

#include "simsa/err.h"

/* Titles, names, prompt ids, paths, file contents and messages that quote
 * them may hold terminal escapes (a hostile bundle, an entrant's name). In
 * the text formats they are printed only through these, which sanitize as
 * the console does (simsa/text.h, docs/text.md): ESC shows as ␛, U+202E as
 * ⟨RLO⟩, invalid UTF-8 as U+FFFD, on a terminal and in a pipe alike. */

/* s sanitized to one line (NULL as ""): valid for the next 15 calls of
 * cli_text() and cli_pad(), so several can go to one printf. */
const char *cli_text(const char *s);
/* The same, padded with spaces to cols columns (by display width). */
const char *cli_pad(const char *s, int cols);
/* The columns cli_text(s) takes. */
int cli_width(const char *s);
/* Prints each line of msg sanitized, after prefix (a literal), to f. */
void cli_puts(FILE *f, const char *prefix, const char *msg);
/* Prints j (json_dumps flags) and a newline with every code point a
 * terminal acts on escaped (text_json_escape): the exact values, still
 * valid JSON. -1 when out of memory. */
int cli_json(FILE *f, const json_t *j, size_t flags);
/* A JSON string of a stored text for showing (status, score): the text
 * itself, or, in a damaged file, with U+FFFD for each byte that is not
 * valid UTF-8 (json_string() would give NULL and drop the key); null for
 * NULL. */
json_t *cli_jtext(const char *s);

/* CSV and JSON Lines keep the exact bytes (auditors recompute from them),
 * so they are never sanitized; but to a terminal they are written only if
 * nothing in them would act on it. cli_raw_begin() returns where to write:
 * dest itself, or a buffer when dest is a terminal; cli_raw_end() then
 * writes the buffer to dest, or refuses (-1, err says what to do instead:
 * `instead`, e.g. "write it with --out PATH"). */
struct cli_raw {
	FILE *dest, *mem;
	char *buf;
	size_t len;
};
FILE *cli_raw_begin(struct cli_raw *r, FILE *dest);
int cli_raw_end(struct cli_raw *r, const char *what, const char *instead, struct simsa_err *err)
	__attribute__((warn_unused_result));
/* Drops what was held (after a failure); dest gets nothing. */
void cli_raw_drop(struct cli_raw *r);

#endif
