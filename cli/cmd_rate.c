/* cmd_rate — `simsa rate`: the command line, the UTF-8 check, unlocking the
 * rater's key before the screen starts (three tries at a terminal), the
 * session, and the choice of front end (terminal, or the headless script
 * when SIMSA_CONSOLE_SCRIPT is set). Only here is anything printed. */
#include <langinfo.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "simsa/console.h"
#include "simsa/keyfile.h"
#include "simsa/passphrase.h"
#include "simsa/session.h"

#define UNLOCK_TRIES 3

static int fail(const struct simsa_err *err)
{
	cli_puts(stderr, "simsa rate: ", err->msg);
	return 1;
}

static int unlock(const char *key_path, const char *pass_file, const char *rater,
		  struct secret_key **sk, struct simsa_err *err)
{
	const char *env = getenv("SIMSA_PASSPHRASE_FILE");
	bool asks = !pass_file && !(env && *env) && isatty(STDIN_FILENO);
	int tries = asks ? UNLOCK_TRIES : 1;
	char prompt[4700];

	if (keyfile_mode_too_open(key_path, err))
		fprintf(stderr, "simsa rate: warning: %s\n", cli_text(err->msg));
	snprintf(prompt, sizeof prompt, "Passphrase for %s (%s): ", cli_text(rater),
		 cli_text(key_path));
	for (int t = 1; t <= tries; t++) {
		char *pass = NULL;
		size_t len = 0;
		int rc;

		if (passphrase_get(prompt, pass_file, false, &pass, &len, err) < 0)
			return -1;
		rc = keyfile_unlock(key_path, pass, len, sk, err);
		passphrase_free(&pass, len);
		if (rc == 0)
			return 0;
		if (t < tries)
			fprintf(stderr, "simsa rate: %s; try again (%d left)\n", cli_text(err->msg),
				tries - t);
	}
	return -1;
}

int cli_rate(const char *round_path, const char *rater, const char *key_file, const char *pass_file,
	     const char *lang, const char *receipts)
{
	struct secret_key *sk = NULL;
	struct session *s = NULL;
	struct simsa_err err;
	char key_path[4096];
	int rc;

	if (!console_utf8_locale()) {
		const char *l = getenv("LC_ALL");

		if (!l || !*l)
			l = getenv("LANG");
		fprintf(stderr,
			"simsa rate: the console needs a UTF-8 locale to draw Korean text, "
			"but the locale (%s) uses %s.\n"
			"simsa rate: set one, for example LANG=C.UTF-8 or LANG=ko_KR.UTF-8, "
			"and start again.\n",
			l && *l ? l : "C", nl_langinfo(CODESET));
		return 1;
	}
	if (console_set_lang(lang) < 0) {
		fprintf(stderr, "simsa rate: --lang must be ko or en\n");
		return 2;
	}
	if (key_file)
		snprintf(key_path, sizeof key_path, "%s", key_file);
	else if (keyfile_round_path(round_path, rater, false, key_path, sizeof key_path, &err) < 0)
		return fail(&err);
	if (unlock(key_path, pass_file, rater, &sk, &err) < 0)
		return fail(&err);
	if (session_start(round_path, rater, sk, &s, &err) < 0)
		return fail(&err); /* the session freed the key */
	if (session_keep_receipts(s, receipts, &err) < 0) {
		session_end(&s);
		err_prefix(&err, "cannot keep your receipts (choose a file with --receipts FILE)");
		return fail(&err);
	}
	rc = console_rate_session(s, &err);
	if (rc >= 0 && !console_headless())
		printf("simsa rate: %zu of %zu tasks done; drafts are kept in %s; your receipts "
		       "in %s\n",
		       session_done_count(s), session_task_count(s), cli_text(round_path),
		       cli_text(session_receipts_path(s)));
	session_end(&s);
	if (rc < 0)
		return fail(&err);
	return rc;
}

struct rate_args {
	const char *rater, *key, *pass, *lang, *receipts;
};

#define AT(f) offsetof(struct rate_args, f)
static const struct cli_opt opts[] = {
	CLI_OPT("rater", 0, "NAME", OPT_STRING, AT(rater), OPT_REQUIRED,
		"the enrolled rater (expert or user)"),
	CLI_OPT("key-file", 0, "PATH", OPT_STRING, AT(key), 0, "default: ROUND.keys/NAME.key"),
	CLI_OPT("passphrase-file", 0, "FILE", OPT_STRING, AT(pass), 0,
		"the key's passphrase (first line); also\n"
		"SIMSA_PASSPHRASE_FILE; otherwise asked (three tries)"),
	CLI_OPT("lang", 0, "ko|en", OPT_CHOICE, AT(lang), 0,
		"interface language (default: from the locale)"),
	CLI_OPT("receipts", 0, "FILE", OPT_STRING, AT(receipts), 0,
		"append your receipts to FILE (created 0600);\n"
		"default: ROUNDID-NAME.txt in\n"
		"$XDG_DATA_HOME/simsa/receipts (else in\n"
		"~/.local/share/simsa/receipts)"),
	{ 0 },
};

const struct cli_spec spec_rate = {
	"the rating console: blind side-by-side rating for experts and users",
	"ROUND.db",
	"  as a station's forced command (docs/station.md): when sshd sets\n"
	"  SSH_ORIGINAL_COMMAND to `receipts`, lists the rater's receipts instead;\n"
	"  to `passphrase`, seals the rater's key under a new passphrase (asked on\n"
	"  the terminal); any other command the login asked for is not run\n",
	opts,
	NULL,
};

int cmd_rate(int argc, char **argv)
{
	struct rate_args a = { 0 };
	char *pos[CLI_MAX_ARGS];
	const char *station;
	int rc = cli_parse(&spec_rate, "rate", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	/* at a station sshd runs this as the forced command, and a login that
	 * asked for a command of its own finds it here (docs/station.md):
	 * `receipts` lists the rater's receipts; anything else, a shell or
	 * sqlite3 included, is not run: the console starts as for any login */
	station = getenv("SSH_ORIGINAL_COMMAND");
	if (station && strcmp(station, "receipts") == 0)
		return cli_station_receipts(pos[0], a.rater);
	if (station && strcmp(station, "passphrase") == 0)
		return cli_station_passphrase(pos[0], a.rater);
	if (station)
		fprintf(stderr, "simsa rate: this login runs the rating console, lists your "
				"receipts when it asks for `receipts`, or changes your key's "
				"passphrase for `passphrase`; the command it asked for is not "
				"run\n");
	return cli_rate(pos[0], a.rater, a.key, a.pass, a.lang, a.receipts);
}
