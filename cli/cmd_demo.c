/* cmd_demo — `simsa demo`: a round with Korean sample data, built through
 * the same init, import, enrolment and open paths an organizer uses. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simsa/assets.h"
#include "cli.h"
#include "simsa/console.h"
#include "simsa/demo.h"
#include "simsa/import.h"
#include "simsa/keyfile.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/store.h"

#define DEMO_TITLE "simsa 데모 라운드 (demo round)"

/* Demo keys use the cheapest KDF: a demo is not a real round. */
static const struct keyfile_kdf demo_kdf = { KEYFILE_OPSLIMIT_MIN, KEYFILE_MEMLIMIT_MIN };

static int write_file_to(const char *path, const void *data, size_t len, struct simsa_err *err)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return err_set(err, "%s: cannot create: %s", path, strerror(errno));
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		return err_set(err, "%s: cannot write: %s", path, strerror(errno));
	return 0;
}

static int import_asset(struct store *st, const char *dir, const char *name, enum import_kind kind,
			struct simsa_err *err)
{
	const struct asset *a = asset_find(name);
	struct import_result res;
	char path[4096];
	int rc;

	if (!a)
		return err_set(err, "built-in %s is missing", name);
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, strrchr(name, '/') + 1) >=
	    sizeof path)
		return err_set(err, "%s: path too long", dir);
	rc = write_file_to(path, a->data, a->len, err);
	if (rc == 0)
		rc = import_file(st, kind, path, &res, err);
	unlink(path);
	return rc;
}

static int new_key(const char *db, const char *name, unsigned char pk[32], struct simsa_err *err)
{
	char path[4096];

	if (keyfile_round_path(db, name, true, path, sizeof path, err) < 0)
		return -1;
	return keyfile_create(path, DEMO_PASSPHRASE, strlen(DEMO_PASSPHRASE), &demo_kdf, pk, err);
}

static int enrol(struct store *st, const char *db, const struct secret_key *org, const char *name,
		 enum rater_role role, struct simsa_err *err)
{
	unsigned char pk[32];

	if (new_key(db, name, pk, err) < 0)
		return -1;
	return rater_enrol(st, org, name, role, pk, NULL, err);
}

static int build(const char *db, const char *dir, struct open_result *res, struct simsa_err *err)
{
	static const struct {
		const char *asset;
		enum import_kind kind;
	} steps[] = {
		{ "demo/entrants.jsonl", IMPORT_ENTRANTS },
		{ "demo/prompts.jsonl", IMPORT_PROMPTS },
		{ "demo/outputs.jsonl", IMPORT_OUTPUTS },
		{ "demo/practice.jsonl", IMPORT_PRACTICE }, /* one per role, optional */
	};
	struct secret_key *org = NULL;
	struct store *st = NULL;
	unsigned char pk[32];
	char path[4096], name[32];
	int rc = -1;

	if (new_key(db, "organizer", pk, err) < 0 ||
	    round_init(db, DEMO_TITLE, NULL, 0, pk, err) < 0 || store_open(db, &st, err) < 0)
		goto out;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (import_asset(st, dir, steps[i].asset, steps[i].kind, err) < 0)
			goto out;
	if (keyfile_round_path(db, "organizer", false, path, sizeof path, err) < 0 ||
	    keyfile_unlock(path, DEMO_PASSPHRASE, strlen(DEMO_PASSPHRASE), &org, err) < 0)
		goto out;
	for (int i = 1; i <= DEMO_EXPERTS; i++) {
		snprintf(name, sizeof name, "expert%d", i);
		if (enrol(st, db, org, name, ROLE_EXPERT, err) < 0)
			goto out;
	}
	for (int i = 1; i <= DEMO_USERS; i++) {
		snprintf(name, sizeof name, "user%02d", i);
		if (enrol(st, db, org, name, ROLE_USER, err) < 0)
			goto out;
	}
	if (enrol(st, db, org, "auditor", ROLE_AUDITOR, err) < 0 ||
	    round_open(st, org, res, NULL, err) < 0)
		goto out;
	rc = 0;
out:
	secret_key_free(&org);
	store_close(&st);
	return rc;
}

struct demo_args {
	const char *db, *as, *lang;
	bool no_panel;
};

#define AT(f) offsetof(struct demo_args, f)
static const struct cli_opt opts[] = {
	CLI_OPT("db", 'd', "PATH", OPT_STRING, AT(db), 0,
		"create the round at PATH (must not exist); default: a new\n"
		"file in a temporary directory"),
	CLI_OPT("as", 0, "RATER", OPT_STRING, AT(as), 0,
		"on a terminal, open the console as RATER (default user01;\n"
		"experts: expert1..expert4); passphrase \"demo\""),
	CLI_OPT("lang", 0, "ko|en", OPT_CHOICE, AT(lang), 0, "the console's language"),
	CLI_OPT("no-panel", 0, NULL, OPT_FLAG, AT(no_panel), 0,
		"do not cast the simulated panel's ballots (by default every\n"
		"expert and user but RATER has rated, so that close, score\n"
		"and verify have something to show)"),
	{ 0 },
};

const struct cli_spec spec_demo = {
	"make an open demo round (Korean prompts, four entrants) and rate it", "", NULL, opts, NULL,
};

int cmd_demo(int argc, char **argv)
{
	struct demo_args a = { .as = "user01" };
	const char *db, *tmpbase = getenv("TMPDIR"), *as, *lang;
	char *pos[CLI_MAX_ARGS], dir[2048], dbpath[4096], keys[4096];
	struct open_result res;
	struct simsa_err err;
	bool panel;
	size_t ballots = 0;
	int rc = cli_parse(&spec_demo, "demo", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	db = a.db;
	as = a.as;
	lang = a.lang;
	panel = !a.no_panel;
	if (db && access(db, F_OK) == 0) {
		err_set(&err, "%s: already exists; a round file is never overwritten", db);
		return cli_fail(&err);
	}
	snprintf(dir, sizeof dir, "%s/simsa-demo-XXXXXX", tmpbase && *tmpbase ? tmpbase : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "simsa: cannot make a temporary directory: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	if (!db) {
		snprintf(dbpath, sizeof dbpath, "%s/demo.db", dir);
		db = dbpath;
	}
	rc = build(db, dir, &res, &err);
	if (db != dbpath)
		rmdir(dir);
	if (rc == 0 && panel)
		rc = demo_panel(db, as, &ballots, &err);
	if (rc < 0)
		return cli_fail(&err);
	if (keyfile_round_path(db, "", false, keys, sizeof keys, &err) < 0)
		return cli_fail(&err);
	keys[strlen(keys) - 5] = '\0'; /* the directory: drop "/.key" */
	printf("demo round created: %s\n", cli_text(db));
	printf("keys: %s/ (organizer, expert1-%d, user01-%02d, auditor; passphrase \"%s\")\n",
	       cli_text(keys), DEMO_EXPERTS, DEMO_USERS, DEMO_PASSPHRASE);
	printf("opened: %zu outputs blinded, %zu tasks assigned\n", res.n_outputs, res.n_tasks);
	if (panel)
		printf("simulated panel: %zu signed ballots cast for every expert and user but %s\n"
		       "  (demo only: these raters know which entrant wrote what)\n",
		       ballots, cli_text(as));
	printf("\n");
	fflush(stdout);
	char *args[] = { "status", (char *)db, NULL };
	rc = cmd_status(2, args);
	if (rc != EXIT_OK || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		printf("\nrate: simsa rate %s --rater user01   (passphrase \"%s\"; experts: expert1..)\n",
		       cli_text(db), DEMO_PASSPHRASE);
		return rc;
	}
	/* on a terminal the demo ends in the console, as the first user */
	char pass[sizeof keys + sizeof "/demo.pass"], receipts[sizeof keys + 80];
	FILE *pf;

	snprintf(pass, sizeof pass, "%s/demo.pass", keys);
	pf = fopen(pass, "w");
	if (!pf || fprintf(pf, "%s\n", DEMO_PASSPHRASE) < 0 || fclose(pf) != 0 ||
	    chmod(pass, 0600) != 0) {
		fprintf(stderr, "simsa: %s: cannot write the demo passphrase\n", cli_text(pass));
		return EXIT_FAIL;
	}
	printf("\nopening the rating console as %s (q leaves; ? shows the keys)...\n",
	       cli_text(as));
	fflush(stdout);
	/* the demo's receipts stay beside its keys, not among the rater's own */
	snprintf(receipts, sizeof receipts, "%s/%.60s.receipts.txt", keys, as);
	return cli_rate(db, as, NULL, pass, lang, receipts);
}
