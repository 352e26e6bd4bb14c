/* cli — the command table and what the commands share (cli/cli.h). */
#include "cli.h"
#include "simsa/console.h"
#include "simsa/screening.h"

#include <stdarg.h>
#include <string.h>

const struct command simsa_commands[] = {
	{ "demo", cmd_demo, &spec_demo },
	{ "init", cmd_init, &spec_init },
	{ "entrants import", cmd_import_entrants, &spec_import_entrants },
	{ "prompts import", cmd_import_prompts, &spec_import_prompts },
	{ "outputs import", cmd_import_outputs, &spec_import_outputs },
	{ "outputs generate", cmd_outputs_generate, &spec_outputs_generate },
	{ "gold import", cmd_import_gold, &spec_import_gold },
	{ "practice import", cmd_import_practice, &spec_import_practice },
	{ "outputs screen", cmd_outputs_screen, &spec_outputs_screen },
	{ "outputs accept", cmd_outputs_accept, &spec_outputs_accept },
	{ "outputs redact", cmd_outputs_redact, &spec_outputs_redact },
	{ "key new", cmd_key_new, &spec_key_new },
	{ "key show", cmd_key_show, &spec_key_show },
	{ "key passphrase", cmd_key_passphrase, &spec_key_passphrase },
	{ "rater add", cmd_rater_add, &spec_rater_add },
	{ "rater ssh-key", cmd_rater_ssh_key, &spec_rater_ssh_key },
	{ "open", cmd_open, &spec_open },
	{ "rate", cmd_rate, &spec_rate },
	{ "authorized-keys", cmd_authorized_keys, &spec_authorized_keys },
	{ "close", cmd_close, &spec_close },
	{ "checkpoint", cmd_checkpoint, &spec_checkpoint },
	{ "verify", cmd_verify, &spec_verify },
	{ "export", cmd_export, &spec_export },
	{ "receipt", cmd_receipt, &spec_receipt },
	{ "status", cmd_status, &spec_status },
	{ "score", cmd_score, &spec_score },
	{ "results", cmd_results, &spec_results },
	/* statistics on exported data (cli/cmd_stats.c) */
	{ "agreement", cmd_agreement, &spec_agreement },
	{ "rank", cmd_rank, &spec_rank },
	{ 0, 0, 0 },
};

const struct command *cli_command(const char *name)
{
	for (const struct command *c = simsa_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cli_fail(const struct simsa_err *err)
{
	cli_puts(stderr, "simsa: ", err->msg);
	return EXIT_FAIL;
}

void cli_help(const char *name, FILE *f)
{
	const struct command *c = cli_command(name);

	if (!c)
		return;
	cli_spec_help(c->name, c->spec, f);
}

int cli_usage_error(const char *name, const char *fmt, ...)
{
	const struct command *c = cli_command(name);
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cli_spec_usage_verror(name, c ? c->spec : NULL, fmt, ap);
	va_end(ap);
	return rc;
}

/* Screening at import: outputs that may name their entrant (new outputs, or
 * new names and aliases) are pointed out at once; open refuses them later. */
void cli_warn_identities(struct store *st)
{
	struct round_inputs in;
	struct simsa_err err;
	long pending;

	if (store_load_inputs(st, &in, &err) < 0)
		return;
	pending = screening_pending(st, &in, &err);
	round_inputs_release(&in);
	if (pending > 0)
		fprintf(stderr,
			"simsa: warning: %ld output%s may reveal %s entrant; "
			"`simsa outputs screen` lists them, and open waits until each is "
			"accepted or redacted\n",
			pending, pending == 1 ? "" : "s", pending == 1 ? "its" : "their");
}
