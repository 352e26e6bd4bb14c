/* opt — the commands' option tables (cli/opt.c): one table per command
 * parses its command line, prints its usage line and --help, and names the
 * exit statuses and output formats every command shares. cli/cli.h
 * includes it; nothing here knows the table of commands. */
#ifndef SIMSA_CLI_OPT_H
#define SIMSA_CLI_OPT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

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
int cli_parse(const struct cli_spec *spec, const char *name, int argc, char **argv, void *args,
	      char *pos[CLI_MAX_ARGS]);
/* The message of a bad command line for command name (spec: its table, for
 * the usage line; NULL: none), on stderr; returns EXIT_USAGE. */
int cli_spec_usage_verror(const char *name, const struct cli_spec *spec, const char *fmt,
			  va_list ap) __attribute__((format(printf, 3, 0)));
/* The usage line of a command: its arguments after "simsa NAME ". */
void cli_usage(const struct cli_spec *s, char *buf, size_t cap);
/* The --help text, all from the table (usage, summary, prose, options). */
void cli_spec_help(const char *name, const struct cli_spec *s, FILE *f);

#endif
