/* libFuzzer target: the rubric parser (include/simsa/rubric.h) on any bytes.
 * A rubric it accepts must be one that adds up: its component and points,
 * weights summing to 100, scales within the levels, every label present.
 * `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/rubric.h"

#define CHECK(c)                                                                             \
	do {                                                                                 \
		if (!(c)) {                                                                  \
			fprintf(stderr, "fuzz_rubric: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                             \
		}                                                                            \
	} while (0)

static void check_criterion(const struct rubric_criterion *c)
{
	CHECK(c->id && c->id[0]);
	CHECK(c->scale_min <= c->scale_max);
	CHECK(c->scale_max - c->scale_min + 1 <= RUBRIC_MAX_LEVELS);
	for (int lv = 0; lv <= c->scale_max - c->scale_min; lv++)
		CHECK(c->levels[lv].anchor_ko && c->levels[lv].anchor_en);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rubric *r = NULL;
	struct simsa_err err;
	int weights = 0;

	if (rubric_parse((const char *)data, size, "fuzz.rubric", &r, &err) < 0) {
		CHECK(r == NULL && err.msg[0]);
		return 0;
	}
	CHECK(r != NULL);
	CHECK(rubric_component_parse(rubric_component_name(r->component)) == r->component);
	if (r->component == RUBRIC_EXPERT) {
		CHECK(r->points == 35);
		CHECK(r->n_criteria >= 1 && r->n_criteria <= RUBRIC_MAX_CRITERIA);
		for (size_t i = 0; i < r->n_criteria; i++) {
			check_criterion(&r->criteria[i]);
			weights += r->criteria[i].weight;
			for (size_t j = 0; j < i; j++)
				CHECK(strcmp(r->criteria[i].id, r->criteria[j].id) != 0);
		}
		CHECK(weights == 100);
	} else {
		CHECK(r->component == RUBRIC_USER && r->points == 25);
		for (int p = 0; p < PREF_COUNT; p++)
			CHECK(rubric_pref_name((enum rubric_pref)p) != NULL);
		if (r->has_satisfaction)
			check_criterion(&r->satisfaction);
	}
	CHECK(r->much_better_weight >= 1);
	rubric_free(&r);
	CHECK(r == NULL);
	return 0;
}
