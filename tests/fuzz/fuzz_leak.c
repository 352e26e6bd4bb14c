/* libFuzzer target: identity screening's rule (src/round/leak_fold.c) and
 * matching (src/round/leak_match.c) on any bytes, as a model's output may
 * be. Checked on every input, not only that nothing crashes: the folded
 * text is valid UTF-8 without NUL and as long as it says; its units tile it
 * in order, each from bytes inside the input, separators as one " " and tag
 * runs opened by one "\n"; every hit lies inside the input and its
 * context is safe to print. `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/round/leak_internal.h"
#include "simsa/leak_match.h"
#include "simsa/text.h"
#include "simsa/util.h"

#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_leak: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                           \
		}                                                                          \
	} while (0)

static struct leak_match *screen;

static void on_hit(void *ctx, const struct leak_hit *h)
{
	size_t size = *(const size_t *)ctx;

	CHECK(h->term && *h->term);
	CHECK(h->entrant >= LEAK_BUILTIN && h->entrant < 2);
	CHECK(h->len > 0 && h->offset + h->len <= size);
	CHECK(h->context && text_is_plain(h->context, strlen(h->context)));
	CHECK(!strchr(h->context, '\n'));
}

static void check_fold(const char *s, size_t size)
{
	struct leak_folded f;

	CHECK(leak_fold(s, size, &f) == 0);
	CHECK(strlen(f.text) == f.len && utf8_valid(f.text, f.len, NULL));
	CHECK(f.u[f.n].out == f.len);
	for (size_t i = 0; i < f.n; i++) {
		const struct leak_unit *u = &f.u[i];
		size_t bytes = f.u[i + 1].out - u->out;

		CHECK(u->out < f.u[i + 1].out);
		CHECK(i > 0 || u->out == 0);
		CHECK(u->src <= u->src_end && u->src_end <= size);
		CHECK(utf8_valid(f.text + u->out, bytes, NULL));
		if (u->cls == LEAK_SEP)
			CHECK(bytes == 1 && f.text[u->out] == ' ' && !u->gap);
		else if (u->cls == LEAK_BREAK)
			CHECK(bytes == 1 && f.text[u->out] == '\n' && !u->gap);
		else
			CHECK(u->cls <= LEAK_NOSPACE && !memchr(f.text + u->out, '\n', bytes) &&
			      !memchr(f.text + u->out, ' ', bytes));
		/* no two separators in a row */
		CHECK(!(i > 0 && u->cls == LEAK_SEP && f.u[i - 1].cls == LEAK_SEP));
	}
	leak_folded_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	if (!screen) {
		static char name[] = "Dasol", aliases[] = "[\"하늘AI\", \"D a s o l\", \"Ｃｏｍ\"]";
		struct in_entrant e[2] = { { .name = name, .aliases_json = aliases },
					   { .name = (char[]){ "ga on" } } };
		struct round_inputs in = { .entrants = e, .n_entrants = 2 };
		static const char *const words[] = { "zed", "클로드" };
		struct simsa_err err;

		if (leak_match_new(&in, words, 2, &screen, &err) < 0) {
			fprintf(stderr, "fuzz_leak: %s\n", err.msg);
			abort();
		}
	}
	check_fold(s, size);
	CHECK(leak_match_text(screen, s, size, on_hit, &size) >= 0);
	free(leak_normalize(s, size));
	/* a prefix folds without trouble too (a cut inside a character) */
	if (size > 1)
		check_fold(s, size / 2);
	return 0;
}
