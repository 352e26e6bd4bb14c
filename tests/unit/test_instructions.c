/* Unit tests: the instructions a rubric names (src/input/instructions.c,
 * the [rubric] keys in src/input/rubric.c, and `simsa init` storing them
 * through round_init): every refusal names the file and line, and what
 * raters will read is stored exactly as written. */
#include "testutil.h"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simsa/assets.h"
#include "simsa/instructions.h"
#include "simsa/round.h"
#include "simsa/rubric.h"
#include "simsa/util.h"

static void check_refused(const char *text, size_t len, const char *want)
{
	struct simsa_err err = { { 0 } };

	assert_int_equal(instructions_check("i.md", text, len, &err), -1);
	if (!strstr(err.msg, want))
		fail_msg("expected \"%s\", got \"%s\"", want, err.msg);
}

static void check_refused_s(const char *text, const char *want)
{
	check_refused(text, strlen(text), want);
}

static void test_check(void **state)
{
	static const char nul[] = "# 안내\n첫째\n\0둘째\n";
	static const char good[] = "# 안내\r\n\t들여쓴 줄 ✓\n**굵게**\n";
	struct simsa_err err = { { 0 } };
	char *big;

	(void)state;
	assert_int_equal(instructions_check("i.md", good, strlen(good), &err), 0);
	check_refused_s("# 안내\n\n이 줄에 \x1b[2J 가 있다\n",
			"i.md:3: a control character (U+001B)");
	check_refused(nul, sizeof nul - 1, "i.md:3: a NUL byte (U+0000)");
	check_refused_s("첫째\n\xe2\x80\xae거꾸로\n", "i.md:2: a bidirectional control (U+202E)");
	check_refused("a\n\xc2\x85", 4, "i.md:2: a control character (U+0085)");
	check_refused("a\rb\n", 4, "i.md:1: a control character (U+000D)");
	check_refused("a\nb\n\xff\n", 6, "i.md:3: not valid UTF-8");
	check_refused(" \n\t\r\n", 5, "i.md: empty");
	check_refused("", 0, "i.md: empty");
	big = malloc(INSTRUCTIONS_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, 'a', INSTRUCTIONS_MAX_BYTES + 1);
	check_refused(big, INSTRUCTIONS_MAX_BYTES + 1, "longer than 65536 bytes");
	assert_int_equal(instructions_check("i.md", big, INSTRUCTIONS_MAX_BYTES, &err), 0);
	free(big);
}

/* The built-in rubrics name their instructions, and the files are built in. */
static void test_builtin(void **state)
{
	static const char *const names[] = { "expert", "user" };

	(void)state;
	for (int i = 0; i < 2; i++) {
		char path[64];
		const struct asset *a;
		struct rubric *r = NULL;
		struct simsa_err err;

		snprintf(path, sizeof path, "rubrics/%s.rubric", names[i]);
		a = asset_find(path);
		assert_non_null(a);
		assert_int_equal(rubric_parse((const char *)a->data, a->len, path, &r, &err), 0);
		for (int l = 0; l < 2; l++) {
			char *text = NULL, src[80];
			size_t len;

			snprintf(src, sizeof src, "builtin:%s", path);
			assert_non_null(r->instructions_file[l]);
			assert_int_equal(
				instructions_load(src, r->instructions_file[l], &text, &len, &err),
				0);
			assert_non_null(strstr(text, l == 0 ? "안내" : "instructions"));
			/* what the instructions must say (issue 15) */
			if (i == 0)
				assert_non_null(
					strstr(text, l == 0 ? "투표 전체가 점수에서 빠집니다"
							    : "left out of the points entirely"));
			else
				assert_non_null(
					strstr(text, l == 0 ? "더 낫다고 고른 답변"
							    : "the answer you chose as better"));
			free(text);
		}
		rubric_free(&r);
	}
}

/* The rubric text with its instructions keys replaced by keys (or none). */
static char *user_rubric(const char *keys)
{
	const struct asset *a = asset_find("rubrics/user.rubric");
	const char *k = strstr((const char *)a->data, "instructions_ko");
	const char *end = strstr((const char *)a->data, "\n[preference]\n");
	size_t n = a->len + strlen(keys) + 1;
	char *out = malloc(n);

	assert_non_null(k);
	assert_non_null(end);
	assert_non_null(out);
	snprintf(out, n, "%.*s%s\n%s", (int)(k - (const char *)a->data), (const char *)a->data,
		 keys, end);
	return out;
}

static int init(const char *dir, const char *rubric_path, struct simsa_err *err)
{
	char db[600];
	char *paths[1] = { (char *)rubric_path };
	unsigned char pk[32] = { 1 };

	snprintf(db, sizeof db, "%s/round.db", dir);
	unlink(db);
	return round_init(db, "안내 시험", paths, 1, pk, err);
}

static void test_init_stores_or_refuses(void **state)
{
	char *dir = tmpdir_make(), *rub, *p, db[600];
	struct simsa_err err = { { 0 } };

	(void)state;
	snprintf(db, sizeof db, "%s/round.db", dir);
	/* a rubric naming no instructions: refused, no round made */
	rub = user_rubric("");
	p = write_file(dir, "u.rubric", rub);
	free(rub);
	assert_int_equal(init(dir, p, &err), -1);
	if (!strstr(err.msg, "u.rubric: [rubric] names no instructions_ko and instructions_en"))
		fail_msg("%s", err.msg);
	assert_int_not_equal(access(db, F_OK), 0);
	free(p);
	/* one language only: the parser refuses it at the section */
	rub = user_rubric("instructions_ko = u.ko.md\n");
	p = write_file(dir, "u.rubric", rub);
	free(rub);
	assert_int_equal(init(dir, p, &err), -1);
	assert_non_null(strstr(err.msg, "missing key \"instructions_en\""));
	free(p);
	/* both named, one file missing: refused naming it */
	rub = user_rubric("instructions_ko = u.ko.md\ninstructions_en = u.en.md\n");
	p = write_file(dir, "u.rubric", rub);
	free(rub);
	free(write_file(dir, "u.ko.md", "# 안내\n두 답 중 나은 것을 고르세요.\n"));
	assert_int_equal(init(dir, p, &err), -1);
	assert_non_null(strstr(err.msg, "u.en.md: cannot open"));
	assert_int_not_equal(access(db, F_OK), 0);
	/* a hostile byte in one: refused naming the file and line */
	free(write_file(dir, "u.en.md", "# Instructions\nPick the better.\n\x1b]0;owned\x07\n"));
	assert_int_equal(init(dir, p, &err), -1);
	assert_non_null(strstr(err.msg, "u.en.md:3: a control character (U+001B)"));
	assert_int_not_equal(access(db, F_OK), 0);
	/* good: both stored exactly as written, beside the rubric */
	free(write_file(dir, "u.en.md", "# Instructions\r\nPick the better one.\n"));
	if (init(dir, p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(sql_int(db,
				 "SELECT count(*) FROM rubric WHERE component = 'user' AND "
				 "instructions_ko = '# 안내' || char(10) || '두 답 중 나은 것을 "
				 "고르세요.' || char(10) AND instructions_en = '# Instructions' || "
				 "char(13, 10) || 'Pick the better one.' || char(10)"),
			 1);
	free(p);
	tmpdir_remove(&dir);
}

/* A rubric from someone else cannot make init copy another file into the
 * round (and the bundle that is published): only .md files beside the
 * rubric or below it, never through a symbolic link. */
static void test_init_reads_only_beside_the_rubric(void **state)
{
	static const char *const bad[] = {
		"instructions_ko = /etc/passwd.md\ninstructions_en = u.en.md\n",
		"instructions_ko = ../secret.md\ninstructions_en = u.en.md\n",
		"instructions_ko = sub/../../secret.md\ninstructions_en = u.en.md\n",
		"instructions_ko = secret.txt\ninstructions_en = u.en.md\n",
		"instructions_ko = ./u.ko.md\ninstructions_en = u.en.md\n",
		NULL,
	};
	char *dir = tmpdir_make(), *sub, *rub, *p, target[700], link_path[700], db[600];
	struct simsa_err err = { { 0 } };

	(void)state;
	snprintf(db, sizeof db, "%s/round.db", dir);
	free(write_file(dir, "secret.md", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n"));
	snprintf(target, sizeof target, "%s/secret.md", dir);
	sub = malloc(strlen(dir) + 8);
	sprintf(sub, "%s/rub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	free(write_file(sub, "u.en.md", "# Instructions\n"));
	free(write_file(sub, "u.ko.md", "# 안내\n"));
	for (int i = 0; bad[i]; i++) {
		rub = user_rubric(bad[i]);
		p = write_file(sub, "u.rubric", rub);
		free(rub);
		assert_int_equal(init(dir, p, &err), -1);
		if (!strstr(err.msg, "is not a file name beside the rubric"))
			fail_msg("%s: %s", bad[i], err.msg);
		assert_int_not_equal(access(db, F_OK), 0);
		free(p);
	}
	/* a link in the rubric's folder to a file elsewhere */
	snprintf(link_path, sizeof link_path, "%s/k.md", sub);
	assert_int_equal(symlink(target, link_path), 0);
	rub = user_rubric("instructions_ko = k.md\ninstructions_en = u.en.md\n");
	p = write_file(sub, "u.rubric", rub);
	free(rub);
	assert_int_equal(init(dir, p, &err), -1);
	if (!strstr(err.msg, "k.md: instructions: k.md is a symbolic link"))
		fail_msg("%s", err.msg);
	assert_int_not_equal(access(db, F_OK), 0);
	free(p);
	/* a folder beside the rubric that is a link to one elsewhere */
	{
		char away[700], folder_link[700];

		snprintf(away, sizeof away, "%s/away", dir);
		assert_int_equal(mkdir(away, 0700), 0);
		free(write_file(away, "notes.md", "TOP SECRET organizer notes\n"));
		snprintf(folder_link, sizeof folder_link, "%s/linked", sub);
		assert_int_equal(symlink(away, folder_link), 0);
		rub = user_rubric("instructions_ko = linked/notes.md\ninstructions_en = u.en.md\n");
		p = write_file(sub, "u.rubric", rub);
		free(rub);
		assert_int_equal(init(dir, p, &err), -1);
		if (!strstr(err.msg, "linked is a symbolic link or not a folder"))
			fail_msg("%s", err.msg);
		assert_int_not_equal(access(db, F_OK), 0);
		free(p);
	}
	/* a folder below the rubric's is fine */
	snprintf(link_path, sizeof link_path, "%s/ko", sub);
	assert_int_equal(mkdir(link_path, 0700), 0);
	free(write_file(link_path, "u.md", "# 안내 (하위 폴더)\n"));
	rub = user_rubric("instructions_ko = ko/u.md\ninstructions_en = u.en.md\n");
	p = write_file(sub, "u.rubric", rub);
	free(rub);
	if (init(dir, p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM rubric WHERE instructions_ko = "
				     "'# 안내 (하위 폴더)' || char(10)"),
			 1);
	free(p);
	free(sub);
	tmpdir_remove(&dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_init_stores_or_refuses),
		cmocka_unit_test(test_init_reads_only_beside_the_rubric),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
