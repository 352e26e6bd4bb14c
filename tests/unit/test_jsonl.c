/* Unit tests: the JSON Lines reader (src/input/jsonl.c). */
#include "testutil.h"

#include <sodium.h>

#include "simsa/jsonl.h"

static char *dir;

static int setup(void **state)
{
	dir = tmpdir_make();
	return 0;
}

static int teardown(void **state)
{
	tmpdir_remove(&dir);
	return 0;
}

/* Writes n bytes (may contain NUL) and returns the path. */
static char *write_bytes(const char *name, const char *data, size_t n)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	return path;
}

static void test_lines_across_chunks_and_last_line_without_newline(void **state)
{
	/* lines of 100 KiB straddle the reader's 64 KiB chunks */
	size_t len = 100 << 10;
	char *big = malloc(3 * (len + 32));
	size_t n = 0;
	struct jsonl_reader r;
	struct simsa_err err;
	json_t *obj;

	for (int i = 0; i < 3; i++) {
		n += (size_t)sprintf(big + n, "{\"k\": \"");
		memset(big + n, 'a' + i, len);
		n += len;
		n += (size_t)sprintf(big + n, "\"}%s", i < 2 ? "\n" : "");
	}
	char *path = write_bytes("chunks.jsonl", big, n);

	assert_int_equal(jsonl_open(&r, path, &err), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(jsonl_next(&r, &obj, &err), 1);
		assert_int_equal(r.lineno, i + 1);
		const char *s = json_string_value(json_object_get(obj, "k"));
		assert_int_equal(strlen(s), len);
		assert_int_equal(s[0], 'a' + i);
		assert_int_equal(s[len - 1], 'a' + i);
		json_decref(obj);
	}
	assert_int_equal(jsonl_next(&r, &obj, &err), 0);
	/* the reader's hash covers exactly the file's bytes */
	unsigned char h1[32], h2[32];
	jsonl_file_hash(&r, h1);
	crypto_generichash(h2, 32, (unsigned char *)big, n, NULL, 0);
	assert_memory_equal(h1, h2, 32);
	jsonl_close(&r);
	free(path);
	free(big);
}

static void test_line_too_long(void **state)
{
	size_t n = JSONL_MAX_LINE + 11; /* line 2: one byte over the cap */
	char *big = malloc(n + 1);
	struct jsonl_reader r;
	struct simsa_err err;
	json_t *obj;

	memcpy(big, "{\"ok\": 1}\n", 10);
	memset(big + 10, ' ', n - 10);
	char *path = write_bytes("long.jsonl", big, n);

	assert_int_equal(jsonl_open(&r, path, &err), 0);
	assert_int_equal(jsonl_next(&r, &obj, &err), 1);
	json_decref(obj);
	assert_int_equal(jsonl_next(&r, &obj, &err), -1);
	assert_non_null(strstr(err.msg, "long.jsonl:2: line longer than"));
	jsonl_close(&r);
	free(path);
	free(big);
}

static void test_nul_byte_is_malformed(void **state)
{
	struct jsonl_reader r;
	struct simsa_err err;
	json_t *obj;
	char *path = write_bytes("nul.jsonl", "{\"a\": \"x\0y\"}\n", 14);

	assert_int_equal(jsonl_open(&r, path, &err), 0);
	assert_int_equal(jsonl_next(&r, &obj, &err), -1);
	assert_non_null(strstr(err.msg, "nul.jsonl:1: malformed JSON"));
	jsonl_close(&r);
	free(path);
}

/* "\u0000" is valid JSON: the line parses, and each field decides. A
 * text kept with its length (TEXT_ALLOW_NUL: an output) holds it; any other
 * refuses it, naming file, line and field. */
static void test_escaped_nul_only_where_allowed(void **state)
{
	struct jsonl_reader r;
	struct simsa_err err;
	json_t *obj;
	const char *s;
	size_t n;
	char *path = write_bytes("nul2.jsonl", "{\"a\": \"x\\u0000y\"}\n", 18);

	(void)state;
	assert_int_equal(jsonl_open(&r, path, &err), 0);
	assert_int_equal(jsonl_next(&r, &obj, &err), 1);
	assert_int_equal(
		jsonl_get_text(&r, obj, "a", true, TEXT_NONBLANK | TEXT_ALLOW_NUL, &s, &n, &err),
		0);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "x\0y", 3);
	assert_int_equal(jsonl_get_text(&r, obj, "a", true, TEXT_NONBLANK, &s, &n, &err), -1);
	assert_non_null(strstr(err.msg, "nul2.jsonl:1: field 'a': contains a NUL character"));
	json_decref(obj);
	jsonl_close(&r);
	free(path);
}

static void test_invalid_utf8_names_byte(void **state)
{
	struct jsonl_reader r;
	struct simsa_err err;
	json_t *obj;
	/* an overlong encoding of '/' at byte 9 */
	char *path = write_bytes("u.jsonl", "{}\n\n{\"a\": \"\xc0\xaf\"}\n", 17);

	assert_int_equal(jsonl_open(&r, path, &err), 0);
	assert_int_equal(jsonl_next(&r, &obj, &err), 1);
	json_decref(obj);
	assert_int_equal(jsonl_next(&r, &obj, &err), -1);
	assert_string_equal(strstr(err.msg, "u.jsonl:"),
			    "u.jsonl:3: invalid UTF-8 at byte 8 of the line");
	jsonl_close(&r);
	free(path);
}

static void test_text_rules(void **state)
{
	struct jsonl_reader r;
	struct simsa_err err;
	json_t *obj;
	const char *s;
	size_t n;
	char *path = write_bytes("t.jsonl",
				 "{\"id\": \"a\\nb\", \"name\": \"ok-1.2_x\", "
				 "\"c1\": \"x\\u0085y\", \"blank\": \"\\u3000\"}\n",
				 72);

	assert_int_equal(jsonl_open(&r, path, &err), 0);
	assert_int_equal(jsonl_next(&r, &obj, &err), 1);
	assert_int_equal(jsonl_get_text(&r, obj, "id", true, TEXT_LINE, &s, &n, &err), -1);
	assert_non_null(strstr(err.msg, "field 'id': contains a line break"));
	assert_int_equal(jsonl_get_text(&r, obj, "c1", true, TEXT_LINE, &s, &n, &err), -1);
	assert_int_equal(jsonl_get_text(&r, obj, "name", true, TEXT_SLUG, &s, &n, &err), 0);
	assert_string_equal(s, "ok-1.2_x");
	assert_int_equal(n, 8);
	assert_int_equal(jsonl_get_text(&r, obj, "absent", false, TEXT_LINE, &s, &n, &err), 0);
	assert_null(s);
	json_decref(obj);
	jsonl_close(&r);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_across_chunks_and_last_line_without_newline),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_nul_byte_is_malformed),
		cmocka_unit_test(test_escaped_nul_only_where_allowed),
		cmocka_unit_test(test_invalid_utf8_names_byte),
		cmocka_unit_test(test_text_rules),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
