/* jsonl — JSON Lines reading with located messages (see include/simsa/jsonl.h). */
#include "simsa/jsonl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/util.h"

#define CHUNK (64u << 10)

int jsonl_open(struct jsonl_reader *r, const char *path, struct simsa_err *err)
{
	memset(r, 0, sizeof *r);
	r->f = fopen(path, "rb");
	if (!r->f)
		return err_set(err, "%s: cannot open: %s", path, strerror(errno));
	r->path = strdup(path);
	r->chunk = malloc(CHUNK);
	if (!r->path || !r->chunk) {
		jsonl_close(r);
		return err_set(err, "out of memory");
	}
	crypto_generichash_init(&r->hash, NULL, 0, HASH_LEN);
	return 0;
}

void jsonl_close(struct jsonl_reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->path);
	free(r->buf);
	free(r->chunk);
	memset(r, 0, sizeof *r);
}

void jsonl_file_hash(struct jsonl_reader *r, unsigned char out[HASH_LEN])
{
	crypto_generichash_final(&r->hash, out, HASH_LEN);
}

static int append(struct jsonl_reader *r, size_t *len, const char *p, size_t n, long lineno,
		  struct simsa_err *err)
{
	if (*len + n > JSONL_MAX_LINE)
		return err_set(err, "%s:%ld: line longer than %u bytes", r->path, lineno,
			       JSONL_MAX_LINE);
	if (grow_array((void **)&r->buf, &r->cap, *len + n + 1, 1) < 0)
		return err_set(err, "out of memory");
	memcpy(r->buf + *len, p, n);
	*len += n;
	r->buf[*len] = '\0';
	return 0;
}

/* Reads the next line (without its '\n') into r->buf. 1 line, 0 end, -1 error. */
static int read_line(struct jsonl_reader *r, size_t *len, long lineno, struct simsa_err *err)
{
	*len = 0;
	if (append(r, len, "", 0, lineno, err) < 0) /* r->buf is "" from here on */
		return -1;
	for (;;) {
		if (r->cpos == r->cend) {
			if (r->eof)
				return *len > 0 ? 1 : 0;
			r->cend = fread(r->chunk, 1, CHUNK, r->f);
			r->cpos = 0;
			if (r->cend < CHUNK) {
				if (ferror(r->f))
					return err_set(err, "%s:%ld: read error: %s", r->path,
						       lineno, strerror(errno));
				r->eof = true;
			}
			crypto_generichash_update(&r->hash, (unsigned char *)r->chunk, r->cend);
			if (r->cend == 0)
				return *len > 0 ? 1 : 0;
		}
		char *start = r->chunk + r->cpos;
		size_t avail = r->cend - r->cpos;
		char *nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;

		if (append(r, len, start, take, lineno, err) < 0)
			return -1;
		r->cpos += take + (nl ? 1 : 0);
		if (nl)
			return 1;
	}
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

int jsonl_next(struct jsonl_reader *r, json_t **obj, struct simsa_err *err)
{
	for (;;) {
		size_t len, bad;
		json_error_t je;
		json_t *v;
		char *line;
		int rc;

		rc = read_line(r, &len, r->lineno + 1, err);
		if (rc <= 0)
			return rc;
		r->lineno++;
		line = r->buf;
		if (r->lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
			line += 3;
			len -= 3;
		}
		if (blank(line, len))
			continue;
		if (!utf8_valid(line, len, &bad))
			return err_set(err, "%s:%ld: invalid UTF-8 at byte %zu of the line",
				       r->path, r->lineno, bad + 1);
		/* "\u0000" is valid JSON: each field says whether it may hold
		 * one (jsonl_get_text) */
		v = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
		if (!v)
			return err_set(err, "%s:%ld: malformed JSON at column %d: %s", r->path,
				       r->lineno, je.column, je.text);
		if (!json_is_object(v)) {
			err_set(err, "%s:%ld: expected a JSON object, got %s", r->path, r->lineno,
				jsonl_type_name(v));
			json_decref(v);
			return -1;
		}
		*obj = v;
		return 1;
	}
}

const char *jsonl_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something else";
}

int jsonl_field_err(const struct jsonl_reader *r, const char *key, struct simsa_err *err,
		    const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return err_set(err, "%s:%ld: field '%s': %s", r->path, r->lineno, key, what);
}

int jsonl_check_keys(const struct jsonl_reader *r, json_t *obj, const char *const *allowed,
		     struct simsa_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		bool ok = false;

		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (!ok) {
			char list[256] = "";
			size_t n = 0;

			for (const char *const *a = allowed; *a; a++)
				n += (size_t)snprintf(list + n,
						      n < sizeof list ? sizeof list - n : 0, "%s%s",
						      a == allowed ? "" : ", ", *a);
			return jsonl_field_err(r, key, err, "unknown field (expected: %s)", list);
		}
	}
	return 0;
}

static bool is_slug(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return true;
		/* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0)
			return true;
	}
	return false;
}

int jsonl_get_text(const struct jsonl_reader *r, json_t *obj, const char *key, bool required,
		   int rules, const char **out, size_t *len, struct simsa_err *err)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t n;

	*out = NULL;
	if (len)
		*len = 0;
	if (!v || json_is_null(v)) {
		if (required)
			return jsonl_field_err(r, key, err, "missing");
		return 0;
	}
	if (!json_is_string(v))
		return jsonl_field_err(r, key, err, "expected a string, got %s",
				       jsonl_type_name(v));
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > JSONL_MAX_TEXT)
		return jsonl_field_err(r, key, err, "%zu bytes, more than the %u allowed", n,
				       JSONL_MAX_TEXT);
	if (!(rules & TEXT_ALLOW_NUL) && memchr(s, 0, n))
		return jsonl_field_err(r, key, err, "contains a NUL character (\\u0000)");
	if ((rules & (TEXT_NONBLANK | TEXT_LINE | TEXT_SLUG)) && strspn(s, " \t\r\n") == n)
		return jsonl_field_err(r, key, err, "empty");
	if ((rules & TEXT_LINE) && (n > 200 || has_control(s, n)))
		return jsonl_field_err(r, key, err,
				       n > 200 ? "longer than 200 bytes"
					       : "contains a line break or control character");
	if ((rules & TEXT_SLUG) && !is_slug(s, n))
		return jsonl_field_err(r, key, err,
				       "\"%.64s\" is not a valid name: use 1 to 64 "
				       "of A-Z a-z 0-9 . _ -",
				       s);
	*out = s;
	if (len)
		*len = n;
	return 0;
}
