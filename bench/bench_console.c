/* Benchmark and check: the rating console's drawing (tui/).
 *
 * 1. Timing: the rating screen of an expert at 200x60 with two 100 KB Korean
 *    answers (cut from the data, or made up without it) side by side. Times
 *    a redraw from cached layout (what every key and every clock tick
 *    costs), a redraw after a resize (both answers re-wrapped), and, as the
 *    baseline from the same run, writing every cell of the same canvas once
 *    (the least any full-screen redraw costs). Best of RUNS; target:
 *    under 2 ms per redraw. Also the resident memory of the session.
 * 2. Safety over real data (OUTPUTS_JSONL): every output is shown as A and B
 *    on the rating screen at 80x24, 120x40 and 200x60; fails if a laid-out
 *    line is wider than its pane or any drawn row holds a control byte or C1.
 * usage: bench_console [OUTPUTS_JSONL|-] [RUNS] */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "rating.h"
#include "cli.h"
#include "simsa/keyfile.h"
#include "simsa/util.h"

#define TEXT_BYTES (100u << 10)

static void die(const char *what, const struct simsa_err *err)
{
	fprintf(stderr, "bench_console: %s: %s\n", what, err ? err->msg : "failed");
	exit(2);
}

static int null_next(struct console *c, struct event *ev)
{
	(void)c;
	ev->type = EV_END;
	return 0;
}
static bool null_pending(struct console *c)
{
	(void)c;
	return false;
}
static void null_present(struct console *c)
{
	(void)c;
}
static const struct frontend null_fe = { null_next, null_pending, null_present, NULL, NULL };

static struct session *demo_session(char *dir, size_t cap)
{
	char db[600], key[700];
	char *argv[] = { "demo", "--db", db, "--no-panel", NULL };
	struct secret_key *sk = NULL;
	struct session *s = NULL;
	struct simsa_err err;
	FILE *null = fopen("/dev/null", "w");
	int saved = dup(STDOUT_FILENO);

	snprintf(dir, cap, "/tmp/simsa-bench-console-XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(db, sizeof db, "%s/demo.db", dir);
	fflush(stdout);
	dup2(fileno(null), STDOUT_FILENO);
	if (cmd_demo(4, argv) != 0)
		die("demo round", NULL);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fclose(null);
	snprintf(key, sizeof key, "%s/demo.keys/expert1.key", dir);
	if (keyfile_unlock(key, "demo", 4, &sk, &err) < 0 ||
	    session_start(db, "expert1", sk, &s, &err) < 0)
		die("session", &err);
	return s;
}

/* Korean text of about n bytes: from the data's outputs joined, or made up. */
static char *korean_text(json_t *outs, size_t skip, size_t n)
{
	static const char para[] =
		"## 요약\n대한민국의 인공지능 평가는 **공정성**과 재현성을 "
		"중요하게 여깁니다. 평가자는 두 답변을 나란히 읽고 기준별로 점수를 "
		"매깁니다.\n- 정확성\n- 한국어 품질\n```\nfor i in range(10): print(i)\n```\n";
	char *s = malloc(n + 1);
	size_t k = 0, i = skip;

	if (!s)
		die("out of memory", NULL);
	while (k < n) {
		const char *t = para;
		size_t len = sizeof para - 1;

		if (outs && json_array_size(outs)) {
			json_t *o = json_array_get(outs, i++ % json_array_size(outs));

			t = json_string_value(o);
			len = json_string_length(o);
		}
		if (len > n - k)
			len = n - k;
		memcpy(s + k, t, len);
		k += len;
	}
	s[n] = '\0';
	return s;
}

/* The outputs of a JSONL file, stopping after max bytes of them. */
static json_t *load_outputs(const char *path, size_t max)
{
	size_t total = 0;
	json_t *arr = json_array();
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return arr;
	while (total < max && getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		json_t *o = json_object_get(j, "output");

		if (json_is_string(o)) {
			json_array_append(arr, o);
			total += json_string_length(o);
		}
		json_decref(j);
	}
	free(line);
	fclose(f);
	return arr;
}

static double best_of(int runs, int reps, void (*fn)(struct console *), struct console *c)
{
	double best = 1e9;

	for (int r = 0; r < runs; r++) {
		double t0 = mono_seconds();

		for (int i = 0; i < reps; i++)
			fn(c);
		if ((mono_seconds() - t0) / reps < best)
			best = (mono_seconds() - t0) / reps;
	}
	return best;
}

static void redraw(struct console *c)
{
	console_draw(c);
}

static void resize_redraw(struct console *c)
{
	rating_of(c)->out[0].width = rating_of(c)->out[1].width =
		0; /* forget the layout: re-wrap */
	console_draw(c);
}

/* The least a full redraw costs: every cell of the canvas written once. */
static void baseline(struct console *c)
{
	canvas_clear(&c->cv);
	for (int y = 0; y < c->h; y++)
		for (int x = 0; x < c->w; x++)
			canvas_put(&c->cv, y, x, "x", 1, 1, 0);
}

static long check_all(struct console *c, json_t *outs, long *rows_checked)
{
	static const int sizes[3][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 } };
	struct simsa_err err;
	long bad = 0;

	for (size_t i = 0; i < json_array_size(outs); i++) {
		json_t *o = json_array_get(outs, i);

		if (pane_set(&rating_of(c)->out[0], json_string_value(o), json_string_length(o),
			     &err) < 0 ||
		    pane_set(&rating_of(c)->out[1], json_string_value(o), json_string_length(o),
			     &err) < 0)
			die("pane", &err);
		for (int k = 0; k < 3; k++) {
			if (canvas_resize(&c->cv, sizes[k][0], sizes[k][1], &err) < 0)
				die("canvas", &err);
			c->w = sizes[k][0];
			c->h = sizes[k][1];
			console_layout(c);
			console_draw(c);
			for (size_t l = 0; l < rating_of(c)->out[0].lines.n; l++)
				bad += rating_of(c)->out[0].lines.v[l].cols >
				       rating_of(c)->out[0].width;
			for (int y = 0; y < c->h; y++, (*rows_checked)++)
				bad += canvas_row_unsafe(&c->cv, y);
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *data = argc > 1 ? argv[1] : "-";
	int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20;
	bool have = strcmp(data, "-") != 0;
	json_t *outs = have ? load_outputs(data, 3 * TEXT_BYTES) : json_array();
	struct simsa_err err;
	struct console *c = NULL;
	struct session *s;
	struct rusage ru;
	char dir[256], cmd[300];
	double t_draw, t_resize, t_base;
	char *a, *b;

	if (!setlocale(LC_ALL, "C.UTF-8") || sodium_init() < 0 || runs < 1)
		die("setup", NULL);
	s = demo_session(dir, sizeof dir);
	if (console_open(s, &null_fe, NULL, 200, 60, &c, &err) < 0)
		die("console", &err);
	/* past the instructions a rater who has not begun sees first */
	if (c->prog->carry_out(c, console_key(c, K_ENTER), &err) < 0)
		die("first task", &err);
	a = korean_text(outs, 0, TEXT_BYTES);
	b = korean_text(outs, 7, TEXT_BYTES);
	if (pane_set(&rating_of(c)->out[0], a, strlen(a), &err) < 0 ||
	    pane_set(&rating_of(c)->out[1], b, strlen(b), &err) < 0)
		die("pane", &err);
	free(a);
	free(b);
	console_layout(c);
	console_draw(c);
	getrusage(RUSAGE_SELF, &ru);
	t_draw = best_of(runs, 50, redraw, c);
	t_resize = best_of(runs, 5, resize_redraw, c);
	t_base = best_of(runs, 50, baseline, c);
	printf("bench_console: rating screen 200x60, two %u KB Korean answers (%s), best of %d\n",
	       TEXT_BYTES >> 10, json_array_size(outs) ? "from the data" : "made up", runs);
	printf("  redraw (cached layout)   %8.3f ms  %5.1fx baseline  %s (target < 2 ms)\n",
	       t_draw * 1e3, t_draw / t_base, t_draw < 0.002 ? "PASS" : "FAIL");
	printf("  redraw after resize      %8.3f ms  %5.1fx baseline\n", t_resize * 1e3,
	       t_resize / t_base);
	printf("  baseline (fill 200x60)   %8.3f ms\n", t_base * 1e3);
	printf("  resident memory          %8ld KB (max RSS of the session with both answers; "
	       "target < 30 MB) %s\n",
	       ru.ru_maxrss, ru.ru_maxrss < 30 * 1024 ? "PASS" : "FAIL");
	if (have) {
		json_decref(outs);
		outs = load_outputs(data, (size_t)-1);
	}
	if (json_array_size(outs)) {
		long rows = 0, bad = check_all(c, outs, &rows);

		printf("  %zu outputs at 80x24, 120x40, 200x60: %ld rows checked, %ld problems %s\n",
		       json_array_size(outs), rows, bad, bad ? "FAIL" : "PASS");
		if (bad)
			t_draw = 1;
	}
	console_rating_free(&c);
	session_end(&s);
	json_decref(outs);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_console: could not remove %s\n", dir);
	return t_draw < 0.002 && ru.ru_maxrss < 30 * 1024 ? 0 : 1;
}
