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
	if (ri < 0 || (size_t)ri >= a->in.n_raters || position >= a->tasks[ri].n ||
	    !a->tasks[ri].t[position].present)
		return NULL;
	return &a->tasks[ri].t[position];
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
