/* Unit tests: the rating console run headless on the demo round — key
 * scripts in, screen text and semantic state out (docs/console.md): a full
 * expert and a full user session ending in stored ballots, re-answering
 * (a superseding ballot), the hostile demo output at 80x24, 100x30 and
 * 200x50, resize in the middle of a comment, please-enlarge, Ctrl-C,
 * SIGHUP and kill -9 with the draft restored, Korean, bracketed paste
 * (never commands; into the comment at the cursor; cut at the limit; an
 * end mark split by ESCDELAY), and the refusal of a non-UTF-8 locale. */
#include "testutil.h"

#include <locale.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sodium.h>

#include "cli.h"
#include "fixture.h"
#include "rating.h"
#include "simsa/assets.h"
#include "simsa/ballot.h"
#include "simsa/console.h"
#include "simsa/keyfile.h"
#include "simsa/receipt_file.h"

struct fx {
	char *dir;
	char db[512];
	char pass[512];
	char script[512];
	char dump[512];
};

static char *g_section; /* the last dump section asked for */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char *argv[] = { "demo", "--db", f->db, "--no-panel", NULL };
	char *p;
	int saved = dup(STDOUT_FILENO);
	FILE *null = fopen("/dev/null", "w");

	f->dir = tmpdir_make();
	snprintf(f->db, sizeof f->db, "%s/demo.db", f->dir);
	fflush(stdout);
	dup2(fileno(null), STDOUT_FILENO); /* demo's own report is not TAP */
	assert_int_equal(cmd_demo(4, argv), 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fclose(null);
	p = write_file(f->dir, "pass", "demo\n");
	assert_int_equal(chmod(p, 0600), 0);
	snprintf(f->pass, sizeof f->pass, "%s", p);
	free(p);
	snprintf(f->script, sizeof f->script, "%s/script", f->dir);
	snprintf(f->dump, sizeof f->dump, "%s/dump", f->dir);
	setenv("XDG_DATA_HOME", f->dir, 1); /* the receipts files go there */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tmpdir_remove(&f->dir);
	free(f);
	free(g_section);
	g_section = NULL;
	return 0;
}

/* Runs the console for rater with the script, at size, in lang; returns its
 * exit status. The dump file starts empty. */
static int run(struct fx *f, const char *rater, const char *size, const char *lang,
	       const char *script)
{
	char *p = write_file(f->dir, "script", script);

	free(p);
	unlink(f->dump);
	setenv("SIMSA_CONSOLE_SCRIPT", f->script, 1);
	setenv("SIMSA_CONSOLE_SIZE", size, 1);
	setenv("SIMSA_CONSOLE_DUMP", f->dump, 1);
	return cli_rate(f->db, rater, NULL, f->pass, lang, NULL);
}

/* run() for a rater who has not begun (no ballot, no draft): the
 * instructions come first, and Enter starts the tasks. */
static int run_new(struct fx *f, const char *rater, const char *size, const char *lang,
		   const char *script)
{
	size_t n = strlen(script) + 16;
	char *all = malloc(n);
	int rc;

	assert_non_null(all);
	snprintf(all, n, "keys <Enter>\n%s", script);
	rc = run(f, rater, size, lang, all);
	free(all);
	return rc;
}

static char *dump_text(struct fx *f)
{
	return file_text(f->dump);
}

/* The dump section with this label (from "--- screen ... LABEL" to "--- end"). */
static char *section(char *all, const char *label)
{
	char head[128], *s, *e;

	snprintf(head, sizeof head, " %s\n", label);
	for (s = strstr(all, "--- screen "); s; s = strstr(s + 1, "--- screen ")) {
		char *nl = strchr(s, '\n');

		if (nl && (size_t)(nl + 1 - s) >= strlen(head) &&
		    strncmp(nl + 1 - strlen(head), head, strlen(head)) == 0)
			break;
	}
	if (!s)
		fail_msg("no dump labelled %s", label);
	e = strstr(s, "--- end");
	assert_non_null(e);
	free(g_section);
	g_section = strndup(s, (size_t)(e - s));
	return g_section;
}

static void has(const char *sec, const char *needle)
{
	if (!strstr(sec, needle))
		fail_msg("missing '%s' in:\n%s", needle, sec);
}

static void lacks(const char *sec, const char *needle)
{
	if (strstr(sec, needle))
		fail_msg("'%s' should not be in:\n%s", needle, sec);
}

/* Before close a rater is told only that a ballot is recorded (or, by
 * simsa receipt, superseded): never counted, and never that a task is gold
 * (docs/scoring.md "Ballot statuses"). */
static void says_recorded_only(const char *sec)
{
	static const char *const words[] = { "counted", "gold", "Gold", "집계", "골드" };

	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		lacks(sec, words[i]);
}

static long long count(struct fx *f, const char *rater, const char *where)
{
	char sql[512];

	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM ballot b JOIN rater r ON r.id = b.rater_id "
		 "WHERE r.name = '%s' %s",
		 rater, where);
	return sql_int(f->db, sql);
}

static void test_expert_full_session(void **state)
{
	struct fx *f = *state;
	char *script = NULL, *all, *sec;
	size_t n = 0;
	FILE *m = open_memstream(&script, &n);

	fprintf(m, "dump instr\nkeys 4 s j\ndump still\nkeys <Enter>\ndump first\n");
	for (int t = 0; t < 10; t++) {
		fprintf(m, "keys 4 4 3 4 5 3\n");                   /* A: six criteria */
		fprintf(m, "keys <Tab> k k k k k k 3 0 4 4 4 -\n"); /* B, N/A twice */
		fprintf(m, "keys 2 c\ntype 설명이 장황함 %d\nkeys <Enter>\n", t + 1);
		if (t == 0)
			fprintf(m, "keys s\ndump confirm\nkeys y\ndump receipt\nkeys <Enter>\n");
		else
			fprintf(m, "keys s y <Enter>\n");
	}
	fprintf(m, "dump end\n");
	fclose(m);
	assert_int_equal(run(f, "expert1", "100x30", "ko", script), 0);
	free(script);
	all = dump_text(f);
	/* before the first task: the rubric's instructions, in Korean; keys
	 * that would rate do nothing there, Enter starts */
	sec = section(all, "instr");
	has(sec, "screen=instructions\n");
	has(sec, "instructions=round\ninstructions_gate=1\n");
	has(sec, "평가 안내: 전문가 평가: 기준별 채점");
	has(sec, "# 전문가 평가 안내");
	has(sec, "Enter: 시작");
	sec = section(all, "still");
	has(sec, "screen=instructions\n");
	has(sec, "instructions_top=1\n"); /* j scrolled */
	has(sec, "score.A.accuracy=-\n");
	sec = section(all, "first");
	has(sec, "screen=rate\n");
	has(sec, "task=1/10\n");
	has(sec, "layout=side-by-side\n");
	has(sec, "평가 기준");
	has(sec, "unsafe_rows=0\n");
	sec = section(all, "confirm");
	has(sec, "screen=confirm\n");
	has(sec, "이 평가를 제출할까요?");
	has(sec, "A: 4          B: 3"); /* B after the widest A: 해당없음 */
	has(sec, "설명이 장황함 1");
	sec = section(all, "receipt");
	has(sec, "screen=receipt\n");
	has(sec, "영수증 코드: ");
	has(sec, "표가 기록되었는지 확인할 수 있습니다");
	says_recorded_only(sec);
	sec = section(all, "end");
	has(sec, "screen=review\n");
	has(sec, "done=10\n");
	has(sec, "과제 10개를 모두 마쳤습니다");
	free(all);
	assert_int_equal(count(f, "expert1", ""), 10);
	assert_int_equal(count(f, "expert1", "AND b.comment_right LIKE '설명이 장황함 %'"), 10);
	assert_int_equal(count(f, "expert1", "AND b.flags_right = 2 AND b.flags_left = 0"), 10);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM draft d JOIN rater r ON "
					"r.id = d.rater_id WHERE r.name = 'expert1'"),
			 0);
}

static void test_user_full_session_and_supersede(void **state)
{
	struct fx *f = *state;
	char *script = NULL, *all, *sec;
	size_t n = 0;
	FILE *m = open_memstream(&script, &n);

	fprintf(m, "dump instr\nkeys <Enter> 3 i\ndump again\nkeys <Esc>\ndump back\nkeys x\n");
	for (int t = 0; t < 10; t++)
		fprintf(m, "keys %d j 4 c\ntype 이유 %d\nkeys <Enter> s y <Enter>\n", t % 6 + 1,
			t + 1);
	fprintf(m, "dump end\n");
	fclose(m);
	assert_int_equal(run(f, "user01", "80x24", "en", script), 0);
	free(script);
	all = dump_text(f);
	sec = section(all, "instr");
	has(sec, "screen=instructions\n");
	has(sec, "Instructions: User evaluation: comparing two answers");
	has(sec, "# User evaluation: instructions");
	has(sec, "Enter: start");
	has(sec, "p: practice (1)");        /* the demo's one practice task, optional */
	has(sec, "practice_pending=1/1\n"); /* none required */
	sec = section(all, "again");        /* i on a task: the same text, Esc goes back */
	has(sec, "screen=instructions\n");
	has(sec, "instructions_gate=0\n");
	has(sec, "# User evaluation: instructions");
	has(sec, "Enter / Esc / i: back");
	sec = section(all, "back");
	has(sec, "screen=rate\n");
	has(sec, "preference=tie\n"); /* the answer begun is still there */
	sec = section(all, "end");
	has(sec, "screen=review\n");
	has(sec, "done=10\n");
	has(sec, "All 10 tasks are done");
	free(all);
	assert_int_equal(count(f, "user01", ""), 10);
	assert_int_equal(count(f, "user01", "AND b.preference = 5"), 1); /* both bad once */
	assert_int_equal(count(f, "user01", "AND b.satisfaction = 4"), 10);
	/* start again: everything is done, so the list comes up; re-open task 1
	 * and change the answer: a new ballot supersedes the first */
	assert_int_equal(run(f, "user01", "80x24", "en",
			     "dump list\nkeys g <Enter>\ndump reopened\nkeys 5 s\ndump confirm\n"
			     "keys y\ndump receipt\n"),
			 0);
	all = dump_text(f);
	has(section(all, "list"), "screen=review\n");
	sec = section(all, "reopened");
	has(sec, "task_done=1\n");
	has(sec, "submitting again supersedes it");
	has(section(all, "confirm"), "This replaces your earlier ballot");
	has(section(all, "receipt"), "Receipt code: ");
	free(all);
	assert_int_equal(count(f, "user01", ""), 11);
	assert_int_equal(count(f, "user01", "AND b.supersedes IS NOT NULL"), 1);
}

static void test_hostile_output(void **state)
{
	struct fx *f = *state;
	static const char *const labels[] = { "w80", "w100", "w200", "w80b" };
	char *all;

	char script[512], moves[64] = "", sql[512], who[16] = "";
	long long pos, right;

	/* a user who was given yunseul's write-002 answer (ESC, OSC 52, bidi
	 * overrides, zero-width characters; the demo's assignment is random):
	 * go to that task and that side */
	for (int u = 4; u <= 12 && !who[0]; u++) {
		snprintf(
			sql, sizeof sql,
			"SELECT count(*) FROM task t JOIN rater r ON r.id = "
			"t.rater_id JOIN blind_output b ON b.id IN (t.left_output, t.right_output) "
			"WHERE r.name = 'user%02d' AND instr(b.text, char(27)) > 0",
			u);
		if (sql_int(f->db, sql) == 1)
			snprintf(who, sizeof who, "user%02d", u);
	}
	if (!who[0])
		skip();
	snprintf(sql, sizeof sql,
		 "SELECT t.position FROM task t JOIN rater r ON r.id = t.rater_id "
		 "JOIN blind_output b ON b.id IN (t.left_output, t.right_output) "
		 "WHERE r.name = '%s' AND instr(b.text, char(27)) > 0",
		 who);
	pos = sql_int(f->db, sql);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM task t JOIN rater r ON r.id = t.rater_id "
		 "JOIN blind_output b ON b.id = t.right_output "
		 "WHERE r.name = '%s' AND instr(b.text, char(27)) > 0",
		 who);
	right = sql_int(f->db, sql);
	for (long long i = 0; i < pos; i++)
		strcat(moves, " n");
	snprintf(script, sizeof script,
		 "keys%s%s\ndump w80\nresize 100x30\ndump w100\nresize 200x50\ndump w200\n"
		 "resize 80x24\nkeys J J J\ndump w80b\n",
		 moves, right ? " <Tab>" : "");
	assert_int_equal(run_new(f, who, "80x24", "en", script), 0);
	all = dump_text(f);
	for (const unsigned char *p = (const unsigned char *)all; *p; p++) {
		assert_false(*p < 0x20 && *p != '\n');
		assert_false(*p == 0x7f);
		assert_false(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
		assert_false(p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae);
	}
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		char *sec = section(all, labels[i]);

		has(sec, "unsafe_rows=0\n");
		has(sec, "퇴근길 지하철"); /* write-002's prompt */
		has(sec, right ? "side=B\n" : "side=A\n");
		has(sec, "\xe2\x90\x9b"); /* ␛ shown instead of ESC */
		if (i != 3)
			has(sec, "\xe2\x90\x80"); /* ␀ for the \u0000 after the title's 퇴근길 */
		if (i != 3)
			has(sec, "⟨RLO⟩");
		if (i == 0)
			has(sec, right ? "showing B" : "showing A");
	}
	free(all);
}

static void test_resize_mid_comment(void **state)
{
	struct fx *f = *state;
	char *all, *sec;

	assert_int_equal(run_new(f, "expert3", "120x40", "ko",
				 "keys c\ntype 한글 의견\nresize 70x24\ndump narrow\nresize 40x12\n"
				 "dump tiny\nresize 200x50\ntype  추가\ndump wide\n"),
			 0);
	all = dump_text(f);
	sec = section(all, "narrow");
	has(sec, "editing=1\n");
	has(sec, "edit.text=한글 의견\n");
	has(sec, "layout=single\n");
	has(section(all, "tiny"), "screen=too-small\n");
	sec = section(all, "wide");
	has(sec, "editing=1\n");
	has(sec, "edit.text=한글 의견 추가\n");
	has(sec, "edit.col=14\n");
	has(sec, "layout=side-by-side\n");
	free(all);
	/* every keystroke went into the draft */
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM draft d JOIN rater r ON "
					"r.id = d.rater_id WHERE r.name = 'expert3' AND "
					"d.data LIKE '%한글 의견 추가%'"),
			 1);
}

static void test_kill9_and_hup_keep_the_draft(void **state)
{
	struct fx *f = *state;
	char *all, *sec;
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		run_new(f, "expert2", "100x30", "en", "keys 4 4 3\nsignal KILL\nkeys 5 5 5\n");
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_int_equal(run(f, "expert2", "100x30", "en",
			     "dump resumed\nkeys 5\nsignal HUP\n"
			     "keys 1\n"),
			 128 + SIGHUP);
	all = dump_text(f);
	sec = section(all, "resumed");
	has(sec, "task=1/10\n");
	has(sec, "score.A.accuracy=4\n");
	has(sec, "score.A.reasoning=4\n");
	has(sec, "score.A.korean=3\n");
	has(sec, "score.A.usefulness=-\n");
	has(sec, "Draft restored.");
	free(all);
	assert_int_equal(run(f, "expert2", "100x30", "en", "dump again\n"), 0);
	all = dump_text(f);
	has(section(all, "again"), "score.A.usefulness=5\n"); /* kept through SIGHUP */
	free(all);
}

static void test_ctrl_c_asks_and_required(void **state)
{
	struct fx *f = *state;
	char *all;

	assert_int_equal(
		run_new(f, "expert4", "80x24", "en",
			"keys <C-c>\ndump ask\nkeys n\ndump back\nkeys 3\nkeys j j\nkeys s\n"
			"dump incomplete\nkeys 0\ndump na-required\nkeys ?\ndump help\nkeys <Esc> a\n"
			"dump anchors\nkeys 2\ndump chosen\nkeys q y\n"),
		0);
	all = dump_text(f);
	has(section(all, "ask"), "screen=quit\n");
	has(section(all, "back"), "screen=rate\n");
	/* A's accuracy has a 3; the first score missing is B's accuracy: the
	 * message names it and the cursor, two rows down, goes back to it */
	has(section(all, "incomplete"), "Factual accuracy needs a score for B");
	has(section(all, "incomplete"), "side=B\nrow=0\n");
	has(section(all, "na-required"), "N/A is not allowed");
	has(section(all, "help"), "screen=help\n");
	has(section(all, "anchors"), "Levels of Factual accuracy");
	has(section(all, "chosen"), "score.B.accuracy=2\n"); /* on B, where s put it */
	free(all);
}

/* The state part of a dump section without its message line: what a
 * key could have changed. */
static char *state_without_message(const char *sec)
{
	const char *st = strstr(sec, "--- state\n");
	char *out, *m, *nl;

	assert_non_null(st);
	out = strdup(st);
	m = strstr(out, "\nmessage=");
	assert_non_null(m);
	nl = strchr(m + 1, '\n');
	memmove(m, nl, strlen(nl) + 1);
	return out;
}

static void test_paste_is_never_commands(void **state)
{
	struct fx *f = *state;
	char *all, *before, *after;

	/* a complete answer, so that s and y would submit and cast */
	assert_int_equal(
		run_new(f, "expert1", "100x30", "ko",
			"keys 4 4 3 4 5 3\nkeys <Tab> k k k k k k 3 0 4 4 4 -\ndump filled\n"
			"paste 1 2 3 s y\\n5 0 x s y q y <Enter> n r\ndump pasted\n"
			"keys s\ndump confirm\npaste y\ndump still\nkeys n\ndump back\n"),
		0);
	all = dump_text(f);
	before = state_without_message(section(all, "filled"));
	after = state_without_message(section(all, "pasted"));
	assert_string_equal(before, after);
	free(before);
	free(after);
	has(section(all, "pasted"), "붙여넣기는 의견·이유 입력 중에만 됩니다 (c)");
	has(section(all, "confirm"), "screen=confirm\n");
	has(section(all, "still"), "screen=confirm\n");
	has(section(all, "still"), "message=붙여넣기를 무시했습니다");
	has(section(all, "back"), "screen=rate\n");
	has(section(all, "back"), "done=0\n");
	free(all);
	assert_int_equal(count(f, "expert1", ""), 0);
}

static void test_paste_into_comment(void **state)
{
	struct fx *f = *state;
	char *all, *sec;

	/* at the cursor, the line break kept (a comment holds several lines),
	 * the tab as a space, a control byte and a byte that is not UTF-8
	 * dropped; Enter after the paste is a key */
	assert_int_equal(
		run_new(f, "expert1", "100x30", "ko",
			"keys c\ntype 앞뒤\nkeys <Left>\n"
			"paste 한국어 첫 줄\\n둘째\\t셋\x01째\xff\ndump pasted\nkeys <Enter>\n"
			"dump done\n"),
		0);
	all = dump_text(f);
	sec = section(all, "pasted");
	has(sec, "editing=1\n");
	has(sec, "edit.text=앞한국어 첫 줄\xe2\x86\xb5둘째 셋째뒤\n"); /* ↵ in the dump */
	sec = section(all, "done");
	has(sec, "editing=0\n");
	has(sec, "comment.A=앞한국어 첫 줄\xe2\x86\xb5둘째 셋째뒤\n");
	free(all);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM draft d JOIN rater r ON "
					"r.id = d.rater_id WHERE r.name = 'expert1' AND "
					"d.data LIKE '%앞한국어 첫 줄\\n둘째 셋째뒤%'"),
			 1);
}

/* A comment of two lines: Ctrl-J breaks the line, the editor shows both
 * rows, and the ballot signs and the CSV export gives the text as typed. */
static void test_two_line_comment(void **state)
{
	struct fx *f = *state;
	char *all, *sec, out[600], *csv;

	assert_int_equal(
		run_new(f, "expert1", "100x30", "ko",
			"keys 4 4 3 4 5 3\nkeys <Tab> k k k k k k 3 4 4 4 4 4\nkeys <Tab> j c\n"
			"type 첫째 줄은 짧다\nkeys <C-j>\ntype 둘째 줄 ✓\ndump editing\n"
			"keys <Enter>\ndump done\nkeys s\ndump confirm\nkeys y\ndump cast\n"
			"keys <Enter> q y\n"),
		0);
	all = dump_text(f);
	sec = section(all, "editing");
	has(sec, "editing=1\n");
	has(sec, "\n  의견 A: 첫째 줄은 짧다\n"); /* the first row, with the label */
	has(sec, "둘째 줄 ✓");                    /* the second row below it */
	has(sec, "edit.col=9\n"); /* 둘째 줄 ✓: 4+1+2+1+1 columns into its line */
	has(section(all, "done"), "comment.A=첫째 줄은 짧다\xe2\x86\xb5둘째 줄 ✓\n");
	has(section(all, "confirm"), "의견 A: 첫째 줄은 짧다\n");
	has(section(all, "cast"), "task_done=1\n");
	free(all);
	assert_int_equal(sql_int(f->db,
				 "SELECT count(*) FROM ballot b JOIN rater r ON "
				 "r.id = b.rater_id WHERE r.name = 'expert1' AND "
				 "b.comment_left = '첫째 줄은 짧다' || char(10) || '둘째 줄 ✓'"),
			 1);
	snprintf(out, sizeof out, "%s/ballots.csv", f->dir);
	{
		char *argv[] = { "export", f->db, "--format", "csv", "--out", out, NULL };

		assert_int_equal(cmd_export(6, argv), 0);
	}
	csv = file_text(out);
	assert_non_null(csv);
	has(csv, "\"첫째 줄은 짧다\n둘째 줄 ✓\""); /* quoted, the line break kept */
	free(csv);
}

static void test_paste_cut_and_split_end(void **state)
{
	struct fx *f = *state;
	char *script = NULL, *all, *sec, want[4200] = "edit.text=";
	size_t n = 0;
	FILE *m = open_memstream(&script, &n);

	/* 1,400 syllables of 3 bytes: 1,333 fit in 4,000 bytes; the ASCII
	 * after the cut would fit but must not go in */
	fprintf(m, "keys c\npaste ");
	for (int i = 0; i < 1400; i++)
		fputs("가", m);
	fprintf(m, "xy\ndump cut\nkeys <C-u>\n");
	/* an end mark whose ESC came alone (a slow link and ESCDELAY) */
	fprintf(m,
		"keys <PasteBegin>\ntype ab\nkeys <Esc>\ntype [201~\nkeys <Enter>\ndump split\n");
	/* a lone ESC followed by something else: the held keys are text */
	fprintf(m, "keys c <PasteBegin>\ntype c\nkeys <Esc>\ntype [20x\nkeys <PasteEnd>\n"
		   "dump held\n");
	fclose(m);
	assert_int_equal(run_new(f, "expert1", "100x30", "ko", script), 0);
	free(script);
	for (int i = 0; i < 1333; i++)
		strcat(want, "가");
	strcat(want, "\n");
	all = dump_text(f);
	sec = section(all, "cut");
	has(sec, want);
	has(sec, "붙여넣은 글이 잘렸습니다: 의견은 최대 4000바이트입니다.");
	sec = section(all, "split");
	has(sec, "editing=0\n");
	has(sec, "comment.A=ab\n");
	has(section(all, "held"), "edit.text=abc[20x\n");
	free(all);
}

/* The task list (from session summaries, no texts read): done with its
 * receipt, draft, to do, and each task's prompt id. */
static void test_task_list_rows(void **state)
{
	struct fx *f = *state;
	char *all, *sec, *p, row[128], receipt[32] = "";

	assert_int_equal(run_new(f, "user02", "80x24", "en",
				 "keys 2 j 4 s y\ndump receipt\nkeys <Enter> 3 n r\ndump list\n"),
			 0);
	all = dump_text(f);
	p = strstr(section(all, "receipt"), "last_receipt=");
	assert_non_null(p);
	sscanf(p, "last_receipt=%31s", receipt);
	{ /* PLACE-ABCD-EFGH-JKMN-PQRS-C */
		struct receipt_parsed code;

		assert_int_equal(ballot_receipt_parse(receipt, &code), RECEIPT_CODE);
	}
	has(section(all, "receipt"), "ballot is\n  recorded.");
	says_recorded_only(section(all, "receipt"));
	sec = section(all, "list");
	says_recorded_only(sec);
	has(sec, "Tasks (1 of 10 done)");
	snprintf(row, sizeof row, "\n     1  done      %s\n", receipt);
	has(sec, row);
	/* positions and states only: no prompt id, which a gold repeat would
	 * show a second time (docs/assignment.md "What a rater can tell") */
	has(sec, "\n     2  draft\n");
	has(sec, "\n >   3  to do\n");
	has(sec, "\n    10  to do\n");
	for (const char *const *id = (const char *const[]){ "reason-", "write-", "culture-",
							    "safety-", "code-", NULL };
	     *id; id++)
		assert_null(strstr(sec, *id));
	has(sec, "review.cursor=3\n");
	free(all);
	assert_int_equal(count(f, "user02", ""), 1);
}

/* Runs the console headless on a fixture round (keys with passphrase
 * "pw") for rater, in Korean at 100x30, with script; returns the dump. */
static char *run_fx_as(struct round_fx *rf, const char *rater, const char *script)
{
	char key[700], path[700], receipts[700];
	char *pass = write_file(rf->dir, "pass", "pw\n"), *dump;

	free(write_file(rf->dir, "script", script));
	assert_int_equal(chmod(pass, 0600), 0);
	fx_key_path(rf, rater, key, sizeof key);
	snprintf(path, sizeof path, "%s/script", rf->dir);
	setenv("SIMSA_CONSOLE_SCRIPT", path, 1);
	setenv("SIMSA_CONSOLE_SIZE", "100x30", 1);
	snprintf(path, sizeof path, "%s/dump", rf->dir);
	setenv("SIMSA_CONSOLE_DUMP", path, 1);
	snprintf(receipts, sizeof receipts, "%s/receipts.txt", rf->dir);
	assert_int_equal(cli_rate(rf->db, rater, key, pass, "ko", receipts), 0);
	free(pass);
	dump = file_text(path);
	assert_non_null(dump);
	return dump;
}

/* run_fx_as for a rater who has not begun: Enter leaves the instructions. */
static char *run_fx(struct round_fx *rf, const char *rater, const char *script)
{
	size_t n = strlen(script) + 16;
	char *all = malloc(n), *dump;

	assert_non_null(all);
	snprintf(all, n, "keys <Enter>\n%s", script);
	dump = run_fx_as(rf, rater, all);
	free(all);
	return dump;
}

/* Practice: a round asks users for one practice task (with a note) and
 * offers a second; experts have their own. The instructions come first and
 * Enter starts the required practice; the real tasks wait for it; s asks
 * for no confirmation and casts nothing; the note is shown; then the real
 * tasks. The round holds no ballot of the rater, and the practice answers
 * only as unsigned working state. */
/* A user rubric whose [satisfaction] says required = yes: s without a
 * satisfaction names it and puts the cursor on it; with one, it casts. */
static void test_required_satisfaction(void **state)
{
	static const char *const files[] = { "rubrics/expert.rubric", "rubrics/user.rubric",
					     "rubrics/expert.ko.md",  "rubrics/expert.en.md",
					     "rubrics/user.ko.md",    "rubrics/user.en.md" };
	char *dir = tmpdir_make(), *paths[2], *all, *sec;
	struct round_fx rf;

	(void)state;
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		const struct asset *a = asset_find(files[i]);
		char *text, *at;

		assert_non_null(a);
		text = strndup((const char *)a->data, a->len);
		at = strstr(text, "[satisfaction]");
		if (i == 1) { /* the user rubric: its satisfaction required */
			size_t n = strlen(text) + 2;
			char *yes = malloc(n);

			assert_non_null(at);
			at = strstr(at, "required = no\n");
			assert_non_null(at);
			assert_non_null(yes);
			snprintf(yes, n, "%.*srequired = yes\n%s", (int)(at - text), text,
				 at + strlen("required = no\n"));
			free(text);
			text = yes;
		}
		if (i < 2)
			paths[i] = write_file(dir, strchr(files[i], '/') + 1, text);
		else
			free(write_file(dir, strchr(files[i], '/') + 1, text));
		free(text);
	}
	fx_open_round_with(&rf, 3, 4, 6, 3, NULL, paths, 2, "", "", NULL);
	all = run_fx(&rf, "user0", "keys 1 s\ndump missing\nkeys 4 s\ndump confirm\nkeys y q y\n");
	sec = section(all, "missing");
	has(sec, "screen=rate\n");
	has(sec, "만족도를 골라 주세요: 이 라운드는 만족도를 필수로 묻습니다");
	has(sec, "row_kind=satisfaction\n");
	has(section(all, "confirm"), "screen=confirm\n");
	free(all);
	assert_int_equal(sql_int(rf.db, "SELECT count(*) FROM ballot WHERE satisfaction = 4"), 1);
	fx_release(&rf);
	free(paths[0]);
	free(paths[1]);
	tmpdir_remove(&dir);
}

static void test_practice_leaves_no_ballot(void **state)
{
	static const char practice[] =
		"{\"id\": \"p-user\", \"role\": \"user\", \"required\": true, "
		"\"prompt\": \"연습 질문: 서울의 인구는?\", \"a\": \"약 940만 명입니다.\", "
		"\"b\": \"서울은 한국의 수도입니다.\", \"note_ko\": \"A가 질문에 답합니다.\", "
		"\"note_en\": \"A answers the question.\"}\n"
		/* a practice answer copied from a model, escapes and a bidi override in it */
		"{\"id\": \"p-more\", \"role\": \"user\", \"prompt\": \"둘째 연습\", "
		"\"a\": \"가\\u001b[2J\\u001b]0;title\\u0007 끝\", \"b\": \"나 \\u202e거꾸로\"}\n"
		"{\"id\": \"p-expert\", \"role\": \"expert\", \"required\": true, \"prompt\": "
		"\"전문가 연습\", \"a\": \"x\", \"b\": \"y\", \"reference\": \"z\"}\n";
	struct round_fx rf;
	char *all, *sec;

	(void)state;
	fx_open_round_with(&rf, 3, 4, 6, 3, NULL, NULL, 0, "", "", practice);
	all = run_fx_as(&rf, "user0",
			"dump instr\nkeys <Enter>\ndump p1\nkeys r n\ndump stay\nkeys s\n"
			"dump incomplete\nkeys 1 s\ndump done1\nkeys <Enter>\ndump p2\n"
			"keys 6 s\ndump done2\nkeys <Enter>\ndump real\nkeys q y\n");
	sec = section(all, "instr");
	has(sec, "screen=instructions\n");
	has(sec, "practice_pending=0/2\n"); /* the user's two, not the expert's */
	has(sec, "Enter: 연습 과제 시작 (1개)");
	sec = section(all, "p1");
	has(sec, "screen=rate\n");
	has(sec, "practice=1/2\n");
	has(sec, "연습 1/2: 서명·집계되지 않음"); /* marked where the task count stands */
	has(sec, "연습 질문: 서울의 인구는?");
	has(sec, "약 940만 명입니다.");
	lacks(sec, "과제 1/");
	sec = section(all, "stay"); /* r and n do not leave required practice */
	has(sec, "practice=1/2\n");
	has(sec, "연습 먼저");
	sec = section(all, "incomplete");
	has(sec, "screen=rate\n");
	has(sec, "어느 답이 나은지 고르세요");
	sec = section(all, "done1"); /* no confirmation: nothing is signed */
	has(sec, "screen=practice-done\n");
	has(sec, "practice_done=1\n");
	has(sec, "이 답은 서명되지 않았고 점수에 들어가지 않습니다");
	has(sec, "A가 질문에 답합니다.");
	lacks(sec, "다음은 실제 과제입니다"); /* the optional one comes next */
	sec = section(all, "p2");
	has(sec, "practice=2/2\n");
	has(sec, "둘째 연습");
	has(sec, "unsafe_rows=0\n"); /* drawn like any answer: escapes shown, never sent */
	has(sec, "\xe2\x90\x9b");    /* ␛ */
	has(sec, "⟨RLO⟩");
	sec = section(all, "done2");
	has(sec, "screen=practice-done\n");
	has(sec, "다음은 실제 과제입니다");
	sec = section(all, "real");
	has(sec, "screen=rate\n");
	has(sec, "task=1/");
	lacks(sec, "practice=");
	lacks(sec, "연습");
	free(all);
	/* no ballot, no draft; the practice answers, unsigned, for the user's tasks */
	assert_int_equal(sql_int(rf.db, "SELECT count(*) FROM ballot"), 0);
	assert_int_equal(sql_int(rf.db, "SELECT count(*) FROM draft"), 0);
	assert_int_equal(sql_int(rf.db, "SELECT count(*) FROM practice_done d JOIN rater r ON "
					"r.id = d.rater_id JOIN practice p ON p.id = d.practice_id "
					"WHERE r.name = 'user0' AND p.role = 'user' AND "
					"json_extract(d.answer, '$.preference') IN (0, 5)"),
			 2);
	/* not begun yet (no ballot, no draft): the instructions again, the
	 * required practice done, so Enter starts and p offers practice */
	all = run_fx_as(&rf, "user0", "dump again\nkeys <Enter>\ndump work\nkeys q y\n");
	sec = section(all, "again");
	has(sec, "screen=instructions\n");
	has(sec, "practice_pending=2/2\n");
	has(sec, "p: 연습 (2개)");
	has(section(all, "work"), "task=1/");
	free(all);
	/* an expert who leaves during the required practice meets it again */
	all = run_fx_as(&rf, "expert0", "keys <Enter> q y\n");
	free(all);
	all = run_fx_as(&rf, "expert0", "dump back\nkeys <Enter>\ndump p\nkeys q y\n");
	has(section(all, "back"), "screen=instructions\n");
	has(section(all, "p"), "practice=1/1\n");
	has(section(all, "p"), "전문가 연습");
	free(all);
	fx_release(&rf);
}

/* Gold tasks look like any other: a user with a repeat and a known-pair
 * gold task goes through every task of theirs, and the state of each, as
 * the screen shows it and as the dump gives it, has the same fields; no
 * word on the screen or in the state names gold, a repeat, a known pair or
 * a replica, and the task list shows no prompt id. */
static void test_gold_looks_like_any_task(void **state)
{
	static const char gold[] =
		"{\"kind\": \"known\", \"role\": \"user\", \"prompt_id\": \"q001\", "
		"\"better\": \"team0\", \"worse\": \"team1\"}\n"
		"{\"kind\": \"known\", \"role\": \"user\", \"prompt_id\": \"q002\", "
		"\"better\": \"team2\", \"worse\": \"team1\"}\n"
		"{\"kind\": \"repeat\", \"role\": \"user\"}\n"
		"{\"kind\": \"repeat\", \"role\": \"user\"}\n";
	static const char *const tells[] = { "gold",   "Gold",  "GOLD",  "repeat",
					     "Repeat", "known", "Known", "replica",
					     "골드",   "반복",  "검증",  NULL };
	struct round_fx rf;
	char name[16] = "", sql[200], *script = NULL, *all, *first = NULL;
	size_t n = 0;
	long long tasks = 0;

	(void)state;
	fx_open_round_gold(&rf, 3, 6, 6, 3, gold);
	for (int u = 0; u < 6 && !name[0]; u++) {
		snprintf(
			sql, sizeof sql,
			"SELECT count(DISTINCT kind) FROM task t JOIN rater r ON r.id = t.rater_id "
			"WHERE r.name = 'user%d'",
			u);
		if (sql_int(rf.db, sql) == 3)
			snprintf(name, sizeof name, "user%d", u);
	}
	assert_true(name[0]); /* some user has normal, repeat and known tasks */
	snprintf(
		sql, sizeof sql,
		"SELECT count(*) FROM task t JOIN rater r ON r.id = t.rater_id WHERE r.name = '%s'",
		name);
	tasks = sql_int(rf.db, sql);
	assert_true(tasks >= 3);
	for (long long i = 1; i <= tasks; i++)
		fx_cat(&script, &n, "dump t%lld\nkeys n\n", i);
	fx_cat(&script, &n, "keys r\ndump list\nkeys q y\n");
	all = run_fx(&rf, name, script);
	for (long long i = 1; i <= tasks; i++) {
		char label[32], *sec, *keys_of = NULL;
		size_t kn = 0;

		snprintf(label, sizeof label, "t%lld", i);
		sec = section(all, label);
		has(sec, "질문 "); /* the task's prompt is on the screen */
		for (const char *const *t = tells; *t; t++)
			if (strstr(sec, *t))
				fail_msg("task %lld shows \"%s\":\n%s", i, *t, sec);
		/* the state's field names, in order: the shape of a task */
		for (char *l = strstr(sec, "\n--- state"); l && *l; l = strchr(l + 1, '\n')) {
			char *eq = strchr(l + 1, '='), *nl = strchr(l + 1, '\n');

			if (eq && (!nl || eq < nl))
				fx_cat(&keys_of, &kn, "%.*s;", (int)(eq - l - 1), l + 1);
		}
		assert_non_null(keys_of);
		if (!first)
			first = keys_of;
		else {
			assert_string_equal(keys_of, first);
			free(keys_of);
		}
	}
	{
		char *sec = section(all, "list");

		for (const char *const *t = tells; *t; t++)
			assert_null(strstr(sec, *t));
		assert_null(strstr(sec, "q00")); /* the fixture's prompt ids */
	}
	free(first);
	free(all);
	free(script);
	fx_release(&rf);
}

/* Blank lines are drawn the same for everyone (docs/text.md "Blank
 * lines"): outputs that start with two blank lines, hold a run of three
 * and end with two are drawn as the text without them (3 lines: the
 * answer, one empty line, "끝"), and the ballot cast on them names the
 * hash of the text as imported, blank lines and all. */
static void test_blank_lines_drawn_away_hash_kept(void **state)
{
	struct round_fx rf;
	char *all, *sec, *in = NULL;
	size_t n = 0;

	(void)state;
	fx_open_round_with(&rf, 3, 4, 6, 3, NULL, NULL, 0, "\\n\\n", "\\n\\n\\n\\n끝\\n\\n", NULL);
	all = run_fx(&rf, "user0", "dump first\nkeys 1 s y\ndump cast\nkeys q y\n");
	sec = section(all, "first");
	has(sec, "pane.A=top 0 lines 3 ");
	has(sec, "pane.B=top 0 lines 3 ");
	has(section(all, "cast"), "task_done=1\n");
	/* the ballot's A is one of the outputs as imported, blank lines and
	 * all: its BLAKE2b-256 is among theirs */
	fx_cat(&in, &n, "SELECT count(*) FROM ballot WHERE left_hash IN (");
	for (int q = 0; q < 4; q++)
		for (int e = 0; e < 3; e++) {
			char text[200], hex[65];
			unsigned char h[32];
			int len = snprintf(text, sizeof text,
					   "\n\n답변 %d번, 모델 %d의 **굵은** 글\n\n\n\n끝\n\n", q,
					   e);

			crypto_generichash(h, 32, (const unsigned char *)text, (size_t)len, NULL,
					   0);
			sodium_bin2hex(hex, sizeof hex, h, 32);
			fx_cat(&in, &n, "%sx'%s'", q + e ? ", " : "", hex);
		}
	fx_cat(&in, &n, ")");
	assert_int_equal(sql_int(rf.db, in), 1);
	assert_int_equal(sql_int(rf.db,
				 "SELECT count(*) FROM blind_output WHERE substr(text, 1, 2) = "
				 "char(10, 10)"),
			 12);
	free(in);
	free(all);
	fx_release(&rf);
}

/* The column where "B:" starts on each criterion line of a confirmation
 * screen; every line must agree. Returns how many lines it saw. */
static int b_column_agrees(const char *sec)
{
	int col = -1, lines = 0;

	for (const char *l = sec; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *nl = strchr(l, '\n'), *a = strstr(l, "A: "), *b = strstr(l, "B: ");

		if (!a || !b || (nl && b > nl) || b < a)
			continue;
		if (col < 0)
			col = text_cols(l, (size_t)(b - l));
		else if (text_cols(l, (size_t)(b - l)) != col)
			fail_msg("B: at column %d, not %d, in:\n%s", text_cols(l, (size_t)(b - l)),
				 col, sec);
		lines++;
	}
	return lines;
}

/* The confirmation says what the points will make of the ballot: an
 * "identity" flag leaves the whole expert ballot out, and says so naming
 * the side; "N/A" (8 columns in Korean) on A does not push B's column; the
 * satisfaction question names the answer it is about. */
static void test_confirm_says_what_counts(void **state)
{
	struct fx *f = *state;
	char *all, *sec;

	assert_int_equal(run_new(f, "expert1", "100x30", "ko",
				 "keys 4 0 3 4 5 0\nkeys <Tab> k k k k k k 3 4 4 4 4 4\nkeys 1\n"
				 "keys s\ndump confirm\nkeys n 1 <Tab> 2\nkeys s\ndump plain\n"
				 "keys n q y\n"),
			 0);
	all = dump_text(f);
	sec = section(all, "confirm");
	has(sec, "screen=confirm\n");
	has(sec, "표시 B: 신원 노출\n");
	has(sec, "B에 \"신원 노출\" 표시: 이 표는 두 답변 모두 점수 계산에서 빠집니다");
	assert_int_equal(b_column_agrees(sec), 6);
	has(sec, "A: 해당없음");
	sec = section(all, "plain"); /* flag taken off again: no warning */
	has(sec, "screen=confirm\n");
	has(sec, "표시 A: 깨짐\n");
	assert_null(strstr(sec, "점수 계산에서 빠집니다"));
	free(all);

	assert_int_equal(run_new(f, "user01", "80x24", "en",
				 "keys j\ndump none\nkeys k 4 j\ndump b\nkeys k 3\ndump tie\n"
				 "keys s\ndump confirm\nkeys n q y\n"),
			 0);
	all = dump_text(f);
	has(section(all, "none"), "Satisfaction (about the one you prefer: choose first)");
	has(section(all, "b"), "Satisfaction (about B, which you preferred)");
	has(section(all, "tie"), "Satisfaction (about both answers)");
	has(section(all, "confirm"), "Satisfaction (about both answers):");
	free(all);
}

static void test_refuses_non_utf8_locale(void **state)
{
	struct fx *f = *state;

	assert_non_null(setlocale(LC_ALL, "C"));
	assert_int_equal(run(f, "user03", "80x24", NULL, "dump x\n"), 1);
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	assert_int_equal(run(f, "user03", "80x24", "xx", "dump x\n"), 2);
}

/* ---- two consoles of one rater ---- */

#define K_ELSEWHERE (-100) /* the other console runs now */
#define K_SNAP (-101)      /* keep the screen drawn last */
#define K_SNAP2 (-102)     /* ... in snap2 */

/* A front end that plays keys, and at K_ELSEWHERE runs a whole second
 * console of the same rater (cli_rate, headless) before going on. */
struct stepped {
	struct fx *f;
	const char *rater, *other_script;
	const int *keys;
	size_t n, at;
	char screen[8192], snap[8192], snap2[8192];
};

static int st_next(struct console *c, struct event *ev)
{
	struct stepped *sp = c->fe_data;

	while (sp->at < sp->n && sp->keys[sp->at] < 0) {
		int k = sp->keys[sp->at++];

		if (k == K_SNAP || k == K_SNAP2)
			memcpy(k == K_SNAP ? sp->snap : sp->snap2, sp->screen, sizeof sp->snap);
		else
			assert_int_equal(run(sp->f, sp->rater, "80x24", "en", sp->other_script), 0);
	}
	if (sp->at == sp->n) {
		ev->type = EV_END;
		return 0;
	}
	ev->type = EV_KEY;
	ev->key = sp->keys[sp->at++];
	return 0;
}

static bool st_pending(struct console *c)
{
	(void)c;
	return false;
}

static void st_present(struct console *c)
{
	struct stepped *sp = c->fe_data;
	size_t k = 0;

	for (int y = 0; y < c->h && k + 200 < sizeof sp->screen; y++) {
		k += canvas_row(&c->cv, y, sp->screen + k, sizeof sp->screen - k);
		sp->screen[k++] = '\n';
	}
	sp->screen[k] = '\0';
}

static const struct frontend stepped_fe = { st_next, st_pending, st_present, NULL, NULL };

/* Every line of the rater's receipts file names one of the rater's
 * ballots at its place, with the round, the task and the time of that
 * ballot; the file holds every ballot the consoles cast, in cast order. */
static void receipts_file_matches(struct fx *f, const char *rater, long long want)
{
	char path[4096], sql[600], hex[21];
	struct receipt_line *lines = NULL;
	struct simsa_err err;
	struct stat sb;
	size_t n = 0;
	uint32_t last = 0;

	{
		struct store *st;
		struct round_info ri;

		assert_int_equal(store_open(f->db, &st, &err), 0);
		assert_int_equal(store_round_info(st, &ri, &err), 0);
		store_close(&st);
		assert_int_equal(receipt_file_default(ri.round_id, rater, path, sizeof path, &err),
				 0);
		assert_int_equal(receipt_file_read(path, &lines, &n, &err), 0);
		assert_int_equal(n, want);
		for (size_t i = 0; i < n; i++)
			assert_string_equal(lines[i].round_id, ri.round_id);
	}
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(count(f, rater, ""), want);
	for (size_t i = 0; i < n; i++) {
		struct receipt_parsed p;

		assert_int_equal(ballot_receipt_parse(lines[i].code, &p), RECEIPT_CODE);
		assert_true(i == 0 || p.place > last);
		last = p.place;
		sodium_bin2hex(hex, sizeof hex, p.prefix, 10);
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM (SELECT b.*, row_number() OVER (ORDER BY b.id) - 1 "
			 "AS place FROM ballot b) b JOIN rater r ON r.id = b.rater_id WHERE "
			 "r.name = '%s' AND b.place = %u AND substr(lower(hex(b.hash)), 1, 20) = "
			 "'%s' AND b.task_position + 1 = %s AND b.cast_at = '%s'",
			 rater, p.place, hex, lines[i].task, lines[i].cast_at);
		if (sql_int(f->db, sql) != 1)
			fail_msg("line %zu of %s names no ballot of %s: %s %s %s", lines[i].line,
				 path, rater, lines[i].task, lines[i].cast_at, lines[i].code);
	}
	free(lines);
}

/* One rater, two consoles: the first has the task open and its answer
 * ready when the second casts a ballot for that task; the first's
 * confirmation, read when it opens, says the new ballot will supersede
 * that one (by its receipt), and the cast does. Both consoles append to
 * the rater's receipts file, which then matches the rater's ballots. */
static void test_two_consoles_supersede(void **state)
{
	struct fx *f = *state;
	/* then the task answered again from this console: its own ballot */
	const int keys[] = { K_ENTER, '2',     K_ELSEWHERE, 's', K_SNAP,  'y',
			     'r',     K_ENTER, '5',         's', K_SNAP2, 'y' };
	static struct stepped sp;
	struct secret_key *sk = NULL;
	struct session *s = NULL;
	struct console *c = NULL;
	struct simsa_err err;
	char kp[4096], other[BALLOT_RECEIPT_MAX + 1] = "";

	sp = (struct stepped){ .f = f,
			       .rater = "user03",
			       .other_script = "keys 4 s y\n",
			       .keys = keys,
			       .n = sizeof keys / sizeof *keys };
	assert_int_equal(console_set_lang("en"), 0);
	assert_int_equal(keyfile_round_path(f->db, "user03", false, kp, sizeof kp, &err), 0);
	assert_int_equal(keyfile_unlock(kp, "demo", 4, &sk, &err), 0);
	assert_int_equal(session_start(f->db, "user03", sk, &s, &err), 0);
	assert_int_equal(session_keep_receipts(s, NULL, &err), 0);
	assert_int_equal(console_open(s, &stepped_fe, &sp, 80, 24, &c, &err), 0);
	/* the first console opens task 1, not done; then the other casts it */
	assert_int_equal(console_loop(c, &err), 0);
	assert_int_equal(count(f, "user03", ""), 3);
	assert_int_equal(count(f, "user03", "AND b.supersedes IS NOT NULL AND b.preference = 1"),
			 1);
	assert_int_equal(count(f, "user03", "AND b.supersedes IS NOT NULL AND b.preference = 4"),
			 1);
	/* the confirmation named the other console's ballot */
	{
		struct receipt_line *lines = NULL;
		size_t n = 0;

		assert_int_equal(receipt_file_read(session_receipts_path(s), &lines, &n, &err), 0);
		assert_int_equal(n, 3);
		snprintf(other, sizeof other, "%.*s", BALLOT_RECEIPT_MAX,
			 lines[0].code); /* the other console's */
		free(lines);
	}
	if (!strstr(sp.snap, "Submit this ballot?") ||
	    !strstr(sp.snap, "Meanwhile another console of yours cast a ballot for this") ||
	    !strstr(sp.snap, other) || !strstr(sp.snap, "supersede it."))
		fail_msg("the confirmation says nothing of %s:\n%s", other, sp.snap);
	/* its own ballot, answered again: superseded, and no word of elsewhere */
	if (!strstr(sp.snap2, "This replaces your earlier ballot") || strstr(sp.snap2, "Meanwhile"))
		fail_msg("the second confirmation:\n%s", sp.snap2);
	assert_false(rating_of(c)->latest.elsewhere);
	assert_non_null(strstr(sp.screen, "Ballot submitted"));
	console_rating_free(&c);
	session_end(&s);
	receipts_file_matches(f, "user03", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expert_full_session),
		cmocka_unit_test(test_user_full_session_and_supersede),
		cmocka_unit_test(test_hostile_output),
		cmocka_unit_test(test_resize_mid_comment),
		cmocka_unit_test(test_kill9_and_hup_keep_the_draft),
		cmocka_unit_test(test_ctrl_c_asks_and_required),
		cmocka_unit_test_setup_teardown(test_paste_is_never_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paste_into_comment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paste_cut_and_split_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_list_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_consoles_supersede, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_says_what_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_line_comment, setup, teardown),
		cmocka_unit_test(test_gold_looks_like_any_task),
		cmocka_unit_test(test_blank_lines_drawn_away_hash_kept),
		cmocka_unit_test(test_practice_leaves_no_ballot),
		cmocka_unit_test(test_required_satisfaction),
		cmocka_unit_test(test_refuses_non_utf8_locale),
	};

	if (!setlocale(LC_ALL, "C.UTF-8") || sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
