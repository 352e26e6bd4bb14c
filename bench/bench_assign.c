/* Benchmark: assigning 200 raters (180 users, 20 experts) over 500 prompts
 * × 6 entrants, the ko-arena-hard shape.
 *
 * Prints the best time of the full assignment (assign_run) for a usual user
 * rubric (k = 3 raters per slot) and for the largest k 180 users allow
 * (k = 12, every user on every prompt), its ratio to the target
 * (1 s), and its ratio to a baseline measured in the same run: deriving
 * each rater's order stream and shuffling a list as long as theirs, then
 * copying out the tasks, which is the least any per-rater random order
 * costs. Needs no data files.
 * usage: bench_assign [RUNS] (default 5) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "simsa/assign.h"
#include "simsa/drbg.h"
#include "simsa/util.h"

#define USERS 180
#define EXPERTS 20

/* Baseline: one keyed stream and one shuffle per rater over a list of
 * their length, plus a copy of the whole task array. */
static double baseline(const struct assign_input *in, const struct assign_result *res)
{
	struct assign_task *copy = malloc(res->n_tasks * sizeof *copy + 1);
	uint32_t *a = malloc(res->n_tasks * sizeof *a + 4);
	double t0 = mono_seconds();

	if (!copy || !a) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (uint32_t r = 0; r < res->n_raters; r++) {
		size_t n = res->first[r + 1] - res->first[r];
		unsigned char le[4] = { (unsigned char)r, (unsigned char)(r >> 8), 0, 0 };
		struct drbg d;

		drbg_init(&d, in->seed, "order", in->manifest_hash, le, sizeof le);
		for (size_t i = 0; i < n; i++)
			a[i] = (uint32_t)i;
		drbg_shuffle(&d, a, n);
		drbg_wipe(&d);
	}
	memcpy(copy, res->tasks, res->n_tasks * sizeof *copy);
	double t = mono_seconds() - t0;

	if (a[0] == UINT32_MAX || copy[0].rater == UINT32_MAX)
		puts("(unreachable; keeps the work)");
	free(copy);
	free(a);
	return t;
}

static void bench(uint32_t k, int runs)
{
	static struct assign_rater raters[USERS + EXPERTS];
	struct assign_input in = { 0 };
	struct assign_result res = { 0 };
	struct simsa_err err;
	double best = 1e9, best_base = 1e9;
	unsigned char h[HASH_LEN];
	char hex[2 * HASH_LEN + 1];

	for (int i = 0; i < USERS + EXPERTS; i++)
		raters[i].role = i < USERS ? ASSIGN_USER : ASSIGN_EXPERT;
	memset(in.seed, 0x5e, sizeof in.seed);
	in.n_entrants = 6;
	in.n_prompts = 500;
	in.n_raters = USERS + EXPERTS;
	in.raters = raters;
	in.user_raters_per_slot = k;
	in.expert_ratings_per_output = 2;
	for (int r = 0; r < runs; r++) {
		double t0 = mono_seconds(), t, b;

		if (assign_run(&in, &res, &err) < 0) {
			fprintf(stderr, "assign: %s\n", err.msg);
			exit(1);
		}
		t = mono_seconds() - t0;
		b = baseline(&in, &res);
		best = t < best ? t : best;
		best_base = b < best_base ? b : best_base;
		if (r + 1 < runs)
			assign_result_release(&res);
	}
	assign_hash(&res, h);
	hex_encode(h, 8, hex);
	printf("assign: k=%-2u %zu tasks for %u raters in %.4f s (best of %d), %.0f ns/task; "
	       "list %s…\n",
	       k, res.n_tasks, in.n_raters, best, runs, best / res.n_tasks * 1e9, hex);
	printf("assign: k=%-2u baseline (order streams + shuffles + copy) %.4f s; "
	       "assign/baseline = %.1fx\n",
	       k, best_base, best / best_base);
	printf("assign: k=%-2u target 1 s; assign/target = %.4f (%s)\n", k, best,
	       best < 1.0 ? "met" : "NOT MET");
	assign_result_release(&res);
}

int main(int argc, char **argv)
{
	long runs = 5;

	if (sodium_init() < 0)
		return 1;
	if (argc > 1 && (!parse_long(argv[1], 1, 1000, &runs))) {
		fprintf(stderr, "usage: bench_assign [RUNS]\n");
		return 2;
	}
	bench(3, (int)runs);
	bench(12, (int)runs);
	return 0;
}
