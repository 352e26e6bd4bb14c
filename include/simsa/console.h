/* console — the rating console (`simsa rate`) and the results screen
 * (`simsa results`), the only parts of simsa that draw. Built in tui/
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

struct console_opts {
	const char *lang; /* "ko", "en", or NULL: from LC_ALL / LC_MESSAGES / LANG */
};

/* Unlocks the rater's key (key_file, or ROUND.keys/RATER.key; passphrase
 * from pass_file, SIMSA_PASSPHRASE_FILE, or the terminal: three tries)
 * before the screen starts, opens the session and runs the console until
 * the rater leaves. Prints its own messages (stderr) and returns the exit
 * status: 0, 1 (could not start: the message says why), 2 (bad --lang), or
 * 128 + N after signal N (SIGHUP, SIGTERM; the draft is kept). Needs
 * setlocale(LC_ALL, "") done and a UTF-8 locale; refuses others. */
int console_rate(const char *round_path, const char *rater, const char *key_file,
		 const char *pass_file, const struct console_opts *opts);

/* `simsa rate ROUND.db --rater NAME [--key-file PATH] [--passphrase-file F]
 * [--lang ko|en]`: parses the command line and calls console_rate. */
int cmd_rate(int argc, char **argv);

/* Scores a closed round or bundle (score_round(), benchmark_csv may be
 * NULL) and shows the points full-screen until the organizer leaves (`q`):
 * the table by rank with bars and interval whiskers, an entrant's details,
 * the counts and the recipe (docs/console.md, "Results screen"). An open
 * round is refused before anything is drawn, in the words of `simsa
 * score`. Prints its own messages; returns 0, 1 (could not score or
 * start), 2 (bad --lang) or 128 + N after signal N. Needs
 * setlocale(LC_ALL, "") done and a UTF-8 locale. */
int console_results(const char *round_path, const char *benchmark_csv,
		    const struct console_opts *opts);

/* `simsa results ROUND.db|BUNDLE [--benchmark FILE.csv] [--lang ko|en]`. */
int cmd_results(int argc, char **argv);

#endif
