/* cmd_station — a station where raters never hold the round file
 * (docs/station.md): `simsa rater ssh-key` (set, replace or remove a
 * rater's SSH public key), `simsa authorized-keys` (the service account's
 * authorized_keys lines, each forcing `simsa rate ROUND --rater NAME`), and
 * the forced command's `receipts`. */
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli.h"
#include "simsa/ballot.h"
#include "simsa/score.h"
#include "simsa/sshkey.h"
#include "simsa/store.h"
#include "simsa/store_read.h"
#include "simsa/util.h"

/* ---- simsa rater ssh-key ---- */

struct ssh_key_args {
	const char *name, *file;
	bool remove;
};

#define AT(f) offsetof(struct ssh_key_args, f)
static const struct cli_opt ssh_key_opts[] = {
	CLI_OPT("name", 0, "NAME", OPT_STRING, AT(name), OPT_REQUIRED, "the enrolled rater"),
	CLI_OPT("ssh-key", 0, "FILE", OPT_STRING, AT(file), 0,
		"the rater's new SSH public key (one line, as\n"
		"ssh-keygen writes NAME.pub); replaces the old one"),
	CLI_OPT("remove", 0, NULL, OPT_FLAG, AT(remove), 0,
		"remove the rater's key: they can no longer log in"),
	{ 0 },
};
#undef AT

const struct cli_spec spec_rater_ssh_key = {
	"set, replace or remove the SSH key a rater logs in with at a station",
	"ROUND.db",
	"  the key is not signed and moves no point: verify and score never read\n"
	"  it, and bundles are written without it (docs/station.md); any state of\n"
	"  the round, no passphrase. Then run simsa authorized-keys again\n",
	ssh_key_opts,
	NULL,
};

int cmd_rater_ssh_key(int argc, char **argv)
{
	struct ssh_key_args a = { 0 };
	char *pos[CLI_MAX_ARGS], *key = NULL, fp[SSHKEY_FP_LEN];
	struct store *st = NULL;
	struct simsa_err err;
	int64_t row;
	int rc = cli_parse(&spec_rater_ssh_key, "rater ssh-key", argc, argv, &a, pos), found;

	if (rc != CLI_RUN)
		return rc;
	if (!a.file == !a.remove)
		return cli_usage_error("rater ssh-key", "give either --ssh-key FILE or --remove");
	if (a.file && sshkey_read(a.file, &key, &err) < 0)
		return cli_fail(&err);
	rc = EXIT_FAIL;
	if (store_open(pos[0], &st, &err) < 0 || store_begin(st, &err) < 0)
		goto out;
	found = store_find_rater(st, a.name, &row, &err);
	if (found == 0)
		err_set(&err, "%s: no rater named '%s' is enrolled", pos[0], a.name);
	if (found != 1)
		goto out;
	if (key)
		found = store_set_station_key(st, row, key, &err);
	else
		found = store_drop_station_key(st, row, &err);
	if (found < 0 || store_commit(st, &err) < 0)
		goto out;
	if (key) {
		sshkey_fingerprint(key, fp);
		printf("%s logs in at the station with %s (%.*s)\n", cli_text(a.name), fp,
		       (int)strcspn(key, " "), key);
	} else {
		printf(found ? "%s has no station key now\n" : "%s had no station key\n",
		       cli_text(a.name));
	}
	printf("run simsa authorized-keys %s to write the station's authorized_keys again\n",
	       cli_text(pos[0]));
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK) {
		store_rollback(st);
		cli_fail(&err);
	}
	store_close(&st);
	free(key);
	return rc;
}

/* ---- simsa authorized-keys ---- */

struct ak_args {
	const char *simsa, *lang;
};

#define AT(f) offsetof(struct ak_args, f)
static const struct cli_opt ak_opts[] = {
	CLI_OPT("simsa", 0, "PATH", OPT_STRING, AT(simsa), 0,
		"the simsa the forced command runs\n"
		"(default: this program)"),
	CLI_OPT("lang", 0, "ko|en", OPT_CHOICE, AT(lang), 0,
		"the console's language at the station\n"
		"(default: from the locale sshd gives)"),
	{ 0 },
};
#undef AT

const struct cli_spec spec_authorized_keys = {
	"print the station's authorized_keys: one line per rater with an SSH key",
	"ROUND.db",
	"  each line lets its key run only the rating console of this round as\n"
	"  that rater (simsa rate, absolute paths), with no forwarding; the\n"
	"  service account's ~/.ssh/authorized_keys is these lines\n"
	"  (docs/station.md)\n",
	ak_opts,
	NULL,
};

/* One byte of the forced command inside sshd's command="...", where a "
 * is written \" (sshd's option parser takes back exactly that). */
static void cmd_char(FILE *f, char ch)
{
	if (ch == '"')
		fputc('\\', f);
	fputc(ch, f);
}

/* A word for the service account's shell, which runs the forced command:
 * as it is when it holds nothing a shell acts on, else in single quotes
 * (each ' as '\''). */
static void shell_word(FILE *f, const char *s)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789/._-+,:@%=";

	if (*s && strspn(s, plain) == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			cmd_char(f, *s);
	}
	fputc('\'', f);
}

struct ak_ctx {
	const char *simsa, *round, *lang;
	FILE *out; /* every line, printed only when all are made */
	long lines;
	bool bad;
	struct simsa_err *err;
};

/* Each line from values checked again as they were when stored: a name
 * `rater add` allows, a key sshkey_parse gives back unchanged. A file
 * written by other hands could otherwise end a line early and start one
 * of its own, without a forced command. */
static int ak_line(void *arg, const char *rater, const char *key)
{
	struct ak_ctx *c = arg;
	char what[128], *again = NULL;

	if (!cli_rater_name_ok(rater)) {
		err_set(c->err,
			"rater '%s': a name authorized_keys cannot carry (rater add allows "
			"A-Z a-z 0-9 . _ - only); nothing written",
			rater);
		c->bad = true;
		return 1;
	}
	snprintf(what, sizeof what, "the station key of rater '%s'", rater);
	if (sshkey_parse(what, key, strlen(key), &again, c->err) < 0 || strcmp(again, key) != 0) {
		if (again)
			err_set(c->err, "%s: not stored as simsa stores a key", what);
		err_prefix(c->err, "nothing written");
		free(again);
		c->bad = true;
		return 1;
	}
	free(again);
	fputs("restrict,pty,command=\"", c->out);
	shell_word(c->out, c->simsa);
	fputs(" rate ", c->out);
	shell_word(c->out, c->round);
	fputs(" --rater ", c->out);
	shell_word(c->out, rater);
	if (c->lang)
		fprintf(c->out, " --lang %s", c->lang);
	fprintf(c->out, "\" %s %s\n", key, rater);
	c->lines++;
	return 0;
}

/* An absolute path the sanitizer leaves as it is (no control, bidi or
 * invalid byte), so that the line is exactly what an operator reads. */
static int station_path(const char *what, const char *given, char out[PATH_MAX],
			struct simsa_err *err)
{
	if (!realpath(given, out))
		return err_set(err, "%s: cannot find %s", given, what);
	if (strcmp(cli_text(out), out) != 0)
		return err_set(err,
			       "%s: the path of %s holds characters that authorized_keys "
			       "cannot show as they are; move it",
			       out, what);
	return 0;
}

int cmd_authorized_keys(int argc, char **argv)
{
	struct ak_args a = { 0 };
	char *pos[CLI_MAX_ARGS], round[PATH_MAX], simsa[PATH_MAX], *text = NULL;
	size_t len = 0;
	struct store *st = NULL;
	struct simsa_err err;
	struct ak_ctx c;
	int rc = cli_parse(&spec_authorized_keys, "authorized-keys", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (station_path("the round", pos[0], round, &err) < 0 ||
	    station_path("simsa", a.simsa ? a.simsa : "/proc/self/exe", simsa, &err) < 0)
		return cli_fail(&err);
	if (store_open_read(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	c = (struct ak_ctx){ simsa, round, a.lang, open_memstream(&text, &len), 0, false, &err };
	if (!c.out) {
		store_close(&st);
		err_set(&err, "out of memory");
		return cli_fail(&err);
	}
	rc = store_each_station_key(st, ak_line, &c, &err);
	store_close(&st);
	if (fclose(c.out) != 0 && rc == 0 && !c.bad)
		rc = err_set(&err, "out of memory");
	if (rc < 0 || c.bad) {
		free(text);
		return cli_fail(&err);
	}
	fwrite(text, 1, len, stdout);
	free(text);
	if (c.lines == 0)
		fprintf(stderr,
			"simsa authorized-keys: no rater of %s has an SSH key (rater add "
			"--ssh-key, rater ssh-key)\n",
			cli_text(pos[0]));
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

/* ---- the forced command's `receipts` ---- */

struct mine {
	int64_t id;
	uint32_t place, task; /* place: the ballots before it, in cast order */
	unsigned char hash[STORE_HASH_LEN];
	char cast_at[32];
	int64_t superseded_by;
};

struct mine_ctx {
	int64_t rater;
	uint32_t seen; /* ballots of the round so far */
	struct mine *v;
	size_t n, cap;
	bool oom;
};

/* The rater's ballots in cast order, each with its place in the round's
 * log and the ballot that superseded it (a later one names its hash). */
static int collect(void *arg, const struct ballot_row *b)
{
	struct mine_ctx *c = arg;
	struct mine *m;
	uint32_t place = c->seen++;

	if (b->rater_row != c->rater || !b->hash)
		return 0;
	for (size_t i = 0; b->supersedes && i < c->n; i++)
		if (memcmp(c->v[i].hash, b->supersedes, STORE_HASH_LEN) == 0)
			c->v[i].superseded_by = b->id;
	if (grow_array((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v) < 0) {
		c->oom = true;
		return 1;
	}
	m = &c->v[c->n++];
	memset(m, 0, sizeof *m);
	m->id = b->id;
	m->place = place;
	m->task = b->task_position;
	memcpy(m->hash, b->hash, STORE_HASH_LEN);
	snprintf(m->cast_at, sizeof m->cast_at, "%s", b->cast_at ? b->cast_at : "");
	return 0;
}

/* What cli_verified_banner says (provisional, before close), as comment
 * lines of a receipts file. */
static void banner_comment(const char *path, const struct cli_verified *v)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	cli_verified_banner(f, path, v);
	if (fclose(f) == 0)
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			printf("# %s\n", line);
	free(text);
}

/* Listings verify the whole round, so one runs at a time: an advisory lock
 * (flock, which SQLite's own fcntl locks never meet on a local file
 * system) on the round file, held until the process ends. Listings keep at
 * most one core busy whoever asks; waiting ones get the lock in no fixed
 * order and wait without a limit. */
static void take_turn(const char *round_path)
{
	int fd = open(round_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return; /* the verify below says why it cannot be read */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "simsa: another receipts listing is being made; waiting for "
				"it\n");
		if (flock(fd, LOCK_EX) < 0) {
			close(fd);
			return;
		}
	}
	/* kept open: the lock goes when the listing is printed and simsa ends */
}

int cli_station_receipts(const char *round_path, const char *rater)
{
	struct mine_ctx c = { 0 };
	struct ballot_statuses sts = { 0 };
	struct cli_verified v;
	struct simsa_err err;
	struct store *st = NULL;
	struct round_info ri;
	enum rater_role role;
	unsigned char pk[STORE_PK_LEN];
	int found, rc = EXIT_FAIL;

	take_turn(round_path);
	if (store_open_read(round_path, &st, &err) < 0)
		return cli_fail(&err);
	if (cli_verify_first("rate", round_path, st, false, "no receipts listed", &v) < 0) {
		store_close(&st);
		return EXIT_FAIL;
	}
	found = store_rater(st, rater, &c.rater, &role, pk, &err);
	if (found == 0)
		err_set(&err, "%s: no rater named '%s' is enrolled", round_path, rater);
	if (found != 1 || store_round_info(st, &ri, &err) < 0 ||
	    store_each_ballot(st, collect, &c, &err) < 0 ||
	    (c.oom && err_set(&err, "out of memory") < 0) ||
	    score_ballot_statuses(st, &sts, &err) < 0)
		goto out;
	/* the receipts file's own format (simsa/receipt_file.h), so that what
	 * the rater takes home is checked with simsa receipt --file; the
	 * status of each ballot now is a comment above its line */
	printf("# simsa receipts of rater %s in round %s: round, task, cast at (UTC), receipt "
	       "code\n",
	       cli_text(rater), cli_text(ri.round_id));
	printf("# \"%s\" (%s), %s; check them all: simsa receipt ROUND.db --file THIS-FILE\n",
	       cli_text(ri.title), cli_text(round_path),
	       ri.state == ROUND_CLOSED ? "closed"
	       : ri.state == ROUND_OPEN ? "open"
					: "draft");
	banner_comment(round_path, &v);
	if (c.n == 0)
		printf("# no ballot of %s is in the round\n", cli_text(rater));
	for (size_t i = 0; i < c.n; i++) {
		const struct ballot_status *s = score_status_of(&sts, c.v[i].id);
		char code[BALLOT_RECEIPT_MAX + 1], words[128];

		ballot_receipt(c.v[i].place, c.v[i].hash, code);
		if (s)
			cli_status_words(s, c.v[i].superseded_by, sts.closed, words, sizeof words);
		else
			snprintf(words, sizeof words, "unknown");
		printf("# task %u: %s\n", c.v[i].task + 1, words);
		printf("%s %u %s %s\n", cli_text(ri.round_id), c.v[i].task + 1,
		       cli_text(c.v[i].cast_at), code);
	}
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		cli_fail(&err);
	store_close(&st);
	score_statuses_release(&sts);
	free(c.v);
	return rc;
}
