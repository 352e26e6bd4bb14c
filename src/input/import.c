/* import — JSON Lines into a draft round (see include/simsa/import.h). */
#include "simsa/import.h"
#include <stdbool.h>

#include <stdlib.h>
#include <string.h>

#include "simsa/jsonl.h"

/* What an import has seen so far in its file: key -> line number, so a
 * duplicate can name the line of its twin. A jansson object is the map. */
struct seen {
	json_t *map;
};

static int seen_check(struct seen *s, const struct jsonl_reader *r, const char *key,
		      const char *field, const char *what, struct simsa_err *err)
{
	json_t *prev = json_object_get(s->map, key);

	if (prev)
		return jsonl_field_err(r, field, err, "duplicate %s (first on line %lld)", what,
				       (long long)json_integer_value(prev));
	if (json_object_set_new(s->map, key, json_integer(r->lineno)) < 0)
		return err_set(err, "out of memory");
	return 0;
}

/* clang-format off */
static const char *const entrant_keys[] = {
	"name", "team", "model", "endpoint", "api_key_env", "params", "system", "aliases", NULL
};
/* clang-format on */

static bool env_name_ok(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Checks an optional JSON value's type and returns its compact text (or
 * NULL when absent) in *out, which the caller frees. */
static int compact_json(const struct jsonl_reader *r, json_t *obj, const char *key, json_type type,
			char **out, struct simsa_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) != type)
		return jsonl_field_err(r, key, err, "expected %s, got %s",
				       type == JSON_OBJECT ? "an object" : "an array",
				       jsonl_type_name(v));
	/* 15 significant digits keep 0.7 as "0.7"; if that would change a
	 * number, use the 17 that always give back the same double. */
	*out = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	if (*out) {
		json_t *back = json_loads(*out, 0, NULL);
		bool same = back && json_equal(back, v);

		json_decref(back);
		if (!same) {
			free(*out);
			*out = json_dumps(v,
					  JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
		}
	}
	if (!*out)
		return err_set(err, "out of memory");
	return 0;
}

static int check_aliases(const struct jsonl_reader *r, json_t *obj, struct simsa_err *err)
{
	json_t *a = json_object_get(obj, "aliases"), *v;
	size_t i;

	if (!a || !json_is_array(a))
		return 0;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 200)
			return jsonl_field_err(r, "aliases", err,
					       "item %zu: expected a non-empty "
					       "string of at most 200 bytes",
					       i + 1);
	}
	return 0;
}

/* Whether an http(s) URL carries userinfo ("user:password@") in its
 * authority, the part between "://" and the first '/', '?' or '#'. */
static bool url_has_userinfo(const char *url)
{
	const char *a = strstr(url, "://");

	if (!a)
		return false;
	a += 3;
	return memchr(a, '@', strcspn(a, "/?#")) != NULL;
}

static int one_entrant(struct store *st, struct jsonl_reader *r, json_t *obj, struct seen *seen,
		       struct simsa_err *err)
{
	struct entrant_rec e = { 0 };
	char *params = NULL, *aliases = NULL;
	int rc = -1, found;

	if (jsonl_check_keys(r, obj, entrant_keys, err) < 0 ||
	    jsonl_get_text(r, obj, "name", true, TEXT_SLUG, &e.name, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "team", false, TEXT_LINE, &e.team, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "model", false, TEXT_LINE, &e.model, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "endpoint", false, TEXT_LINE, &e.endpoint, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "api_key_env", false, TEXT_LINE, &e.api_key_env, NULL, err) <
		    0 ||
	    jsonl_get_text(r, obj, "system", false, TEXT_NONBLANK, &e.system, NULL, err) < 0 ||
	    compact_json(r, obj, "params", JSON_OBJECT, &params, err) < 0 ||
	    compact_json(r, obj, "aliases", JSON_ARRAY, &aliases, err) < 0 ||
	    check_aliases(r, obj, err) < 0)
		goto out;
	if (e.endpoint && strncmp(e.endpoint, "http://", 7) != 0 &&
	    strncmp(e.endpoint, "https://", 8) != 0) {
		jsonl_field_err(r, "endpoint", err, "expected an http:// or https:// URL");
		goto out;
	}
	if (e.endpoint && url_has_userinfo(e.endpoint)) {
		/* The message never quotes the URL: it holds a secret. */
		jsonl_field_err(r, "endpoint", err,
				"a URL may not carry credentials (user:password@); "
				"name the variable holding the key with api_key_env");
		goto out;
	}
	if (e.api_key_env && !env_name_ok(e.api_key_env)) {
		jsonl_field_err(r, "api_key_env", err,
				"expected the NAME of an environment "
				"variable (A-Z, 0-9, _), not a key");
		goto out;
	}
	if (e.api_key_env && !e.endpoint) {
		jsonl_field_err(r, "api_key_env", err, "given without an endpoint");
		goto out;
	}
	e.params_json = params;
	e.aliases_json = aliases;
	if (seen_check(seen, r, e.name, "name", "entrant name", err) < 0)
		goto out;
	found = store_find_entrant(st, e.name, NULL, err);
	if (found < 0)
		goto out;
	if (found) {
		jsonl_field_err(r, "name", err, "entrant '%s' is already in the round", e.name);
		goto out;
	}
	rc = store_add_entrant(st, &e, err);
out:
	free(params);
	free(aliases);
	return rc;
}

static const char *const prompt_keys[] = {
	"id", "category", "prompt", "system", "reference", NULL
};

static int one_prompt(struct store *st, struct jsonl_reader *r, json_t *obj, struct seen *seen,
		      struct simsa_err *err)
{
	struct prompt_rec p = { 0 };
	int found;

	if (jsonl_check_keys(r, obj, prompt_keys, err) < 0 ||
	    jsonl_get_text(r, obj, "id", true, TEXT_LINE, &p.id, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "category", true, TEXT_LINE, &p.category, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "prompt", true, TEXT_NONBLANK, &p.prompt, &p.prompt_len, err) <
		    0 ||
	    jsonl_get_text(r, obj, "system", false, TEXT_NONBLANK, &p.system, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "reference", false, TEXT_NONBLANK, &p.reference, NULL, err) <
		    0 ||
	    seen_check(seen, r, p.id, "id", "prompt id", err) < 0)
		return -1;
	found = store_find_prompt(st, p.id, NULL, err);
	if (found < 0)
		return -1;
	if (found)
		return jsonl_field_err(r, "id", err, "prompt '%s' is already in the round", p.id);
	return store_add_prompt(st, &p, err);
}

static const char *const output_keys[] = { "prompt_id", "entrant", "output", NULL };

static int one_output(struct store *st, struct jsonl_reader *r, json_t *obj, struct seen *seen,
		      struct simsa_err *err)
{
	struct output_rec o = { .origin = "import" };
	const char *pid, *ename;
	char *pair;
	int found, rc;

	if (jsonl_check_keys(r, obj, output_keys, err) < 0 ||
	    jsonl_get_text(r, obj, "prompt_id", true, TEXT_LINE, &pid, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "entrant", true, TEXT_LINE, &ename, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "output", true, TEXT_NONBLANK | TEXT_ALLOW_NUL, &o.text,
			   &o.text_len, err) < 0)
		return -1;
	found = store_find_prompt(st, pid, &o.prompt_row, err);
	if (found <= 0)
		return found < 0 ? -1
				 : jsonl_field_err(r, "prompt_id", err, "unknown prompt '%s'", pid);
	found = store_find_entrant(st, ename, &o.entrant_row, err);
	if (found <= 0)
		return found < 0
			       ? -1
			       : jsonl_field_err(r, "entrant", err, "unknown entrant '%s'", ename);
	/* ids are single lines, so a newline cannot occur inside either part */
	pair = malloc(strlen(pid) + strlen(ename) + 2);
	if (!pair)
		return err_set(err, "out of memory");
	snprintf(pair, strlen(pid) + strlen(ename) + 2, "%s\n%s", pid, ename);
	rc = seen_check(seen, r, pair, "entrant", "output for this prompt and entrant", err);
	free(pair);
	if (rc < 0)
		return -1;
	found = store_find_output(st, o.prompt_row, o.entrant_row, NULL, err);
	if (found < 0)
		return -1;
	if (found)
		return jsonl_field_err(r, "entrant", err,
				       "the round already has an output of "
				       "'%s' for prompt '%s'",
				       ename, pid);
	hash_bytes(o.text, o.text_len, o.hash);
	return store_add_output(st, &o, err);
}

/* Gold items: control tasks committed in the manifest (docs/input-formats.md). */
static const char *const gold_keys[] = { "kind", "role", "prompt_id", "better", "worse", NULL };

static int one_gold(struct store *st, struct jsonl_reader *r, json_t *obj, struct seen *seen,
		    struct simsa_err *err)
{
	struct gold_rec g = { 0 };
	const char *kind, *role, *pid, *better, *worse;

	if (jsonl_check_keys(r, obj, gold_keys, err) < 0 ||
	    jsonl_get_text(r, obj, "kind", true, TEXT_LINE, &kind, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "role", true, TEXT_LINE, &role, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "prompt_id", false, TEXT_LINE, &pid, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "better", false, TEXT_LINE, &better, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "worse", false, TEXT_LINE, &worse, NULL, err) < 0)
		return -1;
	g.role = rater_role_parse(role);
	if (g.role != ROLE_USER && g.role != ROLE_EXPERT)
		return jsonl_field_err(r, "role", err, "expected user or expert");
	if (strcmp(kind, "repeat") == 0) {
		if (pid || better || worse)
			return jsonl_field_err(r,
					       pid      ? "prompt_id"
					       : better ? "better"
							: "worse",
					       err, "a repeat item names no prompt or entrants");
	} else if (strcmp(kind, "known") == 0) {
		g.known = true;
		if (!pid || !better || !worse)
			return jsonl_field_err(r,
					       !pid      ? "prompt_id"
					       : !better ? "better"
							 : "worse",
					       err,
					       "missing (a known pair needs prompt_id, better "
					       "and worse)");
		if (store_find_prompt(st, pid, &g.prompt_row, err) != 1)
			return jsonl_field_err(r, "prompt_id", err, "unknown prompt '%s'", pid);
		if (store_find_entrant(st, better, &g.better_row, err) != 1)
			return jsonl_field_err(r, "better", err, "unknown entrant '%s'", better);
		if (store_find_entrant(st, worse, &g.worse_row, err) != 1)
			return jsonl_field_err(r, "worse", err, "unknown entrant '%s'", worse);
		if (g.better_row == g.worse_row)
			return jsonl_field_err(r, "worse", err, "the same entrant as better");
	} else {
		return jsonl_field_err(r, "kind", err, "expected repeat or known");
	}
	return store_add_gold(st, &g, err);
}

/* Practice tasks: shown to raters, never signed or counted
 * (docs/input-formats.md, "Practice tasks"). */
static const char *const practice_keys[] = { "id", "role",      "required", "prompt",  "a",
					     "b",  "reference", "note_ko",  "note_en", NULL };

static int one_practice(struct store *st, struct jsonl_reader *r, json_t *obj, struct seen *seen,
			struct simsa_err *err)
{
	struct in_practice p = { 0 };
	const char *role;
	json_t *req = json_object_get(obj, "required");
	char *rubric = NULL;
	size_t rubric_len;
	int found;

	if (jsonl_check_keys(r, obj, practice_keys, err) < 0 ||
	    jsonl_get_text(r, obj, "id", true, TEXT_LINE, (const char **)&p.id, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "role", true, TEXT_LINE, &role, NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "prompt", true, TEXT_NONBLANK, (const char **)&p.prompt, NULL,
			   err) < 0 ||
	    jsonl_get_text(r, obj, "a", true, TEXT_NONBLANK, (const char **)&p.answer[0], NULL,
			   err) < 0 ||
	    jsonl_get_text(r, obj, "b", true, TEXT_NONBLANK, (const char **)&p.answer[1], NULL,
			   err) < 0 ||
	    jsonl_get_text(r, obj, "reference", false, TEXT_NONBLANK, (const char **)&p.reference,
			   NULL, err) < 0 ||
	    jsonl_get_text(r, obj, "note_ko", false, TEXT_NONBLANK, (const char **)&p.note[0], NULL,
			   err) < 0 ||
	    jsonl_get_text(r, obj, "note_en", false, TEXT_NONBLANK, (const char **)&p.note[1], NULL,
			   err) < 0 ||
	    seen_check(seen, r, p.id, "id", "practice id", err) < 0)
		return -1;
	p.role = rater_role_parse(role);
	if (p.role != ROLE_USER && p.role != ROLE_EXPERT)
		return jsonl_field_err(r, "role", err, "expected user or expert");
	if (req && !json_is_null(req) && !json_is_boolean(req))
		return jsonl_field_err(r, "required", err, "expected true or false, got %s",
				       jsonl_type_name(req));
	p.required = req && json_is_true(req);
	for (int l = 0; l < 2; l++)
		if (p.note[l] && strlen(p.note[l]) > PRACTICE_NOTE_MAX)
			return jsonl_field_err(
				r, l ? "note_en" : "note_ko", err,
				"longer than %d bytes (a note is shown on the screen after the task)",
				PRACTICE_NOTE_MAX);
	if (!p.note[0] != !p.note[1])
		return jsonl_field_err(r, p.note[0] ? "note_en" : "note_ko", err,
				       "missing (a note is given in both Korean and English)");
	if (p.reference && p.role != ROLE_EXPERT)
		return jsonl_field_err(r, "reference", err, "shown to experts only");
	found = store_get_rubric(st, rater_role_name(p.role), &rubric, &rubric_len, err);
	free(rubric);
	if (found < 0)
		return -1;
	if (!found)
		return jsonl_field_err(r, "role", err, "the round has no %s rubric", role);
	found = store_find_practice(st, p.id, err);
	if (found < 0)
		return -1;
	if (found)
		return jsonl_field_err(r, "id", err, "practice task '%s' is already in the round",
				       p.id);
	return store_add_practice(st, &p, err);
}

typedef int (*one_fn)(struct store *, struct jsonl_reader *, json_t *, struct seen *,
		      struct simsa_err *);

static const struct {
	const char *name;
	one_fn one;
} kinds[] = {
	[IMPORT_ENTRANTS] = { "entrants", one_entrant },
	[IMPORT_PROMPTS] = { "prompts", one_prompt },
	[IMPORT_OUTPUTS] = { "outputs", one_output },
	[IMPORT_GOLD] = { "gold", one_gold },
	[IMPORT_PRACTICE] = { "practice", one_practice },
};

const char *import_kind_name(enum import_kind kind)
{
	return kinds[kind].name;
}

int import_file(struct store *st, enum import_kind kind, const char *path,
		struct import_result *res, struct simsa_err *err)
{
	struct jsonl_reader r;
	struct seen seen = { json_object() };
	json_t *obj = NULL;
	int rc;

	memset(res, 0, sizeof *res);
	if (!seen.map)
		return err_set(err, "out of memory");
	if (jsonl_open(&r, path, err) < 0) {
		json_decref(seen.map);
		return -1;
	}
	if (store_begin(st, err) < 0)
		goto fail;
	if (store_require_draft(st, err) < 0)
		goto fail;
	while ((rc = jsonl_next(&r, &obj, err)) > 0) {
		rc = kinds[kind].one(st, &r, obj, &seen, err);
		json_decref(obj);
		if (rc < 0)
			goto fail;
		res->records++;
	}
	if (rc < 0)
		goto fail;
	if (res->records == 0) {
		err_set(err, "%s: no records: the file has no JSON lines", path);
		goto fail;
	}
	jsonl_file_hash(&r, res->file_hash);
	if (store_log_import(st, kinds[kind].name, path, res->file_hash, res->records, err) < 0 ||
	    store_commit(st, err) < 0)
		goto fail;
	jsonl_close(&r);
	json_decref(seen.map);
	return 0;
fail:
	store_rollback(st);
	jsonl_close(&r);
	json_decref(seen.map);
	res->records = 0;
	return -1;
}
