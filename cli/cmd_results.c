/* cmd_results — `simsa results ROUND.db|BUNDLE [--benchmark FILE.csv]
 * [--lang ko|en]`: scores the closed round (score_round, as `simsa score`
 * does, so an open round is refused with the same message before any
 * screen starts), then runs the results view (results.c) on the terminal,
 * or on the headless script when SIMSA_CONSOLE_SCRIPT is set. */
#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "simsa/console.h"
#include "simsa/score.h"
#include "simsa/store.h"

int cli_results(const char *round_path, const char *benchmark_csv, const char *lang)
{
	struct store *st = NULL;
	struct score_result r;
	struct simsa_err err;
	int rc;

	if (console_set_lang(lang) < 0) {
		fprintf(stderr, "simsa results: --lang must be ko or en\n");
		return EXIT_USAGE;
	}
	if (store_open(round_path, &st, &err) < 0)
		return cli_fail(&err);
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
	rc = console_show_results(&r, &err);
	score_result_release(&r);
	if (rc < 0) {
		fprintf(stderr, "simsa results: %s\n", err.msg);
		return EXIT_FAIL;
	}
	return rc;
}

int cmd_results(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "benchmark", required_argument, NULL, 'b' },
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *lang = NULL;
	const char *bench = NULL;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bench = optarg; break;
		case 'l': lang = optarg; break;
		case 'h': cli_help("results", stdout); return EXIT_OK;
		default: return cli_usage_error("results", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("results", "expected one ROUND.db or bundle");
	if (lang && strcmp(lang, "ko") != 0 && strcmp(lang, "en") != 0)
		return cli_usage_error("results", "--lang must be ko or en");
	return cli_results(argv[optind], bench, lang);
}
