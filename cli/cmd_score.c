/* cmd_score — `simsa score ROUND.db|BUNDLE [--benchmark FILE.csv]`: the
 * points of a closed round as a table, JSON or CSV (include/simsa/score.h,
 * docs/scoring.md). */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "simsa/score.h"
#include "simsa/util.h"

static json_t *num(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

/* {"accuracy": [{"statistic", "level", "value", "low", "high", "units",
 * "note"}, ...], ..., "preference": [...]} */
static json_t *agreement_json(const struct score_result *r)
{
	json_t *o = json_object();

	for (size_t k = 0; k < r->n_agree; k++) {
		const struct score_agree_stat *st = &r->agree[k];
		json_t *list = json_object_get(o, st->what);

		if (!list) {
			list = json_array();
			json_object_set_new(o, st->what, list);
		}
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:o}", "statistic",
					st->method == AGREE_FLEISS ? "fleiss_kappa" : "alpha",
					"level", agree_level_name(st->level), "value",
					num(st->value), "low", num(st->low), "high", num(st->high),
					"units", (json_int_t)st->units, "note",
					st->note[0] ? json_string(st->note) : json_null()));
	}
	return o;
}

static json_t *raters_json(const struct score_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n_raters; i++) {
		const struct score_rater *x = &r->raters[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", cli_jtext(x->name));
		json_object_set_new(o, "role", json_string(x->expert ? "expert" : "user"));
		json_object_set_new(o, "shared", json_integer(x->shared));
		json_object_set_new(o, x->expert ? "disagreement" : "match_rate",
				    num(x->expert ? x->disagreement : x->match_rate));
		json_object_set_new(o, "panel_z", num(x->panel_z));
		json_object_set_new(o, "gold_known", json_integer(x->gold_known));
		json_object_set_new(o, "gold_correct", json_integer(x->gold_correct));
		json_object_set_new(o, "repeats", json_integer(x->repeats));
		json_object_set_new(o, "repeats_reversed", json_integer(x->repeats_reversed));
		json_object_set_new(o, "flagged", json_boolean(x->flagged));
		json_object_set_new(o, "reason", x->flagged ? cli_jtext(x->reason) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *to_json(const struct score_result *r)
{
	json_t *root = json_object(), *recipe = json_object(), *crit = json_array();
	json_t *counts = json_object(), *gold = json_object(), *ents = json_array();

	json_object_set_new(root, "round_id", json_string(r->round_id));
	json_object_set_new(root, "title", cli_jtext(r->title));
	json_object_set_new(root, "closed_at", json_string(r->closed_at));
	for (size_t c = 0; c < r->n_criteria; c++)
		json_array_append_new(crit, json_pack("{s:s, s:i, s:i, s:i}", "id", r->crit_id[c],
						      "weight", r->crit_weight[c], "scale_min",
						      r->crit_min[c], "scale_max", r->crit_max[c]));
	json_object_set_new(recipe, "expert_points", json_real(SCORE_EXPERT_POINTS));
	json_object_set_new(recipe, "user_points", json_real(SCORE_USER_POINTS));
	json_object_set_new(recipe, "benchmark_points",
			    r->has_benchmark ? json_real(SCORE_BENCH_POINTS) : json_null());
	json_object_set_new(recipe, "total_max", json_real(r->total_max));
	json_object_set_new(recipe, "criteria", crit);
	json_object_set_new(recipe, "much_better_weight", json_integer(r->much_better_weight));
	json_object_set_new(recipe, "both_bad",
			    json_string(r->both_bad_as_tie ? "tie" : "exclude"));
	json_object_set_new(recipe, "identity_revealed",
			    json_string(r->identity_excluded ? "exclude" : "count"));
	for (int k = 0; k < 2; k++)
		json_object_set_new(recipe, k ? "failed_gold_user" : "failed_gold_expert",
				    json_pack("{s:s, s:i, s:i}", "rule",
					      r->failed_gold_excluded[k] ? "exclude" : "count",
					      "min_items", r->gold_min_items[k], "pass_percent",
					      r->gold_pass_percent[k]));
	json_object_set_new(recipe, "bootstrap_resamples", json_integer(r->resamples));
	/* as a string: a JSON number cannot hold every 64-bit seed exactly */
	char seed[24];
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
	json_object_set_new(recipe, "bootstrap_seed", json_string(seed));
	json_object_set_new(recipe, "bootstrap_clusters",
			    json_string("experts, users and prompts"));
	json_object_set_new(root, "recipe", recipe);
	json_object_set_new(counts, "expert_ballots", json_integer(r->counts.expert_ballots));
	json_object_set_new(counts, "user_ballots", json_integer(r->counts.user_ballots));
	json_object_set_new(counts, "superseded", json_integer(r->counts.superseded));
	json_object_set_new(counts, "gold", json_integer(r->counts.gold));
	json_object_set_new(counts, "identity_excluded", json_integer(r->counts.identity_excluded));
	json_object_set_new(counts, "failed_gold_raters",
			    json_integer(r->counts.failed_gold_raters));
	json_object_set_new(counts, "failed_gold_excluded",
			    json_integer(r->counts.failed_gold_excluded));
	json_object_set_new(counts, "self_dropped", json_integer(r->counts.self_dropped));
	json_object_set_new(counts, "both_bad_dropped", json_integer(r->counts.both_bad_dropped));
	json_object_set_new(counts, "experts", json_integer(r->counts.experts));
	json_object_set_new(counts, "users", json_integer(r->counts.users));
	json_object_set_new(counts, "prompts", json_integer(r->counts.prompts));
	json_object_set_new(counts, "resamples_discarded", json_integer(r->counts.discarded));
	json_object_set_new(root, "counts", counts);
	json_object_set_new(gold, "user_known", json_integer(r->gold.user_known));
	json_object_set_new(gold, "user_correct", json_integer(r->gold.user_correct));
	json_object_set_new(gold, "expert_known", json_integer(r->gold.expert_known));
	json_object_set_new(gold, "expert_correct", json_integer(r->gold.expert_correct));
	json_object_set_new(gold, "user_repeat", json_integer(r->gold.user_repeat));
	json_object_set_new(gold, "expert_repeat", json_integer(r->gold.expert_repeat));
	json_object_set_new(root, "gold", gold);
	json_object_set_new(root, "agreement", agreement_json(r));
	json_object_set_new(root, "raters", raters_json(r));
	for (size_t i = 0; i < r->n; i++) {
		const struct score_entrant *e = &r->e[i];
		json_t *o = json_object(), *ex = json_object(), *us = json_object(),
		       *cm = json_object();

		for (size_t c = 0; c < r->n_criteria; c++)
			json_object_set_new(
				cm, r->crit_id[c],
				json_pack("{s:o, s:o, s:I}", "mean", num(e->crit[c].mean), "sd",
					  num(e->crit[c].sd), "n", (json_int_t)e->crit[c].n));
		json_object_set_new(ex, "points", num(e->expert));
		json_object_set_new(ex, "low", num(e->expert_low));
		json_object_set_new(ex, "high", num(e->expert_high));
		json_object_set_new(ex, "corrected", num(e->expert_corrected));
		json_object_set_new(ex, "corrected_low", num(e->expert_corrected_low));
		json_object_set_new(ex, "corrected_high", num(e->expert_corrected_high));
		json_object_set_new(ex, "mean", num(e->expert_mean));
		json_object_set_new(ex, "outputs", json_integer(e->expert_outputs));
		json_object_set_new(ex, "scorings", json_integer(e->expert_scorings));
		json_object_set_new(ex, "criteria", cm);
		json_object_set_new(us, "points", num(e->user));
		json_object_set_new(us, "low", num(e->user_low));
		json_object_set_new(us, "high", num(e->user_high));
		json_object_set_new(us, "strength", num(e->strength));
		json_object_set_new(us, "expected", num(e->expected));
		json_object_set_new(us, "rating", num(e->rating));
		json_object_set_new(us, "rating_low", num(e->rating_low));
		json_object_set_new(us, "rating_high", num(e->rating_high));
		json_object_set_new(us, "win_rate", num(e->win_rate));
		json_object_set_new(us, "votes", num(e->votes));
		json_object_set_new(o, "name", cli_jtext(e->name));
		json_object_set_new(o, "expert", ex);
		json_object_set_new(o, "user", us);
		json_object_set_new(o, "benchmark", num(e->benchmark));
		json_object_set_new(o, "total", num(e->total));
		json_object_set_new(o, "total_low", num(e->total_low));
		json_object_set_new(o, "total_high", num(e->total_high));
		json_object_set_new(o, "rank", json_integer(e->rank));
		json_array_append_new(ents, o);
	}
	json_object_set_new(root, "entrants", ents);
	return root;
}

static void print_csv(FILE *f, const struct score_result *r)
{
	fprintf(f,
		"entrant,expert,expert_low,expert_high,user,user_low,user_high,rating,rating_low,"
		"rating_high,win_rate,votes,benchmark,total,total_low,total_high,rank,"
		"expert_corrected,expert_corrected_low,expert_corrected_high\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct score_entrant *e = &r->e[i];
		const double v[] = { e->expert,      e->expert_low, e->expert_high, e->user,
				     e->user_low,    e->user_high,  e->rating,      e->rating_low,
				     e->rating_high, e->win_rate,   e->votes,       e->benchmark,
				     e->total,       e->total_low,  e->total_high };

		csv_put(f, e->name, ",");
		for (size_t k = 0; k < sizeof v / sizeof *v; k++)
			csv_num(f, v[k], ",");
		fprintf(f, "%d,", e->rank);
		/* new columns go last: readers of the old ones by position keep working */
		csv_num(f, e->expert_corrected, ",");
		csv_num(f, e->expert_corrected_low, ",");
		csv_num(f, e->expert_corrected_high, "\n");
	}
}

/* Entrant indices by rank, then total (descending), then import order. */
static int cmp_order(const void *a, const void *b, const struct score_result *r)
{
	const struct score_entrant *x = &r->e[*(const size_t *)a], *y = &r->e[*(const size_t *)b];

	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) -
	       (*(const size_t *)a < *(const size_t *)b);
}

/* A short section: agreement per criterion and of the preference, then the
 * flagged raters (or that none is). */
static void print_agreement(const struct score_result *r)
{
	long flagged = 0;

	printf("\nagreement within the round (95%% intervals: units resampled):\n");
	for (size_t k = 0; k < r->n_agree; k++) {
		const struct score_agree_stat *st = &r->agree[k];
		char what[256], iv[48] = "";

		snprintf(what, sizeof what, "%s %s", st->what,
			 st->method == AGREE_FLEISS   ? "Fleiss kappa"
			 : st->level == AGREE_ORDINAL ? "alpha ordinal"
						      : "alpha interval");
		if (!isnan(st->low))
			snprintf(iv, sizeof iv, "  [%.3f, %.3f]", st->low, st->high);
		if (isnan(st->value))
			printf("  %s  -  (%s)\n", cli_pad(what, 32), cli_text(st->note));
		else
			printf("  %s  %6.3f%s  %ld units%s%s\n", cli_pad(what, 32), st->value, iv,
			       st->units, st->note[0] ? "; " : "", cli_text(st->note));
	}
	for (size_t i = 0; i < r->n_raters; i++)
		if (r->raters[i].flagged) {
			if (!flagged++)
				printf("flagged raters (reported only: their ballots still count):\n");
			printf("  %s %s: %s\n", r->raters[i].expert ? "expert" : "user",
			       cli_text(r->raters[i].name), cli_text(r->raters[i].reason));
		}
	if (!flagged)
		printf("no rater is flagged (%zu raters checked)\n", r->n_raters);
}

static void print_text(const char *path, const struct score_result *r)
{
	enum { BAR = 30 };
	size_t *ord = malloc((r->n ? r->n : 1) * sizeof *ord);
	int w = 7;

	if (!ord)
		return;
	for (size_t i = 0; i < r->n; i++) {
		ord[i] = i;
		if (cli_width(r->e[i].name) > w)
			w = cli_width(r->e[i].name);
	}
	for (size_t i = 1; i < r->n; i++) /* insertion sort: a handful of entrants */
		for (size_t j = i; j > 0 && cmp_order(&ord[j - 1], &ord[j], r) > 0; j--) {
			size_t t = ord[j];

			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	printf("score %s: %s (round %s, closed %s)\n", cli_text(path), cli_text(r->title),
	       cli_text(r->round_id), cli_text(r->closed_at));
	printf("%-*s  %9s  %8s  %9s  %9s  %-19s  %4s\n", w, "entrant", "expert/35", "user/25",
	       "bench/40", r->has_benchmark ? "total/100" : "total/60", "95% interval", "rank");
	for (size_t k = 0; k < r->n; k++) {
		const struct score_entrant *e = &r->e[ord[k]];
		char bench[16] = "-", iv[40] = "-", bar[BAR + 1];

		if (r->has_benchmark)
			snprintf(bench, sizeof bench, "%.4f", e->benchmark);
		if (!isnan(e->total_low))
			snprintf(iv, sizeof iv, "[%.2f, %.2f]", e->total_low, e->total_high);
		score_chart(bar, BAR, e->total, e->total_low, e->total_high, r->total_max);
		printf("%s  %9.4f  %8.4f  %9s  %9.4f  %-19s  %4d  [%s]\n", cli_pad(e->name, w),
		       e->expert, e->user, bench, e->total, iv, e->rank, bar);
	}
	printf("\nexpert component, and corrected for rater severity (reported, not the "
	       "points):\n%-*s  %9s  %-17s  %9s  %-17s\n",
	       w, "entrant", "expert/35", "95% interval", "corrected", "95% interval");
	for (size_t k = 0; k < r->n; k++) {
		const struct score_entrant *e = &r->e[ord[k]];
		char iv[40] = "-", cv[40] = "-";

		if (!isnan(e->expert_low))
			snprintf(iv, sizeof iv, "[%.2f, %.2f]", e->expert_low, e->expert_high);
		if (!isnan(e->expert_corrected_low))
			snprintf(cv, sizeof cv, "[%.2f, %.2f]", e->expert_corrected_low,
				 e->expert_corrected_high);
		printf("%s  %9.4f  %-17s  %9.4f  %s\n", cli_pad(e->name, w), e->expert, iv,
		       e->expert_corrected, cv);
	}
	printf("\nuser component (Bradley-Terry):\n%-*s  %8s  %8s  %7s  %-17s\n", w, "entrant",
	       "win rate", "votes", "Elo", "Elo 95% interval");
	for (size_t k = 0; k < r->n; k++) {
		const struct score_entrant *e = &r->e[ord[k]];
		char iv[40] = "-";

		if (!isnan(e->rating_low))
			snprintf(iv, sizeof iv, "[%.1f, %.1f]", e->rating_low, e->rating_high);
		printf("%s  %8.4f  %8.0f  %7.1f  %s\n", cli_pad(e->name, w), e->win_rate, e->votes,
		       e->rating, iv);
	}
	print_agreement(r);
	printf("\ncounted: %ld expert ballots, %ld user ballots; left out: %ld superseded, %ld gold, "
	       "%ld expert ballots flagged identity revealed",
	       r->counts.expert_ballots, r->counts.user_ballots, r->counts.superseded,
	       r->counts.gold, r->counts.identity_excluded);
	if (r->counts.both_bad_dropped)
		printf(", %ld both-bad votes", r->counts.both_bad_dropped);
	if (r->counts.failed_gold_raters)
		printf(", %ld ballots of %ld raters who failed the gold items",
		       r->counts.failed_gold_excluded, r->counts.failed_gold_raters);
	printf("\n");
	if (r->gold.user_known || r->gold.expert_known)
		printf("gold items with a known better answer: users %ld of %ld right, experts %ld "
		       "of %ld right\n",
		       r->gold.user_correct, r->gold.user_known, r->gold.expert_correct,
		       r->gold.expert_known);
	if (r->resamples)
		printf("intervals: %u bootstrap resamples of experts, users and prompts, seed %llu; "
		       "rank = 1 + entrants whose interval lies wholly above\n",
		       r->resamples, (unsigned long long)r->seed);
	printf("chart: # the total, |--| its 95%% interval, on the axis 0 to %g\n", r->total_max);
	if (r->counts.discarded)
		printf("(%ld resample%s without an estimate %s redrawn)\n", r->counts.discarded,
		       r->counts.discarded == 1 ? "" : "s",
		       r->counts.discarded == 1 ? "was" : "were");
	if (r->seeds_differ)
		printf("note: the user rubric states other bootstrap settings; the expert "
		       "rubric's are used for the joint bootstrap\n");
	free(ord);
}

struct score_args {
	const char *bench;
	enum out_format fmt;
	bool no_verify;
};

static const struct cli_opt opts[] = {
	CLI_OPT("benchmark", 0, "FILE.csv", OPT_STRING, offsetof(struct score_args, bench), 0,
		"CSV entrant,points (0..40, every entrant once):\n"
		"adds the benchmark component for a total out of 100"),
	CLI_OPT("format", 0, NULL, OPT_FORMAT, offsetof(struct score_args, fmt), 0,
		"text (a table), json or csv",
		.formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV)),
	CLI_OPT("no-verify", 0, NULL, OPT_FLAG, offsetof(struct score_args, no_verify), 0,
		"compute without verifying first: the output says\n"
		"NOT VERIFIED (csv: on stderr) and the exit status is 3"),
	{ 0 },
};

const struct cli_spec spec_score = {
	"the points of a closed round: expert /35, user /25, benchmark /40, total",
	"ROUND.db|BUNDLE",
	"  counted ballots only; gold tasks and expert ballots flagged \"identity\n"
	"  revealed\" are left out; 95% intervals by a seeded bootstrap of experts,\n"
	"  users and prompts (the expert rubric's [scoring] seed and resamples)\n",
	opts,
	"  rank = 1 + entrants whose total's interval lies wholly above; formulas:\n"
	"  docs/scoring.md\n"
	"  the file is verified first (simsa verify) and refused, exit 1, naming the\n"
	"  failing steps; exit 3: computed with --no-verify (docs/verify.md)\n",
};

int cmd_score(int argc, char **argv)
{
	struct score_args a = { NULL, FMT_TEXT, false };
	char *pos[CLI_MAX_ARGS];
	struct store *st = NULL;
	struct score_result r;
	struct simsa_err err;
	struct cli_verified v;
	int rc = cli_parse(&spec_score, "score", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (store_open_read(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	if (cli_verify_first("score", pos[0], st, a.no_verify, "nothing computed", &v) < 0) {
		store_close(&st);
		return EXIT_FAIL;
	}
	rc = score_round(st, a.bench, &r, &err);
	store_close(&st);
	if (rc < 0)
		return cli_fail(&err);
	if (a.fmt == FMT_JSON) {
		json_t *j = json_object(), *body = to_json(&r);

		/* "verified" first, where a reader of the file sees it */
		cli_verified_json(j, &v);
		if (json_object_update(j, body) < 0) {
			json_decref(j);
			j = NULL;
		}
		json_decref(body);
		if (j)
			(void)cli_json(stdout, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(j);
	} else if (a.fmt == FMT_CSV) {
		struct cli_raw raw;

		cli_verified_warn("score", pos[0], &v); /* the CSV keeps its exact bytes */
		print_csv(cli_raw_begin(&raw, stdout), &r);
		if (cli_raw_end(&raw, "CSV", "redirect it to a file", &err) < 0) {
			score_result_release(&r);
			return cli_fail(&err);
		}
	} else {
		/* first and last: the table is longer than a screen */
		cli_verified_banner(stdout, pos[0], &v);
		print_text(pos[0], &r);
		cli_verified_banner(stdout, pos[0], &v);
	}
	score_result_release(&r);
	return cli_verified_status(&v, EXIT_OK);
}
