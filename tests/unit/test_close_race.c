/* Closing while raters cast. 16 processes cast into one round file, each
 * going round its tasks again and again (a new ballot supersedes the last
 * one on its task), until `simsa close --force`, started as a process of
 * its own once ballots are coming in, closes the round under them. Ten
 * rounds, each of which must end so:
 *   - `simsa close` succeeds and `simsa verify` exits 0;
 *   - every receipt a caster was shown belongs to a ballot inside the seal
 *     (among the first ballot_count ballots, whose Merkle root this test
 *     recomputes and compares with the sealed one), and no ballot of the
 *     file is outside it;
 *   - every caster is stopped by the refusal that says the round was
 *     closed before its ballot was recorded (SE_ROUND_CLOSED), and by
 *     nothing else;
 *   - `simsa receipt` calls the last ballot acknowledged counted.
 * Nothing here is timed: the close starts once enough ballots are in, and
 * the casters cast until they are refused. A second test takes the two
 * ends of the race one after the other in one process. */
#include "testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fixture.h"
#include "simsa/ballot.h"
#include "simsa/closing.h"
#include "simsa/merkle.h"
#include "simsa/session.h"

#define CASTERS 16
#define ROUNDS 10
#define PROMPTS 16     /* 3 entrants: 6 tasks per user */
#define START_AT 16    /* ballots in the file before the close starts */
#define CAST_CAP 20000 /* a caster never refused is a failure, not a hang */

static struct round_fx T; /* the open round every repetition starts from */
static struct round_fx F; /* this repetition's copy of it */
static const char *simsa_bin;

/* The casters' exit statuses. */
enum {
	CAST_REFUSED = 0, /* stopped by the close, as it must be */
	CAST_START = 10,
	CAST_FAILED = 11,
	CAST_NEVER_REFUSED = 12,
	CAST_WRONG_WORDS = 13,
};

/* Casts until the round is closed under it; writes each receipt it is
 * shown to receipts_fd, once session_submit has returned it. */
static int caster(const char *name, int receipts_fd, int ready_fd)
{
	struct session *s = NULL;
	struct simsa_err err;
	struct answer a;
	char code[BALLOT_RECEIPT_MAX + 1], line[64];
	ssize_t w;

	if (session_start(F.db, name, fx_unlock(&F, name), &s, &err) < 0) {
		fprintf(stderr, "%s: %s\n", name, err.msg);
		return CAST_START;
	}
	w = write(ready_fd, "r", 1);
	(void)w;
	close(ready_fd);
	for (unsigned k = 0; k < CAST_CAP; k++) {
		size_t i = k % session_task_count(s);
		int n;

		answer_init(&a);
		a.preference = (int)(k % PREF_COUNT);
		a.active_seconds = k;
		if (session_save_draft(s, i, &a, &err) < 0) {
			/* a close between two casts: the draft is refused
			 * too, and nothing is written into the sealed round */
			int rc = session_last_problem(s)->code == SE_ROUND_CLOSED ? CAST_REFUSED
										  : CAST_FAILED;

			if (rc != CAST_REFUSED)
				fprintf(stderr, "%s: draft: %s\n", name, err.msg);
			session_end(&s);
			return rc;
		}
		if (session_submit(s, i, &a, code, &err) < 0) {
			int rc = CAST_FAILED;

			if (session_last_problem(s)->code == SE_ROUND_CLOSED)
				rc = strstr(err.msg, "closed before this ballot was recorded")
					     ? CAST_REFUSED
					     : CAST_WRONG_WORDS;
			if (rc != CAST_REFUSED)
				fprintf(stderr, "%s: %s\n", name, err.msg);
			session_end(&s);
			return rc;
		}
		n = snprintf(line, sizeof line, "%s\n", code);
		if (write(receipts_fd, line, (size_t)n) != n) {
			session_end(&s);
			return CAST_FAILED;
		}
	}
	session_end(&s);
	return CAST_NEVER_REFUSED;
}

/* Runs simsa with args, output to out_path; returns its exit status. */
static int run_simsa(char *const args[], const char *out_path)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0)
			_exit(126);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execv(simsa_bin, args);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* What one round found wrong (empty: nothing). */
struct verdict {
	char why[2048];
	size_t n;
};

static void wrong(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wrong(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->n >= sizeof v->why - 1)
		return;
	va_start(ap, fmt);
	v->n += (size_t)vsnprintf(v->why + v->n, sizeof v->why - v->n, fmt, ap);
	va_end(ap);
	while (v->n > 0 && v->n < sizeof v->why && v->why[v->n - 1] == '\n')
		v->why[--v->n] = '\0';
	if (v->n < sizeof v->why - 2) {
		v->why[v->n++] = ';';
		v->why[v->n++] = ' ';
		v->why[v->n] = '\0';
	} else {
		v->n = sizeof v->why - 1;
	}
}

/* The ballots of the closed round in id order (the seal's order). */
struct sealed {
	unsigned char (*prefix)[10];
	unsigned char (*leaf)[32];
	size_t n;
	long long count; /* closing.ballot_count */
	unsigned char root[32];
};

static void read_sealed(const char *db, struct sealed *s)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t cap = 0;

	memset(s, 0, sizeof *s);
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT ballot_count, merkle_root FROM closing", -1,
					    &st, NULL),
			 SQLITE_OK);
	s->count = -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		s->count = sqlite3_column_int64(st, 0);
		memcpy(s->root, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(h,
					    "SELECT hash, bytes, signature FROM ballot ORDER BY id",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (s->n == cap) {
			cap = cap ? 2 * cap : 256;
			s->prefix = realloc(s->prefix, cap * sizeof *s->prefix);
			s->leaf = realloc(s->leaf, cap * sizeof *s->leaf);
			assert_true(s->prefix && s->leaf);
		}
		assert_int_equal(sqlite3_column_bytes(st, 0), 32);
		assert_int_equal(sqlite3_column_bytes(st, 2), 64);
		memcpy(s->prefix[s->n], sqlite3_column_blob(st, 0), 10);
		merkle_leaf(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
			    sqlite3_column_blob(st, 2), s->leaf[s->n]);
		s->n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* The 0-based place of the ballot with this receipt, or -1: the code
 * names that place, and the ballot there has its hash. */
static long place_of(const struct sealed *s, const char *code)
{
	struct receipt_parsed p;

	if (ballot_receipt_parse(code, &p) != RECEIPT_CODE)
		return -2;
	if (p.place < s->n && memcmp(s->prefix[p.place], p.prefix, 10) == 0)
		return (long)p.place;
	return -1;
}

/* Reads the receipts one caster wrote and checks each against the seal;
 * keeps the one cast last (of these and those checked before) in last. */
static size_t check_receipts(const char *path, const struct sealed *s, struct verdict *v,
			     long *last_place, char last[BALLOT_RECEIPT_MAX + 1])
{
	char *text = file_text(path);
	size_t n = 0, outside = 0, missing = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long at = place_of(s, line);

		n++;
		if (at < 0)
			missing++;
		else if (at >= s->count)
			outside++;
		if (at > *last_place) {
			*last_place = at;
			snprintf(last, BALLOT_RECEIPT_MAX + 1, "%s", line);
		}
	}
	if (missing)
		wrong(v, "%s: %zu receipts name no ballot at their place in the file", path,
		      missing);
	if (outside)
		wrong(v, "%zu receipts shown to %s are outside the seal", outside,
		      strrchr(path, '/') + 1);
	free(text);
	return n;
}

/* F: a copy of the open round T and its keys in a directory of its own
 * (opening a round anew each time costs more than the race itself). */
static void fresh_copy(void)
{
	char cmd[1200];

	F = T;
	F.dir = tmpdir_make();
	snprintf(F.db, sizeof F.db, "%s/round.db", F.dir);
	snprintf(cmd, sizeof cmd, "cp -p '%s'/* '%s'/", T.dir, F.dir);
	assert_int_equal(system(cmd), 0);
}

/* One round: a copy of the open round, CASTERS processes casting into it,
 * the close under them, the checks. Returns the number of receipts shown;
 * v says what was wrong. */
static size_t one_round(int r, struct verdict *v)
{
	pid_t pids[CASTERS];
	int ready[2], status[CASTERS], close_rc, verify_rc;
	char path[CASTERS][600], pass[600], key[600], out[600], last[32] = "";
	long last_place = -1;
	size_t receipts = 0, got = 0;
	struct sealed s;

	fresh_copy();
	assert_int_equal(pipe(ready), 0);
	for (int c = 0; c < CASTERS; c++) {
		snprintf(path[c], sizeof path[c], "%s/user%d.receipts", F.dir, c);
		status[c] = -1;
		pids[c] = fork();
		assert_true(pids[c] >= 0);
		if (pids[c] == 0) {
			char name[16];
			int fd = open(path[c], O_WRONLY | O_CREAT | O_APPEND, 0600);

			close(ready[0]);
			snprintf(name, sizeof name, "user%d", c);
			_exit(fd < 0 ? CAST_START : caster(name, fd, ready[1]));
		}
	}
	close(ready[1]);
	/* every caster has its session (or has died trying) */
	for (char b; got < CASTERS && read(ready[0], &b, 1) == 1;)
		got++;
	close(ready[0]);
	/* ballots are coming in (a caster that exits early stops the wait) */
	while (sql_int(F.db, "SELECT count(*) FROM ballot") < START_AT) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);

		if (p > 0) {
			for (int c = 0; c < CASTERS; c++)
				if (pids[c] == p)
					status[c] = st;
			break;
		}
		usleep(1000);
	}
	snprintf(pass, sizeof pass, "%s/organizer.pass", F.dir);
	free(write_file(F.dir, "organizer.pass", "pw\n"));
	assert_int_equal(chmod(pass, 0600), 0);
	fx_key_path(&F, "organizer", key, sizeof key);
	snprintf(out, sizeof out, "%s/close.out", F.dir);
	{
		char *args[] = {
			"simsa", "close", "--force", "--organizer-key", key, "--passphrase-file",
			pass,    F.db,    NULL
		};

		close_rc = run_simsa(args, out);
	}
	if (close_rc != 0) {
		char *t = file_text(out);

		wrong(v, "simsa close exited %d: %s", close_rc, t);
		free(t);
		for (int c = 0; c < CASTERS; c++) /* they would cast on forever */
			if (status[c] < 0)
				kill(pids[c], SIGKILL);
	}
	for (int c = 0; c < CASTERS; c++) {
		int st;

		if (status[c] >= 0)
			continue;
		assert_int_equal(waitpid(pids[c], &st, 0), pids[c]);
		status[c] = st;
	}
	for (int c = 0; c < CASTERS; c++) {
		int code =
			WIFEXITED(status[c]) ? WEXITSTATUS(status[c]) : 128 + WTERMSIG(status[c]);

		if (code != CAST_REFUSED && close_rc == 0)
			wrong(v, "caster user%d ended with %d, not refused by the close", c, code);
	}
	if (close_rc != 0)
		goto done;
	snprintf(out, sizeof out, "%s/verify.out", F.dir);
	{
		char *args[] = { "simsa", "verify", F.db, NULL };

		verify_rc = run_simsa(args, out);
	}
	if (verify_rc != 0) {
		char *t = file_text(out), *fail = strstr(t, "FAIL");

		wrong(v, "simsa verify exited %d: %.300s", verify_rc, fail ? fail : t);
		free(t);
	}
	read_sealed(F.db, &s);
	if (s.count < 0) {
		wrong(v, "no seal");
	} else {
		unsigned char root[32];

		if ((size_t)s.count != s.n)
			wrong(v, "a seal of %lld ballots in a file of %zu", s.count, s.n);
		merkle_root((const unsigned char(*)[32])s.leaf,
			    (size_t)s.count < s.n ? (size_t)s.count : s.n, root);
		if (memcmp(root, s.root, 32) != 0)
			wrong(v, "the sealed root is not the root of the first %lld ballots",
			      s.count);
		for (int c = 0; c < CASTERS; c++)
			receipts += check_receipts(path[c], &s, v, &last_place, last);
	}
	/* the last ballot anyone was shown a receipt for: counted */
	if (last[0] && v->n == 0) {
		char *args[] = { "simsa", "receipt", F.db, last, NULL };
		int rc;

		snprintf(out, sizeof out, "%s/receipt.out", F.dir);
		rc = run_simsa(args, out);
		if (rc != 0) {
			char *t = file_text(out);

			wrong(v, "simsa receipt %s exited %d: %.300s", last, rc, t);
			free(t);
		}
	}
	print_message("round %d: %zu ballots in the file, a seal of %lld, %zu receipts shown%s\n",
		      r + 1, s.n, s.count, receipts, v->n ? ": WRONG" : "");
	free(s.prefix);
	free(s.leaf);
done:
	tmpdir_remove(&F.dir);
	return receipts;
}

static void test_close_while_16_processes_cast(void **state)
{
	struct verdict v[ROUNDS];
	size_t receipts = 0;
	int failed = 0;
	char all[4096] = "";
	size_t at = 0;

	for (int r = 0; r < ROUNDS; r++) {
		memset(&v[r], 0, sizeof v[r]);
		receipts += one_round(r, &v[r]);
		if (v[r].n) {
			failed++;
			at += (size_t)snprintf(all + at, at < sizeof all ? sizeof all - at : 0,
					       "\n  round %d: %.600s", r + 1, v[r].why);
			if (at >= sizeof all)
				at = sizeof all - 1;
		}
	}
	print_message("# %d rounds closed while %d processes cast: %zu receipts shown, "
		      "%d rounds wrong\n",
		      ROUNDS, CASTERS, receipts, failed);
	if (failed)
		fail_msg("%d of %d rounds closed under casting went wrong:%s", failed, ROUNDS, all);
}

/* The race's two ends, one after the other in one process: a close
 * without --force refuses while a draft waits, a forced one drops it, and a
 * cast the rater had on screen from before the close is refused with the
 * words that say why; it writes nothing and gives no receipt. */
static void test_cast_after_close_is_refused(void **state)
{
	struct round_fx f;
	struct session *s = NULL;
	struct store *st = NULL;
	struct close_result res;
	struct simsa_err err;
	struct answer a;
	char first[BALLOT_RECEIPT_MAX + 1], code[BALLOT_RECEIPT_MAX + 1] = "unchanged";

	fx_open_round(&f, 3, 6, 6, 3);
	if (session_start(f.db, "user0", fx_unlock(&f, "user0"), &s, &err) < 0)
		fail_msg("%s", err.msg);
	answer_init(&a);
	a.preference = PREF_A;
	assert_int_equal(session_submit(s, 0, &a, first, &err), 0);
	assert_int_equal(session_save_draft(s, 1, &a, &err), 0);
	if (store_open(f.db, &st, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(round_close(st, f.org, false, &res, &err), -1);
	assert_non_null(strstr(err.msg, "1 tasks have unsubmitted drafts"));
	assert_int_equal(sql_int(f.db, "SELECT count(*) FROM closing"), 0);
	assert_int_equal(round_close(st, f.org, true, &res, &err), 0);
	assert_int_equal(res.ballots, 1);
	assert_int_equal(res.drafts_dropped, 1);
	store_close(&st);
	/* the answer of task 2 was still on the rater's screen */
	assert_int_equal(session_submit(s, 1, &a, code, &err), -1);
	assert_int_equal(session_last_problem(s)->code, SE_ROUND_CLOSED);
	assert_string_equal(err.msg, "the round was closed before this ballot was recorded; it "
				     "was not cast");
	assert_string_equal(code, "unchanged");
	assert_int_equal(session_done_count(s), 1);
	session_end(&s);
	assert_int_equal(sql_int(f.db, "SELECT count(*) FROM ballot"), 1);
	assert_int_equal(sql_int(f.db, "SELECT ballot_count FROM closing"), 1);
	assert_int_equal(sql_int(f.db, "SELECT count(*) FROM draft"), 0);
	fx_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cast_after_close_is_refused),
		cmocka_unit_test(test_close_while_16_processes_cast),
	};
	const char *bin = getenv("SIMSA");
	int rc;

	if (sodium_init() < 0)
		return 1;
	/* the binary under test (tests/suite.sh sets SIMSA), else ./simsa */
	simsa_bin = bin && *bin ? bin : "./simsa";
	if (access(simsa_bin, X_OK) != 0) {
		fprintf(stderr, "no simsa binary at %s (set SIMSA)\n", simsa_bin);
		return 1;
	}
	fx_open_round(&T, 3, PROMPTS, CASTERS, 3);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	fx_release(&T);
	return rc;
}
