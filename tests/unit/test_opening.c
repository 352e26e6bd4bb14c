/* Unit tests: opening a round (src/round/opening.c with the store, keys,
 * manifest, statements and assignment it uses). */
#include "testutil.h"

#include <sodium.h>

#include "simsa/assign.h"
#include "simsa/audit.h"
#include "simsa/closing.h"
#include "simsa/enc.h"
#include "simsa/import.h"
#include "simsa/keyfile.h"
#include "simsa/manifest.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/statement.h"
#include "simsa/store.h"
#include "simsa/store_read.h"

static const struct keyfile_kdf fast = { KEYFILE_OPSLIMIT_MIN, KEYFILE_MEMLIMIT_MIN };

struct fx {
	char *dir;
	char db[512];
	struct store *st;
	struct secret_key *org;
	unsigned char org_pk[32];
};

static const char ENTRANTS[] =
	"{\"name\": \"alpha\", \"team\": \"알파랩\", \"model\": \"Alpha-1\"}\n"
	"{\"name\": \"beta\", \"team\": \"베타\", \"model\": \"Beta-2\"}\n"
	"{\"name\": \"gamma\", \"team\": \"감마\", \"model\": \"Gamma-3\"}\n";

static const char PROMPTS[] =
	"{\"id\": \"p1\", \"category\": \"reasoning\", \"prompt\": \"첫째 질문\"}\n"
	"{\"id\": \"p2\", \"category\": \"writing\", \"prompt\": \"둘째 질문\"}\n"
	"{\"id\": \"p3\", \"category\": \"reasoning\", \"prompt\": \"셋째 질문\"}\n"
	"{\"id\": \"p4\", \"category\": \"coding\", \"prompt\": \"넷째 질문\"}\n";

static void import_text(struct fx *f, enum import_kind kind, const char *text)
{
	struct import_result res;
	struct simsa_err err;
	char *path = write_file(f->dir, "in.jsonl", text);

	if (import_file(f->st, kind, path, &res, &err) < 0)
		fail_msg("%s", err.msg);
	free(path);
}

/* Every prompt answered by every entrant, each text distinct. */
static void import_outputs(struct fx *f, const char *skip_prompt)
{
	static const char *const ents[] = { "alpha", "beta", "gamma" };
	char text[4096] = "";
	size_t n = 0;

	for (int p = 1; p <= 4; p++)
		for (int e = 0; e < 3; e++) {
			char pid[16];

			snprintf(pid, sizeof pid, "p%d", p);
			if (skip_prompt && strcmp(pid, skip_prompt) == 0 && e == 2)
				continue;
			n += (size_t)snprintf(text + n, sizeof text - n,
					      "{\"prompt_id\": \"%s\", \"entrant\": \"%s\", "
					      "\"output\": \"답변 %d-%d: 내용\"}\n",
					      pid, ents[e], p, e);
		}
	import_text(f, IMPORT_OUTPUTS, text);
}

static void enrol(struct fx *f, const char *name, enum rater_role role)
{
	char path[600];
	unsigned char pk[32];
	struct simsa_err err;

	snprintf(path, sizeof path, "%s/%s.key", f->dir, name);
	if (keyfile_create(path, "pw", 2, &fast, pk, &err) < 0 ||
	    rater_enrol(f->st, f->org, name, role, pk, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

static void enrol_panel(struct fx *f)
{
	char name[24];

	for (int i = 1; i <= 6; i++) { /* 3 entrants: 3 pairs x 2 per slot */
		snprintf(name, sizeof name, "user%d", i);
		enrol(f, name, ROLE_USER);
	}
	for (int i = 1; i <= 3; i++) {
		snprintf(name, sizeof name, "expert%d", i);
		enrol(f, name, ROLE_EXPERT);
	}
	enrol(f, "auditor", ROLE_AUDITOR);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct simsa_err err;
	char key[600];

	f->dir = tmpdir_make();
	snprintf(f->db, sizeof f->db, "%s/round.db", f->dir);
	snprintf(key, sizeof key, "%s/organizer.key", f->dir);
	if (keyfile_create(key, "org", 3, &fast, f->org_pk, &err) < 0 ||
	    keyfile_unlock(key, "org", 3, &f->org, &err) < 0 ||
	    round_init(f->db, "개방 시험", NULL, 0, f->org_pk, &err) < 0 ||
	    store_open(f->db, &f->st, &err) < 0)
		fail_msg("%s", err.msg);
	import_text(f, IMPORT_ENTRANTS, ENTRANTS);
	import_text(f, IMPORT_PROMPTS, PROMPTS);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(&f->st);
	secret_key_free(&f->org);
	tmpdir_remove(&f->dir);
	free(f);
	return 0;
}

/* Reads a whole file (the round file or its WAL) into memory. */
static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;

	*n = 0;
	if (!fp)
		return calloc(1, 1);
	fseek(fp, 0, SEEK_END);
	*n = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(*n + 1);
	assert_int_equal(fread(buf, 1, *n, fp), *n);
	fclose(fp);
	return buf;
}

static size_t occurrences(const unsigned char *hay, size_t n, const unsigned char *needle, size_t m)
{
	size_t count = 0;

	for (size_t i = 0; i + m <= n; i++)
		count += memcmp(hay + i, needle, m) == 0;
	return count;
}

static void test_open_refuses_incomplete_round(void **state)
{
	struct fx *f = *state;
	struct open_result res;
	struct simsa_err err;
	json_t *problems = json_array();

	import_outputs(f, "p3"); /* gamma never answered p3 */
	assert_int_equal(opening_problems(f->st, problems, &err), 0);
	assert_int_equal(round_open(f->st, f->org, &res, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "the round cannot open yet"));
	assert_non_null(strstr(err.msg, "1 prompts lack an output from every entrant"));
	assert_non_null(strstr(err.msg, "no users enrolled"));
	assert_non_null(strstr(err.msg, "no experts enrolled"));
	assert_true(json_array_size(problems) >= 3);
	json_decref(problems);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM round WHERE state = 'draft'"), 1);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM task"), 0);
}

static void test_open_refuses_too_few_users(void **state)
{
	struct fx *f = *state;
	struct open_result res;
	struct simsa_err err;

	import_outputs(f, NULL);
	enrol(f, "user1", ROLE_USER);
	for (int i = 1; i <= 3; i++) {
		char name[24];

		snprintf(name, sizeof name, "expert%d", i);
		enrol(f, name, ROLE_EXPERT);
	}
	assert_int_equal(round_open(f->st, f->org, &res, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "at least 6 users are needed; the round has 1"));
}

static void test_open_refuses_another_key(void **state)
{
	struct fx *f = *state;
	struct secret_key *other = NULL;
	struct open_result res;
	struct simsa_err err;
	unsigned char pk[32];
	char key[600];

	import_outputs(f, NULL);
	enrol_panel(f);
	snprintf(key, sizeof key, "%s/other.key", f->dir);
	assert_int_equal(keyfile_create(key, "x", 1, &fast, pk, &err), 0);
	assert_int_equal(keyfile_unlock(key, "x", 1, &other, &err), 0);
	assert_int_equal(round_open(f->st, other, &res, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "not this round's organizer key"));
	secret_key_free(&other);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM round WHERE state = 'draft'"), 1);
}

static void test_open_commits_signs_and_blinds(void **state)
{
	struct fx *f = *state;
	struct round_inputs in;
	struct open_result res;
	struct opening_rec op;
	struct simsa_err err;
	unsigned char seed[32], commit[32];
	struct buf msg = { 0 };
	unsigned char(*hashes)[32];
	size_t n_out;

	import_outputs(f, NULL);
	enrol_panel(f);
	/* remember the output hashes and the enrolments before open */
	assert_int_equal(store_load_inputs(f->st, &in, &err), 0);
	n_out = in.n_outputs;
	assert_int_equal(n_out, 12);
	hashes = malloc(n_out * 32);
	for (size_t i = 0; i < n_out; i++)
		memcpy(hashes[i], in.outputs[i].hash, 32);
	/* every enrolment carries the organizer's signature over its statement */
	for (size_t i = 0; i < in.n_raters; i++) {
		struct enrolment e = { in.info.round_id,
				       in.raters[i].name,
				       rater_role_name(in.raters[i].role),
				       in.raters[i].public_key,
				       in.raters[i].categories_json,
				       false,
				       in.raters[i].enrolled_at };
		struct buf b = { 0 };

		statement_enrolment(&b, &e);
		assert_int_equal(
			crypto_sign_verify_detached(in.raters[i].signature, b.p, b.n, f->org_pk),
			0);
		buf_release(&b);
	}
	round_inputs_release(&in);

	if (round_open(f->st, f->org, &res, seed, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.n_outputs, 12);
	/* users: 4 prompts x 3 pairs x 2; experts: 4 prompts x 3 outputs x 2 / 2 */
	assert_int_equal(res.n_tasks, 24 + 12);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM task"), 36);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM round WHERE state = 'open'"), 1);

	/* the commitment is the keyed hash of the seed; the organizer signed it */
	seed_commitment(seed, "", res.manifest_hash, commit);
	assert_memory_not_equal(commit, res.seed_commitment, 32); /* bound to the round id */
	assert_int_equal(store_get_opening(f->st, &op, &err), 1);
	struct round_info ri;
	assert_int_equal(store_round_info(f->st, &ri, &err), 0);
	seed_commitment(seed, ri.round_id, res.manifest_hash, commit);
	assert_memory_equal(commit, op.seed_commitment, 32);
	unsigned char *sealed, sealed_hash[32];
	size_t sealed_len;
	assert_int_equal(store_get_sealed(f->st, &sealed, &sealed_len, &err), 0);
	crypto_generichash(sealed_hash, 32, sealed, sealed_len, NULL, 0);
	free(sealed);
	statement_opening(&msg, ri.round_id, op.manifest_hash, op.seed_commitment,
			  op.assignment_hash, op.opened_at, sealed_hash);
	assert_int_equal(crypto_sign_verify_detached(op.signature, msg.p, msg.n, f->org_pk), 0);
	msg.p[msg.n - 1] ^= 1;
	assert_int_not_equal(crypto_sign_verify_detached(op.signature, msg.p, msg.n, f->org_pk), 0);
	buf_release(&msg);

	/* no table links an output to its entrant: the draft outputs are gone
	 * and the blind table has no entrant column */
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM output"), 0);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM blind_output"), 12);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM pragma_table_info('blind_output') "
					"WHERE name LIKE '%entrant%'"),
			 0);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM pragma_table_info('task') "
					"WHERE name LIKE '%entrant%'"),
			 0);
	assert_int_equal(sql_int(f->db, "PRAGMA freelist_count"), 0);

	/* the file and its WAL: the seed nowhere; each output hash exactly
	 * once (a removed draft row left in a free page would make it twice) */
	store_close(&f->st);
	char wal[600];
	size_t n_db, n_wal;

	snprintf(wal, sizeof wal, "%s-wal", f->db);
	unsigned char *db = slurp(f->db, &n_db), *w = slurp(wal, &n_wal);

	assert_int_equal(occurrences(db, n_db, seed, 32) + occurrences(w, n_wal, seed, 32), 0);
	for (size_t i = 0; i < n_out; i++)
		assert_int_equal(occurrences(db, n_db, hashes[i], 32) +
					 occurrences(w, n_wal, hashes[i], 32),
				 1);
	free(db);
	free(w);
	free(hashes);
	assert_int_equal(store_open(f->db, &f->st, &err), 0);
}

/* The stored tasks are the assignment replayed from (seed, manifest). */
static void test_tasks_replay_from_seed(void **state)
{
	struct fx *f = *state;
	struct open_result res;
	struct simsa_err err;
	struct assign_input a = { 0 };
	struct assign_result ar = { 0 };
	struct assign_rater raters[10];
	unsigned char seed[32], h[32];

	import_outputs(f, NULL);
	enrol_panel(f);
	if (round_open(f->st, f->org, &res, seed, &err) < 0)
		fail_msg("%s", err.msg);
	memset(raters, 0, sizeof raters);
	for (int i = 0; i < 6; i++)
		raters[i].role = ASSIGN_USER;
	for (int i = 6; i < 9; i++)
		raters[i].role = ASSIGN_EXPERT;
	raters[9].role = ASSIGN_AUDITOR;
	memcpy(a.seed, seed, 32);
	memcpy(a.manifest_hash, res.manifest_hash, 32);
	a.n_entrants = 3;
	a.n_prompts = 4;
	a.n_raters = 10;
	a.raters = raters;
	a.user_raters_per_slot = 2;      /* the default user rubric */
	a.expert_ratings_per_output = 2; /* the default expert rubric */
	assert_int_equal(assign_run(&a, &ar, &err), 0);
	assign_hash(&ar, h);
	assert_memory_equal(h, res.assignment_hash, 32);
	/* each user's stored tasks: distinct prompts, in the replayed order */
	for (int r = 0; r < 6; r++) {
		char q[256];

		snprintf(q, sizeof q,
			 "SELECT count(DISTINCT t.prompt_id) FROM task t JOIN rater r ON "
			 "r.id = t.rater_id WHERE r.name = 'user%d'",
			 r + 1);
		assert_int_equal(sql_int(f->db, q), (long long)(ar.first[r + 1] - ar.first[r]));
	}
	assign_result_release(&ar);
	/* another seed gives other tasks */
	seed[0] ^= 1;
	memcpy(a.seed, seed, 32);
	assert_int_equal(assign_run(&a, &ar, &err), 0);
	assign_hash(&ar, h);
	assert_memory_not_equal(h, res.assignment_hash, 32);
	assign_result_release(&ar);
}

static void test_frozen_after_open(void **state)
{
	struct fx *f = *state;
	struct open_result res;
	struct simsa_err err;
	unsigned char pk[32] = { 1 };

	import_outputs(f, NULL);
	enrol_panel(f);
	if (round_open(f->st, f->org, &res, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(round_open(f->st, f->org, &res, NULL, &err), -1);
	/* a rater enrolled now joins late, with tasks of their own */
	assert_int_equal(rater_enrol(f->st, f->org, "late", ROLE_USER, pk, NULL, &err), 0);
	assert_int_equal(sql_int(f->db, "SELECT late FROM rater WHERE name = 'late'"), 1);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM task t JOIN rater r ON r.id = "
					"t.rater_id WHERE r.name = 'late'"),
			 4);
	/* the file refuses edits of what raters are judged on */
	assert_int_not_equal(sql_exec(f->db, "UPDATE blind_output SET text = 'x'"), SQLITE_OK);
	assert_int_not_equal(sql_exec(f->db, "DELETE FROM task"), SQLITE_OK);
	assert_int_not_equal(sql_exec(f->db, "UPDATE opening SET seed_commitment = zeroblob(32)"),
			     SQLITE_OK);
	assert_int_not_equal(sql_exec(f->db, "UPDATE prompt SET prompt = 'x'"), SQLITE_OK);
	assert_int_not_equal(sql_exec(f->db, "UPDATE rater SET role = 'expert'"), SQLITE_OK);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM blind_output WHERE text = 'x'"), 0);
}

static void test_manifest_covers_inputs(void **state)
{
	struct fx *f = *state;
	struct round_inputs in;
	struct simsa_err err;
	unsigned char salt[32] = { 7 }, h1[32], h2[32];

	import_outputs(f, NULL);
	enrol_panel(f);
	assert_int_equal(store_load_inputs(f->st, &in, &err), 0);
	manifest_hash(&in, salt, h1);
	manifest_hash(&in, salt, h2);
	assert_memory_equal(h1, h2, 32);
	/* each kind of input changes it */
	in.outputs[5].hash[0] ^= 1;
	manifest_hash(&in, salt, h2);
	assert_memory_not_equal(h1, h2, 32);
	in.outputs[5].hash[0] ^= 1;
	in.outputs[5].entrant = (in.outputs[5].entrant + 1) % 3;
	manifest_hash(&in, salt, h2);
	assert_memory_not_equal(h1, h2, 32);
	in.outputs[5].entrant = (in.outputs[5].entrant + 2) % 3;
	in.raters[0].public_key[3] ^= 1;
	manifest_hash(&in, salt, h2);
	assert_memory_not_equal(h1, h2, 32);
	in.raters[0].public_key[3] ^= 1;
	in.rubrics[0].text[10] ^= 1;
	manifest_hash(&in, salt, h2);
	assert_memory_not_equal(h1, h2, 32);
	in.rubrics[0].text[10] ^= 1;
	/* the title and creation time shown by every reader (issue 13) */
	in.info.title[0] ^= 1;
	manifest_hash(&in, salt, h2);
	assert_memory_not_equal(h1, h2, 32);
	in.info.title[0] ^= 1;
	in.info.created_at[3] ^= 1;
	manifest_hash(&in, salt, h2);
	assert_memory_not_equal(h1, h2, 32);
	in.info.created_at[3] ^= 1;
	salt[0] ^= 1;
	manifest_hash(&in, salt, h2);
	assert_memory_not_equal(h1, h2, 32);
	salt[0] ^= 1;
	manifest_hash(&in, salt, h2);
	assert_memory_equal(h1, h2, 32);
	round_inputs_release(&in);
}

/* A round with only the user rubric needs no experts. */
static void test_users_only_round(void **state)
{
	char dir_db[600], key[600];
	struct secret_key *org = NULL;
	struct store *st = NULL;
	struct open_result res;
	struct simsa_err err;
	unsigned char pk[32];
	char *rubric[1] = { "rubrics/user.rubric" };
	struct fx *f = *state;

	snprintf(dir_db, sizeof dir_db, "%s/users.db", f->dir);
	snprintf(key, sizeof key, "%s/org2.key", f->dir);
	if (keyfile_create(key, "o", 1, &fast, pk, &err) < 0 ||
	    keyfile_unlock(key, "o", 1, &org, &err) < 0 ||
	    round_init(dir_db, "사용자 평가만", rubric, 1, pk, &err) < 0 ||
	    store_open(dir_db, &st, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&f->st);
	f->st = st;
	import_text(f, IMPORT_ENTRANTS, ENTRANTS);
	import_text(f, IMPORT_PROMPTS, PROMPTS);
	import_outputs(f, NULL);
	secret_key_free(&f->org);
	f->org = org;
	for (int i = 1; i <= 6; i++) {
		char name[16];

		snprintf(name, sizeof name, "user%d", i);
		enrol(f, name, ROLE_USER);
	}
	if (round_open(f->st, f->org, &res, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.n_tasks, 4 * 3 * 2); /* user tasks only */
	assert_int_equal(sql_int(dir_db, "SELECT count(*) FROM rubric"), 1);
}

/* Gold items are committed in the manifest and reach every rater of their
 * role; bad items are refused with line and field. */
static void test_gold_items(void **state)
{
	struct fx *f = *state;
	struct open_result res;
	struct simsa_err err;
	struct import_result ir;
	char *bad;

	import_outputs(f, NULL);
	enrol_panel(f);
	bad = write_file(f->dir, "bad.jsonl",
			 "{\"kind\": \"known\", \"role\": \"user\", "
			 "\"prompt_id\": \"p1\", \"better\": \"alpha\", \"worse\": \"alpha\"}\n");
	assert_int_equal(import_file(f->st, IMPORT_GOLD, bad, &ir, &err), -1);
	assert_non_null(strstr(err.msg, "bad.jsonl:1: field 'worse': the same entrant as better"));
	free(bad);
	bad = write_file(f->dir, "bad.jsonl", "{\"kind\": \"repeat\", \"role\": \"auditor\"}\n");
	assert_int_equal(import_file(f->st, IMPORT_GOLD, bad, &ir, &err), -1);
	assert_non_null(strstr(err.msg, "field 'role': expected user or expert"));
	free(bad);
	import_text(f, IMPORT_GOLD,
		    "{\"kind\": \"repeat\", \"role\": \"user\"}\n"
		    "{\"kind\": \"known\", \"role\": \"user\", \"prompt_id\": \"p2\", "
		    "\"better\": \"beta\", \"worse\": \"gamma\"}\n");
	if (round_open(f->st, f->org, &res, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	/* each of the 6 users: 4 normal tasks, one repeat, one known pair */
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM task WHERE kind = 'gold_repeat'"), 6);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM task WHERE kind = 'gold_known'"), 6);
	assert_int_equal(sql_int(f->db, "SELECT count(DISTINCT rater_id) FROM task WHERE kind = "
					"'gold_known'"),
			 6);
	assert_int_equal(res.n_tasks, 24 + 12 + 12);
	/* frozen with the rest */
	assert_int_not_equal(sql_exec(f->db, "DELETE FROM gold"), SQLITE_OK);
	/* after close, verify replays the assignment, gold included */
	struct close_result cr;
	json_t *rep = NULL;

	if (round_close(f->st, f->org, false, &cr, &err) < 0 || audit_run(f->st, &rep, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(json_is_true(json_object_get(rep, "ok")));
	json_decref(rep);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_refuses_incomplete_round),
		T(test_open_refuses_too_few_users),
		T(test_open_refuses_another_key),
		T(test_open_commits_signs_and_blinds),
		T(test_tasks_replay_from_seed),
		T(test_frozen_after_open),
		T(test_manifest_covers_inputs),
		T(test_users_only_round),
		T(test_gold_items),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
