/* i18n — the console's interface strings in Korean and English, from the
 * one catalogue tui/strings.def. The language is chosen once at start
 * (--lang, else the locale's LC_ALL / LC_MESSAGES / LANG: ko* is Korean). */
#ifndef SIMSA_TUI_I18N_H
#define SIMSA_TUI_I18N_H

#include <stddef.h>

enum str_id {
#define X(id, en, ko) id,
#include "strings.def"
#undef X
	S_COUNT
};

enum lang { LANG_EN = 0, LANG_KO = 1 };

/* Picks the language: "ko" / "en" from opt, else from the environment.
 * Returns -1 for an opt that is neither. */
int i18n_set(const char *opt);
enum lang i18n_lang(void);
void i18n_force(enum lang l);
/* The string in the current language. */
const char *S(enum str_id id);
/* S(id) with %1..%3 replaced by a1..a3 (NULL: empty); always
 * NUL-terminated; cut at cap - 1 bytes (callers sanitize before drawing). */
const char *i18n_fill(char *buf, size_t cap, enum str_id id, const char *a1, const char *a2,
		      const char *a3);

#endif
