/* cmd_export — `simsa export ROUND.db --format jsonl|csv|bundle|votes|ratings [--out PATH]`.
 *
 * jsonl: one record per line with a "kind" (round, rubric, entrant, prompt,
 * rater, output, task, opening, ballot, seal), enough to replay the
 * assignment and recheck every signature without simsa's database.
 * csv: one row per ballot, in plain form for R or pandas.
 * bundle: a copy of the round file without drafts, for auditors: `simsa
 * verify` and `simsa receipt` accept it as they accept the round.
 * The records and rows are the engine's (simsa/export.h, simsa/score.h);
 * the command picks the format and the file and says what happened. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "simsa/export.h"
#include "simsa/score.h"
#include "simsa/store.h"

enum fmt { EX_JSONL, EX_CSV, EX_BUNDLE, EX_VOTES, EX_RATINGS };

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "criterion", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL, *fmt_s = NULL, *criterion = NULL;
	struct store *st = NULL;
	struct simsa_err err;
	FILE *f = NULL;
	enum fmt fmt;
	int c, rc = EXIT_FAIL, wrote;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fmt_s = optarg; break;
		case 'o': out = optarg; break;
		case 'c': criterion = optarg; break;
		case 'h': cli_help("export", stdout); return EXIT_OK;
		default: return cli_usage_error("export", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("export", "expected one ROUND.db");
	if (!fmt_s || (strcmp(fmt_s, "jsonl") && strcmp(fmt_s, "csv") && strcmp(fmt_s, "bundle") &&
		       strcmp(fmt_s, "votes") && strcmp(fmt_s, "ratings")))
		return cli_usage_error("export", "--format: jsonl, csv, bundle, votes or ratings");
	fmt = strcmp(fmt_s, "jsonl") == 0     ? EX_JSONL
	      : strcmp(fmt_s, "csv") == 0     ? EX_CSV
	      : strcmp(fmt_s, "votes") == 0   ? EX_VOTES
	      : strcmp(fmt_s, "ratings") == 0 ? EX_RATINGS
					      : EX_BUNDLE;
	if ((fmt == EX_RATINGS) != (criterion != NULL))
		return cli_usage_error("export", criterion
							 ? "--criterion goes with --format ratings"
							 : "--format ratings needs --criterion ID");
	if (fmt == EX_BUNDLE && !out)
		return cli_usage_error("export", "--format bundle needs --out PATH");
	if (out && access(out, F_OK) == 0) {
		err_set(&err, "%s: already exists; export never overwrites a file", out);
		return cli_fail(&err);
	}
	if (store_open(argv[optind], &st, &err) < 0)
		return cli_fail(&err);
	if (fmt == EX_BUNDLE) {
		if (store_export_bundle(st, out, &err) < 0)
			goto out;
		printf("bundle written to %s (verify it with: simsa verify %s)\n", out, out);
		rc = EXIT_OK;
		goto out;
	}
	f = out ? fopen(out, "wx") : stdout;
	if (!f) {
		err_set(&err, "%s: cannot create: %s", out, strerror(errno));
		goto out;
	}
	wrote = fmt == EX_JSONL   ? export_jsonl(st, f, &err)
		: fmt == EX_CSV   ? export_csv(st, f, &err)
		: fmt == EX_VOTES ? score_export_votes(st, f, &err)
				  : score_export_ratings(st, criterion, f, &err);
	if (wrote < 0)
		goto out;
	if (fflush(f) != 0 || ferror(f)) {
		err_set(&err, "%s: write error", out ? out : "standard output");
		goto out;
	}
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		cli_fail(&err);
	if (f && f != stdout) {
		fclose(f);
		if (rc != EXIT_OK)
			unlink(out); /* made by this run ("wx"): no half-written export stays */
	}
	store_close(&st);
	return rc;
}
