/* bootstrap — seeded cluster resampling and percentile intervals.
 *
 * Randomness is the ChaCha20 stream of drbg.h under the key
 *   BLAKE2b-256("simsa/bootstrap/v1/" LABEL || 0x00 || seed as 8 bytes
 *               little-endian)
 * so an auditor with the seed gets the same resamples on any machine. One
 * resample of a set of n clusters draws n indices with drbg_uniform(n), in
 * order, and counts how often each cluster was drawn (its multiplicity).
 * Intervals are percentile intervals with the quantile definition of
 * Hyndman & Fan type 7 (numpy.percentile's default, R's quantile()
 * default): h = (B - 1) q, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])
 * over the B sorted replicates. */
#ifndef SIMSA_BOOTSTRAP_H
#define SIMSA_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

#include "simsa/drbg.h"

#define BOOT_DEFAULT_RESAMPLES 1000
#define BOOT_DEFAULT_SEED 1

/* Starts the stream for seed and a short ASCII label ("agreement", "rank"). */
void boot_stream(struct drbg *d, uint64_t seed, const char *label);

/* One resample of n clusters: counts[k] = how often cluster k was drawn
 * (n draws, sum of counts = n). */
void boot_draw(struct drbg *d, uint32_t n, uint32_t *counts);

/* The type-7 quantile q in [0, 1] of x[0..n) (sorted in place). */
double boot_quantile(double *x, size_t n, double q);

/* The 95% percentile interval of x[0..n) (sorted in place). */
void boot_interval95(double *x, size_t n, double *lo, double *hi);

/* Rank with statistical ties: rank[i] = 1 + the number of j whose lower
 * bound is above i's upper bound. */
void boot_rank(size_t n, const double *lo, const double *hi, int *rank);

#endif
