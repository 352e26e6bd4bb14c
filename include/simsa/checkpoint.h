/* checkpoint — `simsa checkpoint`: the organizer signs a tree head of the
 * ballots cast so far (note.h), to publish while the round runs. Reads
 * the round; never writes it. Layout: docs/checkpoint.md. */
#ifndef SIMSA_CHECKPOINT_H
#define SIMSA_CHECKPOINT_H

#include <stddef.h>

#include "simsa/err.h"
#include "simsa/keyfile.h"
#include "simsa/note.h"
#include "simsa/store.h"

/* The checkpoint of the ballots in st now (an open or closed round),
 * signed with the organizer's key, which must be the round's: the note
 * (malloc'd, NUL-terminated) in *note, and what it says in *cp (release
 * with checkpoint_release). */
int round_checkpoint(struct store *st, const struct secret_key *organizer, struct checkpoint *cp,
		     char **note, size_t *len, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
