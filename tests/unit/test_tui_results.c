/* Unit tests: `simsa results` run headless (docs/console.md, "Results
 * screen") on the closed round of tests/unit/test_score.c (made by the
 * built `test_score --make-round PATH` next to this binary) — rows sorted
 * by rank, the figures those of score_round(), bars and whiskers where the
 * documented mapping puts them (computed here from the numbers), the
 * details, Korean labels, nothing wider than 80 columns at 80x24 — and on
 * a hand-made score_result with hostile names, a long Korean name and
 * thirty entrants (sanitized, cut with "~", scrolling). */
#include "testutil.h"

#include <libgen.h>
#include <locale.h>
#include <math.h>

#include <sodium.h>
#include <utf8proc.h>

#include "results_int.h"
#include "cli.h"
#include "simsa/console.h"
#include "simsa/score.h"

static char g_maker[1024]; /* test_score, next to this binary */

struct fx {
	char *dir;
	char db[512];
	char bench[512];
	char script[512];
	char dump[512];
	struct score_result r, rb; /* without and with the benchmark */
	char *all;                 /* the last run's dump */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char cmd[2200], *p;

	assert_non_null(f);
	f->dir = tmpdir_make();
	snprintf(f->db, sizeof f->db, "%s/round.db", f->dir);
	snprintf(cmd, sizeof cmd, "'%s' --make-round '%s' >/dev/null 2>&1", g_maker, f->db);
	if (system(cmd) != 0)
		fail_msg("could not make the round with %s", g_maker);
	p = write_file(f->dir, "bench.csv", "entrant,points\nteam0,30\nteam1,40\nteam2,20.5\n");
	snprintf(f->bench, sizeof f->bench, "%s", p);
	free(p);
	snprintf(f->script, sizeof f->script, "%s/script", f->dir);
	snprintf(f->dump, sizeof f->dump, "%s/dump", f->dir);
	score_file(f->db, NULL, &f->r);
	score_file(f->db, f->bench, &f->rb);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	score_result_release(&f->r);
	score_result_release(&f->rb);
	free(f->all);
	tmpdir_remove(&f->dir);
	free(f);
	return 0;
}

/* Runs `simsa results` on the round with the script; f->all holds the dump. */
static int run(struct fx *f, const char *size, const char *lang, const char *bench,
	       const char *script)
{
	char *p = write_file(f->dir, "script", script);
	int rc;

	free(p);
	unlink(f->dump);
	setenv("SIMSA_CONSOLE_SCRIPT", f->script, 1);
	setenv("SIMSA_CONSOLE_SIZE", size, 1);
	setenv("SIMSA_CONSOLE_DUMP", f->dump, 1);
	rc = cli_results(f->db, bench, lang, false);
	free(f->all);
	f->all = access(f->dump, R_OK) == 0 ? file_text(f->dump) : strdup("");
	return rc;
}

/* The dump labelled label, from "--- screen" to "--- end" (caller frees). */
static char *section(const char *all, const char *label)
{
	char head[128];
	const char *s, *e;

	snprintf(head, sizeof head, " %s\n", label);
	for (s = strstr(all, "--- screen "); s; s = strstr(s + 1, "--- screen ")) {
		const char *nl = strchr(s, '\n');

		if (nl && (size_t)(nl + 1 - s) >= strlen(head) &&
		    strncmp(nl + 1 - strlen(head), head, strlen(head)) == 0)
			break;
	}
	if (!s)
		fail_msg("no dump labelled %s in:\n%s", label, all);
	e = strstr(s, "--- end");
	assert_non_null(e);
	return strndup(s, (size_t)(e - s));
}

static void has(const char *sec, const char *needle)
{
	if (!strstr(sec, needle))
		fail_msg("missing '%s' in:\n%s", needle, sec);
}

/* Screen row y of a section (caller frees). */
static char *row(const char *sec, int y)
{
	const char *p = strchr(sec, '\n');

	assert_non_null(p);
	p++;
	for (int i = 0; i < y; i++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	return strndup(p, strcspn(p, "\n"));
}

/* A state value of a section (static buffer). */
static const char *state(const char *sec, const char *key)
{
	static char val[2048];
	char k[128];
	const char *p;

	snprintf(k, sizeof k, "\n%s=", key);
	p = strstr(strstr(sec, "--- state"), k);
	if (!p)
		fail_msg("no state %s in:\n%s", key, sec);
	p += strlen(k);
	snprintf(val, sizeof val, "%.*s", (int)strcspn(p, "\n"), p);
	return val;
}

static int state_int(const char *sec, const char *key)
{
	return atoi(state(sec, key));
}

/* Every screen line of every dump in all fits in w columns. */
static void all_fit(const char *all, int w)
{
	const char *s = all;
	int checked = 0;

	while ((s = strstr(s, "--- screen ")) != NULL) {
		const char *end = strstr(s, "--- state");
		const char *p = strchr(s, '\n') + 1;

		while (p < end) {
			char *l = strndup(p, strcspn(p, "\n"));

			if (text_cols(l, strlen(l)) > w)
				fail_msg("a line of %d columns: '%s'", text_cols(l, strlen(l)), l);
			free(l);
			p = strchr(p, '\n') + 1;
			checked++;
		}
		s = end;
	}
	assert_true(checked > 0);
}

/* Entrant indices in the order the screen must show: rank, then total. */
static void by_rank(const struct score_result *r, size_t *ord)
{
	for (size_t i = 0; i < r->n; i++)
		ord[i] = i;
	for (size_t i = 1; i < r->n; i++)
		for (size_t j = i; j > 0; j--) {
			const struct score_entrant *a = &r->e[ord[j - 1]], *b = &r->e[ord[j]];

			if (a->rank < b->rank || (a->rank == b->rank && a->total >= b->total))
				break;
			size_t t = ord[j];
			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
}

/* The chart of docs/console.md, from the numbers: w cells for 0..max;
 * n(v) = round(w v / max); `#` on cells 1..n(total), `|` on cells
 * max(1, n(low)) and max(1, n(high)), `-` between them beyond the bar,
 * `.` elsewhere. */
static void expected_chart(const struct score_entrant *e, double max, int w, char *out)
{
	int n = (int)round(w * e->total / max);
	int lo = (int)round(w * e->total_low / max), hi = (int)round(w * e->total_high / max);

	lo = lo < 1 ? 1 : lo;
	hi = hi < 1 ? 1 : hi;
	for (int cell = 1; cell <= w; cell++)
		out[cell - 1] = cell == lo || cell == hi ? '|'
				: cell <= n              ? '#'
				: cell > lo && cell < hi ? '-'
							 : '.';
	out[w] = '\0';
}

static void fmt2(char *buf, size_t cap, double x)
{
	snprintf(buf, cap, " %.2f", x);
}

/* The column is on the screen (state "columns"). */
static bool shown(const char *sec, const char *col)
{
	char list[512], want[64];

	snprintf(list, sizeof list, ",%s,", state(sec, "columns"));
	snprintf(want, sizeof want, ",%s,", col);
	return strstr(list, want) != NULL;
}

/* Rows sorted by rank, each with the figures of its columns and its chart. */
static void check_table(const char *sec, const struct score_result *r)
{
	size_t ord[16];
	int y0 = state_int(sec, "table_y");
	int cx, cw;
	char names[512] = "", ranks[128] = "", num[64], chart[512];

	assert_true(r->n <= 16);
	by_rank(r, ord);
	assert_int_equal(sscanf(state(sec, "chart"), "%d,%d", &cx, &cw), 2);
	assert_true(cw >= 8);
	assert_int_equal(state_int(sec, "top"), 0);
	for (size_t k = 0; k < r->n; k++) {
		const struct score_entrant *e = &r->e[ord[k]];
		char *line;

		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? "," : "",
			 e->name);
		snprintf(ranks + strlen(ranks), sizeof ranks - strlen(ranks), "%s%d", k ? "," : "",
			 e->rank);
		if (k)
			assert_true(e->rank >= r->e[ord[k - 1]].rank);
		if ((int)k >= state_int(sec, "rows"))
			continue; /* below the fold (a small terminal) */
		line = row(sec, y0 + (int)k);
		snprintf(num, sizeof num, "%d %s ", e->rank, e->name);
		has(line, num);
		if (shown(sec, "expert")) {
			fmt2(num, sizeof num, e->expert);
			has(line, num);
		}
		if (shown(sec, "user")) {
			fmt2(num, sizeof num, e->user);
			has(line, num);
		}
		fmt2(num, sizeof num, e->total);
		has(line, num);
		if (shown(sec, "elo")) {
			snprintf(num, sizeof num, " %.1f", e->rating);
			has(line, num);
		}
		if (shown(sec, "win")) {
			snprintf(num, sizeof num, " %.3f", e->win_rate);
			has(line, num);
		}
		if (shown(sec, "bench")) {
			fmt2(num, sizeof num, e->benchmark);
			has(line, num);
		}
		expected_chart(e, r->total_max, cw, chart);
		assert_true((int)strlen(line) == cx + cw);
		if (strcmp(line + cx, chart) != 0)
			fail_msg(
				"chart of %s: '%s', expected '%s' (total %g [%g, %g] of %g, %d cells)",
				e->name, line + cx, chart, e->total, e->total_low, e->total_high,
				r->total_max, cw);
		free(line);
	}
	if (strcmp(state(sec, "order"), names) != 0)
		fail_msg("order %s, expected %s", state(sec, "order"), names);
	assert_string_equal(state(sec, "ranks"), ranks);
}

static void test_table_by_rank(void **state_)
{
	struct fx *f = *state_;
	char *sec;

	assert_int_equal(run(f, "80x24", "en", NULL, "dump t80\nresize 160x40\ndump t160\n"), 0);
	sec = section(f->all, "t80");
	has(sec, "screen=results\n");
	has(sec, "Results: ");
	has(sec, f->r.round_id);
	has(sec, f->r.closed_at);
	has(sec, "total/60");
	has(sec, "unsafe_rows=0\n");
	has(sec,
	    "columns=rank,name,expert,user,total,elo,win,chart\n"); /* 80: Elo's interval in details */
	check_table(sec, &f->r);
	/* the counts and the recipe */
	{
		char want[256];

		snprintf(want, sizeof want, "Counted: %ld expert and %ld user ballots.",
			 f->r.counts.expert_ballots, f->r.counts.user_ballots);
		has(sec, want);
		snprintf(want, sizeof want, "Left out: %ld superseded, %ld gold, %ld",
			 f->r.counts.superseded, f->r.counts.gold, f->r.counts.identity_excluded);
		has(sec, want);
		snprintf(want, sizeof want, "%u resamples of experts, users and prompts, seed %llu",
			 (unsigned)f->r.resamples, (unsigned long long)f->r.seed);
		has(sec, want);
	}
	free(sec);
	sec = section(f->all, "t160");
	check_table(sec, &f->r);
	has(sec, "columns=rank,name,expert,user,total,interval,elo,elo_interval,win,chart\n");
	free(sec);
}

static void test_benchmark_and_detail(void **state_)
{
	struct fx *f = *state_;
	size_t ord[16];
	const struct score_entrant *e;
	char *sec, want[256];

	by_rank(&f->rb, ord);
	e = &f->rb.e[ord[1]];
	assert_int_equal(run(f, "100x30", "en", f->bench,
			     "dump t\nkeys j <Enter>\ndump d\nkeys n\ndump d3\nkeys N <Esc>\n"
			     "dump back\nkeys ?\ndump help\nkeys q q\n"),
			 0);
	sec = section(f->all, "t");
	has(sec, "total/100");
	check_table(sec, &f->rb);
	free(sec);
	sec = section(f->all, "d");
	has(sec, "screen=detail\n");
	snprintf(want, sizeof want, "entrant=%s\n", e->name);
	has(sec, want);
	snprintf(want, sizeof want, "%.4f of 100", e->total);
	has(sec, want);
	snprintf(want, sizeof want, "95%% [%.4f, %.4f]", e->total_low, e->total_high);
	has(sec, want);
	snprintf(want, sizeof want, "%.4f of 35", e->expert);
	has(sec, want);
	snprintf(want, sizeof want, "%ld outputs, %ld scorings", e->expert_outputs,
		 e->expert_scorings);
	has(sec, want);
	snprintf(want, sizeof want, "corrected for rater severity %.4f of 35   95%% [%.4f, %.4f]",
		 e->expert_corrected, e->expert_corrected_low, e->expert_corrected_high);
	has(sec, want);
	snprintf(want, sizeof want, "%.4f of 25", e->user);
	has(sec, want);
	snprintf(want, sizeof want, "strength %.4f, expected win share %.4f", e->strength,
		 e->expected);
	has(sec, want);
	snprintf(want, sizeof want, "%.1f   95%% [%.1f, %.1f]", e->rating, e->rating_low,
		 e->rating_high);
	has(sec, want);
	snprintf(want, sizeof want, "win rate %.3f of %.0f votes", e->win_rate, e->votes);
	has(sec, want);
	snprintf(want, sizeof want, "%.4f of 40", e->benchmark);
	has(sec, want);
	for (size_t k = 0; k < f->rb.n_criteria; k++) {
		char m[32];

		if (isnan(e->crit[k].mean))
			snprintf(m, sizeof m, "-");
		else
			snprintf(m, sizeof m, "%.3f", e->crit[k].mean);
		snprintf(want, sizeof want, "%s", f->rb.crit_id[k]);
		has(sec, want);
		has(sec, m);
	}
	free(sec);
	sec = section(f->all, "d3");
	snprintf(want, sizeof want, "entrant=%s\n", f->rb.e[ord[2]].name);
	has(sec, want);
	free(sec);
	sec = section(f->all, "back");
	has(sec, "screen=results\nsize=100x30\n");
	has(sec, "selected=2\n");
	free(sec);
	sec = section(f->all, "help");
	has(sec, "screen=help\n");
	has(sec, "details of the selected entrant");
	free(sec);
}

static void test_korean_80x24(void **state_)
{
	struct fx *f = *state_;
	char *sec;

	assert_int_equal(run(f, "80x24", "ko", f->bench,
			     "dump t\nkeys <Enter>\ndump d\nkeys ?\ndump h\nkeys <Esc> <Esc> G\n"
			     "dump g\n"),
			 0);
	sec = section(f->all, "t");
	has(sec, "lang=ko\n");
	has(sec, "columns=rank,name,expert,user,bench,total,elo,chart\n");
	has(sec, "결과: ");
	has(sec, "순위");
	has(sec, "참가자");
	has(sec, "전문가/35");
	has(sec, "총점/100");
	has(sec, "집계: 전문가 표");
	has(sec, "부트스트랩");
	check_table(sec, &f->rb);
	free(sec);
	sec = section(f->all, "d");
	has(sec, "평가 기준");
	has(sec, "Elo 점수");
	free(sec);
	all_fit(f->all, 80);
	assert_int_equal(run(f, "80x24", "en", f->bench, "dump t\nkeys <Enter>\ndump d\n"), 0);
	all_fit(f->all, 80);
	/* the environment decides without --lang */
	setenv("LANG", "ko_KR.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	assert_int_equal(run(f, "80x24", NULL, NULL, "dump t\n"), 0);
	has(f->all, "lang=ko\n");
	setenv("LANG", "C.UTF-8", 1);
}

static void test_resize_and_small(void **state_)
{
	struct fx *f = *state_;
	char *sec;

	assert_int_equal(run(f, "80x24", "en", NULL,
			     "resize 30x8\ndump small\nresize 40x10\ndump min\nresize 250x60\n"
			     "dump wide\nkeys q\n"),
			 0);
	sec = section(f->all, "small");
	has(sec, "screen=too-small\n");
	has(sec, "at least 40x10");
	free(sec);
	sec = section(f->all, "min");
	has(sec, "screen=results\n");
	check_table(sec, &f->r);
	free(sec);
	all_fit(f->all, 250);
	sec = section(f->all, "wide");
	check_table(sec, &f->r);
	free(sec);
	assert_int_equal(run(f, "80x24", "xx", NULL, "dump t\n"), 2);
}

/* ---- the panel: agreement within the round and the raters ---- */

/* The screen lines of a section, with its state cut off (caller frees). */
static char *screen_of(const char *sec)
{
	const char *e = strstr(sec, "--- state");

	assert_non_null(e);
	return strndup(sec, (size_t)(e - sec));
}

/* Some screen line of sec holds every one of the n pieces. */
static void line_has_all(const char *sec, const char *const *piece, int n)
{
	char *scr = screen_of(sec);

	for (char *l = strtok(scr, "\n"); l; l = strtok(NULL, "\n")) {
		int k = 0;

		while (k < n && strstr(l, piece[k]))
			k++;
		if (k == n) {
			free(scr);
			return;
		}
	}
	free(scr);
	fail_msg("no line with '%s' ... '%s' in:\n%s", piece[0], piece[n - 1], sec);
}

static int rater_before(const struct score_rater *a, const struct score_rater *b)
{
	if (a->flagged != b->flagged)
		return a->flagged;
	if (a->expert != b->expert)
		return a->expert;
	return strcmp(a->name, b->name) < 0;
}

/* The raters' names in the panel's order: flagged, experts, by name. */
static void rater_order(const struct score_result *r, char *out, size_t cap, char *flags,
			size_t fcap)
{
	size_t ord[64];

	assert_true(r->n_raters <= 64);
	for (size_t i = 0; i < r->n_raters; i++)
		ord[i] = i;
	for (size_t i = 1; i < r->n_raters; i++)
		for (size_t j = i;
		     j > 0 && rater_before(&r->raters[ord[j]], &r->raters[ord[j - 1]]); j--) {
			size_t t = ord[j];

			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	out[0] = flags[0] = '\0';
	for (size_t i = 0; i < r->n_raters; i++) {
		snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? "," : "",
			 r->raters[ord[i]].name);
		snprintf(flags + strlen(flags), fcap - strlen(flags), "%s%c", i ? "," : "",
			 r->raters[ord[i]].flagged ? '!' : '-');
	}
}

/* Every statistic and rater of r on the panel sec, as score_round() has them. */
static void check_panel(const char *sec, const struct score_result *r)
{
	char a[64], b[64], cc[64], d[64], e[64], names[2048], flags[256];
	size_t flagged = 0, out = 0;

	has(sec, "screen=panel\n");
	has(sec, "unsafe_rows=0\n");
	has(sec, "Agreement within the round");
	for (size_t k = 0; k < r->n_agree; k++) {
		const struct score_agree_stat *st = &r->agree[k];
		const char *what = strcmp(st->what, "preference") == 0 ? "preference" : st->what;
		const char *stat = st->method == AGREE_FLEISS ? "Fleiss kappa" : "alpha";
		const char *level = st->level == AGREE_ORDINAL    ? "ordinal"
				    : st->level == AGREE_INTERVAL ? "interval"
								  : "nominal";
		const char *p[6] = { what, stat, level, a, b, cc };

		if (isnan(st->value))
			snprintf(a, sizeof a, " -");
		else
			snprintf(a, sizeof a, " %.3f", st->value);
		if (isnan(st->low) || isnan(st->high))
			snprintf(b, sizeof b, " -");
		else
			snprintf(b, sizeof b, "[%.3f, %.3f]", st->low, st->high);
		snprintf(cc, sizeof cc, " %ld", st->units);
		line_has_all(sec, p, 6);
		if (st->note[0]) {
			snprintf(d, sizeof d, "%.30s", st->note);
			has(sec, d);
		}
	}
	snprintf(a, sizeof a, "agreement=%zu\n", r->n_agree);
	has(sec, a);
	for (size_t i = 0; i < r->n_raters; i++) {
		const struct score_rater *x = &r->raters[i];
		const char *p[6] = { x->expert ? "expert " : "user ", x->name, a, b, cc, d };

		flagged += x->flagged;
		out += x->gold_excluded;
		snprintf(a, sizeof a, " %ld ", x->shared);
		snprintf(b, sizeof b, " %.3f ", x->expert ? x->disagreement : x->match_rate);
		snprintf(cc, sizeof cc, " %ld/%ld ", x->gold_correct, x->gold_known);
		snprintf(d, sizeof d, " %ld/%ld", x->repeats_reversed, x->repeats);
		line_has_all(sec, p, 6);
		if (!isnan(x->panel_z)) {
			const char *q[2] = { x->name, e };

			snprintf(e, sizeof e, " %.2f ", x->panel_z);
			line_has_all(sec, q, 2);
		}
	}
	snprintf(a, sizeof a, "%zu", flagged);
	snprintf(b, sizeof b, "%zu", r->n_raters);
	snprintf(cc, sizeof cc, "%zu", out);
	snprintf(names, sizeof names,
		 "%s of %s raters flagged; %s left out for failing the gold "
		 "items.",
		 a, b, cc);
	has(sec, names);
	rater_order(r, names, sizeof names, flags, sizeof flags);
	assert_string_equal(state(sec, "raters"), names);
	assert_string_equal(state(sec, "rater_flags"), flags);
}

static void test_panel(void **state_)
{
	struct fx *f = *state_;
	char *sec;

	assert_true(f->r.n_agree > 0);
	assert_true(f->r.n_raters > 0);
	assert_int_equal(run(f, "120x90", "en", NULL,
			     "keys p\ndump all\nkeys <Esc>\ndump back\nkeys p p\ndump again\n"
			     "keys ?\ndump help\n"),
			 0);
	sec = section(f->all, "all");
	check_panel(sec, &f->r);
	assert_int_equal(state_int(sec, "panel.top"), 0);
	assert_true(state_int(sec, "panel.lines") < 90 - 3); /* all of it on the screen */
	has(sec, "Esc back");
	free(sec);
	sec = section(f->all, "back");
	has(sec, "screen=results\n");
	has(sec, "p raters");
	free(sec);
	sec = section(f->all, "again");
	has(sec, "screen=results\n");
	free(sec);
	sec = section(f->all, "help");
	has(sec, "agreement within the round and the raters");
	has(sec, "Agreement and raters");
	free(sec);
}

static void test_panel_80x24(void **state_)
{
	struct fx *f = *state_;
	char *sec;
	int lines, rows;

	assert_int_equal(run(f, "80x24", "en", NULL,
			     "keys p\ndump p\nkeys j\ndump j\nkeys <PgDn>\ndump pg\nkeys G\n"
			     "dump end\nkeys g\ndump top\nkeys h\ndump back\n"),
			 0);
	all_fit(f->all, 80);
	sec = section(f->all, "p");
	lines = state_int(sec, "panel.lines");
	has(sec, "Esc back");
	assert_true(lines > 24 - 3); /* it has to scroll */
	free(sec);
	sec = section(f->all, "j");
	assert_int_equal(state_int(sec, "panel.top"), 1);
	free(sec);
	sec = section(f->all, "pg");
	rows = 24 - 3;
	assert_int_equal(state_int(sec, "panel.top"),
			 1 + rows - 1 < lines - rows ? 1 + rows - 1 : lines - rows);
	free(sec);
	sec = section(f->all, "end");
	assert_int_equal(state_int(sec, "panel.top"), lines - rows);
	has(sec, "raters flagged;");
	/* the last rater, on the last line above the footer */
	{
		char *last = row(sec, 24 - 2);
		const char *names = state(sec, "raters");

		has(last, strrchr(names, ',') + 1);
		free(last);
	}
	free(sec);
	sec = section(f->all, "top");
	assert_int_equal(state_int(sec, "panel.top"), 0);
	free(sec);
	sec = section(f->all, "back");
	has(sec, "screen=results\n");
	free(sec);
	/* Korean */
	assert_int_equal(run(f, "80x24", "ko", f->bench, "keys p\ndump p\nkeys G\ndump end\n"), 0);
	all_fit(f->all, 80);
	sec = section(f->all, "p");
	has(sec, "lang=ko\n");
	has(sec, "일치도와 평가자: ");
	has(sec, "라운드 내 일치도");
	has(sec, "기준");
	has(sec, "통계량");
	has(sec, "서열");
	has(sec, "알파");
	free(sec);
	sec = section(f->all, "end");
	has(sec, "역할");
	has(sec, "평가자");
	has(sec, "전문가");
	has(sec, "사용자");
	has(sec, "주의 표시");
	free(sec);
}

/* ---- a hand-made result: hostile names, a long Korean name, 30 rows ---- */

static void test_hostile_names_and_scrolling(void **state_)
{
	struct fx *f = *state_;
	struct score_result r;
	struct results v;
	struct headless *hl = NULL;
	struct console *c = NULL;
	struct simsa_err err;
	char *p, *sec, *line;
	enum { N = 30 };

	memset(&r, 0, sizeof r);
	snprintf(r.round_id, sizeof r.round_id, "%s", "0123456789abcdef0123456789abcdef");
	snprintf(r.closed_at, sizeof r.closed_at, "%s", "2026-11-29T00:00:00Z");
	r.title = strdup("evil \x1b[2J\x1b]0;pwned\x07 title \xe2\x80\xae");
	r.n = N;
	r.e = calloc(N, sizeof *r.e);
	r.total_max = 60;
	r.resamples = 100;
	for (int i = 0; i < N; i++) {
		struct score_entrant *e = &r.e[i];
		char name[256];

		if (i == 0)
			snprintf(name, sizeof name,
				 "bad\x1b[31mred\x9b"
				 "1m\r\nname");
		else if (i == 1)
			snprintf(name, sizeof name, "%s",
				 "아주아주아주긴한국어이름의모델입니다정말로길어요");
		else
			snprintf(name, sizeof name, "m%02d", i);
		e->name = strdup(name);
		e->total = 60.0 * (N - i) / N;
		e->total_low = e->total - 3 < 0 ? 0 : e->total - 3;
		e->total_high = e->total + 2 > 60 ? 60 : e->total + 2;
		e->expert = e->total * 35 / 60;
		e->user = e->total * 25 / 60;
		e->benchmark = NAN;
		e->rating = 1000 + i;
		e->rating_low = e->rating_high = NAN;
		e->win_rate = 0.5;
		e->rank = i + 1;
	}
	/* the panel: a hostile criterion id, rater name and reason */
	r.n_agree = 2;
	r.agree = calloc(2, sizeof *r.agree);
	r.agree[0] = (struct score_agree_stat){
		"acc\x1b[2Juracy\xe2\x80\xae", AGREE_ALPHA, AGREE_ORDINAL, 0.5, 0.25, 0.75, 10, ""
	};
	r.agree[1] = (struct score_agree_stat){
		"preference", AGREE_FLEISS, AGREE_NOMINAL, NAN, NAN, NAN, 1, ""
	};
	snprintf(r.agree[1].note, sizeof r.agree[1].note, "%s",
		 "undefined: fewer than two votes \x1b]0;x\x07on a unit");
	r.n_raters = 3;
	r.raters = calloc(3, sizeof *r.raters);
	for (int i = 0; i < 3; i++) {
		r.raters[i].disagreement = r.raters[i].match_rate = r.raters[i].panel_z = NAN;
		r.raters[i].expert = i != 1;
	}
	r.raters[0].name = strdup("alice");
	r.raters[1].name = strdup("bob");
	r.raters[1].gold_excluded = r.raters[1].gold_failed = true;
	r.counts.failed_gold_raters = 1; /* as score counts it */
	r.raters[1].gold_known = 4;
	r.raters[2].name = strdup("zz\x1b[31mevil\xe2\x80\xae\xe2\x81\xa6name\x9b");
	r.raters[2].flagged = true;
	r.raters[2].panel_z = 4.25;
	r.raters[2].disagreement = 0.75;
	snprintf(r.raters[2].reason, sizeof r.raters[2].reason, "%s",
		 "panel: \x1b[2Jdisagreement\x07 0.750 \xe2\x80\xae(robust z 4.2)");
	p = write_file(f->dir, "script",
		       "dump top\nkeys G\ndump bottom\nkeys g <Enter>\ndump detail\n"
		       "keys <Esc> p\ndump panel\n");
	free(p);
	unlink(f->dump);
	i18n_force(LANG_EN);
	assert_int_equal(results_init(&v, &r, &err), 0);
	assert_int_equal(headless_open(f->script, f->dump, &hl, &err), 0);
	assert_int_equal(results_console_open(&headless_frontend, hl, 80, 24, &v, &c, &err), 0);
	assert_int_equal(console_loop(c, &err), 0);
	console_free(&c);
	headless_free(&hl);
	results_release(&v);
	free(f->all);
	f->all = file_text(f->dump);
	all_fit(f->all, 80);
	assert_null(strstr(f->all, "\x1b"));
	assert_null(strstr(f->all, "\x07"));
	assert_null(strstr(f->all, "\xc2\x9b"));
	assert_null(strstr(f->all, "\xe2\x80\xae"));
	assert_null(strstr(f->all, "\xe2\x81\xa6"));
	sec = section(f->all, "top");
	has(sec, "unsafe_rows=0\n");
	has(sec, "selected=1\n");
	has(sec, "top=0\n");
	line = row(sec, state_int(sec, "table_y") + 1);
	has(line, "~"); /* the long name, cut */
	assert_true(text_cols(line, strlen(line)) <= 80);
	free(line);
	free(sec);
	sec = section(f->all, "bottom");
	has(sec, "selected=30\n");
	has(sec, "entrant=m29\n");
	assert_int_equal(state_int(sec, "top") + state_int(sec, "rows"), N);
	line = row(sec, state_int(sec, "table_y") + state_int(sec, "rows") - 1);
	has(line, ">");
	has(line, "m29");
	free(line);
	free(sec);
	sec = section(f->all, "detail");
	has(sec, "screen=detail\n");
	has(sec, "unsafe_rows=0\n");
	free(sec);
	sec = section(f->all, "panel");
	has(sec, "screen=panel\n");
	has(sec, "unsafe_rows=0\n");
	has(sec, "rater_flags=!,-,-\n");
	has(sec, "raters_flagged=1\n");
	has(sec, "1 of 3 raters flagged; 1 left out for failing the gold items.");
	has(sec, "left out for failing the gold items\n"); /* bob's line */
	has(sec, "undefined: fewer than two votes");
	has(sec, "disagreement");
	{
		const char *p1[] = {
			"uracy", "alpha", "ordinal", " 0.500", "[0.250, 0.750]", " 10"
		};
		const char *p2[] = { "preference", "Fleiss kappa", "nominal", " -", " 1" };
		const char *p3[] = { "!", "expert", "evil", " 0.750", " 4.25" };
		char *scr = screen_of(sec), *first = NULL;

		line_has_all(sec, p1, 6);
		line_has_all(sec, p2, 5);
		line_has_all(sec, p3, 5);
		/* the flagged rater first, then experts, then users */
		first = strstr(scr, "evil");
		assert_non_null(first);
		assert_true(first < strstr(scr, "alice"));
		assert_true(strstr(scr, "alice") < strstr(scr, "bob"));
		free(scr);
	}
	free(sec);
	for (size_t i = 0; i < r.n_raters; i++)
		free(r.raters[i].name);
	free(r.raters);
	free(r.agree);
	for (int i = 0; i < N; i++)
		free(r.e[i].name);
	free(r.e);
	free(r.title);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_by_rank),
		cmocka_unit_test(test_benchmark_and_detail),
		cmocka_unit_test(test_korean_80x24),
		cmocka_unit_test(test_resize_and_small),
		cmocka_unit_test(test_panel),
		cmocka_unit_test(test_panel_80x24),
		cmocka_unit_test(test_hostile_names_and_scrolling),
	};
	char self[1024];

	(void)argc;
	snprintf(self, sizeof self, "%s", argv[0]);
	snprintf(g_maker, sizeof g_maker, "%s/test_score", dirname(self));
	if (!setlocale(LC_ALL, "C.UTF-8") || sodium_init() < 0)
		return 1;
	setenv("LANG", "C.UTF-8", 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
