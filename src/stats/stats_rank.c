/* stats_rank — entrants ranked from pairwise votes: Bradley–Terry fit,
 * derived figures and cluster-bootstrap intervals; and the bootstrap of an
 * agreement statistic over units (include/simsa/stats.h). */
#include "simsa/stats.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simsa/bootstrap.h"
#include "simsa/bradley_terry.h"

void votes_add(double *wins, size_t n, uint32_t left, uint32_t right, unsigned outcome, bool much,
	       double w, unsigned much_weight, bool both_bad_tie)
{
	double win;

	if (w == 0 || left == right || (outcome == VOTE_BOTHBAD && !both_bad_tie))
		return;
	win = much ? (double)much_weight : 1.0;
	switch (outcome) {
	case VOTE_LEFT: wins[left * n + right] += w * win; break;
	case VOTE_RIGHT: wins[right * n + left] += w * win; break;
	default: wins[left * n + right] += w * 0.5; wins[right * n + left] += w * 0.5;
	}
}

static void derive(size_t n, const double *strength, double *expected, double *rating)
{
	bt_expected(n, strength, expected);
	for (size_t i = 0; i < n; i++)
		rating[i] = bt_elo(strength[i]);
}

void rank_result_release(struct rank_result *r)
{
	free(r->e);
	memset(r, 0, sizeof *r);
}

/* The bootstrap runs its resamples on every core. The multiplicities are
 * drawn first, in order, from the one stream (a chunk of resamples at a
 * time, to bound memory); then the threads refit the resamples of the
 * chunk, each its share, into fixed slots, and the slots are taken in
 * order. So the figures do not depend on the number of threads: they are
 * those of one resample after the other. A resample in which the MLE does
 * not exist is redrawn (the next draws of the stream) and counted, as in
 * `simsa score`; more than B/10 of them and there are too few votes for
 * intervals. */
#define BOOT_MAX_THREADS 8
#define BOOT_CHUNK_BYTES ((size_t)64 << 20)

struct boot_share {
	const struct vote_tally *t;
	const char *const *names;
	const double *start;     /* the point estimate: each refit starts there */
	const uint32_t *gm, *sm; /* the chunk's multiplicities: groups, second (or NULL) */
	size_t ng, ns;
	size_t first, count; /* the chunk: drawn resamples [first, first + count) */
	int thread, n_threads;
	double *crep;  /* per slot c: n ratings, then n points */
	uint8_t *ok;   /* per slot: 1 an estimate, 0 no MLE (redrawn) */
	size_t failed; /* first slot whose fit failed otherwise, or SIZE_MAX */
	struct simsa_err err;
	size_t no_mle;        /* first slot without an MLE, or SIZE_MAX */
	struct simsa_err why; /* and why */
};

static void *boot_work(void *arg)
{
	struct boot_share *w = arg;
	size_t n = w->t->n;
	double *acc = malloc((n * n * 5 + n * n + 3 * n + w->ns + 1) * sizeof *acc);
	double *wins, *s, *ex, *ra, *sm;
	struct simsa_err scratch;

	w->failed = w->no_mle = SIZE_MAX;
	if (!acc) {
		w->failed = (size_t)w->thread;
		err_set(&w->err, "out of memory");
		return NULL;
	}
	wins = acc + n * n * 5;
	s = wins + n * n;
	ex = s + n;
	ra = ex + n;
	sm = ra + n;
	for (size_t c = (size_t)w->thread; c < w->count; c += (size_t)w->n_threads) {
		size_t b = w->first + c;

		for (size_t k = 0; w->sm && k < w->ns; k++)
			sm[k] = w->sm[c * w->ns + k];
		vote_tally_wins(w->t, w->gm + c * w->ng, w->sm ? sm : NULL, acc, wins);
		w->ok[c] = 0;
		if (bt_check(n, wins, w->names, w->no_mle == SIZE_MAX ? &w->why : &scratch) < 0) {
			if (w->no_mle == SIZE_MAX)
				w->no_mle = c;
			continue;
		}
		if (bt_fit_from(n, wins, w->names, w->start, s, &w->err) < 0) {
			err_prefix(&w->err, "bootstrap resample %zu", b + 1);
			w->failed = c;
			break;
		}
		derive(n, s, ex, ra);
		for (size_t i = 0; i < n; i++) {
			w->crep[c * 2 * n + i] = ra[i];
			w->crep[c * 2 * n + n + i] = 25.0 * ex[i];
		}
		w->ok[c] = 1;
	}
	free(acc);
	return NULL;
}

/* Runs the shares of one chunk on up to n_threads threads (this one too);
 * returns the first slot whose fit failed (its message in *err), or
 * SIZE_MAX. */
static size_t boot_chunk(struct boot_share *sh, int n_threads, struct simsa_err *err)
{
	pthread_t th[BOOT_MAX_THREADS];
	bool started[BOOT_MAX_THREADS] = { false };
	size_t failed = SIZE_MAX;
	int worst = -1;

	for (int k = 1; k < n_threads; k++)
		started[k] = pthread_create(&th[k], NULL, boot_work, &sh[k]) == 0;
	boot_work(&sh[0]);
	for (int k = 1; k < n_threads; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			boot_work(&sh[k]); /* could not start it: do its share here */
	}
	for (int k = 0; k < n_threads; k++)
		if (sh[k].failed < failed) {
			failed = sh[k].failed;
			worst = k;
		}
	if (worst >= 0)
		*err = sh[worst].err;
	return failed;
}

static int bootstrap(const struct vote_set *vs, const struct rank_opts *o, struct rank_result *r,
		     struct simsa_err *err)
{
	size_t n = vs->n_entrants, B = o->resamples, nv = vs->n_votes, ng, ns, chunk;
	uint32_t *gm = NULL, *sm = NULL;
	double *rep_r = malloc(B * n * sizeof *rep_r), *rep_p = malloc(B * n * sizeof *rep_p);
	struct boot_share sh[BOOT_MAX_THREADS];
	struct vote_tally t = { 0 };
	double *crep = NULL;
	uint8_t *ok = NULL;
	double *start = malloc((n ? n : 1) * sizeof *start);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int n_threads, rc = -1;
	struct drbg d;

	boot_stream(&d, o->seed, "rank");
	if (!rep_r || !rep_p || !start) {
		err_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		start[i] = r->e[i].strength;
	/* draw order: the primary clusters, then the second (vote_tally_init) */
	if (vote_tally_init(&t, n, vs->v, nv, vs->n_raters, vs->n_prompts, o->much_weight,
			    o->both_bad_tie, err) < 0)
		goto out;
	ng = t.n_groups;
	ns = t.n_second;
	chunk = BOOT_CHUNK_BYTES / ((ng + ns + 1) * sizeof(uint32_t));
	chunk = chunk < 1 ? 1 : chunk > B ? B : chunk;
	gm = malloc(chunk * ng * sizeof *gm);
	if (ns)
		sm = malloc(chunk * ns * sizeof *sm);
	crep = malloc(chunk * 2 * n * sizeof *crep);
	ok = malloc(chunk);
	if (!gm || (ns && !sm) || !crep || !ok) {
		err_set(err, "out of memory");
		goto out;
	}
	n_threads = cores < 1 ? 1 : cores > BOOT_MAX_THREADS ? BOOT_MAX_THREADS : (int)cores;
	if ((size_t)n_threads > chunk)
		n_threads = (int)chunk;
	for (size_t accepted = 0, drawn = 0; accepted < B;) {
		size_t count = B - accepted < chunk ? B - accepted : chunk, failed,
		       no_mle = SIZE_MAX;
		const struct simsa_err *why = NULL;

		for (size_t c = 0; c < count; c++) {
			boot_draw(&d, (uint32_t)ng, gm + c * ng);
			if (ns)
				boot_draw(&d, (uint32_t)ns, sm + c * ns);
		}
		for (int k = 0; k < n_threads; k++) {
			sh[k] = (struct boot_share){ &t,        (const char *const *)vs->entrant,
						     start,     gm,
						     sm,        ng,
						     ns,        drawn,
						     count,     k,
						     n_threads, crep,
						     ok,        SIZE_MAX,
						     { { 0 } }, SIZE_MAX,
						     { { 0 } } };
		}
		failed = boot_chunk(sh, n_threads, err);
		for (int k = 0; k < n_threads; k++)
			if (sh[k].no_mle < no_mle) {
				no_mle = sh[k].no_mle;
				why = &sh[k].why;
			}
		/* the slots in drawing order, as one resample after the other */
		for (size_t c = 0; c < count; c++) {
			if (c == failed)
				goto out;
			if (ok[c]) {
				for (size_t i = 0; i < n; i++) {
					rep_r[i * B + accepted] = crep[c * 2 * n + i];
					rep_p[i * B + accepted] = crep[c * 2 * n + n + i];
				}
				accepted++;
			} else if (++r->discarded > B / 10) {
				err_set(err,
					"bootstrap: %zu resamples had no maximum-likelihood strengths "
					"(the first: %s): too few votes, raters or prompts for intervals "
					"(--bootstrap 0 gives the figures without them)",
					r->discarded, why ? why->msg : "?");
				goto out;
			}
		}
		drawn += count;
	}
	for (size_t i = 0; i < n; i++) {
		struct rank_entry *e = &r->e[i];

		boot_interval95(rep_r + i * B, B, &e->ci_low, &e->ci_high);
		boot_interval95(rep_p + i * B, B, &e->points_low, &e->points_high);
	}
	rc = 0;
out:
	drbg_wipe(&d);
	vote_tally_release(&t);
	free(gm);
	free(sm);
	free(rep_r);
	free(rep_p);
	free(crep);
	free(ok);
	free(start);
	return rc;
}

int rank_compute(const struct vote_set *vs, const struct rank_opts *o, struct rank_result *r,
		 struct simsa_err *err)
{
	size_t n = vs->n_entrants;
	double *wins = NULL, *s, *ex, *ra, *lo = NULL, *hi;
	int *rank = NULL, rc = -1;

	memset(r, 0, sizeof *r);
	r->n = n;
	r->cluster = vs->n_raters && vs->n_prompts ? "raters and prompts"
		     : vs->n_raters                ? "raters"
		     : vs->n_prompts               ? "prompts"
						   : "votes";
	r->e = calloc(n ? n : 1, sizeof *r->e);
	wins = malloc((n * n + 3 * n) * sizeof *wins);
	lo = malloc(2 * n * sizeof *lo);
	rank = malloc(n * sizeof *rank);
	if (!r->e || !wins || !lo || !rank) {
		err_set(err, "out of memory");
		goto out;
	}
	s = wins + n * n;
	ex = s + n;
	ra = ex + n;
	hi = lo + n;
	for (size_t k = 0; k < vs->n_votes; k++) {
		const struct vote *v = &vs->v[k];

		if (v->left == v->right) {
			r->self_dropped++;
			continue;
		}
		if (v->outcome == VOTE_BOTHBAD && !o->both_bad_tie) {
			r->both_bad_dropped++;
			continue;
		}
		r->e[v->left].votes++;
		r->e[v->right].votes++;
		if (v->outcome == VOTE_LEFT)
			r->e[v->left].win_rate++;
		else if (v->outcome == VOTE_RIGHT)
			r->e[v->right].win_rate++;
		else {
			r->e[v->left].win_rate += 0.5;
			r->e[v->right].win_rate += 0.5;
		}
	}
	for (size_t i = 0; i < n * n; i++)
		wins[i] = 0;
	for (size_t k = 0; k < vs->n_votes; k++) {
		const struct vote *v = &vs->v[k];

		votes_add(wins, n, v->left, v->right, v->outcome, v->much, 1.0,
			  (unsigned)o->much_weight, o->both_bad_tie);
	}
	if (bt_fit(n, wins, (const char *const *)vs->entrant, s, err) < 0)
		goto out;
	derive(n, s, ex, ra);
	for (size_t i = 0; i < n; i++) {
		struct rank_entry *e = &r->e[i];

		e->win_rate = e->votes > 0 ? e->win_rate / e->votes : 0.0;
		e->strength = s[i];
		e->expected = ex[i];
		e->points = 25.0 * ex[i];
		e->rating = ra[i];
		e->ci_low = e->ci_high = e->points_low = e->points_high = NAN;
	}
	if (o->resamples > 0 && bootstrap(vs, o, r, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		/* Without intervals the ranks are those of the point estimates. */
		lo[i] = o->resamples > 0 ? r->e[i].ci_low : r->e[i].rating;
		hi[i] = o->resamples > 0 ? r->e[i].ci_high : r->e[i].rating;
	}
	boot_rank(n, lo, hi, rank);
	for (size_t i = 0; i < n; i++)
		r->e[i].rank = rank[i];
	rc = 0;
out:
	if (rc < 0)
		rank_result_release(r);
	free(wins);
	free(lo);
	free(rank);
	return rc;
}

int agree_with_interval(const struct agree_data *d, enum agree_method m, enum agree_level level,
			enum agree_weights w, uint32_t resamples, uint64_t seed, double *value,
			double *lo, double *hi, uint32_t *discarded, struct simsa_err *err)
{
	struct simsa_err why, first = { "" };
	uint32_t redrawn = 0;
	uint32_t *um = NULL;
	double *rep = NULL;
	struct drbg dr;
	int rc = -1;

	*lo = *hi = NAN;
	if (discarded)
		*discarded = 0;
	if (agree_compute(d, m, level, w, NULL, value, err) < 0)
		return -1;
	if (resamples == 0)
		return 0;
	um = malloc((d->n_units ? d->n_units : 1) * sizeof *um);
	rep = malloc(resamples * sizeof *rep);
	if (!um || !rep) {
		free(um);
		free(rep);
		return err_set(err, "out of memory");
	}
	boot_stream(&dr, seed, "agreement");
	for (uint32_t b = 0; b < resamples;) {
		boot_draw(&dr, (uint32_t)d->n_units, um);
		if (agree_compute(d, m, level, w, um, &rep[b], &why) == 0) {
			b++;
			continue;
		}
		/* undefined in this resample (no variation left): redrawn, as
		 * `simsa rank` and `simsa score` redraw theirs */
		if (redrawn == 0)
			first = why;
		if (++redrawn > resamples / 10) {
			err_set(err,
				"bootstrap: %u resamples of units had no value (the first: %s): "
				"too few units for an interval (--bootstrap 0 gives the value alone)",
				redrawn, first.msg);
			goto out;
		}
	}
	boot_interval95(rep, resamples, lo, hi);
	if (discarded)
		*discarded = redrawn;
	rc = 0;
out:
	drbg_wipe(&dr);
	free(um);
	free(rep);
	return rc;
}
