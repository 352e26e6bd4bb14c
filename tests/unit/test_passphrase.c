/* Unit tests: passphrases (src/passphrase.c) — files, the environment
 * variable, and the terminal through a pseudo-terminal: echo off while
 * asking, restored after, also when interrupted or stopped. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600 /* posix_openpt and friends */
#endif
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

#include <sodium.h>

#include "simsa/passphrase.h"

static char *dir;

static int setup(void **state)
{
	dir = tmpdir_make();
	unsetenv("SIMSA_PASSPHRASE_FILE");
	return 0;
}

static int teardown(void **state)
{
	tmpdir_remove(&dir);
	unsetenv("SIMSA_PASSPHRASE_FILE");
	return 0;
}

static void assert_msg(const struct simsa_err *err, const char *want)
{
	if (!strstr(err->msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err->msg, want);
}

/* A private (0600) file holding n bytes; returns its path. */
static char *secret_file(const char *name, const char *data, size_t n)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = malloc(len);
	FILE *f;

	assert_non_null(path);
	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
	return path;
}

/* The passphrase a file with this content gives, or fails. */
static void expect_from_file(const char *content, size_t n, const char *want, size_t want_len)
{
	char *path = secret_file("pass", content, n), *p = NULL;
	struct simsa_err err;
	size_t len = 0;

	if (passphrase_get("Passphrase: ", path, false, &p, &len, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(len, want_len);
	assert_memory_equal(p, want, want_len);
	assert_int_equal(p[len], '\0');
	passphrase_free(&p, len);
	assert_null(p);
	unlink(path);
	free(path);
}

static void expect_file_refused(const char *content, size_t n, const char *want)
{
	char *path = secret_file("pass", content, n), *p = NULL;
	struct simsa_err err;
	size_t len = 0;

	assert_int_equal(passphrase_get("Passphrase: ", path, false, &p, &len, &err), -1);
	assert_null(p);
	assert_msg(&err, path);
	assert_msg(&err, want);
	unlink(path);
	free(path);
}

#define S(lit) lit, sizeof lit - 1

static void test_file_first_line_without_its_line_end(void **state)
{
	expect_from_file(S("secret\n"), S("secret"));
	expect_from_file(S("pass word \r\n"), S("pass word "));
	expect_from_file(S("no newline"), S("no newline"));
	expect_from_file(S("first\nsecond\n"), S("first"));
	expect_from_file(S("first\r\nsecond\r\n"), S("first"));
	expect_from_file(S("\xEF\xBB\xBFwith bom\r\n"), S("with bom"));
	expect_from_file(S("심사위원 암호\n"), S("심사위원 암호"));
}

static void test_file_refusals(void **state)
{
	char *big = malloc(PASSPHRASE_MAX + 10);

	expect_file_refused(S(""), "empty passphrase");
	expect_file_refused(S("\n"), "empty passphrase");
	expect_file_refused(S("\r\nsecond line\n"), "empty passphrase");
	expect_file_refused(S("nul\0inside\n"), "contains a NUL byte");
	memset(big, 'a', PASSPHRASE_MAX + 10);
	expect_file_refused(big, PASSPHRASE_MAX + 1, "longer than 4096 bytes");
	expect_file_refused(big, PASSPHRASE_MAX + 10, "longer than 4096 bytes");
	memcpy(big + PASSPHRASE_MAX, "\r\n", 2);
	expect_from_file(big, PASSPHRASE_MAX + 2, big, PASSPHRASE_MAX);
	free(big);
}

static void test_file_open_to_others_refused(void **state)
{
	char *path = secret_file("pass", S("secret\n")), *p = NULL;
	struct simsa_err err;
	size_t len;

	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(passphrase_get(NULL, path, false, &p, &len, &err), -1);
	assert_msg(&err, path);
	assert_msg(&err, "open to other users (mode 0644)");
	assert_msg(&err, "chmod 600");
	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(passphrase_get(NULL, path, false, &p, &len, &err), -1);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(passphrase_get(NULL, path, false, &p, &len, &err), 0);
	passphrase_free(&p, len);
	free(path);
}

static void test_missing_file_named(void **state)
{
	char path[600], *p = NULL;
	struct simsa_err err;
	size_t len;

	snprintf(path, sizeof path, "%s/no-such-file", dir);
	assert_int_equal(passphrase_get(NULL, path, false, &p, &len, &err), -1);
	assert_msg(&err, path);
	assert_msg(&err, "cannot open passphrase file: No such file or directory");
	setenv("SIMSA_PASSPHRASE_FILE", path, 1);
	assert_int_equal(passphrase_get(NULL, NULL, false, &p, &len, &err), -1);
	assert_msg(&err, path);
	assert_msg(&err, "(SIMSA_PASSPHRASE_FILE)");
	assert_null(p);
}

static void test_environment_variable_and_its_precedence(void **state)
{
	char *env = secret_file("env", S("from env\n")),
	     *opt = secret_file("opt", S("from option\n"));
	char *p = NULL;
	struct simsa_err err;
	size_t len;

	setenv("SIMSA_PASSPHRASE_FILE", env, 1);
	assert_int_equal(passphrase_get(NULL, NULL, true, &p, &len, &err), 0);
	assert_string_equal(p, "from env");
	passphrase_free(&p, len);
	/* --passphrase-file wins over the environment */
	assert_int_equal(passphrase_get(NULL, opt, true, &p, &len, &err), 0);
	assert_string_equal(p, "from option");
	passphrase_free(&p, len);
	free(env);
	free(opt);
}

static void test_unicode_normalized_to_nfc(void **state)
{
	/* 한 as conjoining jamo (NFD, as macOS may save it) and as one syllable */
	expect_from_file(S("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xEA\xB8\x80\n"),
			 S("\xED\x95\x9C\xEA\xB8\x80"));
	expect_from_file(S("caf\x65\xCC\x81\n"), S("caf\xC3\xA9"));
	/* not UTF-8: the bytes as they are */
	expect_from_file(S("\xC7\xD1\xB1\xDB\n"), S("\xC7\xD1\xB1\xDB"));
}

/* ---- the terminal, through a pseudo-terminal ---- */

/* One run: the test plays the person at the terminal (master side) while a
 * child session uses the pty as its terminal. The child acts as a tiny
 * shell: it runs passphrase_get in a foreground job (so ^Z really stops
 * it) and reports, through a pipe, what the job got and how the terminal
 * was left: "ok <passphrase>" / "err <message>", "stopped echo=<0|1>",
 * "exit <status> echo=<0|1>" or "signal <n> echo=<0|1>". */
struct term {
	int master;
	int report; /* read end of the pipe */
	pid_t pid;
	char out[8192]; /* what the terminal showed */
	size_t out_len;
};

static bool job_confirm;
static bool job_own_sigint_handler;
static volatile sig_atomic_t job_sigints;

static void count_sigint(int sig)
{
	job_sigints++;
}

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		_exit(99);
}

static bool echo_on(int fd)
{
	struct termios t;

	return tcgetattr(fd, &t) == 0 && (t.c_lflag & ECHO);
}

static void job(int report)
{
	char line[PASSPHRASE_MAX + 64], *p = NULL;
	struct simsa_err err;
	size_t len;
	int null = open("/dev/null", O_RDWR), tty = open("/dev/tty", O_RDWR);

	dup2(null, 0);                      /* it must read the terminal, not stdin */
	while (tcgetpgrp(tty) != getpgrp()) /* until the session hands it the terminal */
		usleep(1000);
	if (job_own_sigint_handler)
		signal(SIGINT, count_sigint);
	if (passphrase_get("Passphrase: ", NULL, job_confirm, &p, &len, &err) < 0) {
		snprintf(line, sizeof line, "err %s sigints=%d\n", err.msg, (int)job_sigints);
	} else {
		snprintf(line, sizeof line, "ok %s\n", p);
		passphrase_free(&p, len);
	}
	say(report, line);
	_exit(0);
}

static void session(const char *slave, int report)
{
	char line[64];
	pid_t j;
	int tty, st;
	sigset_t none;

	/* The job relies on the default actions of ^C, ^\ and ^Z, whatever
	 * this test inherited: a runner that starts it in the background
	 * (`cmd &` in a non-interactive shell) ignores SIGINT and SIGQUIT. */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTSTP, SIG_DFL);
	signal(SIGTTIN, SIG_DFL);
	signal(SIGTTOU, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	tty = open(slave, O_RDWR); /* becomes the controlling terminal */
	if (tty < 0)
		_exit(90);
	j = fork();
	if (j == 0) {
		setpgid(0, 0);
		job(report);
	}
	setpgid(j, j);
	signal(SIGTTOU, SIG_IGN);
	tcsetpgrp(tty, j);
	for (;;) {
		if (waitpid(j, &st, WUNTRACED) < 0)
			_exit(91);
		if (WIFSTOPPED(st)) {
			snprintf(line, sizeof line, "stopped echo=%d\n", echo_on(tty));
			say(report, line);
			kill(j, SIGCONT);
			continue;
		}
		if (WIFEXITED(st))
			snprintf(line, sizeof line, "exit %d echo=%d\n", WEXITSTATUS(st),
				 echo_on(tty));
		else
			snprintf(line, sizeof line, "signal %d echo=%d\n", WTERMSIG(st),
				 echo_on(tty));
		say(report, line);
		_exit(0);
	}
}

static void term_start(struct term *t, bool confirm)
{
	int fds[2];
	char *slave;

	memset(t, 0, sizeof *t);
	job_confirm = confirm;
	t->master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(t->master >= 0);
	assert_int_equal(grantpt(t->master), 0);
	assert_int_equal(unlockpt(t->master), 0);
	slave = ptsname(t->master);
	assert_non_null(slave);
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	t->pid = fork();
	assert_true(t->pid >= 0);
	if (t->pid == 0) {
		close(t->master);
		close(fds[0]);
		session(slave, fds[1]);
	}
	close(fds[1]);
	t->report = fds[0];
}

/* Reads what the terminal shows until it has shown `want` `times` times
 * in all (5 s at most). */
static void term_expect(struct term *t, const char *want, int times)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int seen = 0;
		struct pollfd pfd = { .fd = t->master, .events = POLLIN };

		t->out[t->out_len] = '\0';
		for (const char *s = t->out; (s = strstr(s, want)) != NULL; s += strlen(want))
			seen++;
		if (seen >= times)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, NULL, 0);
			close(t->master);
			close(t->report);
			fail_msg("terminal never showed \"%s\" x%d; it showed \"%s\"", want, times,
				 t->out);
		}
		if (poll(&pfd, 1, 100) > 0 && t->out_len < sizeof t->out - 1) {
			ssize_t n = read(t->master, t->out + t->out_len,
					 sizeof t->out - 1 - t->out_len);

			if (n > 0)
				t->out_len += (size_t)n;
		}
	}
}

static void term_type(struct term *t, const char *s)
{
	assert_int_equal(write(t->master, s, strlen(s)), (ssize_t)strlen(s));
}

static bool term_echo(const struct term *t)
{
	return echo_on(t->master); /* Linux: the master reports the slave's modes */
}

/* Waits for the session to end and returns its report (static buffer). */
static const char *term_finish(struct term *t)
{
	static char rep[PASSPHRASE_MAX + 256];
	size_t n = 0;
	int st, tries = 0;

	while (waitpid(t->pid, &st, WNOHANG) == 0) {
		struct pollfd pfd = { .fd = t->master, .events = POLLIN };
		char junk[256];

		if (poll(&pfd, 1, 10) > 0 && read(t->master, junk, sizeof junk) < 0)
			usleep(10000); /* EIO once the slave is closed */
		if (++tries > 500) {
			/* closing the master hangs up the terminal, which ends the job */
			kill(t->pid, SIGKILL);
			waitpid(t->pid, &st, 0);
			close(t->master);
			close(t->report);
			fail_msg("the session did not end; terminal showed \"%s\"", t->out);
		}
	}
	for (;;) {
		ssize_t got = read(t->report, rep + n, sizeof rep - 1 - n);

		if (got <= 0)
			break;
		n += (size_t)got;
	}
	rep[n] = '\0';
	close(t->report);
	close(t->master);
	return rep;
}

static void assert_report(const char *rep, const char *want)
{
	if (!strstr(rep, want))
		fail_msg("report \"%s\" lacks \"%s\"", rep, want);
}

static void test_terminal_asks_without_echo(void **state)
{
	struct term t;
	const char *rep;

	term_start(&t, false);
	term_expect(&t, "Passphrase: ", 1);
	assert_false(term_echo(&t));
	term_type(&t, "s3cret pass\n");
	rep = term_finish(&t);
	assert_report(rep, "ok s3cret pass\n");
	assert_report(rep, "exit 0 echo=1");
	if (strstr(t.out, "s3cret"))
		fail_msg("the passphrase was echoed: \"%s\"", t.out);
}

static void test_terminal_confirm_match_and_mismatch(void **state)
{
	struct term t;
	const char *rep;

	term_start(&t, true);
	term_expect(&t, "Passphrase: ", 1);
	term_type(&t, "새 암호\n");
	term_expect(&t, "Repeat the passphrase: ", 1);
	assert_false(term_echo(&t));
	term_type(&t, "새 암호\n");
	rep = term_finish(&t);
	assert_report(rep, "ok 새 암호\n");
	assert_report(rep, "exit 0 echo=1");

	term_start(&t, true);
	term_expect(&t, "Passphrase: ", 1);
	term_type(&t, "one\n");
	term_expect(&t, "Repeat the passphrase: ", 1);
	term_type(&t, "two\n");
	rep = term_finish(&t);
	assert_report(rep, "err the passphrases do not match");
	assert_report(rep, "exit 0 echo=1");
}

static void test_terminal_empty_line_refused(void **state)
{
	struct term t;
	const char *rep;

	term_start(&t, false);
	term_expect(&t, "Passphrase: ", 1);
	term_type(&t, "\n");
	rep = term_finish(&t);
	assert_report(rep, "err empty passphrase");
	assert_report(rep, "echo=1");
}

static void test_terminal_ctrl_c_restores_echo_then_ends(void **state)
{
	struct term t;
	const char *rep;

	job_own_sigint_handler = false;
	term_start(&t, false);
	term_expect(&t, "Passphrase: ", 1);
	assert_false(term_echo(&t));
	term_type(&t, "half");
	term_type(&t, "\x03"); /* ^C */
	rep = term_finish(&t);
	assert_report(rep, "signal 2 echo=1"); /* died of SIGINT, echo back on */
	assert_null(strstr(rep, "ok "));
}

static void test_terminal_ctrl_c_with_a_handler_returns_an_error(void **state)
{
	struct term t;
	const char *rep;

	job_own_sigint_handler = true;
	term_start(&t, false);
	term_expect(&t, "Passphrase: ", 1);
	term_type(&t, "\x03");
	rep = term_finish(&t);
	job_own_sigint_handler = false;
	assert_report(rep, "err passphrase entry interrupted sigints=1");
	assert_report(rep, "exit 0 echo=1");
}

static void test_terminal_ctrl_z_restores_echo_and_asks_again(void **state)
{
	struct term t;
	const char *rep;

	term_start(&t, false);
	term_expect(&t, "Passphrase: ", 1);
	term_type(&t, "\x1a"); /* ^Z: the job stops; the session resumes it */
	term_expect(&t, "Passphrase: ", 2);
	assert_false(term_echo(&t));
	term_type(&t, "after stop\n");
	rep = term_finish(&t);
	assert_report(rep, "stopped echo=1\n");
	assert_report(rep, "ok after stop\n");
	assert_report(rep, "exit 0 echo=1");
}

static void test_no_terminal_and_no_file(void **state)
{
	int fds[2], st;
	char rep[1200] = "";
	pid_t pid;

	setenv("SIMSA_PASSPHRASE_FILE", "", 1); /* empty counts as unset */
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct simsa_err err;
		char *p;
		size_t len;

		setsid(); /* a session without a controlling terminal */
		if (passphrase_get(NULL, NULL, false, &p, &len, &err) == 0)
			_exit(1);
		say(fds[1], err.msg);
		_exit(0);
	}
	close(fds[1]);
	assert_true(read(fds[0], rep, sizeof rep - 1) > 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_string_equal(rep, "no terminal to ask for the passphrase; use --passphrase-file "
				 "or SIMSA_PASSPHRASE_FILE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_first_line_without_its_line_end, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_open_to_others_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_environment_variable_and_its_precedence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unicode_normalized_to_nfc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_asks_without_echo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_confirm_match_and_mismatch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_terminal_empty_line_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_ctrl_c_restores_echo_then_ends, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_terminal_ctrl_c_with_a_handler_returns_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_ctrl_z_restores_echo_and_asks_again,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_terminal_and_no_file, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
