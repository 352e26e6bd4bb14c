/* front — how `simsa rate` and `simsa results` reach a screen: the
 * ncursesw terminal, or the headless script of SIMSA_CONSOLE_SCRIPT for
 * tests (include/simsa/console.h). The commands (cli/cmd_rate.c,
 * cli/cmd_results.c) parse the command line and prepare the session or
 * the points; this file picks the front end and runs the loop. */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "rating.h"
#include "results_int.h"
#include "simsa/console.h"

bool console_utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int console_set_lang(const char *lang)
{
	return i18n_set(lang);
}

int console_script_size(int *w, int *h, struct simsa_err *err)
{
	const char *size = getenv("SIMSA_CONSOLE_SIZE");

	*w = 80;
	*h = 24;
	if (size && *size) {
		char *end;
		long a = strtol(size, &end, 10), b = 0;

		if (*end == 'x')
			b = strtol(end + 1, &end, 10);
		if (*end || a < 1 || b < 1 || a > 4096 || b > 4096)
			return err_set(err, "SIMSA_CONSOLE_SIZE must be WxH, like 80x24");
		*w = (int)a;
		*h = (int)b;
	}
	return 0;
}

/* SIMSA_CONSOLE_SCRIPT when set and not empty, else NULL (the terminal). */
static const char *script_path(void)
{
	const char *script = getenv("SIMSA_CONSOLE_SCRIPT");

	return script && *script ? script : NULL;
}

bool console_headless(void)
{
	return script_path() != NULL;
}

static int run_headless(struct session *s, const char *script, struct simsa_err *err)
{
	struct headless *hl = NULL;
	int w, h, rc;

	if (console_script_size(&w, &h, err) < 0)
		return -1;
	if (headless_open(script, getenv("SIMSA_CONSOLE_DUMP"), &hl, err) < 0)
		return -1;
	console_signals();
	rc = console_run(s, &headless_frontend, hl, w, h, err);
	headless_free(&hl);
	return rc;
}

static int run_terminal(struct session *s, struct simsa_err *err)
{
	int w, h, rc;

	console_signals();
	if (term_open(&w, &h, err) < 0)
		return -1;
	rc = console_run(s, &term_frontend, NULL, w, h, err);
	term_close();
	return rc;
}

int console_rate_session(struct session *s, struct simsa_err *err)
{
	const char *script = script_path();

	return script ? run_headless(s, script, err) : run_terminal(s, err);
}

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
	if (results_console_open(fe, hl, w, h, v, &c, err) == 0)
		rc = console_loop(c, err);
	console_free(&c);
	if (script)
		headless_free(&hl);
	else
		term_close();
	return rc;
}

int console_show_results(const struct score_result *r, struct simsa_err *err)
{
	struct results v;
	int rc;

	if (results_init(&v, r, err) < 0)
		return -1;
	rc = run_view(&v, script_path(), err);
	results_release(&v);
	return rc;
}
