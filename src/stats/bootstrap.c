/* bootstrap — seeded resampling and percentile intervals
 * (include/simsa/bootstrap.h). */
#include "simsa/bootstrap.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void boot_stream(struct drbg *d, uint64_t seed, const char *label)
{
	static const char prefix[] = "simsa/bootstrap/v1/";
	unsigned char key[DRBG_KEY_LEN], s[8];
	crypto_generichash_state st;

	for (int i = 0; i < 8; i++)
		s[i] = (unsigned char)(seed >> (8 * i));
	crypto_generichash_init(&st, NULL, 0, sizeof key);
	crypto_generichash_update(&st, (const unsigned char *)prefix, sizeof prefix - 1);
	crypto_generichash_update(&st, (const unsigned char *)label, strlen(label) + 1);
	crypto_generichash_update(&st, s, sizeof s);
	crypto_generichash_final(&st, key, sizeof key);
	drbg_init_key(d, key);
	sodium_memzero(key, sizeof key);
}

void boot_draw(struct drbg *d, uint32_t n, uint32_t *counts)
{
	memset(counts, 0, n * sizeof *counts);
	for (uint32_t k = 0; k < n; k++)
		counts[drbg_uniform(d, n)]++;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double boot_quantile(double *x, size_t n, double q)
{
	double h, f;
	size_t lo;

	if (n == 0)
		return NAN;
	qsort(x, n, sizeof *x, cmp_double);
	h = (double)(n - 1) * q;
	f = floor(h);
	lo = (size_t)f;
	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - f) * (x[lo + 1] - x[lo]);
}

void boot_interval95(double *x, size_t n, double *lo, double *hi)
{
	*lo = boot_quantile(x, n, 0.025);
	*hi = boot_quantile(x, n, 0.975);
}

void boot_rank(size_t n, const double *lo, const double *hi, int *rank)
{
	for (size_t i = 0; i < n; i++) {
		rank[i] = 1;
		for (size_t j = 0; j < n; j++)
			if (j != i && lo[j] > hi[i])
				rank[i]++;
	}
}
