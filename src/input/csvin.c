/* csvin — a header-checked CSV reader over libcsv (include/simsa/csvin.h). */
#include "simsa/csvin.h"

#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/util.h"

#define MAX_FIELDS 64 /* fields in one record before it is refused */

struct reader {
	const char *path;
	const struct csvin_col *cols;
	size_t n_cols;
	csvin_row_fn fn;
	void *ctx;
	struct simsa_err *err;
	size_t line; /* physical line being fed */
	bool failed;
	bool have_header;
	size_t data_rows;
	size_t map[MAX_FIELDS]; /* file field -> caller column */
	size_t n_header;
	/* fields of the record being read, NUL-separated in buf */
	char *buf;
	size_t len, cap;
	size_t off[MAX_FIELDS];
	size_t n_fields;
	bool too_many;
};

int csvin_field_error(struct simsa_err *err, const struct csvin_row *row,
		      const struct csvin_col *cols, size_t col, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(err, "%s:%zu:%zu: field '%s': %s", row->path, row->line, row->column[col],
		       cols[col].name, msg);
}

static const char *digits(const char *s)
{
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

bool csvin_decimal(const char *s, double *v)
{
	const char *p = s, *q;
	char *end;
	double x;

	if (*p == '+' || *p == '-')
		p++;
	q = digits(p);
	if (q == p)
		return false;
	if (*q == '.') {
		p = q + 1;
		q = digits(p);
		if (q == p)
			return false;
	}
	if (*q == 'e' || *q == 'E') {
		p = q + 1;
		if (*p == '+' || *p == '-')
			p++;
		q = digits(p);
		if (q == p)
			return false;
	}
	if (*q)
		return false;
	x = strtod(s, &end); /* an overflow is HUGE_VAL; an underflow, near 0 */
	if (*end || !isfinite(x))
		return false;
	*v = x;
	return true;
}

static int append(struct reader *r, const void *s, size_t n)
{
	if (n > SIZE_MAX - 1 - r->len ||
	    grow_array((void **)&r->buf, &r->cap, r->len + n + 1, 1) < 0)
		return -1;
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	r->buf[r->len++] = '\0';
	return 0;
}

static void on_field(void *s, size_t n, void *data)
{
	struct reader *r = data;
	size_t bad;

	if (r->failed)
		return;
	if (r->n_fields == MAX_FIELDS) {
		r->too_many = true;
		return;
	}
	if (s && memchr(s, '\0', n)) {
		r->failed = true;
		err_set(r->err, "%s:%zu:%zu: a NUL byte in the field", r->path, r->line,
			r->n_fields + 1);
		return;
	}
	if (s && !utf8_valid(s, n, &bad)) {
		r->failed = true;
		err_set(r->err, "%s:%zu:%zu: invalid UTF-8 at byte %zu of the field", r->path,
			r->line, r->n_fields + 1, bad + 1);
		return;
	}
	r->off[r->n_fields++] = r->len;
	if (append(r, s ? s : "", s ? n : 0) < 0) {
		r->failed = true;
		err_set(r->err, "%s: out of memory", r->path);
	}
}

static int take_header(struct reader *r)
{
	bool seen[CSVIN_MAX_COLS] = { false };

	for (size_t f = 0; f < r->n_fields; f++) {
		const char *name = r->buf + r->off[f];
		size_t c;

		for (c = 0; c < r->n_cols; c++)
			if (strcmp(name, r->cols[c].name) == 0)
				break;
		if (c == r->n_cols)
			return err_set(r->err, "%s:%zu:%zu: header: unknown column '%s'", r->path,
				       r->line, f + 1, name);
		if (seen[c])
			return err_set(r->err, "%s:%zu:%zu: header: column '%s' twice", r->path,
				       r->line, f + 1, name);
		seen[c] = true;
		r->map[f] = c;
	}
	for (size_t c = 0; c < r->n_cols; c++)
		if (r->cols[c].required && !seen[c])
			return err_set(r->err, "%s:%zu: header: missing column '%s'", r->path,
				       r->line, r->cols[c].name);
	r->n_header = r->n_fields;
	r->have_header = true;
	return 0;
}

static int take_record(struct reader *r)
{
	struct csvin_row row;

	if (r->n_fields != r->n_header)
		return err_set(r->err, "%s:%zu: expected %zu fields (as in the header), got %zu",
			       r->path, r->line, r->n_header, r->n_fields);
	memset(&row, 0, sizeof row);
	row.path = r->path;
	row.line = r->line;
	for (size_t f = 0; f < r->n_fields; f++) {
		row.field[r->map[f]] = r->buf + r->off[f];
		row.column[r->map[f]] = f + 1;
	}
	r->data_rows++;
	return r->fn(r->ctx, &row, r->err);
}

static void on_record(int c, void *data)
{
	struct reader *r = data;
	int rc;

	(void)c;
	if (r->failed)
		return;
	if (r->too_many) {
		r->failed = true;
		err_set(r->err, "%s:%zu: more than %d fields in a record", r->path, r->line,
			MAX_FIELDS);
		return;
	}
	rc = r->have_header ? take_record(r) : take_header(r);
	if (rc < 0)
		r->failed = true;
	r->n_fields = 0;
	r->len = 0;
}

int csvin_read(const char *path, const struct csvin_col *cols, size_t n_cols, csvin_row_fn fn,
	       void *ctx, struct simsa_err *err)
{
	struct csv_parser p;
	struct reader r;
	char *text = NULL;
	size_t len, pos = 0;
	int rc = -1;
	bool parser = false;

	memset(&r, 0, sizeof r);
	r.path = path;
	r.cols = cols;
	r.n_cols = n_cols < CSVIN_MAX_COLS ? n_cols : CSVIN_MAX_COLS;
	r.fn = fn;
	r.ctx = ctx;
	r.err = err;
	if (read_file(path, CSVIN_MAX_FILE, &text, &len, err) < 0)
		goto out;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		err_set(err, "%s: cannot start the CSV parser", path);
		goto out;
	}
	parser = true;
	/* Feed one physical line at a time so that messages can name it. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a UTF-8 byte order mark */
	while (pos < len && !r.failed) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
		size_t done;

		r.line++;
		done = csv_parse(&p, text + pos, n, on_field, on_record, &r);
		if (done != n && !r.failed) {
			err_set(err, "%s:%zu:%zu: malformed CSV (%s)", path, r.line, done + 1,
				csv_strerror(csv_error(&p)));
			goto out;
		}
		pos += n;
	}
	if (!r.failed && csv_fini(&p, on_field, on_record, &r) != 0) {
		err_set(err, "%s:%zu: malformed CSV (a quoted field is not closed)", path, r.line);
		goto out;
	}
	if (r.failed)
		goto out;
	if (!r.have_header) {
		err_set(err, "%s: empty file (a header line is required)", path);
		goto out;
	}
	if (r.data_rows == 0) {
		err_set(err, "%s: no data rows after the header", path);
		goto out;
	}
	rc = 0;
out:
	if (parser)
		csv_free(&p);
	free(r.buf);
	free(text);
	return rc;
}
