/* rubric_values — the checks on rubric values: numbers, scales, choices,
 * text, and the located messages (see rubric_internal.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "rubric_internal.h"

int rb_fail(struct pstate *st, int line, const char *fmt, ...)
{
	char msg[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	st->failed = true;
	return err_set(st->err, "%s:%d: %s", st->source, line, msg);
}

/* "SOURCE:LINE: [section] key: ..." for the line being parsed. */
int rb_key_fail(struct pstate *st, const char *key, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return rb_fail(st, st->lineno, "[%s] %s: %s", st->sec, key, msg);
}

/* NULL if v may be a value, else what is wrong with it (in why). */
const char *rb_value_problem(const char *v, char *why, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)v;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(v), i = 0;

	if (len == 0)
		return "empty value";
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, len - i, &cp);

		if (k < 0) {
			snprintf(why, n, "not valid UTF-8 (byte %ld of the value)", (long)i + 1);
			return why;
		}
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC) {
			snprintf(why, n, "control character U+%04X in the value", (unsigned)cp);
			return why;
		}
		i += k;
	}
	return NULL;
}

/* s in double quotes for a message: shortened on a character boundary,
 * or <unprintable> if it is not clean UTF-8. */
const char *rb_quoted(const char *s, char *buf, size_t n)
{
	char why[64];
	size_t len = strlen(s), cut = len;

	if (rb_value_problem(s, why, sizeof why) && *s)
		return "<unprintable>";
	if (cut > 60) {
		cut = 60;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	snprintf(buf, n, "\"%.*s%s\"", (int)cut, s, cut < len ? "..." : "");
	return buf;
}

/* s itself for a message if it is clean and short (a section name), else "?". */
const char *rb_shown(const char *s)
{
	char why[64];

	return strlen(s) <= 64 && !rb_value_problem(s, why, sizeof why) ? s : "?";
}

/* A whole decimal integer: optional '-', digits, nothing else. */
static bool parse_int(const char *s, long long *out)
{
	const char *p = *s == '-' ? s + 1 : s;
	char *end;
	long long v;

	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int rb_int_key(struct pstate *st, const char *key, const char *v, long long min, long long max,
	       int *out)
{
	char q[80];
	long long x;

	if (!parse_int(v, &x))
		return rb_key_fail(st, key, "not an integer: %s", rb_quoted(v, q, sizeof q));
	if (x < min || x > max)
		return rb_key_fail(st, key, "must be between %lld and %lld, not %lld", min, max, x);
	*out = (int)x;
	return 0;
}

int rb_seed_key(struct pstate *st, const char *key, const char *v, unsigned long long *out)
{
	char q[80], *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)*v) || errno || *end)
		return rb_key_fail(st, key, "not an integer from 0 to %llu: %s",
				   (unsigned long long)-1, rb_quoted(v, q, sizeof q));
	*out = x;
	return 0;
}

/* "MIN-MAX", both in 0..LEVEL_MAX, MIN < MAX, at most RUBRIC_MAX_LEVELS levels. */
int rb_scale_key(struct pstate *st, const char *key, const char *v, struct rubric_criterion *c)
{
	const char *dash = strchr(v, '-');
	char lo_s[24], q[80];
	long long lo, hi;
	size_t n = dash ? (size_t)(dash - v) : 0;

	if (n == 0 || n >= sizeof lo_s || !isdigit((unsigned char)dash[1]))
		goto bad;
	memcpy(lo_s, v, n);
	lo_s[n] = '\0';
	if (!parse_int(lo_s, &lo) || !parse_int(dash + 1, &hi))
		goto bad;
	if (lo > LEVEL_MAX || hi > LEVEL_MAX)
		return rb_key_fail(st, key, "levels must be between 0 and %d", LEVEL_MAX);
	if (lo >= hi)
		return rb_key_fail(st, key, "the lowest level %lld is not below the highest %lld",
				   lo, hi);
	if (hi - lo + 1 > RUBRIC_MAX_LEVELS)
		return rb_key_fail(st, key, "%lld-%lld has %lld levels; at most %d are allowed", lo,
				   hi, hi - lo + 1, RUBRIC_MAX_LEVELS);
	c->scale_min = (int)lo;
	c->scale_max = (int)hi;
	return 0;
bad:
	return rb_key_fail(st, key, "expected LOW-HIGH such as 1-5, not %s",
			   rb_quoted(v, q, sizeof q));
}

int rb_str_key(struct pstate *st, char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	if (!*dst)
		return rb_fail(st, st->lineno, "out of memory");
	return 0;
}

/* v is either word: *out = (v is the first). */
int rb_choice_key(struct pstate *st, const char *key, const char *v, const char *first,
		  const char *second, bool *out)
{
	char q[80];

	if (strcmp(v, first) != 0 && strcmp(v, second) != 0)
		return rb_key_fail(st, key, "expected %s or %s, not %s", first, second,
				   rb_quoted(v, q, sizeof q));
	*out = strcmp(v, first) == 0;
	return 0;
}
