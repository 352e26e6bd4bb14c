/* Casting under load and under crashes: 32 processes casting 100 ballots
 * each into one round file at once, and a caster killed with SIGKILL at
 * random moments, again and again. Nothing acknowledged may be lost, no
 * chain forked, no error surfaced, and verify must pass. */
#include "testutil.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "fixture.h"
#include "simsa/audit.h"
#include "simsa/ballot.h"
#include "simsa/session.h"

#define USERS 32
#define EACH 100

static struct round_fx F;

static int group_setup(void **state)
{
	/* 3 entrants make 3 pairs; 2 users per slot: 540 prompts give each of
	 * 32 users 101 or 102 tasks; 3 experts get 540 tasks each */
	fx_open_round(&F, 3, 540, USERS, 3);
	return 0;
}

static int group_teardown(void **state)
{
	fx_release(&F);
	return 0;
}

/* The ballots and chains steps of verify must pass. */
static void assert_ballots_verify(void)
{
	struct store *st = NULL;
	struct simsa_err err;
	json_t *rep = NULL, *s;
	size_t i;

	if (store_open(F.db, &st, &err) < 0 || audit_run(st, &rep, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
	json_array_foreach(json_object_get(rep, "steps"), i, s) {
		if (!json_is_true(json_object_get(s, "passed"))) {
			char *d = json_dumps(s, JSON_INDENT(1));

			fail_msg("verify step failed: %s", d);
		}
	}
	json_decref(rep);
}

static int cast_some(const char *name, size_t limit, int report_fd)
{
	struct session *s = NULL;
	struct simsa_err err;
	struct answer a;
	char code[BALLOT_RECEIPT_LEN + 1];
	size_t done = 0;

	if (session_start(F.db, name, fx_unlock(&F, name), &s, &err) < 0) {
		fprintf(stderr, "%s: %s\n", name, err.msg);
		return 10;
	}
	for (size_t i = session_first_open(s); i < session_task_count(s) && done < limit; i++) {
		answer_init(&a);
		a.preference = (int)(i % PREF_COUNT);
		if (session_role(s) == ROLE_EXPERT) {
			a.preference = -1;
			for (size_t c = 0; c < session_rubric(s)->n_criteria; c++)
				a.scores[0][c] = a.scores[1][c] = 1 + (uint32_t)((i + c) % 5);
		}
		a.active_seconds = (uint32_t)i;
		if (session_save_draft(s, i, &a, &err) < 0 || session_submit(s, i, &a, code, &err) < 0) {
			fprintf(stderr, "%s: %s\n", name, err.msg);
			session_end(&s);
			return 11;
		}
		done++;
		if (report_fd >= 0) {
			/* the receipt is shown only once the ballot is committed */
			char line[64];
			int n = snprintf(line, sizeof line, "%s\n", code);

			if (write(report_fd, line, (size_t)n) != n)
				break;
		}
	}
	session_end(&s);
	return 0;
}

static void test_32_processes_cast_100_each(void **state)
{
	pid_t pids[USERS];

	for (int u = 0; u < USERS; u++) {
		pids[u] = fork();
		assert_true(pids[u] >= 0);
		if (pids[u] == 0) {
			char name[16];

			snprintf(name, sizeof name, "user%d", u);
			_exit(cast_some(name, EACH, -1));
		}
	}
	for (int u = 0; u < USERS; u++) {
		int status;

		assert_int_equal(waitpid(pids[u], &status, 0), pids[u]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM ballot"), USERS * EACH);
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM (SELECT rater_id FROM ballot GROUP BY "
				 "rater_id HAVING count(*) = 100 AND max(seq) = 100)"), USERS);
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM draft"), 0);
	assert_ballots_verify();
}

/* A caster killed at random moments: every receipt it printed belongs to a
 * ballot in the round, and the file stays whole. */
static void test_kill_9_loses_nothing_acknowledged(void **state)
{
	static char receipts[1024][BALLOT_RECEIPT_LEN + 1];
	size_t n_receipts = 0;
	unsigned seed = (unsigned)time(NULL);

	for (int round = 0; round < 20; round++) {
		int fds[2];
		pid_t pid;
		char buf[4096];
		size_t have = 0;
		ssize_t got;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			_exit(cast_some("expert0", 1000, fds[1]));
		}
		close(fds[1]);
		usleep(1000 * (useconds_t)(rand_r(&seed) % 80));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		while ((got = read(fds[0], buf + have, sizeof buf - 1 - have)) > 0)
			have += (size_t)got;
		close(fds[0]);
		buf[have] = '\0';
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (strlen(line) == BALLOT_RECEIPT_LEN && n_receipts < 1024)
				memcpy(receipts[n_receipts++], line, BALLOT_RECEIPT_LEN + 1);
	}
	assert_true(n_receipts > 0);
	print_message("%zu receipts acknowledged across 20 kills\n", n_receipts);
	/* every acknowledged ballot is there */
	for (size_t i = 0; i < n_receipts; i++) {
		unsigned char prefix[10];
		char q[200], hex[21];

		assert_true(ballot_receipt_parse(receipts[i], prefix));
		sodium_bin2hex(hex, sizeof hex, prefix, 10);
		snprintf(q, sizeof q, "SELECT count(*) FROM ballot WHERE substr(lower(hex(hash)), 1, 20) "
			 "= '%s'", hex);
		assert_int_equal(sql_int(F.db, q), 1);
	}
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM pragma_integrity_check "
				 "WHERE integrity_check = 'ok'"), 1);
	assert_ballots_verify();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_32_processes_cast_100_each),
		cmocka_unit_test(test_kill_9_loses_nothing_acknowledged),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
