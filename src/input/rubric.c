/* rubric — parses and validates rubric files (include/simsa/rubric.h,
 * docs/rubrics.md). Owns the rubric format: which sections and keys exist,
 * what each value may be, and the libinih settings used to read them.
 *
 * The INI syntax is libinih's. This file feeds it lines from memory, counts
 * them, and notes where each "[section]" line is, because Debian's inih has
 * neither line numbers in the handler nor a "new section" callback. That is
 * how messages name lines, and how a repeated or empty section is caught. */
#include "simsa/rubric.h"
#include "rubric_internal.h"
#include "simsa/store.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <utf8proc.h>

/* clang-format off */
static const char *const rubric_keys[] = {
	"component", "points", "version", "title_ko", "title_en",
	"instructions_ko", "instructions_en", NULL };
static const char *const criterion_keys[] = {
	"name_ko", "name_en", "weight", "scale", "required", NULL };
static const char *const scoring_keys[] = {
	"bootstrap_resamples", "bootstrap_seed", "much_better_weight", "both_bad",
	"identity_revealed", "failed_gold", "gold_min_items", "gold_pass_percent", NULL };
static const char *const assignment_keys[] = {
	"raters_per_slot", "ratings_per_output", "by_category", NULL };
static const char *const pref_names[PREF_COUNT] = {
	"a_much_better", "a_better", "tie", "b_better", "b_much_better", "both_bad" };
static const char *const langs[2] = { "ko", "en" };

/* Sections after [rubric]; "criterion" stands for "[criterion ID]". */
static const struct {
	const char *name;
	enum kind kind;
	enum rubric_component only; /* 0: either component */
} sections[] = {
	{ "criterion", SEC_CRITERION, RUBRIC_EXPERT },
	{ "preference", SEC_PREFERENCE, RUBRIC_USER },
	{ "satisfaction", SEC_SATISFACTION, RUBRIC_USER },
	{ "scoring", SEC_SCORING, 0 },
	{ "assignment", SEC_ASSIGNMENT, 0 },
};
/* clang-format on */

/* ---- the reader: lines from memory, counted; "[...]" lines noted ---- */

static int line_begins(struct pstate *st)
{
	const char *p = st->text + st->pos;
	size_t left = st->len - st->pos, i = 0, j;
	const char *nl = memchr(p, '\n', left);
	size_t n = nl ? (size_t)(nl - p) : left;

	st->lineno++;
	if (n > RUBRIC_MAX_LINE)
		return rb_fail(st, st->lineno, "line is %zu bytes long; at most %d are allowed", n,
			       RUBRIC_MAX_LINE);
	if (memchr(p, '\0', n))
		return rb_fail(st, st->lineno, "NUL byte in the line");
	if (st->lineno == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		i = 3; /* inih skips a UTF-8 byte order mark */
	while (i < n && isspace((unsigned char)p[i]))
		i++;
	if (i == n || p[i] != '[')
		return 0;
	/* inih's rule: a line whose first non-space character is '[' */
	if (st->hdr_line && st->hdr_keys == 0)
		return rb_fail(st, st->hdr_line, "section [%s] has no keys",
			       rb_shown(st->hdr_name));
	for (j = i + 1; j < n && p[j] != ']' && j - i < sizeof st->hdr_name; j++)
		;
	memcpy(st->hdr_name, p + i + 1, j - i - 1);
	st->hdr_name[j - i - 1] = '\0';
	st->hdr_line = st->lineno;
	st->hdr_keys = 0;
	return 0;
}

/* fgets() over the buffer; inih calls it again to continue a long line. */
static char *read_line(char *buf, int num, void *stream)
{
	struct pstate *st = stream;
	size_t room, n;
	const char *p, *nl;

	if (st->failed || st->pos >= st->len || num < 2)
		return NULL;
	if (st->line_start) {
		if (line_begins(st) < 0)
			return NULL;
		st->line_start = false;
	}
	p = st->text + st->pos;
	room = st->len - st->pos;
	if (room > (size_t)num - 1)
		room = (size_t)num - 1;
	nl = memchr(p, '\n', room);
	n = nl ? (size_t)(nl - p) + 1 : room;
	memcpy(buf, p, n);
	buf[n] = '\0';
	st->pos += n;
	st->line_start = nl != NULL;
	return buf;
}

/* ---- sections ---- */

static int close_levels(struct pstate *st)
{
	struct rubric_criterion *c = st->cur;
	int lv, l;

	for (lv = 0; lv <= LEVEL_MAX; lv++)
		for (l = 0; l < 2; l++)
			if (st->anchor_line[lv][l] && (lv < c->scale_min || lv > c->scale_max))
				return rb_fail(
					st, st->anchor_line[lv][l],
					"[%s] anchor%d_%s: level %d is outside the scale %d-%d",
					st->sec, lv, langs[l], lv, c->scale_min, c->scale_max);
	for (lv = c->scale_min; lv <= c->scale_max; lv++)
		for (l = 0; l < 2; l++)
			if (!st->anchor_line[lv][l])
				return rb_fail(st, st->sec_line,
					       "[%s]: missing anchor%d_%s (the scale %d-%d needs "
					       "anchorN_ko and anchorN_en for every level N)",
					       st->sec, lv, langs[l], c->scale_min, c->scale_max);
	for (lv = c->scale_min; lv <= c->scale_max; lv++) {
		c->levels[lv - c->scale_min].anchor_ko = st->anchor[lv][0];
		c->levels[lv - c->scale_min].anchor_en = st->anchor[lv][1];
		st->anchor[lv][0] = st->anchor[lv][1] = NULL;
	}
	return 0;
}

static int missing(struct pstate *st, const char *key)
{
	return rb_fail(st, st->sec_line, "[%s]: missing key \"%s\"", st->sec, key);
}

static int close_section(struct pstate *st)
{
	struct rubric *r = st->r;
	enum kind kind = st->kind;
	int i, want;

	st->kind = SEC_NONE;
	switch (kind) {
	case SEC_RUBRIC:
		for (i = 0; i < R_N_REQUIRED; i++)
			if (!st->key_line[i])
				return missing(st, rubric_keys[i]);
		/* optional, but in both languages when given */
		if (!st->key_line[R_INSTR_KO] != !st->key_line[R_INSTR_EN])
			return missing(
				st,
				rubric_keys[st->key_line[R_INSTR_KO] ? R_INSTR_EN : R_INSTR_KO]);
		want = r->component == RUBRIC_EXPERT ? 35 : 25;
		if (r->points != want)
			return rb_fail(st, st->key_line[R_POINTS],
				       "[rubric] points: %s rubric is worth %d points, not %d",
				       r->component == RUBRIC_EXPERT ? "an expert" : "a user", want,
				       r->points);
		return 0;
	case SEC_CRITERION:
	case SEC_SATISFACTION:
		for (i = 0; criterion_keys[i]; i++)
			if (!st->key_line[i] && !(i == C_WEIGHT && kind == SEC_SATISFACTION))
				return missing(st, criterion_keys[i]);
		if (kind == SEC_CRITERION) {
			st->weight_sum += st->cur->weight;
			st->weight_line = st->key_line[C_WEIGHT];
		}
		return close_levels(st);
	case SEC_PREFERENCE:
		for (i = 0; i < 2 * PREF_COUNT; i++)
			if (!st->key_line[i]) {
				char key[32];

				snprintf(key, sizeof key, "%s_%s", pref_names[i / 2], langs[i % 2]);
				return missing(st, key);
			}
		st->has_pref = true;
		return 0;
	default: return 0;
	}
}

static int open_criterion(struct pstate *st, const char *id)
{
	struct rubric *r = st->r;
	size_t i, n = strlen(id);
	bool ok = n >= 1 && n <= ID_MAX && islower((unsigned char)id[0]);

	for (i = 0; ok && i < n; i++)
		ok = islower((unsigned char)id[i]) || isdigit((unsigned char)id[i]) ||
		     id[i] == '_' || id[i] == '-';
	if (!ok)
		return rb_fail(st, st->sec_line,
			       "[%s]: a criterion id is 1 to %d of a-z, 0-9, "
			       "'_' or '-', starting with a letter",
			       rb_shown(st->sec), ID_MAX);
	if (r->n_criteria == RUBRIC_MAX_CRITERIA)
		return rb_fail(st, st->sec_line, "[%s]: more than %d criteria", st->sec,
			       RUBRIC_MAX_CRITERIA);
	st->cur = &r->criteria[r->n_criteria++];
	return rb_str_key(st, &st->cur->id, id);
}

static int open_section(struct pstate *st, const char *name)
{
	enum rubric_component comp = st->r->component;
	size_t i, n = strlen(name);

	if (st->kind != SEC_NONE && close_section(st) < 0)
		return -1;
	st->sec_line = st->hdr_line;
	if (!st->hdr_line)
		return rb_fail(st, st->lineno, "a key before the first [section]");
	if (n == 0 || n >= SECTION_MAX - 1)
		return rb_fail(st, st->sec_line, "a section name must be 1 to %d bytes long",
			       SECTION_MAX - 2);
	for (i = 0; i < st->n_seen; i++)
		if (strcmp(st->seen[i].name, name) == 0)
			return rb_fail(st, st->sec_line, "[%s] appears twice (first at line %d)",
				       rb_shown(name), st->seen[i].line);
	if (st->n_seen == MAX_SECTIONS)
		return rb_fail(st, st->sec_line, "too many sections");
	memcpy(st->seen[st->n_seen].name, name, n + 1);
	st->seen[st->n_seen++].line = st->sec_line;
	memcpy(st->sec, name, n + 1);
	memset(st->key_line, 0, sizeof st->key_line);
	memset(st->anchor_line, 0, sizeof st->anchor_line);
	st->cur = NULL;
	if (strcmp(name, "rubric") == 0) {
		st->kind = SEC_RUBRIC;
		st->rubric_line = st->sec_line;
		return 0;
	}
	if (st->n_seen == 1)
		return rb_fail(st, st->sec_line, "the first section must be [rubric], not [%s]",
			       rb_shown(name));
	for (i = 0; i < sizeof sections / sizeof sections[0]; i++) {
		size_t k = strlen(sections[i].name);
		bool crit = sections[i].kind == SEC_CRITERION;

		if (strncmp(name, sections[i].name, k) != 0 || name[k] != (crit ? ' ' : '\0'))
			continue;
		if (sections[i].only && sections[i].only != comp)
			return rb_fail(st, st->sec_line, "[%s] is not allowed in %s rubric", name,
				       comp == RUBRIC_EXPERT ? "an expert" : "a user");
		st->kind = sections[i].kind;
		if (crit)
			return open_criterion(st, name + k + 1);
		if (st->kind != SEC_SATISFACTION)
			return 0;
		st->cur = &st->r->satisfaction;
		st->r->has_satisfaction = true;
		return rb_str_key(st, &st->cur->id, "satisfaction");
	}
	return rb_fail(st, st->sec_line,
		       "unknown section [%s] (expected [criterion ID], "
		       "[preference], [satisfaction], [scoring] or [assignment])",
		       rb_shown(name));
}

/* ---- keys ---- */

static int find_in(const char *const *keys, const char *name)
{
	for (int i = 0; keys[i]; i++)
		if (strcmp(keys[i], name) == 0)
			return i;
	return -1;
}

/* "anchorN_ko" / "anchorN_en" (N without leading zeros): the slot, or -1. */
static int anchor_slot(const char *name)
{
	const char *p = name + 6;
	char *end;
	long lv;

	if (strncmp(name, "anchor", 6) != 0 || !isdigit((unsigned char)*p) ||
	    (p[0] == '0' && isdigit((unsigned char)p[1])))
		return -1;
	errno = 0;
	lv = strtol(p, &end, 10);
	if (errno || lv > LEVEL_MAX || end - p > 3)
		return -1;
	if (strcmp(end, "_ko") == 0)
		return ANCHOR_SLOT + 2 * (int)lv;
	if (strcmp(end, "_en") == 0)
		return ANCHOR_SLOT + 2 * (int)lv + 1;
	return -1;
}

static int slot_of(const struct pstate *st, const char *name)
{
	char key[32];

	switch (st->kind) {
	case SEC_RUBRIC: return find_in(rubric_keys, name);
	case SEC_CRITERION:
	case SEC_SATISFACTION: {
		int i = find_in(criterion_keys, name);

		if (i == C_WEIGHT && st->kind == SEC_SATISFACTION)
			return -1;
		return i >= 0 ? i : anchor_slot(name);
	}
	case SEC_PREFERENCE:
		for (int i = 0; i < 2 * PREF_COUNT; i++) {
			snprintf(key, sizeof key, "%s_%s", pref_names[i / 2], langs[i % 2]);
			if (strcmp(key, name) == 0)
				return i;
		}
		return -1;
	case SEC_SCORING: return find_in(scoring_keys, name);
	case SEC_ASSIGNMENT: return find_in(assignment_keys, name);
	default: return -1;
	}
}

static int set_key(struct pstate *st, int slot, const char *key, const char *v)
{
	struct rubric *r = st->r;
	struct rubric_criterion *c = st->cur;
	char q[80];

	if (slot >= ANCHOR_SLOT)
		return rb_str_key(st, &st->anchor[(slot - ANCHOR_SLOT) / 2][slot % 2], v);
	switch (st->kind) {
	case SEC_RUBRIC:
		switch (slot) {
		case R_COMPONENT:
			r->component = rubric_component_parse(v);
			if (!r->component)
				return rb_key_fail(st, key, "expected expert or user, not %s",
						   rb_quoted(v, q, sizeof q));
			return 0;
		case R_POINTS: return rb_int_key(st, key, v, 1, 100, &r->points);
		case R_VERSION: return rb_int_key(st, key, v, 1, 1000000, &r->version);
		case R_TITLE_KO: return rb_str_key(st, &r->title_ko, v);
		case R_TITLE_EN: return rb_str_key(st, &r->title_en, v);
		case R_INSTR_KO: return rb_str_key(st, &r->instructions_file[0], v);
		default: return rb_str_key(st, &r->instructions_file[1], v);
		}
	case SEC_CRITERION:
	case SEC_SATISFACTION:
		switch (slot) {
		case C_NAME_KO: return rb_str_key(st, &c->name_ko, v);
		case C_NAME_EN: return rb_str_key(st, &c->name_en, v);
		case C_WEIGHT: return rb_int_key(st, key, v, 1, 100, &c->weight);
		case C_SCALE: return rb_scale_key(st, key, v, c);
		default: return rb_choice_key(st, key, v, "yes", "no", &c->required);
		}
	case SEC_PREFERENCE:
		return rb_str_key(
			st, slot % 2 ? &r->pref_label_en[slot / 2] : &r->pref_label_ko[slot / 2],
			v);
	case SEC_ASSIGNMENT:
		switch (slot) {
		case A_RATERS_PER_SLOT: return rb_int_key(st, key, v, 1, 100, &r->raters_per_slot);
		case A_RATINGS_PER_OUTPUT:
			return rb_int_key(st, key, v, 1, 100, &r->ratings_per_output);
		default: return rb_choice_key(st, key, v, "yes", "no", &r->by_category);
		}
	default: /* SEC_SCORING */
		switch (slot) {
		case S_RESAMPLES:
			return rb_int_key(st, key, v, 100, 100000, &r->bootstrap_resamples);
		case S_SEED: return rb_seed_key(st, key, v, &r->bootstrap_seed);
		case S_MUCH_BETTER: return rb_int_key(st, key, v, 1, 100, &r->much_better_weight);
		case S_BOTH_BAD:
			return rb_choice_key(st, key, v, "tie", "exclude", &r->both_bad_as_tie);
		case S_IDENTITY:
			return rb_choice_key(st, key, v, "exclude", "count", &r->identity_excluded);
		case S_FAILED_GOLD:
			return rb_choice_key(st, key, v, "exclude", "count",
					     &r->failed_gold_excluded);
		case S_GOLD_MIN: return rb_int_key(st, key, v, 1, 1000, &r->gold_min_items);
		default: return rb_int_key(st, key, v, 0, 100, &r->gold_pass_percent);
		}
	}
}

static int take_key(struct pstate *st, const char *section, const char *name, const char *value)
{
	char why[96], q[80];
	const char *problem;
	int slot, *line;

	if (st->hdr_keys++ == 0 && open_section(st, section) < 0)
		return -1;
	slot = slot_of(st, name);
	if (slot < 0)
		return rb_fail(st, st->lineno, "[%s] unknown key %s", st->sec,
			       rb_quoted(name, q, sizeof q));
	if (st->kind == SEC_SCORING && st->r->component != RUBRIC_USER &&
	    (slot == S_MUCH_BETTER || slot == S_BOTH_BAD))
		return rb_key_fail(st, name, "only for user rubrics");
	if (st->kind == SEC_SCORING && st->r->component != RUBRIC_EXPERT && slot == S_IDENTITY)
		return rb_key_fail(st, name,
				   "only for expert rubrics (user ballots carry no flags)");
	if (st->kind == SEC_ASSIGNMENT &&
	    ((slot == A_RATERS_PER_SLOT) != (st->r->component == RUBRIC_USER)))
		return rb_key_fail(st, name, "only for %s rubrics",
				   slot == A_RATERS_PER_SLOT ? "user" : "expert");
	line = slot >= ANCHOR_SLOT ? &st->anchor_line[(slot - ANCHOR_SLOT) / 2][slot % 2]
				   : &st->key_line[slot];
	if (*line)
		return rb_key_fail(st, name, "given twice (first at line %d)", *line);
	*line = st->lineno;
	problem = rb_value_problem(value, why, sizeof why);
	if (problem)
		return rb_key_fail(st, name, "%s", problem);
	return set_key(st, slot, name, value);
}

/* inih's handler: nonzero to go on. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct pstate *st = user;

	return !st->failed && take_key(st, section, name, value) == 0;
}

/* Whole-file checks, after the last line. */
static int finish(struct pstate *st)
{
	struct rubric *r = st->r;

	if (st->hdr_line && st->hdr_keys == 0)
		return rb_fail(st, st->hdr_line, "section [%s] has no keys",
			       rb_shown(st->hdr_name));
	if (st->kind != SEC_NONE && close_section(st) < 0)
		return -1;
	if (!st->rubric_line)
		return rb_fail(st, st->lineno ? st->lineno : 1, "no [rubric] section");
	if (r->component == RUBRIC_EXPERT && r->n_criteria == 0)
		return rb_fail(st, st->rubric_line,
			       "an expert rubric needs at least one "
			       "[criterion ID] section");
	if (r->component == RUBRIC_EXPERT && st->weight_sum != 100)
		return rb_fail(st, st->weight_line,
			       "weights of the %zu criteria add up to %d, not 100", r->n_criteria,
			       st->weight_sum);
	if (r->component == RUBRIC_USER && !st->has_pref)
		return rb_fail(st, st->rubric_line, "a user rubric needs a [preference] section");
	return 0;
}

/* libinih's process-wide options, set for one parse and then put back. */
struct ini_options {
	bool use_stack, allow_realloc, multiline, inline_comments, bom, stop, no_value;
	int max_line;
	char *comment_prefixes;
};

static void ini_options_swap(struct ini_options *o)
{
	struct ini_options cur = {
		ini_use_stack,
		ini_allow_realloc,
		ini_allow_multiline,
		ini_allow_inline_comments,
		ini_allow_bom,
		ini_stop_on_first_error,
		ini_allow_no_value,
		ini_max_line,
		ini_start_comment_prefixes,
	};

	ini_use_stack = o->use_stack;
	ini_allow_realloc = o->allow_realloc;
	ini_allow_multiline = o->multiline;
	ini_allow_inline_comments = o->inline_comments;
	ini_allow_bom = o->bom;
	ini_stop_on_first_error = o->stop;
	ini_allow_no_value = o->no_value;
	ini_max_line = o->max_line;
	ini_start_comment_prefixes = o->comment_prefixes;
	*o = cur;
}

int rubric_parse(const char *text, size_t len, const char *source, struct rubric **out,
		 struct simsa_err *err)
{
	static char comment_prefixes[] = ";#";
	struct ini_options opt = {
		.use_stack = false,
		.allow_realloc = true,
		.multiline = false,
		.inline_comments = false,
		.bom = true,
		.stop = true,
		.no_value = false,
		/* above the reader's own limit, so inih never splits a line */
		.max_line = RUBRIC_MAX_LINE + 64,
		.comment_prefixes = comment_prefixes,
	};
	struct pstate *st = calloc(1, sizeof *st);
	struct rubric *r = calloc(1, sizeof *r);
	int rc = -1, irc;

	*out = NULL;
	if (!st || !r) {
		err_set(err, "out of memory");
		goto done;
	}
	st->text = text ? text : "";
	st->len = text ? len : 0;
	st->source = source ? source : "rubric";
	st->line_start = true;
	st->err = err;
	st->r = r;
	r->much_better_weight = 2;
	r->both_bad_as_tie = true;
	r->bootstrap_resamples = 1000;
	r->bootstrap_seed = 1;
	r->identity_excluded = true;
	r->failed_gold_excluded = true;
	r->gold_min_items = 3;
	r->gold_pass_percent = 50;
	r->raters_per_slot = 2;
	r->ratings_per_output = 2;
	ini_options_swap(&opt);
	irc = ini_parse_stream(read_line, st, on_key, st);
	ini_options_swap(&opt);
	if (st->failed)
		goto done;
	if (irc == -2) {
		err_set(err, "%s: out of memory", st->source);
		goto done;
	}
	if (irc != 0) {
		rb_fail(st, irc, "expected a [section] line, a \"key = value\" line or a comment");
		goto done;
	}
	if (finish(st) < 0)
		goto done;
	*out = r;
	r = NULL;
	rc = 0;
done:
	if (st)
		for (int lv = 0; lv <= LEVEL_MAX; lv++)
			for (int l = 0; l < 2; l++)
				free(st->anchor[lv][l]);
	free(st);
	rubric_free(&r);
	return rc;
}

static void criterion_release(struct rubric_criterion *c)
{
	free(c->id);
	free(c->name_ko);
	free(c->name_en);
	for (int i = 0; i < RUBRIC_MAX_LEVELS; i++) {
		free(c->levels[i].anchor_ko);
		free(c->levels[i].anchor_en);
	}
}

void rubric_free(struct rubric **pr)
{
	struct rubric *r;

	if (!pr || !*pr)
		return;
	r = *pr;
	free(r->title_ko);
	free(r->instructions_file[0]);
	free(r->instructions_file[1]);
	free(r->title_en);
	for (size_t i = 0; i < r->n_criteria; i++)
		criterion_release(&r->criteria[i]);
	criterion_release(&r->satisfaction);
	for (int p = 0; p < PREF_COUNT; p++) {
		free(r->pref_label_ko[p]);
		free(r->pref_label_en[p]);
	}
	free(r);
	*pr = NULL;
}

const char *rubric_component_name(enum rubric_component c)
{
	return c == RUBRIC_EXPERT ? "expert" : c == RUBRIC_USER ? "user" : "unknown";
}

enum rubric_component rubric_component_parse(const char *s)
{
	if (!s)
		return 0;
	return strcmp(s, "expert") == 0 ? RUBRIC_EXPERT : strcmp(s, "user") == 0 ? RUBRIC_USER : 0;
}

const char *rubric_pref_name(enum rubric_pref p)
{
	return (unsigned)p < PREF_COUNT ? pref_names[p] : "unknown";
}

int rubric_parse_round(const struct in_rubric *rubrics, size_t n, struct rubric **expert,
		       struct rubric **user, struct simsa_err *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct in_rubric *r = &rubrics[i];
		bool is_expert = r->component && strcmp(r->component, "expert") == 0;
		struct rubric **slot = is_expert ? expert : user;

		if (!is_expert && !(r->component && strcmp(r->component, "user") == 0))
			return err_set(err, "the round holds a rubric for an unknown component");
		if (*slot)
			return err_set(err, "the round holds two %s rubrics",
				       is_expert ? "expert" : "user");
		if (rubric_parse(r->text, r->len, r->component, slot, err) < 0)
			return -1;
	}
	return 0;
}
