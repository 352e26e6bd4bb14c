/* Benchmark: the first frame of `simsa rate` on a big round — 500 prompts
 * × 6 entrants, 200 raters (13 users per slot: 487 or 488 tasks each) —
 * in the console's headless mode, from the call to the first screen dumped
 * (key unlock with the cheap KDF, session start, loading the first task,
 * layout, drawing). Target: under 100 ms. Baseline in the same run: opening
 * the round and reading the rater's task list through the store alone.
 * The round is built once in DIR/console-round.db. usage: bench_console_start [DIR] */
#include <locale.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli.h"
#include "simsa/console.h"

#include "bench_round.h"

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "build/bench";
	char db[4096], script[4096], dump[4096], key[4096], receipts[4200];
	double best = 1e9, base = 1e9;
	struct rusage ru;

	if (sodium_init() < 0)
		return 1;
	setlocale(LC_ALL, "C.UTF-8");
	snprintf(db, sizeof db, "%s/console-round.db", dir);
	if (access(db, F_OK) != 0) {
		struct store *st = NULL;
		struct open_result res;

		bench_round_open(db, dir, 6, 500, 200, 13, &st, &res);
		store_close(&st);
		fprintf(stderr, "bench_console_start: round with %zu tasks built\n", res.n_tasks);
	}
	snprintf(script, sizeof script, "%s/first-frame.script", dir);
	snprintf(dump, sizeof dump, "%s/first-frame.dump", dir);
	snprintf(receipts, sizeof receipts, "%s/receipts.txt", dir);
	snprintf(key, sizeof key, "%s/u17.key", dir);
	/* the rater has not begun: the instructions come first, Enter opens
	 * the first task, which is the frame measured */
	write_text(script, "keys <Enter>\ndump first\n");
	setenv("SIMSA_CONSOLE_SCRIPT", script, 1);
	setenv("SIMSA_CONSOLE_SIZE", "200x60", 1);
	setenv("SIMSA_CONSOLE_DUMP", dump, 1);
	char pass[4096];

	snprintf(pass, sizeof pass, "%s/pw.txt", dir);
	write_text(pass, "pw\n");
	chmod(pass, 0600);
	for (int run = 0; run < 5; run++) {
		struct store *st = NULL;
		struct simsa_err err;
		int64_t row;
		enum rater_role role;
		unsigned char pk[32];
		struct session_task_rec *tasks;
		size_t n;
		double t0 = mono_seconds();

		if (store_open(db, &st, &err) < 0 ||
		    store_rater(st, "u17", &row, &role, pk, &err) != 1 ||
		    store_rater_tasks(st, row, &tasks, &n, &err) < 0)
			die(&err);
		store_rater_tasks_release(tasks, n);
		store_close(&st);
		if (mono_seconds() - t0 < base)
			base = mono_seconds() - t0;
		unlink(dump);
		t0 = mono_seconds();
		if (cli_rate(db, "u17", key, pass, "en", receipts) != 0) {
			fprintf(stderr, "bench_console_start: the console did not start\n");
			return 1;
		}
		if (mono_seconds() - t0 < best)
			best = mono_seconds() - t0;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("console: first frame of simsa rate (500 prompts x 6 entrants, 200 raters) in "
	       "%.1f ms (best of 5; target 100 ms: %s)\n",
	       best * 1e3, best < 0.1 ? "met" : "NOT MET");
	printf("console: baseline (open the round, read the rater's task list) %.1f ms; "
	       "first frame/baseline = %.1fx\n",
	       base * 1e3, best / base);
	printf("console: peak RSS %.1f MB\n", ru.ru_maxrss / 1024.0);
	return 0;
}
