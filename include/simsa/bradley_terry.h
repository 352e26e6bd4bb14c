/* bradley_terry — Bradley–Terry maximum-likelihood strengths from pairwise wins.
 *
 * P(i beats j) = s_i / (s_i + s_j). Input is a matrix of (weighted) wins,
 * wins[i*n + j] = how much i won against j: a tie adds 1/2 to both
 * directions, a "much better" vote adds the rubric's weight. The MLE is
 * found by Newton's method on log-strengths (exact second derivatives,
 * step halving on the log-likelihood, Cholesky solve) to full double
 * precision, with no regularization, and normalized to geometric mean 1.
 *
 * It exists and is unique exactly when the "won against" graph is strongly
 * connected (Zermelo 1929; Ford 1957): otherwise some group of entrants
 * never lost to the rest, its strengths run off to infinity, and bt_fit
 * fails with a message naming that group. Docs: docs/scoring.md. */
#ifndef SIMSA_BRADLEY_TERRY_H
#define SIMSA_BRADLEY_TERRY_H

#include <stddef.h>

#include "simsa/err.h"

/* Checks that the MLE exists (every entrant compared, graph strongly
 * connected). names (may be NULL) are used in the message. */
int bt_check(size_t n, const double *wins, const char *const *names, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Fits strengths (n >= 2 of them, geometric mean 1) into strength[]. Calls
 * bt_check first. */
int bt_fit(size_t n, const double *wins, const char *const *names, double *strength,
	   struct simsa_err *err) __attribute__((warn_unused_result));

/* The same, with Newton's method started from the strengths start[] (all
 * > 0; NULL: all equal) instead of all equal: a bootstrap resample starts
 * from the point estimate and needs fewer steps. The maximum is the same;
 * the last digits may differ by the convergence tolerance (1e-13). */
int bt_fit_from(size_t n, const double *wins, const char *const *names, const double *start,
		double *strength, struct simsa_err *err) __attribute__((warn_unused_result));

/* expected[i] = mean over j != i of s_i / (s_i + s_j): i's chance against
 * an entrant drawn at random from the field. */
void bt_expected(size_t n, const double *strength, double *expected);

/* The Elo-scale rating 1000 + 400 log10(s): 400 points per factor of ten in
 * odds; with geometric mean 1 the ratings average exactly 1000. */
double bt_elo(double strength);

#endif
