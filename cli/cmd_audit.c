/* cmd_audit — `simsa close`, `simsa verify`, `simsa receipt`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "simsa/audit.h"
#include "simsa/ballot.h"
#include "cli.h"
#include "simsa/closing.h"
#include "simsa/keyfile.h"
#include "simsa/store.h"
#include "simsa/util.h"

int cmd_close(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "organizer-key", required_argument, NULL, 'K' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *okey = NULL, *opass = NULL;
	struct secret_key *org = NULL;
	struct store *st = NULL;
	struct close_result res;
	struct simsa_err err;
	bool force = false;
	char root[65];
	int c, rc = EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'K': okey = optarg; break;
		case 'P': opass = optarg; break;
		case 'h': cli_help("close", stdout); return EXIT_OK;
		default: return cli_usage_error("close", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("close", "expected one ROUND.db");
	if (store_open(argv[optind], &st, &err) < 0 ||
	    cli_unlock_organizer(argv[optind], okey, opass, &org, &err) < 0 ||
	    round_close(st, org, force, &res, &err) < 0)
		goto out;
	hex_encode(res.merkle_root, 32, root);
	printf("closed %s at %s\n%u ballots, Merkle root %s\n", argv[optind], res.closed_at,
	       res.ballots, root);
	if (res.drafts_dropped)
		printf("%ld unsubmitted drafts were dropped (--force)\n", res.drafts_dropped);
	printf("the seed and who wrote each output are now revealed; run simsa verify\n");
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		cli_fail(&err);
	secret_key_free(&org);
	store_close(&st);
	return rc;
}

static void print_report(const char *path, json_t *rep)
{
	json_t *steps = json_object_get(rep, "steps"), *s, *f;
	size_t i, j, failed = 0;

	printf("verify %s: %s round %s\n", path, json_string_value(json_object_get(rep, "state")),
	       json_string_value(json_object_get(rep, "round_id")));
	json_array_foreach(steps, i, s) {
		bool pass = json_is_true(json_object_get(s, "passed"));

		failed += !pass;
		printf("  %-4s  %-11s %lld checked", pass ? "ok" : "FAIL",
		       json_string_value(json_object_get(s, "step")),
		       json_integer_value(json_object_get(s, "items")));
		if (!pass)
			printf(", %lld failed", json_integer_value(json_object_get(s, "failed")));
		printf(": %s\n", json_string_value(json_object_get(s, "checked")));
		json_array_foreach(json_object_get(s, "failures"), j, f)
			printf("          - %s\n", json_string_value(f));
	}
	if (!json_is_true(json_object_get(rep, "complete")))
		printf("  note: the seal, the seed, the manifest and the assignment can be checked "
		       "once the round is closed\n");
	if (failed)
		printf("result: FAILED (%zu of %zu steps)\n", failed, json_array_size(steps));
	else
		printf("result: all %zu steps passed\n", json_array_size(steps));
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	enum out_format fmt = FMT_TEXT;
	struct store *st = NULL;
	struct simsa_err err;
	json_t *rep = NULL;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format(optarg, &fmt))
				return cli_usage_error("verify", "--format: text or json");
			break;
		case 'h': cli_help("verify", stdout); return EXIT_OK;
		default: return cli_usage_error("verify", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("verify", "expected one ROUND.db or bundle");
	if (store_open(argv[optind], &st, &err) < 0)
		return cli_fail(&err);
	rc = audit_run(st, &rep, &err);
	store_close(&st);
	if (rc < 0)
		return cli_fail(&err);
	if (fmt == FMT_JSON) {
		char *s = json_dumps(rep, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		printf("%s\n", s);
		free(s);
	} else {
		print_report(argv[optind], rep);
	}
	rc = json_is_true(json_object_get(rep, "ok")) ? EXIT_OK : EXIT_FAIL;
	json_decref(rep);
	return rc;
}

struct find_ctx {
	unsigned char prefix[10];
	bool found, counted;
	int64_t id, rater;
	uint32_t seq, task;
	unsigned char hash[32];
	char cast_at[32];
	int64_t superseded_by;
};

static int find_ballot(void *ctx, const struct ballot_row *b)
{
	struct find_ctx *f = ctx;

	if (!f->found && memcmp(b->hash, f->prefix, 10) == 0) {
		f->found = true;
		f->id = b->id;
		f->rater = b->rater_row;
		f->seq = b->seq;
		f->task = b->task_position;
		memcpy(f->hash, b->hash, 32);
		snprintf(f->cast_at, sizeof f->cast_at, "%s", b->cast_at ? b->cast_at : "");
	} else if (f->found && b->supersedes && memcmp(b->supersedes, f->hash, 32) == 0) {
		f->superseded_by = b->id;
	}
	return 0;
}

int cmd_receipt(int argc, char **argv)
{
	struct find_ctx f = { 0 };
	struct store *st = NULL;
	struct simsa_err err;
	int rc;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		cli_help("receipt", stdout);
		return EXIT_OK;
	}
	if (argc != 3)
		return cli_usage_error("receipt", "expected ROUND.db and a receipt code");
	if (!ballot_receipt_parse(argv[2], f.prefix))
		return cli_usage_error("receipt",
				       "'%s' is not a receipt code (16 letters and "
				       "digits, like 7K3M-Q2XA-9DPF-0B4R)",
				       argv[2]);
	if (store_open(argv[1], &st, &err) < 0)
		return cli_fail(&err);
	rc = store_each_ballot(st, find_ballot, &f, &err);
	store_close(&st);
	if (rc < 0)
		return cli_fail(&err);
	if (!f.found) {
		printf("%s: no ballot with receipt %s is in this round\n", argv[1], argv[2]);
		return EXIT_FAIL;
	}
	printf("%s: ballot %lld (task %u, sequence %u, cast %s) is in the round", argv[1],
	       (long long)f.id, f.task + 1, f.seq, f.cast_at);
	if (f.superseded_by) {
		printf(", superseded by ballot %lld: not counted\n", (long long)f.superseded_by);
		return EXIT_FAIL;
	}
	printf(" and counted\n");
	return EXIT_OK;
}
