/* cmd_key — a rater's own key: `simsa key new` (a key pair made on the
 * rater's machine, sealed under their passphrase; only the public key goes
 * to the organizer, who enrols it with `rater add --public-key`), `simsa
 * key show` (the public key and fingerprint a key file records) and `simsa
 * key passphrase` (seal the same key under a new passphrase). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "simsa/keyfile.h"
#include "simsa/note.h"
#include "simsa/passphrase.h"
#include "simsa/util.h"

/* "public key HEX" and "fingerprint HEX" (BLAKE2b-256 of the key, as
 * verify prints the organizer's). */
static void print_key(const unsigned char pk[32])
{
	char hex[65];
	unsigned char fp[32];

	hex_encode(pk, 32, hex);
	printf("public key   %s\n", hex);
	organizer_fingerprint(pk, fp);
	hex_encode(fp, 32, hex);
	printf("fingerprint  %s\n", hex);
}

struct key_args {
	const char *pass, *new_pass;
};

#define AT(f) offsetof(struct key_args, f)
static const struct cli_opt key_new_opts[] = {
	CLI_OPT("passphrase-file", 0, "FILE", OPT_STRING, AT(pass), 0,
		"the new passphrase (first line); also\n"
		"SIMSA_PASSPHRASE_FILE; otherwise asked twice"),
	{ 0 },
};
static const struct cli_opt key_passphrase_opts[] = {
	CLI_OPT("passphrase-file", 0, "FILE", OPT_STRING, AT(pass), 0,
		"the passphrase now (first line); also\n"
		"SIMSA_PASSPHRASE_FILE; otherwise asked"),
	CLI_OPT("new-passphrase-file", 0, "FILE", OPT_STRING, AT(new_pass), 0,
		"the new passphrase (first line); otherwise asked\n"
		"twice (never from SIMSA_PASSPHRASE_FILE)"),
	{ 0 },
};
#undef AT

const struct cli_spec spec_key_new = {
	"make your own signing key: only its public key leaves your machine",
	"FILE",
	"  writes a new Ed25519 key pair to FILE (never over an existing file),\n"
	"  sealed under your passphrase, and prints the public key and its\n"
	"  fingerprint. Give the organizer the public key (not the file) to enrol\n"
	"  you with (simsa rater add takes it), then rate with this FILE as your\n"
	"  key file. Nobody else ever holds the secret key, so nobody else can\n"
	"  sign as you\n",
	key_new_opts,
	NULL,
};

const struct cli_spec spec_key_show = {
	"the public key and fingerprint a key file records, without its passphrase",
	"FILE",
	"  the header is not authenticated until the file is unlocked: compare\n"
	"  the fingerprint with the one the organizer enrolled (simsa status)\n",
	NULL,
	NULL,
};

const struct cli_spec spec_key_passphrase = {
	"seal a key file under a new passphrase: the same key, a fresh seal",
	"FILE",
	"  asks the passphrase now, then the new one twice; the file is replaced\n"
	"  whole (the old or the new one is there, never half), mode 0600. A\n"
	"  one-time passphrase someone gave you with your key stops working\n",
	key_passphrase_opts,
	NULL,
};

int cmd_key_new(int argc, char **argv)
{
	struct key_args a = { 0 };
	char *pos[CLI_MAX_ARGS];
	unsigned char pk[32];
	struct simsa_err err;
	int rc = cli_parse(&spec_key_new, "key new", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (cli_new_key(pos[0], a.pass, "your new key", pk, &err) < 0)
		return cli_fail(&err);
	printf("key          %s\n", cli_text(pos[0]));
	print_key(pk);
	printf("give the organizer the public key (not the file); keep the file and its "
	       "passphrase to yourself\n");
	return EXIT_OK;
}

int cmd_key_show(int argc, char **argv)
{
	char *pos[CLI_MAX_ARGS];
	unsigned char pk[32];
	struct simsa_err err;
	int rc = cli_parse(&spec_key_show, "key show", argc, argv, NULL, pos);

	if (rc != CLI_RUN)
		return rc;
	if (keyfile_read_public(pos[0], pk, &err) < 0)
		return cli_fail(&err);
	printf("key          %s\n", cli_text(pos[0]));
	print_key(pk);
	return EXIT_OK;
}

/* Asks the passphrase of the key file at path (pass_file, else the
 * environment's, else the terminal), then the new one (new_file, else the
 * terminal, twice), and reseals. */
static int change_passphrase(const char *path, const char *pass_file, const char *new_file)
{
	char prompt[1024], *old = NULL, *new = NULL;
	size_t old_len = 0, new_len = 0;
	struct simsa_err err;
	int rc;

	if (keyfile_mode_too_open(path, &err))
		fprintf(stderr, "simsa: warning: %s\n", cli_text(err.msg));
	snprintf(prompt, sizeof prompt, "Passphrase for %s: ", cli_text(path));
	if (passphrase_get(prompt, pass_file, false, &old, &old_len, &err) < 0)
		return cli_fail(&err);
	/* the environment's file is the passphrase now, never the new one */
	unsetenv("SIMSA_PASSPHRASE_FILE");
	snprintf(prompt, sizeof prompt, "New passphrase for %s: ", cli_text(path));
	rc = passphrase_get(prompt, new_file, true, &new, &new_len, &err);
	if (rc == 0)
		rc = keyfile_change_passphrase(path, old, old_len, new, new_len, NULL, &err);
	passphrase_free(&old, old_len);
	passphrase_free(&new, new_len);
	if (rc < 0)
		return cli_fail(&err);
	printf("%s: sealed under the new passphrase (the same key)\n", cli_text(path));
	return EXIT_OK;
}

int cmd_key_passphrase(int argc, char **argv)
{
	struct key_args a = { 0 };
	char *pos[CLI_MAX_ARGS];
	int rc = cli_parse(&spec_key_passphrase, "key passphrase", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	return change_passphrase(pos[0], a.pass, a.new_pass);
}

int cli_station_passphrase(const char *round, const char *rater)
{
	char path[4096];
	struct simsa_err err;

	/* the key the console would open for this rater: ROUND.keys/NAME.key,
	 * asked on the rater's terminal only (no file, no environment) */
	if (!rater || !cli_rater_name_ok(rater))
		return cli_usage_error("rate", "--rater: 1 to 64 of A-Z a-z 0-9 . _ -");
	if (keyfile_round_path(round, rater, false, path, sizeof path, &err) < 0)
		return cli_fail(&err);
	unsetenv("SIMSA_PASSPHRASE_FILE");
	return change_passphrase(path, NULL, NULL);
}
