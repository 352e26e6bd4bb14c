/* libFuzzer target: the JSON Lines reader (include/simsa/jsonl.h) and its
 * field accessors on any bytes. The reader takes a path, so the bytes go to
 * a file in /dev/shm. Checked besides not crashing: every object handed out
 * is an object; a text field accepted under TEXT_LINE has no control
 * character and at most 200 bytes, one accepted under TEXT_SLUG only
 * [A-Za-z0-9._-]; the file hash, once the end is reached, is the BLAKE2b-256
 * of all the bytes. `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simsa/jsonl.h"

#define CHECK(c)                                                                            \
	do {                                                                                \
		if (!(c)) {                                                                 \
			fprintf(stderr, "fuzz_jsonl: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                            \
		}                                                                           \
	} while (0)

static char path[64];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0)
		abort();
	snprintf(path, sizeof path, "/dev/shm/simsa-fuzz-jsonl-%ld.jsonl", (long)getpid());
	atexit(cleanup);
	return 0;
}

static void check_line_text(const char *s, size_t n)
{
	CHECK(n > 0 && n <= 200);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		CHECK(c >= 0x20 && c != 0x7f);
		CHECK(!(c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0));
	}
}

static void check_slug(const char *s, size_t n)
{
	CHECK(n >= 1 && n <= 64);
	for (size_t i = 0; i < n; i++)
		CHECK(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			     s[i]) &&
		      s[i]);
}

static void fields(const struct jsonl_reader *r, json_t *obj)
{
	static const char *const entrant_keys[] = { "name",     "team",        "model",
						    "endpoint", "api_key_env", "params",
						    "system",   "aliases",     NULL };
	static const int rules[] = { TEXT_ANY, TEXT_NONBLANK, TEXT_LINE, TEXT_SLUG,
				     TEXT_LINE | TEXT_SLUG };
	struct simsa_err err;
	const char *key, *s;
	size_t n;
	json_t *v;

	(void)jsonl_check_keys(r, obj, entrant_keys, &err);
	(void)jsonl_get_text(r, obj, "absent-key", false, TEXT_LINE, &s, &n, &err);
	CHECK(s == NULL);
	json_object_foreach(obj, key, v) {
		CHECK(jsonl_type_name(v) != NULL);
		for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
			if (jsonl_get_text(r, obj, key, true, rules[i], &s, &n, &err) < 0) {
				CHECK(s == NULL && err.msg[0]);
				continue;
			}
			CHECK(s != NULL && json_is_string(v) && n == json_string_length(v));
			if (rules[i] & TEXT_LINE)
				check_line_text(s, n);
			if (rules[i] & TEXT_SLUG)
				check_slug(s, n);
		}
		(void)jsonl_field_err(r, key, &err, "%s", "checked");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonl_reader r;
	struct simsa_err err;
	unsigned char got[HASH_LEN], want[HASH_LEN];
	json_t *obj;
	FILE *f;
	int rc;

	if (!(f = fopen(path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	CHECK(jsonl_open(&r, path, &err) == 0);
	while ((rc = jsonl_next(&r, &obj, &err)) == 1) {
		CHECK(json_is_object(obj));
		fields(&r, obj);
		json_decref(obj);
	}
	if (rc == 0) {
		jsonl_file_hash(&r, got);
		crypto_generichash(want, sizeof want, data, size, NULL, 0);
		CHECK(memcmp(got, want, sizeof got) == 0);
	} else {
		CHECK(err.msg[0]);
	}
	jsonl_close(&r);
	return 0;
}
