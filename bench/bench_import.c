/* Benchmark: importing the ko-arena-hard set (500 prompts, 3,000 outputs).
 *
 * Prints the import time and throughput in MB/s, its ratio to the issue's
 * target (5 s for the whole set), and its ratio to a baseline measured in
 * the same run: parsing the same lines with jansson alone, which is the
 * least any JSON Lines import must do. Best of several runs.
 * usage: bench_import DATA_DIR [RUNS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "simsa/import.h"
#include "simsa/round.h"
#include "simsa/store.h"
#include "simsa/util.h"

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

/* Baseline: read and parse every line, nothing else. */
static double parse_only(const char *const *paths, int n)
{
	double t0 = mono_seconds();
	char *line = NULL;
	size_t cap = 0;

	for (int i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "rb");
		ssize_t len;

		while ((len = getline(&line, &cap, f)) > 0) {
			json_t *v = json_loadb(line, (size_t)len, 0, NULL);

			if (!v) {
				fprintf(stderr, "parse error in %s\n", paths[i]);
				exit(1);
			}
			json_decref(v);
		}
		fclose(f);
	}
	free(line);
	return mono_seconds() - t0;
}

static double simsa_import(const char *dir, const char *const *paths, long *records)
{
	static const enum import_kind kinds[] = { IMPORT_ENTRANTS, IMPORT_PROMPTS, IMPORT_OUTPUTS };
	char db[4096];
	struct simsa_err err;
	struct store *st = NULL;
	double t0;

	snprintf(db, sizeof db, "%s/bench.db", dir);
	static const unsigned char no_key[32];

	if (round_init(db, "bench", NULL, 0, no_key, &err) < 0 || store_open(db, &st, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	*records = 0;
	t0 = mono_seconds();
	for (int i = 0; i < 3; i++) {
		struct import_result res;

		if (import_file(st, kinds[i], paths[i], &res, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			exit(1);
		}
		*records += res.records;
	}
	double t = mono_seconds() - t0;

	store_close(&st);
	unlink(db);
	return t;
}

int main(int argc, char **argv)
{
	char paths_buf[3][4096], tmpl[] = "/tmp/simsa-bench-XXXXXX";
	const char *paths[3];
	const char *names[3] = { "entrants.jsonl", "prompts.jsonl", "outputs.jsonl" };
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	double best_base = 1e9, best_imp = 1e9;
	long bytes = 0, records = 0;
	struct rusage ru;

	if (argc < 2 || sodium_init() < 0 || !mkdtemp(tmpl)) {
		fprintf(stderr, "usage: bench_import DATA_DIR [RUNS]\n");
		return 2;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(paths_buf[i], sizeof paths_buf[i], "%s/%s", argv[1], names[i]);
		paths[i] = paths_buf[i];
		bytes += file_size(paths[i]);
	}
	for (int r = 0; r < runs; r++) {
		double b = parse_only(paths, 3), t = simsa_import(tmpl, paths, &records);

		if (b < best_base)
			best_base = b;
		if (t < best_imp)
			best_imp = t;
	}
	rmdir(tmpl);
	getrusage(RUSAGE_SELF, &ru);
	printf("import: %ld records, %.1f MB in %.3f s = %.1f MB/s (best of %d)\n", records,
	       bytes / 1e6, best_imp, bytes / 1e6 / best_imp, runs);
	printf("import: baseline (jansson parse only) %.3f s = %.1f MB/s; import/baseline = %.2fx\n",
	       best_base, bytes / 1e6 / best_base, best_imp / best_base);
	printf("import: target 5 s for the set; import/target = %.3f (%s)\n", best_imp / 5.0,
	       best_imp < 5.0 ? "met" : "NOT MET");
	printf("import: peak RSS %.1f MB\n", ru.ru_maxrss / 1024.0);
	return 0;
}
