/* screening — runs identity-leak screening (leak_match.h) over a draft round's
 * outputs and joins each hit with the organizer's recorded decision. */
#ifndef SIMSA_SCREENING_H
#define SIMSA_SCREENING_H

#include <stdbool.h>
#include <stdint.h>

#include "simsa/err.h"
#include "simsa/store.h"

struct screen_hit {
	int64_t output_row;
	const char *prompt_id;
	const char *entrant;    /* who wrote the output */
	const char *term;       /* what was found, as written in the entrants file, the
				 * round's list or the built-in list */
	const char *term_owner; /* the entrant the term names, or NULL */
	bool builtin;           /* no entrant: a model vendor or family of the built-in
				 * list (leak_match.h); else a word of the round's list */
	const char *context;    /* the first place found and some text each side,
				 * sanitized for display (struct leak_hit) */
	enum screen_decision decision;
};

/* Calls fn for every hit, in (prompt, entrant) order; the hit's strings
 * live until fn returns. */
int screening_each(struct store *st, const struct round_inputs *in,
		   void (*fn)(void *ctx, const struct screen_hit *hit), void *ctx,
		   struct simsa_err *err);

struct leak_match;
/* A screen over the round's entrants and its list of words. */
int screening_screen(struct store *st, const struct round_inputs *in, struct leak_match **out,
		     struct simsa_err *err) __attribute__((warn_unused_result));

/* The number of outputs with at least one undecided hit, or -1. */
long screening_pending(struct store *st, const struct round_inputs *in, struct simsa_err *err);

#endif
