/* Unit tests: closing and verify — a closed, valid round passes every step,
 * and each alteration of a copy of it is caught with a message naming the
 * ballot or the step (the tamper suite). */
#include "testutil.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "fixture.h"
#include "simsa/audit.h"
#include "simsa/ballot.h"
#include "simsa/closing.h"
#include "simsa/manifest.h"
#include "simsa/session.h"
#include "simsa/statement.h"
#include "simsa/store_read.h"

static struct round_fx F; /* one closed round, built once */
static char *copy_dir;

/* Casts every task of every rater, and changes one answer. */
static void cast_all(struct round_fx *f, const char *prefix, int n, bool expert)
{
	for (int i = 0; i < n; i++) {
		char name[16], code[BALLOT_RECEIPT_MAX + 1];
		struct session *s = NULL;
		struct simsa_err err;
		struct answer a;

		snprintf(name, sizeof name, "%s%d", prefix, i);
		if (session_start(f->db, name, fx_unlock(f, name), &s, &err) < 0)
			fail_msg("%s", err.msg);
		for (size_t t = 0; t < session_task_count(s); t++) {
			answer_init(&a);
			if (expert) {
				for (size_t c = 0; c < session_rubric(s)->n_criteria; c++) {
					a.scores[0][c] = 1 + (uint32_t)((t + c) % 5);
					a.scores[1][c] = 1 + (uint32_t)((t * 3 + c) % 5);
				}
			} else {
				a.preference = (int)((t + (size_t)i) % PREF_COUNT);
			}
			a.active_seconds = 30;
			if (session_submit(s, t, &a, code, &err) < 0)
				fail_msg("%s", err.msg);
		}
		if (!expert) {
			answer_init(&a);
			a.preference = PREF_TIE;
			if (session_submit(s, 0, &a, code, &err) < 0)
				fail_msg("%s", err.msg);
		}
		session_end(&s);
	}
}

static int group_setup(void **state)
{
	struct store *st = NULL;
	struct close_result res;
	struct simsa_err err;

	fx_open_round(&F, 3, 4, 6, 3);
	cast_all(&F, "user", 6, false);
	cast_all(&F, "expert", 3, true);
	if (store_open(F.db, &st, &err) < 0 || round_close(st, F.org, false, &res, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.ballots, 6 * 4 + 6 + 12); /* 4 tasks per user, one change each */
	store_close(&st);
	copy_dir = tmpdir_make();
	return 0;
}

static int group_teardown(void **state)
{
	fx_release(&F);
	tmpdir_remove(&copy_dir);
	return 0;
}

static long failures_of(const char *db, const char *step);

static json_t *verify(const char *db)
{
	struct store *st = NULL;
	struct simsa_err err;
	json_t *rep = NULL;

	if (store_open(db, &st, &err) < 0 || audit_run(st, &rep, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
	return rep;
}

/* A fresh copy of the closed round, its guards removed as an attacker
 * with write access would. */
static char *tamper_copy(void)
{
	static char path[600];
	char cmd[1400];

	snprintf(path, sizeof path, "%s/tamper.db", copy_dir);
	unlink(path);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", F.db, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(
		sql_exec(
			path,
			"DROP TRIGGER ballot_keep_u; DROP TRIGGER ballot_keep_d; DROP TRIGGER ballot_open;"
			"DROP TRIGGER blind_keep_u; DROP TRIGGER closing_keep_u; DROP TRIGGER reveal_keep_u;"
			"DROP TRIGGER rater_keep_u; DROP TRIGGER task_keep_u;"),
		SQLITE_OK);
	return path;
}

/* Verify fails, in step, with a failure containing frag. */
static void caught(const char *db, const char *step, const char *frag)
{
	json_t *rep = verify(db), *s, *f;
	size_t i, j;
	bool found = false;

	assert_false(json_is_true(json_object_get(rep, "ok")));
	json_array_foreach(json_object_get(rep, "steps"), i, s) {
		if (strcmp(json_string_value(json_object_get(s, "step")), step) != 0)
			continue;
		assert_false(json_is_true(json_object_get(s, "passed")));
		json_array_foreach(json_object_get(s, "failures"), j, f)
			found = found || strstr(json_string_value(f), frag);
	}
	if (!found) {
		char *dump = json_dumps(rep, JSON_INDENT(1));

		fail_msg("step %s lacks \"%s\":\n%s", step, frag, dump);
	}
	json_decref(rep);
}

static void test_valid_round_passes(void **state)
{
	json_t *rep = verify(F.db), *s;
	size_t i;

	assert_true(json_is_true(json_object_get(rep, "ok")));
	assert_true(json_is_true(json_object_get(rep, "complete")));
	assert_string_equal(json_string_value(json_object_get(rep, "state")), "closed");
	json_array_foreach(json_object_get(rep, "steps"), i, s)
		assert_true(json_is_true(json_object_get(s, "passed")));
	assert_int_equal(json_array_size(json_object_get(rep, "steps")), 11);
	/* open removed what linked outputs to entrants or named local paths */
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM import_log"), 0);
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM rubric WHERE source <> ''"), 0);
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM entrant WHERE endpoint IS NOT NULL"),
			 0);
	json_decref(rep);
	/* nothing can be cast once closed */
	assert_int_equal(sql_int(F.db, "SELECT count(*) FROM closing"), 1);
	assert_int_not_equal(sql_exec(F.db, "INSERT INTO ballot SELECT * FROM ballot LIMIT 0"), 1);
	struct session *s2 = NULL;
	struct simsa_err err;
	assert_int_equal(session_start(F.db, "user0", fx_unlock(&F, "user0"), &s2, &err), -1);
	assert_non_null(strstr(err.msg, "closed"));
}

static void test_changed_score_column(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE ballot SET preference = (preference + 1) % 6 "
				      "WHERE id = 5"),
			 SQLITE_OK);
	caught(db, "ballots", "ballot 5 (user0): stored column 'preference'");
}

static void test_changed_expert_score_column(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE ballot SET scores = replace(scores, '[1', '[5') "
				      "WHERE kind = 'expert'"),
			 SQLITE_OK);
	caught(db, "ballots", "stored column 'scores'");
}

static void test_changed_signed_byte(void **state)
{
	char *db = tamper_copy();

	/* flip the preference byte inside the signed bytes */
	assert_int_equal(sql_exec(db, "UPDATE ballot SET bytes = substr(bytes, 1, 200) || "
				      "x'07' || substr(bytes, 202) WHERE id = 3"),
			 SQLITE_OK);
	caught(db, "ballots", "ballot 3 (user0): signature does not verify");
}

static void test_deleted_in_middle_of_chain(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "DELETE FROM ballot WHERE id = 2"), SQLITE_OK);
	caught(db, "chains", "rater 'user0': ballot 3 has sequence 3 after 1");
	caught(db, "seal", "the seal counts");
}

static void test_deleted_at_end_of_chain(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "DELETE FROM ballot WHERE id = (SELECT max(id) FROM ballot)"),
			 SQLITE_OK);
	caught(db, "seal", "the chain ends at ballot 3, the seal says 4");
}

static void test_two_ballots_swapped(void **state)
{
	char *db = tamper_copy();

	/* exchange the cast order of a user0 and a user1 ballot */
	assert_int_equal(sql_exec(db, "UPDATE ballot SET id = -1 WHERE id = 1;"
				      "UPDATE ballot SET id = 1 WHERE id = 6;"
				      "UPDATE ballot SET id = 6 WHERE id = -1;"),
			 SQLITE_OK);
	caught(db, "seal", "Merkle root of the ballots is not the sealed root");
}

static void test_replayed_into_another_task(void **state)
{
	char *db = tamper_copy();

	/* the same signed bytes, filed under another task */
	assert_int_equal(sql_exec(db, "UPDATE ballot SET task_position = task_position + 1 "
				      "WHERE id = 2"),
			 SQLITE_OK);
	caught(db, "ballots", "ballot 2 (user0): stored column 'task_position'");
}

static void test_replayed_into_another_rater(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(
		sql_exec(db,
			 "UPDATE ballot SET rater_id = rater_id + 1, seq = seq + 100 WHERE id = 2"),
		SQLITE_OK);
	caught(db, "ballots", "ballot 2 (user1): signature does not verify");
}

/* A ballot from another round, signed by a key enrolled there, inserted
 * under a rater of this round. */
static void test_replayed_from_another_round(void **state)
{
	struct round_fx other;
	char *db, q[1200];

	fx_open_round(&other, 3, 4, 6, 3);
	cast_all(&other, "user", 1, false);
	db = tamper_copy();
	snprintf(
		q, sizeof q,
		"ATTACH '%s' AS o; INSERT INTO ballot (hash, rater_id, seq, "
		"task_position, supersedes, bytes, signature, kind, left_hash, right_hash, "
		"preference, satisfaction, scores, flags_left, flags_right, comment_left, "
		"comment_right, reason, active_seconds, cast_at) SELECT hash, "
		"(SELECT id FROM main.rater WHERE name = 'user0'), seq + 100, task_position, "
		"supersedes, bytes, signature, kind, left_hash, right_hash, preference, "
		"satisfaction, scores, flags_left, flags_right, comment_left, comment_right, reason, "
		"active_seconds, cast_at FROM o.ballot WHERE id = 1;",
		other.db);
	assert_int_equal(sql_exec(db, q), SQLITE_OK);
	caught(db, "ballots", "signature does not verify under the rater's key");
	fx_release(&other);
}

/* Signs bytes as a ballot of user0 for task `position` with a given key
 * (sk, or key when sk is NULL), continuing user0's chain, and inserts it. */
static void insert_signed(const char *db, const unsigned char *pk, const unsigned char *sk,
			  const struct secret_key *key, uint32_t position)
{
	struct ballot *b = malloc(sizeof *b);
	unsigned char *bytes, sig[64], h[32];
	size_t n;
	struct simsa_err err;
	sqlite3 *h2;
	sqlite3_stmt *q;

	/* start from user0's last ballot and extend the chain */
	assert_int_equal(sqlite3_open(db, &h2), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(h2,
				   "SELECT bytes, hash, rater_id FROM ballot WHERE "
				   "rater_id = (SELECT id FROM rater WHERE name = 'user0') "
				   "ORDER BY seq DESC LIMIT 1",
				   -1, &q, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(ballot_decode(sqlite3_column_blob(q, 0),
				       (size_t)sqlite3_column_bytes(q, 0), b, &err),
			 0);
	memcpy(b->prev_hash, sqlite3_column_blob(q, 1), 32);
	long long rater = sqlite3_column_int64(q, 2);
	sqlite3_finalize(q);
	b->seq++;
	b->task_position = position;
	b->has_supersedes = false;
	memcpy(b->rater_pk, pk, 32);
	assert_int_equal(ballot_encode(b, &bytes, &n, &err), 0);
	if (sk)
		crypto_sign_detached(sig, NULL, bytes, n, sk);
	else
		assert_int_equal(secret_key_sign(key, bytes, n, sig), 0);
	ballot_hash(bytes, n, h);
	assert_int_equal(
		sqlite3_prepare_v2(h2,
				   "INSERT INTO ballot (hash, rater_id, seq, "
				   "task_position, bytes, signature, kind, left_hash, "
				   "right_hash, preference, active_seconds, cast_at) VALUES "
				   "(?, ?, ?, ?, ?, ?, 'user', ?, ?, ?, ?, ?)",
				   -1, &q, NULL),
		SQLITE_OK);
	sqlite3_bind_blob(q, 1, h, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, rater);
	sqlite3_bind_int64(q, 3, b->seq);
	sqlite3_bind_int64(q, 4, b->task_position);
	sqlite3_bind_blob(q, 5, bytes, (int)n, SQLITE_STATIC);
	sqlite3_bind_blob(q, 6, sig, 64, SQLITE_STATIC);
	sqlite3_bind_blob(q, 7, b->output_hash[0], 32, SQLITE_STATIC);
	sqlite3_bind_blob(q, 8, b->output_hash[1], 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 9, b->preference);
	sqlite3_bind_int64(q, 10, b->active_seconds);
	sqlite3_bind_text(q, 11, b->cast_at, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	sqlite3_close(h2);
	free(bytes);
	free(b);
}

static void insert_forged(const char *db, const unsigned char *pk, const unsigned char *sk,
			  uint32_t position)
{
	insert_signed(db, pk, sk, NULL, position);
}

/* user0 signs two more ballots of an answered task and two of a task they
 * were never given, none superseding: the chains step fails each ballot
 * that answers a task again (one failure each), whether or not the task
 * is stored (supersession is read from the signed bytes). */
static void test_answered_again_without_superseding(void **state)
{
	char *db = tamper_copy();
	struct secret_key *key = fx_unlock(&F, "user0");

	insert_signed(db, secret_key_public(key), NULL, key, 1);
	insert_signed(db, secret_key_public(key), NULL, key, 1);
	insert_signed(db, secret_key_public(key), NULL, key, 999);
	insert_signed(db, secret_key_public(key), NULL, key, 999);
	secret_key_free(&key);
	caught(db, "chains", "answers task 2 again without superseding its ballot");
	caught(db, "chains", "answers task 1000 again without superseding its ballot");
	assert_int_equal(failures_of(db, "chains"), 3);
	caught(db, "ballots", "task 1000 was never assigned to this rater");
}

static void test_signature_from_unenrolled_key(void **state)
{
	char *db = tamper_copy();
	unsigned char pk[32], sk[64];

	crypto_sign_keypair(pk, sk);
	insert_forged(db, pk, sk, 1);
	caught(db, "ballots", "signature does not verify under the rater's key");
}

/* A ballot with a valid signature, continuing a real chain, for a task the
 * rater was never given: the key is swapped in the roster (which breaks the
 * organizer's enrolment signature) so that the forged signature verifies. */
static void test_extra_ballot_outside_assignment(void **state)
{
	char *db = tamper_copy();
	unsigned char pk[32], rsk[64];
	char q[512], hexpk[65];

	crypto_sign_keypair(pk, rsk);
	sodium_bin2hex(hexpk, sizeof hexpk, pk, 32);
	snprintf(q, sizeof q, "UPDATE rater SET public_key = x'%s' WHERE name = 'user0'", hexpk);
	assert_int_equal(sql_exec(db, q), SQLITE_OK);
	insert_forged(db, pk, rsk, 999);
	caught(db, "enrolments", "rater 'user0': enrolment signature does not verify");
	caught(db, "ballots", "task 1000 was never assigned to this rater");
}

static void test_altered_output_text(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE blind_output SET text = text || ' (수정)' WHERE "
				      "id = (SELECT min(id) FROM blind_output)"),
			 SQLITE_OK);
	caught(db, "outputs", "its text does not match its hash");
}

static void test_changed_seed(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE closing SET seed = zeroblob(32)"), SQLITE_OK);
	caught(db, "seed", "does not match its commitment");
	caught(db, "seal", "seal's signature does not verify");
	caught(db, "assignment", "hash is not the one signed at open");
}

static void test_changed_seal(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE closing SET ballot_count = ballot_count - 1, "
				      "merkle_root = zeroblob(32)"),
			 SQLITE_OK);
	caught(db, "seal", "seal's signature does not verify");
}

struct heads {
	struct round_inputs *in;
	struct chain_head *h;
	unsigned char (*head)[32];
};

static int take_head(void *ctx, int64_t rater, int64_t count, const unsigned char *head)
{
	struct heads *hs = ctx;
	long i = inputs_rater(hs->in, rater);

	assert_true(i >= 0);
	assert_true(count >= 0); /* the store's -1: not a u32 */
	memcpy(hs->head[i], head, 32);
	hs->h[i] =
		(struct chain_head){ hs->in->raters[i].public_key, (uint32_t)count, hs->head[i] };
	return 0;
}

/* The organizer seals the round again, with the same ballots but a close
 * time before them (as one who un-closed, added and re-sealed would, to
 * keep the close time first published): the seal verifies, and every
 * ballot and enrolment dated after it fails. */
static void test_resealed_with_an_earlier_close(void **state)
{
	char *db = tamper_copy(), hexsig[129], sql[400];
	struct store *st = NULL;
	struct round_inputs in;
	struct opening_rec op;
	struct closing_rec cl;
	struct simsa_err err;
	struct buf msg = { 0 };
	unsigned char sig[64];
	struct heads hs = { &in, NULL, NULL };

	assert_int_equal(store_open(db, &st, &err), 0);
	assert_int_equal(store_load_inputs(st, &in, &err), 0);
	assert_int_equal(store_get_opening(st, &op, &err), 1);
	assert_int_equal(store_get_closing(st, &cl, &err), 1);
	hs.h = calloc(in.n_raters, sizeof *hs.h);
	hs.head = calloc(in.n_raters, 32);
	assert_non_null(hs.h);
	assert_non_null(hs.head);
	assert_int_equal(store_each_head(st, take_head, &hs, &err), 0);
	statement_seal(&msg, in.info.round_id, op.manifest_hash, cl.seed, cl.salt, cl.ballot_count,
		       cl.merkle_root, hs.h, in.n_raters, "2000-01-01T00:00:00Z");
	assert_false(msg.oom);
	assert_int_equal(secret_key_sign(F.org, msg.p, msg.n, sig), 0);
	store_close(&st);
	hex_encode(sig, 64, hexsig);
	snprintf(sql, sizeof sql,
		 "UPDATE closing SET closed_at = '2000-01-01T00:00:00Z', signature = x'%s'",
		 hexsig);
	assert_int_equal(sql_exec(db, sql), SQLITE_OK);
	json_t *rep = verify(db), *st_;
	size_t i;

	json_array_foreach(json_object_get(rep, "steps"), i, st_)
		if (strcmp(json_string_value(json_object_get(st_, "step")), "seal") == 0)
			assert_true(json_is_true(json_object_get(st_, "passed")));
	json_decref(rep);
	caught(db, "ballots", ", after the close at 2000-01-01T00:00:00Z");
	caught(db, "enrolments", "rater 'user0': enrolled at ");
	caught(db, "enrolments", ", after the close at 2000-01-01T00:00:00Z");
	buf_release(&msg);
	free(hs.h);
	free(hs.head);
	round_inputs_release(&in);
}

/* A round opened by simsa before schema 8 signed manifest v2 (no
 * instructions, no practice tasks): the new simsa closes it and verify
 * passes it; instructions or a practice task put into it afterwards, which
 * v2 does not cover, fail the manifest step; and a round signed v2 while
 * instructions were stored never passes as v2. */
static void test_round_opened_with_manifest_v2(void **state)
{
	static const char no_instructions[] =
		"UPDATE rubric SET instructions_ko = NULL, instructions_en = NULL";
	struct round_fx f;
	struct store *st = NULL;
	struct close_result res;
	struct simsa_err err;
	json_t *rep;

	(void)state;
	opening_manifest_version = 2;
	fx_pre_open_sql = no_instructions;
	fx_open_round(&f, 3, 4, 6, 3);
	fx_pre_open_sql = NULL;
	opening_manifest_version = MANIFEST_VERSION;
	cast_all(&f, "user", 6, false);
	if (store_open(f.db, &st, &err) < 0 || round_close(st, f.org, false, &res, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
	rep = verify(f.db);
	if (!json_is_true(json_object_get(rep, "ok")))
		fail_msg("%s", json_dumps(rep, JSON_INDENT(1)));
	json_decref(rep);
	/* instructions added after the fact: v2 cannot speak for them */
	assert_int_equal(sql_exec(f.db, "DROP TRIGGER freeze_rubric_u; UPDATE rubric SET "
					"instructions_ko = '# 안내', instructions_en = '# Told'"),
			 SQLITE_OK);
	caught(f.db, "manifest", "do not hash to the manifest signed at open");
	assert_int_equal(sql_exec(f.db, "UPDATE rubric SET instructions_ko = NULL, "
					"instructions_en = NULL"),
			 SQLITE_OK);
	rep = verify(f.db);
	assert_true(json_is_true(json_object_get(rep, "ok")));
	json_decref(rep);
	/* a practice task added after the fact, likewise */
	assert_int_equal(sql_exec(f.db,
				  "DROP TRIGGER freeze_practice_i; INSERT INTO practice "
				  "(ext_id, role, required, prompt, answer_a, answer_b) VALUES "
				  "('p', 'user', 1, 'q', 'a', 'b')"),
			 SQLITE_OK);
	caught(f.db, "manifest", "do not hash to the manifest signed at open");
	fx_release(&f);
	/* signed v2 with the instructions stored: not a round v2 covers */
	opening_manifest_version = 2;
	fx_open_round(&f, 3, 4, 6, 3);
	opening_manifest_version = MANIFEST_VERSION;
	if (store_open(f.db, &st, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(round_close(st, f.org, false, &res, &err), -1);
	assert_non_null(strstr(err.msg, "no longer match what was committed at open"));
	store_close(&st);
	fx_release(&f);
}

static void test_swapped_identities(void **state)
{
	char *db = tamper_copy();

	/* claim that two outputs of one prompt were written by each other's entrant */
	assert_int_equal(
		sql_exec(
			db,
			"UPDATE reveal SET entrant_id = -entrant_id WHERE output_id IN (SELECT id FROM "
			"blind_output WHERE prompt_id = (SELECT min(id) FROM prompt) ORDER BY id LIMIT 2);"
			"UPDATE reveal SET entrant_id = (SELECT max(-entrant_id) FROM reveal WHERE "
			"entrant_id < 0) + (SELECT min(-entrant_id) FROM reveal WHERE entrant_id < 0) + "
			"entrant_id WHERE entrant_id < 0;"),
		SQLITE_OK);
	caught(db, "manifest", "do not hash to the manifest signed at open");
}

/* A task's kind decides whether its ballot counts (gold ones never do):
 * turning a normal task into a gold one hides its ballot from the points,
 * with no key needed, so verify derives the kind from the seed. */
static void test_normal_task_made_gold(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE task SET kind = 'gold_repeat' WHERE rowid = "
				      "(SELECT min(rowid) FROM task WHERE kind = 'normal')"),
			 SQLITE_OK);
	caught(db, "assignment", "is stored as gold_repeat (replica");
}

static void test_normal_task_made_known_gold(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE task SET kind = 'gold_known' WHERE rowid = "
				      "(SELECT max(rowid) FROM task WHERE kind = 'normal')"),
			 SQLITE_OK);
	caught(db, "assignment", "is stored as gold_known (replica");
}

static void test_changed_replica(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE task SET replica = replica + 1 WHERE rowid = "
				      "(SELECT min(rowid) FROM task)"),
			 SQLITE_OK);
	caught(db, "assignment", "the seed assigns normal (replica");
}

/* Empty signed bytes (a zero-length blob, read back as a NULL pointer):
 * failed by name, no crash (make sanitize runs this under UBSan). */
static void test_empty_ballot_bytes(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE ballot SET bytes = x'' WHERE id = 3"), SQLITE_OK);
	caught(db, "ballots", "ballot 3 (user0)");
}

/* round.state is one of draft, open, closed and agrees with the opening
 * and closing rows present. */
static char *state_tamper_copy(void)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "DROP TRIGGER round_forward; DROP TRIGGER opening_keep_d;"
				      "DROP TRIGGER closing_keep_d;"),
			 SQLITE_OK);
	return db;
}

static void test_state_bogus(void **state)
{
	char *db = state_tamper_copy();

	assert_int_equal(sql_exec(db, "PRAGMA ignore_check_constraints = 1;"
				      "UPDATE round SET state = 'bogus'"),
			 SQLITE_OK);
	caught(db, "state", "round.state is 'bogus'");
}

static void test_state_null(void **state)
{
	char *db = state_tamper_copy();

	/* NOT NULL is in the table's text: an attacker edits the text */
	assert_int_equal(sql_exec(db, "PRAGMA writable_schema = 1;"
				      "UPDATE sqlite_master SET sql = replace(sql, "
				      "'state TEXT NOT NULL', 'state TEXT') WHERE name = 'round'"),
			 SQLITE_OK);
	assert_int_equal(sql_exec(db, "UPDATE round SET state = NULL"), SQLITE_OK);
	caught(db, "state", "round.state is NULL");
}

static void test_state_draft_with_closing(void **state)
{
	char *db = state_tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE round SET state = 'draft'"), SQLITE_OK);
	caught(db, "state", "round.state is 'draft' but the round has a closing");
}

static void test_state_open_with_closing(void **state)
{
	char *db = state_tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE round SET state = 'open'"), SQLITE_OK);
	caught(db, "state", "round.state is 'open' but the round has a closing");
}

static void test_state_closed_without_closing(void **state)
{
	char *db = state_tamper_copy();

	assert_int_equal(sql_exec(db, "DELETE FROM closing"), SQLITE_OK);
	caught(db, "state", "round.state is 'closed' but the round has no closing");
}

static void test_state_draft_with_opening_only(void **state)
{
	char *db = state_tamper_copy();

	assert_int_equal(sql_exec(db, "DELETE FROM closing; UPDATE round SET state = 'draft'"),
			 SQLITE_OK);
	caught(db, "state", "round.state is 'draft' but the round has an opening");
}

static void test_state_closing_without_opening(void **state)
{
	char *db = state_tamper_copy();

	assert_int_equal(sql_exec(db, "DELETE FROM opening"), SQLITE_OK);
	caught(db, "state", "a closing but no opening");
}

/* The columns of the other kind of ballot are in no signature: a value
 * put there (shown by exports and status) is refused, not passed over. */
static void test_user_columns_on_an_expert_ballot(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db,
				  "UPDATE ballot SET preference = 0, reason = '위조' WHERE id = "
				  "(SELECT min(id) FROM ballot WHERE kind = 'expert')"),
			 SQLITE_OK);
	caught(db, "ballots", "none on an expert ballot");
}

static void test_expert_columns_on_a_user_ballot(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db, "UPDATE ballot SET comment_left = '위조된 의견' WHERE id = "
				      "(SELECT min(id) FROM ballot WHERE kind = 'user')"),
			 SQLITE_OK);
	caught(db, "ballots", "none on a user ballot");
}

/* How many failures step has in the report of db (docs/verify.md, "How
 * failures are counted": tools/verify.py counts the same). */
static long failures_of(const char *db, const char *step)
{
	json_t *rep = verify(db), *s;
	size_t i;
	long n = -1;

	json_array_foreach(json_object_get(rep, "steps"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "step")), step) == 0)
			n = (long)json_integer_value(json_object_get(s, "failed"));
	json_decref(rep);
	return n;
}

/* One failure per stored column that differs, not one per ballot. */
static void test_two_columns_two_failures(void **state)
{
	char *db = tamper_copy();

	assert_int_equal(sql_exec(db,
				  "UPDATE ballot SET active_seconds = active_seconds + 1, "
				  "preference = (preference + 1) % 6, reason = 'x' WHERE id = 4"),
			 SQLITE_OK);
	caught(db, "ballots", "ballot 4 (user0): stored column 'active_seconds'");
	caught(db, "ballots", "ballot 4 (user0): stored column 'preference'");
	caught(db, "ballots", "ballot 4 (user0): stored column 'reason'");
	assert_int_equal(failures_of(db, "ballots"), 3);
}

/* A task's sides swapped: one failure per ballot of it (the pair, in its
 * order, is one check). */
static void test_sides_swapped_one_failure_per_ballot(void **state)
{
	char *db = tamper_copy();
	long n = sql_int(db, "SELECT count(*) FROM ballot b JOIN task t ON t.rater_id = "
			     "b.rater_id AND t.position = b.task_position WHERE t.id = 3");

	assert_true(n >= 1);
	assert_int_equal(sql_exec(db, "UPDATE task SET left_output = right_output, right_output = "
				      "left_output WHERE id = 3"),
			 SQLITE_OK);
	caught(db, "ballots", "are not those task");
	assert_int_equal(failures_of(db, "ballots"), n);
}

/* A bundle that does not fit on the disk (the kernel refuses to grow a
 * file past RLIMIT_FSIZE, as on a full disk) is refused with a message
 * that says so, and no half-written bundle is left behind. */
static void test_bundle_on_a_full_disk(void **state)
{
	char path[600];
	int fds[2], status;
	pid_t pid;

	snprintf(path, sizeof path, "%s/full.bundle", F.dir);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 16 * 1024, 16 * 1024 };
		struct store *st = NULL;
		struct simsa_err err;

		close(fds[0]);
		signal(SIGXFSZ, SIG_IGN);
		if (store_open(F.db, &st, &err) < 0 || setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(20);
		if (store_export_bundle(st, path, &err) == 0)
			_exit(0);
		if (write(fds[1], err.msg, strlen(err.msg)) < 0)
			_exit(21);
		_exit(1);
	}
	close(fds[1]);
	{
		char msg[2048];
		ssize_t got = read(fds[0], msg, sizeof msg - 1);

		msg[got > 0 ? got : 0] = '\0';
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 1);
		assert_non_null(strstr(msg, "cannot write the bundle"));
		assert_non_null(strstr(msg, "the disk is full or cannot be written"));
	}
	close(fds[0]);
	assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_round_passes),
		cmocka_unit_test(test_changed_score_column),
		cmocka_unit_test(test_changed_expert_score_column),
		cmocka_unit_test(test_changed_signed_byte),
		cmocka_unit_test(test_deleted_in_middle_of_chain),
		cmocka_unit_test(test_deleted_at_end_of_chain),
		cmocka_unit_test(test_two_ballots_swapped),
		cmocka_unit_test(test_replayed_into_another_task),
		cmocka_unit_test(test_replayed_into_another_rater),
		cmocka_unit_test(test_replayed_from_another_round),
		cmocka_unit_test(test_answered_again_without_superseding),
		cmocka_unit_test(test_signature_from_unenrolled_key),
		cmocka_unit_test(test_extra_ballot_outside_assignment),
		cmocka_unit_test(test_altered_output_text),
		cmocka_unit_test(test_changed_seed),
		cmocka_unit_test(test_changed_seal),
		cmocka_unit_test(test_resealed_with_an_earlier_close),
		cmocka_unit_test(test_swapped_identities),
		cmocka_unit_test(test_normal_task_made_gold),
		cmocka_unit_test(test_normal_task_made_known_gold),
		cmocka_unit_test(test_changed_replica),
		cmocka_unit_test(test_user_columns_on_an_expert_ballot),
		cmocka_unit_test(test_expert_columns_on_a_user_ballot),
		cmocka_unit_test(test_two_columns_two_failures),
		cmocka_unit_test(test_sides_swapped_one_failure_per_ballot),
		cmocka_unit_test(test_empty_ballot_bytes),
		cmocka_unit_test(test_state_bogus),
		cmocka_unit_test(test_state_null),
		cmocka_unit_test(test_state_draft_with_closing),
		cmocka_unit_test(test_state_open_with_closing),
		cmocka_unit_test(test_state_closed_without_closing),
		cmocka_unit_test(test_state_draft_with_opening_only),
		cmocka_unit_test(test_state_closing_without_opening),
		cmocka_unit_test(test_bundle_on_a_full_disk),
		cmocka_unit_test(test_round_opened_with_manifest_v2),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
