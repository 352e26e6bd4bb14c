/* cmd_demo — `simsa demo`: a round with Korean sample data, built through
 * the same init and import paths an organizer uses. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simsa/assets.h"
#include "simsa/cli.h"
#include "simsa/import.h"
#include "simsa/store.h"

#define DEMO_TITLE "simsa 데모 라운드 (demo round)"

static int write_asset(const char *dir, const char *name, char *path, size_t cap,
		       struct simsa_err *err)
{
	const struct asset *a = asset_find(name);
	FILE *f;

	if (!a)
		return err_set(err, "built-in %s is missing", name);
	if ((size_t)snprintf(path, cap, "%s/%s", dir, strrchr(name, '/') + 1) >= cap)
		return err_set(err, "%s: path too long", dir);
	f = fopen(path, "wb");
	if (!f)
		return err_set(err, "%s: cannot create: %s", path, strerror(errno));
	if (fwrite(a->data, 1, a->len, f) != a->len || fclose(f) != 0)
		return err_set(err, "%s: cannot write: %s", path, strerror(errno));
	return 0;
}

static int build(const char *db, const char *dir, struct simsa_err *err)
{
	static const struct {
		const char *asset;
		enum import_kind kind;
	} steps[] = {
		{ "demo/entrants.jsonl", IMPORT_ENTRANTS },
		{ "demo/prompts.jsonl", IMPORT_PROMPTS },
		{ "demo/outputs.jsonl", IMPORT_OUTPUTS },
	};
	struct store *st = NULL;
	char path[4096];
	int rc = -1;

	if (round_init(db, DEMO_TITLE, NULL, 0, err) < 0)
		return -1;
	if (store_open(db, &st, err) < 0)
		goto out;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct import_result res;
		int failed = write_asset(dir, steps[i].asset, path, sizeof path, err) < 0 ||
			     import_file(st, steps[i].kind, path, &res, err) < 0;

		unlink(path);
		if (failed)
			goto out;
	}
	rc = 0;
out:
	store_close(&st);
	if (rc < 0)
		unlink(db);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *db = NULL, *tmpbase = getenv("TMPDIR");
	char dir[2048], dbpath[4096];
	struct simsa_err err;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': cli_help("demo", stdout); return EXIT_OK;
		default: return cli_usage_error("demo", "bad option");
		}
	}
	if (optind != argc)
		return cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
	snprintf(dir, sizeof dir, "%s/simsa-demo-XXXXXX",
		 tmpbase && *tmpbase ? tmpbase : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "simsa: cannot make a temporary directory: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	if (!db) {
		snprintf(dbpath, sizeof dbpath, "%s/demo.db", dir);
		db = dbpath;
	}
	rc = build(db, dir, &err);
	if (db != dbpath)
		rmdir(dir);
	if (rc < 0)
		return cli_fail(&err);
	printf("demo round created: %s\n\n", db);
	fflush(stdout);
	char *args[] = { "status", (char *)db, NULL };
	rc = cmd_status(2, args);
	printf("\nnext: simsa status %s --format json   (the rating console comes with "
	       "`simsa open` and `simsa rate`)\n", db);
	return rc;
}
