/* cmd_import — `simsa entrants|prompts|outputs import ROUND.db FILE.jsonl`. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "simsa/import.h"
#include "simsa/store.h"

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
	printf("imported %ld %s from %s\n", res.records, import_kind_name(kind), argv[optind + 1]);
	cli_warn_identities(st);
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
