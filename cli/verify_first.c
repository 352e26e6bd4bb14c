/* verify_first — every reader verifies before it computes (docs/verify.md,
 * "Who verifies"): score, results, export --format votes|ratings|csv and
 * receipt run the whole of `simsa verify` (audit_run) first and refuse a
 * file that fails, naming the failing steps; --no-verify computes anyway
 * and each output says NOT VERIFIED, with exit status 3. On an open round
 * audit_run runs the steps possible before close, and the figures are
 * provisional. */
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "simsa/audit.h"

int cli_verify_first(const char *cmd, const char *path, struct store *st, bool no_verify,
		     const char *nothing, struct cli_verified *v)
{
	struct simsa_err err;
	json_t *rep = NULL, *s;
	char failed[256] = "";
	size_t i, n = 0;

	memset(v, 0, sizeof *v);
	if (no_verify) {
		v->skipped = true;
		return 0;
	}
	if (audit_run(st, &rep, &err) < 0) {
		fprintf(stderr, "simsa %s: %s cannot be verified: ", cmd, cli_text(path));
		cli_puts(stderr, "", err.msg);
		fprintf(stderr, "simsa %s: %s\n", cmd, nothing);
		return -1;
	}
	json_array_foreach(json_object_get(rep, "steps"), i, s) {
		if (json_is_true(json_object_get(s, "passed")))
			continue;
		size_t len = strlen(failed);

		snprintf(failed + len, sizeof failed - len, "%s%s", n++ ? ", " : "",
			 json_string_value(json_object_get(s, "step")));
	}
	v->open = !json_is_true(json_object_get(rep, "complete"));
	json_decref(rep);
	if (!n)
		return 0;
	/* the step names are verify's own words, never the file's */
	fprintf(stderr,
		"simsa %s: %s fails verification (steps: %s); run simsa verify %s for the "
		"details; %s\n",
		cmd, cli_text(path), failed, cli_text(path), nothing);
	return -1;
}

void cli_verified_banner(FILE *f, const char *path, const struct cli_verified *v)
{
	if (v->skipped)
		fprintf(f,
			"NOT VERIFIED: computed with --no-verify; these figures are not checked "
			"against the signatures and the seal (run simsa verify %s)\n",
			cli_text(path));
	else if (v->open)
		fprintf(f, "provisional: the round is open (only the steps possible before close "
			   "were verified)\n");
}

void cli_verified_warn(const char *cmd, const char *path, const struct cli_verified *v)
{
	if (v->skipped || v->open) {
		fprintf(stderr, "simsa %s: ", cmd);
		cli_verified_banner(stderr, path, v);
	}
}

void cli_verified_json(json_t *root, const struct cli_verified *v)
{
	json_object_set_new(root, "verified", json_boolean(!v->skipped && !v->open));
	json_object_set_new(root, "verification",
			    json_string(v->skipped ? "skipped"
					: v->open  ? "provisional: the steps possible before close"
						   : "passed"));
}

int cli_verified_status(const struct cli_verified *v, int rc)
{
	return rc == EXIT_OK && v->skipped ? EXIT_UNVERIFIED : rc;
}
