/* cmd_checkpoint — `simsa checkpoint`: the organizer's signed tree head of
 * the ballots so far, to publish during the round (docs/checkpoint.md);
 * and reading published checkpoints for `simsa verify --checkpoint`. */
#include <stddef.h>
#include <stdlib.h>

#include "cli.h"
#include "simsa/checkpoint.h"
#include "simsa/keyfile.h"
#include "simsa/util.h"

struct checkpoint_args {
	const char *okey, *opass;
};

static const struct cli_opt checkpoint_opts[] = {
	CLI_OPT("organizer-key", 0, "PATH", OPT_STRING, offsetof(struct checkpoint_args, okey), 0,
		"default: ROUND.keys/organizer.key"),
	CLI_OPT("passphrase-file", 0, "FILE", OPT_STRING, offsetof(struct checkpoint_args, opass),
		0,
		"the organizer's passphrase; also\n"
		"SIMSA_ORGANIZER_PASSPHRASE_FILE, SIMSA_PASSPHRASE_FILE"),
	{ 0 },
};

const struct cli_spec spec_checkpoint = {
	"print a checkpoint of the ballots so far, signed by the organizer, to publish",
	"ROUND.db",
	"  a signed note (C2SP signed-note, tlog-checkpoint): the round, the\n"
	"  ballot count, the Merkle root, the time and each rater's chain head,\n"
	"  signed with the organizer's key (docs/checkpoint.md). Run it as often\n"
	"  as you like while raters cast, and publish what it prints; simsa\n"
	"  verify, given the file, then fails if any ballot it covers is later\n"
	"  missing, moved or changed. Reads the round (verified first), never\n"
	"  writes it\n",
	checkpoint_opts,
	NULL,
};

int cmd_checkpoint(int argc, char **argv)
{
	struct checkpoint_args a = { 0 };
	char *pos[CLI_MAX_ARGS], *note = NULL, root[65];
	struct secret_key *org = NULL;
	struct store *st = NULL;
	struct checkpoint cp;
	struct cli_verified v;
	struct simsa_err err;
	size_t len = 0;
	int rc = cli_parse(&spec_checkpoint, "checkpoint", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (store_open_read(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	if (cli_verify_first("checkpoint", pos[0], st, false, "nothing signed", &v) < 0) {
		store_close(&st);
		return EXIT_FAIL;
	}
	rc = EXIT_FAIL;
	if (cli_unlock_organizer(pos[0], a.okey, a.opass, &org, &err) < 0 ||
	    round_checkpoint(st, org, &cp, &note, &len, &err) < 0)
		goto out;
	fwrite(note, 1, len, stdout);
	if (fflush(stdout) != 0) {
		err_set(&err, "cannot write the checkpoint to standard output");
		checkpoint_release(&cp);
		goto out;
	}
	hex_encode(cp.root, 32, root);
	fprintf(stderr,
		"simsa checkpoint: %u ballots, Merkle root %s, at %s; publish it where "
		"raters and auditors can read it\n",
		cp.size, root, cp.time);
	checkpoint_release(&cp);
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		cli_fail(&err);
	free(note);
	secret_key_free(&org);
	store_close(&st);
	return rc;
}

int cli_read_checkpoint(const char *path, struct checkpoint *cp, struct simsa_err *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (read_file(path, CHECKPOINT_MAX_BYTES, &data, &len, err) < 0)
		return -1;
	rc = checkpoint_parse(path, data, len, cp, err);
	free(data);
	if (rc < 0)
		checkpoint_release(cp);
	return rc;
}
