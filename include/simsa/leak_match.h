/* leak_match — identity-leak matching: finds text that names an entrant
 * (name, team, model or aliases), a word from the round's own list, or a
 * well-known model vendor or family from simsa's built-in list, so a
 * self-identifying answer cannot silently break the blind. Outputs are
 * screened with it now; live answers, when they come, use the same rule.
 *
 * One rule, written once (src/round/leak_fold.c; docs/opening.md,
 * "Identity screening"), folds both sides before they are compared:
 * invisible characters removed (zero-width, soft hyphen, BOM, tag
 * characters, whose ASCII is read apart), NFKC and case folding (utf8proc),
 * UTS #39 confusable skeletons (ICU's spoof checker), and separators
 * between single letters removed. So "Dasol" is found as "ＤＡＳＯＬ",
 * "Da\u200bsol", "Dаsol" with a Cyrillic а, "DasoI", "D a s o l",
 * "D.a.s.o.l" and spelled in tag characters. A term whose edge is a letter
 * of a script that spaces its words (Latin, Cyrillic, Greek) matches whole
 * words only at that edge: "Cohere의" names Cohere, "Coherence" does not;
 * Korean terms match inside words (particles attach). Terms of fewer than
 * two letters are ignored. Pure: no I/O. */
#ifndef SIMSA_LEAK_MATCH_H
#define SIMSA_LEAK_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "simsa/err.h"
#include "simsa/store.h"

struct leak_match;

/* Whom a term names, when not an entrant (an index into the entrants). */
#define LEAK_LISTED (-1)  /* a word of the round's own list */
#define LEAK_BUILTIN (-2) /* a model vendor or family of the built-in list */

/* Terms from every entrant of in (name, team, model, aliases), the extra
 * words (LEAK_LISTED), then the built-in list (LEAK_BUILTIN) but for the
 * names that read the same as a term before them. */
int leak_match_new(const struct round_inputs *in, const char *const *extra, size_t n_extra,
		   struct leak_match **out, struct simsa_err *err)
	__attribute__((warn_unused_result));
void leak_match_free(struct leak_match **s);

struct leak_hit {
	const char *term;    /* as written in the entrants file, the list or the built-in list */
	int entrant;         /* the entrant it names, LEAK_LISTED or LEAK_BUILTIN */
	size_t offset, len;  /* its first occurrence in the text, in bytes */
	const char *context; /* that occurrence and about 30 characters each side, sanitized
			      * for display (text_sanitize_line: one line, nothing a terminal
			      * acts on, hidden characters shown as ⟨ZWSP⟩, ⟨tag:a⟩ ...) */
};

/* Calls hit once for each term found in text, in term order; the hit's
 * strings live until hit returns. Returns the number of terms found, or -1
 * when out of memory. */
int leak_match_text(const struct leak_match *s, const char *text, size_t len,
		    void (*hit)(void *ctx, const struct leak_hit *h), void *ctx);

/* The folded form of a text under the rule above, as a new string (caller
 * frees; separators at either end removed), or NULL when out of memory. */
char *leak_normalize(const char *text, size_t len);

/* 1 when a and b fold to the same text (they read the same: "alice",
 * "ALICE", "aIice", "a1ice"), 0 when not, -1 when out of memory. */
int leak_confusable(const char *a, const char *b);

/* The built-in list of model vendors and families: *n strings. */
const char *const *leak_builtin_terms(size_t *n);

#endif
