/* cli — the commands behind `simsa NAME ...` and what they share.
 *
 * Each command takes argc/argv starting at its own name, returns the exit
 * status (EXIT_OK, EXIT_FAIL for a failed check or bad input, EXIT_USAGE for
 * a bad command line) and prints its own messages; main() only dispatches. */
#ifndef SIMSA_CLI_H
#define SIMSA_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "simsa/err.h"
#include "simsa/store.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

enum out_format { FMT_TEXT, FMT_JSON };

struct command {
	const char *name; /* "init", "entrants import", ... */
	int (*run)(int argc, char **argv);
	const char *usage; /* arguments after the name */
	const char *summary;
	const char *help; /* options and details, for --help */
};

/* The table of commands, ending with {0}. */
extern const struct command simsa_commands[];

/* Prints "simsa: MESSAGE" to stderr; returns EXIT_FAIL. */
int cli_fail(const struct simsa_err *err);
/* Prints "simsa NAME: problem" and the usage line; returns EXIT_USAGE. */
int cli_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the usage and help text of the named command to f. */
void cli_help(const char *name, FILE *f);
/* After new outputs or names: warns on stderr when outputs may reveal
 * their entrant (open refuses them until each is decided). */
void cli_warn_identities(struct store *st);
/* Parses "text" or "json"; false for anything else. */
bool cli_parse_format(const char *s, enum out_format *fmt);

/* Asks for a new passphrase (twice on a terminal) and creates a key file. */
int cli_new_key(const char *path, const char *pass_file, const char *whose, unsigned char pk[32],
		struct simsa_err *err) __attribute__((warn_unused_result));
struct secret_key;
/* Asks for the passphrase and unlocks a key file. */
int cli_unlock(const char *path, const char *pass_file, const char *whose, struct secret_key **sk,
	       struct simsa_err *err) __attribute__((warn_unused_result));

/* The organizer's passphrase file: opt, else SIMSA_ORGANIZER_PASSPHRASE_FILE,
 * else NULL (then passphrase_get tries SIMSA_PASSPHRASE_FILE, the terminal). */
const char *cli_organizer_pass_file(const char *opt);
/* Unlocks the round's organizer key: key_opt or ROUND.keys/organizer.key,
 * with the organizer's passphrase (pass_opt, then the environment). */
int cli_unlock_organizer(const char *round, const char *key_opt, const char *pass_opt,
			 struct secret_key **sk, struct simsa_err *err)
	__attribute__((warn_unused_result));

int cmd_init(int argc, char **argv);
int cmd_close(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_receipt(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_rater_add(int argc, char **argv);
int cmd_open(int argc, char **argv);
int cmd_outputs_generate(int argc, char **argv);
int cmd_outputs_screen(int argc, char **argv);
int cmd_outputs_accept(int argc, char **argv);
int cmd_outputs_redact(int argc, char **argv);
int cmd_import_entrants(int argc, char **argv);
int cmd_import_prompts(int argc, char **argv);
int cmd_import_outputs(int argc, char **argv);
int cmd_import_gold(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_agreement(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_rate(int argc, char **argv);
int cmd_results(int argc, char **argv);

/* `simsa rate`: unlocks the rater's key (key_file, or ROUND.keys/RATER.key;
 * passphrase from pass_file, SIMSA_PASSPHRASE_FILE, or the terminal: three
 * tries) before the screen starts, opens the session and runs the console
 * until the rater leaves. Prints its own messages (stderr) and returns the
 * exit status: 0, 1 (could not start: the message says why), 2 (bad lang:
 * "ko", "en" or NULL for the locale's), or 128 + N after signal N (SIGHUP,
 * SIGTERM; the draft is kept). Needs setlocale(LC_ALL, "") done and a
 * UTF-8 locale; refuses others. */
int cli_rate(const char *round_path, const char *rater, const char *key_file, const char *pass_file,
	     const char *lang);
/* `simsa results`: scores a closed round or bundle (score_round(),
 * benchmark_csv may be NULL) and shows the points full-screen. An open
 * round is refused before anything is drawn, in the words of `simsa
 * score`. Returns 0, 1 (could not score or start), 2 (bad lang) or
 * 128 + N after signal N. */
int cli_results(const char *round_path, const char *benchmark_csv, const char *lang);

#endif
