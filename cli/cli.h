/* cli — the commands behind `simsa NAME ...` and what they share.
 *
 * Each command takes argc/argv starting at its own name, returns the exit
 * status (EXIT_OK, EXIT_FAIL for a failed check or bad input, EXIT_USAGE for
 * a bad command line, EXIT_UNVERIFIED for figures computed with --no-verify)
 * and prints its own messages; main() only dispatches. */
#ifndef SIMSA_CLI_H
#define SIMSA_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "opt.h"
#include "out.h"
#include "simsa/err.h"
#include "simsa/store.h"

struct command {
	const char *name; /* "init", "entrants import", ... */
	int (*run)(int argc, char **argv);
	const struct cli_spec *spec; /* summary, arguments, options, help */
};

/* The table of commands, ending with {0}. */
extern const struct command simsa_commands[];

/* Prints "simsa: MESSAGE" to stderr, sanitized; returns EXIT_FAIL. */
int cli_fail(const struct simsa_err *err);
/* Prints "simsa NAME: problem" (sanitized) and the usage line; returns
 * EXIT_USAGE. */
int cli_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the usage and help text of the named command to f. */
void cli_help(const char *name, FILE *f);
/* After new outputs or names: warns on stderr when outputs may reveal
 * their entrant (open refuses them until each is decided). */
void cli_warn_identities(struct store *st);
/* The command called NAME, or NULL. */
const struct command *cli_command(const char *name);

/* ---- readers verify first (cli/verify_first.c, docs/verify.md) ----
 *
 * score, results, export --format votes|ratings|csv and receipt run the
 * whole verification before they compute, and refuse a file that fails. */
struct cli_verified {
	bool skipped; /* --no-verify: not run; every output says NOT VERIFIED */
	bool open;    /* not closed: only the steps possible before close ran */
};
/* Runs audit_run on st (unless no_verify). 0: go on; -1 after printing
 * "simsa CMD: PATH fails verification (steps: ...); run simsa verify PATH
 * for the details; NOTHING" (or why it could not be verified): the command
 * then exits EXIT_FAIL without computing. */
int cli_verify_first(const char *cmd, const char *path, struct store *st, bool no_verify,
		     const char *nothing, struct cli_verified *v)
	__attribute__((warn_unused_result));
/* The NOT VERIFIED line (--no-verify) or the provisional one (open round)
 * to f; nothing for a verified closed round. */
void cli_verified_banner(FILE *f, const char *path, const struct cli_verified *v);
/* The same on stderr, after "simsa CMD: " (for the exact-bytes formats). */
void cli_verified_warn(const char *cmd, const char *path, const struct cli_verified *v);
/* Sets "verified" (true only for a closed round that verified) and
 * "verification" ("passed", "skipped", "provisional: ...") in root. */
void cli_verified_json(json_t *root, const struct cli_verified *v);
/* rc, or EXIT_UNVERIFIED instead of EXIT_OK when verification was skipped. */
int cli_verified_status(const struct cli_verified *v, int rc);

/* A rater name `rater add` allows: 1 to 64 of A-Z a-z 0-9 . _ -, not
 * "organizer" (nothing a shell or sshd's option parser acts on). */
bool cli_rater_name_ok(const char *s);

struct ballot_status;
/* The words `simsa receipt` gives a ballot's status into buf: "counted",
 * "recorded", "superseded by ballot 12", "gold (...)", "excluded (...)",
 * after close with ", not counted" when it is not. True for the good
 * ones (counted; before close, recorded). `simsa receipt`
 * (cli/cmd_receipt.c) and the station's receipts (cli/cmd_station.c). */
bool cli_status_words(const struct ballot_status *s, int64_t superseded_by, bool closed, char *buf,
		      size_t cap);

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

/* The commands' tables (in their cmd_*.c). */
extern const struct cli_spec spec_demo, spec_init, spec_import_entrants, spec_import_prompts,
	spec_import_outputs, spec_outputs_generate, spec_import_gold, spec_import_practice,
	spec_outputs_screen, spec_outputs_accept, spec_outputs_redact, spec_rater_add, spec_open,
	spec_rate, spec_close, spec_verify, spec_checkpoint, spec_export, spec_receipt, spec_status,
	spec_score, spec_results, spec_agreement, spec_rank, spec_rater_ssh_key,
	spec_authorized_keys, spec_key_new, spec_key_show, spec_key_passphrase;

int cmd_init(int argc, char **argv);
int cmd_close(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
struct checkpoint;
/* Reads and parses a checkpoint file (checkpoint_parse): every refusal
 * names the file, line and field. */
int cli_read_checkpoint(const char *path, struct checkpoint *cp, struct simsa_err *err)
	__attribute__((warn_unused_result));
int cmd_receipt(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_rater_add(int argc, char **argv);
/* At a station, the forced command's `passphrase`: the rater's key
 * (ROUND.keys/NAME.key) sealed under a new passphrase, both asked on the
 * rater's terminal. */
int cli_station_passphrase(const char *round, const char *rater);
int cmd_key_new(int argc, char **argv);
int cmd_key_show(int argc, char **argv);
int cmd_key_passphrase(int argc, char **argv);
int cmd_open(int argc, char **argv);
int cmd_outputs_generate(int argc, char **argv);
int cmd_outputs_screen(int argc, char **argv);
int cmd_outputs_accept(int argc, char **argv);
int cmd_outputs_redact(int argc, char **argv);
int cmd_import_entrants(int argc, char **argv);
int cmd_import_prompts(int argc, char **argv);
int cmd_import_outputs(int argc, char **argv);
int cmd_import_gold(int argc, char **argv);
int cmd_import_practice(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_agreement(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_rate(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_rater_ssh_key(int argc, char **argv);
int cmd_authorized_keys(int argc, char **argv);

/* At a station (docs/station.md): what `simsa rate ROUND --rater NAME`
 * does when sshd ran it as the forced command and the login asked for the
 * command `receipts`: lists that rater's ballots (task, time, receipt
 * code, status in the words of `simsa receipt`) after verifying the round
 * as `simsa receipt` does, and nothing else. The exit status. */
int cli_station_receipts(const char *round_path, const char *rater);

/* `simsa rate`: unlocks the rater's key (key_file, or ROUND.keys/RATER.key;
 * passphrase from pass_file, SIMSA_PASSPHRASE_FILE, or the terminal: three
 * tries) before the screen starts, opens the session and runs the console
 * until the rater leaves. Prints its own messages (stderr) and returns the
 * exit status: 0, 1 (could not start: the message says why), 2 (bad lang:
 * "ko", "en" or NULL for the locale's), or 128 + N after signal N (SIGHUP,
 * SIGTERM; the draft is kept). Needs setlocale(LC_ALL, "") done and a
 * UTF-8 locale; refuses others. The rater's receipts are appended to the
 * file receipts (NULL: the default path, receipt_file.h); a file that
 * cannot be opened refuses the start. */
int cli_rate(const char *round_path, const char *rater, const char *key_file, const char *pass_file,
	     const char *lang, const char *receipts);
/* `simsa results`: verifies (unless no_verify) and scores a closed round or
 * bundle (score_round(), benchmark_csv may be NULL) and shows the points
 * full-screen. A file that fails verification and an open round are
 * refused before anything is drawn, in the words of `simsa score`.
 * Returns 0, 1 (could not verify, score or start), 2 (bad lang), 3 (shown
 * with no_verify) or 128 + N after signal N. */
int cli_results(const char *round_path, const char *benchmark_csv, const char *lang,
		bool no_verify);

#endif
