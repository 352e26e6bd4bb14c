/* cmd_import — `simsa entrants|prompts|outputs import ROUND.db FILE.jsonl`. */
#include <getopt.h>
#include <string.h>

#include "simsa/cli.h"
#include "simsa/import.h"
#include "simsa/screening.h"
#include "simsa/store.h"

/* Screening at import: outputs that may name their entrant (new outputs, or
 * new names and aliases) are pointed out at once; open refuses them later. */
static void warn_identities(struct store *st)
{
	struct round_inputs in;
	struct simsa_err err;
	long pending;

	if (store_load_inputs(st, &in, &err) < 0)
		return;
	pending = screening_pending(st, &in, &err);
	round_inputs_release(&in);
	if (pending > 0)
		fprintf(stderr, "simsa: warning: %ld output%s may reveal %s entrant; "
			"`simsa outputs screen` lists them, and open waits until each is "
			"accepted or redacted\n", pending, pending == 1 ? "" : "s",
			pending == 1 ? "its" : "their");
}

static int run_import(enum import_kind kind, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	char name[32];
	struct import_result res;
	struct simsa_err err;
	struct store *st = NULL;
	int c, rc;

	snprintf(name, sizeof name, "%s import", import_kind_name(kind));
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			cli_help(name, stdout);
			return EXIT_OK;
		}
		return cli_usage_error(name, "bad option");
	}
	if (optind != argc - 2)
		return cli_usage_error(name, "expected ROUND.db and FILE.jsonl");
	if (store_open(argv[optind], &st, &err) < 0)
		return cli_fail(&err);
	rc = import_file(st, kind, argv[optind + 1], &res, &err);
	if (rc < 0) {
		store_close(&st);
		fprintf(stderr, "simsa: %s\nsimsa: nothing was imported; the round is unchanged\n",
			err.msg);
		return EXIT_FAIL;
	}
	printf("imported %ld %s from %s\n", res.records, import_kind_name(kind),
	       argv[optind + 1]);
	warn_identities(st);
	store_close(&st);
	return EXIT_OK;
}

int cmd_import_entrants(int argc, char **argv)
{
	return run_import(IMPORT_ENTRANTS, argc, argv);
}

int cmd_import_prompts(int argc, char **argv)
{
	return run_import(IMPORT_PROMPTS, argc, argv);
}

int cmd_import_gold(int argc, char **argv)
{
	return run_import(IMPORT_GOLD, argc, argv);
}

int cmd_import_outputs(int argc, char **argv)
{
	return run_import(IMPORT_OUTPUTS, argc, argv);
}
