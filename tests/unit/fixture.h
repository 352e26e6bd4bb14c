/* An open round for tests: E entrants, P prompts, every output present,
 * U users and X experts with key files (cheap KDF, passphrase "pw"), the
 * default rubrics (2 users per slot, 2 experts per output), opened by the
 * organizer. Include after testutil.h. */
#ifndef SIMSA_FIXTURE_H
#define SIMSA_FIXTURE_H

#include <sodium.h>

#include "simsa/import.h"
#include "simsa/keyfile.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/store.h"

struct round_fx {
	char *dir;
	char db[512];
	struct secret_key *org;
	unsigned char org_pk[32];
	unsigned char seed[32];
	struct open_result opened;
};

static const struct keyfile_kdf fx_fast_kdf = { KEYFILE_OPSLIMIT_MIN, KEYFILE_MEMLIMIT_MIN };
/* SQL run on the draft just before open (NULL: none), for rounds as an
 * older simsa left them. */
static const char *fx_pre_open_sql;

static inline void fx_import(struct store *st, const char *dir, enum import_kind kind,
			     const char *text)
{
	struct import_result res;
	struct simsa_err err;
	char *path = write_file(dir, "fx.jsonl", text);

	if (import_file(st, kind, path, &res, &err) < 0)
		fail_msg("%s", err.msg);
	free(path);
}

/* Appends printf output to a growing string. */
static inline void fx_cat(char **s, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void fx_cat(char **s, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(w >= 0);
	*s = realloc(*s, *n + (size_t)w + 1);
	assert_non_null(*s);
	va_start(ap, fmt);
	vsnprintf(*s + *n, (size_t)w + 1, fmt, ap);
	va_end(ap);
	*n += (size_t)w;
}

/* The key file of rater name in the fixture. */
static inline void fx_key_path(const struct round_fx *f, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s.key", f->dir, name);
}

static inline struct secret_key *fx_unlock(const struct round_fx *f, const char *name)
{
	char path[600];
	struct secret_key *sk = NULL;
	struct simsa_err err;

	fx_key_path(f, name, path, sizeof path);
	if (keyfile_unlock(path, "pw", 2, &sk, &err) < 0)
		fail_msg("%s", err.msg);
	return sk;
}

/* fx_open_round, with gold items (JSON Lines, or NULL) imported before open
 * and rubric files (n of them; none: the built-in defaults). */
/* fx_open_round_rubrics with every output's text between pre and post
 * (JSON string insides: "\\n" for a line break) and practice tasks (JSON
 * Lines of `simsa practice import`, or NULL) imported before open. */
static inline void fx_open_round_with(struct round_fx *f, int E, int P, int U, int X,
				      const char *gold, char **rubrics, int n_rubrics,
				      const char *pre, const char *post, const char *practice);

static inline void fx_open_round_rubrics(struct round_fx *f, int E, int P, int U, int X,
					 const char *gold, char **rubrics, int n_rubrics)
{
	fx_open_round_with(f, E, P, U, X, gold, rubrics, n_rubrics, "", "", NULL);
}

static inline void fx_open_round_with(struct round_fx *f, int E, int P, int U, int X,
				      const char *gold, char **rubrics, int n_rubrics,
				      const char *pre, const char *post, const char *practice)
{
	struct store *st = NULL;
	struct simsa_err err;
	char path[600], *text = NULL;
	size_t n = 0;

	memset(f, 0, sizeof *f);
	f->dir = tmpdir_make();
	snprintf(f->db, sizeof f->db, "%s/round.db", f->dir);
	fx_key_path(f, "organizer", path, sizeof path);
	if (keyfile_create(path, "pw", 2, &fx_fast_kdf, f->org_pk, &err) < 0 ||
	    keyfile_unlock(path, "pw", 2, &f->org, &err) < 0 ||
	    round_init(f->db, "시험 라운드", rubrics, n_rubrics, f->org_pk, &err) < 0 ||
	    store_open(f->db, &st, &err) < 0)
		fail_msg("%s", err.msg);
	for (int e = 0; e < E; e++)
		fx_cat(&text, &n, "{\"name\": \"team%d\", \"team\": \"팀%d\"}\n", e, e);
	fx_import(st, f->dir, IMPORT_ENTRANTS, text);
	n = 0;
	for (int p = 0; p < P; p++)
		fx_cat(&text, &n,
		       "{\"id\": \"q%03d\", \"category\": \"%s\", \"prompt\": \"질문 %d\", "
		       "\"reference\": \"참고 %d\"}\n",
		       p, p % 2 ? "writing" : "reasoning", p, p);
	fx_import(st, f->dir, IMPORT_PROMPTS, text);
	n = 0;
	for (int p = 0; p < P; p++)
		for (int e = 0; e < E; e++)
			fx_cat(&text, &n,
			       "{\"prompt_id\": \"q%03d\", \"entrant\": \"team%d\", "
			       "\"output\": \"%s답변 %d번, 모델 %d의 **굵은** 글%s\"}\n",
			       p, e, pre, p, e, post);
	fx_import(st, f->dir, IMPORT_OUTPUTS, text);
	free(text);
	if (gold)
		fx_import(st, f->dir, IMPORT_GOLD, gold);
	if (practice)
		fx_import(st, f->dir, IMPORT_PRACTICE, practice);
	for (int i = 0; i < U + X; i++) {
		char name[32];
		unsigned char pk[32];

		snprintf(name, sizeof name, i < U ? "user%d" : "expert%d", i < U ? i : i - U);
		fx_key_path(f, name, path, sizeof path);
		if (keyfile_create(path, "pw", 2, &fx_fast_kdf, pk, &err) < 0 ||
		    rater_enrol(st, f->org, name, i < U ? ROLE_USER : ROLE_EXPERT, pk, NULL, &err) <
			    0)
			fail_msg("%s", err.msg);
	}
	if (fx_pre_open_sql && sql_exec(f->db, fx_pre_open_sql) != SQLITE_OK)
		fail_msg("%s", fx_pre_open_sql);
	if (round_open(st, f->org, &f->opened, f->seed, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
}

/* fx_open_round, with gold items (JSON Lines, or NULL) imported before open. */
static inline void fx_open_round_gold(struct round_fx *f, int E, int P, int U, int X,
				      const char *gold)
{
	fx_open_round_rubrics(f, E, P, U, X, gold, NULL, 0);
}

static inline void fx_open_round(struct round_fx *f, int E, int P, int U, int X)
{
	fx_open_round_gold(f, E, P, U, X, NULL);
}

static inline void fx_release(struct round_fx *f)
{
	secret_key_free(&f->org);
	tmpdir_remove(&f->dir);
}

#endif
