/* Unit tests for drbg (the random stream) and assign (the task design):
 * known answers, unbiased draws, determinism, and the design's properties
 * on the ko-arena-hard shape (6 entrants, 500 prompts). */
#include "testutil.h"

#include <sodium.h>

#include "simsa/assign.h"
#include "simsa/drbg.h"

#define MAXR 256

static const unsigned char seed1[32] = {
	0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};

/* test_seed(): the statistical tests of drbg draw from seed1 with it xored
 * into the first 8 bytes (0: seed1 itself), and so do the assignments of
 * "other seeds" */
static unsigned long long run_seed;

static void mix_seed(unsigned char *key)
{
	for (int i = 0; i < 8; i++)
		key[i] ^= (unsigned char)(run_seed >> (8 * i));
}

/* A round of U users, X experts (raters 0..U-1, U..U+X-1), E entrants and
 * N prompts, everything else zero or default. */
struct round {
	struct assign_input in;
	struct assign_rater raters[MAXR];
	uint32_t cat[500];
	struct assign_gold gold[8];
};

static void round_make(struct round *r, uint32_t U, uint32_t X, uint32_t E, uint32_t N, uint32_t k,
		       uint32_t m)
{
	memset(r, 0, sizeof *r);
	memset(r->in.seed, 7, sizeof r->in.seed);
	for (uint32_t i = 0; i < U + X; i++)
		r->raters[i].role = i < U ? ASSIGN_USER : ASSIGN_EXPERT;
	r->in.n_entrants = E;
	r->in.n_prompts = N;
	r->in.n_raters = U + X;
	r->in.raters = r->raters;
	r->in.user_raters_per_slot = k;
	r->in.expert_ratings_per_output = m;
	r->in.gold = r->gold;
}

static void run(const struct round *r, struct assign_result *res)
{
	struct simsa_err err = { "" };

	if (assign_run(&r->in, res, &err) < 0)
		fail_msg("assign_run: %s", err.msg);
}

static void hash_of(const struct round *r, unsigned char h[32])
{
	struct assign_result res;

	run(r, &res);
	assign_hash(&res, h);
	assign_result_release(&res);
}

static uint32_t tasks_of(const struct assign_result *res, uint32_t rater)
{
	return (uint32_t)(res->first[rater + 1] - res->first[rater]);
}

/* ---- drbg ---- */

static void test_drbg_key_known_answer(void **state)
{
	/* python3 -c 'import hashlib; print(hashlib.blake2b(b"simsa/assign/v1/users\0"
	 *   + bytes([0xAA])*32, key=bytes(range(32)), digest_size=32).hexdigest())'
	 * and likewise "order\0" + the hash + (7).to_bytes(4, "little"). */
	static const unsigned char users[32] = {
		0x3e, 0x5d, 0x3a, 0x3f, 0x1e, 0x32, 0xa2, 0x6a, 0xa8, 0xbe, 0xaf,
		0x4e, 0x7e, 0x7e, 0x1a, 0xa1, 0x00, 0x19, 0xc6, 0x66, 0xde, 0x12,
		0x72, 0x09, 0x86, 0x1e, 0xc4, 0x5e, 0xfc, 0x80, 0x0d, 0xe6,
	};
	static const unsigned char order7[32] = {
		0xa7, 0x12, 0xe5, 0x27, 0x81, 0x5a, 0x9e, 0x62, 0xcb, 0xe0, 0xb6,
		0xf9, 0xa7, 0xb0, 0x0f, 0x4c, 0x9b, 0x9b, 0x1e, 0xf3, 0xa8, 0x22,
		0xb2, 0x32, 0x6f, 0x16, 0x8e, 0xd0, 0x47, 0xe0, 0x01, 0x1e,
	};
	unsigned char mh[32], key[32], idx[4] = { 7, 0, 0, 0 };

	memset(mh, 0xAA, sizeof mh);
	drbg_derive_key(key, seed1, "users", mh, NULL, 0);
	assert_memory_equal(key, users, 32);
	drbg_derive_key(key, seed1, "order", mh, idx, sizeof idx);
	assert_memory_equal(key, order7, 32);
}

static void test_drbg_rfc8439_vector(void **state)
{
	/* RFC 8439 A.1 test vector #1: zero key, zero nonce, block 0 starts
	 * 76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28. */
	static const unsigned char zero[32];
	struct drbg d;

	drbg_init_key(&d, zero);
	assert_int_equal(drbg_u32(&d), 0xade0b876);
	assert_int_equal(drbg_u32(&d), 0x903df1a0);
	assert_int_equal(drbg_u32(&d), 0xe56a5d40);
	assert_int_equal(drbg_u32(&d), 0x28bd8653);
	drbg_wipe(&d);
}

static void test_drbg_stream_known_answer(void **state)
{
	/* Words 0..3 and 126..129 (across the first refill) of the "users"
	 * stream above, from the `cryptography` package's ChaCha20 (OpenSSL):
	 * Cipher(algorithms.ChaCha20(key, bytes(16)), None).encryptor()
	 *   .update(bytes(560)), unpacked as "<140I". */
	static const uint32_t head[4] = { 0x22dcdb3c, 0x56ac8be7, 0x74a69f5e, 0x7a13efb7 };
	static const uint32_t cross[4] = { 0x1dc1b0e9, 0x568aabd9, 0xefb124e9, 0x08328158 };
	static const unsigned char nonce[12];
	unsigned char mh[32], key[32], ks[4 * 2000];
	struct drbg d;

	memset(mh, 0xAA, sizeof mh);
	drbg_init(&d, seed1, "users", mh, NULL, 0);
	for (int i = 0; i < 130; i++) {
		uint32_t w = drbg_u32(&d);

		if (i < 4)
			assert_int_equal(w, head[i]);
		if (i >= 126)
			assert_int_equal(w, cross[i - 126]);
	}
	assert_int_equal(d.words, 130);
	/* A second route: libsodium's one-shot keystream, over many refills. */
	drbg_derive_key(key, seed1, "users", mh, NULL, 0);
	crypto_stream_chacha20_ietf(ks, sizeof ks, nonce, key);
	drbg_init_key(&d, key);
	for (size_t i = 0; i < sizeof ks / 4; i++) {
		const unsigned char *b = ks + 4 * i;

		assert_int_equal(drbg_u32(&d), (uint32_t)b[0] | (uint32_t)b[1] << 8 |
						       (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
	}
	drbg_wipe(&d);
}

static void test_uniform_chi_square(void **state)
{
	/* 99.9% points of chi-square with 2, 5 and 6 degrees of freedom. */
	static const struct {
		uint32_t bound;
		double crit;
	} cases[] = {
		{ 3, 13.82 },
		{ 6, 20.52 },
		{ 7, 22.46 },
	};
	const int draws = 700000;
	unsigned char key[32];
	struct drbg d;

	memcpy(key, seed1, 32);
	mix_seed(key);
	drbg_init(&d, key, "test", key, NULL, 0);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		long n[8] = { 0 };
		double chi = 0, expect = (double)draws / cases[c].bound;

		for (int i = 0; i < draws; i++) {
			uint32_t v = drbg_uniform(&d, cases[c].bound);

			assert_true(v < cases[c].bound);
			n[v]++;
		}
		for (uint32_t v = 0; v < cases[c].bound; v++)
			chi += (n[v] - expect) * (n[v] - expect) / expect;
		if (chi > cases[c].crit)
			fail_msg("bound %u: chi-square %.2f > %.2f", cases[c].bound, chi,
				 cases[c].crit);
	}
	/* Where plain x mod bound is visibly biased: bound 3·2^30 would give
	 * values below 2^30 half the time instead of a third. */
	long low = 0;

	for (int i = 0; i < 300000; i++)
		low += drbg_uniform(&d, 3u << 30) < (1u << 30);
	assert_true(low > 98500 && low < 101500); /* a third of 300,000, ±1.5% */
	drbg_wipe(&d);
}

static void test_uniform_rejects(void **state)
{
	/* bound 2^31 + 1 accepts only words below 2^31 + 1 (about half): the
	 * draw must skip the others and take the next word, mod bound. */
	const uint32_t bound = (1u << 31) + 1;
	struct drbg d, raw;
	uint64_t rejected = 0;
	unsigned char key[32];

	memcpy(key, seed1, 32);
	mix_seed(key);
	drbg_init(&d, key, "reject", key, NULL, 0);
	drbg_init(&raw, key, "reject", key, NULL, 0);
	for (int i = 0; i < 1000; i++) {
		uint32_t x = drbg_u32(&raw);

		while (x >= bound) {
			rejected++;
			x = drbg_u32(&raw);
		}
		assert_int_equal(drbg_uniform(&d, bound), x % bound);
	}
	assert_true(rejected > 400 && rejected < 1600);
	assert_int_equal(d.words, 1000 + rejected);
	/* bound 1 still consumes one word. */
	assert_int_equal(drbg_uniform(&d, 1), 0);
	assert_int_equal(d.words, 1001 + rejected);
	drbg_wipe(&d);
	drbg_wipe(&raw);
}

static void test_shuffle(void **state)
{
	uint32_t a[1000], seen[1000] = { 0 }, one = 5;
	long perms[6] = { 0 };
	unsigned char key[32];
	struct drbg d;

	memcpy(key, seed1, 32);
	mix_seed(key);
	drbg_init(&d, key, "shuffle", key, NULL, 0);
	drbg_shuffle(&d, &one, 1);
	drbg_shuffle(&d, NULL, 0);
	assert_int_equal(d.words, 0);
	for (uint32_t i = 0; i < 1000; i++)
		a[i] = i;
	drbg_shuffle(&d, a, 1000);
	for (uint32_t i = 0; i < 1000; i++)
		seen[a[i]]++;
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(seen[i], 1);
	/* All six orders of three come out equally often (chi-square, 5 df). */
	for (int t = 0; t < 60000; t++) {
		uint32_t b[3] = { 0, 1, 2 };

		drbg_shuffle(&d, b, 3);
		perms[b[0] * 2 + (b[1] > b[2])]++;
	}
	double chi = 0;

	for (int i = 0; i < 6; i++)
		chi += (perms[i] - 10000.0) * (perms[i] - 10000.0) / 10000.0;
	assert_true(chi < 20.52);
	drbg_wipe(&d);
}

/* ---- assignment ---- */

/* The example of docs/assignment.md's reference implementation (appendix):
 * 5 entrants, 12 prompts in 3 categories, 11 users, 4 experts (two
 * restricted), an auditor, a late user and a late expert, gold of each kind.
 * `python3 simsa_assign_ref.py` prints "241 bb45b743…". */
static void test_reference_vector(void **state)
{
	static const uint32_t c02[] = { 0, 2 }, c1[] = { 1 }, c2[] = { 2 };
	static const char want[] =
		"bb45b7434031fcbcf45e8eb069a84e684a61d6435bee07287850feb0eb983a77";
	struct round r;
	unsigned char h[32];
	char hex[65];

	round_make(&r, 11, 4, 5, 12, 1, 2);
	for (int i = 0; i < 32; i++) {
		r.in.seed[i] = (unsigned char)i;
		r.in.manifest_hash[i] = 0xAA;
	}
	r.raters[11].categories = c02;
	r.raters[11].n_categories = 2;
	r.raters[14].categories = c1;
	r.raters[14].n_categories = 1;
	r.raters[15].role = ASSIGN_AUDITOR;
	r.raters[16] = (struct assign_rater){ .role = ASSIGN_USER, .late = true };
	memset(r.raters[16].public_key, 0x11, 32);
	r.raters[17] = (struct assign_rater){
		.role = ASSIGN_EXPERT, .late = true, .categories = c2, .n_categories = 1
	};
	memset(r.raters[17].public_key, 0x22, 32);
	r.in.n_raters = 18;
	for (uint32_t q = 0; q < 12; q++)
		r.cat[q] = q % 3;
	r.in.prompt_category = r.cat;
	r.gold[0] = (struct assign_gold){ ASSIGN_GOLD_REPEAT, ASSIGN_USER, 0, 0, 0 };
	r.gold[1] = (struct assign_gold){ ASSIGN_GOLD_KNOWN, ASSIGN_USER, 3, 1, 4 };
	r.gold[2] = (struct assign_gold){ ASSIGN_GOLD_KNOWN, ASSIGN_EXPERT, 5, 0, 2 };
	r.gold[3] = (struct assign_gold){ ASSIGN_GOLD_REPEAT, ASSIGN_EXPERT, 0, 0, 0 };
	r.gold[4] = (struct assign_gold){ ASSIGN_GOLD_REPEAT, ASSIGN_USER, 0, 0, 0 };
	r.in.n_gold = 5;
	hash_of(&r, h);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	assert_string_equal(hex, want);
}

static void test_deterministic(void **state)
{
	struct round r;
	struct assign_result a, b;
	unsigned char *ea, *eb, h1[32], h2[32];
	size_t la, lb;
	struct simsa_err err;

	round_make(&r, 30, 8, 6, 500, 2, 2);
	run(&r, &a);
	run(&r, &b);
	assert_int_equal(assign_encode(&a, 0, a.n_tasks, &ea, &la, &err), 0);
	assert_int_equal(assign_encode(&b, 0, b.n_tasks, &eb, &lb, &err), 0);
	assert_int_equal(la, a.n_tasks * ASSIGN_TASK_BYTES);
	assert_int_equal(la, lb);
	assert_memory_equal(ea, eb, la);
	assign_hash(&a, h1); /* the hash is of exactly those bytes */
	assert_int_equal(crypto_generichash(h2, 32, ea, la, NULL, 0), 0);
	assert_memory_equal(h1, h2, 32);
	free(ea);
	free(eb);
	assign_result_release(&a);
	assign_result_release(&b);

	r.in.seed[31] ^= 1;
	hash_of(&r, h2);
	assert_memory_not_equal(h1, h2, 32);
	r.in.seed[31] ^= 1;
	r.in.manifest_hash[0] ^= 1;
	hash_of(&r, h2);
	assert_memory_not_equal(h1, h2, 32);
	r.in.manifest_hash[0] ^= 1;
	hash_of(&r, h2);
	assert_memory_equal(h1, h2, 32);
}

/* Checks the user side of a result; returns the widest spread of one user's
 * pair counts (reported, since it is a heuristic's outcome). */
static int check_users(const struct round *r, const struct assign_result *res, uint32_t U)
{
	const uint32_t E = r->in.n_entrants, N = r->in.n_prompts, k = r->in.user_raters_per_slot;
	uint32_t *slot = calloc((size_t)N * E * E, sizeof *slot);
	long lr[64][64] = { { 0 } };
	int spread = 0;
	uint32_t lo = UINT32_MAX, hi = 0;

	assert_non_null(slot);
	for (uint32_t u = 0; u < U; u++) {
		uint8_t *seen = calloc(N, 1);
		uint32_t pc[64][64] = { { 0 } }, n = 0, pmin = UINT32_MAX, pmax = 0;

		for (size_t i = res->first[u]; i < res->first[u + 1]; i++) {
			const struct assign_task *t = &res->tasks[i];
			uint32_t a = t->left < t->right ? t->left : t->right;
			uint32_t b = t->left ^ t->right ^ a;

			assert_int_equal(t->rater, u);
			assert_int_equal(t->position, i - res->first[u]);
			if (t->kind != ASSIGN_NORMAL)
				continue;
			assert_true(t->left != t->right && t->left < E && t->right < E);
			assert_true(t->replica < k);
			assert_int_equal(seen[t->prompt], 0); /* never the same prompt twice */
			seen[t->prompt] = 1;
			slot[((size_t)t->prompt * E + a) * E + b]++;
			lr[t->left][t->right]++;
			pc[a][b]++;
			n++;
		}
		for (uint32_t a = 0; a < E; a++)
			for (uint32_t b = a + 1; b < E; b++) {
				pmin = pc[a][b] < pmin ? pc[a][b] : pmin;
				pmax = pc[a][b] > pmax ? pc[a][b] : pmax;
			}
		spread = (int)(pmax - pmin) > spread ? (int)(pmax - pmin) : spread;
		lo = n < lo ? n : lo;
		hi = n > hi ? n : hi;
		free(seen);
	}
	assert_true(hi - lo <= 1);       /* per-user load within ±1 */
	for (uint32_t q = 0; q < N; q++) /* every slot has exactly k raters */
		for (uint32_t a = 0; a < E; a++)
			for (uint32_t b = a + 1; b < E; b++)
				assert_int_equal(slot[((size_t)q * E + a) * E + b], k);
	for (uint32_t a = 0; a < E; a++) /* each pair N·k times, sides within ±1 */
		for (uint32_t b = a + 1; b < E; b++) {
			assert_int_equal(lr[a][b] + lr[b][a], (long)N * k);
			assert_true(labs(lr[a][b] - lr[b][a]) <= 1);
		}
	free(slot);
	return spread;
}

/* Checks the expert side; returns the widest |left - right| of an entrant. */
static int check_experts(const struct round *r, const struct assign_result *res, uint32_t from,
			 uint32_t X, bool once)
{
	const uint32_t E = r->in.n_entrants, N = r->in.n_prompts,
		       m = r->in.expert_ratings_per_output;
	uint32_t *scored = calloc((size_t)N * E, sizeof *scored), lo = UINT32_MAX, hi = 0;
	long d[64] = { 0 };
	int worst = 0;

	assert_non_null(scored);
	for (uint32_t x = from; x < from + X; x++) {
		uint8_t *held = calloc((size_t)N * E, 1), *seen = calloc(N, 1);
		const struct assign_rater *ra = &r->raters[x];
		uint32_t n = 0;

		for (size_t i = res->first[x]; i < res->first[x + 1]; i++) {
			const struct assign_task *t = &res->tasks[i];
			uint32_t c = r->in.prompt_category ? r->in.prompt_category[t->prompt] : 0;
			bool ok = ra->n_categories == 0;

			if (t->kind != ASSIGN_NORMAL)
				continue;
			assert_true(t->left != t->right && t->left < E && t->right < E);
			assert_true(t->replica < m);
			for (size_t j = 0; j < ra->n_categories; j++)
				ok = ok || ra->categories[j] == c;
			assert_true(ok); /* within the expert's categories */
			if (once)
				assert_int_equal(seen[t->prompt], 0);
			seen[t->prompt] = 1;
			/* the same output never twice to one expert */
			assert_int_equal(held[(size_t)t->prompt * E + t->left], 0);
			assert_int_equal(held[(size_t)t->prompt * E + t->right], 0);
			held[(size_t)t->prompt * E + t->left] = 1;
			held[(size_t)t->prompt * E + t->right] = 1;
			scored[(size_t)t->prompt * E + t->left]++;
			scored[(size_t)t->prompt * E + t->right]++;
			d[t->left]++;
			d[t->right]--;
			n++;
		}
		lo = n < lo ? n : lo;
		hi = n > hi ? n : hi;
		free(held);
		free(seen);
	}
	for (size_t i = 0; i < (size_t)N * E; i++)
		assert_true(scored[i] >= m && scored[i] <= m + 1);
	for (uint32_t e = 0; e < E; e++)
		worst = labs(d[e]) > worst ? (int)labs(d[e]) : worst;
	if (!r->in.prompt_category && once)
		assert_true(hi - lo <= 1);
	free(scored);
	return worst;
}

static void test_properties_ko_arena_hard(void **state)
{
	struct round r;
	struct assign_result res;
	int spread, pos;

	round_make(&r, 30, 8, 6, 500, 2, 2);
	run(&r, &res);
	assert_int_equal(res.n_tasks, 500 * 15 * 2 + 500 * 6);
	spread = check_users(&r, &res, 30);
	pos = check_experts(&r, &res, 30, 8, true);
	print_message("# users: widest spread of one user's pair counts %d; experts: widest "
		      "left-right of an entrant %d\n",
		      spread, pos);
	assert_true(spread <= 3);
	assert_true(pos <= 3);
	assign_result_release(&res);
	/* Other seeds, the same guarantees. */
	mix_seed(r.in.seed + 1);
	for (int s = 1; s < 4; s++) {
		r.in.seed[0] = (unsigned char)s;
		run(&r, &res);
		check_users(&r, &res, 30);
		assert_true(check_experts(&r, &res, 30, 8, true) <= 3);
		assign_result_release(&res);
	}
}

static void test_odd_entrants_and_small_panel(void **state)
{
	struct round r;
	struct assign_result res;

	/* 5 entrants (a stage after an elimination): 10 pairs, m = 3, so
	 * m×E is odd and one output per prompt is scored m+1 times. */
	round_make(&r, 21, 7, 5, 200, 2, 3);
	run(&r, &res);
	check_users(&r, &res, 21);
	assert_true(check_experts(&r, &res, 21, 7, false) <= 3);
	assign_result_release(&res);
	/* More users than a prompt's slots: loads still within ±1. */
	round_make(&r, 37, 8, 6, 500, 2, 2);
	run(&r, &res);
	check_users(&r, &res, 37);
	assign_result_release(&res);
	/* 6 entrants, m = 2, only 3 experts: fewer than a prompt's 6 tasks, so
	 * experts see a prompt more than once, never an output twice. */
	round_make(&r, 15, 3, 6, 200, 1, 2);
	run(&r, &res);
	check_users(&r, &res, 15);
	check_experts(&r, &res, 15, 3, false);
	assign_result_release(&res);
}

static void test_infeasible_refused(void **state)
{
	struct round r;
	struct assign_result res;
	struct simsa_err err;

	round_make(&r, 29, 8, 6, 500, 2, 2);
	assert_int_equal(assign_check(&r.in, &err), -1);
	assert_string_equal(err.msg, "the user rubric asks for 2 raters per slot: 6 entrants make "
				     "15 pairs, so at least 30 users are needed; the round has 29");
	assert_int_equal(assign_run(&r.in, &res, &err), -1);
	assert_null(res.tasks);
	assert_int_equal(assign_users_needed(6, 2), 30);

	round_make(&r, 30, 2, 6, 10, 2, 2);
	assert_int_equal(assign_check(&r.in, &err), -1);
	assert_string_equal(err.msg,
			    "prompt 0 (category 0) needs at least 3 experts who may rate "
			    "its category, so that each of its 6 outputs gets 2 distinct experts "
			    "(the expert rubric's ratings per output); 2 experts may");
	{ /* with the names a round gives, the message uses them */
		static const char *const ids[10] = { "p-가을", "p2", "p3", "p4", "p5",
						     "p6",     "p7", "p8", "p9", "p10" };
		static const char *const cats[10] = { "글쓰기" };

		r.in.prompt_names = ids;
		r.in.category_names = cats;
		assert_int_equal(assign_check(&r.in, &err), -1);
		assert_non_null(strstr(err.msg, "prompt p-가을 (category 글쓰기) needs"));
	}
	round_make(&r, 30, 0, 6, 10, 2, 2);
	assert_int_equal(assign_check(&r.in, &err), -1);
	assert_non_null(strstr(err.msg, "0 experts may"));

	round_make(&r, 30, 8, 6, 10, 2, 2);
	r.raters[3].late = true;
	assert_int_equal(assign_check(&r.in, &err), -1);
	assert_string_equal(err.msg, "rater 4 is not late but comes after late rater 3: raters "
				     "enrolled after open must come last");
	round_make(&r, 30, 8, 6, 10, 2, 2);
	r.gold[0] = (struct assign_gold){ ASSIGN_GOLD_KNOWN, ASSIGN_USER, 3, 2, 2 };
	r.in.n_gold = 1;
	assert_int_equal(assign_check(&r.in, &err), -1);
	assert_non_null(strstr(err.msg, "gold item 0: entrants 2 and 2"));
	round_make(&r, 30, 8, 1, 10, 2, 2);
	assert_int_equal(assign_check(&r.in, &err), -1);
	assert_non_null(strstr(err.msg, "2 to 64 entrants"));
}

static void test_categories(void **state)
{
	static const uint32_t only0[] = { 0 }, only1[] = { 1 }, both[] = { 1, 0, 1 };
	struct round r;
	struct assign_result res;
	struct simsa_err err;

	/* 3 entrants, m = 1: each prompt's 2 tasks need 2 eligible experts. */
	round_make(&r, 3, 6, 3, 100, 1, 1);
	for (uint32_t q = 0; q < 100; q++)
		r.cat[q] = q % 2;
	r.in.prompt_category = r.cat;
	r.raters[3].categories = only0;
	r.raters[3].n_categories = 1;
	r.raters[4].categories = only0;
	r.raters[4].n_categories = 1;
	r.raters[5].categories = only1;
	r.raters[5].n_categories = 1;
	r.raters[6].categories = both; /* duplicates do no harm */
	r.raters[6].n_categories = 3;
	r.raters[7].categories = only1;
	r.raters[7].n_categories = 1;
	r.raters[8].categories = only1;
	r.raters[8].n_categories = 1;
	run(&r, &res);
	check_experts(&r, &res, 3, 6, true);
	for (uint32_t x = 3; x < 9; x++)
		assert_true(tasks_of(&res, x) > 0);
	assign_result_release(&res);
	/* Without experts 4 and 6, category 0 has one: refused, named. */
	r.raters[4].categories = only1;
	r.raters[6].categories = only1;
	r.raters[6].n_categories = 1;
	assert_int_equal(assign_run(&r.in, &res, &err), -1);
	assert_non_null(strstr(err.msg, "prompt 0 (category 0) needs at least 2 experts"));
	assert_non_null(strstr(err.msg, "; 1 expert may"));
}

static void test_late_raters_change_nobody(void **state)
{
	struct round r;
	struct assign_result before, after, again;
	unsigned char *eb, *ea;
	size_t lb, la;
	struct simsa_err err;

	round_make(&r, 30, 8, 6, 500, 2, 2);
	r.gold[0] = (struct assign_gold){ ASSIGN_GOLD_KNOWN, ASSIGN_USER, 7, 0, 1 };
	r.gold[1] = (struct assign_gold){ ASSIGN_GOLD_REPEAT, ASSIGN_USER, 0, 0, 0 };
	r.gold[2] = (struct assign_gold){ ASSIGN_GOLD_REPEAT, ASSIGN_EXPERT, 0, 0, 0 };
	r.in.n_gold = 3;
	run(&r, &before);
	r.raters[38] = (struct assign_rater){ .role = ASSIGN_USER, .late = true };
	memset(r.raters[38].public_key, 0x5a, 32);
	r.raters[39] = (struct assign_rater){ .role = ASSIGN_EXPERT, .late = true };
	memset(r.raters[39].public_key, 0x6b, 32);
	r.in.n_raters = 40;
	run(&r, &after);
	/* Every earlier rater's tasks, byte for byte. */
	assert_int_equal(before.first[38], after.first[38]);
	assert_int_equal(assign_encode(&before, 0, before.n_tasks, &eb, &lb, &err), 0);
	assert_int_equal(assign_encode(&after, 0, after.first[38], &ea, &la, &err), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(ea, eb, la);
	free(ea);
	free(eb);

	/* The late user: the regular load (1,000), capped by 500 prompts, no
	 * prompt twice, pairs and sides balanced within their own list. */
	uint32_t pc[6][6] = { { 0 } }, seen[500] = { 0 }, n = 0;

	assert_int_equal(tasks_of(&after, 38), 500 + 2);
	for (size_t i = after.first[38]; i < after.first[39]; i++) {
		const struct assign_task *t = &after.tasks[i];

		if (t->kind != ASSIGN_NORMAL)
			continue;
		assert_int_equal(t->replica, ASSIGN_REPLICA_EXTRA);
		assert_int_equal(seen[t->prompt]++, 0);
		pc[t->left][t->right]++;
		n++;
	}
	assert_int_equal(n, 500);
	for (int a = 0; a < 6; a++)
		for (int b = a + 1; b < 6; b++) {
			assert_true(pc[a][b] + pc[b][a] >= 33 && pc[a][b] + pc[b][a] <= 34);
			assert_true(abs((int)pc[a][b] - (int)pc[b][a]) <= 1);
		}
	/* The late expert: the regular average, 3000 / 8 = 375, plus 1 repeat. */
	assert_int_equal(tasks_of(&after, 39), 376);

	/* Another late rater enrolled before them in the list moves their
	 * index but not their tasks: those depend on their key alone. */
	r.raters[40] = r.raters[39];
	r.raters[39] = r.raters[38];
	r.raters[38] = (struct assign_rater){ .role = ASSIGN_USER, .late = true };
	memset(r.raters[38].public_key, 0x01, 32);
	r.in.n_raters = 41;
	run(&r, &again);
	assert_int_equal(tasks_of(&again, 39), tasks_of(&after, 38));
	for (uint32_t i = 0; i < tasks_of(&after, 38); i++) {
		struct assign_task x = after.tasks[after.first[38] + i];
		struct assign_task y = again.tasks[again.first[39] + i];

		x.rater = y.rater;
		assert_memory_equal(&x, &y, sizeof x);
	}
	assign_result_release(&before);
	assign_result_release(&after);
	assign_result_release(&again);
}

static void test_gold_items(void **state)
{
	struct round r;
	struct assign_result res;

	round_make(&r, 15, 4, 6, 40, 1, 1);
	r.raters[19].role = ASSIGN_AUDITOR;
	r.in.n_raters = 20;
	r.gold[0] = (struct assign_gold){ ASSIGN_GOLD_REPEAT, ASSIGN_USER, 0, 0, 0 };
	r.gold[1] = (struct assign_gold){ ASSIGN_GOLD_KNOWN, ASSIGN_USER, 39, 5, 2 };
	r.gold[2] = (struct assign_gold){ ASSIGN_GOLD_REPEAT, ASSIGN_USER, 0, 0, 0 };
	r.gold[3] = (struct assign_gold){ ASSIGN_GOLD_KNOWN, ASSIGN_EXPERT, 1, 0, 4 };
	r.in.n_gold = 4;
	run(&r, &res);
	assert_int_equal(tasks_of(&res, 19), 0); /* auditors rate nothing */
	for (uint32_t i = 0; i < 19; i++) {
		uint32_t known = 0, repeats = 0, n = tasks_of(&res, i);
		const struct assign_task *list = res.tasks + res.first[i];

		for (uint32_t p = 0; p < n; p++) {
			const struct assign_task *t = &list[p];

			assert_int_equal(t->position, p);
			if (t->kind == ASSIGN_NORMAL) {
				assert_int_equal(t->gold, ASSIGN_NO_GOLD);
			} else if (t->kind == ASSIGN_GOLD_KNOWN) {
				uint32_t g = i < 15 ? 1 : 3;

				assert_int_equal(t->gold, g);
				assert_int_equal(t->prompt, r.gold[g].prompt);
				assert_true(
					(t->left == r.gold[g].left &&
					 t->right == r.gold[g].right) ||
					(t->left == r.gold[g].right && t->right == r.gold[g].left));
				known++;
			} else {
				bool found = false;

				assert_true(i < 15);
				assert_true(t->gold == 0 || t->gold == 2);
				for (uint32_t o = 0; o < p; o++) /* its original comes first */
					found = found || (list[o].kind == ASSIGN_NORMAL &&
							  list[o].prompt == t->prompt &&
							  list[o].left == t->right &&
							  list[o].right == t->left);
				assert_true(found);
				repeats++;
			}
		}
		assert_int_equal(known, 1);
		assert_int_equal(repeats, i < 15 ? 2 : 0);
	}
	assign_result_release(&res);
}

static void test_encoding_layout(void **state)
{
	const struct assign_task t = {
		.rater = 0x04030201,
		.position = 0x08070605,
		.prompt = 0x0c0b0a09,
		.left = 0x0e0d,
		.right = 0x100f,
		.kind = 0x1211,
		.replica = 0x1413,
		.gold = 0x18171615,
	};
	unsigned char b[ASSIGN_TASK_BYTES], *out;
	struct assign_result res = { 0 };
	struct simsa_err err;
	size_t len;

	assign_task_encode(&t, b);
	for (int i = 0; i < ASSIGN_TASK_BYTES; i++)
		assert_int_equal(b[i], i + 1);
	assert_int_equal(assign_encode(&res, 0, 1, &out, &len, &err), -1);
	assert_null(out);
	assign_result_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drbg_key_known_answer),
		cmocka_unit_test(test_drbg_rfc8439_vector),
		cmocka_unit_test(test_drbg_stream_known_answer),
		cmocka_unit_test(test_uniform_chi_square),
		cmocka_unit_test(test_uniform_rejects),
		cmocka_unit_test(test_shuffle),
		cmocka_unit_test(test_reference_vector),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_properties_ko_arena_hard),
		cmocka_unit_test(test_odd_entrants_and_small_panel),
		cmocka_unit_test(test_infeasible_refused),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_late_raters_change_nobody),
		cmocka_unit_test(test_gold_items),
		cmocka_unit_test(test_encoding_layout),
	};

	if (sodium_init() < 0)
		return 1;
	run_seed = test_seed(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
