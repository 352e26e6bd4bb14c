/* cmd_generate — `simsa outputs generate ROUND.db`: options, Ctrl-C, the
 * progress display (a live line on a terminal, plain lines otherwise) and
 * the final summary with failures grouped by reason. The work is gen_run's
 * (src/generate/generate.c). */
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "simsa/generate.h"
#include "simsa/screening.h"
#include "simsa/store.h"
#include "simsa/text.h"
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
	char line[2048], *safe;

	if (v->show == SHOW_NONE)
		return;
	fmt_progress(p, line, sizeof line);
	/* names come from the round: sanitized (not by cli_text(), whose
	 * buffers are the main thread's) */
	safe = text_sanitize_alloc(line, strlen(line));
	if (!safe)
		return;
	if (v->show == SHOW_LIVE) {
		int w = term_width(v->f) - 1;

		/* cut by columns, at a grapheme */
		fprintf(v->f, "\r\033[K%.*s", (int)text_fit(safe, strlen(safe), w < 0 ? 0 : w),
			safe);
		v->drawn = true;
	} else if (p->elapsed_s - v->last_s >= v->every_s) {
		v->last_s = p->elapsed_s;
		fprintf(v->f, "progress: %s\n", safe);
	}
	free(safe);
	fflush(v->f);
}

static void print_group(FILE *f, const struct gen_group *g)
{
	fprintf(f, "  %s %ld", cli_pad(g->reason, 24), g->count);
	if (g->detail[0])
		fprintf(f, "   (%s)", cli_text(g->detail));
	fputc('\n', f);
	for (size_t i = 0; i < g->n_examples; i++)
		fprintf(f, "      %s\n", cli_text(g->examples[i]));
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
			fprintf(f, "  %s no endpoint: %ld outputs missing (import them)\n",
				cli_pad(e->name, 16), e->missing);
			continue;
		}
		fprintf(f, "  %s %ld of %ld", cli_pad(e->name, 16), e->done, e->total);
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
	if (doc)
		(void)cli_json(f, doc, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	json_decref(doc);
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

/* The options: straight into gen_options where the types agree, else
 * into longs copied over after parsing. */
struct generate_args {
	struct gen_options o;
	long concurrency, per_entrant, max_attempts, max_response, every_s;
	const char *progress;
	enum out_format fmt;
};

#define AT(f) offsetof(struct generate_args, f)
static const struct cli_opt opts[] = {
	CLI_OPT("entrant", 0, "NAME", OPT_STRING, AT(o.entrant), 0, "only this entrant"),
	CLI_OPT("concurrency", 0, "N", OPT_LONG, AT(concurrency), 0,
		"requests at once, overall (default 16)", .min = 1, .max = 1024),
	CLI_OPT("per-entrant", 0, "N", OPT_LONG, AT(per_entrant), 0,
		"requests at once per entrant (default min(N, 8))", .min = 1, .max = 1024),
	CLI_OPT("retry-failed", 0, NULL, OPT_FLAG, AT(o.retry_failed), 0,
		"ask again for pairs whose last request failed"),
	CLI_OPT("max-attempts", 0, "N", OPT_LONG, AT(max_attempts), 0,
		"per pair, retries included (default 4); retried:\n"
		"connection errors, TLS handshakes, timeouts,\n"
		"408, 429, 5xx",
		.min = 1, .max = 20),
	CLI_OPT("backoff", 0, "MS", OPT_LONG, AT(o.backoff_ms), 0,
		"first retry delay, doubled each time (default 500)", .min = 0, .max = 600000),
	CLI_OPT("max-retry-after", 0, "S", OPT_LONG, AT(o.retry_after_max_s), 0,
		"cap on a server's Retry-After (default 120)", .min = 0, .max = 3600),
	CLI_OPT("connect-timeout", 0, "S", OPT_LONG, AT(o.connect_timeout_s), 0, "(default 10)",
		.min = 1, .max = 600),
	CLI_OPT("timeout", 0, "S", OPT_LONG, AT(o.timeout_s), 0, "whole request (default 600)",
		.min = 1, .max = 86400),
	CLI_OPT("low-speed-time", 0, "S", OPT_LONG, AT(o.low_speed_time_s), 0,
		"abort after S seconds below 1 byte/s (default 300)", .min = 1, .max = 86400),
	CLI_OPT("max-response", 0, "BYTES", OPT_LONG, AT(max_response), 0,
		"abort a larger response (default 8 MiB)", .min = 1024, .max = 1L << 30),
	CLI_OPT("cacert", 0, "FILE", OPT_STRING, AT(o.cacert), 0,
		"trust the CA certificates in FILE too (PEM)"),
	CLI_OPT("progress", 0, "auto|live|lines|none", OPT_CHOICE, AT(progress), 0,
		"live line on a terminal, else lines"),
	CLI_OPT("progress-every", 0, "S", OPT_LONG, AT(every_s), 0,
		"seconds between progress lines (default 10)", .min = 1, .max = 3600),
	CLI_OPT("format", 0, NULL, OPT_FORMAT, AT(fmt), 0,
		"the summary (json: progress goes to stderr)",
		.formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON)),
	{ 0 },
};
#undef AT

const struct cli_spec spec_outputs_generate = {
	"ask each entrant's OpenAI-compatible endpoint for the outputs still missing",
	"ROUND.db",
	"  one POST {endpoint}/chat/completions per (prompt, entrant) without an output;\n"
	"  each answer is stored as it arrives, so a rerun asks only for what is missing\n",
	opts,
	"  API keys come only from the variable named by the entrant's api_key_env.\n"
	"  Exits 1 if any request failed, failed pairs were skipped, or it was\n"
	"  interrupted (Ctrl-C); what arrived is kept.\n",
};

int cmd_outputs_generate(int argc, char **argv)
{
	struct generate_args a = { .fmt = FMT_TEXT, .every_s = 10 };
	struct gen_options o;
	struct gen_summary s;
	struct view v = { .f = stdout, .show = SHOW_AUTO, .every_s = 10 };
	char *pos[CLI_MAX_ARGS];
	struct simsa_err err;
	struct store *st = NULL;
	int rc;

	gen_options_default(&a.o);
	a.concurrency = a.o.concurrency;
	a.per_entrant = a.o.per_entrant;
	a.max_attempts = a.o.max_attempts;
	a.max_response = (long)a.o.max_response;
	rc = cli_parse(&spec_outputs_generate, NAME, argc, argv, &a, pos);
	if (rc != CLI_RUN)
		return rc;
	o = a.o;
	o.concurrency = (int)a.concurrency;
	o.per_entrant = (int)a.per_entrant;
	o.max_attempts = (int)a.max_attempts;
	o.max_response = (size_t)a.max_response;
	v.every_s = (double)a.every_s;
	if (a.progress)
		(void)parse_show(a.progress, &v.show); /* one of the table's choices */
	if (o.cacert && access(o.cacert, R_OK) != 0)
		return cli_usage_error(NAME, "--cacert %s: cannot read the file", o.cacert);
	if (a.fmt == FMT_JSON)
		v.f = stderr; /* progress beside the JSON document, not in it */
	if (v.show == SHOW_AUTO)
		v.show = isatty(fileno(v.f)) ? SHOW_LIVE : SHOW_LINES;
	o.progress = on_progress;
	o.ctx = &v;
	o.stop = &stop_flag;
	if (store_open(pos[0], &st, &err) < 0)
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
		cli_puts(stderr, "simsa: ", err.msg);
		if (s.totals.done)
			fprintf(stderr,
				"simsa: %ld outputs were stored before this; they are kept\n",
				s.totals.done);
		gen_summary_release(&s);
		return EXIT_FAIL;
	}
	if (a.fmt == FMT_JSON)
		print_json(stdout, &s);
	else
		print_summary(stdout, &s);
	rc = s.totals.failed || s.skipped_failed || s.interrupted ? EXIT_FAIL : EXIT_OK;
	gen_summary_release(&s);
	return rc;
}
