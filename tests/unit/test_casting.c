/* Casting under load and under crashes: 32 processes casting 100 ballots
 * each into one round file at once, and a caster killed with SIGKILL at
 * random moments, again and again, and one whose disk fills up. Nothing
 * acknowledged may be lost, no chain forked, no error surfaced (but the
 * full disk's), and verify must pass. */
#include "testutil.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "fixture.h"
#include "simsa/audit.h"
#include "simsa/ballot.h"
#include "simsa/session.h"

#define USERS 32
#define EACH 100

static struct round_fx F;
static unsigned long long run_seed; /* of the kill moments: test_seed() */
static int ready_fd = -1;           /* cast_some writes a byte here once it can cast */

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
	char code[BALLOT_RECEIPT_MAX + 1];
	size_t done = 0;

	if (session_start(F.db, name, fx_unlock(&F, name), &s, &err) < 0) {
		fprintf(stderr, "%s: %s\n", name, err.msg);
		return 10;
	}
	if (ready_fd >= 0) {
		ssize_t w = write(ready_fd, "r", 1);

		(void)w;
		close(ready_fd);
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
		if (session_save_draft(s, i, &a, &err) < 0 ||
		    session_submit(s, i, &a, code, &err) < 0) {
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
				       "rater_id HAVING count(*) = 100 AND max(seq) = 100)"),
			 USERS);
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM draft"), 0);
	assert_ballots_verify();
}

/* The receipt code names a ballot of the file, at the place it names (its
 * leaf in the seal's Merkle tree: the ballots before it, by id). */
static void assert_at_its_place(const char *code)
{
	struct receipt_parsed p;
	char q[300], hex[21];

	assert_int_equal(ballot_receipt_parse(code, &p), RECEIPT_CODE);
	sodium_bin2hex(hex, sizeof hex, p.prefix, 10);
	snprintf(q, sizeof q,
		 "SELECT count(*) FROM (SELECT hash, row_number() OVER (ORDER BY id) - 1 AS "
		 "place FROM ballot) WHERE place = %u AND substr(lower(hex(hash)), 1, 20) = '%s'",
		 p.place, hex);
	assert_int_equal(sql_int(F.db, q), 1);
}

/* A caster killed at random moments: every receipt it printed belongs to a
 * ballot in the round, and the file stays whole. */
static void test_kill_9_loses_nothing_acknowledged(void **state)
{
	static char receipts[1024][BALLOT_RECEIPT_MAX + 1];
	size_t n_receipts = 0;
	unsigned moments = (unsigned)run_seed;

	for (int round = 0; round < 20; round++) {
		int fds[2], ready[2];
		pid_t pid;
		char buf[4096], r;
		size_t have = 0;
		ssize_t got;

		assert_int_equal(pipe(fds), 0);
		assert_int_equal(pipe(ready), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			close(ready[0]);
			ready_fd = ready[1];
			_exit(cast_some("expert0", 1000, fds[1]));
		}
		close(fds[1]);
		close(ready[1]);
		/* the moment counts from when the caster can cast, not from the
		 * fork: under a sanitizer and load, unlocking the key alone can
		 * take longer than 80 ms */
		got = read(ready[0], &r, 1);
		close(ready[0]);
		usleep(1000 * (useconds_t)(rand_r(&moments) % 80));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		while ((got = read(fds[0], buf + have, sizeof buf - 1 - have)) > 0)
			have += (size_t)got;
		close(fds[0]);
		buf[have] = '\0';
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (strlen(line) <= BALLOT_RECEIPT_MAX && n_receipts < 1024)
				memcpy(receipts[n_receipts++], line, strlen(line) + 1);
	}
	assert_true(n_receipts > 0);
	print_message("%zu receipts acknowledged across 20 kills\n", n_receipts);
	/* every acknowledged ballot is there */
	for (size_t i = 0; i < n_receipts; i++)
		assert_at_its_place(receipts[i]);
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM pragma_integrity_check "
				       "WHERE integrity_check = 'ok'"),
			 1);
	assert_ballots_verify();
}

static long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* A disk that fills up while a rater casts: the process may not grow any
 * file beyond a limit a little above the round's present size (RLIMIT_FSIZE,
 * the kernel's own refusal: write() fails as on a full disk). Casting must
 * stop with a message that says so, every receipt shown before belongs to
 * a ballot in the round, the file stays whole and verifies, and once there
 * is room again the same rater goes on. */
static void test_full_disk(void **state)
{
	char wal[600], buf[8192], *err_text;
	int out[2], errp[2], status;
	size_t have = 0, n_receipts = 0;
	long long base, cast_n;
	ssize_t got;
	pid_t pid;

	snprintf(wal, sizeof wal, "%s-wal", F.db);
	/* no file may grow beyond the round file's size and 64 KB: the WAL
	 * (which starts over after each checkpoint) and the round file (which
	 * a checkpoint makes grow) both reach it within expert1's 540 tasks */
	base = file_size(F.db);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(errp), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { (rlim_t)(base + 64 * 1024), (rlim_t)(base + 64 * 1024) };

		close(out[0]);
		close(errp[0]);
		dup2(errp[1], STDERR_FILENO);
		signal(SIGXFSZ, SIG_IGN); /* write() fails with EFBIG instead */
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(20);
		_exit(cast_some("expert1", 1000, out[1]));
	}
	close(out[1]);
	close(errp[1]);
	while ((got = read(out[0], buf + have, sizeof buf - 1 - have)) > 0)
		have += (size_t)got;
	buf[have] = '\0';
	close(out[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	/* it could not finish: the limit stopped it with an error */
	assert_int_equal(WEXITSTATUS(status), 11);
	{
		char e[2048];
		size_t eh = 0;

		while ((got = read(errp[0], e + eh, sizeof e - 1 - eh)) > 0)
			eh += (size_t)got;
		e[eh] = '\0';
		err_text = e;
		print_message("the caster stopped with: %s", err_text);
		assert_non_null(strstr(err_text, "expert1: "));
		assert_non_null(strstr(err_text,
				       "the disk is full or cannot be written: nothing of "
				       "this step was saved; make room and try again"));
	}
	close(errp[0]);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		assert_at_its_place(line);
		n_receipts++;
	}
	print_message("%zu receipts acknowledged before the disk was full\n", n_receipts);
	/* and nothing else: the one that failed is not in (a checkpoint that
	 * fails after a commit does not turn it into an error: store.c) */
	cast_n = sql_int(F.db, "SELECT count(*) FROM ballot b JOIN rater r ON r.id = b.rater_id "
			       "WHERE r.name = 'expert1'");
	assert_int_equal(cast_n, (long long)n_receipts);
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM pragma_integrity_check "
				       "WHERE integrity_check = 'ok'"),
			 1);
	assert_ballots_verify();
	/* room again: the same rater finishes where they were */
	assert_int_equal(cast_some("expert1", 1000, -1), 0);
	assert_true(sql_int(F.db, "SELECT count(*) FROM ballot b JOIN rater r ON r.id = "
				  "b.rater_id WHERE r.name = 'expert1'") > (long long)n_receipts);
	assert_ballots_verify();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_32_processes_cast_100_each),
		cmocka_unit_test(test_kill_9_loses_nothing_acknowledged),
		cmocka_unit_test(test_full_disk),
	};

	if (sodium_init() < 0)
		return 1;
	run_seed = test_seed(test_seed_fresh());
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
