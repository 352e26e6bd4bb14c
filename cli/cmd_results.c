/* cmd_results — `simsa results ROUND.db|BUNDLE [--benchmark FILE.csv]
 * [--lang ko|en] [--no-verify]`: verifies the file first and scores the
 * closed round (score_round, as `simsa score` does, so a file that fails
 * verification or an open round is refused with the same message before
 * any screen starts), then runs the results view (results.c) on the terminal,
 * or on the headless script when SIMSA_CONSOLE_SCRIPT is set. */
#include <langinfo.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "simsa/console.h"
#include "simsa/score.h"
#include "simsa/store.h"

int cli_results(const char *round_path, const char *benchmark_csv, const char *lang, bool no_verify)
{
	struct store *st = NULL;
	struct score_result r;
	struct simsa_err err;
	struct cli_verified v;
	int rc;

	if (console_set_lang(lang) < 0) {
		fprintf(stderr, "simsa results: --lang must be ko or en\n");
		return EXIT_USAGE;
	}
	if (store_open_read(round_path, &st, &err) < 0)
		return cli_fail(&err);
	if (cli_verify_first("results", round_path, st, no_verify, "nothing shown", &v) < 0) {
		store_close(&st);
		return EXIT_FAIL;
	}
	rc = score_round(st, benchmark_csv, &r, &err);
	store_close(&st);
	if (rc < 0)
		return cli_fail(&err); /* an open round: the words of `simsa score` */
	if (!console_utf8_locale()) {
		fprintf(stderr,
			"simsa results: the console needs a UTF-8 locale to draw Korean "
			"text, but the locale uses %s; set one, for example "
			"LANG=C.UTF-8, or use `simsa score`.\n",
			nl_langinfo(CODESET));
		score_result_release(&r);
		return EXIT_FAIL;
	}
	if (v.skipped) { /* the title row of every screen says so */
		static const char mark[] = "NOT VERIFIED (--no-verify): ";
		size_t n = sizeof mark + (r.title ? strlen(r.title) : 0);
		char *t = malloc(n);

		if (t) {
			snprintf(t, n, "%s%s", mark, r.title ? r.title : "");
			free(r.title);
			r.title = t;
		}
	}
	rc = console_show_results(&r, &err);
	score_result_release(&r);
	if (rc < 0) {
		cli_puts(stderr, "simsa results: ", err.msg);
		return EXIT_FAIL;
	}
	cli_verified_warn("results", round_path, &v);
	return cli_verified_status(&v, rc);
}

struct results_args {
	const char *benchmark, *lang;
	bool no_verify;
};

static const struct cli_opt opts[] = {
	CLI_OPT("benchmark", 0, "FILE.csv", OPT_STRING, offsetof(struct results_args, benchmark), 0,
		"CSV entrant,points (0..40, every entrant once)"),
	CLI_OPT("lang", 0, "ko|en", OPT_CHOICE, offsetof(struct results_args, lang), 0,
		"interface language (default: from the locale)"),
	CLI_OPT("no-verify", 0, NULL, OPT_FLAG, offsetof(struct results_args, no_verify), 0,
		"show without verifying first: the title says\n"
		"NOT VERIFIED and the exit status is 3"),
	{ 0 },
};

const struct cli_spec spec_results = {
	"the points of a closed round on a full screen, for the organizer",
	"ROUND.db|BUNDLE",
	"  the figures of `simsa score`: entrants by rank with expert /35, user /25,\n"
	"  benchmark /40 and total, a bar of each total with a whisker for its 95%\n"
	"  interval on one axis, Elo and win rate; Enter: an entrant's details (per\n"
	"  criterion means and sd, outputs, scorings, votes); counts and the recipe\n"
	"  below. Keys: j/k or arrows move, Enter details, Esc back, ? help, q quit\n",
	opts,
	"  the file is verified first (simsa verify) and refused, exit 1, naming the\n"
	"  failing steps; exit 3: shown with --no-verify (docs/verify.md)\n"
	"  for tests: SIMSA_CONSOLE_SCRIPT, as for `simsa rate` (docs/console.md)\n",
};

int cmd_results(int argc, char **argv)
{
	struct results_args a = { 0 };
	char *pos[CLI_MAX_ARGS];
	int rc = cli_parse(&spec_results, "results", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	return cli_results(pos[0], a.benchmark, a.lang, a.no_verify);
}
