/* Unit tests: `simsa score` — the points of a closed round, checked against
 * values computed by hand (below), and the exclusions (superseded ballots,
 * gold tasks, expert ballots flagged "identity revealed"), the refusal of an
 * open round, benchmark CSV errors, and bundle = round.
 *
 * The round: 3 entrants (team0..2), 8 prompts, 6 users, 6 experts, the
 * default rubrics (2 users per slot, 2 experts per output, much better = 2
 * wins, both bad = tie), plus two gold items: users, q000, team2 known
 * better than team0; experts, q001, team0 known better than team1.
 * Raters answer by who wrote each side (the output text names its model):
 *
 * Users, every (prompt, pair) slot is rated twice, once each way round:
 *   team0 vs team1 or team2: on even prompts, team0 on the left -> team0
 *     much better, on the right -> tie; on odd prompts the other way round
 *   team1 vs team2: tie
 * Per pair (0,x): 8 slots, each one much-better vote for team0 (2 wins)
 * and one tie (1/2 each way): W0x = 8*2 + 8/2 = 20, Wx0 = 4, n0x = 24.
 * Pair (1,2): 16 ties, W12 = W21 = 8. By symmetry s1 = s2 = s, s0 = r s;
 * team0's likelihood equation sum_j n0j p0j = sum_j W0j: 48 r/(1+r) = 40,
 * r = 5. Geometric mean 1: s0 = 5^(2/3), s1 = s2 = 5^(-1/3).
 *   expected0 = 5/6                        user points 25*5/6 = 20.833333...
 *   expected1 = (1/6 + 1/2)/2 = 1/3        user points 8.333333...
 *   Elo0 = 1000 + 400*(2/3)*log10 5 = 1186.39200...
 *   Elo1 = 1000 - 400*(1/3)*log10 5 =  906.80400...
 *   win rate0 = (16 + 16/2)/32 = 0.75 ("much" not weighted); win rate1 =
 *   (8/2 + 16/2)/32 = 0.375
 * (with plain wins instead, r would be 3: the weight matters.)
 *
 * Experts, every criterion (scale 1-5, normalized (s-1)/4):
 *   team0 all 5 -> 1                       expert points 35
 *   team1 all 3 -> 0.5                     17.5
 *   team2 accuracy 1, reasoning NA, the rest 5: the weights without
 *   reasoning (25+15+20+10+10 = 80) renormalized: (25*0 + 55*1)/80 = 0.6875
 *                                          24.0625
 * Benchmark team0 30, team1 40, team2 20.5: totals 85.833333...,
 * 65.833333..., 52.895833...
 *
 * Noise that must not count: each user first answers their first task
 * "B much better" and then changes it (superseded); gold answers follow the
 * same rules (users pick team0 on q000 or tie: 0 right; experts score team0
 * above team1: all right); expert0's first regular task is cast with every
 * score 1 and flagged "identity revealed" on side A (left out). */
#include "simsa/store_read.h"
#include "testutil.h"

#include <math.h>

#include "fixture.h"
#include "simsa/assets.h"
#include "simsa/closing.h"
#include "simsa/score.h"
#include "simsa/session.h"
#include "simsa/stats.h"
#include "simsa/util.h"

#define E 3
#define P 8
#define U 6
#define X 6

static struct round_fx F;

/* In the status round (test_ballot_statuses), users from this index on
 * answer so that they pass the user gold items (all on even prompts, team0
 * the worse side): strictly the side that is not team0 on even prompts,
 * team0 on odd ones; the users before it fail them. -1: none (every other
 * round: users answer as the header says). */
static int passing_users = -1;

static int who(const char *text)
{
	const char *m = strstr(text, "모델 ");

	assert_non_null(m);
	return atoi(m + strlen("모델 "));
}

static void expert_scores(const struct rubric *rb, int team, uint32_t *s)
{
	for (size_t c = 0; c < rb->n_criteria; c++) {
		const char *id = rb->criteria[c].id;

		s[c] = team == 0 ? 5 : team == 1 ? 3 : 5;
		if (team == 2 && strcmp(id, "accuracy") == 0)
			s[c] = 1;
		if (team == 2 && strcmp(id, "reasoning") == 0)
			s[c] = BALLOT_SCORE_NA;
	}
}

static void cast(struct round_fx *f, const char *name, bool expert)
{
	struct session *s = NULL;
	struct simsa_err err;
	char code[BALLOT_RECEIPT_MAX + 1];
	bool flagged = false;

	if (session_start(f->db, name, fx_unlock(f, name), &s, &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t t = 0; t < session_task_count(s); t++) {
		struct task_view v;
		struct answer a;
		int l, r;

		if (session_task(s, t, &v, &err) < 0)
			fail_msg("%s", err.msg);
		l = who(v.text[0]);
		r = who(v.text[1]);
		answer_init(&a);
		a.active_seconds = 20;
		if (expert) {
			expert_scores(session_rubric(s), l, a.scores[0]);
			expert_scores(session_rubric(s), r, a.scores[1]);
			/* an identity-flagged ballot, on a regular task (not q001, the gold) */
			if (strcmp(name, "expert0") == 0 && !flagged &&
			    strcmp(v.prompt_id, "q001")) {
				struct answer bad = a;

				for (size_t c = 0; c < session_rubric(s)->n_criteria; c++)
					bad.scores[0][c] = bad.scores[1][c] = 1;
				bad.flags[0] = BALLOT_FLAG_IDENTITY;
				flagged = true;
				if (session_submit(s, t, &bad, code, &err) < 0)
					fail_msg("%s", err.msg);
				continue;
			}
		} else {
			/* a rubric that requires a satisfaction gets one (the cast asks) */
			uint32_t sat = session_rubric(s)->has_satisfaction &&
						       session_rubric(s)->satisfaction.required
					       ? 3
					       : BALLOT_SCORE_UNSET;

			if (t == 0) { /* a first answer, changed below */
				a.preference = PREF_B_MUCH;
				a.satisfaction = sat;
				if (session_submit(s, t, &a, code, &err) < 0)
					fail_msg("%s", err.msg);
				answer_init(&a);
			}
			/* the two replicas of a slot have opposite sides: one much-better
			 * vote for team0 and one tie, which of them by prompt parity
			 * too, so every user casts some ties (a bootstrap resample of
			 * users must still have team0 tying somewhere) */
			if (l != 0 && r != 0)
				a.preference = PREF_TIE;
			else if (passing_users >= 0 && atoi(name + 4) >= passing_users)
				a.preference = (l == 0) != (atoi(v.prompt_id + 1) % 2 == 0)
						       ? PREF_A
						       : PREF_B;
			else if ((l == 0) != (atoi(v.prompt_id + 1) % 2 == 1))
				a.preference = l == 0 ? PREF_A_MUCH : PREF_B_MUCH;
			else
				a.preference = PREF_TIE;
			a.satisfaction = sat;
		}
		if (session_submit(s, t, &a, code, &err) < 0)
			fail_msg("%s", err.msg);
	}
	session_end(&s);
}

/* The fixture's two gold items, imported before open. */
static const char gold_two[] =
	"{\"kind\": \"known\", \"role\": \"user\", \"prompt_id\": \"q000\", "
	"\"better\": \"team2\", \"worse\": \"team0\"}\n"
	"{\"kind\": \"known\", \"role\": \"expert\", \"prompt_id\": \"q001\", "
	"\"better\": \"team0\", \"worse\": \"team1\"}\n";

/* Three known gold items per role (users: all on even prompts, team0 the
 * worse side; experts: all on q001) and repeats: 3 per user, 1 per expert. */
static const char gold_many[] =
	"{\"kind\": \"known\", \"role\": \"user\", \"prompt_id\": \"q000\", "
	"\"better\": \"team2\", \"worse\": \"team0\"}\n"
	"{\"kind\": \"known\", \"role\": \"user\", \"prompt_id\": \"q002\", "
	"\"better\": \"team2\", \"worse\": \"team0\"}\n"
	"{\"kind\": \"known\", \"role\": \"user\", \"prompt_id\": \"q004\", "
	"\"better\": \"team1\", \"worse\": \"team0\"}\n"
	"{\"kind\": \"known\", \"role\": \"expert\", \"prompt_id\": \"q001\", "
	"\"better\": \"team0\", \"worse\": \"team1\"}\n"
	"{\"kind\": \"known\", \"role\": \"expert\", \"prompt_id\": \"q001\", "
	"\"better\": \"team0\", \"worse\": \"team2\"}\n"
	"{\"kind\": \"known\", \"role\": \"expert\", \"prompt_id\": \"q001\", "
	"\"better\": \"team2\", \"worse\": \"team1\"}\n"
	"{\"kind\": \"repeat\", \"role\": \"user\"}\n"
	"{\"kind\": \"repeat\", \"role\": \"user\"}\n"
	"{\"kind\": \"repeat\", \"role\": \"user\"}\n"
	"{\"kind\": \"repeat\", \"role\": \"expert\"}\n";

/* The practice tasks of the round `--make-round` leaves (tests/cli/tamper.sh
 * alters them): an expert's, a user's, one with notes, one with a reference. */
static const char practice_four[] =
	"{\"id\": \"p1\", \"role\": \"expert\", \"required\": true, \"prompt\": \"연습 질문 1\", "
	"\"a\": \"연습 답 A\", \"b\": \"연습 답 B\"}\n"
	"{\"id\": \"p2\", \"role\": \"user\", \"required\": true, \"prompt\": \"연습 질문 2\", "
	"\"a\": \"짧은 답\", \"b\": \"긴 답\"}\n"
	"{\"id\": \"p3\", \"role\": \"user\", \"prompt\": \"연습 질문 3\", \"a\": \"답 하나\", "
	"\"b\": \"답 둘\", \"note_ko\": \"B가 더 정확합니다.\", \"note_en\": \"B is more accurate.\"}\n"
	"{\"id\": \"p4\", \"role\": \"expert\", \"required\": false, \"prompt\": \"연습 질문 4\", "
	"\"a\": \"답 셋\", \"b\": \"답 넷\", \"reference\": \"참고 답\"}\n";

/* The practice tasks make_cast_round imports before open: none, but for
 * `--make-round` (main), so that the other tests keep their rounds. */
static const char *cast_round_practice;

/* The round with gold items and, when user_rubric is not NULL, that user
 * rubric instead of the built-in one, every rater's ballots cast; open. */
static void make_cast_round(struct round_fx *f, const char *gold, const char *user_rubric)
{
	const struct asset *ex = asset_find("rubrics/expert.rubric");
	char *dir = user_rubric ? tmpdir_make() : NULL, *paths[2] = { NULL, NULL }, *text;

	if (user_rubric) { /* a round takes both rubrics or neither */
		text = strndup((const char *)ex->data, ex->len);
		paths[0] = write_file(dir, "expert.rubric", text);
		paths[1] = write_file(dir, "user.rubric", user_rubric);
		free(text);
		/* the instructions both rubrics name, beside them */
		for (const char *const *n =
			     (const char *const[]){ "expert.ko.md", "expert.en.md", "user.ko.md",
						    "user.en.md", NULL };
		     *n; n++) {
			char asset[64];
			const struct asset *md;

			snprintf(asset, sizeof asset, "rubrics/%s", *n);
			md = asset_find(asset);
			assert_non_null(md);
			free(write_file(dir, *n, (const char *)md->data));
		}
	}
	fx_open_round_with(f, E, P, U, X, gold, user_rubric ? paths : NULL, user_rubric ? 2 : 0, "",
			   "", cast_round_practice);
	free(paths[0]);
	free(paths[1]);
	if (dir)
		tmpdir_remove(&dir);
	for (int i = 0; i < U; i++) {
		char name[32];

		snprintf(name, sizeof name, "user%d", i);
		cast(f, name, false);
	}
	for (int i = 0; i < X; i++) {
		char name[32];

		snprintf(name, sizeof name, "expert%d", i);
		cast(f, name, true);
	}
}

static void close_round(struct round_fx *f)
{
	struct store *st = NULL;
	struct close_result res;
	struct simsa_err err;

	if (store_open(f->db, &st, &err) < 0 || round_close(st, f->org, false, &res, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
}

static void make_closed_round_rubric(struct round_fx *f, const char *gold, const char *user_rubric)
{
	make_cast_round(f, gold, user_rubric);
	close_round(f);
}

static void make_closed_round_gold(struct round_fx *f, const char *gold)
{
	make_closed_round_rubric(f, gold, NULL);
}

static void make_closed_round(struct round_fx *f)
{
	make_closed_round_gold(f, gold_two);
}

static int group_setup(void **state)
{
	make_closed_round(&F);
	return 0;
}

static int group_teardown(void **state)
{
	fx_release(&F);
	return 0;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_points_by_hand(void **state)
{
	struct score_result r;
	double l5 = log10(5.0);

	score_file(F.db, NULL, &r);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.e[0].name, "team0");
	NEAR(r.e[0].expert, 35.0);
	NEAR(r.e[1].expert, 17.5);
	NEAR(r.e[2].expert, 24.0625);
	NEAR(r.e[2].expert_mean, 0.6875);
	NEAR(r.e[0].user, 25.0 * 5 / 6);
	NEAR(r.e[1].user, 25.0 / 3);
	NEAR(r.e[2].user, 25.0 / 3);
	NEAR(r.e[0].strength, pow(5.0, 2.0 / 3));
	NEAR(r.e[1].strength, pow(5.0, -1.0 / 3));
	NEAR(r.e[0].rating, 1000 + 400 * 2.0 / 3 * l5);
	NEAR(r.e[1].rating, 1000 - 400 * 1.0 / 3 * l5);
	NEAR(r.e[0].rating, 1186.3920011562718);
	NEAR(r.e[0].win_rate, 0.75);
	NEAR(r.e[1].win_rate, 0.375);
	NEAR(r.e[0].votes, 32);
	/* 60-point total without a benchmark */
	NEAR(r.total_max, 60);
	NEAR(r.e[0].total, 35 + 25.0 * 5 / 6);
	assert_true(isnan(r.e[0].benchmark));
	/* every output scored twice, over 8 prompts; team2's reasoning is NA */
	assert_int_equal(r.e[0].expert_outputs, 8);
	NEAR(r.e[2].crit[0].mean, 1.0);
	NEAR(r.e[2].crit[0].sd, 0.0);
	assert_int_equal(r.e[2].crit[1].n, 0);
	assert_true(isnan(r.e[2].crit[1].mean));
	NEAR(r.e[1].crit[3].mean, 3.0);
	/* the recipe came from the rubrics */
	assert_int_equal(r.much_better_weight, 2);
	assert_true(r.both_bad_as_tie);
	assert_int_equal(r.resamples, 1000);
	assert_int_equal(r.seed, 20261129);
	assert_int_equal(r.n_criteria, 6);
	/* intervals hold the estimates; expert scores are constant per entrant */
	for (size_t i = 0; i < 3; i++) {
		assert_true(r.e[i].user_low <= r.e[i].user + 1e-9);
		assert_true(r.e[i].user_high >= r.e[i].user - 1e-9);
		NEAR(r.e[i].expert_low, r.e[i].expert);
		NEAR(r.e[i].expert_high, r.e[i].expert);
		/* the corrected figure is another estimate with its own interval */
		assert_true(r.e[i].expert_corrected_low <= r.e[i].expert_corrected + 1e-9);
		assert_true(r.e[i].expert_corrected_high >= r.e[i].expert_corrected - 1e-9);
	}
	/* severity is taken out, the order of the entrants stays */
	assert_true(r.e[0].expert_corrected > r.e[2].expert_corrected);
	assert_true(r.e[2].expert_corrected > r.e[1].expert_corrected);
	assert_int_equal(r.e[0].rank, 1);
	score_result_release(&r);
}

static void test_exclusions_counted(void **state)
{
	struct score_result r;

	score_file(F.db, NULL, &r);
	/* 48 regular user tasks + 6 gold; each user changed one answer */
	assert_int_equal(r.counts.superseded, U);
	assert_int_equal(r.counts.user_ballots, 48);
	/* 24 regular expert tasks, one flagged; 3 expert gold */
	assert_int_equal(r.counts.identity_excluded, 1);
	assert_int_equal(r.counts.expert_ballots, 23);
	assert_int_equal(r.counts.gold, U + X);
	assert_int_equal(r.gold.user_known, U);
	assert_int_equal(r.gold.user_correct, 0);
	assert_int_equal(r.gold.expert_known, X);
	assert_int_equal(r.gold.expert_correct, X);
	assert_int_equal(r.counts.users, U);
	assert_int_equal(r.counts.experts, X);
	assert_int_equal(r.counts.prompts, P);
	/* team0 lost one scoring pair side to the flagged ballot at most: 16 or 15 */
	assert_true(r.e[0].expert_scorings + r.e[1].expert_scorings + r.e[2].expert_scorings == 46);
	score_result_release(&r);
}

static void test_benchmark_total(void **state)
{
	char *dir = tmpdir_make();
	char *path = write_file(dir, "bench.csv",
				"entrant,points\nteam1,40\nteam0,30\n"
				"\"team2\",20.5\n");
	struct score_result r;

	score_file(F.db, path, &r);
	NEAR(r.total_max, 100);
	NEAR(r.e[0].total, 30 + 35 + 25.0 * 5 / 6);    /* 85.8333... */
	NEAR(r.e[1].total, 40 + 17.5 + 25.0 / 3);      /* 65.8333... */
	NEAR(r.e[2].total, 20.5 + 24.0625 + 25.0 / 3); /* 52.8958... */
	NEAR(r.e[2].benchmark, 20.5);
	assert_true(r.e[0].total_low <= r.e[0].total && r.e[0].total <= r.e[0].total_high);
	assert_int_equal(r.e[0].rank, 1);
	assert_int_equal(r.e[1].rank, 2);
	assert_int_equal(r.e[2].rank, 3);
	score_result_release(&r);
	free(path);
	tmpdir_remove(&dir);
}

static void bench_error(const char *text, const char *frag)
{
	char *dir = tmpdir_make();
	char *path = write_file(dir, "b.csv", text);
	struct score_result r;
	struct store *st = NULL;
	struct simsa_err err;

	if (store_open(F.db, &st, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(score_round(st, path, &r, &err), -1);
	store_close(&st);
	if (!strstr(err.msg, frag))
		fail_msg("'%s' lacks '%s'", err.msg, frag);
	assert_non_null(strstr(err.msg, "b.csv"));
	free(path);
	tmpdir_remove(&dir);
}

static void test_benchmark_errors(void **state)
{
	bench_error("entrant,points\nteam0,30\nteam1,41\nteam2,1\n",
		    "b.csv:3:2: field 'points': 41 is outside 0..40");
	bench_error("entrant,points\nteam0,30\nteam1,-1\nteam2,1\n", ":3:2: field 'points'");
	bench_error("entrant,points\nteam0,abc\n", "b.csv:2:2: field 'points': not a number");
	bench_error("entrant,points\nteam0,1\nteam9,2\n",
		    "b.csv:3:1: field 'entrant': no entrant 'team9' in this round");
	bench_error("entrant,points\nteam0,1\nteam1,2\nteam0,3\n",
		    "b.csv:4:1: field 'entrant': entrant 'team0' given twice (first at line 2)");
	bench_error("entrant,points\nteam0,1\nteam1,2\n", "entrant 'team2' has no row");
	bench_error("entrant,score\nteam0,1\n", "unknown column 'score'");
	bench_error("entrant,points\nteam0,nan\nteam1,2\nteam2,3\n", "not a number");
	/* plain decimal numbers only: no hex, inf, nan or spaces inside quotes */
	bench_error("entrant,points\nteam0,0x10\nteam1,2\nteam2,3\n",
		    "b.csv:2:2: field 'points': not a number");
	bench_error("entrant,points\nteam0,1\nteam1,0x1p5\nteam2,3\n",
		    "b.csv:3:2: field 'points': not a number");
	bench_error("entrant,points\nteam0,inf\nteam1,2\nteam2,3\n", "not a number");
	bench_error("entrant,points\nteam0,\" 5\"\nteam1,2\nteam2,3\n", "not a number");
	bench_error("entrant,points\nteam0,5.\nteam1,2\nteam2,3\n", "not a number");
	bench_error("entrant,points\nteam0,.5\nteam1,2\nteam2,3\n", "not a number");
	bench_error("entrant,points\nteam0,1e\nteam1,2\nteam2,3\n", "not a number");
	bench_error("entrant,points\nteam0,+\nteam1,2\nteam2,3\n", "not a number");
}

static void test_open_round_refused(void **state)
{
	struct round_fx f;
	struct score_result r;
	struct store *st = NULL;
	struct simsa_err err;

	fx_open_round(&f, 2, 1, 2, 2);
	if (store_open(f.db, &st, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(score_round(st, NULL, &r, &err), -1);
	assert_non_null(strstr(err.msg, "still open"));
	assert_non_null(strstr(err.msg, "simsa close"));
	store_close(&st);
	fx_release(&f);
}

static void test_bundle_equals_round(void **state)
{
	char *dir = tmpdir_make(), bundle[600];
	struct score_result a, b;
	struct store *st = NULL;
	struct simsa_err err;

	snprintf(bundle, sizeof bundle, "%s/bundle.db", dir);
	if (store_open(F.db, &st, &err) < 0 || store_export_bundle(st, bundle, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
	score_file(F.db, NULL, &a);
	score_file(bundle, NULL, &b);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		/* bit for bit, intervals included */
		const struct score_entrant *x = &a.e[i], *y = &b.e[i];
		const double vx[] = { x->expert,
				      x->expert_low,
				      x->expert_high,
				      x->user,
				      x->user_low,
				      x->user_high,
				      x->rating,
				      x->rating_low,
				      x->rating_high,
				      x->total,
				      x->total_low,
				      x->total_high,
				      x->win_rate,
				      x->expert_corrected,
				      x->expert_corrected_low,
				      x->expert_corrected_high };
		const double vy[] = { y->expert,
				      y->expert_low,
				      y->expert_high,
				      y->user,
				      y->user_low,
				      y->user_high,
				      y->rating,
				      y->rating_low,
				      y->rating_high,
				      y->total,
				      y->total_low,
				      y->total_high,
				      y->win_rate,
				      y->expert_corrected,
				      y->expert_corrected_low,
				      y->expert_corrected_high };

		assert_memory_equal(vx, vy, sizeof vx);
		assert_int_equal(x->rank, y->rank);
	}
	score_result_release(&a);
	score_result_release(&b);
	tmpdir_remove(&dir);
}

/* Expert means under cluster multiplicities: a hand example. Two prompts,
 * two entrants; prompt 0: entrant 0 scored 1.0 by expert 0 and 0.5 by
 * expert 1; prompt 1: entrant 0 scored 0.0 by expert 1. Expert 0 drawn
 * twice, expert 1 once, prompt 0 once, prompt 1 twice:
 * output (0,0) = (2*1.0 + 1*0.5)/3 = 5/6, output (1,0) = 0.0,
 * entrant 0 = (1*5/6 + 2*0)/3 = 5/18. */
static void test_expert_means_weighted(void **state)
{
	struct score_item it[3] = {
		{ .rater = 0, .prompt = 0, .left = 0, .right = 1, .value = { 1.0, 0.25 } },
		{ .rater = 1, .prompt = 0, .left = 1, .right = 0, .value = { 0.25, 0.5 } },
		{ .rater = 1, .prompt = 1, .left = 0, .right = 1, .value = { 0.0, NAN } },
	};
	struct score_data d = {
		.n_entrants = 2, .n_prompts = 2, .n_expert_raters = 2, .ex = it, .n_ex = 3
	};
	uint32_t xm[2] = { 2, 1 }, pm[2] = { 1, 2 };
	double mean[2];
	struct simsa_err err;

	assert_int_equal(score_expert_means(&d, xm, pm, mean, NULL, NULL, &err), 0);
	NEAR(mean[0], 5.0 / 18);
	NEAR(mean[1], 0.25); /* only prompt 0, scored 0.25 by both */
	xm[0] = 0;           /* without expert 0: (0.5 + 2*0)/3 */
	assert_int_equal(score_expert_means(&d, xm, pm, mean, NULL, NULL, &err), 0);
	NEAR(mean[0], 0.5 / 3);
}

/* The rater-severity correction by hand. Two entrants, two prompts; the
 * scorings (expert, prompt, entrant: v):
 *   expert 0 (harsh):   (p0 e0: 0)   (p0 e1: 1/2) (p1 e1: 1/4) (p1 e0: 1/4)
 *   expert 1 (lenient): (p0 e1: 1)   (p0 e0: 1/2) (p1 e0: 1)   (p1 e1: 1)
 *   expert 2: one scoring (p1 e0: 3/4)             -> left as it is
 *   expert 3: (p0 e0: 1/2) (p0 e1: 1/2), sd 0       -> left as it is
 * Pooled over all 11: mean 25/44; sum of squares 75/16, so the squared
 * deviations sum to 75/16 - 11 (25/44)^2 = 25/22 and sd c = sqrt(5/44).
 * Expert 0: mean 1/4, sd sqrt((1/16 + 1/16)/3) = sqrt(1/24); z = -sqrt6/2,
 * +sqrt6/2, 0, 0. Expert 1: mean 7/8, sd sqrt((3/64 + 9/64)/3) = 1/4; z =
 * 1/2, -3/2, 1/2, 1/2. v' = 25/44 + c z. Output means, then prompt means:
 *   e0: p0 (m - c sqrt6/2 + m - 3c/2 + 1/2)/3, p1 (m + m + c/2 + 3/4)/3
 *   e1: p0 (m + c sqrt6/2 + m + c/2 + 1/2)/3,  p1 (m + m + c/2)/2
 * 35 x the mean of the two: e0 16.174467922510722, e1 24.355014931747515
 * (also from Python's statistics.mean/stdev applied to the rule as
 * written, independently of this code). Uncorrected for comparison: e0
 * 35 (1/3 + 2/3)/2 = 17.5 and e1 35 (2/3 + 5/8)/2 = 22.604166... */
static void test_severity_by_hand(void **state)
{
	struct score_item it[6] = {
		{ .rater = 0, .prompt = 0, .left = 0, .right = 1, .value = { 0.0, 0.5 } },
		{ .rater = 0, .prompt = 1, .left = 1, .right = 0, .value = { 0.25, 0.25 } },
		{ .rater = 1, .prompt = 0, .left = 1, .right = 0, .value = { 1.0, 0.5 } },
		{ .rater = 1, .prompt = 1, .left = 0, .right = 1, .value = { 1.0, 1.0 } },
		{ .rater = 2, .prompt = 1, .left = 0, .right = 1, .value = { 0.75, NAN } },
		{ .rater = 3, .prompt = 0, .left = 0, .right = 1, .value = { 0.5, 0.5 } },
	};
	struct score_data d = {
		.n_entrants = 2, .n_prompts = 2, .n_expert_raters = 4, .ex = it, .n_ex = 6
	};
	double m = 25.0 / 44, c = sqrt(5.0 / 44), r6 = sqrt(6.0) / 2, v[12], mean[2], plain[2];
	double e0 = ((m - c * r6 + m - 1.5 * c + 0.5) / 3 + (2 * m + 0.5 * c + 0.75) / 3) / 2;
	double e1 = ((m + c * r6 + m + 0.5 * c + 0.5) / 3 + (2 * m + 0.5 * c) / 2) / 2;
	struct simsa_err err;
	uint32_t ones[4] = { 1, 1, 1, 1 }, twice[4] = { 2, 2, 2, 2 }, pm[2] = { 1, 1 };

	assert_int_equal(score_severity(&d, NULL, NULL, v, &err), 0);
	NEAR(v[0], m - c * r6);
	NEAR(v[1], m + c * r6);
	NEAR(v[2], m);
	NEAR(v[5], m - 1.5 * c);
	NEAR(v[8], 0.75); /* one scoring: as given */
	assert_true(isnan(v[9]));
	NEAR(v[10], 0.5); /* sd 0: as given */
	NEAR(v[11], 0.5);
	assert_int_equal(score_corrected_means(&d, NULL, NULL, mean, &err), 0);
	NEAR(mean[0], e0);
	NEAR(mean[1], e1);
	NEAR(35 * mean[0], 16.174467922510722);
	NEAR(35 * mean[1], 24.355014931747515);
	assert_int_equal(score_expert_means(&d, NULL, NULL, plain, NULL, NULL, &err), 0);
	NEAR(35 * plain[0], 17.5);
	NEAR(35 * plain[1], 35 * (2.0 / 3 + 5.0 / 8) / 2);
	/* multiplicities of 1 are no multiplicities; every expert drawn twice
	 * copies every scoring: each sample sd changes by sqrt((2n-2)/(2n-1)),
	 * the pooled one too, so the figures move; expert 2 has two scorings
	 * now but still sd 0) */
	assert_int_equal(score_corrected_means(&d, ones, pm, plain, &err), 0);
	NEAR(plain[0], e0);
	assert_int_equal(score_corrected_means(&d, twice, pm, plain, &err), 0);
	assert_true(fabs(plain[0] - e0) > 1e-6);
	assert_int_equal(score_severity(&d, twice, pm, v, &err), 0);
	NEAR(v[8], 0.75);
}

static struct score_rater rater(bool expert, long shared, double disagreement, double match,
				long gold_known, long gold_correct, long repeats, long reversed)
{
	/* gold failed as the default rubrics say: at least 3 known items, fewer
	 * than 50% right (score.c sets it from the rubric before flagging) */
	return (struct score_rater){ .expert = expert,
				     .shared = shared,
				     .disagreement = disagreement,
				     .match_rate = match,
				     .gold_known = gold_known,
				     .gold_correct = gold_correct,
				     .gold_failed =
					     gold_known >= 3 && 2 * gold_correct < gold_known,
				     .repeats = repeats,
				     .repeats_reversed = reversed };
}

/* The flagging rule (docs/scoring.md "Flagged raters") on figures chosen
 * by hand. Users' badness 1 - match rate: 0.2 0.3 0.25 0.2 0.8 -> median
 * 0.25, absolute deviations 0.05 0.05 0 0.05 0.55 -> MAD 0.05, scale
 * 1.4826 * 0.05; u4: z = 0.55 / 0.07413 = 7.42 and 0.55 >= 0.2: flagged.
 * Experts' disagreement 0.05 0.06 0.04 0.30 -> median 0.055, deviations
 * 0.005 0.005 0.015 0.245 -> MAD 0.01; e3: z = 0.245 / 0.014826 = 16.5. */
static void test_flag_rule(void **state)
{
	struct score_rater rt[] = {
		rater(false, 10, NAN, 0.8, 0, 0, 0, 0),  /* u0 */
		rater(false, 10, NAN, 0.7, 0, 0, 0, 0),  /* u1 */
		rater(false, 10, NAN, 0.75, 1, 0, 0, 0), /* u2: one gold wrong is too few */
		rater(false, 10, NAN, 0.8, 2, 0, 0, 0),  /* u3: so are two */
		rater(false, 10, NAN, 0.2, 0, 0, 0, 0),  /* u4: against the panel */
		rater(false, 2, NAN, 0.0, 4, 1, 0, 0),   /* u5: gold 1 of 4; too few shared */
		rater(false, 2, NAN, 0.0, 4, 2, 0, 0),   /* u6: gold 2 of 4 is not below 1/2 */
		rater(true, 5, 0.05, NAN, 3, 3, 0, 0),   /* e0 */
		rater(true, 5, 0.06, NAN, 0, 0, 3, 1),   /* e1 */
		rater(true, 5, 0.04, NAN, 0, 0, 4, 2),   /* e2: half reversed is not more */
		rater(true, 5, 0.30, NAN, 0, 0, 0, 0),   /* e3: against the panel */
		rater(true, 2, 0.90, NAN, 0, 0, 3, 2),   /* e4: repeats 2 of 3 reversed */
	};
	const bool want[] = { 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1 };
	/* MAD 0: 1.2533 x the mean absolute deviation. 0 0 0 0.2: median 0,
	 * mean deviation 0.05, z = 0.2 / 0.062665 = 3.19; with three raters
	 * 0 0 0.2: 0.2 / (1.2533 * 0.2/3) = 2.39, not flagged; 0.01 0.01 0.01
	 * 0.05 has z 3.19 too but is only 0.04 from the median */
	struct score_rater m4[] = { rater(true, 3, 0, NAN, 0, 0, 0, 0),
				    rater(true, 3, 0, NAN, 0, 0, 0, 0),
				    rater(true, 3, 0, NAN, 0, 0, 0, 0),
				    rater(true, 3, 0.2, NAN, 0, 0, 0, 0) };

	score_flag_raters(rt, sizeof rt / sizeof *rt);
	for (size_t i = 0; i < sizeof rt / sizeof *rt; i++)
		if (rt[i].flagged != want[i])
			fail_msg("rater %zu: flagged %d (%s)", i, rt[i].flagged, rt[i].reason);
	NEAR(rt[4].panel_z, 0.55 / (1.4826 * 0.05));
	NEAR(rt[1].panel_z, 0.05 / (1.4826 * 0.05));
	NEAR(rt[10].panel_z, 0.245 / (1.4826 * 0.01));
	assert_true(isnan(rt[5].panel_z)); /* too few shared to be judged */
	assert_string_equal(rt[5].reason, "gold: 1 of 4 right");
	assert_string_equal(rt[11].reason, "repeats: 2 of 3 reversed");
	assert_non_null(strstr(rt[4].reason, "panel: with the majority 0.200 against a median "
					     "0.750 (robust z 7.4)"));
	assert_non_null(strstr(rt[10].reason, "panel: disagreement 0.300 against a median 0.055"));
	score_flag_raters(m4, 4);
	assert_true(m4[3].flagged);
	NEAR(m4[3].panel_z, 0.2 / (1.2533 * 0.05));
	assert_false(m4[0].flagged);
	score_flag_raters(m4 + 1, 3);
	assert_false(m4[3].flagged);
	for (int i = 0; i < 3; i++)
		m4[i].disagreement = 0.01;
	m4[3].disagreement = 0.05;
	score_flag_raters(m4, 4);
	assert_false(m4[3].flagged);
	NEAR(m4[3].panel_z, 0.04 / (1.2533 * 0.01));
}

/* Agreement and the panel on a small round by hand. One criterion (scale
 * 1-5, v = (s - 1)/4); experts x0..x2, two entrants, two prompts:
 *   output (p0, e0): 5 5 4    (p0, e1): 3 4 2    (p1, e0): 2 3    (p1, e1): 1
 * The last has one rating and drops out: 3 units, n = 8 values, two each of
 * 2..5. Interval: the ordered pairs give sum o_ck (c - k)^2 = 2 + 6 + 2 =
 * 10, sum n_c n_k (c - k)^2 = 4 * 2 * 20 = 160, alpha = 1 - 7 * 10/160 =
 * 9/16. Ordinal: with equal n_c, d2 is 4x the interval one: also 9/16.
 * Users u0..u2 (entrants e0, e1, e2), values with the lower entrant first:
 *   (p0, e0-e1): u0 +2 (e0 much better), u1 +1, u2 0 (tie)
 *   (p1, e0-e1): u0 -2, u1 -1, u2 both bad (left out)
 *   (p0, e1-e2): u1 -1, u2 +1
 * alpha ordinal = 3/7 (both by an independent exact-fraction Python
 * implementation of Krippendorff 2011, written for this test); Fleiss: the
 * slots have 3, 2, 2 votes: not applicable.
 * Disagreement, |v - mean of the others|: x0 (1/8 + 0 + 1/4)/3 = 1/8, x1
 * (1/8 + 3/8 + 1/4)/3 = 1/4, x2 (1/4 + 3/8)/2 = 5/16 (x0's p1 e1 is NA).
 * Majority of the others: slot 1: u0 and u1 face a 1-1 split (not
 * compared), u2's tie against +,+: no; slot 2: u0, u1 agree; slot 3: both
 * against the other: u0 1 of 1, u1 1 of 2, u2 0 of 2. */
static void test_agreement_by_hand(void **state)
{
	struct score_item ex[5] = {
		{ .rater = 0, .prompt = 0, .left = 0, .right = 1, .raw = { { 5 }, { 3 } } },
		{ .rater = 1, .prompt = 0, .left = 1, .right = 0, .raw = { { 4 }, { 5 } } },
		{ .rater = 2, .prompt = 0, .left = 0, .right = 1, .raw = { { 4 }, { 2 } } },
		{ .rater = 0,
		  .prompt = 1,
		  .left = 0,
		  .right = 1,
		  .raw = { { 2 }, { BALLOT_SCORE_NA } } },
		{ .rater = 1, .prompt = 1, .left = 1, .right = 0, .raw = { { 1 }, { 3 } } },
	};
	struct score_item us[8] = {
		{ .rater = 0, .prompt = 0, .left = 0, .right = 1, .outcome = VOTE_LEFT, .much = 1 },
		{ .rater = 1, .prompt = 0, .left = 1, .right = 0, .outcome = VOTE_RIGHT },
		{ .rater = 2, .prompt = 0, .left = 0, .right = 1, .outcome = VOTE_TIE },
		{ .rater = 0, .prompt = 1, .left = 1, .right = 0, .outcome = VOTE_LEFT, .much = 1 },
		{ .rater = 1, .prompt = 1, .left = 0, .right = 1, .outcome = VOTE_RIGHT },
		{ .rater = 2, .prompt = 1, .left = 0, .right = 1, .outcome = VOTE_BOTHBAD },
		{ .rater = 1, .prompt = 0, .left = 2, .right = 1, .outcome = VOTE_LEFT },
		{ .rater = 2, .prompt = 0, .left = 1, .right = 2, .outcome = VOTE_LEFT },
	};
	struct score_data d = { .n_entrants = 3,
				.n_prompts = 2,
				.n_expert_raters = 3,
				.n_user_raters = 3,
				.ex = ex,
				.n_ex = 5,
				.us = us,
				.n_us = 8 };
	struct score_result r = { .n_criteria = 1, .resamples = 0, .seed = 7 };
	struct simsa_err err;

	for (size_t k = 0; k < 5; k++)
		for (int s = 0; s < 2; s++) {
			for (int c = 1; c < RUBRIC_MAX_CRITERIA; c++)
				ex[k].raw[s][c] = BALLOT_SCORE_NA;
			ex[k].value[s] = ex[k].raw[s][0] == BALLOT_SCORE_NA
						 ? NAN
						 : (ex[k].raw[s][0] - 1) / 4.0;
		}
	r.crit_id[0] = strdup("c0");
	r.raters = calloc(6, sizeof *r.raters);
	assert_non_null(r.raters);
	r.n_raters = 6;
	for (int i = 0; i < 6; i++) {
		r.raters[i].expert = i < 3;
		r.raters[i].cluster = i % 3;
		r.raters[i].name = strdup(i < 3 ? "x" : "u");
	}
	assert_int_equal(score_agreement(&d, &r, &err), 0);
	assert_int_equal(r.n_agree, 4);
	assert_string_equal(r.agree[0].what, "c0");
	assert_int_equal(r.agree[0].level, AGREE_ORDINAL);
	NEAR(r.agree[0].value, 9.0 / 16);
	assert_int_equal(r.agree[1].level, AGREE_INTERVAL);
	NEAR(r.agree[1].value, 9.0 / 16);
	assert_int_equal(r.agree[0].units, 3);
	assert_true(isnan(r.agree[0].low)); /* no resamples */
	assert_string_equal(r.agree[2].what, "preference");
	NEAR(r.agree[2].value, 3.0 / 7);
	assert_int_equal(r.agree[2].units, 3);
	assert_int_equal(r.agree[3].method, AGREE_FLEISS);
	assert_true(isnan(r.agree[3].value));
	assert_non_null(strstr(r.agree[3].note, "not applicable"));
	NEAR(r.raters[0].disagreement, 1.0 / 8);
	NEAR(r.raters[1].disagreement, 1.0 / 4);
	NEAR(r.raters[2].disagreement, 5.0 / 16);
	assert_int_equal(r.raters[0].shared, 3);
	assert_int_equal(r.raters[2].shared, 2);
	NEAR(r.raters[3].match_rate, 1.0);
	assert_int_equal(r.raters[3].shared, 1);
	NEAR(r.raters[4].match_rate, 0.5);
	NEAR(r.raters[5].match_rate, 0.0);
	assert_int_equal(r.raters[5].shared, 2);
	/* too few shared items for anyone to be judged against the panel */
	for (int i = 0; i < 6; i++)
		assert_false(r.raters[i].flagged);
	free(r.agree);
	r.agree = NULL;
	/* with resamples: the same point values, intervals around them or a note */
	r.resamples = 200;
	assert_int_equal(score_agreement(&d, &r, &err), 0);
	NEAR(r.agree[2].value, 3.0 / 7);
	for (size_t k = 0; k < 3; k++)
		assert_true((r.agree[k].low <= r.agree[k].value + 1e-12 &&
			     r.agree[k].value <= r.agree[k].high + 1e-12) ||
			    strstr(r.agree[k].note, "no interval"));
	score_result_release(&r);
}

/* The flags in a whole round: the same raters with three known gold items
 * per role and repeats. Users answer a known pair by who wrote it (team0 or
 * a tie against team2, known better): 0 of 3 right, so every user is
 * flagged for gold; experts get all 3 right (all on q001, which expert0's
 * identity-flagged ballot of every score 1 avoids). A repeat shows the rater's own
 * task with the sides swapped; users then answer "much better" where they
 * said "tie" or the other way round (by side and prompt parity), experts
 * score the same outputs the same: nothing is reversed. The panel: users
 * match 0 or 1/3 (see test_points_by_hand's round), experts all agree. */
static void test_flags_in_a_round(void **state)
{
	static const char *const gold = gold_many;
	const struct asset *a = asset_find("rubrics/user.rubric");
	struct round_fx f;
	struct score_result r;
	struct store *st = NULL;
	struct simsa_err err;
	char *counted;

	/* the rubrics' failed_gold = exclude (the default) leaves every user
	 * out: no user component, and the message says why */
	make_closed_round_gold(&f, gold);
	assert_int_equal(store_open(f.db, &st, &err), 0);
	assert_int_equal(score_round(st, NULL, &r, &err), -1);
	assert_non_null(strstr(err.msg, "no counted user ballots: the user component cannot be "
					"scored (every one who rated failed the gold items"));
	{ /* and the exported votes leave them out as well: the header alone */
		char *text = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&text, &len);

		assert_non_null(mf);
		assert_int_equal(score_export_votes(st, mf, &err), 0);
		fclose(mf);
		assert_string_equal(text, "rater,prompt,left,right,outcome,much\n");
		free(text);
	}
	store_close(&st);
	fx_release(&f);
	/* failed_gold = count: they are flagged, and count */
	assert_non_null(a);
	counted = malloc(a->len + 1);
	assert_non_null(counted);
	memcpy(counted, a->data, a->len);
	counted[a->len] = '\0';
	assert_non_null(strstr(counted, "failed_gold = exclude\n"));
	memcpy(strstr(counted, "failed_gold = exclude\n"), "failed_gold = count  \n", 22);
	make_closed_round_rubric(&f, gold, counted);
	free(counted);
	score_file(f.db, NULL, &r);
	assert_int_equal(r.n_raters, U + X);
	assert_int_equal(r.counts.failed_gold_raters, 0);
	assert_int_equal(r.counts.failed_gold_excluded, 0);
	for (size_t i = 0; i < r.n_raters; i++) {
		const struct score_rater *x = &r.raters[i];

		assert_int_equal(x->gold_known, 3);
		assert_int_equal(x->gold_correct, x->expert ? 3 : 0);
		assert_int_equal(x->repeats, x->expert ? 1 : 3);
		assert_int_equal(x->repeats_reversed, 0);
		if (x->flagged != !x->expert)
			fail_msg("%s: flagged %d (%s)", x->name, x->flagged, x->reason);
		assert_true(x->gold_failed == !x->expert);
		assert_false(x->gold_excluded);
		if (!x->expert)
			assert_string_equal(x->reason, "gold: 0 of 3 right");
	}
	assert_int_equal(r.gold.user_repeat, 3 * U);
	score_result_release(&r);
	fx_release(&f);
	/* gold_min_items = 4: three known items are too few to fail on, so
	 * under failed_gold = exclude nobody is left out and nobody flagged */
	counted = strndup((const char *)a->data, a->len);
	assert_non_null(counted);
	assert_non_null(strstr(counted, "gold_min_items = 3\n"));
	strstr(counted, "gold_min_items = 3\n")[17] = '4';
	make_closed_round_rubric(&f, gold, counted);
	free(counted);
	score_file(f.db, NULL, &r);
	assert_int_equal(r.counts.failed_gold_raters, 0);
	assert_int_equal(r.gold_min_items[1], 4);
	assert_true(r.failed_gold_excluded[1]);
	for (size_t i = 0; i < r.n_raters; i++) {
		assert_false(r.raters[i].gold_failed);
		assert_false(r.raters[i].flagged);
	}
	score_result_release(&r);
	fx_release(&f);
}

/* The status round: gold_many, user0 fails the gold items (0 of 3; left
 * out, as failed_gold = exclude says), users 1..5 pass them (3 of 3),
 * experts pass them; each user's first answer superseded, expert0's
 * ballot flagged "identity revealed". OPEN_COPY (may be NULL) gets the
 * file as it was before close. */
static void make_status_round(struct round_fx *f, const char *open_copy)
{
	passing_users = 1;
	make_cast_round(f, gold_many, NULL);
	passing_users = -1;
	if (open_copy) {
		char cmd[1400];

		snprintf(cmd, sizeof cmd, "cp '%s' '%s'", f->db, open_copy);
		assert_int_equal(system(cmd), 0);
	}
	close_round(f);
}

static void statuses_of(const char *db, struct ballot_statuses *s)
{
	struct store *st = NULL;
	struct simsa_err err;

	if (store_open_read(db, &st, &err) < 0 || score_ballot_statuses(st, s, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
}

/* One status per ballot, computed once (score_ballot_statuses): after
 * close counted, superseded, gold or excluded with its reason, and score's
 * counts are its tallies; before close only recorded or superseded. */
static void test_ballot_statuses(void **state)
{
	struct round_fx f;
	struct ballot_statuses s, o;
	struct score_result r;
	long n[STATUS_COUNT] = { 0 }, why[REASON_COUNT] = { 0 };
	char open_db[600];
	char *dir = tmpdir_make();

	(void)state;
	snprintf(open_db, sizeof open_db, "%s/open.db", dir);
	make_status_round(&f, open_db);
	statuses_of(f.db, &s);
	score_file(f.db, NULL, &r);
	assert_true(s.closed);
	for (size_t i = 0; i < s.n; i++) {
		const struct ballot_status *b = &s.b[i];

		assert_true(i == 0 || b->id > s.b[i - 1].id);
		assert_ptr_equal(score_status_of(&s, b->id), b);
		n[b->status]++;
		why[b->reason]++;
		/* a reason exactly when excluded */
		assert_true((b->status == STATUS_EXCLUDED) == (b->reason != REASON_NONE));
	}
	assert_int_equal(n[STATUS_RECORDED], 0);
	assert_int_equal(n[STATUS_COUNTED], r.counts.expert_ballots + r.counts.user_ballots);
	assert_int_equal(n[STATUS_SUPERSEDED], r.counts.superseded);
	assert_int_equal(n[STATUS_GOLD], r.counts.gold);
	assert_int_equal(why[REASON_FAILED_GOLD], r.counts.failed_gold_excluded);
	assert_int_equal(why[REASON_IDENTITY], r.counts.identity_excluded);
	assert_int_equal(n[STATUS_EXCLUDED], why[REASON_FAILED_GOLD] + why[REASON_IDENTITY]);
	/* the round has every kind: a superseded first answer per user, the
	 * gold tasks (3 known, 3 repeats per user; 3 known, 1 repeat per
	 * expert), user0's 8 regular tasks left out, one identity flag */
	assert_int_equal(n[STATUS_SUPERSEDED], U);
	assert_int_equal(n[STATUS_GOLD], 6 * U + 4 * X);
	assert_int_equal(r.counts.failed_gold_raters, 1);
	assert_int_equal(why[REASON_FAILED_GOLD], 8);
	assert_int_equal(why[REASON_IDENTITY], 1);
	assert_int_equal(n[STATUS_COUNTED], 5 * 8 + 23);
	assert_string_equal(score_status_name(STATUS_EXCLUDED), "excluded");
	assert_string_equal(score_reason_name(REASON_FAILED_GOLD), "failed gold");
	assert_string_equal(score_reason_name(REASON_IDENTITY), "identity revealed");
	/* before close: the same ballots, recorded or superseded, nothing else */
	statuses_of(open_db, &o);
	assert_false(o.closed);
	assert_int_equal(o.n, s.n);
	for (size_t i = 0; i < o.n; i++) {
		assert_int_equal(o.b[i].id, s.b[i].id);
		assert_int_equal(o.b[i].reason, REASON_NONE);
		assert_int_equal(o.b[i].status, s.b[i].status == STATUS_SUPERSEDED
							? STATUS_SUPERSEDED
							: STATUS_RECORDED);
	}
	score_statuses_release(&o);
	score_statuses_release(&s);
	score_result_release(&r);
	fx_release(&f);
	tmpdir_remove(&dir);
}

/* The chart of `simsa score` and the results screen (src/score/score_chart.c),
 * cell by cell from the rule in score.h: n(v) = round(w v / max). */
static void test_chart(void **state)
{
	char out[64];

	(void)state;
	/* w 30, axis 0..60: n(49.4463) = round(24.72) = 25, n(42.49) = round(21.245)
	 * = 21, n(54.07) = round(27.035) = 27: bars on 1..25, ends on 21 and 27,
	 * `-` on 26 (22..25 are under the bar), dots on 28..30 */
	score_chart(out, 30, 49.4463, 42.49, 54.07, 60);
	assert_string_equal(out, "####################|####-|...");
	/* an interval wholly beyond the bar: n(12) = 2, ends n(24) = 4 and
	 * n(42) = 7; and rounding half away from zero: n(27) = round(4.5) = 5 */
	score_chart(out, 10, 12, 24, 42, 60);
	assert_string_equal(out, "##.|--|...");
	score_chart(out, 10, 12, 27, 42, 60);
	assert_string_equal(out, "##..|-|...");
	/* no interval (no bootstrap): the bar alone; 0 and the axis' ends */
	score_chart(out, 10, 30, NAN, NAN, 60);
	assert_string_equal(out, "#####.....");
	/* a low end at 0 is drawn on cell 1; a total at the maximum fills all */
	score_chart(out, 5, 60, 0, 60, 60);
	assert_string_equal(out, "|###|");
	score_chart(out, 4, 0, 0, 0, 60);
	assert_string_equal(out, "|...");
	assert_int_equal(score_chart_cells(-3, 60, 10), 0);
	assert_int_equal(score_chart_cells(75, 60, 10), 10);
}

/* The exported user votes (simsa export --format votes) are the votes of
 * the user component: as many as it counted (no gold task, no superseded
 * first answer), and simsa rank's reading of them gives its figures. */
static void test_export_votes(void **state)
{
	struct store *st = NULL;
	struct simsa_err err;
	struct score_result r;
	struct vote_set vs;
	struct rank_opts o = { true, 2, 0, 1 };
	struct rank_result rr;
	char *dir = tmpdir_make(), *path = NULL, *text = NULL;
	size_t len = 0, lines = 0;
	FILE *mf = open_memstream(&text, &len);

	(void)state;
	score_file(F.db, NULL, &r);
	assert_non_null(mf);
	assert_int_equal(store_open(F.db, &st, &err), 0);
	assert_int_equal(score_export_votes(st, mf, &err), 0);
	store_close(&st);
	fclose(mf);
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines - 1, r.counts.user_ballots);
	assert_true(r.counts.gold > 0 && r.counts.superseded > 0); /* both left out */
	path = write_file(dir, "votes.csv", text);
	assert_int_equal(votes_load_csv(path, &vs, &err), 0);
	assert_int_equal(vs.n_raters, r.counts.users);
	assert_int_equal(rank_compute(&vs, &o, &rr, &err), 0);
	for (size_t i = 0; i < r.n; i++) { /* names sort as team0, team1, team2 */
		assert_string_equal(vs.entrant[i], r.e[i].name);
		assert_true(fabs(rr.e[i].rating - r.e[i].rating) < 1e-9);
		assert_true(rr.e[i].win_rate == r.e[i].win_rate);
	}
	rank_result_release(&rr);
	vote_set_release(&vs);
	score_result_release(&r);
	free(text);
	free(path);
	tmpdir_remove(&dir);
}

/* One CSV field, as RFC 4180 wants it (util.c): quoted only when needed,
 * quotes doubled. The score, rank and export CSVs all write through it. */
static void test_csv_put(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	csv_put(f, "team-0", ",");
	csv_put(f, "a,b", ",");
	csv_put(f, "say \"hi\"", ",");
	csv_put(f, "two\nlines", "");
	csv_put(f, "", "\n");
	fclose(f);
	assert_string_equal(text, "team-0,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n");
	free(text);
}

/* For the makers below: copies the round to path, frees the fixture;
 * the exit status. */
static int keep_round(struct round_fx *f, const char *path)
{
	char cmd[1400];
	int rc;

	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", f->db, path);
	rc = system(cmd) == 0 ? 0 : 1;
	fx_release(f);
	return rc;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chart),
		cmocka_unit_test(test_csv_put),
		cmocka_unit_test(test_points_by_hand),
		cmocka_unit_test(test_export_votes),
		cmocka_unit_test(test_exclusions_counted),
		cmocka_unit_test(test_benchmark_total),
		cmocka_unit_test(test_benchmark_errors),
		cmocka_unit_test(test_open_round_refused),
		cmocka_unit_test(test_bundle_equals_round),
		cmocka_unit_test(test_expert_means_weighted),
		cmocka_unit_test(test_severity_by_hand),
		cmocka_unit_test(test_flag_rule),
		cmocka_unit_test(test_agreement_by_hand),
		cmocka_unit_test(test_flags_in_a_round),
		cmocka_unit_test(test_ballot_statuses),
	};

	if (sodium_init() < 0)
		return 1;
	/* tests/cli/verify_py.sh: `test_score --make-round-v2 PATH` leaves the
	 * closed round of the score worked example as simsa made it before
	 * schema 8: no instructions, manifest v2 signed at open */
	if (argc == 3 && strcmp(argv[1], "--make-round-v2") == 0) {
		struct round_fx f;

		opening_manifest_version = 2;
		fx_pre_open_sql =
			"UPDATE rubric SET instructions_ko = NULL, instructions_en = NULL";
		make_cast_round(&f, gold_two, NULL);
		close_round(&f);
		return keep_round(&f, argv[2]);
	}
	/* tests/cli/score.sh: `test_score --make-round PATH` leaves a closed
	 * round (the one above) at PATH, with practice tasks imported before
	 * open and two raters' practice done while it was open (which moves no
	 * point: tests/cli/tamper.sh alters both) */
	if (argc == 3 && strcmp(argv[1], "--make-round") == 0) {
		struct round_fx f;
		struct store *st = NULL;
		struct simsa_err err;
		int64_t user0, expert0;

		cast_round_practice = practice_four;
		make_cast_round(&f, gold_two, NULL);
		if (store_open(f.db, &st, &err) < 0 ||
		    store_find_rater(st, "user0", &user0, &err) != 1 ||
		    store_find_rater(st, "expert0", &expert0, &err) != 1 ||
		    store_put_practice_done(st, user0, "p2", "{\"preference\": 4}", &err) < 0 ||
		    store_put_practice_done(st, user0, "p3", "{\"preference\": 1}", &err) < 0 ||
		    store_put_practice_done(st, expert0, "p1", "{\"scores\": [[5], [3]]}", &err) <
			    0)
			return 1;
		store_close(&st);
		close_round(&f);
		return keep_round(&f, argv[2]);
	}
	/* tests/cli/verify_py.sh: `test_score --make-round-rubric PATH RUBRIC`
	 * leaves the closed round of the score worked example at PATH, with
	 * the user rubric of the file RUBRIC (its instructions files beside
	 * it are the built-in ones); when it requires a satisfaction, every user
	 * ballot gives 3 */
	if (argc == 4 && strcmp(argv[1], "--make-round-rubric") == 0) {
		struct round_fx f;
		char *rubric;
		size_t len;
		struct simsa_err err;

		if (read_file(argv[3], 1 << 20, &rubric, &len, &err) < 0)
			return 1;
		make_closed_round_rubric(&f, gold_two, rubric);
		free(rubric);
		return keep_round(&f, argv[2]);
	}
	/* tests/cli/status.sh: `test_score --make-status-round CLOSED OPEN`
	 * leaves the status round (test_ballot_statuses) at CLOSED, and as it
	 * was before close at OPEN */
	if (argc == 4 && strcmp(argv[1], "--make-status-round") == 0) {
		struct round_fx f;

		make_status_round(&f, argv[3]);
		return keep_round(&f, argv[2]);
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
