/* demo_panel — the demo round's simulated panel: every enrolled expert and
 * user but the one the newcomer plays casts real signed ballots through
 * the same session API as the console, so that `simsa close`, `verify`,
 * `score` and the results screen have something to show.
 *
 * The simulated raters are not blind: they look the text of each output up
 * in the demo's outputs file to know whose it is, and judge by a fixed
 * quality per entrant plus seeded noise. One expert is harsh and one
 * lenient, so the severity-corrected expert figure differs from the plain
 * one. Only `simsa demo` calls this; a real round never has a simulated
 * rater. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/assets.h"
#include "simsa/bootstrap.h"
#include "simsa/demo.h"
#include "simsa/keyfile.h"
#include "simsa/session.h"

/* The demo entrants' quality on 0..1 (demo/entrants.jsonl); unknown: 0.5. */
/* clang-format off */
static const struct {
	const char *name;
	double quality;
} quality[] = {
	{ "dasol", 0.82 }, { "mirinae", 0.64 }, { "ondam", 0.50 }, { "yunseul", 0.30 },
};
/* clang-format on */

struct known_output {
	const char *text;
	size_t len;
	double quality;
};

static double unit(struct drbg *d)
{
	return drbg_u32(d) / 4294967296.0;
}

/* Loads the texts of the demo outputs with their entrant's quality. */
static int load_outputs(json_t **keep, struct known_output **out, size_t *n, struct simsa_err *err)
{
	const struct asset *a = asset_find("demo/outputs.jsonl");
	json_t *all = json_array();
	const char *p, *end;

	*out = NULL;
	*n = 0;
	if (!a || !all)
		return err_set(err, "built-in demo/outputs.jsonl is missing");
	for (p = (const char *)a->data, end = p + a->len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *o = len ? json_loadb(p, len, 0, NULL) : NULL;

		if (o)
			json_array_append_new(all, o);
		p += len + 1;
	}
	*out = calloc(json_array_size(all) + 1, sizeof **out);
	if (!*out) {
		json_decref(all);
		return err_set(err, "out of memory");
	}
	for (size_t i = 0; i < json_array_size(all); i++) {
		json_t *o = json_array_get(all, i), *t = json_object_get(o, "output");
		const char *who = json_string_value(json_object_get(o, "entrant"));
		struct known_output *k = &(*out)[(*n)++];

		k->text = json_string_value(t);
		k->len = json_string_length(t);
		k->quality = 0.5;
		for (size_t q = 0; who && q < sizeof quality / sizeof quality[0]; q++)
			if (strcmp(who, quality[q].name) == 0)
				k->quality = quality[q].quality;
	}
	*keep = all;
	return 0;
}

static double quality_of(const struct known_output *k, size_t n, const char *text, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].text && k[i].len == len && memcmp(k[i].text, text, len) == 0)
			return k[i].quality;
	return 0.5;
}

static void expert_answer(struct drbg *d, const struct rubric *rb, double severity,
			  const double q[2], struct answer *a)
{
	static const char *const praise = "핵심을 정확히 짚었고 설명이 명료함";
	static const char *const fault = "근거가 부족하고 중요한 내용이 빠짐";

	for (int s = 0; s < 2; s++) {
		for (size_t c = 0; c < rb->n_criteria; c++) {
			const struct rubric_criterion *cr = &rb->criteria[c];
			double span = cr->scale_max - cr->scale_min;
			double x = cr->scale_min + span * q[s] + severity + (unit(d) * 1.8 - 0.9);

			if (!cr->required && drbg_uniform(d, 5) == 0) {
				a->scores[s][c] = BALLOT_SCORE_NA;
				continue;
			}
			x = floor(x + 0.5);
			x = x < cr->scale_min   ? cr->scale_min
			    : x > cr->scale_max ? cr->scale_max
						: x;
			a->scores[s][c] = (uint32_t)x;
		}
		if (drbg_uniform(d, 3) == 0)
			snprintf(a->comment[s], sizeof a->comment[s], "%s",
				 q[s] >= 0.6 ? praise : fault);
	}
}

static void user_answer(struct drbg *d, const struct rubric *rb, const double q[2],
			struct answer *a)
{
	/* Bradley–Terry with strengths exp(4 q): dasol beats yunseul ~9 in 10 */
	double pa = 1.0 / (1.0 + exp(4.0 * (q[1] - q[0]))), u = unit(d);
	bool much = fabs(q[0] - q[1]) > 0.25 && drbg_uniform(d, 2) == 0;

	if (u < 0.06 && q[0] < 0.55 && q[1] < 0.55)
		a->preference = PREF_BOTH_BAD;
	else if (u < 0.18)
		a->preference = PREF_TIE;
	else if (unit(d) < pa)
		a->preference = much ? PREF_A_MUCH : PREF_A;
	else
		a->preference = much ? PREF_B_MUCH : PREF_B;
	if (rb->has_satisfaction && drbg_uniform(d, 2) == 0) {
		double best = a->preference == PREF_BOTH_BAD ? fmin(q[0], q[1]) : fmax(q[0], q[1]);

		a->satisfaction = (uint32_t)(1 + floor(best * 4.0 + 0.5));
	}
	if (drbg_uniform(d, 4) == 0)
		snprintf(a->reason, sizeof a->reason, "%s",
			 a->preference == PREF_TIE ? "둘 다 비슷하게 잘 설명함"
						   : "더 구체적이고 읽기 쉬움");
}

/* Casts every task of one simulated rater. */
static int cast_all(const char *db, const char *name, bool expert, double severity,
		    const struct known_output *k, size_t nk, struct drbg *d, size_t *ballots,
		    struct simsa_err *err)
{
	struct secret_key *sk = NULL;
	struct session *s = NULL;
	char path[4096], code[BALLOT_RECEIPT_MAX + 1];
	int rc = -1;

	if (keyfile_round_path(db, name, false, path, sizeof path, err) < 0 ||
	    keyfile_unlock(path, DEMO_PASSPHRASE, strlen(DEMO_PASSPHRASE), &sk, err) < 0 ||
	    session_start(db, name, sk, &s, err) < 0)
		goto out;
	sk = NULL; /* the session owns it */
	for (size_t t = 0; t < session_task_count(s); t++) {
		struct task_view v;
		struct answer a;
		double q[2];

		if (session_task(s, t, &v, err) < 0)
			goto out;
		if (v.done)
			continue;
		for (int side = 0; side < 2; side++)
			q[side] = quality_of(k, nk, v.text[side], v.text_len[side]);
		answer_init(&a);
		a.active_seconds = 40 + drbg_uniform(d, 260);
		if (expert)
			expert_answer(d, session_rubric(s), severity, q, &a);
		else
			user_answer(d, session_rubric(s), q, &a);
		if (session_submit(s, t, &a, code, err) < 0)
			goto out;
		(*ballots)++;
	}
	rc = 0;
out:
	if (rc < 0)
		err_prefix(err, "simulated %s", name);
	secret_key_free(&sk);
	session_end(&s);
	return rc;
}

int demo_panel(const char *db, const char *skip, size_t *ballots, struct simsa_err *err)
{
	/* expert3 is harsh and expert2 lenient (points on the 1-5 scale) */
	static const double severity[DEMO_EXPERTS] = { 0.0, 0.4, -0.9, 0.1 };
	struct known_output *k = NULL;
	json_t *keep = NULL;
	size_t nk = 0;
	struct drbg d;
	char name[32];
	int rc = -1;

	*ballots = 0;
	boot_stream(&d, 2026, "demo-panel");
	if (load_outputs(&keep, &k, &nk, err) < 0)
		goto out;
	for (int i = 1; i <= DEMO_EXPERTS + DEMO_USERS; i++) {
		bool expert = i <= DEMO_EXPERTS;

		if (expert)
			snprintf(name, sizeof name, "expert%d", i);
		else
			snprintf(name, sizeof name, "user%02d", i - DEMO_EXPERTS);
		if (skip && strcmp(name, skip) == 0)
			continue;
		if (cast_all(db, name, expert, expert ? severity[i - 1] : 0.0, k, nk, &d, ballots,
			     err) < 0)
			goto out;
	}
	rc = 0;
out:
	drbg_wipe(&d);
	free(k);
	json_decref(keep);
	return rc;
}
