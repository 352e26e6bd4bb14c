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

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

enum out_format { FMT_TEXT, FMT_JSON };

struct command {
	const char *name;     /* "init", "entrants import", ... */
	int (*run)(int argc, char **argv);
	const char *usage;    /* arguments after the name */
	const char *summary;
	const char *help;     /* options and details, for --help */
};

/* The table of commands, ending with {0}. */
extern const struct command simsa_commands[];

/* Prints "simsa: MESSAGE" to stderr; returns EXIT_FAIL. */
int cli_fail(const struct simsa_err *err);
/* Prints "simsa NAME: problem" and the usage line; returns EXIT_USAGE. */
int cli_usage_error(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints the usage and help text of the named command to f. */
void cli_help(const char *name, FILE *f);
/* Parses "text"/"json" (and "csv" where allowed); false when unknown. */
bool cli_parse_format(const char *s, enum out_format *fmt);

int cmd_init(int argc, char **argv);
int cmd_import_entrants(int argc, char **argv);
int cmd_import_prompts(int argc, char **argv);
int cmd_import_outputs(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_demo(int argc, char **argv);

/* Creates a round at path (which must not exist) with the given rubric
 * files, or the built-in defaults when n_rubrics is 0. All or nothing. */
int round_init(const char *path, const char *title, char **rubric_paths, int n_rubrics,
	       struct simsa_err *err) __attribute__((warn_unused_result));

#endif
