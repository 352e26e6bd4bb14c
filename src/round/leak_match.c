/* leak_match — identity-leak matching (see include/simsa/leak_match.h); the
 * rule that folds both sides is leak_fold.c's. */
#include "simsa/leak_match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "leak_internal.h"
#include "simsa/text.h"
#include "simsa/util.h"

#define CONTEXT_CHARS 30    /* code points shown each side of a hit */
#define CONTEXT_HIT_MAX 600 /* bytes of the hit itself shown at most */

/* Well-known model vendors and families, one vendor a line, Latin and
 * Korean spellings. Left out: Korean spellings that are common words or
 * parts of them (메타 in 메타데이터, 라마 in 드라마); their Latin spellings
 * are in. Some Latin ones are common words too (Solar, Meta, Phi): their
 * hits are accepted by hand (docs/opening.md). */
/* clang-format off */
static const char *const builtin[] = {
	"OpenAI", "GPT", "ChatGPT", "오픈AI", "오픈에이아이", "챗GPT", "챗지피티", "지피티",
	"Anthropic", "Claude", "앤트로픽", "앤스로픽", "클로드",
	"Google", "DeepMind", "Gemini", "Gemma", "구글", "딥마인드", "제미나이", "제미니", "젬마",
	"Meta", "Llama",
	"Mistral", "Mixtral", "Codestral", "미스트랄",
	"Cohere", "Command R", "코히어",
	"Alibaba", "Qwen", "Tongyi", "알리바바", "큐웬",
	"DeepSeek", "딥시크",
	"Naver", "HyperCLOVA", "CLOVA", "네이버", "하이퍼클로바", "클로바",
	"LG", "EXAONE", "엘지", "엑사원",
	"Upstage", "Solar", "업스테이지", "솔라",
	"Kakao", "Kanana", "카카오", "카나나",
	"SK Telecom", "SKT", "A.X", "SK텔레콤", "에스케이텔레콤", "에이닷",
	"KT", "Mi:dm",
	"NC AI", "NCSOFT", "VARCO", "엔씨소프트", "엔씨AI", "바르코",
	"Trillion Labs",
	"Microsoft", "Phi", "Copilot", "마이크로소프트",
	"xAI", "Grok", "그록",
	"NVIDIA", "Nemotron", "엔비디아",
	"Baidu", "Zhipu", "ChatGLM",
};
/* clang-format on */

const char *const *leak_builtin_terms(size_t *n)
{
	*n = sizeof builtin / sizeof builtin[0];
	return builtin;
}

struct term {
	char *shown; /* as written */
	char *norm;  /* folded */
	size_t len;
	unsigned char first, last; /* enum leak_class of its first and last unit */
	int entrant;
};

struct leak_match {
	struct term *terms;
	size_t n, cap;
};

/* The folded units of a term: separators at either end and what comes
 * from tag characters left out. [*a, *b) */
static void term_units(const struct leak_folded *f, size_t *a, size_t *b)
{
	*a = 0;
	*b = 0;
	while (*b < f->n && f->u[*b].cls != LEAK_BREAK)
		(*b)++;
	while (*a < *b && f->u[*a].cls == LEAK_SEP)
		(*a)++;
	while (*b > *a && f->u[*b - 1].cls == LEAK_SEP)
		(*b)--;
}

char *leak_normalize(const char *text, size_t len)
{
	struct leak_folded f;
	size_t a, b;
	char *out = NULL;

	if (leak_fold(text, len, &f) == 0) {
		term_units(&f, &a, &b);
		out = strndup(f.text + f.u[a].out, f.u[b].out - f.u[a].out);
	}
	leak_folded_release(&f);
	return out;
}

int leak_confusable(const char *a, const char *b)
{
	char *fa = leak_normalize(a, strlen(a)), *fb = leak_normalize(b, strlen(b));
	int rc = fa && fb ? strcmp(fa, fb) == 0 : -1;

	free(fa);
	free(fb);
	return rc;
}

/* Adds term unless it has fewer than two letters or reads the same as a
 * term of the same entrant (any term, for a built-in one). */
static int add_term(struct leak_match *s, const char *term, int entrant)
{
	struct leak_folded f;
	struct term t = { 0 };
	size_t a, b, letters = 0;

	if (!term || !*term)
		return 0;
	if (leak_fold(term, strlen(term), &f) < 0) {
		leak_folded_release(&f);
		return -1;
	}
	term_units(&f, &a, &b);
	for (size_t i = a; i < b; i++)
		letters += f.u[i].cls != LEAK_SEP;
	if (letters >= 2) {
		t.len = f.u[b].out - f.u[a].out;
		t.norm = strndup(f.text + f.u[a].out, t.len);
		t.first = f.u[a].cls;
		t.last = f.u[b - 1].cls;
	}
	leak_folded_release(&f);
	if (letters < 2)
		return 0;
	if (!t.norm)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->terms[i].norm, t.norm) == 0 &&
		    (s->terms[i].entrant == entrant || entrant == LEAK_BUILTIN)) {
			free(t.norm);
			return 0;
		}
	t.shown = strdup(term);
	t.entrant = entrant;
	if (!t.shown || grow_array((void **)&s->terms, &s->cap, s->n + 1, sizeof *s->terms) < 0) {
		free(t.shown);
		free(t.norm);
		return -1;
	}
	s->terms[s->n++] = t;
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
			goto fail;
	}
	for (size_t i = 0; i < n_extra; i++)
		if (add_term(s, extra[i], LEAK_LISTED) < 0)
			goto fail;
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (add_term(s, builtin[i], LEAK_BUILTIN) < 0)
			goto fail;
	*out = s;
	return 0;
fail:
	leak_match_free(&s);
	return err_set(err, "out of memory, or ICU's spoof checker cannot be opened");
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

/* Whether a match's edge (of class edge) next to unit k, with the edge
 * between them at unit at, is the edge of a whole word: a letter of a spaced
 * script must not touch another letter, a digit another digit, unless a run
 * of separators was removed between them. */
static bool edge_ok(const struct leak_folded *f, size_t at, size_t k, unsigned char edge)
{
	if (f->u[at].gap)
		return true;
	if (edge == LEAK_WORD)
		return f->u[k].cls != LEAK_WORD;
	if (edge == LEAK_DIGIT)
		return f->u[k].cls != LEAK_DIGIT;
	return true;
}

/* The first occurrence of t in f that starts and ends on unit boundaries
 * and is a whole word at its edges: [*ka, *kb) units, or false. */
static bool find(const struct leak_folded *f, const struct term *t, size_t *ka, size_t *kb)
{
	const char *p = f->text;

	/* a folded text has no NUL: every NUL is a separator, folded to " " */
	while ((p = strstr(p, t->norm))) {
		long a = leak_unit_at(f, (size_t)(p - f->text));
		long b = leak_unit_at(f, (size_t)(p - f->text) + t->len);

		if (a >= 0 && b >= 0 &&
		    (a == 0 || edge_ok(f, (size_t)a, (size_t)a - 1, t->first)) &&
		    ((size_t)b == f->n || edge_ok(f, (size_t)b, (size_t)b, t->last))) {
			*ka = (size_t)a;
			*kb = (size_t)b;
			return true;
		}
		p++;
	}
	return false;
}

static size_t utf8_back(const char *s, size_t pos, int chars)
{
	while (chars-- > 0 && pos > 0) {
		pos--;
		for (int k = 0; k < 3 && pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80; k++)
			pos--;
	}
	return pos;
}

static size_t utf8_forward(const char *s, size_t len, size_t pos, int chars)
{
	while (chars-- > 0 && pos < len) {
		pos++;
		for (int k = 0; k < 3 && pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80; k++)
			pos++;
	}
	return pos;
}

/* The hit [s, e) of text with some text each side, sanitized. */
static char *context(const char *text, size_t len, size_t s, size_t e)
{
	size_t a = utf8_back(text, s, CONTEXT_CHARS), b = utf8_forward(text, len, e, CONTEXT_CHARS);
	size_t cut = e - s > CONTEXT_HIT_MAX ? utf8_back(text, s + CONTEXT_HIT_MAX + 1, 1) : e;
	char *raw = malloc((b - a) + 16), *out;
	size_t n = 0;

	if (!raw)
		return NULL;
	if (a > 0)
		n += (size_t)sprintf(raw + n, "…");
	memcpy(raw + n, text + a, cut - a);
	n += cut - a;
	if (cut < e)
		n += (size_t)sprintf(raw + n, "…");
	memcpy(raw + n, text + e, b - e);
	n += b - e;
	if (b < len)
		n += (size_t)sprintf(raw + n, "…");
	out = text_sanitize_alloc(raw, n);
	free(raw);
	return out;
}

int leak_match_text(const struct leak_match *s, const char *text, size_t len,
		    void (*hit)(void *ctx, const struct leak_hit *h), void *ctx)
{
	struct leak_folded f;
	int found = 0;

	if (leak_fold(text, len, &f) < 0) {
		leak_folded_release(&f);
		return -1;
	}
	for (size_t i = 0; i < s->n; i++) {
		size_t ka, kb, src = SIZE_MAX, src_end = 0;
		struct leak_hit h;
		char *ctx_text;

		if (!find(&f, &s->terms[i], &ka, &kb))
			continue;
		for (size_t k = ka; k < kb; k++) {
			src = f.u[k].src < src ? f.u[k].src : src;
			src_end = f.u[k].src_end > src_end ? f.u[k].src_end : src_end;
		}
		ctx_text = context(text, len, src, src_end);
		if (!ctx_text) {
			found = -1;
			break;
		}
		h = (struct leak_hit){ s->terms[i].shown, s->terms[i].entrant, src, src_end - src,
				       ctx_text };
		hit(ctx, &h);
		free(ctx_text);
		found++;
	}
	leak_folded_release(&f);
	return found;
}
