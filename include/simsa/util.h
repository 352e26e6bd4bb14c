/* util — small shared helpers: hashing, hex, time stamps, checked numbers. */
#ifndef SIMSA_UTIL_H
#define SIMSA_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "simsa/err.h"

#define HASH_LEN 32 /* BLAKE2b-256 (libsodium crypto_generichash) */

/* BLAKE2b-256 of data. */
void hash_bytes(const void *data, size_t len, unsigned char out[HASH_LEN]);

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* Seconds on the monotonic clock (CLOCK_MONOTONIC), from an unspecified
 * start: for timing and timeouts, never for dates. */
double mono_seconds(void);

/* Current UTC time as "2026-11-29T06:40:00Z" (out: at least 21 bytes). */
void time_now_utc(char out[32]);
/* True when s is exactly such a time (digits where time_now_utc puts
 * them) and a real one: year 0001-9999, month 01-12, a day of that month
 * (29 February in Gregorian leap years only), hour 00-23, minute and
 * second 00-59 (no leap second: time_now_utc never writes one). Two of
 * them compare in time order with strcmp (docs/verify.md, "Times"). */
bool time_utc_valid(const char *s);

/* Parses a whole decimal integer in [min, max]; false on anything else. */
bool parse_long(const char *s, long min, long max, long *out);

/* True if s (len bytes) is valid UTF-8 (no surrogates, no overlongs).
 * On false, *bad_at is the byte offset of the first invalid sequence. */
bool utf8_valid(const char *s, size_t len, size_t *bad_at);
/* A copy of s with each byte that is not part of valid UTF-8 replaced by
 * U+FFFD (for showing a damaged file's text, never for what is hashed or
 * signed); NUL-terminated, the caller frees; NULL when out of memory. */
char *utf8_lossy(const char *s, size_t len) __attribute__((warn_unused_result));

/* Reads a whole file of at most max bytes into a new NUL-terminated buffer
 * (*out, caller frees). */
/* read_file on an open stream (not closed here; path names it in
 * messages). */
int read_stream(FILE *f, const char *path, size_t max, char **out, size_t *len,
		struct simsa_err *err) __attribute__((warn_unused_result));
int read_file(const char *path, size_t max, char **out, size_t *len, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Makes room in a growable array for n_needed items of item_size bytes:
 * *items holds *cap of them; when that is too few, the capacity doubles
 * (from 16) until it is enough and *items is reallocated. -1 when the
 * size would overflow size_t or memory runs out, with *items and *cap as
 * they were (the caller still owns and frees *items). */
int grow_array(void **items, size_t *cap, size_t n_needed, size_t item_size)
	__attribute__((warn_unused_result));

/* Writes s as one CSV field (RFC 4180: quoted, with quotes doubled, when
 * it holds a comma, a quote or a line break), then sep (may be ""). */
void csv_put(FILE *f, const char *s, const char *sep);
/* Writes x as a CSV number with all 17 significant digits (nothing when x
 * is NAN: an empty field), then sep. */
void csv_num(FILE *f, double x, const char *sep);

#endif
