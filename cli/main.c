/* main — dispatches `simsa COMMAND ...` to the command table (cli/cli.c). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "simsa/store.h"

#define SIMSA_VERSION "0.1.0"

static void usage(FILE *f)
{
	fprintf(f, "usage: simsa COMMAND [ARGS]   (simsa COMMAND --help for details)\n\n"
		   "simsa runs the human part of an LLM evaluation round: blind, randomized\n"
		   "outputs rated by experts and users, signed ballots, and an audit.\n\n"
		   "commands:\n");
	for (const struct command *c = simsa_commands; c->name; c++) {
		char u[1024];

		cli_usage(c->spec, u, sizeof u);
		fprintf(f, "  simsa %s %s\n      %s\n", c->name, u, c->spec->summary);
	}
}

/* The store's warning that others may read an open round (once per
 * message: a command may open its round more than once). */
static void warn_exposure(const char *msg)
{
	static char last[4200];

	if (strcmp(last, msg) == 0)
		return;
	snprintf(last, sizeof last, "%s", msg);
	cli_puts(stderr, "simsa: warning: ", msg);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (sodium_init() < 0) {
		fprintf(stderr, "simsa: libsodium could not initialise\n");
		return EXIT_FAIL;
	}
	store_set_exposure_warning(warn_exposure);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("simsa %s\n", SIMSA_VERSION);
		return EXIT_OK;
	}
	/* Two-word commands ("entrants import") first, then one-word ones. */
	for (const struct command *c = simsa_commands; c->name; c++) {
		size_t n = strlen(argv[1]);

		if (argc >= 3 && strncmp(c->name, argv[1], n) == 0 && c->name[n] == ' ' &&
		    strcmp(c->name + n + 1, argv[2]) == 0)
			return c->run(argc - 2, argv + 2);
		if (strcmp(c->name, argv[1]) == 0)
			return c->run(argc - 1, argv + 1);
	}
	for (const struct command *c = simsa_commands; c->name; c++) {
		size_t n = strlen(argv[1]);

		if (strncmp(c->name, argv[1], n) == 0 && c->name[n] == ' ') {
			fprintf(stderr, "simsa: '%s' needs a subcommand:\n", cli_text(argv[1]));
			for (; c->name; c++)
				if (strncmp(c->name, argv[1], n) == 0 && c->name[n] == ' ') {
					char u[1024];

					cli_usage(c->spec, u, sizeof u);
					fprintf(stderr, "  simsa %s %s\n", c->name, u);
				}
			return EXIT_USAGE;
		}
	}
	fprintf(stderr, "simsa: unknown command '%s' (simsa --help lists them)\n",
		cli_text(argv[1]));
	return EXIT_USAGE;
}
