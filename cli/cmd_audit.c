/* cmd_audit — `simsa close`, `simsa verify`, `simsa receipt`. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "simsa/audit.h"
#include "simsa/ballot.h"
#include "cli.h"
#include "simsa/closing.h"
#include "simsa/keyfile.h"
#include "simsa/score.h"
#include "simsa/store.h"
#include "simsa/util.h"

struct close_args {
	bool force;
	const char *okey, *opass;
};

static const struct cli_opt close_opts[] = {
	CLI_OPT("force", 0, NULL, OPT_FLAG, offsetof(struct close_args, force), 0,
		"close even while raters have unsubmitted drafts\n"
		"(dropped); without it, close refuses"),
	CLI_OPT("organizer-key", 0, "PATH", OPT_STRING, offsetof(struct close_args, okey), 0,
		"default: ROUND.keys/organizer.key"),
	CLI_OPT("passphrase-file", 0, "FILE", OPT_STRING, offsetof(struct close_args, opass), 0,
		"the organizer's passphrase; also\n"
		"SIMSA_ORGANIZER_PASSPHRASE_FILE, SIMSA_PASSPHRASE_FILE"),
	{ 0 },
};

const struct cli_spec spec_close = {
	"reveal the seed and identities, and seal the round with the organizer's key",
	"ROUND.db",
	NULL,
	close_opts,
	NULL,
};

int cmd_close(int argc, char **argv)
{
	struct close_args a = { 0 };
	char *pos[CLI_MAX_ARGS];
	struct secret_key *org = NULL;
	struct store *st = NULL;
	struct close_result res;
	struct simsa_err err;
	char root[65];
	int rc = cli_parse("close", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	rc = EXIT_FAIL;
	if (store_open(pos[0], &st, &err) < 0 ||
	    cli_unlock_organizer(pos[0], a.okey, a.opass, &org, &err) < 0 ||
	    round_close(st, org, a.force, &res, &err) < 0)
		goto out;
	hex_encode(res.merkle_root, 32, root);
	printf("closed %s at %s\n%u ballots, Merkle root %s\n", cli_text(pos[0]),
	       cli_text(res.closed_at), res.ballots, root);
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

	printf("verify %s: %s round %s\n", cli_text(path),
	       cli_text(json_string_value(json_object_get(rep, "state"))),
	       cli_text(json_string_value(json_object_get(rep, "round_id"))));
	if (json_object_get(rep, "read_as"))
		printf("  read as %s\n",
		       cli_text(json_string_value(json_object_get(rep, "read_as"))));
	json_array_foreach(steps, i, s) {
		bool pass = json_is_true(json_object_get(s, "passed"));

		failed += !pass;
		printf("  %-4s  %-11s %lld checked", pass ? "ok" : "FAIL",
		       cli_text(json_string_value(json_object_get(s, "step"))),
		       json_integer_value(json_object_get(s, "items")));
		if (!pass)
			printf(", %lld failed", json_integer_value(json_object_get(s, "failed")));
		printf(": %s\n", cli_text(json_string_value(json_object_get(s, "checked"))));
		json_array_foreach(json_object_get(s, "failures"), j, f)
			printf("          - %s\n", cli_text(json_string_value(f)));
	}
	if (!json_is_true(json_object_get(rep, "complete")))
		printf("  note: the seal, the seed, the manifest and the assignment can be checked "
		       "once the round is closed\n");
	if (failed)
		printf("result: FAILED (%zu of %zu steps)\n", failed, json_array_size(steps));
	else
		printf("result: all %zu steps passed\n", json_array_size(steps));
}

struct verify_args {
	enum out_format fmt;
};

static const struct cli_opt verify_opts[] = {
	CLI_OPT("format", 0, NULL, OPT_FORMAT, offsetof(struct verify_args, fmt), 0,
		"json: the same report for programs",
		.formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON)),
	{ 0 },
};

const struct cli_spec spec_verify = {
	"check every signature, chain, assignment and the seal; exit 0 only if all pass",
	"ROUND.db|BUNDLE",
	"  a step report: what was checked, how many items, and each failure\n",
	verify_opts,
	NULL,
};

int cmd_verify(int argc, char **argv)
{
	struct verify_args a = { FMT_TEXT };
	char *pos[CLI_MAX_ARGS];
	struct store *st = NULL;
	struct simsa_err err;
	json_t *rep = NULL;
	int rc = cli_parse("verify", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (store_open_read(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	rc = audit_run(st, &rep, &err);
	store_close(&st);
	if (rc < 0)
		return cli_fail(&err);
	if (a.fmt == FMT_JSON) {
		if (cli_json(stdout, rep, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
			json_decref(rep);
			err_set(&err, "out of memory");
			return cli_fail(&err);
		}
	} else {
		print_report(pos[0], rep);
	}
	rc = json_is_true(json_object_get(rep, "ok")) ? EXIT_OK : EXIT_FAIL;
	json_decref(rep);
	return rc;
}

struct find_ctx {
	unsigned char prefix[10];
	bool found;
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

struct receipt_args {
	bool no_verify;
};

static const struct cli_opt receipt_opts[] = {
	CLI_OPT("no-verify", 0, NULL, OPT_FLAG, offsetof(struct receipt_args, no_verify), 0,
		"look up without verifying first: the answer\n"
		"follows a NOT VERIFIED line; exit 3 for counted"),
	{ 0 },
};

const struct cli_spec spec_receipt = {
	"say whether the ballot with this receipt code is in the round, and its status",
	"ROUND.db|BUNDLE CODE",
	"  the ballot's one status (docs/scoring.md): on a closed round counted,\n"
	"  superseded, gold or excluded with its reason; on an open round\n"
	"  recorded or superseded. Exits 0 when it is counted (open: recorded),\n"
	"  1 otherwise; the file is verified first (simsa verify) and refused,\n"
	"  exit 1, naming the failing steps; on an open round the answer is\n"
	"  provisional (docs/verify.md)\n",
	receipt_opts,
	"  exit 3: counted (open: recorded), looked up with --no-verify\n",
};

bool cli_status_words(const struct ballot_status *s, int64_t superseded_by, bool closed, char *buf,
		      size_t cap)
{
	/* before close nothing is counted yet, and nothing else is said */
	const char *tail = closed ? ", not counted" : "";

	switch (s->status) {
	case STATUS_COUNTED: snprintf(buf, cap, "counted"); return true;
	case STATUS_RECORDED: snprintf(buf, cap, "recorded"); return true;
	case STATUS_SUPERSEDED:
		snprintf(buf, cap, "superseded by ballot %lld%s", (long long)superseded_by, tail);
		break;
	case STATUS_GOLD:
		snprintf(buf, cap, "gold (a check of the rater, never in the points)%s", tail);
		break;
	case STATUS_EXCLUDED:
		snprintf(buf, cap, "excluded (%s)%s", score_reason_name(s->reason), tail);
		break;
	case STATUS_COUNT: snprintf(buf, cap, "%s", tail); break;
	}
	return false;
}

int cmd_receipt(int argc, char **argv)
{
	struct find_ctx f = { 0 };
	struct receipt_args a = { false };
	struct store *st = NULL;
	struct ballot_statuses sts = { 0 };
	const struct ballot_status *s;
	struct simsa_err err;
	struct cli_verified v;
	char *pos[CLI_MAX_ARGS];
	int rc = cli_parse("receipt", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (!ballot_receipt_parse(pos[1], f.prefix))
		return cli_usage_error("receipt",
				       "'%s' is not a receipt code (16 letters and "
				       "digits, like 7K3M-Q2XA-9DPF-0B4R)",
				       pos[1]);
	if (store_open_read(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	if (cli_verify_first("receipt", pos[0], st, a.no_verify, "nothing looked up", &v) < 0) {
		store_close(&st);
		return EXIT_FAIL;
	}
	rc = store_each_ballot(st, find_ballot, &f, &err);
	if (rc == 0 && f.found)
		rc = score_ballot_statuses(st, &sts, &err);
	store_close(&st);
	if (rc < 0)
		return cli_fail(&err);
	cli_verified_banner(stdout, pos[0], &v);
	if (!f.found || !(s = score_status_of(&sts, f.id))) {
		printf("%s: no ballot with receipt %s is in this round\n", cli_text(pos[0]),
		       cli_text(pos[1]));
		score_statuses_release(&sts);
		return EXIT_FAIL;
	}
	printf("%s: ballot %lld (task %u, sequence %u, cast %s) is in the round: ",
	       cli_text(pos[0]), (long long)f.id, f.task + 1, f.seq, cli_text(f.cast_at));
	{
		char words[128];

		rc = cli_status_words(s, f.superseded_by, sts.closed, words, sizeof words)
			     ? EXIT_OK
			     : EXIT_FAIL;
		printf("%s\n", words);
	}
	score_statuses_release(&sts);
	return cli_verified_status(&v, rc);
}
