/* cmd_stats — `simsa agreement FILE.csv` and `simsa rank FILE.csv`: the
 * statistics on exported data, without a round file (include/simsa/stats.h,
 * docs/scoring.md). */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/bootstrap.h"
#include "cli.h"
#include "simsa/stats.h"
#include "simsa/util.h"

enum stats_format { SF_TEXT, SF_JSON, SF_CSV };

static bool parse_sformat(const char *s, enum stats_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = SF_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = SF_JSON;
	else if (strcmp(s, "csv") == 0)
		*f = SF_CSV;
	else
		return false;
	return true;
}

static json_t *real_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

static bool parse_count(const char *s, long max, long *out)
{
	return parse_long(s, 0, max, out);
}

/* ---- agreement ---- */

int cmd_agreement(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "method", required_argument, NULL, 'm' },
		{ "weights", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	enum agree_level level = AGREE_NOMINAL;
	enum agree_method method = AGREE_ALPHA;
	enum agree_weights weights = AGREE_UNWEIGHTED;
	enum stats_format fmt = SF_TEXT;
	bool have_level = false, have_weights = false;
	long resamples = BOOT_DEFAULT_RESAMPLES, seed = BOOT_DEFAULT_SEED;
	struct agree_data d;
	struct simsa_err err;
	double v, lo, hi;
	uint32_t redrawn = 0;
	const char *key;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "l:m:w:f:b:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (agree_level_parse(optarg, &level) < 0)
				return cli_usage_error("agreement",
						       "--level: nominal, ordinal, "
						       "interval or ratio, not '%s'",
						       optarg);
			have_level = true;
			break;
		case 'm':
			if (agree_method_parse(optarg, &method) < 0)
				return cli_usage_error("agreement",
						       "--method: alpha, fleiss or cohen, "
						       "not '%s'",
						       optarg);
			break;
		case 'w':
			if (agree_weights_parse(optarg, &weights) < 0)
				return cli_usage_error("agreement",
						       "--weights: unweighted, linear or "
						       "quadratic, not '%s'",
						       optarg);
			have_weights = true;
			break;
		case 'f':
			if (!parse_sformat(optarg, &fmt))
				return cli_usage_error("agreement",
						       "--format: text, json or csv, "
						       "not '%s'",
						       optarg);
			break;
		case 'b':
			if (!parse_count(optarg, 1000000, &resamples))
				return cli_usage_error("agreement",
						       "--bootstrap: 0 to 1000000 "
						       "resamples, not '%s'",
						       optarg);
			break;
		case 's':
			if (!parse_count(optarg, LONG_MAX, &seed))
				return cli_usage_error("agreement",
						       "--seed: a whole number >= 0, "
						       "not '%s'",
						       optarg);
			break;
		case 'h': cli_help("agreement", stdout); return EXIT_OK;
		default: return cli_usage_error("agreement", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("agreement", "expected one FILE.csv");
	if (method == AGREE_ALPHA && !have_level)
		return cli_usage_error("agreement", "--level is required for alpha");
	if (have_weights && method != AGREE_COHEN)
		return cli_usage_error("agreement", "--weights is for --method cohen");
	if (weights != AGREE_UNWEIGHTED && level == AGREE_NOMINAL)
		return cli_usage_error("agreement",
				       "--weights %s needs ordered categories: "
				       "--level ordinal, interval or ratio",
				       agree_weights_name(weights));
	if (agree_load_csv(argv[optind], level, &d, &err) < 0)
		return cli_fail(&err);
	if (agree_with_interval(&d, method, level, weights, (uint32_t)resamples, (uint64_t)seed, &v,
				&lo, &hi, &redrawn, &err) < 0) {
		agree_data_release(&d);
		return cli_fail(&err);
	}
	key = method == AGREE_ALPHA ? "alpha" : "kappa";
	if (fmt == SF_JSON) {
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
	} else if (fmt == SF_CSV) {
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

static void print_rank(const struct vote_set *vs, const struct rank_result *r,
		       const struct rank_opts *o, enum stats_format fmt, const size_t *order)
{
	if (fmt == SF_JSON) {
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
		return;
	}
	if (fmt == SF_CSV) {
		printf("rank,name,rating,ci_low,ci_high,win_rate,strength,expected,points,"
		       "points_low,points_high,votes\n");
		for (size_t k = 0; k < r->n; k++) {
			const struct rank_entry *e = &r->e[order[k]];

			printf("%d,", e->rank);
			csv_put(stdout, vs->entrant[order[k]], ",");
			csv_num(stdout, e->rating, ",");
			csv_num(stdout, e->ci_low, ",");
			csv_num(stdout, e->ci_high, ",");
			csv_num(stdout, e->win_rate, ",");
			csv_num(stdout, e->strength, ",");
			csv_num(stdout, e->expected, ",");
			csv_num(stdout, e->points, ",");
			csv_num(stdout, e->points_low, ",");
			csv_num(stdout, e->points_high, ",");
			printf("%.0f\n", e->votes);
		}
		return;
	}
	printf("%-4s  %-20s  %7s  %-17s  %-16s  %8s  %8s  %6s\n", "rank", "entrant", "rating",
	       "95% interval", "points of 25", "win rate", "strength", "votes");
	for (size_t k = 0; k < r->n; k++) {
		const struct rank_entry *e = &r->e[order[k]];
		char iv[64] = "", pts[64];

		if (o->resamples > 0)
			snprintf(iv, sizeof iv, "%.1f..%.1f", e->ci_low, e->ci_high);
		snprintf(pts, sizeof pts, "%.2f", e->points);
		printf("%4d  %-20s  %7.1f  %-17s  %-16s  %8.3f  %8.4f  %6.0f\n", e->rank,
		       vs->entrant[order[k]], e->rating, iv, pts, e->win_rate, e->strength,
		       e->votes);
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
		       o->resamples, r->cluster, (unsigned long long)o->seed);
	if (r->discarded)
		printf("(%zu resample%s without maximum-likelihood strengths %s redrawn)\n",
		       r->discarded, r->discarded == 1 ? "" : "s",
		       r->discarded == 1 ? "was" : "were");
}

int cmd_rank(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "both-bad", required_argument, NULL, 'x' },
		{ "much-better-weight", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct rank_opts o = { true, 2, BOOT_DEFAULT_RESAMPLES, BOOT_DEFAULT_SEED };
	enum stats_format fmt = SF_TEXT;
	struct vote_set vs;
	struct rank_result r;
	struct simsa_err err;
	size_t *order;
	long x;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "x:w:f:b:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			if (strcmp(optarg, "tie") && strcmp(optarg, "exclude"))
				return cli_usage_error(
					"rank", "--both-bad: tie or exclude, not '%s'", optarg);
			o.both_bad_tie = strcmp(optarg, "tie") == 0;
			break;
		case 'w':
			if (!parse_long(optarg, 1, 100, &x))
				return cli_usage_error(
					"rank", "--much-better-weight: 1 to 100, not '%s'", optarg);
			o.much_weight = (int)x;
			break;
		case 'f':
			if (!parse_sformat(optarg, &fmt))
				return cli_usage_error(
					"rank", "--format: text, json or csv, not '%s'", optarg);
			break;
		case 'b':
			if (!parse_count(optarg, 1000000, &x))
				return cli_usage_error("rank",
						       "--bootstrap: 0 to 1000000 resamples, "
						       "not '%s'",
						       optarg);
			o.resamples = (uint32_t)x;
			break;
		case 's':
			if (!parse_count(optarg, LONG_MAX, &x))
				return cli_usage_error(
					"rank", "--seed: a whole number >= 0, not '%s'", optarg);
			o.seed = (uint64_t)x;
			break;
		case 'h': cli_help("rank", stdout); return EXIT_OK;
		default: return cli_usage_error("rank", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("rank", "expected one FILE.csv");
	if (votes_load_csv(argv[optind], &vs, &err) < 0)
		return cli_fail(&err);
	if (rank_compute(&vs, &o, &r, &err) < 0) {
		vote_set_release(&vs);
		err_prefix(&err, "%s", argv[optind]);
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
	print_rank(&vs, &r, &o, fmt, order);
	free(order);
	rank_result_release(&r);
	vote_set_release(&vs);
	return EXIT_OK;
}
