/* cli — the commands behind `simsa NAME ...` and what they share.
 *
 * Each command takes argc/argv starting at its own name, returns the exit
 * status (EXIT_OK, EXIT_FAIL for a failed check or bad input, EXIT_USAGE for
 * a bad command line, EXIT_UNVERIFIED for figures computed with --no-verify)
 * and prints its own messages; main() only dispatches. */
#ifndef SIMSA_CLI_H
#define SIMSA_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "simsa/err.h"
#include "simsa/store.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_UNVERIFIED = 3 };

/* The output formats of every command (--format); each command's table
 * says which of them it accepts, as a mask of FMT_BIT. */
enum out_format {
	FMT_TEXT,
	FMT_JSON,
	FMT_JSONL,
	FMT_CSV,
	FMT_BUNDLE,
	FMT_VOTES,
	FMT_RATINGS,
	FMT_COUNT
};
#define FMT_BIT(f) (1u << (f))
/* "text", "json", ... by enum out_format */
extern const char *const cli_format_names[FMT_COUNT];

/* ---- option tables (cli/opt.c) ----
 *
 * Each command declares its options once, in a table of struct cli_opt
 * inside its struct cli_spec: the same table parses the command line
 * (cli_parse), prints the usage line and the --help text, and is what the
 * manual pages and shell completion are to be made from. Values go into
 * the command's own argument struct, at the offset each option names. */
enum cli_opt_kind {
	OPT_FLAG,   /* no argument: bool, set to true */
	OPT_STRING, /* const char *: the argument as given */
	OPT_CHOICE, /* const char *: the argument, one of arg's "a|b|c" */
	OPT_LONG,   /* long: a whole number from min to max */
	OPT_FORMAT, /* enum out_format: one of formats */
	OPT_CALL,   /* call(argument, args): NULL, or what is wrong with it */
};

enum {
	OPT_REQUIRED = 1, /* must be given */
	OPT_REPEAT = 2,   /* may be given more than once (each is stored) */
};

struct cli_opt {
	const char *name; /* the long name, without "--"; NULL ends the table */
	char short_name;  /* -x, or 0 */
	const char *arg;  /* "PATH", "N", "tie|exclude"; NULL: none (OPT_FORMAT: from formats) */
	enum cli_opt_kind kind;
	size_t off; /* offsetof the value in the command's argument struct */
	unsigned flags;
	const char *help; /* lines separated by '\n' */
	long min, max;    /* OPT_LONG */
	unsigned formats; /* OPT_FORMAT: FMT_BIT(...) | ... */
	const char *(*call)(const char *arg, void *args);
};

struct cli_spec {
	const char *summary; /* one line */
	const char *args;    /* the positional arguments: "ROUND.db FILE.jsonl", "" for none */
	const char *intro;   /* prose before the options (lines indented by two), or NULL */
	const struct cli_opt *opts;
	const char *outro; /* prose after the options, or NULL */
};

/* One table row: CLI_OPT("title", 't', "T", OPT_STRING, offsetof(struct
 * init_args, title), OPT_REQUIRED, "the round's title"), then any of
 * .min = , .max = , .formats = , .call = ; a row of {0} ends the table. */
#define CLI_OPT(nm, sh, ar, kd, of, fl, hl, ...)                                          \
	{                                                                                 \
		.name = (nm), .short_name = (sh), .arg = (ar), .kind = (kd), .off = (of), \
		.flags = (fl), .help = (hl), __VA_ARGS__                                  \
	}

#define CLI_MAX_ARGS 2 /* positional arguments of any command */
#define CLI_RUN (-1)   /* cli_parse: go on and run the command */

/* Parses argv (argv[0] the command's last word) with the table of the
 * command NAME: options into args, the positional arguments into pos.
 * Returns CLI_RUN, or the exit status to return at once: EXIT_OK after
 * printing --help, EXIT_USAGE after a usage error (printed). */
int cli_parse(const char *name, int argc, char **argv, void *args, char *pos[CLI_MAX_ARGS]);
/* The usage line of a command: its arguments after "simsa NAME ". */
void cli_usage(const struct cli_spec *s, char *buf, size_t cap);
/* The --help text, all from the table (usage, summary, prose, options). */
void cli_spec_help(const char *name, const struct cli_spec *s, FILE *f);

struct command {
	const char *name; /* "init", "entrants import", ... */
	int (*run)(int argc, char **argv);
	const struct cli_spec *spec; /* summary, arguments, options, help */
};

/* The table of commands, ending with {0}. */
extern const struct command simsa_commands[];

/* ---- printing what came from outside (cli/out.c) ----
 *
 * Titles, names, prompt ids, paths, file contents and messages that quote
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
