/* screening — identity-leak screening over a draft round (see screening.h). */
#include "simsa/screening.h"

#include <stdlib.h>
#include <string.h>

#include "simsa/leak_match.h"

struct run {
	struct store *st;
	const struct round_inputs *in;
	struct leak_match *screen;
	void (*fn)(void *ctx, const struct screen_hit *hit);
	void *ctx;
	struct screen_hit cur;
	struct simsa_err *err;
	bool failed;
};

static void on_term(void *ctx, const struct leak_hit *h)
{
	struct run *r = ctx;
	int d;

	if (r->failed)
		return;
	d = store_screen_decision(r->st, r->cur.output_row, h->term, r->err);
	if (d < 0) {
		r->failed = true;
		return;
	}
	r->cur.term = h->term;
	r->cur.term_owner = h->entrant >= 0 ? r->in->entrants[h->entrant].name : NULL;
	r->cur.builtin = h->entrant == LEAK_BUILTIN;
	r->cur.context = h->context;
	r->cur.decision = (enum screen_decision)d;
	r->fn(r->ctx, &r->cur);
}

static int on_output(void *ctx, int64_t row, int64_t prompt_row, int64_t entrant_row,
		     const char *text, size_t len)
{
	struct run *r = ctx;
	long p = inputs_prompt(r->in, prompt_row);
	long e = inputs_entrant(r->in, entrant_row);

	r->cur.output_row = row;
	r->cur.prompt_id = p >= 0 ? r->in->prompts[p].id : "?";
	r->cur.entrant = e >= 0 ? r->in->entrants[e].name : "?";
	if (leak_match_text(r->screen, text, len, on_term, r) < 0 && !r->failed) {
		err_set(r->err, "out of memory");
		r->failed = true;
	}
	return r->failed;
}

int screening_screen(struct store *st, const struct round_inputs *in, struct leak_match **out,
		     struct simsa_err *err)
{
	char **words = NULL;
	size_t n_words = 0;
	int rc;

	if (store_screen_words(st, &words, &n_words, err) < 0)
		return -1;
	rc = leak_match_new(in, (const char *const *)words, n_words, out, err);
	for (size_t i = 0; i < n_words; i++)
		free(words[i]);
	free(words);
	return rc;
}

int screening_each(struct store *st, const struct round_inputs *in,
		   void (*fn)(void *ctx, const struct screen_hit *hit), void *ctx,
		   struct simsa_err *err)
{
	struct run r = { .st = st, .in = in, .fn = fn, .ctx = ctx, .err = err };
	int rc;

	if (screening_screen(st, in, &r.screen, err) < 0)
		return -1;
	rc = store_each_output_text(st, on_output, &r, err);
	leak_match_free(&r.screen);
	return rc < 0 || r.failed ? -1 : 0;
}

struct pending {
	int64_t last_row;
	long n;
};

static void count_pending(void *ctx, const struct screen_hit *hit)
{
	struct pending *p = ctx;

	if (hit->decision == SCREEN_PENDING && hit->output_row != p->last_row) {
		p->n++;
		p->last_row = hit->output_row;
	}
}

long screening_pending(struct store *st, const struct round_inputs *in, struct simsa_err *err)
{
	struct pending p = { -1, 0 };

	if (screening_each(st, in, count_pending, &p, err) < 0)
		return -1;
	return p.n;
}
