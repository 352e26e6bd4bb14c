/* cli — the command table and what the commands share (include/simsa/cli.h). */
#include "simsa/cli.h"

#include <stdarg.h>
#include <string.h>

const struct command simsa_commands[] = {
	{ "demo", cmd_demo, "[--db PATH]",
	  "make a demo round with Korean prompts and four entrants",
	  "  --db PATH   create the round at PATH (must not exist); default: a new\n"
	  "              file in a temporary directory\n" },
	{ "init", cmd_init, "ROUND.db --title T [--rubric FILE]...",
	  "create a round file",
	  "  --title T       the round's title (required)\n"
	  "  --rubric FILE   a rubric file (once per component: expert, user);\n"
	  "                  without any, the built-in default rubrics are used\n" },
	{ "entrants import", cmd_import_entrants, "ROUND.db FILE.jsonl",
	  "add entrants (JSON Lines) to a draft round, all or nothing",
	  "  each line: {\"name\", \"team\", \"model\", \"aliases\", \"endpoint\",\n"
	  "              \"api_key_env\", \"params\", \"system\"}; only name is required\n" },
	{ "prompts import", cmd_import_prompts, "ROUND.db FILE.jsonl",
	  "add prompts (JSON Lines) to a draft round, all or nothing",
	  "  each line: {\"id\", \"category\", \"prompt\", \"system\", \"reference\"};\n"
	  "  id, category and prompt are required; reference is shown to experts only\n" },
	{ "outputs import", cmd_import_outputs, "ROUND.db FILE.jsonl",
	  "add model outputs (JSON Lines) to a draft round, all or nothing",
	  "  each line: {\"prompt_id\", \"entrant\", \"output\"}; one output per prompt\n"
	  "  and entrant, at most 1 MiB of UTF-8 each, stored exactly as given\n" },
	{ "status", cmd_status, "ROUND.db [--format text|json]",
	  "what the round holds and what is missing",
	  "  --format json   machine-readable output\n" },
	{ 0, 0, 0, 0, 0 },
};

static const struct command *find(const char *name)
{
	for (const struct command *c = simsa_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cli_fail(const struct simsa_err *err)
{
	fprintf(stderr, "simsa: %s\n", err->msg);
	return EXIT_FAIL;
}

void cli_help(const char *name, FILE *f)
{
	const struct command *c = find(name);

	if (!c)
		return;
	fprintf(f, "usage: simsa %s %s\n%s\n", c->name, c->usage, c->summary);
	if (c->help && *c->help)
		fprintf(f, "\n%s", c->help);
}

int cli_usage_error(const char *name, const char *fmt, ...)
{
	const struct command *c = find(name);
	va_list ap;

	fprintf(stderr, "simsa %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (c)
		fprintf(stderr, "usage: simsa %s %s\n", c->name, c->usage);
	return EXIT_USAGE;
}

bool cli_parse_format(const char *s, enum out_format *fmt)
{
	if (strcmp(s, "text") == 0)
		*fmt = FMT_TEXT;
	else if (strcmp(s, "json") == 0)
		*fmt = FMT_JSON;
	else
		return false;
	return true;
}
