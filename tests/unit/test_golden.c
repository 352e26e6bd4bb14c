/* Golden screens (issue 12; docs/console.md, "Golden screens"): every view
 * of the console, headless, at 80x24 and 160x45, in Korean and English,
 * compared byte for byte with tests/golden/VIEW-LANG-WxH.txt. The one
 * place where expected output comes from the program itself: the files are
 * written by `make golden` (SIMSA_GOLDEN_WRITE=1), never by hand, and a
 * change to them is reviewed as a diff in the commit that changes it. The
 * semantic assertions stay in test_tui_console.c and test_tui_results.c.
 *
 * Determinism. The round is the demo's data (the built-in assets) built in
 * this process through the organizer's own calls, then a copy is filled by
 * the demo panel and closed for the results screen. Every source of
 * variation is pinned here, in the test, with nothing added to simsa:
 * - libsodium's random bytes (ids, the assignment seed, keys, salts,
 *   nonces, sealed boxes, temporary names): randombytes_set_implementation()
 *   before sodium_init() installs a ChaCha20 stream whose key is the hash
 *   of a fixed label, restarted at each scenario, so a scenario draws the
 *   same bytes whatever ran before it;
 * - the wall clock (created, opened, cast and closed times, shown in the
 *   results header and hashed into receipt codes) and the monotonic clock
 *   (the active time in the rating header and the confirmation): the
 *   binary is linked with -Wl,--wrap=time_now_utc,--wrap=mono_seconds
 *   (Makefile), so both read the fixed values below;
 * - the round file: each scenario starts from the same bytes (drafts and
 *   ballots of one scenario never reach another);
 * - the receipts file: at its default path under HOME, which is set to the
 *   test's folder, so the screen shows it as ~/.local/share/simsa/...;
 * - temporary paths, the process id, threads: not on any screen (the
 *   bootstrap's resamples are seeded by the rubric, per resample). */
#include "testutil.h"

#include <dirent.h>
#include <locale.h>
#include <pthread.h>
#include <sys/stat.h>

#include <sodium.h>
#include <utf8proc.h>

#include "simsa/assets.h"
#include "simsa/closing.h"
#include "simsa/console.h"
#include "simsa/demo.h"
#include "simsa/import.h"
#include "simsa/keyfile.h"
#include "simsa/opening.h"
#include "simsa/round.h"
#include "simsa/score.h"
#include "simsa/session.h"
#include "simsa/util.h"

#define GOLDEN_DIR "tests/golden"
#define GOLDEN_NOW "2026-11-29T09:00:00Z"
#define GOLDEN_TITLE "simsa 골든 라운드 (golden round)"

/* ---- the pinned clocks (linked in place of simsa's by --wrap) ---- */

void __wrap_time_now_utc(char out[32]);
double __wrap_mono_seconds(void);

void __wrap_time_now_utc(char out[32])
{
	snprintf(out, 32, "%s", GOLDEN_NOW);
}

double __wrap_mono_seconds(void)
{
	return 1000.0;
}

/* ---- the deterministic random bytes ---- */

static struct {
	pthread_mutex_t mu;
	unsigned char key[crypto_stream_chacha20_KEYBYTES];
	uint64_t block;
	unsigned char buf[64];
	size_t left;
} g_rng = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* Restarts the stream: its key is the hash of label. */
static void rng_reset(const char *label)
{
	char seed[256];

	snprintf(seed, sizeof seed, "simsa golden screens: %s", label);
	pthread_mutex_lock(&g_rng.mu);
	crypto_generichash(g_rng.key, sizeof g_rng.key, (const unsigned char *)seed, strlen(seed),
			   NULL, 0);
	g_rng.block = 0;
	g_rng.left = 0;
	pthread_mutex_unlock(&g_rng.mu);
}

static void rng_buf(void *const out, const size_t n)
{
	static const unsigned char nonce[crypto_stream_chacha20_NONCEBYTES];
	unsigned char *p = out;
	size_t k = n;

	pthread_mutex_lock(&g_rng.mu);
	while (k > 0) {
		size_t take;

		if (g_rng.left == 0) {
			memset(g_rng.buf, 0, sizeof g_rng.buf);
			crypto_stream_chacha20_xor_ic(g_rng.buf, g_rng.buf, sizeof g_rng.buf, nonce,
						      g_rng.block++, g_rng.key);
			g_rng.left = sizeof g_rng.buf;
		}
		take = k < g_rng.left ? k : g_rng.left;
		memcpy(p, g_rng.buf + sizeof g_rng.buf - g_rng.left, take);
		g_rng.left -= take;
		p += take;
		k -= take;
	}
	pthread_mutex_unlock(&g_rng.mu);
}

static uint32_t rng_random(void)
{
	uint32_t v;

	rng_buf(&v, sizeof v);
	return v;
}

static void rng_stir(void)
{
}

static const char *rng_name(void)
{
	return "simsa-golden-chacha20";
}

static struct randombytes_implementation golden_rng = {
	.implementation_name = rng_name,
	.random = rng_random,
	.stir = rng_stir,
	.uniform = NULL, /* libsodium's, on top of random() */
	.buf = rng_buf,
	.close = NULL,
};

/* ---- the rounds ---- */

struct fx {
	char *dir;
	char db[512];
	char script[512];
	char dump[512];
	char bench[512];
	char *open_bytes, *closed_bytes; /* the round file, open and closed */
	size_t open_len, closed_len;
	char **made; /* golden files this run made or compared */
	size_t n_made;
	int failed;
};

static void check(int rc, const struct simsa_err *err)
{
	if (rc < 0)
		fail_msg("%s", err->msg);
}

static void import_asset(struct store *st, const char *dir, const char *name, enum import_kind kind)
{
	const struct asset *a = asset_find(name);
	struct import_result res;
	struct simsa_err err;
	char *path, *text;

	assert_non_null(a);
	text = strndup((const char *)a->data, a->len);
	path = write_file(dir, "asset.jsonl", text);
	check(import_file(st, kind, path, &res, &err), &err);
	unlink(path);
	free(path);
	free(text);
}

static struct secret_key *unlock(const char *db, const char *name)
{
	struct secret_key *sk = NULL;
	struct simsa_err err;
	char path[4096];

	check(keyfile_round_path(db, name, false, path, sizeof path, &err), &err);
	check(keyfile_unlock(path, DEMO_PASSPHRASE, strlen(DEMO_PASSPHRASE), &sk, &err), &err);
	return sk;
}

/* A key file ROUND.keys/NAME.key, as the demo makes them. */
static void new_key(const char *db, const char *name, unsigned char pk[32])
{
	static const struct keyfile_kdf kdf = { KEYFILE_OPSLIMIT_MIN, KEYFILE_MEMLIMIT_MIN };
	struct simsa_err err;
	char path[4096];

	check(keyfile_round_path(db, name, true, path, sizeof path, &err), &err);
	check(keyfile_create(path, DEMO_PASSPHRASE, strlen(DEMO_PASSPHRASE), &kdf, pk, &err), &err);
}

static void enrol(struct store *st, const char *db, const struct secret_key *org, const char *name,
		  enum rater_role role)
{
	unsigned char pk[32];
	struct simsa_err err;

	new_key(db, name, pk);
	check(rater_enrol(st, org, name, role, pk, NULL, &err), &err);
}

static void put_bytes(const char *path, const char *data, size_t len)
{
	char side[600];
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

/* The demo's round, open: what `simsa demo --no-panel` builds, with a
 * fixed title; then the same round with every demo ballot cast, closed. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct secret_key *org = NULL;
	struct store *st = NULL;
	struct open_result opened;
	struct close_result closed;
	struct simsa_err err;
	unsigned char pk[32];
	char name[32], *p;
	size_t ballots = 0;

	assert_non_null(f);
	rng_reset("round");
	f->dir = tmpdir_make();
	snprintf(f->db, sizeof f->db, "%s/golden.db", f->dir);
	snprintf(f->script, sizeof f->script, "%s/script", f->dir);
	snprintf(f->dump, sizeof f->dump, "%s/dump", f->dir);
	new_key(f->db, "organizer", pk);
	check(round_init(f->db, GOLDEN_TITLE, NULL, 0, pk, &err), &err);
	check(store_open(f->db, &st, &err), &err);
	import_asset(st, f->dir, "demo/entrants.jsonl", IMPORT_ENTRANTS);
	import_asset(st, f->dir, "demo/prompts.jsonl", IMPORT_PROMPTS);
	import_asset(st, f->dir, "demo/outputs.jsonl", IMPORT_OUTPUTS);
	import_asset(st, f->dir, "demo/practice.jsonl", IMPORT_PRACTICE);
	org = unlock(f->db, "organizer");
	for (int i = 1; i <= DEMO_EXPERTS + DEMO_USERS; i++) {
		if (i <= DEMO_EXPERTS)
			snprintf(name, sizeof name, "expert%d", i);
		else
			snprintf(name, sizeof name, "user%02d", i - DEMO_EXPERTS);
		enrol(st, f->db, org, name, i <= DEMO_EXPERTS ? ROLE_EXPERT : ROLE_USER);
	}
	check(round_open(st, org, &opened, NULL, &err), &err);
	store_close(&st);
	f->open_bytes = file_bytes(f->db, &f->open_len);
	/* closed: every demo ballot, then `simsa close` */
	rng_reset("panel");
	check(demo_panel(f->db, NULL, &ballots, &err), &err);
	assert_true(ballots > 0);
	check(store_open(f->db, &st, &err), &err);
	check(round_close(st, org, false, &closed, &err), &err);
	store_close(&st);
	secret_key_free(&org);
	f->closed_bytes = file_bytes(f->db, &f->closed_len);
	p = write_file(f->dir, "bench.csv",
		       "entrant,points\ndasol,31.5\nmirinae,24\nondam,18.25\nyunseul,35\n");
	snprintf(f->bench, sizeof f->bench, "%s", p);
	free(p);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < f->n_made; i++)
		free(f->made[i]);
	free(f->made);
	free(f->open_bytes);
	free(f->closed_bytes);
	tmpdir_remove(&f->dir);
	free(f);
	return 0;
}

/* ---- scenarios ---- */

/* One run of the console: a rater's session on the open round, or (rater
 * NULL) the results screen of the closed round. Each `dump LABEL` of the
 * script is the golden file LABEL-LANG-WxH.txt, WxH the size it was drawn
 * at. "@COMMENT@" in a script is a comment in the run's language. */
struct scenario {
	const char *rater;
	const char *sizes[2];
	const char *script;
};

/* clang-format off */
static const struct scenario scenarios[] = {
	/* an expert: every view of the rating console but the user's */
	{ "expert1", { "80x24", "160x45" },
	  "dump instructions\n"
	  "keys <Enter> 4 4 3 4 5 3\n"
	  "keys <Tab> k k k k k k 3 0 4\n"
	  "dump rate-expert\n"
	  "keys a\n"
	  "dump anchors\n"
	  "keys <Esc> ?\n"
	  "dump help\n"
	  "keys <Esc> q\n"
	  "dump quit\n"
	  "keys n 4 4 - 2 c\n"
	  "type @COMMENT@\n"
	  "keys <Enter> s\n"
	  "dump confirm\n"
	  "keys y\n"
	  "dump receipt\n"
	  "keys R\n"
	  "dump receipts\n"
	  "keys <Esc> <Enter> r\n"
	  "dump review\n" },
	/* a user: the preference, the satisfaction, a reason */
	{ "user01", { "80x24", "160x45" },
	  "dump instructions-user\n"
	  "keys <Enter> 2 j 4 c\n"
	  "type @COMMENT@\n"
	  "keys <Enter>\n"
	  "dump rate-user\n"
	  "keys s\n"
	  "dump confirm-user\n" },
	/* a practice task (the demo offers one per role): marked, and done
	 * without a ballot */
	{ "user02", { "80x24", "160x45" },
	  "keys p\n"
	  "dump practice\n"
	  "keys 1 s\n"
	  "dump practice-done\n" },
	/* please enlarge: too narrow, then too short */
	{ "expert2", { "80x24", NULL },
	  "resize 59x24\n"
	  "dump too-small\n"
	  "resize 80x12\n"
	  "dump too-small\n" },
	/* the results screen, with a benchmark */
	{ NULL, { "80x24", "160x45" },
	  "dump results\n"
	  "keys p\n"
	  "dump results-panel\n"
	  "keys <Esc> j <Enter>\n"
	  "dump results-detail\n"
	  "keys <Esc> ?\n"
	  "dump results-help\n" },
	{ NULL, { "80x24", NULL },
	  "resize 39x24\n"
	  "dump results-too-small\n"
	  "resize 80x9\n"
	  "dump results-too-small\n" },
};
/* clang-format on */

static const char *const langs[] = { "ko", "en" };

static bool writing(void)
{
	const char *w = getenv("SIMSA_GOLDEN_WRITE");

	return w && strcmp(w, "1") == 0;
}

/* The golden files live in TOP/tests/golden (TOP: the checkout, set by
 * tests/suite.sh; else the current directory). */
static void golden_path(const char *name, char *out, size_t cap)
{
	const char *top = getenv("TOP");

	snprintf(out, cap, "%s/%s/%s", top && *top ? top : ".", GOLDEN_DIR, name);
}

/* What every dump must be, golden or not: H rows no wider than W, no
 * control byte drawn. */
static void check_shape(const char *name, const char *dump, int w, int h)
{
	const char *p = strchr(dump, '\n') + 1, *st = strstr(dump, "\n--- state\n");
	int rows = 0;

	assert_non_null(st);
	while (p <= st) {
		size_t len = strcspn(p, "\n");

		if (text_cols(p, len) > w)
			fail_msg("%s: row %d is %d columns wide", name, rows + 1,
				 text_cols(p, len));
		rows++;
		p += len + 1;
	}
	if (rows != h)
		fail_msg("%s: %d rows, not %d", name, rows, h);
	if (!strstr(dump, "\nunsafe_rows=0\n"))
		fail_msg("%s: a row holds a control byte", name);
}

/* Prints where expected and got first part, unified-diff style. */
static void diff_hint(const char *path, const char *want, const char *got)
{
	const char *a = want, *b = got;
	int line = 1, shown = 0;

	while (*a && *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la) != 0)
			break;
		a += la + (a[la] ? 1 : 0);
		b += lb + (b[lb] ? 1 : 0);
		line++;
	}
	print_error("--- %s\n+++ the screen drawn now\n@@ -%d +%d @@\n", path, line, line);
	while ((*a || *b) && shown < 8) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (*a && *b && la == lb && memcmp(a, b, la) == 0) {
			print_error(" %.*s\n", (int)la, a);
		} else {
			if (*a)
				print_error("-%.*s\n", (int)la, a);
			if (*b)
				print_error("+%.*s\n", (int)lb, b);
		}
		a += la + (a[la] ? 1 : 0);
		b += lb + (b[lb] ? 1 : 0);
		shown++;
	}
	print_error("(a layout change? `make golden` rewrites the files; review them with "
		    "`git diff tests/golden`)\n");
}

/* Writes or compares one dump with its golden file. */
static void golden(struct fx *f, const char *label, const char *lang, const char *size,
		   const char *dump)
{
	char name[256], path[1024];
	int w, h;

	assert_int_equal(sscanf(size, "%dx%d", &w, &h), 2);
	snprintf(name, sizeof name, "%s-%s-%s.txt", label, lang, size);
	for (size_t i = 0; i < f->n_made; i++)
		if (strcmp(f->made[i], name) == 0)
			fail_msg("two dumps would be %s", name);
	f->made = realloc(f->made, (f->n_made + 1) * sizeof *f->made);
	f->made[f->n_made++] = strdup(name);
	check_shape(name, dump, w, h);
	golden_path(name, path, sizeof path);
	if (writing()) {
		FILE *fp = fopen(path, "wb");

		if (!fp)
			fail_msg("%s: cannot write", path);
		assert_int_equal(fwrite(dump, 1, strlen(dump), fp), strlen(dump));
		assert_int_equal(fclose(fp), 0);
		return;
	}
	if (access(path, R_OK) != 0) {
		print_error("%s: missing (`make golden` makes it)\n", path);
		f->failed++;
		return;
	}
	char *want = file_text(path);

	if (strcmp(want, dump) != 0) {
		diff_hint(path, want, dump);
		f->failed++;
	}
	free(want);
}

/* script with @COMMENT@ replaced by comment (caller frees). */
static char *with_comment(const char *script, const char *comment)
{
	const char *at = strstr(script, "@COMMENT@");
	char *out;

	if (!at)
		return strdup(script);
	out = malloc(strlen(script) + strlen(comment) + 1);
	assert_non_null(out);
	sprintf(out, "%.*s%s%s", (int)(at - script), script, comment, at + strlen("@COMMENT@"));
	return out;
}

/* Runs one scenario at one size in one language and checks its dumps. */
static void run(struct fx *f, const struct scenario *sc, const char *size, const char *lang)
{
	char label[512], *script = NULL, *all, *s;
	struct simsa_err err;
	int rc;

	/* the same draws at every size and in both languages */
	snprintf(label, sizeof label, "%s %s", sc->rater ? sc->rater : "results", sc->script);
	rng_reset(label);
	put_bytes(f->db, sc->rater ? f->open_bytes : f->closed_bytes,
		  sc->rater ? f->open_len : f->closed_len);
	script = with_comment(sc->script,
			      strcmp(lang, "ko") == 0 ? "설명이 다소 장황함" : "a little long");
	free(write_file(f->dir, "script", script));
	free(script);
	unlink(f->dump);
	setenv("SIMSA_CONSOLE_SCRIPT", f->script, 1);
	setenv("SIMSA_CONSOLE_SIZE", size, 1);
	setenv("SIMSA_CONSOLE_DUMP", f->dump, 1);
	assert_int_equal(console_set_lang(lang), 0);
	if (sc->rater) {
		struct session *ses = NULL;

		check(session_start(f->db, sc->rater, unlock(f->db, sc->rater), &ses, &err), &err);
		/* the receipts file at its default path under a home of the test's
		 * own (shown as ~/...), new at each run */
		setenv("HOME", f->dir, 1);
		unsetenv("XDG_DATA_HOME");
		check(session_keep_receipts(ses, NULL, &err), &err);
		rc = console_rate_session(ses, &err);
		unlink(session_receipts_path(ses));
		session_end(&ses);
	} else {
		struct score_result r;
		struct store *st = NULL;

		check(store_open(f->db, &st, &err), &err);
		check(score_round(st, f->bench, &r, &err), &err);
		store_close(&st);
		rc = console_show_results(&r, &err);
		score_result_release(&r);
	}
	check(rc, &err);
	assert_int_equal(rc, 0);
	all = file_text(f->dump);
	for (s = strstr(all, "--- screen "); s; s = strstr(s, "--- screen ")) {
		char *e = strstr(s, "\n--- end\n"), *dump, wxh[32], lab[128];

		assert_non_null(e);
		dump = strndup(s, (size_t)(e + strlen("\n--- end\n") - s));
		assert_int_equal(sscanf(s, "--- screen %31s %127s", wxh, lab), 2);
		golden(f, lab, lang, wxh, dump);
		free(dump);
		s = e;
	}
	free(all);
}

/* Every golden file was made by a scenario (none is left over from a view
 * or a size that is gone); when writing, the left-over ones are removed. */
static void no_strays(struct fx *f)
{
	char dir[1024], path[1400];
	DIR *d;
	struct dirent *de;

	golden_path("", dir, sizeof dir);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		bool known = false;

		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < f->n_made && !known; i++)
			known = strcmp(f->made[i], de->d_name) == 0;
		if (known)
			continue;
		snprintf(path, sizeof path, "%s%s", dir, de->d_name);
		if (writing()) {
			unlink(path);
			continue;
		}
		print_error("%s: no view makes it (`make golden` removes it)\n", path);
		f->failed++;
	}
	closedir(d);
}

static void test_golden_screens(void **state)
{
	struct fx *f = *state;

	if (writing())
		mkdir(GOLDEN_DIR, 0755);
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		for (size_t s = 0; s < 2 && scenarios[i].sizes[s]; s++)
			for (size_t l = 0; l < 2; l++)
				run(f, &scenarios[i], scenarios[i].sizes[s], langs[l]);
	no_strays(f);
	if (f->failed)
		fail_msg("%d golden screens differ or are missing", f->failed);
	if (writing())
		printf("# wrote %zu files in %s\n", f->n_made, GOLDEN_DIR);
}

/* The goldens hold what they must: the language's rubric and words. */
static void test_golden_contents(void **state)
{
	struct {
		const char *file, *needle;
	} want[] = {
		{ "rate-expert-ko-80x24.txt", "사실 정확성" },
		{ "rate-expert-en-160x45.txt", "Factual accuracy" },
		{ "confirm-ko-160x45.txt", "이 평가를 제출할까요?" },
		{ "receipt-en-80x24.txt", "Receipt code: " },
		{ "review-en-80x24.txt", "screen=review\n" },
		{ "receipts-en-80x24.txt", "~/.local/share/simsa/receipts/" },
		{ "confirm-en-80x24.txt", "supersedes_elsewhere=0\n" },
		{ "anchors-en-80x24.txt", "Levels of Usefulness" },
		{ "quit-ko-80x24.txt", "screen=quit\n" },
		{ "help-ko-80x24.txt", "screen=help\n" },
		{ "too-small-en-59x24.txt", "screen=too-small\n" },
		{ "too-small-en-80x12.txt", "screen=too-small\n" },
		{ "results-en-80x24.txt", "closed " GOLDEN_NOW },
		{ "results-panel-ko-80x24.txt", "라운드 내 일치도" },
		{ "results-detail-en-160x45.txt", "screen=detail\n" },
		{ "results-too-small-ko-39x24.txt", "screen=too-small\n" },
	};
	char path[1024];

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char *text;

		golden_path(want[i].file, path, sizeof path);
		if (access(path, R_OK) != 0)
			fail_msg("%s: missing", path);
		text = file_text(path);
		if (!strstr(text, want[i].needle))
			fail_msg("%s: no '%s'", path, want[i].needle);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_screens),
		cmocka_unit_test(test_golden_contents),
	};
	char now[32];

	if (!setlocale(LC_ALL, "C.UTF-8") || randombytes_set_implementation(&golden_rng) != 0 ||
	    sodium_init() < 0)
		return 1;
	setenv("LANG", "C.UTF-8", 1);
	time_now_utc(now);
	if (strcmp(now, GOLDEN_NOW) != 0) {
		fprintf(stderr, "test_golden: the clock is not pinned: link it with "
				"-Wl,--wrap=time_now_utc,--wrap=mono_seconds (Makefile)\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
