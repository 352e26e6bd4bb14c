/* assign — the task design of a round (see include/simsa/assign.h; the
 * exact algorithm, for auditors, is docs/assignment.md, and the two must
 * change together). */
#include "assign_internal.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static struct assign_task make_task(uint32_t rater, uint32_t prompt, uint32_t left, uint32_t right,
				    uint32_t replica)
{
	return (struct assign_task){
		.rater = rater,
		.position = 0,
		.prompt = prompt,
		.left = (uint16_t)left,
		.right = (uint16_t)right,
		.kind = ASSIGN_NORMAL,
		.replica = (uint16_t)replica,
		.gold = ASSIGN_NO_GOLD,
	};
}

/* a = a shuffle of 0..n-1. */
static void shuffled_iota(struct drbg *d, uint32_t *a, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		a[i] = i;
	drbg_shuffle(d, a, n);
}

/* The next n entries of a zeroed scratch block. */
static uint32_t *carve(uint32_t **next, size_t n)
{
	uint32_t *p = *next;

	*next += n;
	return p;
}

/* The user for one slot task of pair p: among those without this prompt
 * (seen[u] != stamp), the least (load, pair count, rank). */
static uint32_t pick_user(uint32_t U, uint32_t P, uint32_t p, const uint32_t *seen, uint32_t stamp,
			  const uint32_t *load, const uint32_t *pc, const uint32_t *rank)
{
	uint32_t best = NONE;

	for (uint32_t u = 0; u < U; u++) {
		if (seen[u] == stamp)
			continue;
		if (best == NONE || load[u] < load[best] ||
		    (load[u] == load[best] &&
		     (pc[(size_t)u * P + p] < pc[(size_t)best * P + p] ||
		      (pc[(size_t)u * P + p] == pc[(size_t)best * P + p] && rank[u] < rank[best]))))
			best = u;
	}
	return best;
}

/* Users: every (prompt, pair) slot to k distinct users; see the document. */
static int users_pass(const struct plan *pl, struct assign_task *out, struct simsa_err *err)
{
	const uint32_t U = pl->U, P = pl->P, Q = P * pl->k;
	uint32_t *mem = calloc((size_t)U * (P + 4) + pl->N + Q + 2 * P + 1, sizeof *mem), *sc = mem;
	size_t n = 0;
	struct drbg d;

	if (!mem)
		return err_set(err, "out of memory");
	uint32_t *load = carve(&sc, U), *pc = carve(&sc, (size_t)U * P), *rank = carve(&sc, U);
	uint32_t *perm = carve(&sc, U), *seen = carve(&sc, U), *porder = carve(&sc, pl->N);
	uint32_t *slots = carve(&sc, Q), *flip = carve(&sc, P), *occ = carve(&sc, P);

	drbg_init(&d, pl->in->seed, "users", pl->in->manifest_hash, NULL, 0);
	for (uint32_t p = 0; p < P; p++)
		flip[p] = drbg_uniform(&d, 2);
	shuffled_iota(&d, porder, pl->N);
	for (uint32_t qi = 0; qi < pl->N; qi++) {
		uint32_t q = porder[qi];

		shuffled_iota(&d, perm, U);
		for (uint32_t i = 0; i < U; i++)
			rank[perm[i]] = i;
		shuffled_iota(&d, slots, Q);
		for (uint32_t j = 0; j < Q; j++) {
			uint32_t p = slots[j] / pl->k;
			uint32_t u = pick_user(U, P, p, seen, q + 1, load, pc, rank);
			bool ab = (occ[p]++ + flip[p]) % 2 == 0;

			seen[u] = q + 1;
			load[u]++;
			pc[(size_t)u * P + p]++;
			out[n++] = make_task(pl->users[u], q, ab ? pl->pa[p] : pl->pb[p],
					     ab ? pl->pb[p] : pl->pa[p], slots[j] % pl->k);
		}
	}
	drbg_wipe(&d);
	free(mem);
	return 0;
}

/* One prompt's expert pairs: m shuffles of the entrants, laid end to end
 * and cut into consecutive pairs, so each output appears m times (one, m+1
 * times when m×E is odd: the last one left meets a random other). A pair
 * that would straddle two shuffles and repeat an entrant swaps the second
 * shuffle's first two. Returns the count, ceil(m×E / 2). */
static uint32_t expert_pairs(const struct plan *pl, struct drbg *d, uint32_t *xs, uint32_t *ys)
{
	uint32_t s[ASSIGN_MAX_ENTRANTS], n = 0, E = pl->E, pending = NONE;

	for (uint32_t r = 0; r < pl->m; r++) {
		shuffled_iota(d, s, E);
		if (pending != NONE && s[0] == pending) {
			s[0] = s[1];
			s[1] = pending;
		}
		for (uint32_t i = 0; i < E; i++) {
			if (pending == NONE) {
				pending = s[i];
				continue;
			}
			xs[n] = pending;
			ys[n++] = s[i];
			pending = NONE;
		}
	}
	if (pending != NONE) {
		uint32_t j = drbg_uniform(d, E - 1);

		xs[n] = pending;
		ys[n++] = j < pending ? j : j + 1;
	}
	return n;
}

/* The expert for one task: among the eligible who hold neither output of
 * this prompt yet, the least (held, load, rank), where held counts the
 * prompt's tasks they already have; when the panel is smaller than the
 * prompt's tasks (relaxed) the least (load, held, rank). NONE if nobody. */
static uint32_t pick_expert(const struct plan *pl, const uint32_t *el, uint32_t n_el, bool relaxed,
			    const uint32_t *held_n, const uint32_t *load, const uint32_t *rank,
			    const uint32_t *holds, uint32_t stamp, uint32_t x, uint32_t y)
{
	uint32_t best = NONE;

	for (uint32_t i = 0; i < n_el; i++) {
		uint32_t e = el[i], k1, b1, k2, b2;

		if (holds[(size_t)e * pl->E + x] == stamp || holds[(size_t)e * pl->E + y] == stamp)
			continue;
		if (best == NONE) {
			best = e;
			continue;
		}
		k1 = relaxed ? load[e] : held_n[e];
		b1 = relaxed ? load[best] : held_n[best];
		k2 = relaxed ? held_n[e] : load[e];
		b2 = relaxed ? held_n[best] : load[best];
		if (k1 < b1 || (k1 == b1 && (k2 < b2 || (k2 == b2 && rank[e] < rank[best]))))
			best = e;
	}
	return best;
}

/* Experts: every output to >= m distinct experts; see the document. */
static int experts_pass(const struct plan *pl, struct assign_task *out, struct simsa_err *err)
{
	const uint32_t X = pl->X, E = pl->E, T = (pl->m * E + 1) / 2;
	int32_t d_lr[ASSIGN_MAX_ENTRANTS] = { 0 }; /* left minus right, per entrant */
	uint32_t *mem = calloc((size_t)X * (E + 4) + pl->N + 2 * T + 1, sizeof *mem), *sc = mem;
	size_t n = 0;
	struct drbg d;
	int rc = -1;

	if (!mem)
		return err_set(err, "out of memory");
	uint32_t *load = carve(&sc, X), *held_n = carve(&sc, X), *rank = carve(&sc, X);
	uint32_t *perm = carve(&sc, X), *holds = carve(&sc, (size_t)X * E);
	uint32_t *porder = carve(&sc, pl->N), *xs = carve(&sc, T), *ys = carve(&sc, T);

	drbg_init(&d, pl->in->seed, "experts", pl->in->manifest_hash, NULL, 0);
	shuffled_iota(&d, porder, pl->N);
	for (uint32_t qi = 0; qi < pl->N; qi++) {
		uint32_t q = porder[qi], c = plan_category(pl, q);
		const uint32_t *el = pl->elig + pl->elig_first[c];
		uint32_t n_el = pl->elig_first[c + 1] - pl->elig_first[c];

		shuffled_iota(&d, perm, n_el);
		for (uint32_t i = 0; i < n_el; i++) {
			rank[el[perm[i]]] = i;
			held_n[el[i]] = 0;
		}
		uint32_t nt = expert_pairs(pl, &d, xs, ys);

		for (uint32_t t = 0; t < nt; t++) {
			uint32_t x = xs[t], y = ys[t], coin = drbg_uniform(&d, 2);
			uint32_t e = pick_expert(pl, el, n_el, n_el < nt, held_n, load, rank, holds,
						 q + 1, x, y);
			bool x_left = d_lr[x] < d_lr[y] || (d_lr[x] == d_lr[y] && coin == 0);

			if (e == NONE) { /* prevented by plan_feasible() */
				err_set(err, "prompt %u: no expert left for entrants %u and %u", q,
					x, y);
				goto done;
			}
			holds[(size_t)e * E + x] = q + 1;
			holds[(size_t)e * E + y] = q + 1;
			held_n[e]++;
			load[e]++;
			d_lr[x_left ? x : y]++;
			d_lr[x_left ? y : x]--;
			out[n++] = make_task(pl->experts[e], q, x_left ? x : y, x_left ? y : x,
					     2 * t / E);
		}
	}
	rc = 0;
done:
	drbg_wipe(&d);
	free(mem);
	return rc;
}

/* Normal tasks per late rater of this role, before the cap by prompts. */
static uint32_t late_count(const struct plan *pl, enum assign_role role)
{
	uint64_t total = role == ASSIGN_USER ? pl->user_tasks : pl->expert_tasks;
	uint32_t peers = role == ASSIGN_USER ? pl->U : pl->X;

	if (pl->in->late_tasks)
		return pl->in->late_tasks;
	return peers ? (uint32_t)((total + peers - 1) / peers) : 0;
}

/* Prompts a late rater may see, ascending; returns how many. */
static uint32_t late_prompts(const struct plan *pl, const struct assign_rater *ra, uint32_t *qs)
{
	uint32_t n = 0;

	for (uint32_t q = 0; q < pl->N; q++)
		if (ra->role == ASSIGN_USER || plan_may_rate(ra, plan_category(pl, q)))
			qs[n++] = q;
	return n;
}

/* A late rater's normal tasks, from their own stream d: distinct prompts,
 * pairs cycled through in reshuffled rounds, sides alternating per pair. */
static uint32_t late_pass(const struct plan *pl, uint32_t r, struct drbg *d, uint32_t *qs,
			  struct assign_task *out)
{
	const struct assign_rater *ra = &pl->in->raters[r];
	uint32_t n_q = late_prompts(pl, ra, qs), L = late_count(pl, ra->role);
	uint32_t flip[ASSIGN_MAX_ENTRANTS * (ASSIGN_MAX_ENTRANTS - 1) / 2];
	uint32_t occ[ASSIGN_MAX_ENTRANTS * (ASSIGN_MAX_ENTRANTS - 1) / 2] = { 0 };
	uint32_t cyc[ASSIGN_MAX_ENTRANTS * (ASSIGN_MAX_ENTRANTS - 1) / 2];

	drbg_shuffle(d, qs, n_q);
	if (L > n_q)
		L = n_q;
	for (uint32_t p = 0; p < pl->P; p++)
		flip[p] = drbg_uniform(d, 2);
	for (uint32_t t = 0; t < L; t++) {
		if (t % pl->P == 0)
			shuffled_iota(d, cyc, pl->P);
		uint32_t p = cyc[t % pl->P];
		bool ab = (occ[p]++ + flip[p]) % 2 == 0;

		out[t] = make_task(r, qs[t], ab ? pl->pa[p] : pl->pb[p], ab ? pl->pb[p] : pl->pa[p],
				   ASSIGN_REPLICA_EXTRA);
	}
	return L;
}

/* Gold items a rater gets, given their number of normal tasks. */
static uint32_t gold_count(const struct assign_input *in, enum assign_role role, uint32_t normal)
{
	uint32_t n = 0, rep = 0;

	for (uint32_t g = 0; g < in->n_gold; g++)
		if (in->gold[g].role == role) {
			if (in->gold[g].kind == ASSIGN_GOLD_KNOWN)
				n++;
			else if (rep < normal)
				rep++;
		}
	return n + rep;
}

/* Orders one rater's list in place: list[0..n) holds their normal tasks in
 * the order the pass made them; room follows for the gold items. ord and
 * idx are scratch of the list's final length. */
static void order_rater(const struct plan *pl, uint32_t r, struct drbg *d, struct assign_task *list,
			uint32_t n, uint32_t *ord, uint32_t *idx, struct assign_task *tmp)
{
	enum assign_role role = pl->in->raters[r].role;
	uint32_t len = n, rep = 0;

	shuffled_iota(d, idx, n);
	for (uint32_t i = 0; i < n; i++)
		tmp[i] = list[idx[i]];
	memcpy(list, tmp, n * sizeof *list);
	for (uint32_t i = 0; i < n; i++)
		ord[i] = i;
	for (uint32_t g = 0; g < pl->in->n_gold; g++) {
		const struct assign_gold *gd = &pl->in->gold[g];
		struct assign_task t;
		uint32_t pos;

		if (gd->role != role)
			continue;
		if (gd->kind == ASSIGN_GOLD_KNOWN) {
			uint32_t swap = drbg_uniform(d, 2);

			t = make_task(r, gd->prompt, swap ? gd->right : gd->left,
				      swap ? gd->left : gd->right, 0);
			pos = drbg_uniform(d, len + 1);
		} else {
			uint32_t o = 0;

			if (rep >= n)
				continue;
			while (ord[o] != rep)
				o++;
			t = list[o];
			t.left = list[o].right;
			t.right = list[o].left;
			pos = o + 1 + drbg_uniform(d, len - o);
			rep++;
		}
		t.kind = (uint16_t)gd->kind;
		t.gold = g;
		memmove(list + pos + 1, list + pos, (len - pos) * sizeof *list);
		memmove(ord + pos + 1, ord + pos, (len - pos) * sizeof *ord);
		list[pos] = t;
		ord[pos] = NONE;
		len++;
	}
	for (uint32_t i = 0; i < len; i++)
		list[i].position = i;
}

/* Counts each rater's normal tasks (count[r]; for a late rater, those they
 * will get), sets out->first and allocates out->tasks. */
static int layout(const struct plan *pl, const struct assign_task *normal, uint32_t *count,
		  struct assign_result *out, struct simsa_err *err)
{
	const struct assign_input *in = pl->in;
	uint64_t total = 0;

	for (size_t i = 0; i < pl->user_tasks + pl->expert_tasks; i++)
		count[normal[i].rater]++;
	for (uint32_t r = 0; r < in->n_raters; r++) {
		const struct assign_rater *ra = &in->raters[r];

		if (ra->role == ASSIGN_AUDITOR) {
			count[r] = 0;
		} else if (ra->late) {
			uint32_t L = late_count(pl, ra->role);
			uint32_t n_q = 0;

			for (uint32_t q = 0; q < pl->N && n_q < L; q++)
				n_q += ra->role == ASSIGN_USER ||
				       plan_may_rate(ra, plan_category(pl, q));
			count[r] = n_q;
		}
		out->first[r] = (size_t)total;
		total += count[r] + gold_count(in, ra->role, count[r]);
	}
	out->first[in->n_raters] = (size_t)total;
	if (total > ASSIGN_MAX_TASKS)
		return err_set(err, "%llu tasks are too many for one round",
			       (unsigned long long)total);
	out->n_tasks = (size_t)total;
	out->tasks = calloc(total + 1, sizeof *out->tasks);
	return out->tasks ? 0 : err_set(err, "out of memory");
}

/* Each rater's list: bucket the normal tasks, make late raters' own, then
 * shuffle and insert gold with the rater's stream. */
static int finish(const struct plan *pl, const struct assign_task *normal, const uint32_t *count,
		  struct assign_result *out, struct simsa_err *err)
{
	const struct assign_input *in = pl->in;
	size_t longest = pl->N, *fill = malloc(((size_t)in->n_raters + 1) * sizeof *fill);
	uint32_t *ord = NULL, *idx = NULL;
	struct assign_task *tmp = NULL;
	int rc = -1;

	for (uint32_t r = 0; r < in->n_raters; r++)
		if (out->first[r + 1] - out->first[r] > longest)
			longest = out->first[r + 1] - out->first[r];
	ord = malloc((longest + 1) * sizeof *ord);
	idx = malloc((longest + 1) * sizeof *idx);
	tmp = malloc((longest + 1) * sizeof *tmp);
	if (!fill || !ord || !idx || !tmp) {
		err_set(err, "out of memory");
		goto done;
	}
	for (uint32_t r = 0; r < in->n_raters; r++)
		fill[r] = out->first[r];
	for (size_t i = 0; i < pl->user_tasks + pl->expert_tasks; i++)
		out->tasks[fill[normal[i].rater]++] = normal[i];
	for (uint32_t r = 0; r < in->n_raters; r++) {
		const struct assign_rater *ra = &in->raters[r];
		struct assign_task *list = out->tasks + out->first[r];
		struct drbg d;

		if (out->first[r + 1] == out->first[r])
			continue;
		if (ra->late) {
			drbg_init(&d, in->seed, "late", in->manifest_hash, ra->public_key,
				  ASSIGN_PUBKEY_LEN);
			late_pass(pl, r, &d, idx, list);
		} else {
			unsigned char le[4] = { r & 0xff, r >> 8 & 0xff, r >> 16 & 0xff, r >> 24 };

			drbg_init(&d, in->seed, "order", in->manifest_hash, le, sizeof le);
		}
		order_rater(pl, r, &d, list, count[r], ord, idx, tmp);
		drbg_wipe(&d);
	}
	rc = 0;
done:
	free(fill);
	free(ord);
	free(idx);
	free(tmp);
	return rc;
}

int assign_run(const struct assign_input *in, struct assign_result *out, struct simsa_err *err)
{
	struct plan pl;
	struct assign_task *normal = NULL;
	uint32_t *count = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (sodium_init() < 0)
		return err_set(err, "libsodium could not start");
	if (plan_init(&pl, in, err) < 0)
		return -1;
	normal = malloc((size_t)(pl.user_tasks + pl.expert_tasks + 1) * sizeof *normal);
	count = calloc((size_t)in->n_raters + 1, sizeof *count);
	out->first = calloc((size_t)in->n_raters + 1, sizeof *out->first);
	out->n_raters = in->n_raters;
	if (!normal || !count || !out->first) {
		err_set(err, "out of memory");
		goto done;
	}
	if ((pl.k > 0 && users_pass(&pl, normal, err) < 0) ||
	    (pl.m > 0 && experts_pass(&pl, normal + pl.user_tasks, err) < 0) ||
	    layout(&pl, normal, count, out, err) < 0 || finish(&pl, normal, count, out, err) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0)
		assign_result_release(out);
	free(normal);
	free(count);
	plan_release(&pl);
	return rc;
}
