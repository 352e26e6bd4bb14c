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
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "simsa/export.h"
#include "simsa/score.h"
#include "simsa/store.h"
#include "simsa/store_read.h"

struct export_args {
	enum out_format fmt;
	const char *criterion, *out;
	bool no_verify;
};

#define AT(f) offsetof(struct export_args, f)
static const struct cli_opt opts[] = {
	CLI_OPT("format", 0, NULL, OPT_FORMAT, AT(fmt), OPT_REQUIRED, "one of the formats above",
		.formats = FMT_BIT(FMT_JSONL) | FMT_BIT(FMT_CSV) | FMT_BIT(FMT_BUNDLE) |
			   FMT_BIT(FMT_VOTES) | FMT_BIT(FMT_RATINGS)),
	CLI_OPT("criterion", 0, "ID", OPT_STRING, AT(criterion), 0,
		"with --format ratings: the expert criterion, or preference"),
	CLI_OPT("out", 0, "PATH", OPT_STRING, AT(out), 0,
		"write there (never overwritten) instead of standard output"),
	CLI_OPT("no-verify", 0, NULL, OPT_FLAG, AT(no_verify), 0,
		"csv, votes, ratings: write without verifying first;\n"
		"NOT VERIFIED on stderr (the bytes stay exact), exit 3"),
	{ 0 },
};

const struct cli_spec spec_export = {
	"export the round for auditors and analysts",
	"ROUND.db|BUNDLE",
	"  jsonl    one record per line with a \"kind\" (round, rubric, entrant, prompt,\n"
	"           rater, output, task, opening, ballot, seal); entrants of outputs\n"
	"           appear once the round is closed\n"
	"  csv      one row per ballot, for R or pandas\n"
	"  bundle   a copy of the round file without drafts; simsa verify, receipt\n"
	"           and status read it like a round (needs --out)\n"
	"  votes    a closed round's user votes that count in the points, after every\n"
	"           exclusion, as simsa rank reads them (rater,prompt,left,right,\n"
	"           outcome,much): simsa rank recomputes the user component from it\n"
	"  ratings  with --criterion ID: the experts' scores on that criterion that\n"
	"           count, as simsa agreement reads them (unit,rater,value; a unit is\n"
	"           an output, PROMPT/ENTRANT): it recomputes score's agreement;\n"
	"           --criterion preference: the user votes as +2..-2 per slot\n",
	opts,
	"  csv, votes and ratings verify the file first (simsa verify) and refuse it,\n"
	"  exit 1, naming the failing steps; exit 3: written with --no-verify; on an\n"
	"  open round, stderr says the rows are provisional (docs/verify.md)\n",
};

int cmd_export(int argc, char **argv)
{
	struct export_args a = { 0 };
	char *pos[CLI_MAX_ARGS];
	const char *out, *criterion;
	struct store *st = NULL;
	struct simsa_err err;
	struct cli_raw raw = { 0 };
	struct cli_verified v = { 0 };
	FILE *f = NULL, *w;
	enum out_format fmt;
	int rc = cli_parse(&spec_export, "export", argc, argv, &a, pos), wrote;

	if (rc != CLI_RUN)
		return rc;
	rc = EXIT_FAIL;
	fmt = a.fmt;
	out = a.out;
	criterion = a.criterion;
	if ((fmt == FMT_RATINGS) != (criterion != NULL))
		return cli_usage_error("export", criterion
							 ? "--criterion goes with --format ratings"
							 : "--format ratings needs --criterion ID");
	if (fmt == FMT_BUNDLE && !out)
		return cli_usage_error("export", "--format bundle needs --out PATH");
	if (a.no_verify && (fmt == FMT_JSONL || fmt == FMT_BUNDLE))
		return cli_usage_error(
			"export", "--no-verify goes with --format csv, votes or ratings (jsonl "
				  "and bundle are what verify reads: never checked first)");
	if (out && access(out, F_OK) == 0) {
		err_set(&err, "%s: already exists; export never overwrites a file", out);
		return cli_fail(&err);
	}
	if (store_open_read(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	if (fmt != FMT_JSONL && fmt != FMT_BUNDLE &&
	    cli_verify_first("export", pos[0], st, a.no_verify, "nothing written", &v) < 0) {
		store_close(&st);
		return EXIT_FAIL;
	}
	if (fmt == FMT_BUNDLE) {
		if (store_export_bundle(st, out, &err) < 0)
			goto out;
		printf("bundle written to %s (verify it with: simsa verify %s)\n", cli_text(out),
		       cli_text(out));
		rc = EXIT_OK;
		goto out;
	}
	f = out ? fopen(out, "wx") : stdout;
	if (!f) {
		err_set(&err, "%s: cannot create: %s", out, strerror(errno));
		goto out;
	}
	/* the exact bytes; to a terminal only if none would act on it; NOT
	 * VERIFIED and provisional go to stderr */
	cli_verified_warn("export", pos[0], &v);
	w = cli_raw_begin(&raw, f);
	wrote = fmt == FMT_JSONL   ? export_jsonl(st, w, &err)
		: fmt == FMT_CSV   ? export_csv(st, w, &err)
		: fmt == FMT_VOTES ? score_export_votes(st, w, &err)
				   : score_export_ratings(st, criterion, w, &err);
	if (wrote < 0) {
		cli_raw_drop(&raw);
		goto out;
	}
	if (cli_raw_end(&raw, "export", "write it with --out PATH", &err) < 0)
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
	return cli_verified_status(&v, rc);
}
