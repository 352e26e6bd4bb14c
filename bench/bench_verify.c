/* Benchmark: `simsa verify` on about a million ballots against the raw
 * crypto_sign_verify_detached rate of this machine, both on every core, in
 * the same run.
 *
 * The round (6 entrants, 5,000 prompts, 200 users, 13 users per slot:
 * 975,000 tasks, each answered once) is built the first time and kept in
 * build/bench/verify-round.db: signing and storing a million ballots takes a
 * minute. usage: bench_verify [DIR] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "simsa/audit.h"
#include "simsa/ballot.h"
#include "simsa/import.h"
#include "simsa/keyfile.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/session.h"
#include "simsa/store.h"
#include "simsa/store_read.h"
#include "simsa/util.h"

#include "bench_round.h"

#define ENTRANTS 6
#define PROMPTS 5000
#define USERS 200
#define PER_SLOT 13

static void build(const char *db, const char *dir)
{
	struct secret_key **users = calloc(USERS, sizeof *users);
	struct store *st = NULL;
	struct simsa_err err;
	struct open_result res;
	char path[4096];
	double t0 = mono_seconds();

	bench_round_open(db, dir, ENTRANTS, PROMPTS, USERS, PER_SLOT, &st, &res);
	for (int u = 0; u < USERS; u++) {
		snprintf(path, sizeof path, "%s/u%d.key", dir, u);
		if (keyfile_unlock(path, "pw", 2, &users[u], &err) < 0)
			die(&err);
	}
	fprintf(stderr, "bench_verify: round opened with %zu tasks; signing ballots...\n",
		res.n_tasks);

	struct opening_rec op;
	struct round_info ri;
	struct ballot *b = calloc(1, sizeof *b);

	if (store_get_opening(st, &op, &err) != 1 || store_round_info(st, &ri, &err) < 0)
		die(&err);
	for (int u = 0; u < USERS; u++) {
		int64_t row;
		enum rater_role role;
		unsigned char upk[32], prev[32];
		struct session_task_rec *tasks;
		size_t nt;
		char name[16];

		snprintf(name, sizeof name, "u%d", u);
		if (store_rater(st, name, &row, &role, upk, &err) != 1 ||
		    store_rater_tasks(st, row, &tasks, &nt, &err) < 0 || store_begin(st, &err) < 0)
			die(&err);
		ballot_genesis(ri.round_id, upk, prev);
		for (size_t i = 0; i < nt; i++) {
			struct ballot_rec rec = { .rater_row = row };
			unsigned char *bytes;
			char *scores;

			memset(b, 0, sizeof *b);
			memcpy(b->round_id, ri.round_id, 33);
			memcpy(b->manifest_hash, op.manifest_hash, 32);
			memcpy(b->rater_pk, upk, 32);
			b->task_position = tasks[i].position;
			memcpy(b->output_hash[0], tasks[i].output_hash[0], 32);
			memcpy(b->output_hash[1], tasks[i].output_hash[1], 32);
			b->kind = BALLOT_USER;
			b->preference = (uint32_t)(i % PREF_COUNT);
			b->satisfaction = BALLOT_SCORE_UNSET;
			b->active_seconds = 40;
			b->seq = (uint32_t)i + 1;
			memcpy(b->prev_hash, prev, 32);
			time_now_utc(b->cast_at);
			if (ballot_encode(b, &bytes, &rec.len, &err) < 0 ||
			    session_ballot_columns(b, &rec, &scores, &err) < 0)
				die(&err);
			rec.bytes = bytes;
			ballot_hash(bytes, rec.len, rec.hash);
			if (secret_key_sign(users[u], bytes, rec.len, rec.signature) < 0 ||
			    store_add_ballot(st, &rec, &err) < 0)
				die(&err);
			memcpy(prev, rec.hash, 32);
			free(bytes);
			free(scores);
		}
		if (store_commit(st, &err) < 0)
			die(&err);
		store_rater_tasks_release(tasks, nt);
		secret_key_free(&users[u]);
	}
	free(b);
	free(users);
	store_close(&st);
	fprintf(stderr, "bench_verify: built %s in %.0f s\n", db, mono_seconds() - t0);
}

/* ---- the raw rate: the same signatures, on every core ---- */

struct sig {
	unsigned char *bytes;
	size_t len;
	unsigned char sig[64], pk[32];
};

struct raw_ctx {
	struct sig *s;
	size_t n;
};

struct load_ctx {
	struct raw_ctx *r;
	struct round_inputs *in;
	size_t cap;
};

static int load_sig(void *ctx, const struct ballot_row *b)
{
	struct load_ctx *l = ctx;
	struct sig *s;

	if (grow_array((void **)&l->r->s, &l->cap, l->r->n + 1, sizeof *l->r->s) < 0) {
		fprintf(stderr, "bench_verify: out of memory\n");
		exit(1);
	}
	s = &l->r->s[l->r->n++];
	s->bytes = malloc(b->len);
	memcpy(s->bytes, b->bytes, b->len);
	s->len = b->len;
	memcpy(s->sig, b->signature, 64);
	for (size_t i = 0; i < l->in->n_raters; i++)
		if (l->in->raters[i].row == b->rater_row)
			memcpy(s->pk, l->in->raters[i].public_key, 32);
	return 0;
}

struct share {
	struct raw_ctx *r;
	int t, n;
	long bad;
};

static void *raw_share(void *arg)
{
	struct share *sh = arg;

	for (size_t i = (size_t)sh->t; i < sh->r->n; i += (size_t)sh->n)
		sh->bad += crypto_sign_verify_detached(sh->r->s[i].sig, sh->r->s[i].bytes,
						       sh->r->s[i].len, sh->r->s[i].pk) != 0;
	return NULL;
}

static double raw_rate(struct raw_ctx *r, int threads)
{
	pthread_t th[64];
	struct share sh[64];
	double t0 = mono_seconds();
	long bad = 0;

	for (int t = 0; t < threads; t++) {
		sh[t] = (struct share){ r, t, threads, 0 };
		pthread_create(&th[t], NULL, raw_share, &sh[t]);
	}
	for (int t = 0; t < threads; t++) {
		pthread_join(th[t], NULL);
		bad += sh[t].bad;
	}
	if (bad)
		fprintf(stderr, "bench_verify: %ld signatures failed in the raw run\n", bad);
	return (double)r->n / (mono_seconds() - t0);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "build/bench";
	char db[4096];
	struct store *st = NULL;
	struct simsa_err err;
	struct round_inputs in;
	struct raw_ctx raw = { 0 };
	struct load_ctx lc = { &raw, &in, 0 };
	json_t *rep = NULL;
	int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
	double t0, verify_s, raw_all, raw_one;
	struct rusage ru;

	if (sodium_init() < 0)
		return 1;
	if (cores > 64)
		cores = 64;
	snprintf(db, sizeof db, "%s/verify-round.db", dir);
	if (access(db, F_OK) != 0)
		build(db, dir);
	if (store_open(db, &st, &err) < 0 || store_load_inputs(st, &in, &err) < 0 ||
	    store_each_ballot(st, load_sig, &lc, &err) < 0)
		die(&err);
	/* raw rate before and after verify; the higher one is the baseline, so
	 * a machine busy during one of them cannot flatter the ratio */
	raw_one = raw_rate(&raw, 1);
	raw_all = raw_rate(&raw, cores);
	t0 = mono_seconds();
	if (audit_run(st, &rep, &err) < 0)
		die(&err);
	verify_s = mono_seconds() - t0;
	double again = raw_rate(&raw, cores);

	printf("verify: raw rate on %d cores before verify %.0f/s, after %.0f/s\n", cores, raw_all,
	       again);
	if (again > raw_all)
		raw_all = again;
	for (size_t i = 0; i < raw.n; i++)
		free(raw.s[i].bytes);
	free(raw.s);
	getrusage(RUSAGE_SELF, &ru);
	printf("verify: %zu ballots in %.2f s = %.0f ballots/s (%s)\n", raw.n, verify_s,
	       (double)raw.n / verify_s,
	       json_is_true(json_object_get(rep, "ok")) ? "all steps passed" : "FAILED");
	printf("verify: raw crypto_sign_verify_detached: %.0f/s on 1 core, %.0f/s on %d cores\n",
	       raw_one, raw_all, cores);
	printf("verify: verify/raw (%d cores) = %.2f (target >= 0.80: %s); verify/raw (1 core) = %.2f\n",
	       cores, (double)raw.n / verify_s / raw_all,
	       (double)raw.n / verify_s / raw_all >= 0.8 ? "met" : "NOT MET",
	       (double)raw.n / verify_s / raw_one);
	printf("verify: peak RSS %.0f MB (ballots held in memory for the raw run included)\n",
	       ru.ru_maxrss / 1024.0);
	json_decref(rep);
	round_inputs_release(&in);
	store_close(&st);
	return 0;
}
