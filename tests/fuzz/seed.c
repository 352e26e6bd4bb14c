/* Writes two valid ballots (expert, user) as the fuzzer's seed corpus. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/ballot.h"

static void put(const char *path, const struct ballot *b)
{
	unsigned char *p;
	size_t n;
	struct simsa_err err;
	FILE *f;

	if (ballot_encode(b, &p, &n, &err) < 0 || !(f = fopen(path, "wb"))) {
		fprintf(stderr, "seed: %s\n", path);
		exit(1);
	}
	fwrite(p, 1, n, f);
	fclose(f);
	free(p);
}

int main(int argc, char **argv)
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
	snprintf(path, sizeof path, "%s/expert.bin", argc > 1 ? argv[1] : ".");
	put(path, &b);
	b.kind = BALLOT_USER;
	b.preference = 4;
	b.satisfaction = 0xFFFFFFFFu;
	strcpy(b.reason, "B가 낫다");
	b.has_supersedes = 1;
	snprintf(path, sizeof path, "%s/user.bin", argc > 1 ? argv[1] : ".");
	put(path, &b);
	return 0;
}
