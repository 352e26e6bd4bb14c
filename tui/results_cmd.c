/* results_cmd — `simsa results ROUND.db|BUNDLE [--benchmark FILE.csv]
 * [--lang ko|en]`: scores the closed round (score_round, as `simsa score`
 * does, so an open round is refused with the same message before any
 * screen starts), then runs the results view (results.c) on the terminal,
 * or on the headless script when SIMSA_CONSOLE_SCRIPT is set. */
#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"
#include "results.h"
#include "simsa/cli.h"
#include "simsa/console.h"
#include "simsa/score.h"

static int run_view(struct results *v, const char *script, struct simsa_err *err)
{
	struct headless *hl = NULL;
	struct console *c = NULL;
	const struct frontend *fe = &term_frontend;
	int w, h, rc = -1;

	if (script) {
		if (console_script_size(&w, &h, err) < 0 ||
		    headless_open(script, getenv("SIMSA_CONSOLE_DUMP"), &hl, err) < 0)
			return -1;
		fe = &headless_frontend;
	}
	console_signals();
	if (!script && term_open(&w, &h, err) < 0)
		return -1;
	if (console_open_view(fe, hl, w, h, v, SCR_RESULTS, &c, err) == 0)
		rc = console_loop(c, err);
	console_free(&c);
	if (script)
		headless_free(&hl);
	else
		term_close();
	return rc;
}

int console_results(const char *round_path, const char *benchmark_csv,
		    const struct console_opts *opts)
{
	const char *script = getenv("SIMSA_CONSOLE_SCRIPT");
	struct store *st = NULL;
	struct score_result r;
	struct results v;
	struct simsa_err err;
	int rc;

	if (i18n_set(opts ? opts->lang : NULL) < 0) {
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
		fprintf(stderr, "simsa results: the console needs a UTF-8 locale to draw Korean "
				"text, but the locale uses %s; set one, for example "
				"LANG=C.UTF-8, or use `simsa score`.\n", nl_langinfo(CODESET));
		score_result_release(&r);
		return EXIT_FAIL;
	}
	if (results_init(&v, &r, &err) < 0) {
		score_result_release(&r);
		return cli_fail(&err);
	}
	rc = run_view(&v, script && *script ? script : NULL, &err);
	results_release(&v);
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
	struct console_opts co = { NULL };
	const char *bench = NULL;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bench = optarg; break;
		case 'l': co.lang = optarg; break;
		case 'h': cli_help("results", stdout); return EXIT_OK;
		default: return cli_usage_error("results", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("results", "expected one ROUND.db or bundle");
	if (co.lang && strcmp(co.lang, "ko") != 0 && strcmp(co.lang, "en") != 0)
		return cli_usage_error("results", "--lang must be ko or en");
	return console_results(argv[optind], bench, &co);
}
