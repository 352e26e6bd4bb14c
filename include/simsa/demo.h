/* demo — `simsa demo`'s round: its raters and the simulated panel that
 * casts their ballots (cli/cmd_demo.c, src/round/demo_panel.c). */
#ifndef SIMSA_DEMO_H
#define SIMSA_DEMO_H

#include <stddef.h>

#include "simsa/err.h"

#define DEMO_PASSPHRASE "demo"
#define DEMO_EXPERTS 4 /* 4 entrants, 2 scores each: 4 tasks per prompt, one per expert */
#define DEMO_USERS 12  /* 4 entrants make 6 pairs; the user rubric asks 2 per slot */

/* Casts, with their demo keys, every open task of every expert and user of
 * the demo round at db except skip (may be NULL): a simulated panel that
 * knows which entrant wrote what. Counts the ballots into *ballots. */
int demo_panel(const char *db, const char *skip, size_t *ballots, struct simsa_err *err)
	__attribute__((warn_unused_result));

#endif
