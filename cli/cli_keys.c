/* cli_keys — where key files live by default, and unlocking them with a
 * passphrase, for the commands that sign. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "simsa/keyfile.h"
#include "simsa/passphrase.h"

int cli_new_key(const char *path, const char *pass_file, const char *whose, unsigned char pk[32],
		struct simsa_err *err)
{
	char prompt[1024];
	char *pass = NULL;
	size_t len = 0;
	int rc;

	snprintf(prompt, sizeof prompt, "New passphrase for %s (%s): ", cli_text(whose),
		 cli_text(path));
	if (passphrase_get(prompt, pass_file, true, &pass, &len, err) < 0)
		return -1;
	rc = keyfile_create(path, pass, len, NULL, pk, err);
	passphrase_free(&pass, len);
	return rc;
}

int cli_unlock(const char *path, const char *pass_file, const char *whose, struct secret_key **sk,
	       struct simsa_err *err)
{
	char prompt[1024];
	char *pass = NULL;
	size_t len = 0;
	int rc;

	if (keyfile_mode_too_open(path, err))
		fprintf(stderr, "simsa: warning: %s\n", cli_text(err->msg));
	snprintf(prompt, sizeof prompt, "Passphrase for %s (%s): ", cli_text(whose),
		 cli_text(path));
	if (passphrase_get(prompt, pass_file, false, &pass, &len, err) < 0)
		return -1;
	rc = keyfile_unlock(path, pass, len, sk, err);
	passphrase_free(&pass, len);
	return rc;
}
