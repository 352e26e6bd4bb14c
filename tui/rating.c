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

const char *rate_value_keys(const struct rating *rt)
{
	return rt->role == ROLE_EXPERT ? "1-5" : "1-6";
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
	fprintf(f, "task=%zu/%zu\ndone=%zu\ntask_done=%d\n", rt->task + 1, rt->n_tasks,
		session_done_count(rt->s), rt->tv.done ? 1 : 0);
	put_safe(f, "prompt_id", rt->loaded ? rt->tv.prompt_id : "");
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
