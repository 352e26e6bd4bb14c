/* csvin — read a small CSV file with a header, row by row (libcsv underneath).
 *
 * The first record is the header: each name must be one of the columns the
 * caller knows, none twice, and every required column present (in any
 * order). Each later record is handed to a callback with its fields in the
 * caller's column order (absent optional columns are NULL). Blank lines are
 * skipped; fields are UTF-8, NUL-free and trimmed of surrounding spaces by
 * libcsv; quoting follows RFC 4180 (strict mode: a stray quote is an error).
 *
 * Errors name "FILE:LINE:COLUMN: field 'NAME': what is wrong", LINE being the
 * physical line where the record ends (the same as where it starts unless a
 * quoted field holds a newline) and COLUMN the 1-based field number. */
#ifndef SIMSA_CSVIN_H
#define SIMSA_CSVIN_H

#include <stdbool.h>
#include <stddef.h>

#include "simsa/err.h"

#define CSVIN_MAX_COLS 16
#define CSVIN_MAX_FILE (1024u * 1024u * 1024u) /* 1 GiB */

struct csvin_col {
	const char *name;
	bool required;
};

struct csvin_row {
	const char *path;                  /* for messages */
	size_t line;                       /* physical line of the record's end (1-based) */
	const char *field[CSVIN_MAX_COLS]; /* by caller's column; NULL if absent */
	size_t column[CSVIN_MAX_COLS];     /* 1-based field number in the file, 0 if absent */
};

/* Called once per data record; returns 0 to go on, -1 (with err set) to stop.
 * The strings live only during the call. */
typedef int (*csvin_row_fn)(void *ctx, const struct csvin_row *row, struct simsa_err *err);

/* Reads path: header check against cols[0..n_cols), then fn for each record.
 * Returns 0, or -1 with err naming file, line, column and field. A file
 * without any data record is an error ("no data rows"). */
int csvin_read(const char *path, const struct csvin_col *cols, size_t n_cols, csvin_row_fn fn,
	       void *ctx, struct simsa_err *err) __attribute__((warn_unused_result));

/* Formats "FILE:LINE:COL: field 'NAME': " + message into err; returns -1. */
int csvin_field_error(struct simsa_err *err, const struct csvin_row *row,
		      const struct csvin_col *cols, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Whether s is a plain decimal number — an optional sign, digits, an
 * optional '.' and digits, an optional e or E exponent (sign, digits) —
 * and finite as a double; if so, *v is its value. No hex, "inf", "nan",
 * spaces or empty strings: the numbers of every CSV file simsa reads. */
bool csvin_decimal(const char *s, double *v) __attribute__((warn_unused_result));

#endif
