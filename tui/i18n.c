/* i18n — the catalogue lookup (tui/i18n.h); the strings are in strings.def. */
#include "i18n.h"

#include <stdlib.h>
#include <string.h>

static const char *const table[S_COUNT][2] = {
#define X(id, en, ko) [id] = { en, ko },
#include "strings.def"
#undef X
};

static enum lang current = LANG_EN;

static enum lang from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strncmp(v, "ko", 2) == 0 ? LANG_KO : LANG_EN;
	}
	return LANG_EN;
}

int i18n_set(const char *opt)
{
	if (!opt || !*opt) {
		current = from_env();
		return 0;
	}
	if (strcmp(opt, "ko") == 0)
		current = LANG_KO;
	else if (strcmp(opt, "en") == 0)
		current = LANG_EN;
	else
		return -1;
	return 0;
}

enum lang i18n_lang(void)
{
	return current;
}
void i18n_force(enum lang l)
{
	current = l;
}

const char *S(enum str_id id)
{
	if ((int)id < 0 || id >= S_COUNT)
		return "";
	return table[id][current];
}

const char *i18n_fill(char *buf, size_t cap, enum str_id id, const char *a1, const char *a2,
		      const char *a3)
{
	const char *args[3] = { a1, a2, a3 };
	const char *p = S(id);
	size_t n = 0;

	if (cap == 0)
		return buf;
	while (*p && n + 1 < cap) {
		if (p[0] == '%' && p[1] >= '1' && p[1] <= '3') {
			const char *a = args[p[1] - '1'];
			size_t k = a ? strlen(a) : 0;

			if (k > cap - 1 - n)
				k = cap - 1 - n;
			memcpy(buf + n, a ? a : "", k);
			n += k;
			p += 2;
			continue;
		}
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	return buf;
}
