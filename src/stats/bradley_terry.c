/* bradley_terry — maximum-likelihood Bradley–Terry strengths by Newton's
 * method (include/simsa/bradley_terry.h). */
#include "simsa/bradley_terry.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITER 200
#define TOL 1e-13 /* largest log-strength step at convergence */

/* Marks in seen[] everything reachable from node 0 along i->j when
 * wins[i][j] > 0 (forward) or wins[j][i] > 0 (backward). */
static void reach(size_t n, const double *wins, bool forward, bool *seen, size_t *stack)
{
	size_t top = 0;

	memset(seen, 0, n * sizeof *seen);
	seen[0] = true;
	stack[top++] = 0;
	while (top > 0) {
		size_t i = stack[--top];

		for (size_t j = 0; j < n; j++) {
			double w = forward ? wins[i * n + j] : wins[j * n + i];

			if (j != i && w > 0 && !seen[j]) {
				seen[j] = true;
				stack[top++] = j;
			}
		}
	}
}

/* "'a', 'b' and 3 more" for the entrants with seen[i] == want. */
static void name_set(size_t n, const char *const *names, const bool *seen, bool want, char *out,
		     size_t cap)
{
	size_t len = 0, k = 0, total = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (seen[i] != want)
			continue;
		total++;
		if (k < 4 && len < cap) {
			int w = names ? snprintf(out + len, cap - len, "%s'%s'", k ? ", " : "",
						 names[i])
				      : snprintf(out + len, cap - len, "%s#%zu", k ? ", " : "",
						 i + 1);
			len += w > 0 ? (size_t)w : 0;
			k++;
		}
	}
	if (total > k && len < cap)
		snprintf(out + len, cap - len, " and %zu more", total - k);
}

int bt_check(size_t n, const double *wins, const char *const *names, struct simsa_err *err)
{
	bool *seen = NULL;
	size_t *stack = NULL;
	char a[256], b[256];
	int rc = -1;

	if (n < 2)
		return err_set(err, "Bradley–Terry needs at least two entrants; there are %zu", n);
	for (size_t i = 0; i < n; i++) {
		double c = 0;

		for (size_t j = 0; j < n; j++)
			if (j != i)
				c += wins[i * n + j] + wins[j * n + i];
		if (c <= 0) {
			if (names)
				return err_set(err, "entrant '%s' has no comparisons", names[i]);
			return err_set(err, "entrant #%zu has no comparisons", i + 1);
		}
	}
	seen = malloc(n * sizeof *seen);
	stack = malloc(n * sizeof *stack);
	if (!seen || !stack) {
		err_set(err, "out of memory");
		goto out;
	}
	for (int dir = 0; dir < 2; dir++) {
		bool all = true;

		reach(n, wins, dir == 0, seen, stack);
		for (size_t i = 0; i < n; i++)
			all = all && seen[i];
		if (all)
			continue;
		/* forward: the unseen were never beaten by the seen; backward: the
		 * seen were never beaten by the unseen. */
		name_set(n, names, seen, dir != 0, a, sizeof a);
		name_set(n, names, seen, dir == 0, b, sizeof b);
		err_set(err,
			"no maximum-likelihood strengths: %s never lost (nor tied) against %s, "
			"so their strengths would be infinite; more comparisons are needed",
			a, b);
		goto out;
	}
	rc = 0;
out:
	free(seen);
	free(stack);
	return rc;
}

static double log_sigmoid(double x)
{
	return x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x));
}

static double loglik(size_t n, const double *wins, const double *theta)
{
	double l = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (j != i && wins[i * n + j] > 0)
				l += wins[i * n + j] * log_sigmoid(theta[i] - theta[j]);
	return l;
}

/* Solves A x = b in place (b becomes x) for a symmetric positive definite
 * m x m matrix A (overwritten by its Cholesky factor). */
static int cholesky_solve(size_t m, double *A, double *b)
{
	for (size_t j = 0; j < m; j++) {
		double s = A[j * m + j];

		for (size_t k = 0; k < j; k++)
			s -= A[j * m + k] * A[j * m + k];
		if (!(s > 0))
			return -1;
		A[j * m + j] = sqrt(s);
		for (size_t i = j + 1; i < m; i++) {
			double t = A[i * m + j];

			for (size_t k = 0; k < j; k++)
				t -= A[i * m + k] * A[j * m + k];
			A[i * m + j] = t / A[j * m + j];
		}
	}
	for (size_t i = 0; i < m; i++) {
		for (size_t k = 0; k < i; k++)
			b[i] -= A[i * m + k] * b[k];
		b[i] /= A[i * m + i];
	}
	for (size_t i = m; i-- > 0;) {
		for (size_t k = i + 1; k < m; k++)
			b[i] -= A[k * m + i] * b[k];
		b[i] /= A[i * m + i];
	}
	return 0;
}

int bt_fit_from(size_t n, const double *wins, const char *const *names, const double *start,
		double *strength, struct simsa_err *err)
{
	size_t m = n - 1;
	double *theta = NULL, *step, *trial, *A = NULL, mean = 0, l0;
	int rc = -1, iter;

	if (bt_check(n, wins, names, err) < 0)
		return -1;
	theta = calloc(3 * n, sizeof *theta);
	A = malloc(m * m * sizeof *A);
	if (!theta || !A) {
		err_set(err, "out of memory");
		goto out;
	}
	step = theta + n;
	trial = step + n;
	/* theta[0] stays 0; unknowns are theta[1..n-1]. */
	for (size_t i = 0; start && i < n; i++)
		theta[i] = log(start[i]) - log(start[0]);
	l0 = loglik(n, wins, theta);
	for (iter = 0; iter < MAX_ITER; iter++) {
		double big = 0, t = 1, lt = l0;

		memset(A, 0, m * m * sizeof *A);
		memset(step, 0, n * sizeof *step);
		for (size_t i = 0; i < n; i++) {
			for (size_t j = i + 1; j < n; j++) {
				double nij = wins[i * n + j] + wins[j * n + i], p, h;

				if (nij <= 0)
					continue;
				p = 1.0 / (1.0 + exp(theta[j] - theta[i]));
				h = nij * p * (1.0 - p);
				step[i] += wins[i * n + j] - nij * p; /* gradient */
				step[j] -= wins[i * n + j] - nij * p;
				if (i > 0)
					A[(i - 1) * m + (i - 1)] += h;
				A[(j - 1) * m + (j - 1)] += h;
				if (i > 0) {
					A[(i - 1) * m + (j - 1)] -= h;
					A[(j - 1) * m + (i - 1)] -= h;
				}
			}
		}
		if (cholesky_solve(m, A, step + 1) < 0) {
			err_set(err, "Bradley–Terry: singular information matrix");
			goto out;
		}
		step[0] = 0; /* theta[0] is fixed (it held its gradient) */
		for (size_t i = 1; i < n; i++)
			big = fmax(big, fabs(step[i]));
		/* Halve the step until the likelihood does not fall. */
		for (int h = 0; h < 60; h++, t /= 2) {
			for (size_t i = 0; i < n; i++)
				trial[i] = theta[i] + t * step[i];
			if ((lt = loglik(n, wins, trial)) >= l0 - 1e-12 * fabs(l0))
				break;
		}
		memcpy(theta, trial, n * sizeof *theta);
		l0 = lt;
		/* Converged: a negligible step, or a tiny one that rounding
		 * noise in the likelihood would not let through whole. */
		if (big * t < TOL || (big < 1e-8 && t < 1))
			break;
	}
	if (iter == MAX_ITER) {
		err_set(err, "Bradley–Terry: no convergence after %d Newton steps", MAX_ITER);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		mean += theta[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		strength[i] = exp(theta[i] - mean);
	rc = 0;
out:
	free(theta);
	free(A);
	return rc;
}

int bt_fit(size_t n, const double *wins, const char *const *names, double *strength,
	   struct simsa_err *err)
{
	return bt_fit_from(n, wins, names, NULL, strength, err);
}

void bt_expected(size_t n, const double *strength, double *expected)
{
	for (size_t i = 0; i < n; i++) {
		double s = 0;

		for (size_t j = 0; j < n; j++)
			if (j != i)
				s += strength[i] / (strength[i] + strength[j]);
		expected[i] = n > 1 ? s / (double)(n - 1) : 0.0;
	}
}

double bt_elo(double strength)
{
	return 1000.0 + 400.0 * log10(strength);
}
