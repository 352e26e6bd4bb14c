/* cmd_audit — `simsa close`, `simsa verify` (`simsa receipt`: cmd_receipt.c). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "simsa/audit.h"
#include "simsa/ballot.h"
#include "cli.h"
#include "simsa/closing.h"
#include "simsa/keyfile.h"
#include "simsa/note.h"
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
	int rc = cli_parse(&spec_close, "close", argc, argv, &a, pos);

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

/* What to compare with what the organizer published (docs/verify.md). */
static void print_anchors(json_t *rep)
{
	const char *closed = json_string_value(json_object_get(rep, "closed_at"));
	json_t *count = json_object_get(rep, "ballot_count");
	char n[32];

	if (json_is_integer(count))
		snprintf(n, sizeof n, "%lld", (long long)json_integer_value(count));
	else
		snprintf(n, sizeof n, "(not a ballot count)");
	printf("  organizer key %s\n  fingerprint   %s\n",
	       cli_text(json_string_value(json_object_get(rep, "organizer_key"))),
	       cli_text(json_string_value(json_object_get(rep, "organizer_fingerprint"))));
	printf("  %s %s ballots, Merkle root %s\n", closed ? "sealed       " : "so far       ", n,
	       cli_text(json_string_value(json_object_get(rep, "merkle_root"))));
	if (closed)
		printf("  closed at     %s\n", cli_text(closed));
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
	print_anchors(rep);
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

#define MAX_CHECKPOINTS 64

struct verify_args {
	enum out_format fmt;
	const char *checkpoints[MAX_CHECKPOINTS];
	size_t n_checkpoints;
	const char *pk_hex, *root_hex;
	unsigned char pk[32], root[32];
};

static const char *add_checkpoint(const char *arg, void *args)
{
	struct verify_args *a = args;

	if (a->n_checkpoints == MAX_CHECKPOINTS)
		return "at most 64 --checkpoint files";
	a->checkpoints[a->n_checkpoints++] = arg; /* an argv string */
	return NULL;
}

static bool hex32(const char *arg, unsigned char out[32])
{
	size_t n = 0;
	const char *end = NULL;

	return strlen(arg) == 64 && sodium_hex2bin(out, 32, arg, 64, NULL, &n, &end) == 0 &&
	       n == 32 && end == arg + 64;
}

static const struct cli_opt verify_opts[] = {
	CLI_OPT("format", 0, NULL, OPT_FORMAT, offsetof(struct verify_args, fmt), 0,
		"json: the same report for programs",
		.formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON)),
	CLI_OPT("checkpoint", 0, "FILE", OPT_CALL, 0, OPT_REPEAT,
		"a checkpoint the organizer published (simsa\n"
		"checkpoint): its signature, and every ballot it\n"
		"covers present, in place and unchanged",
		.call = add_checkpoint),
	CLI_OPT("organizer-pubkey", 0, "HEX", OPT_STRING, offsetof(struct verify_args, pk_hex), 0,
		"the organizer's published public key (64 hex\n"
		"digits): the round's must be it, and checkpoints\n"
		"are checked under it"),
	CLI_OPT("root", 0, "HEX", OPT_STRING, offsetof(struct verify_args, root_hex), 0,
		"the Merkle root published at close (64 hex\n"
		"digits): the seal's must be it"),
	{ 0 },
};

const struct cli_spec spec_verify = {
	"check every signature, chain, assignment and the seal; exit 0 only if all pass",
	"ROUND.db|BUNDLE",
	"  a step report: what was checked, how many items, and each failure;\n"
	"  and the values to compare with what the organizer published (round id,\n"
	"  organizer key and fingerprint, ballot count, Merkle root, close time).\n"
	"  With --checkpoint, --organizer-pubkey or --root the step pinned checks\n"
	"  them against the file (docs/verify.md)\n",
	verify_opts,
	NULL,
};

int cmd_verify(int argc, char **argv)
{
	struct verify_args a = { .fmt = FMT_TEXT };
	char *pos[CLI_MAX_ARGS];
	struct store *st = NULL;
	struct simsa_err err;
	struct checkpoint cps[MAX_CHECKPOINTS];
	struct audit_pins pins = { 0 };
	size_t n = 0;
	json_t *rep = NULL;
	int rc = cli_parse(&spec_verify, "verify", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (a.pk_hex && !hex32(a.pk_hex, a.pk))
		return cli_usage_error("verify",
				       "--organizer-pubkey takes the key as 64 hex digits");
	if (a.root_hex && !hex32(a.root_hex, a.root))
		return cli_usage_error("verify", "--root takes the Merkle root as 64 hex digits");
	/* a malformed checkpoint is refused before anything is read */
	for (; n < a.n_checkpoints; n++)
		if (cli_read_checkpoint(a.checkpoints[n], &cps[n], &err) < 0) {
			rc = cli_fail(&err);
			goto out;
		}
	pins = (struct audit_pins){ a.pk_hex ? a.pk : NULL, a.root_hex ? a.root : NULL, cps, n };
	if (store_open_read(pos[0], &st, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	rc = audit_run_pinned(st, n || a.pk_hex || a.root_hex ? &pins : NULL, &rep, &err);
	store_close(&st);
	if (rc < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (a.fmt == FMT_JSON) {
		if (cli_json(stdout, rep, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
			err_set(&err, "out of memory");
			rc = cli_fail(&err);
			goto out;
		}
	} else {
		print_report(pos[0], rep);
	}
	rc = json_is_true(json_object_get(rep, "ok")) ? EXIT_OK : EXIT_FAIL;
out:
	json_decref(rep);
	while (n > 0)
		checkpoint_release(&cps[--n]);
	return rc;
}
