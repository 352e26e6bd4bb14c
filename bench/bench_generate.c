/* Benchmark: `outputs generate` against the stub server on 127.0.0.1
 * (tests/tools/stub_server.py).
 *
 * 1. 600 requests at concurrency 32 to a model answering after 200 ms:
 *    prints the time, the ideal 600 / 32 × 0.2 s and their ratio (the
 *    issue's target: under 1.3).
 * 2. Peak RSS of a fresh process generating 600 and then 2,400 outputs
 *    (model answering at once), to show memory does not grow with the
 *    number of requests.
 * Starts and stops its own stub; needs python3.
 * usage: bench_generate [STUB.py]     (run from the top of the tree)
 *        bench_generate --child N PORT MODEL   (internal) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "simsa/generate.h"
#include "simsa/store.h"
#include "simsa/util.h"

#define CONCURRENCY 32

static void die(const char *what, const struct simsa_err *err)
{
	fprintf(stderr, "bench_generate: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
	exit(1);
}

/* A draft round at dir/bench.db with one entrant served by model and n prompts. */
static struct store *make_round(const char *dir, long n, int port, const char *model)
{
	char db[4096], endpoint[64], id[32], prompt[128];
	struct entrant_rec e = { .name = "bench", .model = model, .endpoint = endpoint };
	struct simsa_err err;
	struct store *st = NULL;

	snprintf(db, sizeof db, "%s/bench.db", dir);
	snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d/v1", port);
	if (store_create(db, "bench", &st, &err) < 0 || store_begin(st, &err) < 0 ||
	    store_add_entrant(st, &e, &err) < 0)
		die("cannot make the round", &err);
	for (long i = 0; i < n; i++) {
		struct prompt_rec p = { .id = id, .category = "bench", .prompt = prompt };

		snprintf(id, sizeof id, "p-%05ld", i);
		snprintf(prompt, sizeof prompt, "질문 %ld: 한국의 수도는 어디입니까?", i);
		p.prompt_len = strlen(prompt);
		if (store_add_prompt(st, &p, &err) < 0)
			die("cannot add a prompt", &err);
	}
	if (store_commit(st, &err) < 0)
		die("cannot commit", &err);
	return st;
}

/* Generates n outputs in a fresh round; returns the seconds taken. */
static double generate(long n, int port, const char *model)
{
	char tmpl[] = "/tmp/simsa-bench-XXXXXX", cmd[128];
	struct gen_options o;
	struct gen_summary s;
	struct simsa_err err;
	struct store *st;
	double t0, dt;

	if (!mkdtemp(tmpl))
		die("cannot make a temporary directory", NULL);
	st = make_round(tmpl, n, port, model);
	gen_options_default(&o);
	o.concurrency = CONCURRENCY;
	o.per_entrant = CONCURRENCY;
	t0 = mono_seconds();
	if (gen_run(st, &o, &s, &err) < 0)
		die("generate failed", &err);
	dt = mono_seconds() - t0;
	if (s.totals.done != n) {
		fprintf(stderr, "bench_generate: only %ld of %ld stored (%ld failed)\n",
			s.totals.done, n, s.totals.failed);
		exit(1);
	}
	gen_summary_release(&s);
	store_close(&st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_generate: could not remove %s\n", tmpl);
	return dt;
}

static pid_t start_stub(const char *stub, int *port)
{
	int fds[2];
	pid_t pid;
	char line[32] = "";
	FILE *f;

	if (pipe(fds) < 0)
		die("pipe", NULL);
	pid = fork();
	if (pid < 0)
		die("fork", NULL);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", stub, "--max-seconds", "300", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f || !fgets(line, sizeof line, f) || (*port = (int)strtol(line, NULL, 10)) <= 0) {
		kill(pid, SIGTERM);
		die("the stub server did not start (python3 and tests/tools/stub_server.py needed)", NULL);
	}
	fclose(f);
	return pid;
}

/* Runs `self --child n port model` and returns its peak RSS in KiB. */
static long child_rss(const char *self, long n, int port, const char *model)
{
	char ns[32], ps[16];
	struct rusage ru;
	int status;
	pid_t pid;

	snprintf(ns, sizeof ns, "%ld", n);
	snprintf(ps, sizeof ps, "%d", port);
	pid = fork();
	if (pid < 0)
		die("fork", NULL);
	if (pid == 0) {
		execl(self, self, "--child", ns, ps, model, (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("a child run failed", NULL);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	const char *stub = argc > 1 ? argv[1] : "tests/tools/stub_server.py";
	double dt, ideal = 600.0 / CONCURRENCY * 0.2;
	long rss600, rss2400;
	int port;
	pid_t pid;

	if (sodium_init() < 0)
		return 1;
	if (argc == 5 && strcmp(argv[1], "--child") == 0) {
		long n;

		if (!parse_long(argv[2], 1, 1000000, &n))
			return 2;
		generate(n, (int)strtol(argv[3], NULL, 10), argv[4]);
		return 0;
	}
	pid = start_stub(stub, &port);
	dt = generate(600, port, "slow-200ms");
	printf("generate: 600 requests, concurrency %d, server answering after 200 ms\n",
	       CONCURRENCY);
	printf("  elapsed %.2f s, ideal %.2f s, ratio %.2f (target < 1.3)\n", dt, ideal, dt / ideal);
	rss600 = child_rss(argv[0], 600, port, "echo");
	rss2400 = child_rss(argv[0], 2400, port, "echo");
	printf("  peak RSS: 600 requests %ld KiB, 2400 requests %ld KiB (ratio %.2f)\n", rss600,
	       rss2400, (double)rss2400 / (double)rss600);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return 0;
}
