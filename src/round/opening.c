/* opening — `simsa open` (see include/simsa/opening.h, docs/opening.md). */
#include "simsa/opening.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "simsa/assign.h"
#include "simsa/enc.h"
#include "simsa/instructions.h"
#include "simsa/manifest.h"
#include "simsa/rubric.h"
#include "simsa/screening.h"
#include "simsa/statement.h"
#include "simsa/util.h"

int opening_manifest_version = MANIFEST_VERSION;

/* Everything an opening is computed from. */
struct plan {
	struct round_inputs in;
	struct rubric *expert, *user;
	char **categories; /* distinct prompt categories, first-seen order */
	size_t n_categories;
	uint32_t *prompt_category; /* per prompt: index into categories */
	const char **prompt_ids;   /* per prompt: its id (for messages) */
	struct assign_rater *raters;
	uint32_t **rater_categories;
	struct assign_gold *gold;
};

static void plan_release(struct plan *p)
{
	rubric_free(&p->expert);
	rubric_free(&p->user);
	free(p->categories); /* the strings belong to p->in */
	free(p->prompt_category);
	free(p->prompt_ids);
	for (size_t i = 0; p->rater_categories && i < p->in.n_raters; i++)
		free(p->rater_categories[i]);
	free(p->rater_categories);
	free(p->raters);
	free(p->gold);
	round_inputs_release(&p->in);
	memset(p, 0, sizeof *p);
}

static int category_index(const struct plan *p, const char *name)
{
	for (size_t i = 0; i < p->n_categories; i++)
		if (strcmp(p->categories[i], name) == 0)
			return (int)i;
	return -1;
}

static int plan_categories(struct plan *p, struct simsa_err *err)
{
	p->categories = calloc(p->in.n_prompts + 1, sizeof *p->categories);
	p->prompt_category = calloc(p->in.n_prompts + 1, sizeof *p->prompt_category);
	p->prompt_ids = calloc(p->in.n_prompts + 1, sizeof *p->prompt_ids);
	if (!p->categories || !p->prompt_category || !p->prompt_ids)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < p->in.n_prompts; i++) {
		int c = category_index(p, p->in.prompts[i].category);

		p->prompt_ids[i] = p->in.prompts[i].id;
		if (c < 0) {
			c = (int)p->n_categories;
			p->categories[p->n_categories++] = p->in.prompts[i].category;
		}
		p->prompt_category[i] = (uint32_t)c;
	}
	return 0;
}

static enum assign_role assign_role_of(enum rater_role r)
{
	return r == ROLE_USER ? ASSIGN_USER : r == ROLE_EXPERT ? ASSIGN_EXPERT : ASSIGN_AUDITOR;
}

/* Builds the assignment's view of the raters. Unknown categories are added
 * to problems (when given) or refused. */
static int plan_raters(struct plan *p, json_t *problems, struct simsa_err *err)
{
	bool by_cat = p->expert && p->expert->by_category;

	p->raters = calloc(p->in.n_raters + 1, sizeof *p->raters);
	p->rater_categories = calloc(p->in.n_raters + 1, sizeof *p->rater_categories);
	if (!p->raters || !p->rater_categories)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < p->in.n_raters; i++) {
		const struct in_rater *r = &p->in.raters[i];
		struct assign_rater *a = &p->raters[i];
		json_t *cats, *v;
		size_t j;

		a->role = assign_role_of(r->role);
		a->late = r->late;
		memcpy(a->public_key, r->public_key, ASSIGN_PUBKEY_LEN);
		if (!by_cat || r->role != ROLE_EXPERT || !r->categories_json)
			continue;
		cats = json_loads(r->categories_json, 0, NULL);
		p->rater_categories[i] = calloc(json_array_size(cats) + 1, sizeof(uint32_t));
		if (!p->rater_categories[i]) {
			json_decref(cats);
			return err_set(err, "out of memory");
		}
		json_array_foreach(cats, j, v) {
			int c = category_index(p, json_string_value(v));

			if (c < 0) {
				if (problems)
					json_array_append_new(
						problems,
						json_sprintf(
							"expert '%s' is enrolled for category '%s', which no "
							"prompt has",
							r->name, json_string_value(v)));
				continue;
			}
			p->rater_categories[i][a->n_categories++] = (uint32_t)c;
		}
		a->categories = p->rater_categories[i];
		json_decref(cats);
	}
	return 0;
}

static int plan_load(struct store *st, struct plan *p, json_t *problems, struct simsa_err *err)
{
	memset(p, 0, sizeof *p);
	if (store_load_inputs(st, &p->in, err) < 0)
		return -1;
	if (rubric_parse_round(p->in.rubrics, p->in.n_rubrics, &p->expert, &p->user, err) < 0)
		goto fail;
	if (plan_categories(p, err) < 0 || plan_raters(p, problems, err) < 0)
		goto fail;
	p->gold = calloc(p->in.n_gold + 1, sizeof *p->gold);
	if (!p->gold) {
		err_set(err, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < p->in.n_gold; i++) {
		const struct in_gold *g = &p->in.gold[i];

		p->gold[i] = (struct assign_gold){
			g->known ? ASSIGN_GOLD_KNOWN : ASSIGN_GOLD_REPEAT,
			assign_role_of(g->role),
			g->prompt,
			g->better,
			g->worse,
		};
	}
	return 0;
fail:
	plan_release(p);
	return -1;
}

static void plan_input(const struct plan *p, struct assign_input *a)
{
	memset(a, 0, sizeof *a);
	a->n_entrants = (uint32_t)p->in.n_entrants;
	a->n_prompts = (uint32_t)p->in.n_prompts;
	a->prompt_category = p->prompt_category;
	a->prompt_names = p->prompt_ids;
	a->category_names = (const char *const *)p->categories;
	a->n_raters = (uint32_t)p->in.n_raters;
	a->raters = p->raters;
	a->user_raters_per_slot = p->user ? (uint32_t)p->user->raters_per_slot : 0;
	a->expert_ratings_per_output = p->expert ? (uint32_t)p->expert->ratings_per_output : 0;
	a->n_gold = (uint32_t)p->in.n_gold;
	a->gold = p->gold;
}

static size_t count_role(const struct plan *p, enum rater_role role)
{
	size_t n = 0;

	for (size_t i = 0; i < p->in.n_raters; i++)
		n += p->in.raters[i].role == role;
	return n;
}

static int incomplete_prompts(const struct plan *p)
{
	int n = 0;
	size_t o = 0;

	/* outputs are sorted by (prompt, entrant) */
	for (size_t i = 0; i < p->in.n_prompts; i++) {
		size_t have = 0;

		while (o < p->in.n_outputs && p->in.outputs[o].prompt == i) {
			have++;
			o++;
		}
		n += have != p->in.n_entrants;
	}
	return n;
}

static void add(json_t *problems, json_t *s)
{
	json_array_append_new(problems, s);
}

static int collect(struct store *st, struct plan *p, json_t *problems, struct simsa_err *err)
{
	size_t users = count_role(p, ROLE_USER), experts = count_role(p, ROLE_EXPERT);
	int incomplete = incomplete_prompts(p);
	long pending;
	bool shape_ok = true;

	if (p->in.info.state != ROUND_DRAFT)
		add(problems, json_string("the round is already open"));
	if (!p->in.has_organizer)
		add(problems, json_string("the round has no organizer key"));
	if (!p->expert && !p->user)
		add(problems, json_string("no rubric"));
	if (p->in.n_entrants < 2) {
		add(problems, json_string("fewer than two entrants"));
		shape_ok = false;
	}
	if (p->in.n_prompts == 0) {
		add(problems, json_string("no prompts"));
		shape_ok = false;
	}
	if (incomplete > 0) {
		add(problems, json_sprintf("%d prompts lack an output from every entrant "
					   "(simsa status lists them)",
					   incomplete));
		shape_ok = false;
	}
	if (p->user && users == 0)
		add(problems, json_string("no users enrolled (the user rubric needs them)"));
	if (p->expert && experts == 0)
		add(problems, json_string("no experts enrolled (the expert rubric needs them)"));
	if (!p->user && users > 0)
		add(problems, json_string("users are enrolled but the round has no user rubric"));
	if (!p->expert && experts > 0)
		add(problems,
		    json_string("experts are enrolled but the round has no expert rubric"));
	if (shape_ok && ((p->user && users > 0) || (p->expert && experts > 0))) {
		struct assign_input a;
		struct simsa_err why;

		plan_input(p, &a);
		if (assign_check(&a, &why) < 0)
			add(problems, json_string(why.msg));
	}
	/* what raters will be told, as init checked it: the file may have been
	 * edited since (docs/rubrics.md, "Instructions files") */
	for (size_t i = 0; i < p->in.n_rubrics; i++)
		for (int l = 0; l < 2; l++) {
			const char *t = p->in.rubrics[i].instructions[l];
			char what[64];
			struct simsa_err why;

			snprintf(what, sizeof what, "the %s rubric's instructions_%s",
				 p->in.rubrics[i].component, l ? "en" : "ko");
			if (t && instructions_check(what, t, strlen(t), &why) < 0)
				add(problems, json_string(why.msg));
		}
	if (p->in.info.state == ROUND_DRAFT) {
		pending = screening_pending(st, &p->in, err);
		if (pending < 0)
			return -1;
		if (pending > 0)
			add(problems, json_sprintf("%ld outputs may reveal their entrant and are "
						   "undecided (simsa outputs screen)",
						   pending));
	}
	return 0;
}

int opening_replay(struct store *st, const unsigned char seed[32], const unsigned char manifest[32],
		   struct assign_result *out, struct simsa_err *err)
{
	struct assign_input a;
	struct plan p;
	int rc;

	if (plan_load(st, &p, NULL, err) < 0)
		return -1;
	plan_input(&p, &a);
	memcpy(a.seed, seed, 32);
	memcpy(a.manifest_hash, manifest, 32);
	rc = assign_run(&a, out, err);
	sodium_memzero(a.seed, sizeof a.seed);
	plan_release(&p);
	return rc;
}

int opening_problems(struct store *st, json_t *problems, struct simsa_err *err)
{
	struct plan p;
	int rc;

	if (plan_load(st, &p, problems, err) < 0)
		return -1;
	rc = collect(st, &p, problems, err);
	plan_release(&p);
	return rc;
}

/* What stays sealed to the organizer until close: the seed, the manifest
 * salt and which entrant wrote each blinded output. */
static void encode_secrets(struct buf *b, const unsigned char seed[32],
			   const unsigned char salt[32], const struct plan *p,
			   const struct blind_rec *blind)
{
	struct enc o;
	size_t need = 16 + 32 + MANIFEST_SALT_LEN + 4 + p->in.n_outputs * 40;

	/* sized once, so no realloc leaves copies of the seed behind */
	b->p = malloc(need);
	b->cap = b->p ? need : 0;
	b->oom = !b->p;
	o = buf_enc(b);
	enc_tag(&o, "simsa/sealed/v1");
	enc_raw(&o, seed, 32);
	enc_raw(&o, salt, MANIFEST_SALT_LEN);
	enc_u32(&o, (uint32_t)p->in.n_outputs);
	for (size_t i = 0; i < p->in.n_outputs; i++) {
		enc_raw(&o, blind[i].id, 32);
		enc_u32(&o, p->in.outputs[i].prompt);
		enc_u32(&o, p->in.outputs[i].entrant);
	}
}

/* Turns assigned tasks (entrant indices) into stored tasks (blind ids). */
static int make_tasks(const struct plan *p, const struct assign_result *ar,
		      const struct blind_rec *blind, struct task_rec **out, struct simsa_err *err)
{
	size_t e = p->in.n_entrants;
	struct task_rec *t = calloc(ar->n_tasks + 1, sizeof *t);

	if (!t)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < ar->n_tasks; i++) {
		const struct assign_task *a = &ar->tasks[i];

		/* a complete round has outputs[prompt * E + entrant] */
		t[i].rater_row = p->in.raters[a->rater].row;
		t[i].position = a->position;
		t[i].prompt_row = p->in.prompts[a->prompt].row;
		t[i].left = blind[a->prompt * e + a->left].id;
		t[i].right = blind[a->prompt * e + a->right].id;
		t[i].kind = assign_kind_name(a->kind);
		t[i].replica = a->replica;
	}
	*out = t;
	return 0;
}

int round_open(struct store *st, const struct secret_key *organizer, struct open_result *res,
	       unsigned char *seed_out, struct simsa_err *err)
{
	unsigned char *secret = sodium_malloc(64); /* seed, then salt */
	unsigned char x25519[crypto_box_PUBLICKEYBYTES];
	unsigned char sealed_hash[32];
	struct assign_result ar = { 0 };
	struct assign_input a;
	struct blind_rec *blind = NULL;
	struct task_rec *tasks = NULL;
	struct buf secrets = { 0 }, stmt = { 0 };
	unsigned char *sealed = NULL;
	struct opening_rec op;
	json_t *problems = json_array();
	struct plan p;
	int rc = -1;

	memset(res, 0, sizeof *res);
	if (!secret || !problems) {
		sodium_free(secret);
		json_decref(problems);
		return err_set(err, "out of memory");
	}
	if (plan_load(st, &p, problems, err) < 0) {
		sodium_free(secret);
		json_decref(problems);
		return -1;
	}
	if (collect(st, &p, problems, err) < 0)
		goto out;
	if (json_array_size(problems) > 0) {
		size_t i, n = 0;
		json_t *v;

		n += (size_t)snprintf(err->msg, sizeof err->msg, "the round cannot open yet:");
		json_array_foreach(problems, i, v)
			if (n < sizeof err->msg)
				n += (size_t)snprintf(err->msg + n, sizeof err->msg - n, "\n  - %s",
						      json_string_value(v));
		goto out;
	}
	if (memcmp(secret_key_public(organizer), p.in.organizer_pk, 32) != 0) {
		err_set(err, "that key is not this round's organizer key");
		goto out;
	}
	randombytes_buf(secret, 64);
	manifest_hash_v(&p.in, secret + 32, opening_manifest_version, res->manifest_hash);
	seed_commitment(secret, p.in.info.round_id, res->manifest_hash, res->seed_commitment);

	plan_input(&p, &a);
	memcpy(a.seed, secret, 32);
	memcpy(a.manifest_hash, res->manifest_hash, 32);
	rc = assign_run(&a, &ar, err);
	sodium_memzero(a.seed, sizeof a.seed);
	if (rc < 0)
		goto out;
	rc = -1;
	assign_hash(&ar, res->assignment_hash);

	blind = calloc(p.in.n_outputs + 1, sizeof *blind);
	if (!blind) {
		err_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p.in.n_outputs; i++) {
		unsigned char id[16];

		randombytes_buf(id, sizeof id);
		hex_encode(id, sizeof id, blind[i].id);
		blind[i].output_row = p.in.outputs[i].row;
	}
	if (make_tasks(&p, &ar, blind, &tasks, err) < 0)
		goto out;

	time_now_utc(res->opened_at);
	encode_secrets(&secrets, secret, secret + 32, &p, blind);
	if (secrets.oom) {
		err_set(err, "out of memory");
		goto out;
	}
	if (crypto_sign_ed25519_pk_to_curve25519(x25519, p.in.organizer_pk) != 0) {
		err_set(err, "the organizer key cannot receive sealed data");
		goto out;
	}
	sealed = malloc(secrets.n + crypto_box_SEALBYTES);
	if (!sealed) {
		err_set(err, "out of memory");
		goto out;
	}
	crypto_box_seal(sealed, secrets.p, secrets.n, x25519);
	/* the opening statement names the sealed secrets by their hash */
	crypto_generichash(sealed_hash, 32, sealed, secrets.n + crypto_box_SEALBYTES, NULL, 0);
	statement_opening(&stmt, p.in.info.round_id, res->manifest_hash, res->seed_commitment,
			  res->assignment_hash, res->opened_at, sealed_hash);
	if (stmt.oom) {
		err_set(err, "out of memory");
		goto out;
	}
	memset(&op, 0, sizeof op);
	memcpy(op.manifest_hash, res->manifest_hash, 32);
	memcpy(op.seed_commitment, res->seed_commitment, 32);
	memcpy(op.assignment_hash, res->assignment_hash, 32);
	memcpy(op.opened_at, res->opened_at, sizeof op.opened_at);
	if (secret_key_sign(organizer, stmt.p, stmt.n, op.signature) < 0) {
		err_set(err, "cannot use the organizer key");
		goto out;
	}
	op.sealed = sealed;
	op.sealed_len = secrets.n + crypto_box_SEALBYTES;

	if (store_open_round(st, blind, p.in.n_outputs, tasks, ar.n_tasks, &op, err) < 0)
		goto out;
	res->n_tasks = ar.n_tasks;
	res->n_outputs = p.in.n_outputs;
	if (seed_out)
		memcpy(seed_out, secret, 32);
	rc = 0;
out:
	if (secrets.p)
		sodium_memzero(secrets.p, secrets.n);
	buf_release(&secrets);
	buf_release(&stmt);
	sodium_free(secret);
	free(sealed);
	free(tasks);
	free(blind);
	assign_result_release(&ar);
	json_decref(problems);
	plan_release(&p);
	return rc;
}
