/* Benchmark: `outputs generate` against the stub server on 127.0.0.1
 * (tests/tools/stub_server.py).
 *
 * 1. Cases of generation, each timed and divided by its bound, the least
 *    time any scheduler needs: requests × latency / concurrency, or, when
 *    the per-entrant limit P binds, the most one entrant lacks × latency / P
 *    (that entrant never has more than P requests out). Target: a ratio of
 *    at most 1.05, i.e. no slot waits once it is free (issue 17).
 *      c1          60 requests at concurrency 1, 100 ms each
 *      c16         3 entrants × 112 at concurrency 16 (the default
 *                  per-entrant 8 leaves 24 slots: it does not bind)
 *      c64         1,280 requests at concurrency 64
 *      skew        3 entrants lacking 256, 32 and 32 outputs (one holds 80%
 *                  of the missing pairs) at concurrency 16, no per-entrant
 *                  limit: once the small two run dry the big one must take
 *                  every slot; bound 320 × 0.3 / 16 = 6 s
 *      skew-limit  the same with per-entrant 8 at concurrency 24, where the
 *                  limit binds: bound 256 × 0.3 / 8 = 9.6 s, met only if
 *                  each slot the big entrant frees is taken again at once.
 *                  (At concurrency 16 the round-robin would give it only a
 *                  third of the slots while the others still have pairs.)
 *    The others take 300 ms each. Counts are whole multiples of the slots,
 *    so the last wave is full; the latencies are long enough that the
 *    stub's own few milliseconds per request stay well inside the 5%.
 *    Outputs not asked for are imported first, as when one team is late.
 * 2. Peak RSS of a fresh process generating 600 and then 2,400 outputs
 *    (model answering at once), to show memory does not grow with the
 *    number of requests.
 * Starts and stops its own stub; needs python3. Takes about 40 s.
 * usage: bench_generate [STUB.py]     (run from the top of the tree)
 *        bench_generate --child N PORT MODEL   (internal) */
#include <signal.h>
#include <stdbool.h>
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

#define RSS_CONCURRENCY 32
#define MAX_ENTS 3

/* One timed case. Entrant e lacks missing[e] outputs: the round has as many
 * prompts as the largest count, and each entrant's outputs for the prompts
 * past its own count are imported before the clock starts. */
struct bench_case {
	const char *name;
	int concurrency;
	int per_entrant;   /* 0: the default, min(concurrency, 8) */
	const char *model; /* the stub's behaviour */
	long latency_ms;   /* how long that model takes to answer */
	size_t n_ents;
	long missing[MAX_ENTS];
};

static const struct bench_case cases[] = {
	{ "c1", 1, 0, "slow-100ms", 100, 1, { 60 } },
	{ "c16", 16, 0, "slow-300ms", 300, 3, { 112, 112, 112 } },
	{ "c64", 64, 64, "slow-300ms", 300, 1, { 1280 } },
	{ "skew", 16, 16, "slow-300ms", 300, 3, { 256, 32, 32 } },
	{ "skew-limit", 24, 8, "slow-300ms", 300, 3, { 256, 32, 32 } },
};

static void die(const char *what, const struct simsa_err *err)
{
	fprintf(stderr, "bench_generate: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
	exit(1);
}

static int per_entrant(const struct bench_case *c)
{
	if (c->per_entrant > 0)
		return c->per_entrant;
	return c->concurrency < 8 ? c->concurrency : 8;
}

/* A draft round at dir/bench.db with c's entrants and prompts. */
static struct store *make_round(const char *dir, const struct bench_case *c, int port)
{
	char db[4096], endpoint[64], name[32], id[32], prompt[128], text[64];
	struct simsa_err err;
	struct store *st = NULL;
	long n = 0;

	snprintf(db, sizeof db, "%s/bench.db", dir);
	snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d/v1", port);
	if (store_create(db, "bench", &st, &err) < 0 || store_begin(st, &err) < 0)
		die("cannot make the round", &err);
	for (size_t e = 0; e < c->n_ents; e++) {
		struct entrant_rec rec = { .name = name, .model = c->model, .endpoint = endpoint };

		snprintf(name, sizeof name, "bench%zu", e + 1);
		if (store_add_entrant(st, &rec, &err) < 0)
			die("cannot add an entrant", &err);
		if (c->missing[e] > n)
			n = c->missing[e];
	}
	for (long i = 0; i < n; i++) {
		struct prompt_rec p = { .id = id, .category = "bench", .prompt = prompt };
		int64_t prow, erow;

		snprintf(id, sizeof id, "p-%05ld", i);
		snprintf(prompt, sizeof prompt, "질문 %ld: 한국의 수도는 어디입니까?", i);
		p.prompt_len = strlen(prompt);
		if (store_add_prompt(st, &p, &err) < 0 ||
		    store_find_prompt(st, id, &prow, &err) != 1)
			die("cannot add a prompt", &err);
		for (size_t e = 0; e < c->n_ents; e++) {
			struct output_rec o = { .prompt_row = prow,
						.text = text,
						.origin = "import" };

			if (i < c->missing[e])
				continue;
			snprintf(name, sizeof name, "bench%zu", e + 1);
			snprintf(text, sizeof text, "답변 %ld", i);
			o.text_len = strlen(text);
			hash_bytes(o.text, o.text_len, o.hash);
			if (store_find_entrant(st, name, &erow, &err) != 1)
				die("cannot find an entrant", &err);
			o.entrant_row = erow;
			if (store_add_output(st, &o, &err) < 0)
				die("cannot add an output", &err);
		}
	}
	if (store_commit(st, &err) < 0)
		die("cannot commit", &err);
	return st;
}

/* Generates c's missing outputs in a fresh round; returns the seconds taken. */
static double generate(const struct bench_case *c, int port)
{
	char tmpl[] = "/tmp/simsa-bench-XXXXXX", cmd[128];
	struct gen_options o;
	struct gen_summary s;
	struct simsa_err err;
	struct store *st;
	double t0, dt;
	long n = 0;

	for (size_t e = 0; e < c->n_ents; e++)
		n += c->missing[e];
	if (!mkdtemp(tmpl))
		die("cannot make a temporary directory", NULL);
	st = make_round(tmpl, c, port);
	gen_options_default(&o);
	o.concurrency = c->concurrency;
	o.per_entrant = c->per_entrant;
	t0 = mono_seconds();
	if (gen_run(st, &o, &s, &err) < 0)
		die("generate failed", &err);
	dt = mono_seconds() - t0;
	if (s.totals.done != n || s.totals.requests != n) {
		fprintf(stderr,
			"bench_generate: %s: %ld of %ld stored in %ld requests (%ld failed)\n",
			c->name, s.totals.done, n, s.totals.requests, s.totals.failed);
		exit(1);
	}
	gen_summary_release(&s);
	store_close(&st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_generate: could not remove %s\n", tmpl);
	return dt;
}

/* Times c and prints its line: the least time any scheduler needs is the
 * larger of all the work spread over every slot and the largest entrant's
 * work spread over its own slots. */
static void run_case(const struct bench_case *c, int port)
{
	double lat = (double)c->latency_ms / 1000.0, bound, dt;
	long n = 0, most = 0;
	int per = per_entrant(c);
	bool by_entrant;

	for (size_t e = 0; e < c->n_ents; e++) {
		n += c->missing[e];
		most = c->missing[e] > most ? c->missing[e] : most;
	}
	bound = (double)n * lat / c->concurrency;
	by_entrant = (double)most * lat / per > bound;
	if (by_entrant)
		bound = (double)most * lat / per;
	dt = generate(c, port);
	printf("  %-10s %5ld requests  concurrency %2d  per entrant %2d  %3ld ms  %6.2f s  "
	       "bound %5.2f s (%s)  ratio %.3f  (target <= 1.05: %s)\n",
	       c->name, n, c->concurrency, per, c->latency_ms, dt, bound,
	       by_entrant ? "entrant" : "overall", dt / bound,
	       dt / bound <= 1.05 ? "met" : "NOT MET");
	fflush(stdout);
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
		die("the stub server did not start (python3 and tests/tools/stub_server.py needed)",
		    NULL);
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
	long rss600, rss2400;
	int port;
	pid_t pid;

	if (sodium_init() < 0)
		return 1;
	if (argc == 5 && strcmp(argv[1], "--child") == 0) {
		struct bench_case c = { "rss", RSS_CONCURRENCY, RSS_CONCURRENCY, argv[4], 0, 1,
					{ 0 } };

		if (!parse_long(argv[2], 1, 1000000, &c.missing[0]))
			return 2;
		generate(&c, (int)strtol(argv[3], NULL, 10));
		return 0;
	}
	pid = start_stub(stub, &port);
	printf("generate: seconds against the bound (requests x latency / concurrency, or the "
	       "largest entrant's x latency / per entrant when that is more)\n");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(&cases[i], port);
	rss600 = child_rss(argv[0], 600, port, "echo");
	rss2400 = child_rss(argv[0], 2400, port, "echo");
	printf("  peak RSS: 600 requests %ld KiB, 2400 requests %ld KiB (ratio %.2f)\n", rss600,
	       rss2400, (double)rss2400 / (double)rss600);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return 0;
}
