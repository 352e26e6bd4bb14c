/* rating — what the rating program's views share (tui/rating.h): the rows
 * of the controls, scores as shown, and the headless dump's state. */
#include <stdio.h>
#include <string.h>

#include "rating.h"
#include "simsa/text.h"

int rate_rows(const struct rating *rt)
{
	if (rt->role == ROLE_EXPERT)
		return (int)rt->rub->n_criteria + 2;
	return rt->rub->has_satisfaction ? 3 : 2;
}

enum row_kind rate_row_kind(const struct rating *rt, int row)
{
	if (rt->role == ROLE_EXPERT) {
		int n = (int)rt->rub->n_criteria;

		return row < n ? ROW_CRITERION : row == n ? ROW_FLAGS : ROW_COMMENT;
	}
	if (row == 0)
		return ROW_PREF;
	return row == 1 && rt->rub->has_satisfaction ? ROW_SATISFACTION : ROW_REASON;
}

const char *score_text(uint32_t v, char buf[12])
{
	if (v == BALLOT_SCORE_UNSET)
		return " ";
	if (v == BALLOT_SCORE_NA)
		return S(S_NA);
	snprintf(buf, 12, "%u", (unsigned)v);
	return buf;
}

const char *rating_satisfaction_about(const struct rating *rt)
{
	switch (rt->ans.preference) {
	case PREF_A_MUCH:
	case PREF_A: return S(S_SAT_ABOUT_A);
	case PREF_B:
	case PREF_B_MUCH: return S(S_SAT_ABOUT_B);
	case PREF_TIE:
	case PREF_BOTH_BAD: return S(S_SAT_ABOUT_BOTH);
	default: return S(S_SAT_ABOUT_FIRST);
	}
}

const char *rate_value_keys(const struct rating *rt)
{
	return rt->role == ROLE_EXPERT ? "1-5" : "1-6";
}

const char *rating_problem_words(const struct rating *rt, const struct session_problem *p,
				 const char *engine_msg, char *buf, size_t cap)
{
	static const char *const side[2] = { "A", "B" };
	const char *sd = p->side == 0 || p->side == 1 ? side[p->side] : "";
	char n[24];

	switch (p->code) {
	case SE_NONE: snprintf(buf, cap, "%s", ""); break;
	case SE_NO_TASK:
		snprintf(n, sizeof n, "%zu", p->task + 1);
		i18n_fill(buf, cap, S_SE_NO_TASK, n, NULL, NULL);
		break;
	case SE_SCORE_OUT_OF_SCALE:
	case SE_REQUIRED_MISSING: {
		const struct rubric_criterion *cr =
			p->criterion >= 0 && (size_t)p->criterion < rt->rub->n_criteria
				? &rt->rub->criteria[p->criterion]
				: NULL;
		const char *name = !cr ? "" : i18n_lang() == LANG_KO ? cr->name_ko : cr->name_en;

		i18n_fill(buf, cap, p->code == SE_REQUIRED_MISSING ? S_WHY_REQUIRED : S_WHY_SCALE,
			  name, sd, NULL);
		break;
	}
	case SE_UNKNOWN_FLAG: i18n_fill(buf, cap, S_WHY_FLAG, sd, NULL, NULL); break;
	case SE_NO_PREFERENCE: snprintf(buf, cap, "%s", S(S_WHY_PREF)); break;
	case SE_SATISFACTION_OUT_OF_SCALE: snprintf(buf, cap, "%s", S(S_WHY_SATISFACTION)); break;
	case SE_SATISFACTION_MISSING:
		snprintf(buf, cap, "%s", S(S_WHY_SATISFACTION_MISSING));
		break;
	case SE_ROUND_CLOSED: snprintf(buf, cap, "%s", S(S_SE_ROUND_CLOSED)); break;
	case SE_KEY: snprintf(buf, cap, "%s", S(S_SE_KEY)); break;
	case SE_STORE: snprintf(buf, cap, "%s", engine_msg ? engine_msg : ""); break;
	}
	return buf;
}

static void put_safe(FILE *f, const char *key, const char *value)
{
	char buf[LINEEDIT_MAX * 3 + 64];

	text_sanitize_line(value ? value : "", value ? strlen(value) : 0, buf, sizeof buf);
	fprintf(f, "%s=%s\n", key, buf);
}

static void dump_answer(const struct rating *rt, FILE *f)
{
	char key[96], num[12];

	if (rt->role == ROLE_EXPERT) {
		for (size_t k = 0; k < rt->rub->n_criteria; k++)
			for (int s = 0; s < 2; s++) {
				uint32_t v = rt->ans.scores[s][k];

				snprintf(key, sizeof key, "score.%c.%s", 'A' + s,
					 rt->rub->criteria[k].id);
				put_safe(f, key,
					 v == BALLOT_SCORE_UNSET ? "-"
					 : v == BALLOT_SCORE_NA
						 ? "na"
						 : (snprintf(num, sizeof num, "%u", (unsigned)v),
						    num));
			}
		for (int s = 0; s < 2; s++) {
			fprintf(f, "flags.%c=%u\n", 'A' + s, (unsigned)rt->ans.flags[s]);
			snprintf(key, sizeof key, "comment.%c", 'A' + s);
			put_safe(f, key, rt->ans.comment[s]);
		}
	} else {
		fprintf(f, "preference=%s\n",
			rt->ans.preference < 0
				? "-"
				: rubric_pref_name((enum rubric_pref)rt->ans.preference));
		fprintf(f, "satisfaction=%s\n",
			rt->ans.satisfaction == BALLOT_SCORE_UNSET
				? "-"
				: (snprintf(num, sizeof num, "%u", (unsigned)rt->ans.satisfaction),
				   num));
		put_safe(f, "reason", rt->ans.reason);
	}
}

void rating_dump_state(struct console *c, FILE *f)
{
	static const char *const modes[] = { "side-by-side", "stacked", "single" };
	static const char *const kinds[] = { "criterion",  "flags",        "comment",
					     "preference", "satisfaction", "reason" };
	const struct rating *rt = rating_of(c);
	enum row_kind k = rate_row_kind(rt, rt->row);

	fprintf(f, "layout=%s\n", modes[rt->lay.mode]);
	fprintf(f, "lang=%s\nrole=%s\n", i18n_lang() == LANG_KO ? "ko" : "en",
		rt->role == ROLE_EXPERT ? "expert" : "user");
	if (rt->practice)
		fprintf(f, "practice=%zu/%zu\n", rt->task + 1, rt->n_practice);
	fprintf(f, "task=%zu/%zu\ndone=%zu\ntask_done=%d\n", rt->task + 1, rt->n_tasks,
		session_done_count(rt->s), rt->tv.done ? 1 : 0);
	fprintf(f, "task_receipt=%s\nlast_receipt=%s\n", rt->tv.receipt, rt->receipt);
	fprintf(f, "side=%c\nrow=%d\nrow_kind=%s\n", 'A' + rt->side, rt->row, kinds[k]);
	if (k == ROW_CRITERION)
		fprintf(f, "criterion=%s\n", rt->rub->criteria[rt->row].id);
	fprintf(f, "lock=%d\n", rt->lock ? 1 : 0);
	for (int s = 0; s < 2; s++)
		fprintf(f, "pane.%c=top %zu lines %zu width %d shown %d\n", 'A' + s, rt->out[s].top,
			pane_line_count(&rt->out[s]), rt->lay.pane_w[s],
			rt->lay.mode != LAY_SINGLE || s == rt->side ? 1 : 0);
	fprintf(f, "prompt=top %zu lines %zu\n", rt->prompt.top, pane_line_count(&rt->prompt));
	fprintf(f, "editing=%d\n", rt->editing ? 1 : 0);
	if (rt->editing) {
		put_safe(f, "edit.text", rt->ed.buf);
		fprintf(f, "edit.cursor=%zu\nedit.col=%d\n", rt->ed.cur,
			lineedit_cursor_col(&rt->ed));
	}
	fprintf(f, "cursor=%d,%d\n", c->cur_y, c->cur_x);
	dump_answer(rt, f);
	put_safe(f, "message", c->msg);
	if (c->view->dump_state)
		c->view->dump_state(c, f);
}
