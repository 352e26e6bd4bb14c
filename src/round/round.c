/* round — making a round and enrolling its raters: the engine side of
 * `simsa init` and `simsa rater add` (see include/simsa/round.h). */
#include "simsa/round.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "simsa/assets.h"
#include "simsa/enc.h"
#include "simsa/instructions.h"
#include "simsa/late.h"
#include "simsa/leak_match.h"
#include "simsa/rubric.h"
#include "simsa/statement.h"
#include "simsa/text.h"
#include "simsa/util.h"

#define RUBRIC_MAX_BYTES (1u << 20)

struct loaded_rubric {
	const char *source;
	char *text;
	size_t len;
	struct rubric *rubric;
	char *instructions[2]; /* Korean, English */
};

static int load_rubric(const char *path, struct loaded_rubric *lr, struct simsa_err *err)
{
	const struct asset *builtin = NULL;

	lr->source = path;
	if (strncmp(path, "builtin:", 8) == 0) {
		builtin = asset_find(path + 8);
		if (!builtin)
			return err_set(err, "%s: no such built-in rubric", path);
		lr->text = malloc(builtin->len + 1);
		if (!lr->text)
			return err_set(err, "out of memory");
		memcpy(lr->text, builtin->data, builtin->len + 1);
		lr->len = builtin->len;
	} else if (read_file(path, RUBRIC_MAX_BYTES, &lr->text, &lr->len, err) < 0) {
		return -1;
	}
	if (!utf8_valid(lr->text, lr->len, NULL))
		return err_set(err, "%s: not valid UTF-8", path);
	if (rubric_parse(lr->text, lr->len, path, &lr->rubric, err) < 0)
		return -1;
	/* a round's raters are told what is asked of them: its rubrics name
	 * their instructions (the parser lets a stored rubric go without) */
	if (!lr->rubric->instructions_file[0])
		return err_set(err,
			       "%s: [rubric] names no instructions_ko and instructions_en: raters "
			       "would start without being told what is asked (docs/rubrics.md)",
			       path);
	for (int l = 0; l < 2; l++) {
		size_t n;

		if (instructions_load(path, lr->rubric->instructions_file[l], &lr->instructions[l],
				      &n, err) < 0)
			return -1;
	}
	return 0;
}

static void release_rubrics(struct loaded_rubric *lr, int n)
{
	for (int i = 0; i < n; i++) {
		free(lr[i].text);
		free(lr[i].instructions[0]);
		free(lr[i].instructions[1]);
		rubric_free(&lr[i].rubric);
	}
}

static int check_title(const char *title, struct simsa_err *err)
{
	size_t n = strlen(title);

	if (n == 0 || strspn(title, " \t") == n)
		return err_set(err, "--title: empty");
	if (n > 200)
		return err_set(err, "--title: longer than 200 bytes");
	if (!utf8_valid(title, n, NULL))
		return err_set(err, "--title: not valid UTF-8");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)title[i] < 0x20 || title[i] == 0x7f)
			return err_set(err, "--title: contains a control character");
	return 0;
}

int round_init(const char *path, const char *title, char **rubric_paths, int n_rubrics,
	       const unsigned char organizer_pk[32], struct simsa_err *err)
{
	static const char *const defaults[] = { "builtin:rubrics/expert.rubric",
						"builtin:rubrics/user.rubric" };
	struct loaded_rubric lr[2] = { { 0 } };
	struct store *st = NULL;
	char *tmp = NULL;
	int n = 0, rc = -1;

	if (check_title(title, err) < 0)
		return -1;
	if (access(path, F_OK) == 0)
		return err_set(err, "%s: already exists; a round file is never overwritten", path);
	if (n_rubrics > 2)
		return err_set(err, "--rubric: at most two rubrics (expert and user)");
	for (int i = 0; i < (n_rubrics ? n_rubrics : 2); i++) {
		if (load_rubric(n_rubrics ? rubric_paths[i] : defaults[i], &lr[n], err) < 0) {
			n++;
			goto out;
		}
		n++;
		if (n == 2 && lr[0].rubric->component == lr[1].rubric->component) {
			err_set(err, "%s: a second %s rubric (the first is %s)", lr[1].source,
				rubric_component_name(lr[1].rubric->component), lr[0].source);
			goto out;
		}
	}
	/* Build the round under a temporary name and link it into place only
	 * when complete, so no one ever sees a half-made round. */
	tmp = malloc(strlen(path) + 32);
	if (!tmp) {
		err_set(err, "out of memory");
		goto out;
	}
	snprintf(tmp, strlen(path) + 32, "%s.init-%08x", path, randombytes_random());
	if (store_create(tmp, title, &st, err) < 0)
		goto out;
	if (store_begin(st, err) < 0 || store_set_organizer(st, organizer_pk, err) < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		unsigned char h[HASH_LEN];

		hash_bytes(lr[i].text, lr[i].len, h);
		if (store_put_rubric(st, rubric_component_name(lr[i].rubric->component),
				     lr[i].source, lr[i].text, lr[i].len, h,
				     (const char *const *)lr[i].instructions, err) < 0)
			goto out;
	}
	if (store_commit(st, err) < 0)
		goto out;
	store_close(&st);
	if (link(tmp, path) < 0) {
		err_set(err, "%s: cannot create: %s", path,
			errno == EEXIST ? "already exists" : strerror(errno));
		goto out;
	}
	rc = 0;
out:
	store_close(&st);
	if (tmp) {
		char side[4096];

		unlink(tmp);
		/* after a failure (a full disk) SQLite may leave its side files */
		snprintf(side, sizeof side, "%s-wal", tmp);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", tmp);
		unlink(side);
		free(tmp);
	}
	release_rubrics(lr, n);
	return rc;
}

struct name_check {
	const char *name;
	char *clash; /* the enrolled name that reads the same */
	bool failed;
};

static int name_clash(void *ctx, const struct rater_progress *p)
{
	struct name_check *c = ctx;
	int same = leak_confusable(c->name, p->name);

	if (same < 0)
		c->failed = true;
	else if (same > 0 && !(c->clash = strdup(p->name)))
		c->failed = true;
	return same != 0;
}

/* The refusal of name, which reads as other (NULL: out of memory). */
static int clash_err(const char *name, const char *other, const char *what, struct simsa_err *err)
{
	char *shown, *other_shown, *folded;

	if (!other)
		return err_set(err, "out of memory, or ICU's spoof checker cannot be opened");
	shown = text_sanitize_alloc(name, strlen(name));
	other_shown = text_sanitize_alloc(other, strlen(other));
	folded = leak_normalize(name, strlen(name));
	err_set(err,
		"rater name '%s' is confusable with %s '%s' (both read as '%s'); choose a name "
		"that reads differently",
		shown ? shown : "?", what, other_shown ? other_shown : "?", folded ? folded : "?");
	free(shown);
	free(other_shown);
	free(folded);
	return -1;
}

int rater_name_check(struct store *st, const char *name, struct simsa_err *err)
{
	struct name_check c = { name, NULL, false };
	int same, found = store_find_rater(st, name, NULL, err);

	if (found != 0)
		return found > 0 ? err_set(err, "a rater named '%s' is already enrolled", name)
				 : -1;
	if (store_each_rater(st, name_clash, &c, err) < 0) {
		free(c.clash);
		return -1;
	}
	if (c.clash || c.failed) {
		clash_err(name, c.failed ? NULL : c.clash, "the enrolled rater", err);
		free(c.clash);
		return -1;
	}
	same = leak_confusable(name, "organizer");
	if (same == 0)
		return 0;
	return clash_err(name, same > 0 ? "organizer" : NULL, "the organizer's key name", err);
}

int rater_enrol(struct store *st, const struct secret_key *organizer, const char *name,
		enum rater_role role, const unsigned char pk[32], const char *categories,
		struct simsa_err *err)
{
	return rater_enrol_ssh(st, organizer, name, role, pk, categories, NULL, err);
}

int rater_enrol_ssh(struct store *st, const struct secret_key *organizer, const char *name,
		    enum rater_role role, const unsigned char pk[32], const char *categories,
		    const char *ssh_key, struct simsa_err *err)
{
	int64_t row = -1;
	struct round_info ri;
	struct rater_rec r = { 0 };
	struct enrolment e;
	unsigned char opk[32];
	struct buf msg = { 0 };
	char now[32];
	int found, rc = -1;

	if (store_begin(st, err) < 0)
		return -1;
	if (store_round_info(st, &ri, err) < 0)
		goto out;
	if (ri.state == ROUND_CLOSED) {
		err_set(err, "the round is closed: no more raters can join");
		goto out;
	}
	found = store_get_organizer(st, opk, err);
	if (found < 0)
		goto out;
	if (!found || memcmp(opk, secret_key_public(organizer), 32) != 0) {
		err_set(err, "that key is not this round's organizer key");
		goto out;
	}
	if (rater_name_check(st, name, err) < 0)
		goto out;
	time_now_utc(now);
	e = (struct enrolment){ ri.round_id, name,       rater_role_name(role),
				pk,          categories, ri.state == ROUND_OPEN,
				now };
	statement_enrolment(&msg, &e);
	if (msg.oom) {
		err_set(err, "out of memory");
		goto out;
	}
	r.name = name;
	r.role = role;
	memcpy(r.public_key, pk, 32);
	r.categories_json = categories;
	r.enrolled_at = now;
	r.late = ri.state == ROUND_OPEN;
	if (secret_key_sign(organizer, msg.p, msg.n, r.signature) < 0) {
		err_set(err, "cannot use the organizer key");
		goto out;
	}
	if (store_add_rater(st, &r, err) < 0)
		goto out;
	if (ssh_key && store_find_rater(st, name, &row, err) == 0)
		err_set(err, "the rater just enrolled is not in the round");
	if (ssh_key && (row < 0 || store_set_station_key(st, row, ssh_key, err) < 0))
		goto out;
	/* after open: the new rater's tasks, from a stream of their own */
	if (r.late && late_tasks(st, organizer, err) < 0)
		goto out;
	rc = store_commit(st, err);
out:
	if (rc < 0)
		store_rollback(st);
	buf_release(&msg);
	return rc;
}
