/* cmd_import — `simsa entrants|prompts|outputs import ROUND.db FILE.jsonl`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "simsa/import.h"
#include "simsa/store.h"

const struct cli_spec spec_import_entrants = {
	"add entrants (JSON Lines) to a draft round, all or nothing",
	"ROUND.db FILE.jsonl",
	"  each line: {\"name\", \"team\", \"model\", \"aliases\", \"endpoint\",\n"
	"              \"api_key_env\", \"params\", \"system\"}; only name is required\n",
	NULL,
	NULL,
};

const struct cli_spec spec_import_prompts = {
	"add prompts (JSON Lines) to a draft round, all or nothing",
	"ROUND.db FILE.jsonl",
	"  each line: {\"id\", \"category\", \"prompt\", \"system\", \"reference\"};\n"
	"  id, category and prompt are required; reference is shown to experts only\n",
	NULL,
	NULL,
};

const struct cli_spec spec_import_outputs = {
	"add model outputs (JSON Lines) to a draft round, all or nothing",
	"ROUND.db FILE.jsonl",
	"  each line: {\"prompt_id\", \"entrant\", \"output\"}; one output per prompt\n"
	"  and entrant, at most 1 MiB of UTF-8 each, stored exactly as given\n",
	NULL,
	NULL,
};

const struct cli_spec spec_import_gold = {
	"add control tasks, committed in the manifest at open",
	"ROUND.db FILE.jsonl",
	"  each line: {\"kind\": \"repeat\", \"role\": \"user\"} (each rater of the role\n"
	"  gets one of their own tasks again, sides swapped), or {\"kind\": \"known\",\n"
	"  \"role\": \"user\", \"prompt_id\", \"better\", \"worse\"} (a pair with a known\n"
	"  better answer, sides drawn per rater)\n",
	NULL,
	NULL,
};

const struct cli_spec spec_import_practice = {
	"add practice tasks, shown to raters but never signed or counted",
	"ROUND.db FILE.jsonl",
	"  each line: {\"id\", \"role\": \"expert\"|\"user\", \"prompt\", \"a\", \"b\",\n"
	"  \"required\": true|false, \"reference\", \"note_ko\", \"note_en\"}; id, role,\n"
	"  prompt, a and b are required; required tasks come before a rater's real\n"
	"  tasks; the notes are shown once a task is done; committed in the manifest\n",
	NULL,
	NULL,
};

static const struct cli_spec *const import_specs[] = {
	[IMPORT_ENTRANTS] = &spec_import_entrants, [IMPORT_PROMPTS] = &spec_import_prompts,
	[IMPORT_OUTPUTS] = &spec_import_outputs,   [IMPORT_GOLD] = &spec_import_gold,
	[IMPORT_PRACTICE] = &spec_import_practice,
};

static int run_import(enum import_kind kind, int argc, char **argv)
{
	char name[32], *pos[CLI_MAX_ARGS];
	struct import_result res;
	struct simsa_err err;
	struct store *st = NULL;
	int rc;

	snprintf(name, sizeof name, "%s import", import_kind_name(kind));
	rc = cli_parse(import_specs[kind], name, argc, argv, NULL, pos);
	if (rc != CLI_RUN)
		return rc;
	if (store_open(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	rc = import_file(st, kind, pos[1], &res, &err);
	if (rc < 0) {
		store_close(&st);
		cli_puts(stderr, "simsa: ", err.msg);
		fprintf(stderr, "simsa: nothing was imported; the round is unchanged\n");
		return EXIT_FAIL;
	}
	printf("imported %ld %s from %s\n", res.records, import_kind_name(kind), cli_text(pos[1]));
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

int cmd_import_practice(int argc, char **argv)
{
	return run_import(IMPORT_PRACTICE, argc, argv);
}

int cmd_import_outputs(int argc, char **argv)
{
	return run_import(IMPORT_OUTPUTS, argc, argv);
}
