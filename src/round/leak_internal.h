/* leak_internal — the one rule by which identity screening compares text
 * (leak_fold.c), shared by leak_match.c and the tests.
 *
 * leak_fold() turns any bytes into a folded text in which a name and its
 * disguises read the same, and keeps, for every piece of the folded text
 * (a unit), the bytes of the input it came from, so that a match in the
 * folded text can be shown in its context. Units never split: a match that
 * counts begins and ends on a unit boundary. */
#ifndef SIMSA_LEAK_INTERNAL_H
#define SIMSA_LEAK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a unit is, for the whole-word rule and the spacing rule. */
enum leak_class {
	LEAK_WORD,    /* a letter of a script that spaces its words (Latin, Cyrillic, Greek ...) */
	LEAK_DIGIT,   /* a number */
	LEAK_NOSPACE, /* a letter of a script that does not (Hangul, Han, kana, Thai ...) */
	LEAK_SEP,     /* a run of spaces, punctuation and symbols: folded to one " " */
	LEAK_BREAK,   /* "\n": the start of a run of tag characters (never in a term) */
};

struct leak_unit {
	uint32_t out;          /* its first byte in the folded text */
	uint32_t src, src_end; /* the input bytes it came from */
	unsigned char cls;     /* enum leak_class */
	bool gap; /* a run of separators between single letters was removed before it */
};

struct leak_folded {
	char *text; /* NUL-terminated */
	size_t len;
	struct leak_unit *u; /* n units, then one more whose out is len */
	size_t n;
};

/* Folds len bytes of anything (invalid UTF-8 reads as U+FFFD): 0, or -1
 * when out of memory, when ICU's spoof checker cannot be opened, or when
 * the text is longer than LEAK_FOLD_MAX (1 GiB) or its folded form reaches
 * 4 GiB. Release out
 * with leak_folded_release() either way. */
#define LEAK_FOLD_MAX (UINT32_MAX / 4)
int leak_fold(const char *text, size_t len, struct leak_folded *out)
	__attribute__((warn_unused_result));
void leak_folded_release(struct leak_folded *f);

/* The index of the unit that starts at byte off of the folded text (n for
 * off == len), or -1 when off is inside a unit. */
long leak_unit_at(const struct leak_folded *f, size_t off);

#endif
