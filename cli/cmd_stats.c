/* cmd_stats — `simsa agreement FILE.csv` and `simsa rank FILE.csv`: the
 * statistics on exported data, without a round file (include/simsa/stats.h,
 * docs/scoring.md). */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/bootstrap.h"
#include "cli.h"
#include "simsa/stats.h"
#include "simsa/util.h"

static json_t *real_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

static void print_json(json_t *j)
{
	if (j)
		(void)cli_json(stdout, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
}

/* ---- agreement ---- */

struct agreement_args {
	const char *level, *method, *weights;
	enum out_format fmt;
	long resamples, seed;
};

#define AT(f) offsetof(struct agreement_args, f)
static const struct cli_opt agreement_opts[] = {
	CLI_OPT("level", 'l', "nominal|ordinal|interval|ratio", OPT_CHOICE, AT(level), 0,
		"required for alpha;\n"
		"default nominal for the kappas"),
	CLI_OPT("method", 'm', "alpha|fleiss|cohen", OPT_CHOICE, AT(method), 0,
		"alpha (Krippendorff, default), fleiss,\n"
		"cohen (two raters)"),
	CLI_OPT("weights", 'w', "unweighted|linear|quadratic", OPT_CHOICE, AT(weights), 0,
		"cohen only: unweighted (default), linear,\n"
		"quadratic"),
	CLI_OPT("bootstrap", 'b', "N", OPT_LONG, AT(resamples), 0,
		"resamples of units for a 95% interval\n"
		"(default 1000; 0: none)",
		.min = 0, .max = 1000000),
	CLI_OPT("seed", 's', "S", OPT_LONG, AT(seed), 0,
		"bootstrap seed (default 1); same seed,\n"
		"same interval anywhere",
		.min = 0, .max = LONG_MAX),
	CLI_OPT("format", 'f', NULL, OPT_FORMAT, AT(fmt), 0, "json: key alpha or kappa",
		.formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV)),
	{ 0 },
};
#undef AT

const struct cli_spec spec_agreement = {
	"inter-rater agreement of ratings in a CSV file (unit,rater,value)",
	"FILE.csv",
	"  FILE.csv: header unit,rater,value; one row per rating, missing ratings\n"
	"  absent; values are labels (nominal) or numbers (other levels)\n",
	agreement_opts,
	"  formulas and worked examples: docs/scoring.md\n",
};

int cmd_agreement(int argc, char **argv)
{
	struct agreement_args a = { .fmt = FMT_TEXT,
				    .resamples = BOOT_DEFAULT_RESAMPLES,
				    .seed = BOOT_DEFAULT_SEED };
	enum agree_level level = AGREE_NOMINAL;
	enum agree_method method = AGREE_ALPHA;
	enum agree_weights weights = AGREE_UNWEIGHTED;
	enum out_format fmt;
	bool have_level, have_weights;
	long resamples, seed;
	char *pos[CLI_MAX_ARGS];
	struct agree_data d;
	struct simsa_err err;
	double v, lo, hi;
	uint32_t redrawn = 0;
	const char *key;
	int rc = cli_parse(&spec_agreement, "agreement", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	/* the table checked the names: these parse */
	have_level = a.level && agree_level_parse(a.level, &level) == 0;
	if (a.method)
		(void)agree_method_parse(a.method, &method);
	have_weights = a.weights && agree_weights_parse(a.weights, &weights) == 0;
	fmt = a.fmt;
	resamples = a.resamples;
	seed = a.seed;
	if (method == AGREE_ALPHA && !have_level)
		return cli_usage_error("agreement", "--level is required for alpha");
	if (have_weights && method != AGREE_COHEN)
		return cli_usage_error("agreement", "--weights is for --method cohen");
	if (weights != AGREE_UNWEIGHTED && level == AGREE_NOMINAL)
		return cli_usage_error("agreement",
				       "--weights %s needs ordered categories: "
				       "--level ordinal, interval or ratio",
				       agree_weights_name(weights));
	if (agree_load_csv(pos[0], level, &d, &err) < 0)
		return cli_fail(&err);
	if (agree_with_interval(&d, method, level, weights, (uint32_t)resamples, (uint64_t)seed, &v,
				&lo, &hi, &redrawn, &err) < 0) {
		agree_data_release(&d);
		return cli_fail(&err);
	}
	key = method == AGREE_ALPHA ? "alpha" : "kappa";
	if (fmt == FMT_JSON) {
		json_t *j = json_object();

		json_object_set_new(j, "method", json_string(agree_method_name(method)));
		json_object_set_new(j, "level", json_string(agree_level_name(level)));
		json_object_set_new(j, "weights",
				    method == AGREE_COHEN ? json_string(agree_weights_name(weights))
							  : json_null());
		json_object_set_new(j, key, json_real(v));
		json_object_set_new(j, "ci_low", real_or_null(lo));
		json_object_set_new(j, "ci_high", real_or_null(hi));
		json_object_set_new(j, "resamples", json_integer(resamples));
		json_object_set_new(j, "seed", json_integer(seed));
		json_object_set_new(j, "resamples_discarded", json_integer(redrawn));
		json_object_set_new(j, "units", json_integer((json_int_t)d.n_units));
		json_object_set_new(j, "raters", json_integer((json_int_t)d.n_raters));
		json_object_set_new(j, "ratings", json_integer((json_int_t)d.start[d.n_units]));
		print_json(j);
	} else if (fmt == FMT_CSV) {
		printf("method,level,weights,value,ci_low,ci_high,resamples,seed,units,raters,ratings\n");
		printf("%s,%s,%s,", agree_method_name(method), agree_level_name(level),
		       method == AGREE_COHEN ? agree_weights_name(weights) : "");
		csv_num(stdout, v, ",");
		csv_num(stdout, lo, ",");
		csv_num(stdout, hi, ",");
		printf("%ld,%ld,%zu,%zu,%zu\n", resamples, seed, d.n_units, d.n_raters,
		       d.start[d.n_units]);
	} else {
		static const char *const title[] = { "Krippendorff's alpha", "Fleiss' kappa",
						     "Cohen's kappa" };

		printf("%s (%s%s%s): %.4f\n", title[method],
		       method == AGREE_COHEN ? agree_weights_name(weights)
					     : agree_level_name(level),
		       method == AGREE_COHEN && weights != AGREE_UNWEIGHTED ? " weights, " : "",
		       method == AGREE_COHEN && weights != AGREE_UNWEIGHTED
			       ? agree_level_name(level)
			       : "",
		       v);
		if (resamples > 0)
			printf("95%% interval: %.4f to %.4f (%ld resamples of units, seed %ld)\n",
			       lo, hi, resamples, seed);
		if (redrawn)
			printf("(%u resample%s without a value %s redrawn)\n", redrawn,
			       redrawn == 1 ? "" : "s", redrawn == 1 ? "was" : "were");
		printf("%zu units, %zu raters, %zu ratings\n", d.n_units, d.n_raters,
		       d.start[d.n_units]);
	}
	agree_data_release(&d);
	return EXIT_OK;
}

/* ---- rank ---- */

static const struct rank_entry *g_entries; /* for the qsort below */
static char **g_names;

static int cmp_rank(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	double x = g_entries[a].rating, y = g_entries[b].rating;

	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(g_names[a], g_names[b]);
}

static int print_rank(const struct vote_set *vs, const struct rank_result *r,
		      const struct rank_opts *o, enum out_format fmt, const size_t *order)
{
	if (fmt == FMT_JSON) {
		json_t *j = json_object(), *arr = json_array();

		json_object_set_new(j, "method", json_string("bradley-terry"));
		json_object_set_new(j, "both_bad",
				    json_string(o->both_bad_tie ? "tie" : "exclude"));
		json_object_set_new(j, "much_better_weight", json_integer(o->much_weight));
		json_object_set_new(j, "resamples", json_integer(o->resamples));
		json_object_set_new(j, "seed", json_integer((json_int_t)o->seed));
		json_object_set_new(j, "resampled", json_string(r->cluster));
		json_object_set_new(j, "votes", json_integer((json_int_t)vs->n_votes));
		json_object_set_new(j, "self_comparisons_dropped",
				    json_integer((json_int_t)r->self_dropped));
		json_object_set_new(j, "both_bad_dropped",
				    json_integer((json_int_t)r->both_bad_dropped));
		json_object_set_new(j, "resamples_discarded",
				    json_integer((json_int_t)r->discarded));
		for (size_t k = 0; k < r->n; k++) {
			const struct rank_entry *e = &r->e[order[k]];
			json_t *x = json_object();

			json_object_set_new(x, "name", json_string(vs->entrant[order[k]]));
			json_object_set_new(x, "rating", json_real(e->rating));
			json_object_set_new(x, "ci_low", real_or_null(e->ci_low));
			json_object_set_new(x, "ci_high", real_or_null(e->ci_high));
			json_object_set_new(x, "rank", json_integer(e->rank));
			json_object_set_new(x, "win_rate", json_real(e->win_rate));
			json_object_set_new(x, "strength", json_real(e->strength));
			json_object_set_new(x, "expected", json_real(e->expected));
			json_object_set_new(x, "points", json_real(e->points));
			json_object_set_new(x, "points_low", real_or_null(e->points_low));
			json_object_set_new(x, "points_high", real_or_null(e->points_high));
			json_object_set_new(x, "votes", json_real(e->votes));
			json_array_append_new(arr, x);
		}
		json_object_set_new(j, "entrants", arr);
		print_json(j);
		return EXIT_OK;
	}
	if (fmt == FMT_CSV) {
		struct cli_raw raw;
		struct simsa_err err;
		FILE *out = cli_raw_begin(&raw, stdout);

		fprintf(out, "rank,name,rating,ci_low,ci_high,win_rate,strength,expected,points,"
			     "points_low,points_high,votes\n");
		for (size_t k = 0; k < r->n; k++) {
			const struct rank_entry *e = &r->e[order[k]];

			fprintf(out, "%d,", e->rank);
			csv_put(out, vs->entrant[order[k]], ",");
			csv_num(out, e->rating, ",");
			csv_num(out, e->ci_low, ",");
			csv_num(out, e->ci_high, ",");
			csv_num(out, e->win_rate, ",");
			csv_num(out, e->strength, ",");
			csv_num(out, e->expected, ",");
			csv_num(out, e->points, ",");
			csv_num(out, e->points_low, ",");
			csv_num(out, e->points_high, ",");
			fprintf(out, "%.0f\n", e->votes);
		}
		if (cli_raw_end(&raw, "CSV", "redirect it to a file", &err) < 0)
			return cli_fail(&err);
		return EXIT_OK;
	}
	printf("%-4s  %-20s  %7s  %-17s  %-16s  %8s  %8s  %6s\n", "rank", "entrant", "rating",
	       "95% interval", "points of 25", "win rate", "strength", "votes");
	for (size_t k = 0; k < r->n; k++) {
		const struct rank_entry *e = &r->e[order[k]];
		char iv[64] = "", pts[64];

		if (o->resamples > 0)
			snprintf(iv, sizeof iv, "%.1f..%.1f", e->ci_low, e->ci_high);
		snprintf(pts, sizeof pts, "%.2f", e->points);
		printf("%4d  %s  %7.1f  %-17s  %-16s  %8.3f  %8.4f  %6.0f\n", e->rank,
		       cli_pad(vs->entrant[order[k]], 20), e->rating, iv, pts, e->win_rate,
		       e->strength, e->votes);
	}
	printf("\n%zu votes; Bradley–Terry maximum likelihood; \"both bad\" %s; much better = %d "
	       "wins\n",
	       vs->n_votes, o->both_bad_tie ? "counted as a tie" : "left out", o->much_weight);
	if (r->self_dropped || r->both_bad_dropped)
		printf("dropped: %zu self-comparisons, %zu \"both bad\" votes\n", r->self_dropped,
		       r->both_bad_dropped);
	if (o->resamples > 0)
		printf("intervals: %u bootstrap resamples of %s, seed %llu; rank = 1 + entrants "
		       "whose interval lies wholly above\n",
		       o->resamples, cli_text(r->cluster), (unsigned long long)o->seed);
	if (r->discarded)
		printf("(%zu resample%s without maximum-likelihood strengths %s redrawn)\n",
		       r->discarded, r->discarded == 1 ? "" : "s",
		       r->discarded == 1 ? "was" : "were");
	return EXIT_OK;
}

struct rank_args {
	const char *both_bad;
	long much_weight, resamples, seed;
	enum out_format fmt;
};

#define AT(f) offsetof(struct rank_args, f)
static const struct cli_opt rank_opts[] = {
	CLI_OPT("both-bad", 'x', "tie|exclude", OPT_CHOICE, AT(both_bad), 0,
		"\"both bad\" as a tie (default) or left out"),
	CLI_OPT("much-better-weight", 'w', "W", OPT_LONG, AT(much_weight), 0,
		"wins one much-better vote counts as (default 2)", .min = 1, .max = 100),
	CLI_OPT("bootstrap", 'b', "N", OPT_LONG, AT(resamples), 0,
		"resamples for 95% intervals\n"
		"(default 1000; 0: none)",
		.min = 0, .max = 1000000),
	CLI_OPT("seed", 's', "S", OPT_LONG, AT(seed), 0, "bootstrap seed (default 1)", .min = 0,
		.max = LONG_MAX),
	CLI_OPT("format", 'f', NULL, OPT_FORMAT, AT(fmt), 0,
		"json: entrants with name, rating (Elo scale),\n"
		"ci_low, ci_high, rank, win_rate, ...",
		.formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV)),
	{ 0 },
};
#undef AT

const struct cli_spec spec_rank = {
	"Bradley-Terry ranking of entrants from pairwise votes in a CSV file",
	"FILE.csv",
	"  FILE.csv: header left,right,outcome with outcome left, right, tie or bothbad;\n"
	"  optional columns: much (1 = much better), rater and prompt (the clusters\n"
	"  the bootstrap resamples; without them it resamples single votes)\n",
	rank_opts,
	"  rank = 1 + entrants whose interval lies wholly above;\n"
	"  formulas: docs/scoring.md\n",
};

int cmd_rank(int argc, char **argv)
{
	struct rank_args a = { NULL, 2, BOOT_DEFAULT_RESAMPLES, BOOT_DEFAULT_SEED, FMT_TEXT };
	struct rank_opts o;
	char *pos[CLI_MAX_ARGS];
	struct vote_set vs;
	struct rank_result r;
	struct simsa_err err;
	size_t *order;
	int rc = cli_parse(&spec_rank, "rank", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	o.both_bad_tie = !a.both_bad || strcmp(a.both_bad, "tie") == 0;
	o.much_weight = (int)a.much_weight;
	o.resamples = (uint32_t)a.resamples;
	o.seed = (uint64_t)a.seed;
	if (votes_load_csv(pos[0], &vs, &err) < 0)
		return cli_fail(&err);
	if (rank_compute(&vs, &o, &r, &err) < 0) {
		vote_set_release(&vs);
		err_prefix(&err, "%s", pos[0]);
		return cli_fail(&err);
	}
	order = malloc((r.n ? r.n : 1) * sizeof *order);
	if (!order) {
		rank_result_release(&r);
		vote_set_release(&vs);
		err_set(&err, "out of memory");
		return cli_fail(&err);
	}
	for (size_t i = 0; i < r.n; i++)
		order[i] = i;
	g_entries = r.e;
	g_names = vs.entrant;
	qsort(order, r.n, sizeof *order, cmp_rank);
	rc = print_rank(&vs, &r, &o, a.fmt, order);
	free(order);
	rank_result_release(&r);
	vote_set_release(&vs);
	return rc;
}
