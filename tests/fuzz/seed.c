/* Seeds for the fuzzers that need a program to make them:
 *   seed DIR          two valid ballots (expert, user) for fuzz_ballot
 *   seed --round DIR  a small closed round (round.db) and its bundle
 *                     (bundle.db) for fuzz_bundle: 2 entrants, 1 prompt,
 *                     2 users, 2 experts, every task rated, closed; both
 *                     files rewritten with 512-byte pages, the smallest
 *                     SQLite allows, so that they stay well under the
 *                     fuzzer's max_len. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "simsa/ballot.h"
#include "simsa/closing.h"
#include "simsa/import.h"
#include "simsa/keyfile.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/session.h"
#include "simsa/store.h"
#include "simsa/store_read.h"

__attribute__((noreturn)) static void die(const char *what, const struct simsa_err *err)
{
	fprintf(stderr, "seed: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
	exit(1);
}

static void put(const char *path, const struct ballot *b)
{
	unsigned char *p;
	size_t n;
	struct simsa_err err;
	FILE *f;

	if (ballot_encode(b, &p, &n, &err) < 0 || !(f = fopen(path, "wb")))
		die(path, NULL);
	fwrite(p, 1, n, f);
	fclose(f);
	free(p);
}

static void ballots(const char *dir)
{
	static struct ballot b;
	char path[4096];

	memcpy(b.round_id, "0123456789abcdef0123456789abcdef", 33);
	b.kind = BALLOT_EXPERT;
	b.n_criteria = 2;
	strcpy(b.criterion_id[0], "accuracy");
	strcpy(b.criterion_id[1], "korean");
	b.scores[0][0] = 4;
	b.scores[0][1] = BALLOT_SCORE_NA;
	b.scores[1][0] = 2;
	b.scores[1][1] = 5;
	strcpy(b.comment[0], "근거가 분명하다");
	b.seq = 1;
	strcpy(b.cast_at, "2026-11-29T07:00:00Z");
	snprintf(path, sizeof path, "%s/expert.bin", dir);
	put(path, &b);
	b.kind = BALLOT_USER;
	b.preference = 4;
	b.satisfaction = 0xFFFFFFFFu;
	strcpy(b.reason, "B가 낫다");
	b.has_supersedes = 1;
	snprintf(path, sizeof path, "%s/user.bin", dir);
	put(path, &b);
	/* the same target reads its bytes as a typed receipt code too */
	{
		unsigned char h[BALLOT_HASH_LEN] = { 0x5a, 0x17 };
		char code[BALLOT_RECEIPT_MAX + 1];
		FILE *f;

		ballot_receipt(1234, h, code);
		snprintf(path, sizeof path, "%s/receipt.txt", dir);
		if (!(f = fopen(path, "wb")))
			die(path, NULL);
		fputs(code, f);
		fclose(f);
	}
}

static const struct keyfile_kdf fast = { KEYFILE_OPSLIMIT_MIN, KEYFILE_MEMLIMIT_MIN };

static void import(struct store *st, const char *dir, enum import_kind kind, const char *text)
{
	char path[4096];
	struct import_result res;
	struct simsa_err err;
	FILE *f;

	snprintf(path, sizeof path, "%s/in.jsonl", dir);
	if (!(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f) != 0)
		die(path, NULL);
	if (import_file(st, kind, path, &res, &err) < 0)
		die("import", &err);
	unlink(path);
}

static struct secret_key *key(const char *dir, const char *name, unsigned char pk[32], bool make)
{
	char path[4096];
	struct secret_key *sk = NULL;
	struct simsa_err err;

	snprintf(path, sizeof path, "%s/%s.key", dir, name);
	if ((make && keyfile_create(path, "pw", 2, &fast, pk, &err) < 0) ||
	    keyfile_unlock(path, "pw", 2, &sk, &err) < 0)
		die(path, &err);
	return sk;
}

/* Every task of rater name, answered. */
static void rate(const char *db, const char *dir, const char *name, bool expert)
{
	unsigned char pk[32];
	struct session *s = NULL;
	struct simsa_err err;
	char code[BALLOT_RECEIPT_MAX + 1];

	if (session_start(db, name, key(dir, name, pk, false), &s, &err) < 0)
		die("session", &err);
	for (size_t t = 0; t < session_task_count(s); t++) {
		const struct rubric *rb = session_rubric(s);
		struct task_view v;
		struct answer a;

		if (session_task(s, t, &v, &err) < 0)
			die("task", &err);
		answer_init(&a);
		a.active_seconds = 30;
		if (expert) {
			for (size_t c = 0; c < rb->n_criteria; c++) {
				a.scores[0][c] = (uint32_t)rb->criteria[c].scale_max;
				a.scores[1][c] = (uint32_t)rb->criteria[c].scale_min;
			}
			strcpy(a.comment[0], "정확하다 \x1b[2J");
		} else {
			a.preference = PREF_A;
			strcpy(a.reason, "A가 낫다");
		}
		if (session_submit(s, t, &a, code, &err) < 0)
			die("submit", &err);
	}
	session_end(&s);
}

/* Rewrites path with 512-byte pages and no WAL. */
static void shrink(const char *path)
{
	sqlite3 *db;
	char *msg = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA page_size=512; VACUUM;", NULL,
			 NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "seed: %s: %s\n", path, msg ? msg : sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_close(db);
}

static void round_files(const char *out)
{
	static const char *const raters[] = { "user0", "user1", "expert0", "expert1" };
	char dir[] = "/tmp/simsa-seed-XXXXXX", db[4096], path[4096];
	unsigned char pk[32];
	struct secret_key *org;
	struct store *st = NULL;
	struct open_result opened;
	struct close_result closed;
	unsigned char seed[32];
	struct simsa_err err;

	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(db, sizeof db, "%s/round.db", out);
	unlink(db);
	org = key(dir, "organizer", pk, true);
	if (round_init(db, "작은 라운드", NULL, 0, pk, &err) < 0 || store_open(db, &st, &err) < 0)
		die("init", &err);
	import(st, dir, IMPORT_ENTRANTS,
	       "{\"name\": \"alpha\", \"team\": \"가팀\"}\n{\"name\": \"beta\"}\n");
	import(st, dir, IMPORT_PROMPTS,
	       "{\"id\": \"q1\", \"category\": \"writing\", \"prompt\": \"질문\"}\n");
	import(st, dir, IMPORT_OUTPUTS,
	       "{\"prompt_id\": \"q1\", \"entrant\": \"alpha\", \"output\": \"답 가\"}\n"
	       "{\"prompt_id\": \"q1\", \"entrant\": \"beta\", \"output\": \"답 나\\u202e\"}\n");
	for (size_t i = 0; i < sizeof raters / sizeof raters[0]; i++) {
		struct secret_key *sk = key(dir, raters[i], pk, true);

		secret_key_free(&sk);
		if (rater_enrol(st, org, raters[i], raters[i][0] == 'u' ? ROLE_USER : ROLE_EXPERT,
				pk, NULL, &err) < 0)
			die("enrol", &err);
	}
	if (round_open(st, org, &opened, seed, &err) < 0)
		die("open", &err);
	store_close(&st);
	for (size_t i = 0; i < sizeof raters / sizeof raters[0]; i++)
		rate(db, dir, raters[i], raters[i][0] == 'e');
	snprintf(path, sizeof path, "%s/bundle.db", out);
	unlink(path);
	if (store_open(db, &st, &err) < 0 || round_close(st, org, false, &closed, &err) < 0 ||
	    store_export_bundle(st, path, &err) < 0)
		die("close", &err);
	store_close(&st);
	secret_key_free(&org);
	shrink(db);
	shrink(path);
	for (size_t i = 0; i < sizeof raters / sizeof raters[0]; i++) {
		snprintf(path, sizeof path, "%s/%s.key", dir, raters[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/organizer.key", dir);
	unlink(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc == 3 && strcmp(argv[1], "--round") == 0)
		round_files(argv[2]);
	else
		ballots(argc > 1 ? argv[1] : ".");
	return 0;
}
