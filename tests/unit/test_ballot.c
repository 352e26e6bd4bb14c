/* Unit tests: the ballot encoding (src/ledger/ballot.c). */
#include "testutil.h"

#include <sodium.h>

#include "simsa/ballot.h"

static unsigned long long run_seed; /* of the mutations: test_seed() */

static void make_expert(struct ballot *b)
{
	memset(b, 0, sizeof *b);
	memcpy(b->round_id, "0123456789abcdef0123456789abcdef", 33);
	memset(b->manifest_hash, 0x11, 32);
	memset(b->rater_pk, 0x22, 32);
	b->task_position = 7;
	memset(b->output_hash[0], 0x33, 32);
	memset(b->output_hash[1], 0x44, 32);
	b->kind = BALLOT_EXPERT;
	b->n_criteria = 2;
	strcpy(b->criterion_id[0], "accuracy");
	strcpy(b->criterion_id[1], "korean");
	b->scores[0][0] = 4;
	b->scores[0][1] = BALLOT_SCORE_NA;
	b->scores[1][0] = 2;
	b->scores[1][1] = 5;
	b->flags[1] = BALLOT_FLAG_BROKEN | BALLOT_FLAG_IDENTITY;
	strcpy(b->comment[0], "근거가 분명하다");
	b->active_seconds = 95;
	b->seq = 3;
	memset(b->prev_hash, 0x55, 32);
	strcpy(b->cast_at, "2026-11-29T07:00:00Z");
}

static void make_user(struct ballot *b)
{
	make_expert(b);
	b->kind = BALLOT_USER;
	b->n_criteria = 0;
	memset(b->scores, 0, sizeof b->scores);
	memset(b->flags, 0, sizeof b->flags);
	memset(b->comment, 0, sizeof b->comment);
	b->preference = PREF_B_MUCH;
	b->satisfaction = BALLOT_SCORE_UNSET;
	strcpy(b->reason, "B가 더 정확함");
	b->has_supersedes = true;
	memset(b->supersedes, 0x66, 32);
}

static void roundtrip(const struct ballot *b)
{
	unsigned char *bytes, *again;
	size_t n, n2;
	struct ballot *d = malloc(sizeof *d);
	struct simsa_err err;

	assert_int_equal(ballot_encode(b, &bytes, &n, &err), 0);
	if (ballot_decode(bytes, n, d, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(ballot_encode(d, &again, &n2, &err), 0);
	assert_int_equal(n, n2);
	assert_memory_equal(bytes, again, n);
	assert_int_equal(memcmp(d, d, sizeof *d), 0);
	assert_string_equal(d->comment[0], b->comment[0]);
	assert_string_equal(d->reason, b->reason);
	assert_int_equal(d->scores[1][1], b->scores[1][1]);
	assert_int_equal(d->preference, b->preference);
	free(bytes);
	free(again);
	free(d);
}

static void test_roundtrip_expert_and_user(void **state)
{
	struct ballot *b = malloc(sizeof *b);

	make_expert(b);
	roundtrip(b);
	make_user(b);
	roundtrip(b);
	free(b);
}

/* The layout, byte for byte, for a user ballot (docs/ballot-format.md). */
static void test_layout(void **state)
{
	struct ballot *b = malloc(sizeof *b);
	unsigned char *bytes;
	size_t n, at = 0;
	struct simsa_err err;

	make_user(b);
	assert_int_equal(ballot_encode(b, &bytes, &n, &err), 0);
	assert_memory_equal(bytes, "simsa/ballot\0", 13);
	at = 13;
	assert_memory_equal(bytes + at, "\x01\0\0\0", 4); /* version 1 */
	at += 4;
	assert_memory_equal(bytes + at, "\x20\0\0\0", 4); /* round id: 32 bytes */
	at += 4 + 32 + 32 + 32;                           /* id, manifest, rater key */
	assert_memory_equal(bytes + at, "\x07\0\0\0", 4); /* task 7 */
	at += 4 + 64;
	assert_int_equal(bytes[at], BALLOT_USER);
	at += 1;
	assert_memory_equal(bytes + at, "\x04\0\0\0\xff\xff\xff\xff", 8); /* B≫A, no satisfaction */
	at += 8;
	size_t reason = strlen("B가 더 정확함");
	assert_int_equal(bytes[at], reason);
	at += 4 + reason;
	assert_memory_equal(bytes + at, "\x5f\0\0\0\x03\0\0\0", 8); /* 95 s, seq 3 */
	at += 8 + 32;
	assert_int_equal(bytes[at], 1); /* supersedes */
	at += 1 + 32;
	assert_int_equal(bytes[at], 20);
	at += 4 + 20;
	assert_int_equal(at, n);
	free(bytes);
	free(b);
}

static void refused(const unsigned char *p, size_t n, const char *frag)
{
	struct ballot *d = malloc(sizeof *d);
	struct simsa_err err;

	assert_int_equal(ballot_decode(p, n, d, &err), -1);
	if (frag && !strstr(err.msg, frag))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, frag);
	free(d);
}

static void test_refusals(void **state)
{
	struct ballot *b = malloc(sizeof *b);
	unsigned char *bytes, *big;
	size_t n;
	struct simsa_err err;

	make_expert(b);
	assert_int_equal(ballot_encode(b, &bytes, &n, &err), 0);
	/* every truncation */
	for (size_t cut = 0; cut < n; cut++)
		refused(bytes, cut, NULL);
	/* trailing bytes */
	big = malloc(n + 1);
	memcpy(big, bytes, n);
	big[n] = 0;
	refused(big, n + 1, "1 trailing bytes");
	/* unknown version */
	memcpy(big, bytes, n);
	big[13] = 2;
	refused(big, n, "unknown version 2");
	/* bad tag */
	memcpy(big, bytes, n);
	big[0] = 'S';
	refused(big, n, "bad tag");
	/* unknown kind */
	memcpy(big, bytes, n);
	big[13 + 4 + 4 + 32 + 32 + 32 + 4 + 64] = 9;
	refused(big, n, "unknown kind");
	free(big);
	free(bytes);
	/* the encoder refuses what the decoder would */
	b->flags[0] = 8;
	assert_int_equal(ballot_encode(b, &bytes, &n, &err), -1);
	b->flags[0] = 0;
	b->scores[0][0] = BALLOT_SCORE_UNSET;
	assert_int_equal(ballot_encode(b, &bytes, &n, &err), -1);
	assert_non_null(strstr(err.msg, "criterion 'accuracy' of A has no score"));
	b->scores[0][0] = 3;
	strcpy(b->comment[1], "\xc3(");
	assert_int_equal(ballot_encode(b, &bytes, &n, &err), -1);
	free(b);
}

/* Decode-then-encode gives back the same bytes, for any input the decoder
 * accepts: random mutations of valid ballots (a deterministic fuzz; the
 * libFuzzer target in tests/fuzz does the same without bounds). */
static void test_mutations_roundtrip(void **state)
{
	struct ballot *b = malloc(sizeof *b), *d = malloc(sizeof *d);
	unsigned char *bytes, *mut, *again;
	size_t n, n2;
	struct simsa_err err;
	uint32_t rng = (uint32_t)run_seed;
	int accepted = 0;

	for (int kind = 0; kind < 2; kind++) {
		if (kind)
			make_user(b);
		else
			make_expert(b);
		assert_int_equal(ballot_encode(b, &bytes, &n, &err), 0);
		mut = malloc(n);
		for (int i = 0; i < 20000; i++) {
			memcpy(mut, bytes, n);
			for (int k = 0; k < 1 + i % 3; k++) {
				rng = rng * 1103515245u + 12345u;
				mut[(rng >> 8) % n] ^= (unsigned char)(1u << ((rng >> 4) % 8));
			}
			if (ballot_decode(mut, n, d, &err) < 0)
				continue;
			accepted++;
			assert_int_equal(ballot_encode(d, &again, &n2, &err), 0);
			assert_int_equal(n2, n);
			assert_memory_equal(again, mut, n);
			free(again);
		}
		free(mut);
		free(bytes);
	}
	assert_true(accepted > 1000); /* many mutations land in hashes and scores */
	free(b);
	free(d);
}

static void test_receipt(void **state)
{
	unsigned char h[32];
	char code[BALLOT_RECEIPT_MAX + 1];
	struct receipt_parsed p, q;

	(void)state;
	/* python3 tests/tools/receipt_code.py 0 $(b2sum -l 256 of "abc"):
	 * the place, the hash's first 80 bits, the mod-37 check of both */
	crypto_generichash(h, 32, (const unsigned char *)"abc", 3, NULL, 0);
	ballot_receipt(0, h, code);
	assert_string_equal(code, "0-QQER-2F33-88WQ-4CBH-K");
	ballot_receipt(1234, h, code);
	assert_string_equal(code, "16J-QQER-2F33-88WQ-4CBH-H");
	ballot_receipt(UINT32_MAX, h, code);
	assert_string_equal(code, "3ZZZZZZ-QQER-2F33-88WQ-4CBH-1");
	assert_int_equal(strlen(code), BALLOT_RECEIPT_MAX);
	assert_int_equal(ballot_receipt_parse("16j qqer2f3388wq4cbhh", &p), RECEIPT_CODE);
	assert_int_equal(p.place, 1234);
	assert_memory_equal(p.prefix, h, 10);
	assert_int_equal(ballot_receipt_parse("16J-QQER-2F33-88WQ-4CBH-H", &q), RECEIPT_CODE);
	assert_memory_equal(&p.place, &q.place, sizeof p.place);
	/* O and I, L read as 0 and 1; leading zeros of the place change nothing */
	assert_int_equal(ballot_receipt_parse("OOl6J-QQER-2F33-88WQ-4CBH-h", &q), RECEIPT_CODE);
	assert_int_equal(q.place, 1234);
	/* the old form: 16 symbols, no place, no check */
	assert_int_equal(ballot_receipt_parse("QQER-2F33-88WQ-4CBH", &q), RECEIPT_OLD);
	assert_memory_equal(q.prefix, h, 10);
	assert_int_equal(ballot_receipt_parse("16J-QQER-2F33-88WQ-4CBH-6", &q), RECEIPT_MISTYPED);
	assert_int_equal(ballot_receipt_parse("16J-QQER-2F33-88WQ-4CB-5", &q), RECEIPT_MISTYPED);
	assert_int_equal(ballot_receipt_parse("16J-QQER-2F3*-88WQ-4CBH-5", &q), RECEIPT_MISTYPED);
	/* a place beyond 32 bits */
	assert_int_equal(ballot_receipt_parse("4000000-QQER-2F33-88WQ-4CBH-0", &q),
			 RECEIPT_MISTYPED);
	assert_int_equal(ballot_receipt_parse("hello", &q), RECEIPT_NOT_A_CODE);
	assert_int_equal(ballot_receipt_parse("16J-QQER-2F33-88WQ-4CBH-H!", &q),
			 RECEIPT_NOT_A_CODE);
	assert_int_equal(ballot_receipt_parse("", &q), RECEIPT_NOT_A_CODE);
}

/* Every code of many places and hashes reads back; every substitution of
 * one symbol by another, and every swap of two different neighbours, is
 * caught by the check symbol (Crockford's mod 37). */
static void test_receipt_check_catches_typos(void **state)
{
	static const char symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
	static const uint32_t places[] = { 0, 1, 31, 32, 1023, 1024, 99999, UINT32_MAX };
	unsigned char h[32];
	size_t tried = 0;

	(void)state;
	for (size_t k = 0; k < sizeof places / sizeof places[0]; k++)
		for (int r = 0; r < 8; r++) {
			char code[BALLOT_RECEIPT_MAX + 1], sym[BALLOT_RECEIPT_SYMBOLS + 2];
			char typo[BALLOT_RECEIPT_SYMBOLS + 2];
			struct receipt_parsed p;
			size_t n;

			randombytes_buf(h, sizeof h);
			ballot_receipt(places[k], h, code);
			assert_int_equal(ballot_receipt_parse(code, &p), RECEIPT_CODE);
			assert_int_equal(p.place, places[k]);
			assert_memory_equal(p.prefix, h, 10);
			ballot_receipt_normal(code, sym);
			n = strlen(sym);
			for (size_t i = 0; i < n; i++)
				for (const char *c = symbols; *c; c++) {
					if (*c == sym[i])
						continue;
					memcpy(typo, sym, n + 1);
					typo[i] = *c;
					if (ballot_receipt_parse(typo, &p) != RECEIPT_MISTYPED)
						fail_msg("%s -> %s is not caught", sym, typo);
					assert_true(ballot_receipt_near(typo, sym));
					tried++;
				}
			for (size_t i = 0; i + 1 < n; i++) {
				if (sym[i] == sym[i + 1])
					continue;
				memcpy(typo, sym, n + 1);
				typo[i] = sym[i + 1];
				typo[i + 1] = sym[i];
				if (ballot_receipt_parse(typo, &p) != RECEIPT_MISTYPED)
					fail_msg("%s -> %s is not caught", sym, typo);
				assert_true(ballot_receipt_near(typo, sym));
				tried++;
			}
		}
	print_message("%zu one-symbol typos, each caught\n", tried);
}

/* Near: equal or one substitution, drop, doubling or swap apart. */
static void test_receipt_near(void **state)
{
	(void)state;
	assert_true(ballot_receipt_near("ABCD", "ABCD"));
	assert_true(ballot_receipt_near("ABCD", "AXCD"));
	assert_true(ballot_receipt_near("ABCD", "ACD"));
	assert_true(ballot_receipt_near("ABCD", "ABBCD"));
	assert_true(ballot_receipt_near("ABCD", "BACD"));
	assert_true(ballot_receipt_near("ABCD", "ABDC"));
	assert_true(ballot_receipt_near("ABCD", "ABC"));
	assert_true(ballot_receipt_near("ABCD", "ABCDE"));
	assert_false(ballot_receipt_near("ABCD", "AXCY"));
	assert_false(ballot_receipt_near("ABCD", "BADC"));
	assert_false(ballot_receipt_near("ABCD", "AB"));
	assert_false(ballot_receipt_near("ABCD", "CABD"));
	assert_false(ballot_receipt_near("ABCD", "XABCDX"));
}

static void test_genesis_per_round_and_rater(void **state)
{
	unsigned char pk[32] = { 1 }, a[32], b[32], c[32];

	ballot_genesis("0123456789abcdef0123456789abcdef", pk, a);
	ballot_genesis("0123456789abcdef0123456789abcdee", pk, b);
	pk[0] = 2;
	ballot_genesis("0123456789abcdef0123456789abcdef", pk, c);
	assert_memory_not_equal(a, b, 32);
	assert_memory_not_equal(a, c, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_expert_and_user),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_mutations_roundtrip),
		cmocka_unit_test(test_receipt),
		cmocka_unit_test(test_receipt_check_catches_typos),
		cmocka_unit_test(test_receipt_near),
		cmocka_unit_test(test_genesis_per_round_and_rater),
	};

	if (sodium_init() < 0)
		return 1;
	run_seed = test_seed(12345);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
