/* cmd_generate — `simsa outputs generate ROUND.db`: options, Ctrl-C, the
 * progress display (a live line on a terminal, plain lines otherwise) and
 * the final summary with failures grouped by reason. The work is gen_run's
 * (src/generate/generate.c). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "simsa/generate.h"
#include "simsa/screening.h"
#include "simsa/store.h"
#include "simsa/util.h"

#define NAME "outputs generate"

enum show { SHOW_AUTO, SHOW_LIVE, SHOW_LINES, SHOW_NONE };

struct view {
	FILE *f;
	enum show show;
	double every_s; /* SHOW_LINES: seconds between lines */
	double last_s;
	bool drawn; /* a live line is on the screen */
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* SA_RESETHAND: a second Ctrl-C ends simsa at once. */
static void catch_signals(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on ? on_signal : SIG_DFL;
	sa.sa_flags = on ? SA_RESETHAND : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int term_width(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

static void fmt_eta(const struct gen_progress *p, char *out, size_t cap)
{
	long finished = p->done + p->failed, left = p->total - finished;
	double rate = p->elapsed_s > 0 ? (double)finished / p->elapsed_s : 0;
	long s;

	if (rate <= 0 || left <= 0) {
		snprintf(out, cap, left <= 0 ? "0:00" : "-");
		return;
	}
	s = (long)((double)left / rate + 0.5);
	if (s >= 3600)
		snprintf(out, cap, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, cap, "%ld:%02ld", s / 60, s % 60);
}

/* "12/600 done, 1 failed, 32 in flight, 45.1/s, ETA 0:13; a 4/200, b 5/200 (1 failed)" */
static void fmt_progress(const struct gen_progress *p, char *out, size_t cap)
{
	char eta[32];
	double rate = p->elapsed_s > 0 ? (double)(p->done + p->failed) / p->elapsed_s : 0;
	size_t n;

	fmt_eta(p, eta, sizeof eta);
	snprintf(out, cap, "%ld/%ld done, %ld failed, %ld in flight", p->done, p->total, p->failed,
		 p->inflight + p->waiting);
	n = strlen(out);
	if (p->waiting && n < cap)
		n += (size_t)snprintf(out + n, cap - n, " (%ld waiting to retry)", p->waiting);
	if (n < cap)
		n += (size_t)snprintf(out + n, cap - n, ", %.1f/s, ETA %s", rate, eta);
	for (size_t i = 0, shown = 0; i < p->n_entrants && n < cap; i++) {
		const struct gen_entrant_progress *e = &p->entrants[i];

		if (!e->has_endpoint)
			continue;
		n += (size_t)snprintf(out + n, cap - n, "%s %s %ld/%ld", shown++ ? "," : ";",
				      e->name, e->done, e->total);
		if (e->failed && n < cap)
			n += (size_t)snprintf(out + n, cap - n, " (%ld failed)", e->failed);
	}
}

static void on_progress(void *ctx, const struct gen_progress *p)
{
	struct view *v = ctx;
	char line[2048];

	if (v->show == SHOW_NONE)
		return;
	fmt_progress(p, line, sizeof line);
	if (v->show == SHOW_LIVE) {
		int w = term_width(v->f) - 1;

		/* entrant names and numbers are ASCII: bytes are columns */
		if ((int)strlen(line) > w)
			line[w] = '\0';
		fprintf(v->f, "\r\033[K%s", line);
		v->drawn = true;
	} else if (p->elapsed_s - v->last_s >= v->every_s) {
		v->last_s = p->elapsed_s;
		fprintf(v->f, "progress: %s\n", line);
	}
	fflush(v->f);
}

static void print_group(FILE *f, const struct gen_group *g)
{
	fprintf(f, "  %-24s %ld", g->reason, g->count);
	if (g->detail[0])
		fprintf(f, "   (%s)", g->detail);
	fputc('\n', f);
	for (size_t i = 0; i < g->n_examples; i++)
		fprintf(f, "      %s\n", g->examples[i]);
	if ((long)g->n_examples < g->count)
		fprintf(f, "      ... and %ld more\n", g->count - (long)g->n_examples);
}

static void print_summary(FILE *f, const struct gen_summary *s)
{
	const struct gen_progress *t = &s->totals;

	fprintf(f, "generated %ld of %ld outputs in %.1f s (%ld requests); %ld failed\n", t->done,
		t->total, t->elapsed_s, t->requests, t->failed);
	for (size_t i = 0; i < s->n_entrants; i++) {
		const struct gen_entrant_progress *e = &s->entrants[i];

		if (!e->has_endpoint) {
			fprintf(f, "  %-16s no endpoint: %ld outputs missing (import them)\n",
				e->name, e->missing);
			continue;
		}
		fprintf(f, "  %-16s %ld of %ld", e->name, e->done, e->total);
		if (e->failed)
			fprintf(f, ", %ld failed", e->failed);
		if (e->truncated)
			fprintf(f, ", %ld stopped for length", e->truncated);
		if (e->skipped_failed)
			fprintf(f, ", %ld skipped (failed before)", e->skipped_failed);
		fputc('\n', f);
	}
	if (s->n_groups)
		fprintf(f, "failures by reason:\n");
	for (size_t i = 0; i < s->n_groups; i++)
		print_group(f, &s->groups[i]);
	if (s->ungrouped)
		fprintf(f, "  (other reasons)          %ld\n", s->ungrouped);
	if (s->truncated.count) {
		fprintf(f, "stopped for length (stored, finish_reason \"length\"):\n");
		print_group(f, &s->truncated);
	}
	if (s->raced)
		fprintf(f, "%ld outputs arrived from elsewhere meanwhile; kept those\n", s->raced);
	if (s->skipped_failed)
		fprintf(f,
			"skipped %ld pairs whose last request failed; --retry-failed asks again\n",
			s->skipped_failed);
	if (s->interrupted)
		fprintf(f, "interrupted: what arrived is stored; run again to ask for the rest\n");
}

static json_t *group_json(const struct gen_group *g)
{
	json_t *ex = json_array();

	for (size_t i = 0; i < g->n_examples; i++)
		json_array_append_new(ex, json_string(g->examples[i]));
	return json_pack("{s:s, s:I, s:s, s:o}", "reason", g->reason, "count", (json_int_t)g->count,
			 "detail", g->detail, "examples", ex);
}

static void print_json(FILE *f, const struct gen_summary *s)
{
	const struct gen_progress *t = &s->totals;
	json_t *ents = json_array(), *fails = json_array(), *doc;
	char *text;

	for (size_t i = 0; i < s->n_entrants; i++) {
		const struct gen_entrant_progress *e = &s->entrants[i];

		json_array_append_new(
			ents, json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "name", e->name,
					"endpoint", e->has_endpoint, "asked", (json_int_t)e->total,
					"stored", (json_int_t)e->done, "failed",
					(json_int_t)e->failed, "length", (json_int_t)e->truncated,
					"skipped_failed", (json_int_t)e->skipped_failed,
					"missing_no_endpoint", (json_int_t)e->missing));
	}
	for (size_t i = 0; i < s->n_groups; i++)
		json_array_append_new(fails, group_json(&s->groups[i]));
	doc = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:b, s:o, s:o, s:o}", "asked",
			(json_int_t)t->total, "stored", (json_int_t)t->done, "failed",
			(json_int_t)t->failed, "length", (json_int_t)t->truncated, "skipped_failed",
			(json_int_t)s->skipped_failed, "requests", (json_int_t)t->requests,
			"elapsed_s", t->elapsed_s, "interrupted", s->interrupted, "entrants", ents,
			"failures", fails, "stopped_for_length", group_json(&s->truncated));
	text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) : NULL;
	if (text)
		fprintf(f, "%s\n", text);
	free(text);
	json_decref(doc);
}

static bool num(const char *arg, long min, long max, long *out)
{
	return parse_long(arg, min, max, out);
}

static int parse_show(const char *s, enum show *out)
{
	static const char *const names[] = { "auto", "live", "lines", "none" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum show)i;
			return 0;
		}
	return -1;
}

int cmd_outputs_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "entrant", required_argument, NULL, 'e' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "per-entrant", required_argument, NULL, 'p' },
		{ "max-attempts", required_argument, NULL, 'a' },
		{ "retry-failed", no_argument, NULL, 'r' },
		{ "connect-timeout", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "low-speed-time", required_argument, NULL, 'L' },
		{ "max-response", required_argument, NULL, 'M' },
		{ "backoff", required_argument, NULL, 'B' },
		{ "max-retry-after", required_argument, NULL, 'R' },
		{ "cacert", required_argument, NULL, 'A' },
		{ "progress", required_argument, NULL, 'P' },
		{ "progress-every", required_argument, NULL, 'E' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct gen_options o;
	struct gen_summary s;
	struct view v = { .f = stdout, .show = SHOW_AUTO, .every_s = 10 };
	enum out_format fmt = FMT_TEXT;
	struct simsa_err err;
	struct store *st = NULL;
	long n;
	int c, rc, li = 0;

	gen_options_default(&o);
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, &li)) != -1) {
		bool ok = true;

		switch (c) {
		case 'e': o.entrant = optarg; break;
		case 'c':
			ok = num(optarg, 1, 1024, &n);
			o.concurrency = (int)n;
			break;
		case 'p':
			ok = num(optarg, 1, 1024, &n);
			o.per_entrant = (int)n;
			break;
		case 'a':
			ok = num(optarg, 1, 20, &n);
			o.max_attempts = (int)n;
			break;
		case 'r': o.retry_failed = true; break;
		case 'C': ok = num(optarg, 1, 600, &o.connect_timeout_s); break;
		case 'T': ok = num(optarg, 1, 86400, &o.timeout_s); break;
		case 'L': ok = num(optarg, 1, 86400, &o.low_speed_time_s); break;
		case 'M':
			ok = num(optarg, 1024, 1L << 30, &n);
			o.max_response = (size_t)n;
			break;
		case 'B': ok = num(optarg, 0, 600000, &o.backoff_ms); break;
		case 'R': ok = num(optarg, 0, 3600, &o.retry_after_max_s); break;
		case 'A': o.cacert = optarg; break;
		case 'P': ok = parse_show(optarg, &v.show) == 0; break;
		case 'E':
			ok = num(optarg, 1, 3600, &n);
			v.every_s = (double)n;
			break;
		case 'f': ok = cli_parse_format(optarg, &fmt); break;
		case 'h': cli_help(NAME, stdout); return EXIT_OK;
		default: return cli_usage_error(NAME, "bad option");
		}
		if (!ok)
			return cli_usage_error(NAME, "bad value '%s' for --%s", optarg,
					       opts[li].name);
	}
	if (optind != argc - 1)
		return cli_usage_error(NAME, "expected ROUND.db");
	if (o.cacert && access(o.cacert, R_OK) != 0)
		return cli_usage_error(NAME, "--cacert %s: cannot read the file", o.cacert);
	if (fmt == FMT_JSON)
		v.f = stderr; /* progress beside the JSON document, not in it */
	if (v.show == SHOW_AUTO)
		v.show = isatty(fileno(v.f)) ? SHOW_LIVE : SHOW_LINES;
	o.progress = on_progress;
	o.ctx = &v;
	o.stop = &stop_flag;
	if (store_open(argv[optind], &st, &err) < 0)
		return cli_fail(&err);
	catch_signals(true);
	rc = gen_run(st, &o, &s, &err);
	catch_signals(false);
	if (v.drawn)
		fprintf(v.f, "\n");
	if (s.totals.done > 0)
		cli_warn_identities(st);
	store_close(&st);
	if (rc < 0) {
		fprintf(stderr, "simsa: %s\n", err.msg);
		if (s.totals.done)
			fprintf(stderr,
				"simsa: %ld outputs were stored before this; they are kept\n",
				s.totals.done);
		gen_summary_release(&s);
		return EXIT_FAIL;
	}
	if (fmt == FMT_JSON)
		print_json(stdout, &s);
	else
		print_summary(stdout, &s);
	rc = s.totals.failed || s.skipped_failed || s.interrupted ? EXIT_FAIL : EXIT_OK;
	gen_summary_release(&s);
	return rc;
}
