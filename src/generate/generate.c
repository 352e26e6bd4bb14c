/* generate — the run: which pairs to ask, the scheduling of transfers on one
 * libcurl multi handle (a limit overall and one per entrant, retries waiting
 * their turn without holding a transfer), storing each answer as it comes,
 * and the summary (include/simsa/generate.h). */
#include "generate_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/util.h"

struct run {
	struct store *st;
	const struct gen_options *o;
	struct gen_summary *s;
	CURLM *multi;
	struct gen_ent *ents; /* the entrants asked */
	size_t n_ents;
	struct gen_job *jobs; /* n_ents × per_entrant slots */
	size_t n_jobs;
	int per_entrant;
	size_t rr; /* round-robin position over ents */
	bool in_tx;
	double t0, last_progress;
};

void gen_options_default(struct gen_options *o)
{
	memset(o, 0, sizeof *o);
	o->concurrency = 16;
	o->max_attempts = 4;
	o->connect_timeout_s = 10;
	o->timeout_s = 600;
	o->low_speed_bytes = 1;
	o->low_speed_time_s = 300;
	o->max_response = 8u << 20;
	o->backoff_ms = 500;
	o->backoff_max_ms = 30000;
	o->retry_after_max_s = 120;
	o->progress_ms = 200;
}

void gen_summary_release(struct gen_summary *s)
{
	for (size_t i = 0; i < s->n_entrants; i++)
		free((char *)s->entrants[i].name);
	free(s->entrants);
	s->entrants = NULL;
	s->n_entrants = 0;
}

static void group_add(struct gen_summary *s, struct gen_group *g, const char *reason,
		      const char *detail, const char *entrant, const char *prompt_id)
{
	if (!g) {
		for (size_t i = 0; i < s->n_groups && !g; i++)
			if (strcmp(s->groups[i].reason, reason) == 0)
				g = &s->groups[i];
		if (!g && s->n_groups == GEN_MAX_GROUPS) {
			s->ungrouped++;
			return;
		}
		if (!g) {
			g = &s->groups[s->n_groups++];
			snprintf(g->reason, sizeof g->reason, "%s", reason);
			snprintf(g->detail, sizeof g->detail, "%s", detail ? detail : "");
		}
	}
	if (!g->reason[0])
		snprintf(g->reason, sizeof g->reason, "%s", reason);
	if (g->n_examples < GEN_MAX_EXAMPLES) {
		char ex[sizeof g->examples[0]];

		snprintf(ex, sizeof ex, "%s / %s", entrant, prompt_id);
		gen_clean_text(ex, strlen(ex), NULL, g->examples[g->n_examples++],
			       sizeof g->examples[0]);
	}
	g->count++;
}

static void progress(struct run *r, bool force)
{
	double now = mono_seconds();

	r->s->totals.elapsed_s = now - r->t0;
	if (!r->o->progress || (!force && (now - r->last_progress) * 1000 < r->o->progress_ms))
		return;
	r->last_progress = now;
	r->s->totals.entrants = r->s->entrants;
	r->s->totals.n_entrants = r->s->n_entrants;
	r->o->progress(r->o->ctx, &r->s->totals);
}

/* The next prompt row e should ask for: 1 and *row, 0 when none is left. */
static int next_prompt(struct run *r, struct gen_ent *e, int64_t *row, struct simsa_err *err)
{
	if (e->qpos == e->qlen && !e->exhausted) {
		if (store_gen_pending(r->st, e->rec->row, e->last_prompt, r->o->retry_failed,
				      e->queue, GEN_BATCH, &e->qlen, err) < 0)
			return -1;
		e->qpos = 0;
		if (e->qlen == 0)
			e->exhausted = true;
		else
			e->last_prompt = e->queue[e->qlen - 1];
	}
	if (e->qpos == e->qlen)
		return 0;
	*row = e->queue[e->qpos++];
	return 1;
}

static int job_new(struct run *r, struct gen_job *j, struct gen_ent *e, int64_t row,
		   struct simsa_err *err)
{
	char *prompt = NULL, *system = NULL;
	size_t plen = 0;
	int rc;

	memset(j, 0, sizeof *j);
	j->ent = e;
	j->prompt_row = row;
	if (store_gen_prompt(r->st, row, &j->prompt_id, &prompt, &plen, &system, err) < 0)
		return -1;
	rc = gen_build_request(e->rec->model, e->rec->params_json, e->rec->system, prompt, plen,
			       system, &j->body, &j->body_len, &j->params_json, err);
	free(prompt);
	free(system);
	if (rc < 0) {
		gen_job_clear(r->multi, j);
		return err_prefix(err, "entrant '%s'", e->rec->name);
	}
	e->outstanding++;
	e->prog->inflight++;
	return 0;
}

static void job_done(struct run *r, struct gen_job *j)
{
	j->ent->outstanding--;
	j->ent->prog->inflight--;
	gen_job_clear(r->multi, j);
}

static int job_start(struct run *r, struct gen_job *j, struct simsa_err *err)
{
	if (gen_http_start(r->multi, j, r->o, err) < 0)
		return -1;
	r->s->totals.inflight++;
	r->s->totals.requests++;
	return 0;
}

/* Starts waiting retries that are due, then new pairs round-robin over the
 * entrants with a free slot, while transfers are below the limit. */
static int fill(struct run *r, struct simsa_err *err)
{
	double now = mono_seconds();
	bool more = true;

	for (size_t i = 0; i < r->n_jobs; i++) {
		struct gen_job *j = &r->jobs[i];

		if (r->s->totals.inflight >= r->o->concurrency)
			return 0;
		if (j->state == JOB_WAITING && j->due <= now) {
			r->s->totals.waiting--;
			if (job_start(r, j, err) < 0)
				return -1;
		}
	}
	while (more && r->s->totals.inflight < r->o->concurrency) {
		more = false;
		for (size_t k = 0; k < r->n_ents && !more; k++) {
			size_t ei = (r->rr + k) % r->n_ents;
			struct gen_ent *e = &r->ents[ei];
			struct gen_job *j = NULL;
			int64_t row;
			int found;

			if (e->outstanding >= r->per_entrant)
				continue;
			found = next_prompt(r, e, &row, err);
			if (found < 0)
				return -1;
			if (!found)
				continue;
			for (size_t i = ei * (size_t)r->per_entrant; !j; i++)
				if (r->jobs[i].state == JOB_IDLE)
					j = &r->jobs[i];
			if (job_new(r, j, e, row, err) < 0)
				return -1;
			if (job_start(r, j, err) < 0) {
				job_done(r, j);
				return -1;
			}
			r->rr = ei + 1;
			more = true;
		}
	}
	return 0;
}

/* Answers that arrive together are written in one transaction, committed
 * before the loop waits again (one fsync for many): nothing received waits
 * longer than that. The requests that take their slots are sent first, so
 * the fsync overlaps them instead of delaying them. */
static int tx_open(struct run *r, struct simsa_err *err)
{
	if (r->in_tx)
		return 0;
	if (store_begin(r->st, err) < 0)
		return -1;
	r->in_tx = true;
	return store_require_draft(r->st, err);
}

static int tx_close(struct run *r, struct simsa_err *err)
{
	if (!r->in_tx)
		return 0;
	r->in_tx = false;
	return store_commit(r->st, err);
}

static int store_reply(struct run *r, struct gen_job *j, struct gen_outcome *out,
		       struct simsa_err *err)
{
	struct output_rec rec = { .prompt_row = j->prompt_row,
				  .entrant_row = j->ent->rec->row,
				  .text = out->reply.text,
				  .text_len = out->reply.len,
				  .origin = "generate" };
	struct gen_meta m = { .finish_reason = out->reply.finish_reason,
			      .usage_json = out->reply.usage_json,
			      .params_json = j->params_json,
			      .latency_ms = out->latency_ms,
			      .http_status = out->http_status,
			      .attempts = j->attempts };
	struct gen_entrant_progress *p = j->ent->prog;
	int stored;

	hash_bytes(rec.text, rec.text_len, rec.hash);
	if (tx_open(r, err) < 0)
		return -1;
	stored = store_gen_put_output(r->st, &rec, &m, err);
	if (stored < 0)
		return -1;
	if (stored == 0) {
		r->s->raced++;
		return 0;
	}
	p->done++;
	r->s->totals.done++;
	if (m.finish_reason && strcmp(m.finish_reason, "length") == 0) {
		p->truncated++;
		r->s->totals.truncated++;
		group_add(r->s, &r->s->truncated, "length", NULL, p->name, j->prompt_id);
	}
	return 0;
}

static int finish(struct run *r, struct gen_job *j, CURLcode res, struct simsa_err *err)
{
	struct gen_outcome out;
	bool stopping = r->o->stop && *r->o->stop;
	int rc = 0;

	gen_http_outcome(j, res, r->o, &out);
	gen_http_stop(r->multi, j);
	r->s->totals.inflight--;
	if (out.ok) {
		rc = store_reply(r, j, &out, err);
		gen_reply_release(&out.reply);
	} else if (out.retry && j->attempts < r->o->max_attempts && !stopping) {
		long ms = out.retry_after_s >= 0 ? out.retry_after_s * 1000
						 : gen_backoff_ms(j->attempts, r->o->backoff_ms,
								  r->o->backoff_max_ms);

		j->state = JOB_WAITING;
		j->due = mono_seconds() + (double)ms / 1000.0;
		r->s->totals.waiting++;
		return 0;
	} else if (!stopping) {
		struct gen_failure_rec f = { .prompt_row = j->prompt_row,
					     .entrant_row = j->ent->rec->row,
					     .reason = out.reason,
					     .detail = out.detail[0] ? out.detail : NULL,
					     .http_status = out.http_status,
					     .attempts = j->attempts,
					     .latency_ms = out.latency_ms };

		rc = tx_open(r, err) < 0 ? -1 : store_gen_put_failure(r->st, &f, err);
		j->ent->prog->failed++;
		r->s->totals.failed++;
		group_add(r->s, NULL, out.reason, out.detail, j->ent->prog->name, j->prompt_id);
	}
	job_done(r, j);
	return rc;
}

static long poll_ms(struct run *r)
{
	double now = mono_seconds(), next = now + 0.1; /* notice a stop request soon */

	for (size_t i = 0; i < r->n_jobs; i++)
		if (r->jobs[i].state == JOB_WAITING && r->jobs[i].due < next)
			next = r->jobs[i].due;
	return next <= now ? 0 : (long)((next - now) * 1000) + 1;
}

/* An error after answers were stored but before their commit: they are
 * whole, so commit them rather than let the rollback lose them. */
static int keep_answers(struct run *r)
{
	struct simsa_err ignored;

	(void)tx_close(r, &ignored);
	return -1;
}

static int loop(struct run *r, struct simsa_err *err)
{
	for (;;) {
		CURLMsg *msg;
		int still, left;
		bool freed = false;

		if (r->o->stop && *r->o->stop) {
			r->s->interrupted = true;
			return tx_close(r, err);
		}
		if (fill(r, err) < 0)
			return keep_answers(r);
		if (r->s->totals.inflight == 0 && r->s->totals.waiting == 0)
			return tx_close(r, err);
		if (curl_multi_perform(r->multi, &still) != CURLM_OK) {
			err_set(err, "libcurl failed to drive the transfers");
			return keep_answers(r);
		}
		if (tx_close(r, err) < 0)
			return -1;
		while ((msg = curl_multi_info_read(r->multi, &left))) {
			char *priv = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
			if (finish(r, (struct gen_job *)(void *)priv, msg->data.result, err) < 0)
				return -1;
			freed = true;
		}
		/* A finished transfer freed a slot (a retry waits without one):
		 * go round to fill it, and to commit, before waiting again. */
		if (!freed && curl_multi_poll(r->multi, NULL, 0, (int)poll_ms(r), NULL) != CURLM_OK)
			return err_set(err, "libcurl failed to wait for the transfers");
		progress(r, false);
	}
}

/* Reads the entrants, checks every one that will be asked, counts. */
static int prepare(struct run *r, struct gen_entrant_rec *recs, size_t n, struct simsa_err *err)
{
	struct gen_summary *s = r->s;

	s->entrants = calloc(n ? n : 1, sizeof *s->entrants);
	r->ents = calloc(n ? n : 1, sizeof *r->ents);
	if (!s->entrants || !r->ents)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct gen_entrant_progress *p = &s->entrants[s->n_entrants];
		long missing, failed;

		p->name = strdup(recs[i].name);
		if (!p->name)
			return err_set(err, "out of memory");
		s->n_entrants++;
		p->has_endpoint = recs[i].endpoint != NULL;
		if (store_gen_count(r->st, recs[i].row, &missing, &failed, err) < 0)
			return -1;
		if (!p->has_endpoint) {
			if (r->o->entrant)
				return err_set(err, "entrant '%s' has no endpoint", recs[i].name);
			p->missing = missing;
			continue;
		}
		if (gen_ent_setup(&r->ents[r->n_ents], &recs[i], err) < 0)
			return -1;
		r->ents[r->n_ents++].prog = p;
		p->skipped_failed = r->o->retry_failed ? 0 : failed;
		p->total = missing - p->skipped_failed;
		s->skipped_failed += p->skipped_failed;
		s->totals.total += p->total;
	}
	if (r->n_ents == 0)
		return err_set(err, "no entrant has an endpoint: nothing to generate "
				    "(give entrants an \"endpoint\", or import their outputs)");
	return 0;
}

int gen_run(struct store *st, const struct gen_options *o, struct gen_summary *s,
	    struct simsa_err *err)
{
	struct run r = { .st = st, .o = o, .s = s };
	struct gen_entrant_rec *recs = NULL;
	size_t n_recs = 0;
	bool curl_up = false;
	int rc = -1;

	memset(s, 0, sizeof *s);
	r.per_entrant = o->per_entrant > 0   ? o->per_entrant
			: o->concurrency < 8 ? o->concurrency
					     : 8;
	if (o->concurrency < 1 || o->max_attempts < 1) {
		err_set(err, "concurrency and attempts must be at least 1");
		goto out;
	}
	if (store_require_draft(st, err) < 0 ||
	    store_gen_entrants(st, o->entrant, &recs, &n_recs, err) < 0)
		goto out;
	if (o->entrant && n_recs == 0) {
		err_set(err, "no entrant named '%s' in the round", o->entrant);
		goto out;
	}
	if (prepare(&r, recs, n_recs, err) < 0)
		goto out;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err_set(err, "libcurl could not initialise");
		goto out;
	}
	curl_up = true;
	r.multi = curl_multi_init();
	r.n_jobs = r.n_ents * (size_t)r.per_entrant;
	r.jobs = calloc(r.n_jobs, sizeof *r.jobs);
	if (!r.multi || !r.jobs) {
		err_set(err, "out of memory");
		goto out;
	}
	curl_multi_setopt(r.multi, CURLMOPT_MAXCONNECTS, (long)o->concurrency * 2);
	r.t0 = mono_seconds();
	progress(&r, true);
	rc = loop(&r, err);
	progress(&r, true);
out:
	if (r.in_tx)
		store_rollback(st);
	for (size_t i = 0; i < r.n_jobs; i++)
		if (r.jobs[i].state != JOB_IDLE)
			job_done(&r, &r.jobs[i]);
	s->totals.inflight = s->totals.waiting = 0;
	free(r.jobs);
	if (r.multi)
		curl_multi_cleanup(r.multi);
	for (size_t i = 0; i < r.n_ents; i++)
		gen_ent_release(&r.ents[i]);
	free(r.ents);
	store_gen_entrants_release(recs, n_recs);
	if (curl_up)
		curl_global_cleanup();
	return rc;
}
