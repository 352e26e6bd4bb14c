/* util — small shared helpers (see include/simsa/util.h). */
#include "simsa/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>
#include <utf8proc.h>

void hash_bytes(const void *data, size_t len, unsigned char out[HASH_LEN])
{
	crypto_generichash(out, HASH_LEN, data, len, NULL, 0);
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

void time_now_utc(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The decimal number of the n digits at s (already checked digits). */
static int digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

bool time_utc_valid(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t i;
	int year, month, day;

	for (i = 0; s && s[i] && i < sizeof pat - 1; i++)
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return false;
	if (!s || i != sizeof pat - 1 || s[i])
		return false;
	/* a real time: year 0001-9999, the month's days (29 February in a
	 * Gregorian leap year only), 00:00:00-23:59:59 (no leap second) */
	year = digits(s, 4);
	month = digits(s + 5, 2);
	day = digits(s + 8, 2);
	if (year < 1 || month < 1 || month > 12 || day < 1 || day > mdays[month - 1])
		return false;
	if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return false;
	return digits(s + 11, 2) <= 23 && digits(s + 14, 2) <= 59 && digits(s + 17, 2) <= 59;
}

double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool utf8_valid(const char *s, size_t len, size_t *bad_at)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;

		if (p[i] < 0x80) { /* fast path for ASCII */
			i++;
			continue;
		}
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n < 0) {
			if (bad_at)
				*bad_at = i;
			return false;
		}
		i += (size_t)n;
	}
	return true;
}

int read_stream(FILE *f, const char *path, size_t max, char **out, size_t *len,
		struct simsa_err *err)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;

	for (;;) {
		/* full (the last byte is kept for the NUL): grow, unless there is
		 * already more than max */
		if (n + 1 >= cap) {
			if (n > max) {
				free(buf);
				return err_set(err, "%s: larger than %zu bytes", path, max);
			}
			if (grow_array((void **)&buf, &cap, n + 2, 1) < 0) {
				free(buf);
				return err_set(err, "out of memory");
			}
		}
		size_t got = fread(buf + n, 1, cap - 1 - n, f);

		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return err_set(err, "%s: read error: %s", path, strerror(errno));
	}
	if (n > max) {
		free(buf);
		return err_set(err, "%s: larger than %zu bytes", path, max);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int read_file(const char *path, size_t max, char **out, size_t *len, struct simsa_err *err)
{
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f)
		return err_set(err, "%s: cannot open: %s", path, strerror(errno));
	rc = read_stream(f, path, max, out, len, err);
	fclose(f);
	return rc;
}

int grow_array(void **items, size_t *cap, size_t n_needed, size_t item_size)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (n_needed <= *cap)
		return 0;
	while (n < n_needed)
		/* doubling past SIZE_MAX: ask for exactly what is needed */
		n = n <= SIZE_MAX / 2 ? n * 2 : n_needed;
	if (item_size == 0 || n > SIZE_MAX / item_size)
		return -1;
	p = realloc(*items, n * item_size);
	if (!p)
		return -1;
	*items = p;
	*cap = n;
	return 0;
}

void csv_put(FILE *f, const char *s, const char *sep)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(sep, f);
}

void csv_num(FILE *f, double x, const char *sep)
{
	if (!isnan(x))
		fprintf(f, "%.17g", x);
	fputs(sep, f);
}

char *utf8_lossy(const char *s, size_t len)
{
	char *out = len < SIZE_MAX / 3 ? malloc(len * 3 + 1) : NULL;
	size_t n = 0, bad;

	if (!out)
		return NULL;
	while (len > 0) {
		if (utf8_valid(s, len, &bad)) {
			memcpy(out + n, s, len);
			n += len;
			break;
		}
		memcpy(out + n, s, bad);
		n += bad;
		memcpy(out + n, "\xef\xbf\xbd", 3);
		n += 3;
		s += bad + 1;
		len -= bad + 1;
	}
	out[n] = '\0';
	return out;
}
