/* libFuzzer target: a station's SSH public key line (include/simsa/sshkey.h)
 * on any bytes, as `rater add --ssh-key` and `rater ssh-key` read a file a
 * rater sent. What it accepts is "TYPE BASE64" in printable ASCII with one
 * space, parses again to itself and has a fingerprint; what it refuses
 * says so naming the file, in a message with no control byte (it is
 * printed through the sanitizer anyway). `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/sshkey.h"

#define CHECK(c)                                                                             \
	do {                                                                                 \
		if (!(c)) {                                                                  \
			fprintf(stderr, "fuzz_sshkey: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                             \
		}                                                                            \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct simsa_err err;
	char *key = NULL, *again = NULL, fp[SSHKEY_FP_LEN];
	size_t spaces = 0;

	if (sshkey_parse("k.pub", (const char *)data, size, &key, &err) < 0) {
		CHECK(key == NULL);
		CHECK(strncmp(err.msg, "k.pub:", 6) == 0 || strcmp(err.msg, "out of memory") == 0);
		for (const char *p = err.msg; *p; p++)
			CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f);
		return 0;
	}
	CHECK(key != NULL);
	for (const char *p = key; *p; p++) {
		CHECK((*p > 0x20 && *p < 0x7f) || *p == ' ');
		spaces += *p == ' ';
	}
	CHECK(spaces == 1);
	CHECK(sshkey_parse("k.pub", key, strlen(key), &again, &err) == 0);
	CHECK(strcmp(again, key) == 0);
	sshkey_fingerprint(key, fp);
	CHECK(strncmp(fp, "SHA256:", 7) == 0 && strlen(fp) == SSHKEY_FP_LEN - 1);
	free(again);
	free(key);
	return 0;
}
