/* vote_tally — votes compiled once for the many weighted tallies of a
 * bootstrap (include/simsa/stats.h).
 *
 * The bootstrap's inner loop is "wins matrix of all votes under these
 * cluster multiplicities", a thousand times over a million votes. Each vote
 * is reduced to one 32-bit code — the unordered pair (i < j) and the outcome
 * class — and the votes are sorted by their primary cluster, so a resample
 * skips the clusters it did not draw (about 37% of them) whole, and the
 * accumulators (n * n * 5 doubles: 16 KB for 20 entrants) stay in L1.
 * Weights are products of integer multiplicities and the amounts are whole
 * or half wins, so every sum is exact in double: the matrix equals the one
 * votes_add builds vote by vote, whatever the order. */
#include "simsa/stats.h"

#include <stdlib.h>
#include <string.h>

enum { CL_I, CL_I_MUCH, CL_J, CL_J_MUCH, CL_TIE, N_CLASSES };

void vote_tally_release(struct vote_tally *t)
{
	free(t->start);
	free(t->code);
	free(t->second);
	memset(t, 0, sizeof *t);
}

static int init_groups(struct vote_tally *t, size_t n, const struct vote *v, size_t nv,
		       const uint32_t *group, size_t n_groups, const uint32_t *second,
		       int much_weight, bool both_bad_tie, struct simsa_err *err)
{
	size_t *fill = NULL;

	memset(t, 0, sizeof *t);
	t->n = n;
	t->n_groups = n_groups;
	t->much_weight = much_weight;
	t->start = calloc(n_groups + 1, sizeof *t->start);
	fill = calloc(n_groups + 1, sizeof *fill);
	t->code = malloc((nv ? nv : 1) * sizeof *t->code);
	/* Usually the second cluster fits in the code's spare high bits: one
	 * 32-bit word per vote halves what each resample streams through. */
	while (((size_t)1 << t->code_bits) < n * n * N_CLASSES)
		t->code_bits++;
	if (second) {
		uint32_t most = 0;

		for (size_t k = 0; k < nv; k++)
			most = second[k] > most ? second[k] : most;
		t->packed =
			t->code_bits < 32 && (uint64_t)most < ((uint64_t)1 << (32 - t->code_bits));
		if (!t->packed)
			t->second = malloc((nv ? nv : 1) * sizeof *t->second);
	}
	if (!t->start || !fill || !t->code || (second && !t->packed && !t->second)) {
		free(fill);
		vote_tally_release(t);
		return err_set(err, "out of memory");
	}
	/* counting sort by group; votes that count for nothing are left out */
	for (size_t k = 0; k < nv; k++)
		if (v[k].left != v[k].right && (v[k].outcome != VOTE_BOTHBAD || both_bad_tie))
			t->start[group[k] + 1]++;
	for (size_t g = 0; g < n_groups; g++)
		t->start[g + 1] += t->start[g];
	memcpy(fill, t->start, n_groups * sizeof *fill);
	for (size_t k = 0; k < nv; k++) {
		const struct vote *x = &v[k];
		bool swap = x->left > x->right;
		uint32_t i = swap ? x->right : x->left, j = swap ? x->left : x->right, cl;

		if (x->left == x->right || (x->outcome == VOTE_BOTHBAD && !both_bad_tie))
			continue;
		if (x->outcome == VOTE_LEFT || x->outcome == VOTE_RIGHT) {
			bool i_won = (x->outcome == VOTE_LEFT) != swap;

			cl = (i_won ? CL_I : CL_J) + (x->much ? 1 : 0);
		} else {
			cl = CL_TIE;
		}
		t->code[fill[group[k]]] = (uint32_t)((i * n + j) * N_CLASSES + cl);
		if (t->packed)
			t->code[fill[group[k]]] |= second[k] << t->code_bits;
		else if (second)
			t->second[fill[group[k]]] = second[k];
		fill[group[k]]++;
	}
	free(fill);
	return 0;
}

int vote_tally_init(struct vote_tally *t, size_t n, const struct vote *v, size_t nv,
		    size_t n_raters, size_t n_prompts, int much_weight, bool both_bad_tie,
		    struct simsa_err *err)
{
	/* the rater, else the prompt, else the vote; the prompt second when
	 * there are both */
	size_t ng = n_raters ? n_raters : n_prompts ? n_prompts : nv;
	bool two = n_raters && n_prompts;
	uint32_t *group = malloc((nv ? nv : 1) * sizeof *group);
	uint32_t *second = two ? malloc((nv ? nv : 1) * sizeof *second) : NULL;
	int rc;

	if (!group || (two && !second)) {
		free(group);
		free(second);
		memset(t, 0, sizeof *t);
		return err_set(err, "out of memory");
	}
	for (size_t k = 0; k < nv; k++) {
		group[k] = n_raters ? v[k].rater : n_prompts ? v[k].prompt : (uint32_t)k;
		if (two)
			second[k] = v[k].prompt;
	}
	rc = init_groups(t, n, v, nv, group, ng, second, much_weight, both_bad_tie, err);
	t->n_second = two ? n_prompts : 0;
	free(group);
	free(second);
	return rc;
}

void vote_tally_wins(const struct vote_tally *t, const uint32_t *gm, const double *sm, double *acc,
		     double *wins)
{
	size_t n = t->n;
	const uint32_t *code = t->code, *second = t->second;
	const unsigned shift = t->code_bits;
	const uint32_t mask = t->packed ? ((uint32_t)1 << shift) - 1 : UINT32_MAX;

	memset(acc, 0, n * n * N_CLASSES * sizeof *acc);
	for (size_t g = 0; g < t->n_groups; g++) {
		double m = gm ? gm[g] : 1.0;
		size_t a = t->start[g], b = t->start[g + 1];

		if (m == 0)
			continue;
		if (sm && t->packed)
			for (size_t k = a; k < b; k++)
				acc[code[k] & mask] += m * sm[code[k] >> shift];
		else if (sm && second)
			for (size_t k = a; k < b; k++)
				acc[code[k]] += m * sm[second[k]];
		else
			for (size_t k = a; k < b; k++)
				acc[code[k] & mask] += m;
	}
	memset(wins, 0, n * n * sizeof *wins);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			const double *c = acc + (i * n + j) * N_CLASSES;

			wins[i * n + j] = c[CL_I] + t->much_weight * c[CL_I_MUCH] + 0.5 * c[CL_TIE];
			wins[j * n + i] = c[CL_J] + t->much_weight * c[CL_J_MUCH] + 0.5 * c[CL_TIE];
		}
}
