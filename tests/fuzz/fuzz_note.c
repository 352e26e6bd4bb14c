/* libFuzzer target: the checkpoint parser (include/simsa/note.h) on any
 * bytes, as `simsa verify --checkpoint` reads a published file. What it
 * accepts must give back its text exactly from the parsed fields
 * (checkpoint_body); what it refuses must say so in a message that is
 * plain text (no control byte, bidi or invalid UTF-8 echoed from the
 * file). `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/enc.h"
#include "simsa/note.h"
#include "simsa/text.h"

#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_note: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                           \
		}                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char pk[32];
	struct checkpoint cp;
	struct simsa_err err;
	struct buf b = { 0 };

	if (checkpoint_parse("fuzz.txt", (const char *)data, size, &cp, &err) < 0) {
		CHECK(strncmp(err.msg, "fuzz.txt", 8) == 0 ||
		      strcmp(err.msg, "out of memory") == 0);
		CHECK(text_is_plain(err.msg, strlen(err.msg)));
		checkpoint_release(&cp);
		return 0;
	}
	checkpoint_body(&cp, &b);
	CHECK(!b.oom && b.n == cp.text_len && memcmp(b.p, cp.text, b.n) == 0);
	CHECK(checkpoint_verify(&cp, pk) >= -1);
	buf_release(&b);
	checkpoint_release(&cp);
	return 0;
}
