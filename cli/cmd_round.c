/* cmd_round — `simsa init` and `simsa status`. */
#include <errno.h>
#include <grp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/rubric.h"
#include "simsa/store.h"
#include "simsa/util.h"

struct init_args {
	const char *title, *key_file, *pass_file, *group;
	char *rubrics[2];
	int n_rubrics;
};

static const char *add_rubric(const char *arg, void *args)
{
	struct init_args *a = args;

	if (a->n_rubrics == 2)
		return "at most two --rubric files";
	a->rubrics[a->n_rubrics++] = (char *)arg; /* an argv string */
	return NULL;
}

#define AT(f) offsetof(struct init_args, f)
static const struct cli_opt init_opts[] = {
	CLI_OPT("title", 't', "T", OPT_STRING, AT(title), OPT_REQUIRED, "the round's title"),
	CLI_OPT("rubric", 'r', "FILE", OPT_CALL, 0, OPT_REPEAT,
		"a rubric file (once per component: expert, user);\n"
		"without any, the built-in default rubrics are used",
		.call = add_rubric),
	CLI_OPT("key-file", 0, "PATH", OPT_STRING, AT(key_file), 0,
		"where to write the organizer's new key\n"
		"(default: ROUND.keys/organizer.key)"),
	CLI_OPT("passphrase-file", 0, "FILE", OPT_STRING, AT(pass_file), 0,
		"the new key's passphrase (first line); also\n"
		"SIMSA_PASSPHRASE_FILE; otherwise asked twice"),
	CLI_OPT("group", 0, "NAME", OPT_STRING, AT(group), 0,
		"share the round file with a Unix group: mode 0660\n"
		"and that group, not 0600 (keys stay 0600)"),
	{ 0 },
};
#undef AT

/* Gives the new round file to group (mode 0660). */
static int share_with_group(const char *path, gid_t gid, const char *group, struct simsa_err *err)
{
	if (chown(path, (uid_t)-1, gid) < 0)
		return err_set(err, "%s: cannot give it to group %s: %s", path, group,
			       strerror(errno));
	if (chmod(path, 0660) < 0)
		return err_set(err, "%s: cannot set mode 0660: %s", path, strerror(errno));
	return 0;
}

const struct cli_spec spec_init = {
	"create a round file and the organizer's key", "ROUND.db", NULL, init_opts, NULL,
};

/* What init copied into the round for raters to read (and what a rubric
 * from elsewhere made it read): each rubric's instructions files, by the
 * names the rubric gives, and their sizes. */
static void print_instructions(const char *path)
{
	static const char *const comps[] = { "expert", "user" };
	struct store *st = NULL;
	struct simsa_err err;

	if (store_open_read(path, &st, &err) < 0)
		return;
	for (int i = 0; i < 2; i++) {
		struct rubric *r = NULL;
		char *text = NULL, *ins[2] = { NULL, NULL };
		size_t len;

		if (store_get_rubric(st, comps[i], &text, &len, &err) == 1 &&
		    rubric_parse(text, len, comps[i], &r, &err) == 0 && r->instructions_file[0] &&
		    store_rubric_instructions(st, comps[i], ins, &err) == 0 && ins[0] && ins[1])
			printf("%s instructions: %s (%zu bytes), %s (%zu bytes)\n", comps[i],
			       cli_text(r->instructions_file[0]), strlen(ins[0]),
			       cli_text(r->instructions_file[1]), strlen(ins[1]));
		rubric_free(&r);
		free(text);
		free(ins[0]);
		free(ins[1]);
	}
	store_close(&st);
}

int cmd_init(int argc, char **argv)
{
	struct init_args a = { 0 };
	char *pos[CLI_MAX_ARGS], key[4096];
	unsigned char pk[32];
	struct simsa_err err;
	gid_t gid = 0;
	int rc = cli_parse(&spec_init, "init", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (access(pos[0], F_OK) == 0) {
		err_set(&err, "%s: already exists; a round file is never overwritten", pos[0]);
		return cli_fail(&err);
	}
	if (a.group) { /* before anything is made */
		struct group *g = getgrnam(a.group);

		if (!g)
			return cli_usage_error("init", "--group: no Unix group '%s'",
					       cli_text(a.group));
		gid = g->gr_gid;
	}
	if (a.key_file)
		snprintf(key, sizeof key, "%s", a.key_file);
	else if (keyfile_round_path(pos[0], "organizer", true, key, sizeof key, &err) < 0)
		return cli_fail(&err);
	if (cli_new_key(key, a.pass_file, "the organizer", pk, &err) < 0)
		return cli_fail(&err);
	if (round_init(pos[0], a.title, a.rubrics, a.n_rubrics, pk, &err) < 0) {
		unlink(key); /* made just now for this round */
		return cli_fail(&err);
	}
	if (a.group && share_with_group(pos[0], gid, a.group, &err) < 0) {
		unlink(pos[0]); /* both made just now, and neither used yet */
		unlink(key);
		return cli_fail(&err);
	}
	printf("created %s\norganizer key: %s (keep it and its passphrase safe)\n",
	       cli_text(pos[0]), cli_text(key));
	print_instructions(pos[0]);
	return EXIT_OK;
}

/* ---- status ---- */

struct missing_ctx {
	json_t *list;
	long need;
};

static int add_missing(void *ctx, const char *prompt_id, long have)
{
	struct missing_ctx *m = ctx;

	json_array_append_new(m->list,
			      json_pack("{s:o, s:I, s:I}", "prompt", cli_jtext(prompt_id), "have",
					(json_int_t)have, "need", (json_int_t)m->need));
	return 0;
}

static int add_entrant(void *ctx, const char *name, long outputs)
{
	json_array_append_new(ctx, json_pack("{s:o, s:I}", "name", cli_jtext(name), "outputs",
					     (json_int_t)outputs));
	return 0;
}

static int add_rater(void *ctx, const struct rater_progress *p)
{
	json_array_append_new(ctx,
			      json_pack("{s:o, s:s, s:b, s:I, s:I, s:I, s:I, s:b}", "name",
					cli_jtext(p->name), "role", p->role, "late", p->late,
					"tasks", (json_int_t)p->tasks, "done", (json_int_t)p->done,
					"ballots", (json_int_t)p->ballots, "drafts",
					(json_int_t)p->drafts, "ssh_key", p->ssh_key));
	return 0;
}

static json_t *slots_json(struct store *st, enum rater_role role, struct simsa_err *err)
{
	struct slot_progress p;

	if (store_slot_progress(st, role, &p, err) < 0)
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)p.total, "complete",
			 (json_int_t)p.complete, "partial", (json_int_t)p.partial, "untouched",
			 (json_int_t)(p.total - p.complete - p.partial));
}

static json_t *opening_json(struct store *st, struct simsa_err *err)
{
	struct opening_rec op;
	char m[65], c[65], a[65];
	int found = store_get_opening(st, &op, err);

	if (found <= 0)
		return found < 0 ? NULL : json_null();
	hex_encode(op.manifest_hash, 32, m);
	hex_encode(op.seed_commitment, 32, c);
	hex_encode(op.assignment_hash, 32, a);
	return json_pack("{s:s, s:s, s:s, s:s}", "opened_at", op.opened_at, "manifest_hash", m,
			 "seed_commitment", c, "assignment_hash", a);
}

static json_t *rubric_json(struct store *st, const char *component, struct simsa_err *err)
{
	struct rubric *r = NULL;
	struct practice_counts pc;
	char *text = NULL;
	size_t len;
	json_t *j;
	int found = store_get_rubric(st, component, &text, &len, err);

	if (found <= 0)
		return found < 0 ? NULL : json_null();
	if (store_practice_counts(st, rater_role_parse(component), &pc, err) < 0 ||
	    rubric_parse(text, len, component, &r, err) < 0) {
		free(text);
		return NULL;
	}
	j = json_pack("{s:i, s:i, s:b, s:{s:I, s:I, s:I, s:I}}", "points", r->points, "criteria",
		      (int)r->n_criteria, "instructions", pc.instructions, "practice", "tasks",
		      (json_int_t)pc.tasks, "required", (json_int_t)pc.required, "raters",
		      (json_int_t)pc.raters, "raters_ready", (json_int_t)pc.raters_ready);
	rubric_free(&r);
	free(text);
	return j;
}

static const char *state_name(enum round_state s)
{
	return s == ROUND_OPEN ? "open" : s == ROUND_CLOSED ? "closed" : "draft";
}

/* Everything status reports, as one JSON value (also the source of the
 * text form, so the two never disagree). */
static json_t *status_json(struct store *st, struct simsa_err *err)
{
	struct round_info ri;
	struct store_counts c;
	struct missing_ctx m = { 0 };
	json_t *j = NULL, *entrants = NULL, *raters = NULL, *problems = NULL, *exp = NULL,
	       *usr = NULL, *opening = NULL, *slots_u = NULL, *slots_x = NULL;

	if (store_round_info(st, &ri, err) < 0 || store_counts(st, &c, err) < 0)
		return NULL;
	entrants = json_array();
	raters = json_array();
	problems = json_array();
	m.list = json_array();
	m.need = c.entrants;
	exp = rubric_json(st, "expert", err);
	usr = exp ? rubric_json(st, "user", err) : NULL;
	opening = usr ? opening_json(st, err) : NULL;
	slots_u = opening ? slots_json(st, ROLE_USER, err) : NULL;
	slots_x = slots_u ? slots_json(st, ROLE_EXPERT, err) : NULL;
	if (!slots_x)
		goto fail;
	/* who wrote how many outputs is not shown once outputs are blind */
	if ((ri.state == ROUND_DRAFT && store_each_entrant(st, add_entrant, entrants, err) < 0) ||
	    store_each_incomplete_prompt(st, add_missing, &m, err) < 0 ||
	    store_each_rater(st, add_rater, raters, err) < 0 ||
	    (ri.state == ROUND_DRAFT && opening_problems(st, problems, err) < 0))
		goto fail;
	j = json_pack("{s:o, s:o, s:o, s:s, s:i, s:{s:o, s:o}, s:I, s:I, s:I, s:I, s:o, s:o, "
		      "s:o, s:o, s:o, s:{s:o, s:o}}",
		      "round_id", cli_jtext(ri.round_id), "title", cli_jtext(ri.title),
		      "created_at", cli_jtext(ri.created_at), "state", state_name(ri.state),
		      "schema_version", ri.schema_version, "rubrics", "expert", exp, "user", usr,
		      "entrants", (json_int_t)c.entrants, "prompts", (json_int_t)c.prompts,
		      "outputs", (json_int_t)c.outputs, "outputs_expected",
		      (json_int_t)c.outputs_expected, "per_entrant", entrants, "missing_outputs",
		      m.list, "raters", raters, "opening", opening, "problems", problems, "slots",
		      "user", slots_u, "expert_outputs", slots_x);
	if (!j)
		err_set(err, "out of memory");
	return j;
fail:
	json_decref(entrants);
	json_decref(raters);
	json_decref(problems);
	json_decref(m.list);
	json_decref(exp);
	json_decref(usr);
	json_decref(opening);
	json_decref(slots_u);
	json_decref(slots_x);
	return NULL;
}

static void print_rubric(const char *component, json_t *r)
{
	json_t *p = json_object_get(r, "practice");

	if (json_is_null(r)) {
		printf("  %-7s none\n", component);
		return;
	}
	if (json_integer_value(json_object_get(r, "criteria")) > 0)
		printf("  %-7s %lld points, %lld criteria", component,
		       json_integer_value(json_object_get(r, "points")),
		       json_integer_value(json_object_get(r, "criteria")));
	else
		printf("  %-7s %lld points, pairwise preference", component,
		       json_integer_value(json_object_get(r, "points")));
	printf("; %s", json_is_true(json_object_get(r, "instructions")) ? "instructions"
									: "no instructions");
	if (json_integer_value(json_object_get(p, "tasks")) > 0)
		printf("; practice %lld, %lld required",
		       json_integer_value(json_object_get(p, "tasks")),
		       json_integer_value(json_object_get(p, "required")));
	if (json_integer_value(json_object_get(p, "required")) > 0)
		printf(" (%lld of %lld %s raters have done them)",
		       json_integer_value(json_object_get(p, "raters_ready")),
		       json_integer_value(json_object_get(p, "raters")), component);
	printf("\n");
}

static void print_slots(const char *what, json_t *s)
{
	long long total = json_integer_value(json_object_get(s, "total"));

	if (total == 0)
		return;
	printf("%-15s %lld of %lld complete, %lld in progress, %lld not started\n", what,
	       json_integer_value(json_object_get(s, "complete")), total,
	       json_integer_value(json_object_get(s, "partial")),
	       json_integer_value(json_object_get(s, "untouched")));
}

static void print_status_text(json_t *j)
{
	json_t *v, *miss = json_object_get(j, "missing_outputs");
	size_t i;

#define S(k) cli_text(json_string_value(json_object_get(j, k)))
#define I(k) json_integer_value(json_object_get(j, k))
	printf("round     %s\n", S("title"));
	printf("id        %s (created %s, schema %lld)\n", S("round_id"), S("created_at"),
	       I("schema_version"));
	printf("state     %s\n", S("state"));
	printf("rubrics\n");
	print_rubric("expert", json_object_get(json_object_get(j, "rubrics"), "expert"));
	print_rubric("user", json_object_get(json_object_get(j, "rubrics"), "user"));
	printf("entrants  %lld\n", I("entrants"));
	json_array_foreach(json_object_get(j, "per_entrant"), i, v)
		printf("  %s %lld outputs\n",
		       cli_pad(json_string_value(json_object_get(v, "name")), 24),
		       json_integer_value(json_object_get(v, "outputs")));
	printf("prompts   %lld\n", I("prompts"));
	printf("raters    %zu\n", json_array_size(json_object_get(j, "raters")));
	json_array_foreach(json_object_get(j, "raters"), i, v) {
		printf("  %s %s %lld of %lld tasks done",
		       cli_pad(json_string_value(json_object_get(v, "name")), 24),
		       cli_pad(json_string_value(json_object_get(v, "role")), 8),
		       json_integer_value(json_object_get(v, "done")),
		       json_integer_value(json_object_get(v, "tasks")));
		if (json_integer_value(json_object_get(v, "drafts")))
			printf(", %lld drafts", json_integer_value(json_object_get(v, "drafts")));
		printf("%s%s\n",
		       json_is_true(json_object_get(v, "late")) ? " (enrolled after open)" : "",
		       json_is_true(json_object_get(v, "ssh_key")) ? ", station ssh key" : "");
	}
	printf("outputs   %lld of %lld\n", I("outputs"), I("outputs_expected"));
	json_array_foreach(miss, i, v) {
		if (i == 10) {
			printf("  ... and %zu more prompts lacking outputs\n",
			       json_array_size(miss) - 10);
			break;
		}
		printf("  missing: prompt %s has %lld of %lld outputs\n",
		       cli_text(json_string_value(json_object_get(v, "prompt"))),
		       json_integer_value(json_object_get(v, "have")),
		       json_integer_value(json_object_get(v, "need")));
	}
	if (json_is_object(json_object_get(j, "opening"))) {
		json_t *o = json_object_get(j, "opening");

		printf("opened    %s\n",
		       cli_text(json_string_value(json_object_get(o, "opened_at"))));
		printf("  manifest hash    %s\n",
		       cli_text(json_string_value(json_object_get(o, "manifest_hash"))));
		printf("  seed commitment  %s\n",
		       cli_text(json_string_value(json_object_get(o, "seed_commitment"))));
		print_slots("user slots", json_object_get(json_object_get(j, "slots"), "user"));
		print_slots("expert outputs",
			    json_object_get(json_object_get(j, "slots"), "expert_outputs"));
	} else if (json_array_size(json_object_get(j, "problems")) == 0) {
		printf("ready     all inputs present: simsa open can run\n");
	} else {
		json_array_foreach(json_object_get(j, "problems"), i, v)
			printf("to do     %s\n", cli_text(json_string_value(v)));
	}
#undef S
#undef I
}

struct status_args {
	enum out_format fmt;
};

static const struct cli_opt status_opts[] = {
	CLI_OPT("format", 'f', NULL, OPT_FORMAT, offsetof(struct status_args, fmt), 0,
		"text, or json: machine-readable output",
		.formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON)),
	{ 0 },
};

const struct cli_spec spec_status = {
	"what the round holds and what is missing", "ROUND.db", NULL, status_opts, NULL,
};

int cmd_status(int argc, char **argv)
{
	struct status_args a = { FMT_TEXT };
	char *pos[CLI_MAX_ARGS];
	struct simsa_err err;
	struct store *st = NULL;
	json_t *j;
	int rc = cli_parse(&spec_status, "status", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (store_open_read(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	j = status_json(st, &err);
	store_close(&st);
	if (!j)
		return cli_fail(&err);
	if (a.fmt == FMT_JSON) {
		(void)cli_json(stdout, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	} else {
		print_status_text(j);
	}
	json_decref(j);
	return EXIT_OK;
}
