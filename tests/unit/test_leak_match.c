/* Unit tests: identity-leak matching and its one rule (src/round/leak_match.c,
 * src/round/leak_fold.c; docs/opening.md, "Identity screening"), and the
 * refusal of confusable rater names (src/round/round.c). Each disguise is one
 * a model could use to name itself unseen: look-alike letters of another
 * script, invisible characters, tag characters, spaced-out letters. */
#include "testutil.h"

#include "fixture.h"
#include "simsa/leak_match.h"
#include "simsa/text.h"

/* ---- helpers ------------------------------------------------------------ */

#define MAX_HITS 16

struct hits {
	size_t n;
	char *term[MAX_HITS], *context[MAX_HITS];
	int entrant[MAX_HITS];
	size_t offset[MAX_HITS], len[MAX_HITS];
};

static void on_hit(void *ctx, const struct leak_hit *h)
{
	struct hits *hs = ctx;

	assert_true(hs->n < MAX_HITS);
	hs->term[hs->n] = strdup(h->term);
	hs->context[hs->n] = strdup(h->context);
	hs->entrant[hs->n] = h->entrant;
	hs->offset[hs->n] = h->offset;
	hs->len[hs->n] = h->len;
	hs->n++;
}

static void hits_release(struct hits *hs)
{
	for (size_t i = 0; i < hs->n; i++) {
		free(hs->term[i]);
		free(hs->context[i]);
	}
	hs->n = 0;
}

/* A screen over entrants given as "name" or "name|alias" strings (NULL-ended)
 * and extra words (NULL-ended). */
static struct leak_match *screen(const char *const *names, const char *const *extra)
{
	struct in_entrant e[8] = { { 0 } };
	struct round_inputs in = { 0 };
	struct leak_match *s = NULL;
	struct simsa_err err;
	char aliases[8][128];
	size_t n_extra = 0;

	for (; names && names[in.n_entrants]; in.n_entrants++) {
		const char *bar = strchr(names[in.n_entrants], '|');
		size_t i = in.n_entrants;

		e[i].name = strndup(names[i], bar ? (size_t)(bar - names[i]) : strlen(names[i]));
		if (bar) {
			snprintf(aliases[i], sizeof aliases[i], "[\"%s\"]", bar + 1);
			e[i].aliases_json = aliases[i];
		}
	}
	in.entrants = e;
	while (extra && extra[n_extra])
		n_extra++;
	if (leak_match_new(&in, extra, n_extra, &s, &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < in.n_entrants; i++)
		free(e[i].name);
	return s;
}

static void find(const struct leak_match *s, const char *text, struct hits *hs)
{
	int found;

	hits_release(hs);
	found = leak_match_text(s, text, strlen(text), on_hit, hs);
	assert_int_equal(found, (int)hs->n);
}

/* The terms text mentions, sorted, as "term,term". */
static char *terms_found(const struct leak_match *s, const char *text)
{
	struct hits hs = { 0 };
	char *out = calloc(1, 512);

	find(s, text, &hs);
	for (size_t i = 0; i < hs.n; i++) /* insertion order is term order: sort */
		for (size_t j = i + 1; j < hs.n; j++)
			if (strcmp(hs.term[j], hs.term[i]) < 0) {
				char *t = hs.term[i];

				hs.term[i] = hs.term[j];
				hs.term[j] = t;
			}
	for (size_t i = 0; i < hs.n; i++)
		snprintf(out + strlen(out), 512 - strlen(out), "%s%s", i ? "," : "", hs.term[i]);
	hits_release(&hs);
	return out;
}

#define assert_terms(s, text, want)                                                  \
	do {                                                                         \
		char *got_ = terms_found((s), (text));                               \
		if (strcmp(got_, (want)) != 0)                                       \
			fail_msg("%s: found [%s], want [%s]", (text), got_, (want)); \
		free(got_);                                                          \
	} while (0)

/* "Dasol" spelled in tag characters (U+E0000 + ASCII: 4 bytes each). */
static void tags(const char *ascii, char *out)
{
	for (; *ascii; ascii++)
		out += utf8proc_encode_char(0xE0000 + *ascii, (utf8proc_uint8_t *)out);
	*out = '\0';
}

static const char *const dasol[] = { "Dasol", NULL };

/* ---- the attacks of issue 14 -------------------------------------------- */

static void test_cyrillic_look_alike(void **state)
{
	struct leak_match *s = screen(dasol, NULL);

	assert_terms(s, "안녕하세요, 저는 D\xd0\xb0sol입니다.", "Dasol"); /* а U+0430 */
	assert_terms(s, "\xd0\x94\xd0\xb0\xd1\x95\xd0\xbel", ""); /* Даѕоl: Д is no D */
	assert_terms(s, "D\xd0\xb0\xd1\x95\xd0\xbel", "Dasol");   /* Dаѕоl */
	leak_match_free(&s);
}

static void test_tag_characters(void **state)
{
	struct leak_match *s = screen(dasol, NULL);
	char hidden[64], text[256];

	tags("Dasol", hidden);
	snprintf(text, sizeof text, "안녕하세요%s 반갑습니다.", hidden);
	assert_terms(s, text, "Dasol");
	/* tags sprinkled inside a visible name hide nothing either */
	tags("xyz", hidden);
	snprintf(text, sizeof text, "저는 Da%ssol입니다.", hidden);
	assert_terms(s, text, "Dasol");
	/* two runs are read apart: "Da" and "sol" make no name */
	tags("Da", hidden);
	snprintf(text, sizeof text, "%s 그리고 ", hidden);
	tags("sol", hidden);
	strcat(text, hidden);
	assert_terms(s, text, "");
	leak_match_free(&s);
}

/* Letters drawn as symbols or small capitals, which neither NFKC nor the
 * confusable skeletons fold: squared and negative squared or circled
 * capitals, parenthesized small letters, small capitals. */
static void test_letterlike_symbols(void **state)
{
	struct leak_match *s = screen(dasol, NULL);

	assert_terms(s, "저는 🅳🅰🆂🅾🅻입니다", "Dasol");
	assert_terms(s, "저는 🄳🄰🅂🄾🄻 모델", "Dasol");
	assert_terms(s, "저는 🅓🅐🅢🅞🅛 모델", "Dasol");
	assert_terms(s, "저는 ⒟⒜⒮⒪⒧ 모델", "Dasol");
	assert_terms(s, "저는 ᴅᴀsᴏʟ 모델", "Dasol");
	assert_terms(s, "저는 🅳 🅰 🆂 🅾 🅻 모델", "Dasol");
	/* and they are whole words as any letters: 🅳🅰🆂🅾🅻🅴 is another word */
	assert_terms(s, "🅳🅰🆂🅾🅻🅴", "");
	leak_match_free(&s);
}

static void test_spaced_letters(void **state)
{
	struct leak_match *s = screen(dasol, NULL);

	assert_terms(s, "제 이름은 D a s o l 입니다.", "Dasol");
	assert_terms(s, "제 이름은 D.a.s.o.l 입니다.", "Dasol");
	assert_terms(s, "제 이름은 D-a-s-o-l 입니다.", "Dasol");
	assert_terms(s, "D_a_s_o_l", "Dasol");
	assert_terms(s, "d · a · s · o · l", "Dasol");
	assert_terms(s, "I am a D a s o l model", "Dasol"); /* "a" before is a single letter too */
	assert_terms(s, "D\na\ns\no\nl", "Dasol");
	/* only single letters join: "Da sol" is two words */
	assert_terms(s, "Da sol", "");
	assert_terms(s, "D as ol", "");
	leak_match_free(&s);
}

static void test_invisible_and_compatibility_forms(void **state)
{
	struct leak_match *s = screen(dasol, NULL);

	assert_terms(s, "Da\u200Bsol", "Dasol");                    /* ZWSP */
	assert_terms(s, "D\u200Ca\u200Ds\u2060o\uFEFFl", "Dasol");  /* ZWNJ ZWJ WJ BOM */
	assert_terms(s, "Das\u00ADol", "Dasol");                    /* soft hyphen */
	assert_terms(s, "\uFF24\uFF21\uFF33\uFF2F\uFF2C", "Dasol"); /* ＤＡＳＯＬ */
	assert_terms(s, "\U0001D403asol", "Dasol");                 /* mathematical bold D */
	assert_terms(s, "DASOL", "Dasol");
	assert_terms(s, "DasoI", "Dasol");                               /* a capital I for the l */
	assert_terms(s, "Daso1", "Dasol");                               /* a digit 1 for the l */
	assert_terms(s, "Das0l", "Dasol");                               /* a digit 0 for the o */
	assert_terms(s, "Daso|", "Dasol");                               /* a bar for the l */
	assert_terms(s, "Dásól", "Dasol");                               /* accents are dropped */
	assert_terms(s, "D\u0336a\u0336s\u0336o\u0336l\u0336", "Dasol"); /* struck through */
	/* an isolated Arabic vowel sign is a letter whose NFKD is a space and a
	 * mark: it folds to nothing, not to a space inside a word (fuzz_leak) */
	assert_terms(s, "Da\uFE74sol", "Dasol");
	leak_match_free(&s);
}

/* A Korean name spelled in the jamo a keyboard types (compatibility jamo,
 * U+3131..): a reader reads ㄱㅏㅇㅗㄴ as 가온, but its consonants decompose
 * to leading ones, and a name's finals (받침) are trailing ones: such a name
 * went unseen, while one without finals (하나) was found. A leading
 * consonant after a syllable without a final is its final, unless a vowel
 * follows (ㄱㅏㄴㅏ is 가나). */
static void test_keyboard_jamo(void **state)
{
	static const char *const names[] = { "가온", "다솔", "하나", NULL };
	struct leak_match *s = screen(names, NULL);

	(void)state;
	assert_terms(s, "저는 ㄱㅏㅇㅗㄴ입니다", "가온");
	assert_terms(s, "저는 ㄷㅏㅅㅗㄹ입니다", "다솔");
	assert_terms(s, "저는 ㅎㅏㄴㅏ입니다", "하나");
	assert_terms(s, "저는 \u1100\u1161\u110B\u1169\u1102", "가온"); /* conjoining jamo */
	/* a vowel after the consonant: it begins the next syllable */
	assert_terms(s, "ㄱㅏㅇㅗㄴㅏ", "");
	assert_terms(s, "ㄱㅏㄴㅏ", "");
	/* written text is read as before */
	assert_terms(s, "가온입니다", "가온");
	assert_terms(s, "가오나시", "");
	assert_terms(s, "다소리", "");
	leak_match_free(&s);
}

static void test_builtin_vendors_without_aliases(void **state)
{
	struct leak_match *s = screen(dasol, NULL);
	struct hits hs = { 0 };

	find(s, "저는 Cohere의 Command R+ 모델입니다.", &hs);
	assert_int_equal(hs.n, 2);
	assert_string_equal(hs.term[0], "Cohere");
	assert_string_equal(hs.term[1], "Command R");
	assert_int_equal(hs.entrant[0], LEAK_BUILTIN);
	assert_int_equal(hs.entrant[1], LEAK_BUILTIN);
	hits_release(&hs);
	assert_terms(s, "저는 클로드입니다.", "클로드");
	assert_terms(s, "챗GPT와 제미나이를 비교하면", "GPT,제미나이,챗GPT");
	assert_terms(s, "I am ChatGPT, made by OpenAI.", "ChatGPT,OpenAI");
	assert_terms(s, "하이퍼클로바X와 엑사원", "엑사원,클로바,하이퍼클로바");
	assert_terms(s, "GPT-4o and Llama3 and Qwen2.5", "GPT,Llama,Qwen");
	assert_terms(s, "SK텔레콤의 A.X 4.0", "A.X,SK텔레콤");
	assert_terms(s, "Ｃｌａｕｄｅ", "Claude");
	assert_terms(s, "C l a u d e", "Claude");
	assert_terms(s, "Cl\xd0\xb0ude", "Claude");
	leak_match_free(&s);
}

static void test_whole_words(void **state)
{
	struct leak_match *s = screen(dasol, NULL);

	/* Hangul right after a Latin name is a word boundary */
	assert_terms(s, "Cohere의", "Cohere");
	assert_terms(s, "Cohere's model", "Cohere");
	assert_terms(s, "(Cohere)", "Cohere");
	assert_terms(s, "Coherence matters: 글의 일관성이 중요합니다.", "");
	assert_terms(s, "incoherent", "");
	assert_terms(s, "Dasolution is not a name.", "");
	assert_terms(s, "Dasol의", "Dasol");
	assert_terms(s, "ChatGPTs", "");
	assert_terms(s, "graphics", ""); /* no "phi" inside a word */
	assert_terms(s, "Googled", "");
	assert_terms(s, "kakaotalk", "");
	/* Korean terms match inside words: particles attach */
	assert_terms(s, "클로드는 말했다", "클로드");
	assert_terms(s, "구글에서", "구글");
	/* syllables are compared whole: 솔라 is not in 솔랄라 */
	assert_terms(s, "솔랄라", "");
	leak_match_free(&s);
}

static void test_entrants_come_first(void **state)
{
	static const char *const names[] = { "Upstage|솔라", "haneul|하늘AI", NULL };
	static const char *const words[] = { "Kakao", NULL };
	struct leak_match *s = screen(names, words);
	struct hits hs = { 0 };

	find(s, "Upstage의 Solar와 솔라, 하늘AI처럼, Kakao", &hs);
	for (size_t i = 0; i < hs.n; i++) {
		if (strcmp(hs.term[i], "Upstage") == 0 || strcmp(hs.term[i], "솔라") == 0)
			assert_int_equal(hs.entrant[i], 0);
		else if (strcmp(hs.term[i], "하늘AI") == 0)
			assert_int_equal(hs.entrant[i], 1);
		else if (strcmp(hs.term[i], "Kakao") == 0)
			assert_int_equal(hs.entrant[i], LEAK_LISTED);
		else if (strcmp(hs.term[i], "Solar") == 0)
			assert_int_equal(hs.entrant[i], LEAK_BUILTIN);
		else
			fail_msg("unexpected hit %s", hs.term[i]);
	}
	/* one hit per term: Upstage, 솔라 (the entrant's alias, not the
	 * built-in one), 하늘AI, Kakao (the listed word), Solar */
	assert_int_equal(hs.n, 5);
	hits_release(&hs);
	leak_match_free(&s);
}

static void test_context(void **state)
{
	struct leak_match *s = screen(dasol, NULL);
	struct hits hs = { 0 };
	char hidden[128], text[512];
	const char *plain = "저는 Cohere의 Command R+ 모델입니다.";

	find(s, plain, &hs);
	assert_int_equal(hs.n, 2);
	/* offset and length are the hit's bytes in the text as given */
	assert_int_equal(hs.offset[0], strlen("저는 "));
	assert_int_equal(hs.len[0], strlen("Cohere"));
	assert_memory_equal(plain + hs.offset[1], "Command R", hs.len[1]);
	assert_string_equal(hs.context[0], plain);

	/* hidden characters show in the context, readably */
	tags("Dasol", hidden);
	snprintf(text, sizeof text, "첫 줄\n안녕하세요%s\x1b[2J 반갑습니다.", hidden);
	find(s, text, &hs);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.offset[0], strlen("첫 줄\n안녕하세요"));
	assert_int_equal(hs.len[0], strlen(hidden));
	assert_string_equal(hs.context[0],
			    "첫 줄↵안녕하세요⟨tag:D⟩⟨tag:a⟩⟨tag:s⟩⟨tag:o⟩⟨tag:l⟩␛[2J "
			    "반갑습니다.");
	assert_true(text_is_plain(hs.context[0], strlen(hs.context[0])));

	/* a long text: about 30 characters each side, the cuts marked */
	memset(text, 'x', 100);
	strcpy(text + 100, " D a s o l ");
	memset(text + 111, 'y', 100);
	text[211] = '\0';
	find(s, text, &hs);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.offset[0], 101);
	assert_int_equal(hs.len[0], 9);
	/* 30 characters before the D (29 x and a space), 30 after the l */
	snprintf(hidden, sizeof hidden, "…%.29s D a s o l %.29s…", text, text + 111);
	assert_string_equal(hs.context[0], hidden);
	hits_release(&hs);
	leak_match_free(&s);
}

static void test_hostile_bytes(void **state)
{
	struct leak_match *s = screen(dasol, NULL);
	struct hits hs = { 0 };
	static const char bad[] = "\xff\xfe D\x80"
				  "asol \xe0\x80 Dasol\xc3";

	/* invalid UTF-8 reads as U+FFFD: the name after it is still found */
	assert_true(leak_match_text(s, bad, sizeof bad - 1, on_hit, &hs) == 1);
	assert_string_equal(hs.term[0], "Dasol");
	assert_true(text_is_plain(hs.context[0], strlen(hs.context[0])));
	hits_release(&hs);
	assert_int_equal(leak_match_text(s, "", 0, on_hit, &hs), 0);
	assert_int_equal(leak_match_text(s, "\0\0Dasol", 7, on_hit, &hs), 1);
	hits_release(&hs);
	leak_match_free(&s);
}

/* ---- the rule itself ---------------------------------------------------- */

static void test_normalize(void **state)
{
	static const char *const cases[][2] = {
		{ "Dasol", "dasol" },
		{ "D a s o l", "dasol" },
		{ "  Haneul-7B  ", "haneul 7b" },
		{ "Command R+", "cornrnand r" }, /* m reads as rn */
		{ "NC AI", "nc al" },            /* i and l fold together */
		{ "A.X", "ax" },
		{ "클로드", "클로드" },
		{ "\u1101\u1173\u11AF", "\uB04C" }, /* conjoining jamo make the syllable */
		{ "\u3131\u314F", "\uAC00" },       /* so do compatibility jamo */
		{ "하이퍼클로바X", "하이퍼클로바x" },
		{ "ǅasol", "dzasol" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = leak_normalize(cases[i][0], strlen(cases[i][0]));

		assert_non_null(got);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("%s: folded to \"%s\", want \"%s\"", cases[i][0], got,
				 cases[i][1]);
		free(got);
	}
}

static void test_confusable(void **state)
{
	static const char *const same[][2] = {
		{ "alice", "ALICE" },     { "alice", "aIice" },        { "alice", "a1ice" },
		{ "alice", "a.l.i.c.e" }, { "user.1", "user_1" },      { "kim", "kirn" },
		{ "o1", "Ol" },           { "Dasol", "D\xd0\xb0sol" },
	};
	static const char *const differ[][2] = {
		{ "alice", "alicia" },    { "user1", "user2" }, { "user10", "user01" },
		{ "expert1", "expert7" }, { "kim", "kin" },
	};

	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		if (leak_confusable(same[i][0], same[i][1]) != 1)
			fail_msg("%s and %s should read the same", same[i][0], same[i][1]);
	for (size_t i = 0; i < sizeof differ / sizeof differ[0]; i++)
		if (leak_confusable(differ[i][0], differ[i][1]) != 0)
			fail_msg("%s and %s should differ", differ[i][0], differ[i][1]);
}

/* Every built-in term is found in itself, and none in an ordinary answer. */
static void test_builtin_list(void **state)
{
	struct leak_match *s = screen(NULL, NULL);
	size_t n;
	const char *const *list = leak_builtin_terms(&n);
	struct hits hs = { 0 };

	assert_true(n >= 60);
	for (size_t i = 0; i < n; i++) {
		bool self = false;

		find(s, list[i], &hs);
		for (size_t k = 0; k < hs.n; k++)
			self = self || strcmp(hs.term[k], list[i]) == 0;
		if (!self)
			fail_msg("the built-in term %s is not found in itself", list[i]);
	}
	assert_terms(s, "철수는 영희보다 키가 크다. 따라서 영희가 더 작습니다. 가을 하늘이 맑다.",
		     "");
	hits_release(&hs);
	leak_match_free(&s);
}

/* ---- rater names -------------------------------------------------------- */

static void test_confusable_rater_refused(void **state)
{
	char *dir = tmpdir_make(), db[600], key[600];
	struct secret_key *org = NULL;
	unsigned char opk[32], pk[32] = { 1 };
	struct store *st = NULL;
	struct simsa_err err;
	static const char *const refused[] = { "aIice", "a1ice", "ALICE", "a.l.i.c.e",
					       "0rganizer" };

	snprintf(db, sizeof db, "%s/round.db", dir);
	snprintf(key, sizeof key, "%s/organizer.key", dir);
	if (keyfile_create(key, "pw", 2, &fx_fast_kdf, opk, &err) < 0 ||
	    keyfile_unlock(key, "pw", 2, &org, &err) < 0 ||
	    round_init(db, "이름 시험", NULL, 0, opk, &err) < 0 || store_open(db, &st, &err) < 0 ||
	    rater_enrol(st, org, "alice", ROLE_USER, pk, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		char want[256];

		pk[0] = (unsigned char)(2 + i);
		assert_int_equal(rater_enrol(st, org, refused[i], ROLE_USER, pk, NULL, &err), -1);
		snprintf(want, sizeof want, "rater name '%s' is confusable with %s", refused[i],
			 i == 4 ? "the organizer's key name 'organizer'"
				: "the enrolled rater 'alice'");
		if (!strstr(err.msg, want))
			fail_msg("%s: %s", refused[i], err.msg);
		assert_int_equal(store_find_rater(st, refused[i], NULL, &err), 0);
	}
	/* the names in the message are sanitized */
	assert_int_equal(rater_enrol(st, org, "al\u200Bice\x1b", ROLE_USER, pk, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "rater name 'al⟨ZWSP⟩ice␛' is confusable"));
	assert_int_equal(rater_enrol(st, org, "alice", ROLE_USER, pk, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "a rater named 'alice' is already enrolled"));
	pk[0] = 99;
	if (rater_enrol(st, org, "alicia", ROLE_USER, pk, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	store_close(&st);
	secret_key_free(&org);
	tmpdir_remove(&dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cyrillic_look_alike),
		cmocka_unit_test(test_tag_characters),
		cmocka_unit_test(test_letterlike_symbols),
		cmocka_unit_test(test_spaced_letters),
		cmocka_unit_test(test_invisible_and_compatibility_forms),
		cmocka_unit_test(test_keyboard_jamo),
		cmocka_unit_test(test_builtin_vendors_without_aliases),
		cmocka_unit_test(test_whole_words),
		cmocka_unit_test(test_entrants_come_first),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_confusable),
		cmocka_unit_test(test_builtin_list),
		cmocka_unit_test(test_confusable_rater_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
