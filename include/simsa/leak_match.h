/* leak_match — identity-leak matching: finds outputs that mention an entrant's
 * name, team, model or aliases, or a word from the round's own list, so a
 * self-identifying answer cannot silently break the blind.
 *
 * Matching is on a normal form of both sides: Unicode NFKC with case folding
 * and default-ignorable characters removed (utf8proc), so "ＤＡＳＯＬ",
 * "dasol" and "Da\u200bsol" all match "Dasol". Terms shorter than two
 * characters are ignored. Pure: no I/O. */
#ifndef SIMSA_LEAK_MATCH_H
#define SIMSA_LEAK_MATCH_H

#include <stddef.h>

#include "simsa/err.h"
#include "simsa/store.h"

struct leak_match;

/* Terms from every entrant of in (name, team, model, aliases) plus the
 * extra words (their entrant is -1). */
int leak_match_new(const struct round_inputs *in, const char *const *extra, size_t n_extra,
		   struct leak_match **out, struct simsa_err *err)
	__attribute__((warn_unused_result));
void leak_match_free(struct leak_match **s);

/* Calls hit once for each term found in text (as given, not normalized),
 * with the entrant index it belongs to (-1 for an extra word). Returns the
 * number of terms found, or -1 when out of memory. */
int leak_match_text(const struct leak_match *s, const char *text, size_t len,
		    void (*hit)(void *ctx, const char *term, int entrant), void *ctx);

/* The normal form used for matching, as a new string (caller frees), or
 * NULL when out of memory or the input is not valid UTF-8. */
char *leak_normalize(const char *text, size_t len);

#endif
