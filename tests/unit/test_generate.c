/* Unit tests: generation (src/generate/, src/store/store_generate.c) — request
 * bodies, replies, Retry-After, backoff, key checks and scrubbing, the
 * round's pending pairs and log, and a run against a port nobody serves.
 * The behaviour against a real server is tested in tests/cli/generate.sh. */
#include "testutil.h"

#include <sodium.h>

#include "simsa/generate.h"
#include "simsa/import.h"
#include "simsa/store.h"

struct fx {
	char *dir;
	char db[512];
	struct store *st;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct import_result res;
	struct simsa_err err;
	char *e, *p;

	f->dir = tmpdir_make();
	snprintf(f->db, sizeof f->db, "%s/round.db", f->dir);
	if (store_create(f->db, "generate test", &f->st, &err) < 0)
		fail_msg("%s", err.msg);
	e = write_file(
		f->dir, "e.jsonl",
		"{\"name\": \"haneul\", \"model\": \"echo\", \"endpoint\": \"http://127.0.0.1:1/v1\", "
		"\"params\": {\"temperature\": 0.7}, \"system\": \"당신은 하늘입니다.\"}\n"
		"{\"name\": \"nuri\", \"model\": \"Nuri\"}\n");
	p = write_file(
		f->dir, "p.jsonl",
		"{\"id\": \"a\", \"category\": \"c\", \"prompt\": \"첫째\"}\n"
		"{\"id\": \"b\", \"category\": \"c\", \"prompt\": \"둘째\", \"system\": \"짧게\"}\n"
		"{\"id\": \"c\", \"category\": \"c\", \"prompt\": \"셋째\"}\n");
	if (import_file(f->st, IMPORT_ENTRANTS, e, &res, &err) < 0 ||
	    import_file(f->st, IMPORT_PROMPTS, p, &res, &err) < 0)
		fail_msg("%s", err.msg);
	free(e);
	free(p);
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

static void test_retry_after(void **state)
{
	time_t now = 1700000000;
	char date[64];
	struct tm tm;
	time_t later = now + 30;

	(void)state;
	assert_int_equal(gen_retry_after("1", now, 120), 1);
	assert_int_equal(gen_retry_after(" 7 \r\n", now, 120), 7);
	assert_int_equal(gen_retry_after("0", now, 120), 0);
	assert_int_equal(gen_retry_after("99999", now, 120), 120);
	assert_int_equal(gen_retry_after("123456789012345678901234567890", now, 60), 60);
	assert_int_equal(gen_retry_after("soon, maybe", now, 120), -1);
	assert_int_equal(gen_retry_after("-3", now, 120), -1);
	assert_int_equal(gen_retry_after("1.5", now, 120), -1);
	assert_int_equal(gen_retry_after("", now, 120), -1);
	assert_int_equal(gen_retry_after(NULL, now, 120), -1);
	gmtime_r(&later, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	assert_int_equal(gen_retry_after(date, now, 120), 30);
	assert_int_equal(gen_retry_after(date, now + 100, 120), 0); /* in the past */
	assert_int_equal(gen_retry_after(date, now - 1000, 120), 120);
}

static void test_backoff(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++) {
		long a = gen_backoff_ms(1, 500, 30000), b = gen_backoff_ms(3, 500, 30000),
		     c = gen_backoff_ms(30, 500, 30000);

		assert_true(a >= 250 && a <= 500);
		assert_true(b >= 1000 && b <= 2000);
		assert_true(c >= 15000 && c <= 30000);
	}
}

static void test_keys(void **state)
{
	struct simsa_err err;

	(void)state;
	assert_int_equal(gen_check_key("K", "sk-abc.DEF_123", &err), 0);
	assert_int_equal(gen_check_key("K", NULL, &err), -1);
	assert_non_null(strstr(err.msg, "K is not set"));
	assert_int_equal(gen_check_key("K", "", &err), -1);
	assert_non_null(strstr(err.msg, "K is empty"));
	assert_int_equal(gen_check_key("K", "sk-1\r\nX-Evil: 1", &err), -1);
	assert_non_null(strstr(err.msg, "line break"));
	assert_null(strstr(err.msg, "sk-1"));
	assert_int_equal(gen_check_key("K", "sk-\x01", &err), -1);
	assert_non_null(strstr(err.msg, "control character"));
	assert_int_equal(gen_check_key("K", "sk-비밀", &err), -1);
	assert_non_null(strstr(err.msg, "not printable ASCII"));
}

static void test_clean_text(void **state)
{
	const char *key = "sk-0123456789abcdef";
	char out[64], small[12];

	(void)state;
	gen_clean_text("bad key sk-0123456789abcdef!", 28, key, out, sizeof out);
	assert_string_equal(out, "bad key [key]!");
	/* a piece of at least 8 bytes, as servers quote keys */
	gen_clean_text("got sk-01234***cdef", 19, key, out, sizeof out);
	assert_string_equal(out, "got [key]***cdef");
	gen_clean_text("a\x1b[31mb\nc", 9, NULL, out, sizeof out);
	assert_string_equal(out, "a [31mb c");
	/* cut on a character boundary: 한 is 3 bytes */
	gen_clean_text("가나다라마바사", strlen("가나다라마바사"), NULL, small, sizeof small);
	assert_string_equal(small, "가나다");
	/* never the start of a key at the cut */
	gen_clean_text("xxxxxxsk-0123456789abcdef", 25, key, small, sizeof small);
	assert_null(strstr(small, "sk-"));
	/* a short key counts only whole */
	gen_clean_text("abc ab", 6, "abc", out, sizeof out);
	assert_string_equal(out, "[key] ab");
}

static void test_build_request(void **state)
{
	struct simsa_err err;
	char *body, *params;
	size_t len;

	(void)state;
	assert_int_equal(gen_build_request("echo", "{\"max_tokens\":64,\"temperature\":0.7}",
					   "entrant system", "질문", strlen("질문"), NULL, &body,
					   &len, &params, &err),
			 0);
	assert_string_equal(params, "{\"max_tokens\":64,\"model\":\"echo\",\"temperature\":0.7}");
	assert_int_equal(len, strlen(body));
	assert_non_null(strstr(body,
			       "\"messages\":[{\"content\":\"entrant system\",\"role\":\"system\"},"
			       "{\"content\":\"질문\",\"role\":\"user\"}]"));
	free(body);
	free(params);
	/* the prompt's system text wins; params.model overrides */
	assert_int_equal(gen_build_request("Display", "{\"model\":\"served\"}", "entrant", "q", 1,
					   "prompt system", &body, &len, &params, &err),
			 0);
	assert_string_equal(params, "{\"model\":\"served\"}");
	assert_non_null(strstr(body, "prompt system"));
	assert_null(strstr(body, "entrant"));
	free(body);
	free(params);
	/* refused */
	assert_int_equal(
		gen_build_request(NULL, NULL, NULL, "q", 1, NULL, &body, &len, &params, &err), -1);
	assert_non_null(strstr(err.msg, "no model"));
	assert_int_equal(gen_build_request("m", "{\"stream\":true}", NULL, "q", 1, NULL, &body,
					   &len, &params, &err),
			 -1);
	assert_non_null(strstr(err.msg, "'stream'"));
	assert_int_equal(gen_build_request("m", "{\"messages\":[]}", NULL, "q", 1, NULL, &body,
					   &len, &params, &err),
			 -1);
	assert_int_equal(
		gen_build_request("m", "[1]", NULL, "q", 1, NULL, &body, &len, &params, &err), -1);
}

static const char *parse(const char *body, struct gen_reply *r, char *detail)
{
	return gen_parse_reply(body, strlen(body), r, detail, 256);
}

static void test_parse_reply(void **state)
{
	struct gen_reply r;
	char detail[256];
	char *big;
	size_t n = (1u << 20) + 1;

	(void)state;
	assert_null(parse(
		"{\"choices\":[{\"message\":{\"content\":\"영희\"},\"finish_reason\":\"stop\"}],"
		"\"usage\":{\"total_tokens\":3,\"prompt_tokens\":1}}",
		&r, detail));
	assert_string_equal(r.text, "영희");
	assert_int_equal(r.len, strlen("영희"));
	assert_string_equal(r.finish_reason, "stop");
	assert_string_equal(r.usage_json, "{\"prompt_tokens\":1,\"total_tokens\":3}");
	gen_reply_release(&r);
	assert_null(parse(
		"{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"length\"}]}",
		&r, detail));
	assert_string_equal(r.finish_reason, "length");
	assert_null(r.usage_json);
	gen_reply_release(&r);
	assert_string_equal(parse("{\"choices\": [{\"message\": oops", &r, detail), "not JSON");
	assert_string_equal(parse("", &r, detail), "not JSON");
	assert_string_equal(parse("[1]", &r, detail), "not JSON");
	/* "\u0000" is valid JSON and models emit it: kept, with its length,
	 * shown as a placeholder like every control character */
	assert_null(parse("{\"choices\":[{\"message\":{\"content\":\"a\\u0000b\"}}]}", &r, detail));
	assert_int_equal(r.len, 3);
	assert_memory_equal(r.text, "a\0b", 3);
	gen_reply_release(&r);
	assert_string_equal(parse("{\"choices\":[]}", &r, detail), "no choices");
	assert_string_equal(parse("{\"id\":1}", &r, detail), "no choices");
	assert_string_equal(parse("{\"choices\":[{\"message\":{\"content\":\"\"}}]}", &r, detail),
			    "empty message");
	assert_string_equal(
		parse("{\"choices\":[{\"message\":{\"content\":\" \\n\\t\"}}]}", &r, detail),
		"empty message");
	assert_string_equal(parse("{\"choices\":[{\"message\":{\"content\":null}}]}", &r, detail),
			    "empty message");
	assert_non_null(strstr(detail, "null"));
	big = malloc(n + 64);
	assert_non_null(big);
	snprintf(big, 64, "%s", "{\"choices\":[{\"message\":{\"content\":\"");
	memset(big + strlen(big), 'x', n);
	memcpy(big + n + strlen("{\"choices\":[{\"message\":{\"content\":\""), "\"}}]}", 6);
	assert_string_equal(parse(big, &r, detail), "output over 1 MiB");
	free(big);
}

static void test_error_message(void **state)
{
	char out[64];
	const char *b1 = "{\"error\":{\"message\":\"bad key sk-0123456789\"}}";

	(void)state;
	gen_error_message(b1, strlen(b1), "sk-0123456789", out, sizeof out);
	assert_string_equal(out, "bad key [key]");
	gen_error_message("{\"detail\":\"Not Found\"}", 22, NULL, out, sizeof out);
	assert_string_equal(out, "Not Found");
	gen_error_message("<html>", 6, NULL, out, sizeof out);
	assert_string_equal(out, "");
}

static void test_store_pending_and_log(void **state)
{
	struct fx *f = *state;
	struct gen_entrant_rec *list;
	struct simsa_err err;
	int64_t rows[8], prow;
	size_t n;
	long missing, failed;
	struct output_rec o = { .text = "답", .text_len = 3, .origin = "generate" };
	struct gen_meta m = { .finish_reason = "stop",
			      .params_json = "{\"model\":\"echo\"}",
			      .latency_ms = 12,
			      .http_status = 200,
			      .attempts = 2 };
	struct gen_failure_rec fr = {
		.reason = "HTTP 500", .detail = "overloaded", .http_status = 500, .attempts = 4
	};

	assert_int_equal(store_gen_entrants(f->st, NULL, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "haneul");
	assert_string_equal(list[0].params_json, "{\"temperature\":0.7}");
	assert_null(list[1].endpoint);
	o.entrant_row = list[0].row;
	fr.entrant_row = list[0].row;
	store_gen_entrants_release(list, n);
	assert_int_equal(store_gen_entrants(f->st, "nobody", &list, &n, &err), 0);
	assert_int_equal(n, 0);
	store_gen_entrants_release(list, n);

	assert_int_equal(store_gen_pending(f->st, o.entrant_row, 0, false, rows, 8, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_gen_pending(f->st, o.entrant_row, rows[0], false, rows, 1, &n, &err),
			 0);
	assert_int_equal(n, 1);
	prow = rows[0]; /* the second prompt */
	o.prompt_row = prow;
	hash_bytes(o.text, o.text_len, o.hash);
	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(store_gen_put_output(f->st, &o, &m, &err), 1);
	assert_int_equal(store_gen_put_output(f->st, &o, &m, &err), 0); /* already there */
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(
		sql_int(f->db, "SELECT count(*) FROM output WHERE origin = 'generate' AND "
			       "finish_reason = 'stop' AND latency_ms = 12 AND params IS NOT NULL"),
		1);
	fr.prompt_row = prow + 1;
	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(store_gen_put_failure(f->st, &fr, &err), 0);
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(store_gen_count(f->st, o.entrant_row, &missing, &failed, &err), 0);
	assert_int_equal(missing, 2);
	assert_int_equal(failed, 1);
	assert_int_equal(store_gen_pending(f->st, o.entrant_row, 0, false, rows, 8, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_gen_pending(f->st, o.entrant_row, 0, true, rows, 8, &n, &err), 0);
	assert_int_equal(n, 2);

	/* the log goes with the draft outputs when the round opens; nothing
	 * is written once it is open */
	assert_int_equal(sql_exec(f->db, "UPDATE round SET state = 'open'"), SQLITE_OK);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM generation"), 0);
	assert_int_equal(store_gen_put_failure(f->st, &fr, &err), -1);
	assert_non_null(strstr(err.msg, "open"));
	o.prompt_row = prow + 1;
	assert_int_equal(store_gen_put_output(f->st, &o, &m, &err), -1);
}

static void test_run_unreachable(void **state)
{
	struct fx *f = *state;
	struct gen_options o;
	struct gen_summary s;
	struct simsa_err err;

	gen_options_default(&o);
	o.max_attempts = 2;
	o.backoff_ms = 1;
	o.connect_timeout_s = 2;
	assert_int_equal(gen_run(f->st, &o, &s, &err), 0);
	assert_int_equal(s.totals.total, 3);
	assert_int_equal(s.totals.failed, 3);
	assert_int_equal(s.totals.requests, 6);
	assert_int_equal(s.n_groups, 1);
	assert_string_equal(s.groups[0].reason, "cannot connect");
	assert_int_equal(s.groups[0].n_examples, 3);
	assert_int_equal(s.n_entrants, 2);
	assert_false(s.entrants[1].has_endpoint);
	assert_int_equal(s.entrants[1].missing, 3);
	gen_summary_release(&s);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM generation WHERE status = 'failed' "
					"AND attempts = 2 AND reason = 'cannot connect'"),
			 3);
	/* failed pairs are skipped unless retried */
	assert_int_equal(gen_run(f->st, &o, &s, &err), 0);
	assert_int_equal(s.totals.requests, 0);
	assert_int_equal(s.skipped_failed, 3);
	gen_summary_release(&s);
}

static void test_run_refusals(void **state)
{
	struct fx *f = *state;
	struct gen_options o;
	struct gen_summary s;
	struct simsa_err err;
	volatile sig_atomic_t stop = 1;

	gen_options_default(&o);
	o.entrant = "ghost";
	assert_int_equal(gen_run(f->st, &o, &s, &err), -1);
	assert_non_null(strstr(err.msg, "no entrant named 'ghost'"));
	gen_summary_release(&s);
	o.entrant = "nuri";
	assert_int_equal(gen_run(f->st, &o, &s, &err), -1);
	assert_non_null(strstr(err.msg, "has no endpoint"));
	gen_summary_release(&s);
	assert_int_equal(
		sql_exec(f->db, "UPDATE entrant SET api_key_env = 'SIMSA_TEST_NO_SUCH_KEY'"),
		SQLITE_OK);
	o.entrant = NULL;
	assert_int_equal(gen_run(f->st, &o, &s, &err), -1);
	assert_non_null(strstr(err.msg, "entrant 'haneul': the environment variable "
					"SIMSA_TEST_NO_SUCH_KEY is not set"));
	gen_summary_release(&s);
	assert_int_equal(sql_exec(f->db, "UPDATE entrant SET api_key_env = NULL"), SQLITE_OK);
	o.stop = &stop; /* Ctrl-C before anything was asked */
	assert_int_equal(gen_run(f->st, &o, &s, &err), 0);
	assert_true(s.interrupted);
	assert_int_equal(s.totals.requests, 0);
	gen_summary_release(&s);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_build_request),
		cmocka_unit_test(test_parse_reply),
		cmocka_unit_test(test_error_message),
		T(test_store_pending_and_log),
		T(test_run_unreachable),
		T(test_run_refusals),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
