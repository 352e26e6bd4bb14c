/* Unit tests: a rater's session — tasks, drafts, casting, chains,
 * supersession, many raters casting into one round at once, and the
 * task summaries of the task list. */
#include "testutil.h"

#include <sys/wait.h>

#include "fixture.h"
#include "simsa/ballot.h"
#include "simsa/session.h"

static int setup(void **state)
{
	struct round_fx *f = malloc(sizeof *f);

	fx_open_round(f, 3, 6, 6, 3); /* 3 pairs x 2 per slot = 6 users */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct round_fx *f = *state;

	fx_release(f);
	free(f);
	return 0;
}

static struct session *start(struct round_fx *f, const char *name)
{
	struct session *s = NULL;
	struct simsa_err err;

	if (session_start(f->db, name, fx_unlock(f, name), &s, &err) < 0)
		fail_msg("%s", err.msg);
	return s;
}

static void user_answer(struct answer *a, int pref)
{
	answer_init(a);
	a->preference = pref;
	a->active_seconds = 42;
	strcpy(a->reason, "A가 더 자세하다");
}

static void test_start_refusals(void **state)
{
	struct round_fx *f = *state;
	struct session *s = NULL;
	struct simsa_err err;

	assert_int_equal(session_start(f->db, "nobody", fx_unlock(f, "user0"), &s, &err), -1);
	assert_non_null(strstr(err.msg, "no rater named 'nobody'"));
	assert_int_equal(session_start(f->db, "user1", fx_unlock(f, "user0"), &s, &err), -1);
	assert_non_null(strstr(err.msg, "not the key enrolled for 'user1'"));
	assert_null(s);
}

static void test_tasks_are_blind_and_complete(void **state)
{
	struct round_fx *f = *state;
	struct session *s = start(f, "user0");
	struct task_view v;
	struct simsa_err err;

	/* 6 prompts x 3 pairs x 2 per slot over 6 users */
	assert_int_equal(session_task_count(s), 6);
	assert_int_equal(session_done_count(s), 0);
	assert_int_equal(session_first_open(s), 0);
	assert_int_equal(session_role(s), ROLE_USER);
	assert_int_equal(session_rubric(s)->component, RUBRIC_USER);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(session_task(s, i, &v, &err), 0);
		assert_non_null(strstr(v.text[0], "답변"));
		assert_non_null(strstr(v.text[1], "답변"));
		assert_string_not_equal(v.output_id[0], v.output_id[1]);
		assert_null(v.reference); /* users never see the reference */
		assert_int_equal(strlen(v.output_id[0]), 32);
	}
	session_end(&s);
	s = start(f, "expert0");
	assert_int_equal(session_task(s, 0, &v, &err), 0);
	assert_non_null(v.reference);
	assert_non_null(strstr(v.reference, "참고"));
	session_end(&s);
	assert_null(s);
}

static void test_draft_survives_restart(void **state)
{
	struct round_fx *f = *state;
	struct session *s = start(f, "expert1");
	struct answer a, b;
	struct simsa_err err;

	answer_init(&a);
	a.scores[0][0] = 4;
	a.scores[1][2] = 2;
	a.flags[1] = BALLOT_FLAG_IDENTITY;
	strcpy(a.comment[0], "한국어가 자연스럽다 👍");
	a.active_seconds = 17;
	assert_int_equal(session_load_draft(s, 2, &b, &err), 0);
	assert_int_equal(b.scores[0][0], BALLOT_SCORE_UNSET);
	assert_int_equal(session_save_draft(s, 2, &a, &err), 0);
	session_end(&s); /* as if the SSH session dropped */
	s = start(f, "expert1");
	assert_int_equal(session_load_draft(s, 2, &b, &err), 1);
	assert_int_equal(b.scores[0][0], 4);
	assert_int_equal(b.scores[1][2], 2);
	assert_int_equal(b.scores[1][3], BALLOT_SCORE_UNSET);
	assert_int_equal(b.flags[1], BALLOT_FLAG_IDENTITY);
	assert_string_equal(b.comment[0], "한국어가 자연스럽다 👍");
	assert_int_equal(b.active_seconds, 17);
	session_end(&s);
}

static void test_submit_signs_and_chains(void **state)
{
	struct round_fx *f = *state;
	struct session *s = start(f, "user2");
	struct answer a;
	struct simsa_err err;
	char r1[BALLOT_RECEIPT_MAX + 1], r2[BALLOT_RECEIPT_MAX + 1];
	struct session_problem why;

	answer_init(&a);
	assert_false(session_answer_complete(s, &a, &why));
	assert_int_equal(session_submit(s, 0, &a, r1, &err), -1);
	assert_non_null(strstr(err.msg, "choose which answer is better"));
	user_answer(&a, PREF_A);
	assert_int_equal(session_save_draft(s, 0, &a, &err), 0);
	assert_int_equal(session_submit(s, 0, &a, r1, &err), 0);
	{ /* the first ballot of the round: place 0 */
		struct receipt_parsed p;

		assert_int_equal(ballot_receipt_parse(r1, &p), RECEIPT_CODE);
		assert_int_equal(p.place, 0);
	}
	user_answer(&a, PREF_TIE);
	assert_int_equal(session_submit(s, 1, &a, r2, &err), 0);
	assert_int_equal(session_done_count(s), 2);
	assert_int_equal(session_first_open(s), 2);
	session_end(&s);
	/* a new session knows what is done, and each done task's receipt */
	struct task_view tv;

	s = start(f, "user2");
	assert_int_equal(session_done_count(s), 2);
	assert_int_equal(session_first_open(s), 2);
	assert_int_equal(session_task(s, 0, &tv, &err), 0);
	assert_string_equal(tv.receipt, r1);
	assert_int_equal(session_task(s, 1, &tv, &err), 0);
	assert_string_equal(tv.receipt, r2);
	assert_int_equal(session_task(s, 2, &tv, &err), 0);
	assert_false(tv.done);
	session_end(&s);
	/* the draft went with the submit */
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM draft"), 0);
	/* slots: 6 prompts x 3 pairs, 2 users each; two tasks done, each in
	 * its own slot, whose other replica is still open */
	struct store *pst;
	struct slot_progress sp;

	assert_int_equal(store_open(f->db, &pst, &err), 0);
	assert_int_equal(store_slot_progress(pst, ROLE_USER, &sp, &err), 0);
	assert_int_equal(sp.total, 18);
	assert_int_equal(sp.complete, 0);
	assert_int_equal(sp.partial, 2);
	assert_int_equal(store_slot_progress(pst, ROLE_EXPERT, &sp, &err), 0);
	assert_int_equal(sp.total, 18); /* every output */
	assert_int_equal(sp.partial + sp.complete, 0);
	store_close(&pst);

	/* each stored ballot: signature valid under the rater's key, bytes
	 * decode, chain from the genesis value, receipt from its hash */
	sqlite3 *db;
	sqlite3_stmt *q;
	unsigned char prev[32];
	int seen = 0;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT b.bytes, b.signature, b.hash, r.public_key, "
				   "b.seq, (SELECT count(*) FROM ballot x WHERE x.id < b.id) "
				   "FROM ballot b JOIN rater r ON r.id = b.rater_id "
				   "WHERE r.name = 'user2' ORDER BY b.seq",
				   -1, &q, NULL),
		SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const unsigned char *bytes = sqlite3_column_blob(q, 0);
		size_t n = (size_t)sqlite3_column_bytes(q, 0);
		const unsigned char *pk = sqlite3_column_blob(q, 3);
		unsigned char h[32];
		char code[BALLOT_RECEIPT_MAX + 1];
		struct ballot *b = malloc(sizeof *b);

		assert_int_equal(
			crypto_sign_verify_detached(sqlite3_column_blob(q, 1), bytes, n, pk), 0);
		ballot_hash(bytes, n, h);
		assert_memory_equal(h, sqlite3_column_blob(q, 2), 32);
		assert_int_equal(ballot_decode(bytes, n, b, &err), 0);
		assert_int_equal(b->seq, seen + 1);
		if (seen == 0) {
			unsigned char g[32];
			struct round_info ri;
			struct store *st;

			assert_int_equal(store_open(f->db, &st, &err), 0);
			assert_int_equal(store_round_info(st, &ri, &err), 0);
			store_close(&st);
			ballot_genesis(ri.round_id, pk, g);
			assert_memory_equal(b->prev_hash, g, 32);
		} else {
			assert_memory_equal(b->prev_hash, prev, 32);
		}
		ballot_receipt((uint32_t)sqlite3_column_int64(q, 5), h, code);
		assert_string_equal(code, seen == 0 ? r1 : r2);
		assert_int_equal(b->preference, seen == 0 ? PREF_A : PREF_TIE);
		memcpy(prev, h, 32);
		seen++;
		free(b);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	assert_int_equal(seen, 2);
}

static void test_resubmit_supersedes(void **state)
{
	struct round_fx *f = *state;
	struct session *s = start(f, "user3");
	struct answer a;
	struct simsa_err err;
	char r1[BALLOT_RECEIPT_MAX + 1], r2[BALLOT_RECEIPT_MAX + 1];
	struct task_view v;

	user_answer(&a, PREF_A);
	assert_int_equal(session_submit(s, 4, &a, r1, &err), 0);
	user_answer(&a, PREF_B_MUCH);
	assert_int_equal(session_submit(s, 4, &a, r2, &err), 0);
	assert_string_not_equal(r1, r2);
	assert_int_equal(session_done_count(s), 1);
	assert_int_equal(session_task(s, 4, &v, &err), 0);
	assert_true(v.done);
	assert_string_equal(v.receipt, r2);
	session_end(&s);
	/* two ballots, the second supersedes the first; one counted */
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM ballot b JOIN rater r ON r.id = "
					"b.rater_id WHERE r.name = 'user3'"),
			 2);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM ballot b WHERE b.supersedes = "
					"(SELECT hash FROM ballot WHERE seq = 1 AND rater_id = "
					"(SELECT id FROM rater WHERE name = 'user3'))"),
			 1);
	/* ballots are never edited or removed, whoever writes */
	assert_int_not_equal(sql_exec(f->db, "UPDATE ballot SET preference = 0"), SQLITE_OK);
	assert_int_not_equal(sql_exec(f->db, "DELETE FROM ballot"), SQLITE_OK);
}

static void test_expert_ballot(void **state)
{
	struct round_fx *f = *state;
	struct session *s = start(f, "expert2");
	const struct rubric *r = session_rubric(s);
	struct answer a;
	struct simsa_err err;
	char code[BALLOT_RECEIPT_MAX + 1];
	struct session_problem why;

	answer_init(&a);
	assert_true(r->criteria[0].required);
	for (size_t c = 1; c < r->n_criteria; c++) {
		a.scores[0][c] = 5;
		a.scores[1][c] = 3;
	}
	assert_false(session_answer_complete(s, &a, &why)); /* a required criterion missing */
	assert_non_null(strstr(session_problem_text(&why), "required"));
	a.scores[0][0] = 9;
	assert_false(session_answer_complete(s, &a, &why)); /* outside 1-5 */
	assert_non_null(strstr(session_problem_text(&why), "outside"));
	a.scores[0][0] = 4;
	a.scores[1][0] = 1;
	for (size_t c = 0; c < r->n_criteria; c++)
		if (!r->criteria[c].required)
			a.scores[1][c] = BALLOT_SCORE_UNSET; /* may be left out: not applicable */
	strcpy(a.comment[1], "출처가 틀렸다");
	a.flags[1] = BALLOT_FLAG_HARMFUL;
	assert_int_equal(session_submit(s, 0, &a, code, &err), 0);
	session_end(&s);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM ballot WHERE kind = 'expert' AND "
					"flags_right = 4 AND comment_right = '출처가 틀렸다'"),
			 1);
}

/* Many raters cast at once into one round file: nothing lost, no chain
 * forked, no error. Each process is one user casting all their tasks, then
 * changing one answer. */
static void test_concurrent_casting(void **state)
{
	struct round_fx *f = *state;
	pid_t pids[6];

	for (int u = 0; u < 6; u++) {
		pids[u] = fork();
		assert_true(pids[u] >= 0);
		if (pids[u] == 0) {
			char name[16];
			struct session *s = NULL;
			struct simsa_err err;
			struct answer a;
			char code[BALLOT_RECEIPT_MAX + 1];
			int bad = 0;

			snprintf(name, sizeof name, "user%d", u);
			if (session_start(f->db, name, fx_unlock(f, name), &s, &err) < 0)
				_exit(10);
			for (size_t i = 0; i < session_task_count(s); i++) {
				user_answer(&a, (int)(i % PREF_COUNT));
				if (session_save_draft(s, i, &a, &err) < 0 ||
				    session_submit(s, i, &a, code, &err) < 0) {
					fprintf(stderr, "%s: %s\n", name, err.msg);
					bad++;
				}
			}
			user_answer(&a, PREF_BOTH_BAD);
			if (session_submit(s, 0, &a, code, &err) < 0)
				bad++;
			session_end(&s);
			_exit(bad ? 11 : 0);
		}
	}
	for (int u = 0; u < 6; u++) {
		int status;

		assert_int_equal(waitpid(pids[u], &status, 0), pids[u]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	/* 6 users x 6 tasks, plus one superseding ballot each */
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM ballot"), 6 * 7);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM ballot b WHERE NOT EXISTS "
					"(SELECT 1 FROM ballot s WHERE s.supersedes = b.hash)"),
			 36);
	/* every chain is gapless: seq 1..7 for each rater */
	assert_int_equal(sql_int(f->db,
				 "SELECT count(*) FROM (SELECT rater_id, max(seq) m, "
				 "count(*) c FROM ballot GROUP BY rater_id) WHERE m = 7 AND c = 7"),
			 6);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM pragma_integrity_check "
					"WHERE integrity_check = 'ok'"),
			 1);
}

/* The task list's summary says what session_task and session_load_draft
 * say, without reading any output text. */
static void test_summary_matches_the_full_view(void **state)
{
	struct round_fx *f = *state;
	struct session *s = start(f, "user3");
	struct answer a, b;
	struct task_summary t;
	struct task_view v;
	struct simsa_err err;
	char r[BALLOT_RECEIPT_MAX + 1];
	static const bool want_draft[6] = { false, false, true, false, false, false };

	user_answer(&a, PREF_B);
	assert_int_equal(session_submit(s, 0, &a, r, &err), 0);
	assert_int_equal(session_save_draft(s, 2, &a, &err), 0);
	assert_int_equal(session_save_draft(s, 4, &a, &err), 0);
	/* an unreadable draft is no draft, in both */
	assert_int_equal(sql_int(f->db, "UPDATE draft SET data = '{broken' WHERE position = "
					"(SELECT max(position) FROM draft) RETURNING 1"),
			 1);
	for (size_t i = 0; i < session_task_count(s); i++) {
		int found;

		assert_int_equal(session_task_summary(s, i, &t, &err), 0);
		assert_int_equal(session_task(s, i, &v, &err), 0);
		found = session_load_draft(s, i, &b, &err);
		assert_true(found >= 0);
		assert_int_equal(t.index, i);
		assert_string_equal(t.prompt_id, v.prompt_id);
		assert_string_equal(t.category, v.category);
		assert_int_equal(t.done, v.done);
		assert_string_equal(t.receipt, v.receipt);
		assert_int_equal(t.has_draft, found == 1);
		assert_int_equal(t.has_draft, want_draft[i]);
		assert_int_equal(t.done, i == 0);
	}
	assert_int_equal(session_task_summary(s, 0, &t, &err), 0);
	assert_string_equal(t.receipt, r);
	assert_int_equal(session_task_summary(s, 6, &t, &err), -1);
	session_end(&s);
}

/* A receipt names the ballot's place: the ballots before it, by id, as
 * close orders the Merkle leaves. Casts count it under the lock; a new
 * session finds it again, through id - 1 while the ids run 1..n, and by
 * counting once they do not (a ballot removed behind simsa's back, the
 * guard dropped): then its receipts name the places the seal will give. */
static void test_receipts_name_places(void **state)
{
	struct round_fx *f = *state;
	struct session *a = start(f, "user0"), *b = start(f, "user1");
	char r[4][BALLOT_RECEIPT_MAX + 1];
	struct task_summary t;
	struct receipt_parsed p;
	struct simsa_err err;
	struct answer ans;

	user_answer(&ans, PREF_A);
	assert_int_equal(session_submit(a, 0, &ans, r[0], &err), 0);
	assert_int_equal(session_submit(b, 0, &ans, r[1], &err), 0);
	assert_int_equal(session_submit(a, 1, &ans, r[2], &err), 0);
	assert_int_equal(session_submit(b, 1, &ans, r[3], &err), 0);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(ballot_receipt_parse(r[i], &p), RECEIPT_CODE);
		assert_int_equal(p.place, i);
	}
	session_end(&a);
	a = start(f, "user0");
	assert_int_equal(session_task_summary(a, 1, &t, &err), 0);
	assert_string_equal(t.receipt, r[2]);
	session_end(&a);
	/* user1's first ballot removed behind simsa's back: user0's second
	 * ballot is now at place 1, and a new session says so */
	assert_int_equal(sql_exec(f->db,
				  "DROP TRIGGER ballot_keep_d; DELETE FROM ballot WHERE id = "
				  "2"),
			 SQLITE_OK);
	a = start(f, "user0");
	assert_int_equal(session_task_summary(a, 0, &t, &err), 0);
	assert_string_equal(t.receipt, r[0]);
	assert_int_equal(session_task_summary(a, 1, &t, &err), 0);
	assert_string_not_equal(t.receipt, r[2]);
	assert_int_equal(ballot_receipt_parse(t.receipt, &p), RECEIPT_CODE);
	assert_int_equal(p.place, 1);
	{ /* the same hash as the receipt the cast gave */
		struct receipt_parsed q;

		assert_int_equal(ballot_receipt_parse(r[2], &q), RECEIPT_CODE);
		assert_memory_equal(p.prefix, q.prefix, 10);
	}
	session_end(&a);
	session_end(&b);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_start_refusals),         T(test_tasks_are_blind_and_complete),
		T(test_draft_survives_restart), T(test_submit_signs_and_chains),
		T(test_resubmit_supersedes),    T(test_expert_ballot),
		T(test_concurrent_casting),     T(test_summary_matches_the_full_view),
		T(test_receipts_name_places),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
