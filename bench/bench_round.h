/* A round for benchmarks: E entrants, P prompts, U users with key files
 * (cheap KDF, passphrase "pw", DIR/uN.key), only the user rubric with K users
 * per slot, opened. Shared by the benchmarks that need a big round. */
#ifndef SIMSA_BENCH_ROUND_H
#define SIMSA_BENCH_ROUND_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simsa/assets.h"
#include "simsa/import.h"
#include "simsa/keyfile.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/store.h"
#include "simsa/util.h"

static const struct keyfile_kdf fast = { KEYFILE_OPSLIMIT_MIN, KEYFILE_MEMLIMIT_MIN };

_Noreturn static void die(const struct simsa_err *err)
{
	fprintf(stderr, "bench: %s\n", err->msg);
	exit(1);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static char *user_rubric(int per_slot)
{
	const char *name = "rubrics/user.rubric";
	char *text = NULL, *out;
	size_t len;
	struct simsa_err err;

	if (read_file(name, 1 << 20, &text, &len, &err) < 0)
		die(&err);
	out = malloc(len + 64);
	/* the same rubric with 13 users per slot */
	char *at = strstr(text, "raters_per_slot = 2");

	if (!at) {
		fprintf(stderr, "bench: %s has no raters_per_slot = 2\n", name);
		exit(1);
	}
	snprintf(out, len + 64, "%.*sraters_per_slot = %d%s", (int)(at - text), text, per_slot,
		 at + strlen("raters_per_slot = 2"));
	free(text);
	return out;
}

static void import_text(struct store *st, const char *dir, enum import_kind kind, const char *text)
{
	char path[4096];
	struct import_result res;
	struct simsa_err err;

	snprintf(path, sizeof path, "%s/in.jsonl", dir);
	write_text(path, text);
	if (import_file(st, kind, path, &res, &err) < 0)
		die(&err);
	unlink(path);
}

/* Builds and opens the round; the store stays open in *out. */
static void bench_round_open(const char *db, const char *dir, int E, int P, int U, int K,
			     struct store **out, struct open_result *res)
{
	struct secret_key *org = NULL;
	struct store *st = NULL;
	struct simsa_err err;
	unsigned char pk[32];
	char path[4096], *rub = user_rubric(K), *rubrics[1] = { path };
	size_t cap = 8 << 20, n = 0;
	char *text = malloc(cap);

	snprintf(path, sizeof path, "%s/user.rubric", dir);
	write_text(path, rub);
	free(rub);
	/* the instructions it names, beside it */
	for (int l = 0; l < 2; l++) {
		const struct asset *md =
			asset_find(l ? "rubrics/user.en.md" : "rubrics/user.ko.md");

		snprintf(path, sizeof path, "%s/user.%s.md", dir, l ? "en" : "ko");
		if (!md) {
			fprintf(stderr, "bench: no built-in user instructions\n");
			exit(1);
		}
		write_text(path, (const char *)md->data);
	}
	snprintf(path, sizeof path, "%s/organizer.key", dir);
	unlink(path);
	if (keyfile_create(path, "pw", 2, &fast, pk, &err) < 0 ||
	    keyfile_unlock(path, "pw", 2, &org, &err) < 0)
		die(&err);
	snprintf(path, sizeof path, "%s/user.rubric", dir);
	if (round_init(db, "bench", rubrics, 1, pk, &err) < 0 || store_open(db, &st, &err) < 0)
		die(&err);
	for (int e = 0; e < E; e++)
		n += (size_t)snprintf(text + n, cap - n, "{\"name\": \"m%d\"}\n", e);
	import_text(st, dir, IMPORT_ENTRANTS, text);
	n = 0;
	for (int p = 0; p < P; p++)
		n += (size_t)snprintf(text + n, cap - n,
				      "{\"id\": \"p%d\", \"category\": \"c\", "
				      "\"prompt\": \"질문 %d\"}\n",
				      p, p);
	import_text(st, dir, IMPORT_PROMPTS, text);
	n = 0;
	for (int p = 0; p < P; p++)
		for (int e = 0; e < E; e++)
			n += (size_t)snprintf(text + n, cap - n,
					      "{\"prompt_id\": \"p%d\", \"entrant\": "
					      "\"m%d\", \"output\": \"답 %d %d\"}\n",
					      p, e, p, e);
	import_text(st, dir, IMPORT_OUTPUTS, text);
	free(text);
	for (int u = 0; u < U; u++) {
		char name[16];

		snprintf(name, sizeof name, "u%d", u);
		snprintf(path, sizeof path, "%s/%s.key", dir, name);
		unlink(path);
		if (keyfile_create(path, "pw", 2, &fast, pk, &err) < 0 ||
		    rater_enrol(st, org, name, ROLE_USER, pk, NULL, &err) < 0)
			die(&err);
	}
	if (round_open(st, org, res, NULL, &err) < 0)
		die(&err);
	secret_key_free(&org);
	*out = st;
}

#endif
