/* leak_match — identity-leak matching (see include/simsa/leak_match.h). */
#include "simsa/leak_match.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "simsa/util.h"

struct term {
	char *shown; /* as written in the entrants file */
	char *norm;  /* normal form */
	int entrant;
};

struct leak_match {
	struct term *terms;
	size_t n, cap;
};

char *leak_normalize(const char *text, size_t len)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;

	n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &out,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
				 UTF8PROC_IGNORE);
	if (n < 0)
		return NULL;
	return (char *)out;
}

static int add_term(struct leak_match *s, const char *term, int entrant)
{
	char *norm;

	if (!term || !*term)
		return 0;
	norm = leak_normalize(term, strlen(term));
	if (!norm)
		return -1;
	/* fewer than two characters would match nearly everything */
	if (utf8proc_iterate((const utf8proc_uint8_t *)norm, -1, &(utf8proc_int32_t){ 0 }) ==
	    (utf8proc_ssize_t)strlen(norm)) {
		free(norm);
		return 0;
	}
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->terms[i].norm, norm) == 0 && s->terms[i].entrant == entrant) {
			free(norm);
			return 0;
		}
	if (grow_array((void **)&s->terms, &s->cap, s->n + 1, sizeof *s->terms) < 0) {
		free(norm);
		return -1;
	}
	s->terms[s->n].shown = strdup(term);
	s->terms[s->n].norm = norm;
	s->terms[s->n].entrant = entrant;
	if (!s->terms[s->n].shown) {
		free(norm);
		return -1;
	}
	s->n++;
	return 0;
}

static int add_aliases(struct leak_match *s, const char *json, int entrant)
{
	json_t *a, *v;
	size_t i;
	int rc = 0;

	if (!json)
		return 0;
	a = json_loads(json, 0, NULL);
	json_array_foreach(a, i, v)
		if (rc == 0 && json_is_string(v))
			rc = add_term(s, json_string_value(v), entrant);
	json_decref(a);
	return rc;
}

int leak_match_new(const struct round_inputs *in, const char *const *extra, size_t n_extra,
		   struct leak_match **out, struct simsa_err *err)
{
	struct leak_match *s = calloc(1, sizeof *s);

	if (!s)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < in->n_entrants; i++) {
		const struct in_entrant *e = &in->entrants[i];

		if (add_term(s, e->name, (int)i) < 0 || add_term(s, e->team, (int)i) < 0 ||
		    add_term(s, e->model, (int)i) < 0 ||
		    add_aliases(s, e->aliases_json, (int)i) < 0)
			goto oom;
	}
	for (size_t i = 0; i < n_extra; i++)
		if (add_term(s, extra[i], -1) < 0)
			goto oom;
	*out = s;
	return 0;
oom:
	leak_match_free(&s);
	return err_set(err, "out of memory");
}

void leak_match_free(struct leak_match **sp)
{
	struct leak_match *s = *sp;

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->terms[i].shown);
		free(s->terms[i].norm);
	}
	free(s->terms);
	free(s);
	*sp = NULL;
}

int leak_match_text(const struct leak_match *s, const char *text, size_t len,
		    void (*hit)(void *ctx, const char *term, int entrant), void *ctx)
{
	char *norm = leak_normalize(text, len);
	int found = 0;

	if (!norm)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		if (strstr(norm, s->terms[i].norm)) {
			hit(ctx, s->terms[i].shown, s->terms[i].entrant);
			found++;
		}
	}
	free(norm);
	return found;
}
