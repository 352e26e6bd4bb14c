/* Unit tests: JSON Lines imports (src/input/import.c) — every bad input is
 * refused with its line and field, and leaves the round unchanged. */
#include "testutil.h"

#include <sodium.h>

#include "simsa/import.h"
#include "simsa/jsonl.h"
#include "simsa/store.h"

struct fx {
	char *dir;
	char db[512];
	struct store *st;
};

static const char ENTRANTS[] =
	"{\"name\": \"haneul\", \"team\": \"하늘연구소\", \"model\": \"Haneul-7B\", "
	"\"aliases\": [\"하늘\", \"haneul-lm\"]}\n"
	"{\"name\": \"gaon\", \"team\": \"가온\", \"endpoint\": \"http://127.0.0.1:8000/v1\", "
	"\"api_key_env\": \"GAON_KEY\", \"params\": {\"temperature\": 0.7}}\n";

static const char PROMPTS[] =
	"{\"id\": \"reason-001\", \"category\": \"reasoning\", \"prompt\": \"철수는 영희보다 키가 크다. 누가 더 작은가?\", "
	"\"reference\": \"영희\"}\n"
	"{\"id\": \"write-001\", \"category\": \"writing\", \"prompt\": \"가을에 대한 짧은 시를 써 주세요.\", "
	"\"system\": \"당신은 시인입니다.\"}\n";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct simsa_err err;

	f->dir = tmpdir_make();
	snprintf(f->db, sizeof f->db, "%s/round.db", f->dir);
	if (store_create(f->db, "import test", &f->st, &err) < 0)
		fail_msg("%s", err.msg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(&f->st);
	tmpdir_remove(&f->dir);
	free(f);
	return 0;
}

static void import_ok(struct fx *f, enum import_kind kind, const char *text, long expect)
{
	struct import_result res;
	struct simsa_err err;
	char *path = write_file(f->dir, "in.jsonl", text);

	if (import_file(f->st, kind, path, &res, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.records, expect);
	free(path);
}

static void load_entrants_and_prompts(struct fx *f)
{
	import_ok(f, IMPORT_ENTRANTS, ENTRANTS, 2);
	import_ok(f, IMPORT_PROMPTS, PROMPTS, 2);
}

/* A snapshot of everything the inputs hold, to show a refused import
 * changed nothing. */
static long long fingerprint(struct fx *f)
{
	return sql_int(
		f->db,
		"SELECT (SELECT count(*) FROM practice) * 100000000 + "
		"(SELECT count(*) FROM entrant) * 1000000 + "
		"(SELECT count(*) FROM prompt) * 10000 + (SELECT count(*) FROM output) * 100 + "
		"(SELECT count(*) FROM import_log)");
}

/* The message of the last refusal, for checks refused() does not make. */
static char last_refusal[sizeof(((struct simsa_err *)0)->msg)];

/* Imports text, expects refusal with each of the fragments in the message
 * and no change to the round. */
static void refused(struct fx *f, enum import_kind kind, const char *text, const char *frag1,
		    const char *frag2)
{
	struct import_result res;
	struct simsa_err err;
	long long before = fingerprint(f);
	char *path = write_file(f->dir, "bad.jsonl", text);

	assert_int_equal(import_file(f->st, kind, path, &res, &err), -1);
	snprintf(last_refusal, sizeof last_refusal, "%s", err.msg);
	if (!strstr(err.msg, frag1) || (frag2 && !strstr(err.msg, frag2)))
		fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err.msg, frag1,
			 frag2 ? frag2 : "");
	assert_non_null(strstr(err.msg, "bad.jsonl:"));
	assert_int_equal(res.records, 0);
	assert_true(fingerprint(f) == before);
	free(path);
}

static void test_good_files(void **state)
{
	struct fx *f = *state;
	struct store_counts c;
	struct simsa_err err;

	load_entrants_and_prompts(f);
	import_ok(
		f, IMPORT_OUTPUTS,
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"haneul\", \"output\": \"영희가 더 작습니다.\"}\n"
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", \"output\": \"영희\"}\n",
		2);
	assert_int_equal(store_counts(f->st, &c, &err), 0);
	assert_int_equal(c.entrants, 2);
	assert_int_equal(c.prompts, 2);
	assert_int_equal(c.outputs, 2);
	assert_int_equal(c.prompts_incomplete, 1);
	assert_int_equal(c.imports, 3);
	assert_int_equal(sql_int(f->db,
				 "SELECT count(*) FROM entrant WHERE name = 'gaon' AND "
				 "params = '{\"temperature\":0.7}' AND api_key_env = 'GAON_KEY'"),
			 1);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM prompt WHERE ext_id = 'reason-001' "
					"AND reference = '영희'"),
			 1);
}

/* The text is stored byte for byte, with its BLAKE2b-256. */
static void test_output_stored_exactly_with_hash(void **state)
{
	struct fx *f = *state;
	/* CR LF, tab, an escape sequence, bidi override, emoji, decomposed Hangul */
	const char text[] =
		"첫 줄\r\n\t둘째 \x1b[31m빨강\x1b[0m \xe2\x80\xae 뒤집기 "
		"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb \xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab";
	unsigned char h[32];
	char hex[65], q[256];

	load_entrants_and_prompts(f);
	import_ok(f, IMPORT_OUTPUTS,
		  "{\"prompt_id\": \"write-001\", \"entrant\": \"gaon\", \"output\": "
		  "\"첫 줄\\r\\n\\t둘째 \\u001b[31m빨강\\u001b[0m \\u202e 뒤집기 "
		  "\\ud83d\\udc69\\u200d\\ud83d\\udcbb \\u1112\\u1161\\u11ab\"}\n",
		  1);
	assert_int_equal(sql_int(f->db, "SELECT length(CAST(text AS BLOB)) FROM output"),
			 (long long)strlen(text));
	crypto_generichash(h, 32, (const unsigned char *)text, strlen(text), NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	snprintf(q, sizeof q, "SELECT count(*) FROM output WHERE lower(hex(hash)) = '%s'", hex);
	assert_int_equal(sql_int(f->db, q), 1);
	/* compare the stored bytes themselves */
	sqlite3 *h2;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(f->db, &h2), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h2, "SELECT text FROM output", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_memory_equal(sqlite3_column_blob(s, 0), text, strlen(text));
	sqlite3_finalize(s);
	sqlite3_close(h2);
}

static void test_bom_crlf_and_blank_lines(void **state)
{
	struct fx *f = *state;

	import_ok(f, IMPORT_ENTRANTS, "\xEF\xBB\xBF{\"name\": \"a\"}\r\n\r\n   \n{\"name\": \"b\"}",
		  2);
}

static void test_malformed_json(void **state)
{
	struct fx *f = *state;

	load_entrants_and_prompts(f);
	refused(f, IMPORT_PROMPTS,
		"{\"id\": \"x1\", \"category\": \"c\", \"prompt\": \"p\"}\n"
		"{\"id\": \"x2\", \"category\": \"c\", \"prompt\": \"p\"\n",
		"bad.jsonl:2:", "malformed JSON");
}

static void test_invalid_utf8(void **state)
{
	struct fx *f = *state;

	load_entrants_and_prompts(f);
	refused(f, IMPORT_PROMPTS,
		"{\"id\": \"x1\", \"category\": \"c\", \"prompt\": \"p\"}\n"
		"{\"id\": \"x2\", \"category\": \"c\", \"prompt\": \"\xed\x95\x9c\xc3\"}\n"
		"{\"id\": \"x3\", \"category\": \"c\", \"prompt\": \"p\"}\n",
		"bad.jsonl:2:", "invalid UTF-8");
}

/* "\u0000" is valid JSON and models emit it: an output keeps it, whole,
 * with the text after it in the hash; a field kept as a C string (a prompt,
 * a name) refuses it, naming file, line and field, rather than cut itself
 * short there. */
static void test_nul_in_output_kept_elsewhere_refused(void **state)
{
	struct fx *f = *state;
	static const char text[] = "앞\0뒤 after";
	unsigned char h[32];
	char hex[65], q[256];

	load_entrants_and_prompts(f);
	import_ok(f, IMPORT_OUTPUTS,
		  "{\"prompt_id\": \"write-001\", \"entrant\": \"gaon\", \"output\": "
		  "\"앞\\u0000뒤 after\"}\n",
		  1);
	assert_int_equal(sql_int(f->db, "SELECT length(CAST(text AS BLOB)) FROM output"),
			 (long long)sizeof text - 1);
	crypto_generichash(h, 32, (const unsigned char *)text, sizeof text - 1, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	snprintf(q, sizeof q, "SELECT count(*) FROM output WHERE lower(hex(hash)) = '%s'", hex);
	assert_int_equal(sql_int(f->db, q), 1);
	refused(f, IMPORT_PROMPTS,
		"{\"id\": \"x-1\", \"category\": \"c\", \"prompt\": \"a\\u0000b\"}\n",
		"bad.jsonl:1: field 'prompt': contains a NUL character", NULL);
	refused(f, IMPORT_ENTRANTS, "{\"name\": \"z\", \"team\": \"t\\u0000\"}\n",
		"bad.jsonl:1: field 'team': contains a NUL character", NULL);
}

static void test_missing_field(void **state)
{
	struct fx *f = *state;

	load_entrants_and_prompts(f);
	refused(f, IMPORT_OUTPUTS, "{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\"}\n",
		"bad.jsonl:1: field 'output': missing", NULL);
	refused(f, IMPORT_PROMPTS, "{\"id\": \"x\", \"prompt\": \"p\"}\n",
		"bad.jsonl:1: field 'category': missing", NULL);
	refused(f, IMPORT_ENTRANTS, "{\"team\": \"t\"}\n", "bad.jsonl:1: field 'name': missing",
		NULL);
}

static void test_mistyped_field(void **state)
{
	struct fx *f = *state;

	load_entrants_and_prompts(f);
	refused(f, IMPORT_OUTPUTS,
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", \"output\": \"ok\"}\n"
		"{\"prompt_id\": \"write-001\", \"entrant\": \"gaon\", \"output\": 42}\n",
		"bad.jsonl:2: field 'output': expected a string, got a number", NULL);
	refused(f, IMPORT_ENTRANTS, "{\"name\": \"z\", \"params\": [1]}\n",
		"bad.jsonl:1: field 'params': expected an object, got an array", NULL);
	refused(f, IMPORT_ENTRANTS, "{\"name\": \"z\", \"aliases\": [\"ok\", 3]}\n",
		"bad.jsonl:1: field 'aliases': item 2", NULL);
	refused(f, IMPORT_ENTRANTS, "[\"name\"]\n", "bad.jsonl:1: expected a JSON object", NULL);
}

static void test_unknown_field_and_bad_values(void **state)
{
	struct fx *f = *state;

	refused(f, IMPORT_ENTRANTS, "{\"name\": \"z\", \"modle\": \"typo\"}\n",
		"bad.jsonl:1: field 'modle': unknown field", NULL);
	refused(f, IMPORT_ENTRANTS, "{\"name\": \"two words\"}\n",
		"bad.jsonl:1: field 'name': \"two words\" is not a valid name", NULL);
	refused(f, IMPORT_ENTRANTS, "{\"name\": \"z\", \"endpoint\": \"ftp://x\"}\n",
		"field 'endpoint'", "http");
	refused(f, IMPORT_ENTRANTS,
		"{\"name\": \"z\", \"endpoint\": \"http://x/v1\", \"api_key_env\": \"sk-12345\"}\n",
		"field 'api_key_env'", "not a key");
	refused(f, IMPORT_ENTRANTS,
		"{\"name\": \"z\", \"endpoint\": \"https://bob:hunter2@x.example/v1\"}\n",
		"bad.jsonl:1: field 'endpoint'", "credentials");
	assert_null(strstr(last_refusal, "hunter2"));
	refused(f, IMPORT_ENTRANTS,
		"{\"name\": \"z\", \"endpoint\": \"http://tok3n@x.example:8000/v1\"}\n",
		"bad.jsonl:1: field 'endpoint'", "credentials");
	assert_null(strstr(last_refusal, "tok3n"));
	import_ok(f, IMPORT_ENTRANTS,
		  "{\"name\": \"y\", \"endpoint\": \"http://x.example/v1/a@b\"}\n", 1);
	refused(f, IMPORT_ENTRANTS, "{\"name\": \"z\", \"name\": \"y\"}\n",
		"bad.jsonl:1: malformed JSON", "duplicate");
}

static void test_duplicate_ids(void **state)
{
	struct fx *f = *state;

	load_entrants_and_prompts(f);
	refused(f, IMPORT_PROMPTS,
		"{\"id\": \"n1\", \"category\": \"c\", \"prompt\": \"p\"}\n"
		"{\"id\": \"n2\", \"category\": \"c\", \"prompt\": \"p\"}\n"
		"{\"id\": \"n1\", \"category\": \"c\", \"prompt\": \"p\"}\n",
		"bad.jsonl:3: field 'id': duplicate prompt id (first on line 1)", NULL);
	refused(f, IMPORT_PROMPTS,
		"{\"id\": \"reason-001\", \"category\": \"c\", \"prompt\": \"p\"}\n",
		"bad.jsonl:1: field 'id': prompt 'reason-001' is already in the round", NULL);
	refused(f, IMPORT_ENTRANTS, "{\"name\": \"new\"}\n{\"name\": \"haneul\"}\n",
		"bad.jsonl:2: field 'name': entrant 'haneul' is already in the round", NULL);
}

static void test_unknown_references(void **state)
{
	struct fx *f = *state;

	load_entrants_and_prompts(f);
	refused(f, IMPORT_OUTPUTS,
		"{\"prompt_id\": \"nope-404\", \"entrant\": \"gaon\", \"output\": \"x\"}\n",
		"bad.jsonl:1: field 'prompt_id': unknown prompt 'nope-404'", NULL);
	refused(f, IMPORT_OUTPUTS,
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"ghost\", \"output\": \"x\"}\n",
		"bad.jsonl:1: field 'entrant': unknown entrant 'ghost'", NULL);
}

static void test_two_outputs_for_one_pair(void **state)
{
	struct fx *f = *state;

	load_entrants_and_prompts(f);
	refused(f, IMPORT_OUTPUTS,
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", \"output\": \"하나\"}\n"
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", \"output\": \"둘\"}\n",
		"bad.jsonl:2: field 'entrant': duplicate output for this prompt and entrant "
		"(first on line 1)",
		NULL);
	import_ok(f, IMPORT_OUTPUTS,
		  "{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", \"output\": \"하나\"}\n",
		  1);
	refused(f, IMPORT_OUTPUTS,
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", \"output\": \"둘\"}\n",
		"bad.jsonl:1: field 'entrant': the round already has an output of 'gaon' "
		"for prompt 'reason-001'",
		NULL);
}

static void test_empty_and_oversized_text(void **state)
{
	struct fx *f = *state;
	size_t big = JSONL_MAX_TEXT + 1;
	char *line = malloc(big + 128);

	load_entrants_and_prompts(f);
	refused(f, IMPORT_OUTPUTS,
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", \"output\": \"\"}\n",
		"bad.jsonl:1: field 'output': empty", NULL);
	refused(f, IMPORT_OUTPUTS,
		"{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", \"output\": \" \\n\\t \"}\n",
		"bad.jsonl:1: field 'output': empty", NULL);
	int n = snprintf(line, big + 128,
			 "{\"prompt_id\": \"reason-001\", \"entrant\": \"gaon\", "
			 "\"output\": \"");
	memset(line + n, 'x', big);
	snprintf(line + n + big, 8, "\"}\n");
	refused(f, IMPORT_OUTPUTS, line,
		"bad.jsonl:1: field 'output': 1048577 bytes, more than "
		"the 1048576 allowed",
		NULL);
	/* exactly at the cap is fine */
	memset(line + n, 'y', big - 1);
	snprintf(line + n + big - 1, 8, "\"}\n");
	import_ok(f, IMPORT_OUTPUTS, line, 1);
	free(line);
}

static void test_empty_file_and_missing_file(void **state)
{
	struct fx *f = *state;
	struct import_result res;
	struct simsa_err err;

	refused(f, IMPORT_ENTRANTS, "\n \n", "no records", NULL);
	assert_int_equal(import_file(f->st, IMPORT_ENTRANTS, "/nonexistent/x.jsonl", &res, &err),
			 -1);
	assert_non_null(strstr(err.msg, "/nonexistent/x.jsonl: cannot open"));
}

static void test_refused_once_open(void **state)
{
	struct fx *f = *state;

	load_entrants_and_prompts(f);
	assert_int_equal(sql_exec(f->db, "UPDATE round SET state = 'open'"), SQLITE_OK);
	struct import_result res;
	struct simsa_err err;
	char *path = write_file(f->dir, "late.jsonl", "{\"name\": \"late\"}\n");

	assert_int_equal(import_file(f->st, IMPORT_ENTRANTS, path, &res, &err), -1);
	assert_non_null(strstr(err.msg, "the round is open"));
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM entrant"), 2);
	free(path);
}

/* Practice tasks: stored as given, each refusal names its line and field,
 * and only a round with the role's rubric takes them. */
static void test_practice(void **state)
{
	struct fx *f = *state;
	static const char good[] =
		"{\"id\": \"p1\", \"role\": \"user\", \"required\": true, \"prompt\": \"서울의 인구는?\", "
		"\"a\": \"약 940만 명\\n입니다.\", \"b\": \"수도입니다.\", \"note_ko\": \"A가 답한다\", "
		"\"note_en\": \"A answers\"}\n"
		"{\"id\": \"p2\", \"role\": \"expert\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\", "
		"\"reference\": \"r\"}\n";

	refused(f, IMPORT_PRACTICE, good, "bad.jsonl:1: field 'role'", "no user rubric");
	assert_int_equal(sql_exec(f->db, "INSERT INTO rubric (component, source, text, hash) "
					 "VALUES ('user', '', 'u', zeroblob(32)), "
					 "('expert', '', 'e', zeroblob(32))"),
			 SQLITE_OK);
	import_ok(f, IMPORT_PRACTICE, good, 2);
	assert_int_equal(sql_int(f->db,
				 "SELECT count(*) FROM practice WHERE ext_id = 'p1' AND "
				 "role = 'user' AND required = 1 AND prompt = '서울의 인구는?' "
				 "AND answer_a = '약 940만 명' || char(10) || '입니다.' AND "
				 "answer_b = '수도입니다.' AND reference IS NULL AND "
				 "note_ko = 'A가 답한다' AND note_en = 'A answers'"),
			 1);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM practice WHERE ext_id = 'p2' AND "
					"required = 0 AND reference = 'r' AND note_ko IS NULL"),
			 1);
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p1\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\"}\n",
		"bad.jsonl:1: field 'id'", "already in the round");
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p3\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\"}\n"
		"{\"id\": \"p3\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\"}\n",
		"bad.jsonl:2: field 'id'", "duplicate practice id (first on line 1)");
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p4\", \"role\": \"auditor\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\"}\n",
		"field 'role'", "expected user or expert");
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p4\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\"}\n",
		"field 'b'", NULL);
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p4\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \" \"}\n",
		"field 'b'", NULL);
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p4\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\\u0000y\", \"b\": \"y\"}\n",
		"field 'a'", NULL);
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p4\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\", \"required\": \"yes\"}\n",
		"field 'required'", "expected true or false");
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p4\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\", \"note_ko\": \"n\"}\n",
		"field 'note_en'", "both");
	{
		char line[1400];

		snprintf(
			line, sizeof line,
			"{\"id\": \"p4\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": "
			"\"y\", \"note_ko\": \"%01001d\", \"note_en\": \"n\"}\n",
			0);
		refused(f, IMPORT_PRACTICE, line, "field 'note_ko'", "longer than 1000 bytes");
	}
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p4\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\", \"reference\": \"r\"}\n",
		"field 'reference'", "experts only");
	refused(f, IMPORT_PRACTICE,
		"{\"id\": \"p4\", \"role\": \"user\", \"prompt\": \"q\", \"a\": \"x\", \"b\": \"y\", \"gold\": 1}\n",
		"gold", NULL);
	/* frozen once open, by the file itself */
	assert_int_equal(sql_exec(f->db, "UPDATE round SET state = 'open'"), SQLITE_OK);
	assert_int_not_equal(sql_exec(f->db, "UPDATE practice SET prompt = 'x'"), SQLITE_OK);
	assert_int_not_equal(sql_exec(f->db, "DELETE FROM practice"), SQLITE_OK);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM practice"), 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_good_files),
		T(test_output_stored_exactly_with_hash),
		T(test_bom_crlf_and_blank_lines),
		T(test_malformed_json),
		T(test_invalid_utf8),
		T(test_nul_in_output_kept_elsewhere_refused),
		T(test_missing_field),
		T(test_mistyped_field),
		T(test_unknown_field_and_bad_values),
		T(test_duplicate_ids),
		T(test_unknown_references),
		T(test_two_outputs_for_one_pair),
		T(test_empty_and_oversized_text),
		T(test_empty_file_and_missing_file),
		T(test_refused_once_open),
		T(test_practice),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
