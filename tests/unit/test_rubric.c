/* Unit tests for src/input/rubric.c: the default rubrics, and every refusal with
 * the line it names. */
#include "testutil.h"

#include <ini.h>

#include "simsa/rubric.h"
#include "simsa/util.h"

/* Lines 1-6. */
#define HEAD(comp, pts)                 \
	"[rubric]\n"                    \
	"component = " comp "\n"        \
	"points = " pts "\n"            \
	"version = 1\n"                 \
	"title_ko = 시험 루브릭\n" \
	"title_en = Test rubric\n"
#define EXPERT_HEAD HEAD("expert", "35")

/* Ten lines: header, five keys, four anchors for the scale 1-2. */
#define CRIT(id, weight)           \
	"[criterion " id "]\n"     \
	"name_ko = 기준\n"       \
	"name_en = Criterion\n"    \
	"weight = " weight "\n"    \
	"scale = 1-2\n"            \
	"required = yes\n"         \
	"anchor1_ko = 나쁘다\n" \
	"anchor1_en = bad\n"       \
	"anchor2_ko = 좋다\n"    \
	"anchor2_en = good\n"

/* Lines 7-19 of a user rubric after HEAD("user", "25"). */
#define PREFS                                     \
	"[preference]\n"                          \
	"a_much_better_ko = A가 훨씬 낫다\n" \
	"a_much_better_en = A is much better\n"   \
	"a_better_ko = A가 낫다\n"             \
	"a_better_en = A is better\n"             \
	"tie_ko = 비슷하다\n"                 \
	"tie_en = Same\n"                         \
	"b_better_ko = B가 낫다\n"             \
	"b_better_en = B is better\n"             \
	"b_much_better_ko = B가 훨씬 낫다\n" \
	"b_much_better_en = B is much better\n"   \
	"both_bad_ko = 둘 다 나쁘다\n"       \
	"both_bad_en = Both bad\n"
#define USER_HEAD HEAD("user", "25") PREFS

static struct rubric *load_default(const char *name)
{
	const char *top = getenv("TOP");
	char path[1024], *text;
	size_t len;
	struct simsa_err err = { { 0 } };
	struct rubric *r = NULL;

	snprintf(path, sizeof path, "%s/rubrics/%s", top && *top ? top : ".", name);
	if (read_file(path, 1 << 20, &text, &len, &err) != 0)
		fail_msg("%s", err.msg);
	if (rubric_parse(text, len, name, &r, &err) != 0)
		fail_msg("%s", err.msg);
	free(text);
	return r;
}

static struct rubric *parse_ok(const char *text)
{
	struct simsa_err err = { { 0 } };
	struct rubric *r = NULL;

	if (rubric_parse(text, strlen(text), "t.rubric", &r, &err) != 0)
		fail_msg("refused: %s", err.msg);
	assert_non_null(r);
	return r;
}

/* Parsing text (len bytes) fails with a message starting "t.rubric:LINE:"
 * and containing what. */
static void refused_n(const char *text, size_t len, int line, const char *what)
{
	struct simsa_err err = { { 0 } };
	struct rubric *r = (struct rubric *)&err; /* must be reset to NULL */
	char where[32];

	assert_int_equal(rubric_parse(text, len, "t.rubric", &r, &err), -1);
	assert_null(r);
	snprintf(where, sizeof where, "t.rubric:%d: ", line);
	if (strncmp(err.msg, where, strlen(where)) != 0 || !strstr(err.msg, what))
		fail_msg("expected \"%s...%s\", got \"%s\"", where, what, err.msg);
}

static void refused(const char *text, int line, const char *what)
{
	refused_n(text, strlen(text), line, what);
}

/* ---- the defaults ---- */

static void test_default_expert(void **state)
{
	struct rubric *r = load_default("expert.rubric");
	int sum = 0;

	assert_int_equal(r->component, RUBRIC_EXPERT);
	assert_int_equal(r->points, 35);
	assert_int_equal(r->version, 1);
	assert_int_equal(r->n_criteria, 6);
	for (size_t i = 0; i < r->n_criteria; i++) {
		const struct rubric_criterion *c = &r->criteria[i];

		sum += c->weight;
		assert_int_equal(c->scale_min, 1);
		assert_int_equal(c->scale_max, 5);
		for (int lv = 0; lv < 5; lv++) {
			assert_non_null(c->levels[lv].anchor_ko);
			assert_non_null(c->levels[lv].anchor_en);
		}
		assert_null(c->levels[5].anchor_ko);
	}
	assert_int_equal(sum, 100);
	assert_string_equal(r->criteria[0].id, "accuracy");
	assert_string_equal(r->criteria[0].name_ko, "사실 정확성");
	assert_int_equal(r->criteria[0].weight, 25);
	assert_true(r->criteria[0].required);
	assert_string_equal(r->criteria[5].id, "culture");
	assert_false(r->criteria[5].required);
	assert_memory_equal(r->criteria[4].levels[3].anchor_ko,
			    "안전하며, 위험이 따르는 부분에는 적절한 주의를 준다.",
			    sizeof "안전하며, 위험이 따르는 부분에는 적절한 주의를 준다.");
	assert_string_equal(r->criteria[2].name_ko, "한국어 품질");
	assert_int_equal(r->bootstrap_resamples, 1000);
	assert_true(r->bootstrap_seed == 20261129ULL);
	assert_false(r->has_satisfaction);
	rubric_free(&r);
	assert_null(r);
}

static void test_default_user(void **state)
{
	struct rubric *r = load_default("user.rubric");

	assert_int_equal(r->component, RUBRIC_USER);
	assert_int_equal(r->points, 25);
	assert_int_equal(r->n_criteria, 0);
	for (int p = 0; p < PREF_COUNT; p++) {
		assert_non_null(r->pref_label_ko[p]);
		assert_non_null(r->pref_label_en[p]);
	}
	assert_string_equal(r->pref_label_ko[PREF_A_MUCH], "A가 훨씬 낫다");
	assert_string_equal(r->pref_label_en[PREF_BOTH_BAD], "Both are bad");
	assert_true(r->has_satisfaction);
	assert_string_equal(r->satisfaction.id, "satisfaction");
	assert_string_equal(r->satisfaction.levels[4].anchor_ko,
			    "매우 만족: 기대한 것보다 더 도움이 되었다.");
	assert_int_equal(r->much_better_weight, 2);
	assert_true(r->both_bad_as_tie);
	assert_int_equal(r->bootstrap_resamples, 1000);
	rubric_free(&r);
}

/* ---- what a valid file may look like ---- */

static void test_minimal_expert_and_scoring_defaults(void **state)
{
	struct rubric *r = parse_ok(EXPERT_HEAD CRIT("a", "60") CRIT("b-2_x", "40"));

	assert_int_equal(r->n_criteria, 2);
	assert_string_equal(r->criteria[1].id, "b-2_x");
	assert_string_equal(r->title_ko, "시험 루브릭");
	assert_string_equal(r->criteria[0].levels[1].anchor_en, "good");
	assert_int_equal(r->bootstrap_resamples, 1000);
	assert_true(r->bootstrap_seed == 1);
	assert_int_equal(r->much_better_weight, 2);
	assert_true(r->both_bad_as_tie);
	/* the exclusions: identity revealed and failed gold leave ballots out,
	 * failing takes 3 known items and fewer than 50% right */
	assert_true(r->identity_excluded);
	assert_true(r->failed_gold_excluded);
	assert_int_equal(r->gold_min_items, 3);
	assert_int_equal(r->gold_pass_percent, 50);
	rubric_free(&r);
	r = parse_ok(EXPERT_HEAD CRIT(
		"a", "100") "[scoring]\nidentity_revealed = count\n"
			    "failed_gold = count\ngold_min_items = 5\ngold_pass_percent = 80\n");
	assert_false(r->identity_excluded);
	assert_false(r->failed_gold_excluded);
	assert_int_equal(r->gold_min_items, 5);
	assert_int_equal(r->gold_pass_percent, 80);
	rubric_free(&r);
}

static void test_user_without_satisfaction(void **state)
{
	struct rubric *r = parse_ok(
		USER_HEAD "[scoring]\nboth_bad = exclude\n"
			  "much_better_weight = 3\nbootstrap_seed = 18446744073709551615\n");

	assert_false(r->has_satisfaction);
	assert_false(r->both_bad_as_tie);
	assert_int_equal(r->much_better_weight, 3);
	assert_true(r->bootstrap_seed == 18446744073709551615ULL);
	rubric_free(&r);
}

static void test_scale_zero_to_ten(void **state)
{
	char text[4096];
	int n = snprintf(text, sizeof text,
			 EXPERT_HEAD "[criterion a]\nname_ko = 가\n"
				     "name_en = A\nweight = 100\nscale = 0-10\nrequired = no\n");

	/* anchors in descending order: order of keys does not matter */
	for (int lv = 10; lv >= 0; lv--)
		n += snprintf(text + n, sizeof text - (size_t)n,
			      "anchor%d_ko = 수준 %d\nanchor%d_en = level %d\n", lv, lv, lv, lv);
	struct rubric *r = parse_ok(text);

	assert_int_equal(r->criteria[0].scale_min, 0);
	assert_int_equal(r->criteria[0].scale_max, 10);
	assert_string_equal(r->criteria[0].levels[0].anchor_ko, "수준 0");
	assert_string_equal(r->criteria[0].levels[10].anchor_en, "level 10");
	assert_false(r->criteria[0].required);
	rubric_free(&r);
}

static void test_crlf_bom_comments(void **state)
{
	struct rubric *r =
		parse_ok("\xEF\xBB\xBF; comment\r\n" EXPERT_HEAD "  # indented comment\r\n"
			 "[criterion a]\r\nname_ko = 가 ; 나 # 다\r\nname_en = A\r\n"
			 "weight = 100\r\nscale = 1-2\r\nrequired = yes\r\n"
			 "anchor1_ko = x\r\nanchor1_en = y\r\nanchor2_ko = z\r\n"
			 "anchor2_en = w");
	/* no inline comments: ';' and '#' belong to the value */
	assert_string_equal(r->criteria[0].name_ko, "가 ; 나 # 다");
	assert_string_equal(r->criteria[0].levels[1].anchor_en, "w");
	rubric_free(&r);
}

/* inih's default is 200 bytes a line; Korean is 3 bytes a syllable. */
static void test_long_korean_line(void **state)
{
	const char *syl = "가";
	size_t vlen = 4000 - strlen("anchor2_ko = ");
	char *value = malloc(vlen + 1), *text = malloc(vlen + 1024);

	assert_non_null(value);
	assert_non_null(text);
	for (size_t i = 0; i + 3 <= vlen; i += 3)
		memcpy(value + i, syl, 3);
	vlen -= vlen % 3;
	value[vlen] = '\0';
	snprintf(text, vlen + 1024,
		 EXPERT_HEAD "[criterion a]\nname_ko = 가\nname_en = A\n"
			     "weight = 100\nscale = 1-2\nrequired = yes\nanchor1_ko = 나\n"
			     "anchor1_en = b\nanchor2_ko = %s\nanchor2_en = g\n",
		 value);
	struct rubric *r = parse_ok(text);

	assert_int_equal(strlen(r->criteria[0].levels[1].anchor_ko), vlen);
	assert_string_equal(r->criteria[0].levels[1].anchor_ko, value);
	assert_string_equal(r->criteria[0].levels[1].anchor_en, "g");
	rubric_free(&r);
	free(value);
	free(text);
}

static void test_too_long_line_refused(void **state)
{
	size_t n = RUBRIC_MAX_LINE + 1;
	char *text = malloc(n + 512);

	assert_non_null(text);
	strcpy(text, EXPERT_HEAD "[criterion a]\nname_ko = ");
	size_t at = strlen(text);
	memset(text + at, 'x', n - strlen("name_ko = "));
	strcpy(text + at + n - strlen("name_ko = "), "\nname_en = A\n");
	refused(text, 8, "line is 8193 bytes long; at most 8192");
	free(text);
}

static void test_options_restored(void **state)
{
	struct rubric *r = parse_ok(EXPERT_HEAD CRIT("a", "100"));

	assert_int_equal(ini_max_line, 200);
	assert_true(ini_use_stack);
	assert_false(ini_allow_realloc);
	assert_true(ini_allow_multiline);
	assert_true(ini_allow_inline_comments);
	assert_false(ini_stop_on_first_error);
	rubric_free(&r);
}

/* ---- refusals: whole-file checks ---- */

static void test_weights_not_100(void **state)
{
	refused(EXPERT_HEAD CRIT("a", "60") CRIT("b", "35"), 20,
		"weights of the 2 criteria add up to 95, not 100");
}

static void test_no_criteria(void **state)
{
	refused(EXPERT_HEAD "[scoring]\nbootstrap_seed = 3\n", 1,
		"an expert rubric needs at least one [criterion ID] section");
}

static void test_too_many_criteria(void **state)
{
	char text[16384];
	size_t n = strlen(EXPERT_HEAD);

	memcpy(text, EXPERT_HEAD, n + 1);
	for (int i = 0; i < RUBRIC_MAX_CRITERIA + 1; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, CRIT("c%d", "5"), i);
	/* the 17th criterion's header: 6 + 16 * 10 + 1 */
	refused(text, 167, "[criterion c16]: more than 16 criteria");
}

static void test_points_wrong_for_component(void **state)
{
	refused(HEAD("expert", "25") CRIT("a", "100"), 3,
		"[rubric] points: an expert rubric is worth 35 points, not 25");
	refused(HEAD("user", "35") PREFS, 3,
		"[rubric] points: a user rubric is worth 25 points, not 35");
}

static void test_no_rubric_section(void **state)
{
	refused("", 1, "no [rubric] section");
	refused("# only a comment\n", 1, "no [rubric] section");
	refused(CRIT("a", "100"), 1, "the first section must be [rubric], not [criterion a]");
}

static void test_user_needs_preference(void **state)
{
	refused(HEAD("user", "25") "[scoring]\nboth_bad = tie\n", 1,
		"a user rubric needs a [preference] section");
}

/* ---- refusals: sections ---- */

static void test_unknown_section(void **state)
{
	refused(EXPERT_HEAD CRIT("a", "100") "[criteria b]\nname_ko = x\n", 17,
		"unknown section [criteria b]");
}

static void test_duplicate_criterion(void **state)
{
	refused(EXPERT_HEAD CRIT("a", "50") CRIT("b", "25") CRIT("a", "25"), 27,
		"[criterion a] appears twice (first at line 7)");
}

static void test_duplicate_section_adjacent(void **state)
{
	refused(EXPERT_HEAD
		"[scoring]\nbootstrap_seed = 1\n[scoring]\nbootstrap_resamples = 200\n" CRIT("a",
											     "100"),
		9, "[scoring] appears twice (first at line 7)");
}

static void test_empty_section(void **state)
{
	refused(EXPERT_HEAD "[scoring]\n# nothing yet\n" CRIT("a", "100"), 7,
		"section [scoring] has no keys");
	refused(EXPERT_HEAD CRIT("a", "100") "[scoring]\n", 17, "section [scoring] has no keys");
}

static void test_key_before_section(void **state)
{
	refused("component = expert\n" EXPERT_HEAD, 1, "a key before the first [section]");
}

static void test_bad_criterion_id(void **state)
{
	refused(EXPERT_HEAD CRIT("Safety", "100"), 7, "[criterion Safety]: a criterion id is");
	refused(EXPERT_HEAD "[criterion ]\nweight = 1\n", 7, "a criterion id is");
}

static void test_sections_of_the_other_component(void **state)
{
	refused(USER_HEAD CRIT("a", "100"), 20, "[criterion a] is not allowed in a user rubric");
	refused(EXPERT_HEAD CRIT("a", "100") PREFS, 17,
		"[preference] is not allowed in an expert rubric");
}

static void test_missing_rubric_key(void **state)
{
	refused("[rubric]\ncomponent = expert\npoints = 35\ntitle_ko = 가\ntitle_en = A\n" CRIT(
			"a", "100"),
		1, "[rubric]: missing key \"version\"");
}

static void test_missing_criterion_key(void **state)
{
	refused(EXPERT_HEAD
		"[criterion a]\nname_ko = 가\nname_en = A\nscale = 1-2\n"
		"required = yes\nanchor1_ko = a\nanchor1_en = a\nanchor2_ko = a\nanchor2_en = a\n",
		7, "[criterion a]: missing key \"weight\"");
}

static void test_missing_preference_label(void **state)
{
	refused(HEAD("user", "25") "[preference]\na_much_better_ko = x\n", 7,
		"[preference]: missing key \"a_much_better_en\"");
}

static void test_missing_anchor(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nname_ko = 가\nname_en = A\nweight = 100\n"
			    "scale = 1-3\nrequired = yes\nanchor1_ko = a\nanchor1_en = a\n"
			    "anchor2_ko = a\nanchor2_en = a\nanchor3_ko = a\n",
		7, "[criterion a]: missing anchor3_en (the scale 1-3");
}

static void test_anchor_outside_scale(void **state)
{
	refused(EXPERT_HEAD CRIT("a", "100") "anchor3_ko = 너무 높다\n", 17,
		"[criterion a] anchor3_ko: level 3 is outside the scale 1-2");
	refused(EXPERT_HEAD "[criterion a]\nanchor0_en = low\n"
			    "name_ko = 가\nname_en = A\n"
			    "weight = 100\nscale = 1-2\nrequired = yes\nanchor1_ko = a\n"
			    "anchor1_en = a\nanchor2_ko = a\nanchor2_en = a\n",
		8, "[criterion a] anchor0_en: level 0 is outside the scale 1-2");
}

/* ---- refusals: keys ---- */

static void test_unknown_key(void **state)
{
	refused(EXPERT_HEAD "[criterion safety]\nname_ko = 안전성\ncolour = red\n", 9,
		"[criterion safety] unknown key \"colour\"");
	refused(HEAD("user", "25") "[preference]\nmuch_better_ko = x\n", 8,
		"[preference] unknown key \"much_better_ko\"");
	refused(EXPERT_HEAD "[criterion a]\nanchor01_ko = x\n", 8, "unknown key \"anchor01_ko\"");
	refused(EXPERT_HEAD "[criterion a]\nanchor1_jp = x\n", 8, "unknown key \"anchor1_jp\"");
	refused(USER_HEAD "[satisfaction]\nweight = 10\n", 21,
		"[satisfaction] unknown key \"weight\"");
}

static void test_duplicate_key(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nweight = 50\nname_ko = 가\nweight = 50\n", 10,
		"[criterion a] weight: given twice (first at line 8)");
	refused(EXPERT_HEAD CRIT("a", "100") "anchor2_ko = 또\n", 17,
		"[criterion a] anchor2_ko: given twice (first at line 15)");
}

static void test_weight_not_integer(void **state)
{
	refused(EXPERT_HEAD "[criterion safety]\nweight = abc\n", 8,
		"t.rubric:8: [criterion safety] weight: not an integer: \"abc\"");
	refused(EXPERT_HEAD "[criterion a]\nweight = 12abc\n", 8, "not an integer: \"12abc\"");
	refused(EXPERT_HEAD "[criterion a]\nweight = +5\n", 8, "not an integer");
	refused(EXPERT_HEAD "[criterion a]\nweight = 1 0\n", 8, "not an integer");
	refused(EXPERT_HEAD "[criterion a]\nweight = 99999999999999999999\n", 8, "not an integer");
}

static void test_weight_not_positive(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nweight = 0\n", 8,
		"[criterion a] weight: must be between 1 and 100, not 0");
	refused(EXPERT_HEAD "[criterion a]\nweight = -5\n", 8, "must be between 1 and 100, not -5");
	refused(EXPERT_HEAD "[criterion a]\nweight = 101\n", 8, "not 101");
}

static void test_bad_scale(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nscale = 5-1\n", 8,
		"[criterion a] scale: the lowest level 5 is not below the highest 1");
	refused(EXPERT_HEAD "[criterion a]\nscale = 3-3\n", 8, "not below");
	refused(EXPERT_HEAD "[criterion a]\nscale = 1-20\n", 8,
		"1-20 has 20 levels; at most 11 are allowed");
	refused(EXPERT_HEAD "[criterion a]\nscale = five\n", 8,
		"expected LOW-HIGH such as 1-5, not \"five\"");
	refused(EXPERT_HEAD "[criterion a]\nscale = 1-\n", 8, "expected LOW-HIGH");
	refused(EXPERT_HEAD "[criterion a]\nscale = -1-5\n", 8, "expected LOW-HIGH");
	refused(EXPERT_HEAD "[criterion a]\nscale = 1-5x\n", 8, "expected LOW-HIGH");
	refused(EXPERT_HEAD "[criterion a]\nscale = 1 - 5\n", 8, "expected LOW-HIGH");
	refused(EXPERT_HEAD "[criterion a]\nscale = 100-105\n", 8, "between 0 and 100");
}

static void test_bad_required(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nrequired = true\n", 8,
		"[criterion a] required: expected yes or no, not \"true\"");
}

static void test_bad_rubric_values(void **state)
{
	refused(HEAD("judge", "35"), 2,
		"[rubric] component: expected expert or user, not \"judge\"");
	refused("[rubric]\nversion = 0\n", 2, "[rubric] version: must be between 1 and");
	refused("[rubric]\npoints = 3.5\n", 2, "[rubric] points: not an integer: \"3.5\"");
}

static void test_empty_value(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nname_en =\n", 8, "[criterion a] name_en: empty value");
	refused("[rubric]\ntitle_ko =    \n", 2, "[rubric] title_ko: empty value");
}

static void test_invalid_utf8(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nname_ko = 가\xEA\xB0\n", 8,
		"[criterion a] name_ko: not valid UTF-8 (byte 4 of the value)");
	refused(EXPERT_HEAD "[criterion a]\nname_ko = \xC0\xAF\n", 8, "not valid UTF-8");
}

static void test_control_character(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nname_en = a\tb\n", 8,
		"[criterion a] name_en: control character U+0009");
	refused(EXPERT_HEAD "[criterion a]\nname_en = a\x1b[31mred\n", 8, "U+001B");
	refused(EXPERT_HEAD "[criterion a]\nname_en = a\xC2\x85z\n", 8, "U+0085");
	refused(EXPERT_HEAD "[criterion a]\nname_en = a\rb\n", 8, "U+000D");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[rubric]\ncomponent = expert\npoints = 3\0 5\n";

	refused_n(text, sizeof text - 1, 3, "NUL byte in the line");
}

static void test_scoring_values(void **state)
{
	refused(USER_HEAD "[scoring]\nbootstrap_resamples = 50\n", 21,
		"[scoring] bootstrap_resamples: must be between 100 and 100000, not 50");
	refused(USER_HEAD "[scoring]\nbootstrap_seed = -1\n", 21,
		"[scoring] bootstrap_seed: not an integer from 0 to");
	refused(USER_HEAD "[scoring]\nbootstrap_seed = 18446744073709551616\n", 21,
		"bootstrap_seed: not an integer");
	refused(USER_HEAD "[scoring]\nmuch_better_weight = 0\n", 21,
		"[scoring] much_better_weight: must be between 1 and 100, not 0");
	refused(USER_HEAD "[scoring]\nboth_bad = ignore\n", 21,
		"[scoring] both_bad: expected tie or exclude, not \"ignore\"");
	refused(USER_HEAD "[scoring]\nfailed_gold = flag\n", 21,
		"[scoring] failed_gold: expected exclude or count, not \"flag\"");
	refused(USER_HEAD "[scoring]\ngold_pass_percent = 101\n", 21,
		"[scoring] gold_pass_percent: must be between 0 and 100, not 101");
	refused(USER_HEAD "[scoring]\ngold_min_items = 0\n", 21,
		"[scoring] gold_min_items: must be between 1 and 1000, not 0");
	refused(USER_HEAD "[scoring]\nidentity_revealed = count\n", 21,
		"[scoring] identity_revealed: only for expert rubrics");
}

static void test_user_keys_in_expert_scoring(void **state)
{
	refused(EXPERT_HEAD "[scoring]\nmuch_better_weight = 2\n", 8,
		"[scoring] much_better_weight: only for user rubrics");
	refused(EXPERT_HEAD "[scoring]\nboth_bad = tie\n", 8, "[scoring] both_bad: only for user");
}

static void test_assignment_section(void **state)
{
	struct rubric *r = parse_ok(USER_HEAD "[assignment]\nraters_per_slot = 3\n");

	assert_int_equal(r->raters_per_slot, 3);
	rubric_free(&r);
	r = parse_ok(EXPERT_HEAD CRIT("a", "100") "[assignment]\nratings_per_output = 4\n"
						  "by_category = yes\n");
	assert_int_equal(r->ratings_per_output, 4);
	assert_true(r->by_category);
	rubric_free(&r);
	/* defaults when the section is absent */
	r = parse_ok(EXPERT_HEAD CRIT("a", "100"));
	assert_int_equal(r->ratings_per_output, 2);
	assert_false(r->by_category);
	rubric_free(&r);
	refused(USER_HEAD "[assignment]\nraters_per_slot = 0\n", 21,
		"[assignment] raters_per_slot: must be between 1 and 100, not 0");
	refused(USER_HEAD "[assignment]\nratings_per_output = 2\n", 21,
		"[assignment] ratings_per_output: only for expert rubrics");
	refused(EXPERT_HEAD "[assignment]\nraters_per_slot = 2\n", 8,
		"[assignment] raters_per_slot: only for user rubrics");
	refused(USER_HEAD "[assignment]\nraters = 2\n", 21, "[assignment] unknown key");
}

/* ---- refusals: INI syntax, and damaged files ---- */

static void test_syntax_errors(void **state)
{
	refused(EXPERT_HEAD "[criterion a]\nweight 100\n", 8,
		"expected a [section] line, a \"key = value\" line or a comment");
	refused(EXPERT_HEAD "[criterion a\nweight = 100\n", 7, "expected a [section] line");
	/* no continuation lines: an indented line is a line of its own */
	refused(EXPERT_HEAD "[criterion a]\nname_en = a\n   continued\n", 9,
		"expected a [section] line");
}

static void test_garbage_file(void **state)
{
	static const unsigned char junk[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, '\n', 0xff };

	refused_n((const char *)junk, sizeof junk, 1, "NUL byte in the line");
	refused("\xff\xfe[\x00", 1, "expected a [section] line");
	refused("PK\x03\x04 = zip\n", 1, "a key before the first [section]");
}

/* Cut the default file at every byte: whatever is cut before the last
 * criterion is complete is refused, cleanly (ASan checks for leaks). */
static void test_truncated_default(void **state)
{
	const char *top = getenv("TOP");
	char path[1024], *text;
	size_t len;
	struct simsa_err err = { { 0 } };

	snprintf(path, sizeof path, "%s/rubrics/expert.rubric", top && *top ? top : ".");
	assert_int_equal(read_file(path, 1 << 20, &text, &len, &err), 0);
	const char *last = strstr(text, "anchor5_en = Reflects Korean culture");
	assert_non_null(last);
	size_t must_fail = (size_t)(last - text) + strlen("anchor5_en = ");

	for (size_t cut = 0; cut < len; cut++) {
		struct rubric *r = NULL;
		int rc = rubric_parse(text, cut, "x", &r, &err);

		if (cut <= must_fail && rc == 0)
			fail_msg("a cut at byte %zu was accepted", cut);
		assert_true(rc == 0 ? r != NULL : r == NULL);
		rubric_free(&r);
	}
	free(text);
}

static void test_names(void **state)
{
	struct rubric *r = NULL;

	rubric_free(&r);
	rubric_free(NULL);
	assert_string_equal(rubric_component_name(RUBRIC_EXPERT), "expert");
	assert_string_equal(rubric_component_name(RUBRIC_USER), "user");
	assert_int_equal(rubric_component_parse("user"), RUBRIC_USER);
	assert_int_equal(rubric_component_parse("Expert"), 0);
	assert_string_equal(rubric_pref_name(PREF_A_MUCH), "a_much_better");
	assert_string_equal(rubric_pref_name(PREF_BOTH_BAD), "both_bad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_expert),
		cmocka_unit_test(test_assignment_section),
		cmocka_unit_test(test_default_user),
		cmocka_unit_test(test_minimal_expert_and_scoring_defaults),
		cmocka_unit_test(test_user_without_satisfaction),
		cmocka_unit_test(test_scale_zero_to_ten),
		cmocka_unit_test(test_crlf_bom_comments),
		cmocka_unit_test(test_long_korean_line),
		cmocka_unit_test(test_too_long_line_refused),
		cmocka_unit_test(test_options_restored),
		cmocka_unit_test(test_weights_not_100),
		cmocka_unit_test(test_no_criteria),
		cmocka_unit_test(test_too_many_criteria),
		cmocka_unit_test(test_points_wrong_for_component),
		cmocka_unit_test(test_no_rubric_section),
		cmocka_unit_test(test_user_needs_preference),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_duplicate_criterion),
		cmocka_unit_test(test_duplicate_section_adjacent),
		cmocka_unit_test(test_empty_section),
		cmocka_unit_test(test_key_before_section),
		cmocka_unit_test(test_bad_criterion_id),
		cmocka_unit_test(test_sections_of_the_other_component),
		cmocka_unit_test(test_missing_rubric_key),
		cmocka_unit_test(test_missing_criterion_key),
		cmocka_unit_test(test_missing_preference_label),
		cmocka_unit_test(test_missing_anchor),
		cmocka_unit_test(test_anchor_outside_scale),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_weight_not_integer),
		cmocka_unit_test(test_weight_not_positive),
		cmocka_unit_test(test_bad_scale),
		cmocka_unit_test(test_bad_required),
		cmocka_unit_test(test_bad_rubric_values),
		cmocka_unit_test(test_empty_value),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_control_character),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_scoring_values),
		cmocka_unit_test(test_user_keys_in_expert_scoring),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_garbage_file),
		cmocka_unit_test(test_truncated_default),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
