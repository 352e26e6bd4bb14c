/* libFuzzer target: the check of an instructions file (include/simsa/
 * instructions.h) on any bytes. What it accepts is valid UTF-8 and holds no
 * NUL, no control character but tab and line ends (LF, CR LF), no C1
 * control and no bidirectional control; every refusal names the file.
 * `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/instructions.h"
#include "simsa/util.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_instructions: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct simsa_err err;
	bool blank = true;

	if (instructions_check("fuzz.md", (const char *)data, size, &err) < 0) {
		CHECK(strncmp(err.msg, "fuzz.md", 7) == 0);
		return 0;
	}
	CHECK(size <= INSTRUCTIONS_MAX_BYTES);
	CHECK(utf8_valid((const char *)data, size, NULL));
	for (size_t i = 0; i < size; i++) {
		uint8_t c = data[i];

		CHECK(c >= 0x20 || c == '\t' || c == '\n' ||
		      (c == '\r' && i + 1 < size && data[i + 1] == '\n'));
		CHECK(c != 0x7f);
		if (c == 0xc2 && i + 1 < size)
			CHECK(data[i + 1] < 0x80 || data[i + 1] > 0x9f); /* C1 */
		if (c == 0xe2 && i + 2 < size && data[i + 1] == 0x80)
			CHECK(!(data[i + 2] >= 0xaa && data[i + 2] <= 0xae) &&
			      data[i + 2] != 0x8e && data[i + 2] != 0x8f);
		if (c == 0xe2 && i + 2 < size && data[i + 1] == 0x81)
			CHECK(!(data[i + 2] >= 0xa6 && data[i + 2] <= 0xa9));
		if (c == 0xd8 && i + 1 < size)
			CHECK(data[i + 1] != 0x9c);
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			blank = false;
	}
	CHECK(!blank);
	return 0;
}
