/* cmd_open — `simsa rater add`, `simsa open`, and identity screening:
 * `simsa outputs screen|accept|redact`. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cli.h"
#include "simsa/jsonl.h"
#include "simsa/keyfile.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/leak_match.h"
#include "simsa/screening.h"
#include "simsa/sshkey.h"
#include "simsa/store.h"
#include "simsa/util.h"

#define ORGANIZER_PASS_ENV "SIMSA_ORGANIZER_PASSPHRASE_FILE"

const char *cli_organizer_pass_file(const char *opt)
{
	const char *env = getenv(ORGANIZER_PASS_ENV);

	return opt ? opt : env && *env ? env : NULL;
}

int cli_unlock_organizer(const char *round, const char *key_opt, const char *pass_opt,
			 struct secret_key **sk, struct simsa_err *err)
{
	char path[4096];

	if (key_opt)
		snprintf(path, sizeof path, "%s", key_opt);
	else if (keyfile_round_path(round, "organizer", false, path, sizeof path, err) < 0)
		return -1;
	return cli_unlock(path, cli_organizer_pass_file(pass_opt), "the organizer", sk, err);
}

/* "a,b" -> ["a","b"] (compact JSON), checking each name. */
static int categories_json(const char *list, char **out, struct simsa_err *err)
{
	json_t *arr = json_array();
	char *copy = strdup(list), *save = NULL;

	if (!arr || !copy) {
		json_decref(arr);
		free(copy);
		return err_set(err, "out of memory");
	}
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!*tok || !utf8_valid(tok, strlen(tok), NULL)) {
			json_decref(arr);
			free(copy);
			return err_set(err, "--categories: an empty or invalid category name");
		}
		json_array_append_new(arr, json_string(tok));
	}
	free(copy);
	*out = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return *out ? 0 : err_set(err, "out of memory");
}

bool cli_rater_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || strcmp(s, "organizer") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

struct rater_add_args {
	const char *name, *role, *cats, *key, *pass, *okey, *opass, *ssh, *public_key;
};

#define AT(f) offsetof(struct rater_add_args, f)
static const struct cli_opt rater_add_opts[] = {
	CLI_OPT("name", 0, "NAME", OPT_STRING, AT(name), OPT_REQUIRED,
		"1 to 64 of A-Z a-z 0-9 . _ - (not \"organizer\")"),
	CLI_OPT("role", 0, "expert|user|auditor", OPT_CHOICE, AT(role), OPT_REQUIRED,
		"what the rater does"),
	CLI_OPT("categories", 0, "A,B", OPT_STRING, AT(cats), 0,
		"experts: the prompt categories they rate\n"
		"(used when the expert rubric says by_category)"),
	CLI_OPT("key-file", 0, "PATH", OPT_STRING, AT(key), 0,
		"where to write the rater's key\n"
		"(default: ROUND.keys/NAME.key)"),
	CLI_OPT("passphrase-file", 0, "FILE", OPT_STRING, AT(pass), 0,
		"the rater's new passphrase (first line);\n"
		"also SIMSA_PASSPHRASE_FILE"),
	CLI_OPT("public-key", 0, "HEX", OPT_STRING, AT(public_key), 0,
		"the rater's own key (64 hex digits, as simsa key\n"
		"new prints it): no key file is made, and only the\n"
		"rater can sign as them"),
	CLI_OPT("ssh-key", 0, "FILE", OPT_STRING, AT(ssh), 0,
		"the SSH public key the rater logs in with at a\n"
		"station (docs/station.md; later: rater ssh-key)"),
	CLI_OPT("organizer-key", 0, "PATH", OPT_STRING, AT(okey), 0,
		"default: ROUND.keys/organizer.key"),
	CLI_OPT("organizer-passphrase-file", 0, "FILE", OPT_STRING, AT(opass), 0,
		"also SIMSA_ORGANIZER_PASSPHRASE_FILE,\n"
		"then SIMSA_PASSPHRASE_FILE"),
	{ 0 },
};
#undef AT

const struct cli_spec spec_rater_add = {
	"enrol a rater: a new key pair (or their own), signed by the organizer",
	"ROUND.db",
	NULL,
	rater_add_opts,
	NULL,
};

int cmd_rater_add(int argc, char **argv)
{
	struct rater_add_args a = { 0 };
	const char *name, *cats;
	char *pos[CLI_MAX_ARGS], key[4096], *cats_json = NULL, *ssh = NULL;
	struct secret_key *org = NULL;
	struct store *st = NULL;
	struct simsa_err err;
	enum rater_role role;
	unsigned char pk[32];
	int rc = cli_parse(&spec_rater_add, "rater add", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	rc = EXIT_FAIL;
	name = a.name;
	cats = a.cats;
	if (!cli_rater_name_ok(name))
		return cli_usage_error("rater add", "--name: 1 to 64 of A-Z a-z 0-9 . _ - "
						    "(and not \"organizer\")");
	role = rater_role_parse(a.role); /* one of the table's choices */
	if (cats && role != ROLE_EXPERT)
		return cli_usage_error("rater add", "--categories: only for experts");
	if (a.public_key) {
		size_t n = 0;
		const char *end = NULL;

		if (a.key || a.pass)
			return cli_usage_error(
				"rater add",
				"--public-key: the rater holds their key; no --key-file "
				"or --passphrase-file");
		if (strlen(a.public_key) != 64 ||
		    sodium_hex2bin(pk, 32, a.public_key, 64, NULL, &n, &end) != 0 || n != 32 ||
		    end != a.public_key + 64)
			return cli_usage_error(
				"rater add",
				"--public-key: 64 hex digits (simsa key new prints them)");
		if (!crypto_core_ed25519_is_valid_point(pk))
			return cli_usage_error("rater add",
					       "--public-key: not an Ed25519 public key");
	}
	if (cats && categories_json(cats, &cats_json, &err) < 0)
		return cli_fail(&err);
	if (a.ssh && sshkey_read(a.ssh, &ssh, &err) < 0) {
		free(cats_json);
		return cli_fail(&err);
	}
	if (store_open(pos[0], &st, &err) < 0)
		goto out;
	/* before the passphrase is asked for; rater_enrol checks again */
	if (rater_name_check(st, name, &err) < 0 ||
	    (ssh && store_station_key_free(st, -1, ssh, &err) < 0))
		goto out;
	if (cli_unlock_organizer(pos[0], a.okey, a.opass, &org, &err) < 0)
		goto out;
	if (a.public_key) {
		char hex[65];

		if (rater_enrol_ssh(st, org, name, role, pk, cats_json, ssh, &err) < 0)
			goto out;
		hex_encode(pk, 32, hex);
		printf("enrolled %s (%s), their own key %s\n", cli_text(name),
		       rater_role_name(role), hex);
	} else {
		if (a.key)
			snprintf(key, sizeof key, "%s", a.key);
		else if (keyfile_round_path(pos[0], name, true, key, sizeof key, &err) < 0)
			goto out;
		if (cli_new_key(key, a.pass, name, pk, &err) < 0)
			goto out;
		if (rater_enrol_ssh(st, org, name, role, pk, cats_json, ssh, &err) < 0) {
			unlink(key); /* made just now for this enrolment */
			goto out;
		}
		printf("enrolled %s (%s), key %s\n", cli_text(name), rater_role_name(role),
		       cli_text(key));
	}
	if (ssh) {
		char fp[SSHKEY_FP_LEN];

		sshkey_fingerprint(ssh, fp);
		printf("%s logs in at the station with %s (%.*s)\n", cli_text(name), fp,
		       (int)strcspn(ssh, " "), ssh);
	}
	{
		struct round_info ri;

		if (store_round_info(st, &ri, &err) == 0 && ri.state == ROUND_OPEN)
			printf("the round is open: %s joined late and has tasks of their own; "
			       "nobody else's changed\n",
			       cli_text(name));
	}
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		cli_fail(&err);
	secret_key_free(&org);
	store_close(&st);
	free(cats_json);
	free(ssh);
	return rc;
}

struct open_args {
	const char *okey, *opass;
};

static const struct cli_opt open_opts[] = {
	CLI_OPT("organizer-key", 0, "PATH", OPT_STRING, offsetof(struct open_args, okey), 0,
		"default: ROUND.keys/organizer.key"),
	CLI_OPT("passphrase-file", 0, "FILE", OPT_STRING, offsetof(struct open_args, opass), 0,
		"the organizer's passphrase; also\n"
		"SIMSA_ORGANIZER_PASSPHRASE_FILE, SIMSA_PASSPHRASE_FILE"),
	{ 0 },
};

const struct cli_spec spec_open = {
	"freeze the inputs, commit to a secret seed, blind outputs, assign tasks",
	"ROUND.db",
	"  refuses, listing everything missing, until the round is complete\n",
	open_opts,
	NULL,
};

int cmd_open(int argc, char **argv)
{
	struct open_args a = { 0 };
	char *pos[CLI_MAX_ARGS];
	struct secret_key *org = NULL;
	struct store *st = NULL;
	struct open_result res;
	struct simsa_err err;
	char hex[65];
	int rc = cli_parse(&spec_open, "open", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	rc = EXIT_FAIL;
	if (store_open(pos[0], &st, &err) < 0 || store_require_draft(st, &err) < 0)
		goto out;
	{
		/* say what is missing before asking for a passphrase */
		json_t *problems = json_array();
		int prc = opening_problems(st, problems, &err);
		size_t i;
		json_t *v;

		if (prc == 0 && json_array_size(problems) > 0) {
			fprintf(stderr, "simsa: the round cannot open yet:\n");
			json_array_foreach(problems, i, v)
				fprintf(stderr, "  - %s\n", cli_text(json_string_value(v)));
		}
		prc = prc < 0 ? -1 : (int)json_array_size(problems);
		json_decref(problems);
		if (prc != 0) {
			if (prc < 0)
				cli_fail(&err);
			store_close(&st);
			return EXIT_FAIL;
		}
	}
	if (cli_unlock_organizer(pos[0], a.okey, a.opass, &org, &err) < 0 ||
	    round_open(st, org, &res, NULL, &err) < 0)
		goto out;
	printf("opened %s at %s\n", pos[0], res.opened_at);
	hex_encode(res.manifest_hash, 32, hex);
	printf("manifest hash    %s\n", hex);
	hex_encode(res.seed_commitment, 32, hex);
	printf("seed commitment  %s\n", hex);
	hex_encode(res.assignment_hash, 32, hex);
	printf("assignment hash  %s\n", hex);
	printf("%zu outputs blinded, %zu tasks assigned; the seed stays sealed until close\n",
	       res.n_outputs, res.n_tasks);
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		cli_fail(&err);
	secret_key_free(&org);
	store_close(&st);
	return rc;
}

/* ---- identity screening ---- */

static const char *decision_name(enum screen_decision d)
{
	return d == SCREEN_ACCEPTED ? "accepted" : d == SCREEN_REDACTED ? "redacted" : "undecided";
}

static void hit_json(void *ctx, const struct screen_hit *h)
{
	const char *source = h->term_owner ? "entrant" : h->builtin ? "builtin" : "listed";

	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s}", "prompt",
					     h->prompt_id, "entrant", h->entrant, "term", h->term,
					     "names", h->term_owner, "source", source, "context",
					     h->context, "decision", decision_name(h->decision)));
}

static int add_words(struct store *st, const char *path, struct simsa_err *err)
{
	char *text = NULL, *save = NULL;
	size_t len;
	int rc = -1;

	if (read_file(path, 1u << 20, &text, &len, err) < 0)
		return -1;
	if (!utf8_valid(text, len, NULL)) {
		free(text);
		return err_set(err, "%s: not valid UTF-8", path);
	}
	if (store_begin(st, err) < 0 || store_require_draft(st, err) < 0)
		goto out;
	for (char *w = strtok_r(text, "\r\n", &save); w; w = strtok_r(NULL, "\r\n", &save))
		if (*w && *w != '#' && store_add_screen_word(st, w, err) < 0)
			goto out;
	rc = store_commit(st, err);
out:
	if (rc < 0)
		store_rollback(st);
	free(text);
	return rc;
}

struct screen_args {
	const char *words;
	enum out_format fmt;
};

static const struct cli_opt screen_opts[] = {
	CLI_OPT("words", 0, "FILE", OPT_STRING, offsetof(struct screen_args, words), 0,
		"add the words of FILE (one per line) to the round's list\n"
		"of identifying words before screening"),
	CLI_OPT("format", 0, NULL, OPT_FORMAT, offsetof(struct screen_args, fmt), 0,
		"json: the hits for programs", .formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON)),
	{ 0 },
};

const struct cli_spec spec_outputs_screen = {
	"list outputs that may reveal their entrant, and their decisions",
	"ROUND.db",
	NULL,
	screen_opts,
	"  exits 1 while any output is undecided: `simsa open` refuses until each\n"
	"  is accepted (outputs accept) or replaced by a redacted text (outputs redact)\n",
};

int cmd_outputs_screen(int argc, char **argv)
{
	struct screen_args a = { NULL, FMT_TEXT };
	const char *words;
	char *pos[CLI_MAX_ARGS];
	struct round_inputs in = { 0 };
	struct store *st = NULL;
	struct simsa_err err;
	json_t *hits, *v;
	size_t i, pending = 0;
	int rc = cli_parse(&spec_outputs_screen, "outputs screen", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	rc = EXIT_FAIL;
	words = a.words;
	hits = json_array();
	if (store_open(pos[0], &st, &err) < 0 || store_require_draft(st, &err) < 0 ||
	    (words && add_words(st, words, &err) < 0) || store_load_inputs(st, &in, &err) < 0 ||
	    screening_each(st, &in, hit_json, hits, &err) < 0) {
		cli_fail(&err);
		goto out;
	}
	json_array_foreach(hits, i, v)
		pending +=
			strcmp(json_string_value(json_object_get(v, "decision")), "undecided") == 0;
	if (a.fmt == FMT_JSON) {
		(void)cli_json(stdout, hits, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	} else {
		json_array_foreach(hits, i, v) {
			const char *owner = json_string_value(json_object_get(v, "names"));
			bool builtin = strcmp(json_string_value(json_object_get(v, "source")),
					      "builtin") == 0;

			printf("%s prompt %s, entrant %s: mentions \"%s\" (%s%s)\n%11s%s\n",
			       cli_pad(json_string_value(json_object_get(v, "decision")), 10),
			       cli_text(json_string_value(json_object_get(v, "prompt"))),
			       cli_text(json_string_value(json_object_get(v, "entrant"))),
			       cli_text(json_string_value(json_object_get(v, "term"))),
			       owner     ? "names "
			       : builtin ? "a well-known model name"
					 : "a listed word",
			       owner ? cli_text(owner) : "", "",
			       cli_text(json_string_value(json_object_get(v, "context"))));
		}
		printf("%zu hits, %zu undecided\n", json_array_size(hits), pending);
	}
	if (pending)
		fprintf(stderr,
			"simsa: %zu hits undecided: accept each (simsa outputs accept) or "
			"replace the output by a redacted text (simsa outputs redact) before open\n",
			pending);
	rc = pending ? EXIT_FAIL : EXIT_OK;
out:
	json_decref(hits);
	round_inputs_release(&in);
	store_close(&st);
	return rc;
}

struct accept_ctx {
	struct store *st;
	int64_t row;
	const char *term;
	long done;
	struct simsa_err *err;
	bool failed;
};

static void accept_hit(void *ctx, const struct screen_hit *h)
{
	struct accept_ctx *a = ctx;

	if (a->failed || h->output_row != a->row || (a->term && strcmp(a->term, h->term) != 0))
		return;
	if (store_set_screen_decision(a->st, h->output_row, h->term, SCREEN_ACCEPTED, a->err) < 0)
		a->failed = true;
	else
		a->done++;
}

struct accept_args {
	const char *prompt, *entrant, *term;
};

#define AT(f) offsetof(struct accept_args, f)
static const struct cli_opt accept_opts[] = {
	CLI_OPT("prompt", 0, "ID", OPT_STRING, AT(prompt), OPT_REQUIRED, "the output's prompt"),
	CLI_OPT("entrant", 0, "NAME", OPT_STRING, AT(entrant), OPT_REQUIRED,
		"the output's entrant"),
	CLI_OPT("term", 0, "T", OPT_STRING, AT(term), 0,
		"accept only this term (default: every hit of that output)"),
	{ 0 },
};
#undef AT

const struct cli_spec spec_outputs_accept = {
	"accept a screening hit: the output stays as it is", "ROUND.db", NULL, accept_opts, NULL,
};

int cmd_outputs_accept(int argc, char **argv)
{
	struct accept_args o = { 0 };
	const char *prompt, *entrant;
	char *pos[CLI_MAX_ARGS];
	struct accept_ctx a = { 0 };
	struct round_inputs in = { 0 };
	struct simsa_err err;
	int64_t prow, erow;
	int rc = cli_parse(&spec_outputs_accept, "outputs accept", argc, argv, &o, pos);

	if (rc != CLI_RUN)
		return rc;
	rc = EXIT_FAIL;
	prompt = o.prompt;
	entrant = o.entrant;
	a.term = o.term;
	a.err = &err;
	if (store_open(pos[0], &a.st, &err) < 0 || store_begin(a.st, &err) < 0 ||
	    store_require_draft(a.st, &err) < 0)
		goto out;
	if (store_find_prompt(a.st, prompt, &prow, &err) != 1 ||
	    store_find_entrant(a.st, entrant, &erow, &err) != 1 ||
	    store_find_output(a.st, prow, erow, &a.row, &err) != 1) {
		err_set(&err, "no output of '%s' for prompt '%s'", entrant, prompt);
		goto out;
	}
	if (store_load_inputs(a.st, &in, &err) < 0 ||
	    screening_each(a.st, &in, accept_hit, &a, &err) < 0 || a.failed)
		goto out;
	if (a.done == 0) {
		err_set(&err, "screening finds nothing%s%s%s in that output",
			a.term ? " named \"" : "", a.term ? a.term : "", a.term ? "\"" : "");
		goto out;
	}
	if (store_commit(a.st, &err) < 0)
		goto out;
	printf("accepted %ld hit%s in the output of '%s' for prompt '%s'\n", a.done,
	       a.done == 1 ? "" : "s", cli_text(entrant), cli_text(prompt));
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK) {
		if (a.st)
			store_rollback(a.st);
		cli_fail(&err);
	}
	round_inputs_release(&in);
	store_close(&a.st);
	return rc;
}

/* Redaction: a replacement text for (prompt, entrant), as in outputs import.
 * Terms the old text mentioned and the new one does not are recorded as
 * redacted; terms the new text still mentions are undecided again. */
static const char *const redact_keys[] = { "prompt_id", "entrant", "output", NULL };

/* The terms found (the screen's own strings); oom when one was lost. */
struct terms {
	const char **list;
	size_t n, cap;
	bool oom;
};

static void collect_term(void *ctx, const struct leak_hit *h)
{
	struct terms *t = ctx;

	if (grow_array((void **)&t->list, &t->cap, t->n + 1, sizeof *t->list) < 0)
		t->oom = true;
	else
		t->list[t->n++] = h->term;
}

static bool has_term(const struct terms *t, const char *term)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->list[i], term) == 0)
			return true;
	return false;
}

static int redact_one(struct store *st, struct leak_match *scr, struct jsonl_reader *r, json_t *obj,
		      struct simsa_err *err)
{
	const char *pid, *ename, *text;
	struct terms before = { 0 }, after = { 0 };
	char *old = NULL;
	int64_t prow, erow, row;
	size_t len, old_len;
	unsigned char h[HASH_LEN];
	int rc = -1;

	if (jsonl_check_keys(r, obj, redact_keys, err) < 0 ||
	    jsonl_get_text(r, obj, "prompt_id", true, TEXT_LINE, &pid, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "entrant", true, TEXT_LINE, &ename, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "output", true, TEXT_NONBLANK | TEXT_ALLOW_NUL, &text, &len,
			   err) < 0)
		return -1;
	if (store_find_prompt(st, pid, &prow, err) != 1 ||
	    store_find_entrant(st, ename, &erow, err) != 1 ||
	    store_find_output(st, prow, erow, &row, err) != 1)
		return jsonl_field_err(r, "entrant", err,
				       "the round has no output of '%s' for "
				       "prompt '%s'",
				       ename, pid);
	if (store_output_text(st, row, &old, &old_len, err) < 0)
		return -1;
	if (leak_match_text(scr, old, old_len, collect_term, &before) < 0 ||
	    leak_match_text(scr, text, len, collect_term, &after) < 0 || before.oom || after.oom) {
		err_set(err, "out of memory");
		goto out;
	}
	hash_bytes(text, len, h);
	if (store_replace_output(st, row, text, len, h, err) < 0 ||
	    store_clear_screen_decisions(st, row, err) < 0)
		goto out;
	for (size_t i = 0; i < before.n; i++)
		if (!has_term(&after, before.list[i]) &&
		    store_set_screen_decision(st, row, before.list[i], SCREEN_REDACTED, err) < 0)
			goto out;
	rc = 0;
out:
	free(before.list);
	free(after.list);
	free(old);
	return rc;
}

const struct cli_spec spec_outputs_redact = {
	"replace outputs by redacted texts (same format as outputs import)",
	"ROUND.db FILE.jsonl",
	"  each line's output replaces the stored text of that (prompt, entrant);\n"
	"  its screening hits are then recorded as redacted; all or nothing\n",
	NULL,
	NULL,
};

int cmd_outputs_redact(int argc, char **argv)
{
	struct store *st = NULL;
	struct leak_match *scr = NULL;
	struct round_inputs in = { 0 };
	struct jsonl_reader r = { 0 };
	struct simsa_err err;
	json_t *obj;
	long n = 0;

	char *pos[CLI_MAX_ARGS];
	int more, rc = cli_parse(&spec_outputs_redact, "outputs redact", argc, argv, NULL, pos);

	if (rc != CLI_RUN)
		return rc;
	rc = EXIT_FAIL;
	if (store_open(pos[0], &st, &err) < 0 || jsonl_open(&r, pos[1], &err) < 0 ||
	    store_begin(st, &err) < 0 || store_require_draft(st, &err) < 0 ||
	    store_load_inputs(st, &in, &err) < 0 || screening_screen(st, &in, &scr, &err) < 0)
		goto out;
	while ((more = jsonl_next(&r, &obj, &err)) > 0) {
		int one = redact_one(st, scr, &r, obj, &err);

		json_decref(obj);
		if (one < 0)
			goto out;
		n++;
	}
	if (more < 0 || store_commit(st, &err) < 0)
		goto out;
	printf("replaced %ld output%s with redacted text\n", n, n == 1 ? "" : "s");
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK) {
		if (st)
			store_rollback(st);
		cli_puts(stderr, "simsa: ", err.msg);
		fprintf(stderr, "simsa: nothing was changed\n");
	}
	leak_match_free(&scr);
	jsonl_close(&r);
	round_inputs_release(&in);
	store_close(&st);
	return rc;
}
