/* cli — the command table and what the commands share (cli/cli.h). */
#include "cli.h"
#include "simsa/console.h"
#include "simsa/screening.h"

#include <stdarg.h>
#include <string.h>

const struct command simsa_commands[] = {
	{ "demo", cmd_demo, NULL, "[--db PATH] [--as RATER] [--lang ko|en] [--no-panel]",
	  "make an open demo round (Korean prompts, four entrants) and rate it",
	  "  --db PATH     create the round at PATH (must not exist); default: a new\n"
	  "                file in a temporary directory\n"
	  "  --as RATER    on a terminal, open the console as RATER (default user01;\n"
	  "                experts: expert1..expert4); passphrase \"demo\"\n"
	  "  --lang ko|en  the console's language\n"
	  "  --no-panel    do not cast the simulated panel's ballots (by default every\n"
	  "                expert and user but RATER has rated, so that close, score\n"
	  "                and verify have something to show)\n" },
	{ "init", cmd_init, NULL, "ROUND.db --title T [--rubric FILE]... [--key-file PATH]",
	  "create a round file and the organizer's key",
	  "  --title T               the round's title (required)\n"
	  "  --rubric FILE           a rubric file (once per component: expert, user);\n"
	  "                          without any, the built-in default rubrics are used\n"
	  "  --key-file PATH         where to write the organizer's new key\n"
	  "                          (default: ROUND.keys/organizer.key)\n"
	  "  --passphrase-file FILE  the new key's passphrase (first line); also\n"
	  "                          SIMSA_PASSPHRASE_FILE; otherwise asked twice\n" },
	{ "entrants import", cmd_import_entrants, NULL, "ROUND.db FILE.jsonl",
	  "add entrants (JSON Lines) to a draft round, all or nothing",
	  "  each line: {\"name\", \"team\", \"model\", \"aliases\", \"endpoint\",\n"
	  "              \"api_key_env\", \"params\", \"system\"}; only name is required\n" },
	{ "prompts import", cmd_import_prompts, NULL, "ROUND.db FILE.jsonl",
	  "add prompts (JSON Lines) to a draft round, all or nothing",
	  "  each line: {\"id\", \"category\", \"prompt\", \"system\", \"reference\"};\n"
	  "  id, category and prompt are required; reference is shown to experts only\n" },
	{ "outputs import", cmd_import_outputs, NULL, "ROUND.db FILE.jsonl",
	  "add model outputs (JSON Lines) to a draft round, all or nothing",
	  "  each line: {\"prompt_id\", \"entrant\", \"output\"}; one output per prompt\n"
	  "  and entrant, at most 1 MiB of UTF-8 each, stored exactly as given\n" },
	{ "outputs generate", cmd_outputs_generate, NULL,
	  "ROUND.db [--entrant NAME] [--concurrency N] [--retry-failed]",
	  "ask each entrant's OpenAI-compatible endpoint for the outputs still missing",
	  "  one POST {endpoint}/chat/completions per (prompt, entrant) without an output;\n"
	  "  each answer is stored as it arrives, so a rerun asks only for what is missing\n"
	  "  --entrant NAME          only this entrant\n"
	  "  --concurrency N         requests at once, overall (default 16)\n"
	  "  --per-entrant N         requests at once per entrant (default min(N, 8))\n"
	  "  --retry-failed          ask again for pairs whose last request failed\n"
	  "  --max-attempts N        per pair, retries included (default 4); retried:\n"
	  "                          connection errors, TLS handshakes, timeouts, 408, 429, 5xx\n"
	  "  --backoff MS            first retry delay, doubled each time (default 500)\n"
	  "  --max-retry-after S     cap on a server's Retry-After (default 120)\n"
	  "  --connect-timeout S     (default 10)   --timeout S   whole request (default 600)\n"
	  "  --low-speed-time S      abort after S seconds below 1 byte/s (default 300)\n"
	  "  --max-response BYTES    abort a larger response (default 8 MiB)\n"
	  "  --cacert FILE           trust the CA certificates in FILE too (PEM)\n"
	  "  --progress auto|live|lines|none   live line on a terminal, else lines\n"
	  "  --progress-every S      seconds between progress lines (default 10)\n"
	  "  --format text|json      the summary (json: progress goes to stderr)\n"
	  "  API keys come only from the variable named by the entrant's api_key_env.\n"
	  "  Exits 1 if any request failed, failed pairs were skipped, or it was\n"
	  "  interrupted (Ctrl-C); what arrived is kept.\n" },
	{ "gold import", cmd_import_gold, NULL, "ROUND.db FILE.jsonl",
	  "add control tasks, committed in the manifest at open",
	  "  each line: {\"kind\": \"repeat\", \"role\": \"user\"} (each rater of the role\n"
	  "  gets one of their own tasks again, sides swapped), or {\"kind\": \"known\",\n"
	  "  \"role\": \"user\", \"prompt_id\", \"better\", \"worse\"} (a pair with a known\n"
	  "  better answer, sides drawn per rater)\n" },
	{ "outputs screen", cmd_outputs_screen, NULL,
	  "ROUND.db [--words FILE] [--format text|json]",
	  "list outputs that may reveal their entrant, and their decisions",
	  "  --words FILE    add the words of FILE (one per line) to the round's list\n"
	  "                  of identifying words before screening\n"
	  "  exits 1 while any output is undecided: `simsa open` refuses until each\n"
	  "  is accepted (outputs accept) or replaced by a redacted text (outputs redact)\n" },
	{ "outputs accept", cmd_outputs_accept, NULL,
	  "ROUND.db --prompt ID --entrant NAME [--term T]",
	  "accept a screening hit: the output stays as it is",
	  "  --term T   accept only this term (default: every hit of that output)\n" },
	{ "outputs redact", cmd_outputs_redact, NULL, "ROUND.db FILE.jsonl",
	  "replace outputs by redacted texts (same format as outputs import)",
	  "  each line's output replaces the stored text of that (prompt, entrant);\n"
	  "  its screening hits are then recorded as redacted; all or nothing\n" },
	{ "rater add", cmd_rater_add, NULL,
	  "ROUND.db --name NAME --role expert|user|auditor [--key-file PATH]",
	  "enrol a rater: a new key pair, signed by the organizer",
	  "  --categories A,B                 experts: the prompt categories they rate\n"
	  "                                   (used when the expert rubric says by_category)\n"
	  "  --key-file PATH                  where to write the rater's key\n"
	  "                                   (default: ROUND.keys/NAME.key)\n"
	  "  --passphrase-file FILE           the rater's new passphrase (first line);\n"
	  "                                   also SIMSA_PASSPHRASE_FILE\n"
	  "  --organizer-key PATH             default: ROUND.keys/organizer.key\n"
	  "  --organizer-passphrase-file FILE also SIMSA_ORGANIZER_PASSPHRASE_FILE,\n"
	  "                                   then SIMSA_PASSPHRASE_FILE\n" },
	{ "open", cmd_open, NULL, "ROUND.db [--organizer-key PATH] [--passphrase-file FILE]",
	  "freeze the inputs, commit to a secret seed, blind outputs, assign tasks",
	  "  refuses, listing everything missing, until the round is complete\n"
	  "  --organizer-key PATH     default: ROUND.keys/organizer.key\n"
	  "  --passphrase-file FILE   the organizer's passphrase; also\n"
	  "                           SIMSA_ORGANIZER_PASSPHRASE_FILE, SIMSA_PASSPHRASE_FILE\n" },
	{ "rate", cmd_rate, NULL,
	  "ROUND.db --rater NAME [--key-file PATH] [--passphrase-file FILE] [--lang ko|en]",
	  "the rating console: blind side-by-side rating for experts and users",
	  "  --rater NAME            the enrolled rater (expert or user)\n"
	  "  --key-file PATH         default: ROUND.keys/NAME.key\n"
	  "  --passphrase-file FILE  the key's passphrase (first line); also\n"
	  "                          SIMSA_PASSPHRASE_FILE; otherwise asked (three tries)\n"
	  "  --lang ko|en            interface language (default: from the locale)\n" },
	{ "close", cmd_close, NULL,
	  "ROUND.db [--force] [--organizer-key PATH] [--passphrase-file FILE]",
	  "reveal the seed and identities, and seal the round with the organizer's key",
	  "  refuses while raters have unsubmitted drafts, unless --force (they are dropped)\n"
	  "  --organizer-key PATH     default: ROUND.keys/organizer.key\n"
	  "  --passphrase-file FILE   the organizer's passphrase; also\n"
	  "                           SIMSA_ORGANIZER_PASSPHRASE_FILE, SIMSA_PASSPHRASE_FILE\n" },
	{ "verify", cmd_verify, NULL, "ROUND.db|BUNDLE [--format text|json]",
	  "check every signature, chain, assignment and the seal; exit 0 only if all pass",
	  "  a step report: what was checked, how many items, and each failure\n"
	  "  --format json   the same report for programs\n" },
	{ "export", cmd_export, &spec_export, NULL, NULL, NULL },
	{ "receipt", cmd_receipt, NULL, "ROUND.db|BUNDLE CODE",
	  "say whether the ballot with this receipt code is in the round and counted",
	  "  exits 0 when the ballot is present and counted, 1 otherwise\n" },
	{ "status", cmd_status, &spec_status, NULL, NULL, NULL },
	{ "score", cmd_score, NULL,
	  "ROUND.db|BUNDLE [--benchmark FILE.csv] [--format text|json|csv]",
	  "the points of a closed round: expert /35, user /25, benchmark /40, total",
	  "  counted ballots only; gold tasks and expert ballots flagged \"identity\n"
	  "  revealed\" are left out; 95% intervals by a seeded bootstrap of experts,\n"
	  "  users and prompts (the expert rubric's [scoring] seed and resamples)\n"
	  "  --benchmark FILE.csv   CSV entrant,points (0..40, every entrant once):\n"
	  "                         adds the benchmark component for a total out of 100\n"
	  "  --format F             text (a table), json or csv\n"
	  "  rank = 1 + entrants whose total's interval lies wholly above; formulas:\n"
	  "  docs/scoring.md\n" },
	{ "results", cmd_results, &spec_results, NULL, NULL, NULL },
	/* statistics on exported data (cli/cmd_stats.c) */
	{ "agreement", cmd_agreement, NULL,
	  "FILE.csv --level nominal|ordinal|interval|ratio [--method alpha|fleiss|cohen]",
	  "inter-rater agreement of ratings in a CSV file (unit,rater,value)",
	  "  FILE.csv: header unit,rater,value; one row per rating, missing ratings\n"
	  "  absent; values are labels (nominal) or numbers (other levels)\n"
	  "  --level L       nominal, ordinal, interval or ratio (required for alpha;\n"
	  "                  default nominal for the kappas)\n"
	  "  --method M      alpha (Krippendorff, default), fleiss, cohen (two raters)\n"
	  "  --weights W     cohen only: unweighted (default), linear, quadratic\n"
	  "  --bootstrap N   resamples of units for a 95% interval (default 1000; 0: none)\n"
	  "  --seed S        bootstrap seed (default 1); same seed, same interval anywhere\n"
	  "  --format F      text, json (key alpha or kappa) or csv\n"
	  "  formulas and worked examples: docs/scoring.md\n" },
	{ "rank", cmd_rank, NULL, "FILE.csv [--both-bad tie|exclude] [--much-better-weight W]",
	  "Bradley-Terry ranking of entrants from pairwise votes in a CSV file",
	  "  FILE.csv: header left,right,outcome with outcome left, right, tie or bothbad;\n"
	  "  optional columns: much (1 = much better), rater and prompt (the clusters\n"
	  "  the bootstrap resamples; without them it resamples single votes)\n"
	  "  --both-bad tie|exclude     \"both bad\" as a tie (default) or left out\n"
	  "  --much-better-weight W     wins one much-better vote counts as (default 2)\n"
	  "  --bootstrap N              resamples for 95% intervals (default 1000; 0: none)\n"
	  "  --seed S                   bootstrap seed (default 1)\n"
	  "  --format text|json|csv     json: entrants with name, rating (Elo scale),\n"
	  "                             ci_low, ci_high, rank, win_rate, ...\n"
	  "  rank = 1 + entrants whose interval lies wholly above; formulas: docs/scoring.md\n" },
	{ 0, 0, 0, 0, 0, 0 },
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
	fprintf(stderr, "simsa: %s\n", err->msg);
	return EXIT_FAIL;
}

void cli_help(const char *name, FILE *f)
{
	const struct command *c = cli_command(name);

	if (!c)
		return;
	if (c->spec) {
		cli_spec_help(c->name, c->spec, f);
		return;
	}
	fprintf(f, "usage: simsa %s %s\n%s\n", c->name, c->usage, c->summary);
	if (c->help && *c->help)
		fprintf(f, "\n%s", c->help);
}

int cli_usage_error(const char *name, const char *fmt, ...)
{
	const struct command *c = cli_command(name);
	va_list ap;

	fprintf(stderr, "simsa %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (c && c->spec) {
		char u[1024];

		cli_usage(c->spec, u, sizeof u);
		fprintf(stderr, "usage: simsa %s %s\n", c->name, u);
	} else if (c) {
		fprintf(stderr, "usage: simsa %s %s\n", c->name, c->usage);
	}
	return EXIT_USAGE;
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

/* (until every command has a table) */
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
