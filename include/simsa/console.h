/* console — the rating console (`simsa rate`) and the results screen
 * (`simsa results`), the only parts of simsa that draw; the commands
 * (cli/cmd_rate.c, cli/cmd_results.c) prepare what they show. Built in tui/
 * (docs/console.md): blind side-by-side rating for experts (criterion scores, flags, comments) and users (five-way
 * preference, both bad, reason), drafts saved on every change, signed
 * ballots with receipt codes, a review list, Korean and English.
 *
 * Headless mode for tests (no terminal needed): when SIMSA_CONSOLE_SCRIPT
 * names a key script (docs/console.md), keys come from it, the screen is
 * kept in memory at SIMSA_CONSOLE_SIZE (default 80x24) and `dump` lines of
 * the script append the screen text and a semantic state to
 * SIMSA_CONSOLE_DUMP (default: standard output). */
#ifndef SIMSA_CONSOLE_H
#define SIMSA_CONSOLE_H

#include <stdbool.h>

#include "simsa/err.h"

struct session;
struct score_result;

/* The locale's codeset is UTF-8 (the console draws Korean). The commands
 * refuse to start the console otherwise, with a message of their own. */
bool console_utf8_locale(void);

/* The console's language: "ko", "en", or NULL (from LC_ALL / LC_MESSAGES /
 * LANG); -1 for anything else. */
int console_set_lang(const char *lang);

/* SIMSA_CONSOLE_SCRIPT is set: the headless front end will be used. */
bool console_headless(void);

/* Runs the rating console on a started session until the rater leaves,
 * on the terminal or headless (SIMSA_CONSOLE_SCRIPT). Returns the exit
 * status (0, or 128 + N after signal N: SIGHUP, SIGTERM; the draft is
 * kept), or -1 with err set (could not start). */
int console_rate_session(struct session *s, struct simsa_err *err);

/* Shows the points of a closed round (score_round()'s result) full-screen
 * until the organizer leaves (`q`): the table by rank with bars and
 * interval whiskers, an entrant's details, the counts and the recipe
 * (docs/console.md, "Results screen"). Returns the exit status (0, or
 * 128 + N after signal N), or -1 with err set. */
int console_show_results(const struct score_result *r, struct simsa_err *err);

#endif
