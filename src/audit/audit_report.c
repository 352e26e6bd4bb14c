/* audit_report — what every step of verify shares: the step's report
 * (what it checked, how many items, the failures, listing at most
 * MAX_LISTED) and the lookups into the loaded round (raters, stored tasks).
 * audit.c and audit_ballots.c call it; it calls neither. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit_internal.h"
#include "simsa/util.h"

void step_begin(struct step *s, const char *name, const char *checked)
{
	memset(s, 0, sizeof *s);
	s->started = mono_seconds();
	s->name = name;
	s->checked = checked;
	s->failures = json_array();
}

void failf(struct step *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	s->failed++;
	if (s->failed > MAX_LISTED)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_array_append_new(s->failures, json_string(msg));
}

void step_end(struct audit *a, struct step *s)
{
	if (s->failed > MAX_LISTED)
		json_array_append_new(s->failures,
				      json_sprintf("... and %ld more", s->failed - MAX_LISTED));
	json_array_append_new(
		a->steps, json_pack("{s:s, s:s, s:I, s:b, s:I, s:o, s:f}", "step", s->name,
				    "checked", s->checked, "items", (json_int_t)s->items, "passed",
				    s->failed == 0, "failed", (json_int_t)s->failed, "failures",
				    s->failures, "seconds", mono_seconds() - s->started));
}

long rater_index(const struct audit *a, int64_t row)
{
	return inputs_rater(&a->in, row);
}

const char *rater_name(const struct audit *a, int64_t row)
{
	long i = rater_index(a, row);

	return i >= 0 ? a->in.raters[i].name : "?";
}

struct atask *audit_task(const struct audit *a, long ri, uint32_t position)
{
	char key[48];
	json_t *i;

	if (ri < 0 || (size_t)ri >= a->in.n_raters)
		return NULL;
	if (position < a->tasks[ri].n && a->tasks[ri].t[position].present)
		return &a->tasks[ri].t[position];
	if (position <= (1u << 28) || !a->stray_index)
		return NULL;
	snprintf(key, sizeof key, "%ld:%u", ri, position);
	i = json_object_get(a->stray_index, key);
	return i ? &a->strays[json_integer_value(i)].t : NULL;
}

bool audit_after_close(const struct audit *a, const char *t)
{
	return !time_utc_valid(t) || !time_utc_valid(a->cl.closed_at) ||
	       strcmp(t, a->cl.closed_at) > 0;
}

const char *audit_time(const char *t)
{
	return time_utc_valid(t) ? t : "(not a UTC time)";
}

long check_types(struct audit *a, struct step *s, const struct typed_col *cols)
{
	long bad = 0;

	for (const struct typed_col *c = cols; c->table; c++) {
		struct simsa_err err;
		long n = store_untyped(a->st, c->table, c->column, c->type, &err);

		if (n < 0)
			failf(s, "%s", err.msg);
		else if (n > 0)
			failf(s, "%ld values of %s.%s are not %s", n, c->table, c->column,
			      c->type == 'i' ? "integers"
					     : "text (a BLOB, or a NUL byte with a tail after it)");
		bad += n != 0;
	}
	return bad;
}
