/* cmd_receipt — `simsa receipt`: is the ballot of this receipt code in the
 * round, at the place its code names, and what is its one status; or, with
 * --file, every receipt of a rater's receipts file at once
 * (docs/ballot-format.md, "Receipts"). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "simsa/ballot.h"
#include "simsa/receipt_file.h"
#include "simsa/score.h"
#include "simsa/store.h"
#include "simsa/store_read.h"
#include "simsa/util.h"

#define SUGGEST_MAX 3

/* The round's ballots in cast order: entry i is at place i. */
struct entry {
	int64_t id, superseded_by;
	uint32_t seq, task;
	unsigned char hash[32], supersedes[32];
	bool has_supersedes;
	char cast_at[32];
};

struct ledger {
	struct entry *e;
	size_t n, cap;
	size_t *by_hash; /* places, ordered by hash */
};

static int take(void *ctx, const struct ballot_row *b)
{
	struct ledger *l = ctx;
	struct entry *e;

	if (grow_array((void **)&l->e, &l->cap, l->n + 1, sizeof *l->e) < 0)
		return 1;
	e = &l->e[l->n++];
	memset(e, 0, sizeof *e);
	e->id = b->id;
	e->seq = b->seq;
	e->task = b->task_position;
	if (b->hash)
		memcpy(e->hash, b->hash, 32);
	e->has_supersedes = b->supersedes != NULL;
	if (b->supersedes)
		memcpy(e->supersedes, b->supersedes, 32);
	snprintf(e->cast_at, sizeof e->cast_at, "%s", b->cast_at ? b->cast_at : "");
	return 0;
}

static const struct ledger *g_sorting;

static int by_hash(const void *a, const void *b)
{
	return memcmp(g_sorting->e[*(const size_t *)a].hash, g_sorting->e[*(const size_t *)b].hash,
		      32);
}

/* The place of the first ballot whose hash starts with the len bytes of
 * key, or -1. */
static long find(const struct ledger *l, const unsigned char *key, size_t len)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(l->e[l->by_hash[mid]].hash, key, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->n && memcmp(l->e[l->by_hash[lo]].hash, key, len) == 0)
		return (long)l->by_hash[lo];
	return -1;
}

static int ledger_load(struct store *st, struct ledger *l, struct simsa_err *err)
{
	if (store_each_ballot(st, take, l, err) < 0)
		return -1;
	l->by_hash = malloc((l->n + 1) * sizeof *l->by_hash);
	if (!l->by_hash)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < l->n; i++)
		l->by_hash[i] = i;
	g_sorting = l;
	qsort(l->by_hash, l->n, sizeof *l->by_hash, by_hash);
	for (size_t i = 0; i < l->n; i++) {
		long at = l->e[i].has_supersedes ? find(l, l->e[i].supersedes, 32) : -1;

		if (at >= 0)
			l->e[at].superseded_by = l->e[i].id;
	}
	return 0;
}

static void ledger_release(struct ledger *l)
{
	free(l->e);
	free(l->by_hash);
	memset(l, 0, sizeof *l);
}

/* What a code names in the round. */
enum finding {
	F_FOUND,     /* the ballot at the place the code names */
	F_OLD_FOUND, /* an old-form code (no place): found by its hash */
	F_MOVED,     /* the ballot is in the round, at another place */
	F_MISSING,   /* no ballot of the round has this hash */
	F_MISTYPED,  /* the check symbol does not hold */
	F_NOT_A_CODE,
	F_COUNT
};

struct answer {
	enum finding f;
	struct receipt_parsed code;
	long at; /* the ballot's place, F_FOUND, F_OLD_FOUND, F_MOVED */
};

static void look_up(const struct ledger *l, const char *typed, struct answer *a)
{
	memset(a, 0, sizeof *a);
	a->at = -1;
	switch (ballot_receipt_parse(typed, &a->code)) {
	case RECEIPT_NOT_A_CODE: a->f = F_NOT_A_CODE; return;
	case RECEIPT_MISTYPED: a->f = F_MISTYPED; return;
	case RECEIPT_OLD:
		a->at = find(l, a->code.prefix, 10);
		a->f = a->at >= 0 ? F_OLD_FOUND : F_MISSING;
		return;
	case RECEIPT_CODE: break;
	}
	if (a->code.place < l->n && memcmp(l->e[a->code.place].hash, a->code.prefix, 10) == 0) {
		a->at = (long)a->code.place;
		a->f = F_FOUND;
		return;
	}
	a->at = find(l, a->code.prefix, 10);
	a->f = a->at >= 0 ? F_MOVED : F_MISSING;
}

/* The codes of the round one typo away from what was typed (a receipt
 * code says nothing of a ballot but its place: anyone who can read the
 * file can list them all). */
static size_t nearest(const struct ledger *l, const char *typed, char out[][BALLOT_RECEIPT_MAX + 1])
{
	char want[BALLOT_RECEIPT_SYMBOLS + 2], sym[BALLOT_RECEIPT_SYMBOLS + 2];
	size_t k = 0;

	ballot_receipt_normal(typed, want);
	for (size_t i = 0; i < l->n && k < SUGGEST_MAX; i++) {
		ballot_receipt((uint32_t)i, l->e[i].hash, out[k]);
		ballot_receipt_normal(out[k], sym);
		if (strcmp(sym, want) != 0 && ballot_receipt_near(want, sym))
			k++;
	}
	return k;
}

/* How many codes one run looks for neighbours of: each search reads the
 * whole round, and a hostile receipts file may hold 40,000 mistyped lines. */
#define SEARCHES_MAX 20

static void print_nearest(const struct ledger *l, const char *typed)
{
	static size_t searches;
	char near[SUGGEST_MAX][BALLOT_RECEIPT_MAX + 1];
	size_t k;

	if (++searches > SEARCHES_MAX) {
		printf("; (no more suggestions: %d codes looked for already)\n", SEARCHES_MAX);
		return;
	}
	k = nearest(l, typed, near);

	if (k == 0) {
		printf("; no code of this round is one typo away\n");
		return;
	}
	printf("; did you mean %s", near[0]);
	for (size_t i = 1; i < k; i++)
		printf("%s%s", i + 1 == k ? " or " : ", ", near[i]);
	printf("?\n");
}

bool cli_status_words(const struct ballot_status *s, int64_t superseded_by, bool closed, char *buf,
		      size_t cap)
{
	/* before close nothing is counted yet, and nothing else is said */
	const char *tail = closed ? ", not counted" : "";

	switch (s->status) {
	case STATUS_COUNTED: snprintf(buf, cap, "counted"); return true;
	case STATUS_RECORDED: snprintf(buf, cap, "recorded"); return true;
	case STATUS_SUPERSEDED:
		snprintf(buf, cap, "superseded by ballot %lld%s", (long long)superseded_by, tail);
		break;
	case STATUS_GOLD:
		snprintf(buf, cap, "gold (a check of the rater, never in the points)%s", tail);
		break;
	case STATUS_EXCLUDED:
		snprintf(buf, cap, "excluded (%s)%s", score_reason_name(s->reason), tail);
		break;
	case STATUS_COUNT: snprintf(buf, cap, "%s", tail); break;
	}
	return false;
}

/* The status after the ballot's description, and whether it is the good
 * one (counted; before close, recorded). */
static bool print_status(const struct ballot_status *s, int64_t superseded_by, bool closed)
{
	char words[128];
	bool good = cli_status_words(s, superseded_by, closed, words, sizeof words);

	printf("%s\n", words);
	return good;
}

struct ctx {
	const char *path; /* the round, as given */
	struct ledger l;
	struct ballot_statuses sts;
};

/* Prints what a looked-up code names, after "WHERE: "; returns whether
 * the ballot is in the round at its place with the good status (*in: in
 * the round at its place, any status). */
static bool print_answer(const struct ctx *c, const char *typed, const struct answer *a, bool *in)
{
	const struct entry *e = a->at >= 0 ? &c->l.e[a->at] : NULL;
	const struct ballot_status *s = e ? score_status_of(&c->sts, e->id) : NULL;
	char code[BALLOT_RECEIPT_MAX + 1];
	bool good;

	*in = false;
	switch (a->f) {
	case F_NOT_A_CODE: printf("'%s' is not a receipt code\n", cli_text(typed)); return false;
	case F_MISTYPED:
		printf("%s is mistyped (its check symbol does not match)", cli_text(typed));
		print_nearest(&c->l, typed);
		return false;
	case F_MISSING:
		printf("no ballot with receipt %s is in this round", cli_text(typed));
		if (a->code.form == RECEIPT_CODE && a->code.place < c->l.n)
			printf(" (place %u holds another ballot: this one was removed or changed)",
			       a->code.place);
		else if (a->code.form == RECEIPT_CODE)
			printf(" (it names place %u; the round holds %zu ballots)", a->code.place,
			       c->l.n);
		print_nearest(&c->l, typed);
		return false;
	case F_FOUND:
	case F_OLD_FOUND:
	case F_MOVED:
	case F_COUNT: break;
	}
	if (!s) { /* a row verify would refuse: not a ballot of the round */
		printf("no ballot with receipt %s is in this round\n", cli_text(typed));
		return false;
	}
	printf("ballot %lld (task %u, sequence %u, cast %s) is in the round at place %ld",
	       (long long)e->id, e->task + 1, e->seq, cli_text(e->cast_at), a->at);
	if (a->f == F_MOVED)
		printf(", not at place %u as its receipt says (ballots before it were removed or "
		       "reordered)",
		       a->code.place);
	printf(": ");
	good = print_status(s, e->superseded_by, c->sts.closed);
	*in = a->f != F_MOVED;
	if (a->f == F_OLD_FOUND) {
		ballot_receipt((uint32_t)a->at, e->hash, code);
		printf("  (an old-form code, without place or check symbol; this ballot's code is "
		       "%s)\n",
		       code);
	}
	return good && *in;
}

static int one_code(struct ctx *c, const char *typed)
{
	struct answer a;
	bool in;

	look_up(&c->l, typed, &a);
	printf("%s: ", cli_text(c->path));
	return print_answer(c, typed, &a, &in) ? EXIT_OK : EXIT_FAIL;
}

/* Every line of the receipts file: each one's answer, then the summary.
 * EXIT_OK when every receipt of this round names a ballot in the round at
 * its place, whatever its status. */
static int file_codes(struct ctx *c, const char *file, const char *round_id)
{
	static const char *const what[F_COUNT] = { "in the round", "in the round",
						   "moved",        "not in this round",
						   "mistyped",     "not a receipt code" };
	struct receipt_line *lines = NULL;
	struct simsa_err err;
	size_t n = 0, n_this = 0, found = 0, other = 0, by[F_COUNT] = { 0 };
	size_t by_status[STATUS_COUNT + 1] = { 0 };
	const char *sep = " (";

	if (receipt_file_read(file, &lines, &n, &err) < 0)
		return cli_fail(&err);
	printf("%s: %zu receipts in %s\n", cli_text(c->path), n, cli_text(file));
	for (size_t i = 0; i < n; i++) {
		const struct receipt_line *r = &lines[i];
		struct answer a;
		bool in;

		printf("line %zu: ", r->line);
		if (r->round_id[0] && strcmp(r->round_id, round_id) != 0) {
			printf("%s: of another round (%s), not checked\n", cli_text(r->code),
			       cli_text(r->round_id));
			other++;
			continue;
		}
		n_this++;
		look_up(&c->l, r->code, &a);
		if (a.f != F_NOT_A_CODE && a.f != F_MISTYPED && a.f != F_MISSING)
			printf("%s: ", cli_text(r->code));
		print_answer(c, r->code, &a, &in);
		by[a.f]++;
		if (in) {
			const struct ballot_status *s = score_status_of(&c->sts, c->l.e[a.at].id);

			found++;
			by_status[s ? s->status : STATUS_COUNT]++;
		}
	}
	free(lines);
	printf("summary: %zu receipts of this round, %zu in the round at their place", n_this,
	       found);
	for (int k = 0; k < STATUS_COUNT; k++)
		if (by_status[k]) {
			printf("%s%zu %s", sep, by_status[k],
			       score_status_name((enum ballot_status_kind)k));
			sep = ", ";
		}
	if (sep[0] == ',')
		printf(")");
	for (int f = F_MOVED; f < F_COUNT; f++)
		if (by[f])
			printf(", %zu %s", by[f], what[f]);
	if (other)
		printf(", %zu of another round not checked", other);
	printf("\n");
	return n_this > 0 && found == n_this ? EXIT_OK : EXIT_FAIL;
}

struct receipt_args {
	bool no_verify;
	const char *file;
};

static const struct cli_opt receipt_opts[] = {
	CLI_OPT("file", 0, "RECEIPTS", OPT_STRING, offsetof(struct receipt_args, file), 0,
		"check every receipt of this file (as simsa rate\n"
		"keeps it, or one code a line) instead of CODE"),
	CLI_OPT("no-verify", 0, NULL, OPT_FLAG, offsetof(struct receipt_args, no_verify), 0,
		"look up without verifying first: the answer\n"
		"follows a NOT VERIFIED line; exit 3 for counted"),
	{ 0 },
};

const struct cli_spec spec_receipt = {
	"say whether the ballot with this receipt code is in the round, and its status",
	"ROUND.db|BUNDLE [CODE]",
	"  the ballot's one status (docs/scoring.md): on a closed round counted,\n"
	"  superseded, gold or excluded with its reason; on an open round\n"
	"  recorded or superseded. A code names the ballot's place in the round\n"
	"  and ends in a check symbol: a mistyped code is said so, with the\n"
	"  codes of the round one typo away. Exits 0 when it is counted (open:\n"
	"  recorded), 1 otherwise; with --file, 0 when every receipt of this\n"
	"  round is in the round at its place, whatever its status. The file is\n"
	"  verified first (simsa verify) and refused, exit 1, naming the failing\n"
	"  steps; on an open round the answer is provisional (docs/verify.md)\n",
	receipt_opts,
	"  exit 3: counted (open: recorded; --file: all in the round), looked up\n"
	"  with --no-verify\n",
};

int cmd_receipt(int argc, char **argv)
{
	struct receipt_args a = { false, NULL };
	struct ctx c = { 0 };
	struct store *st = NULL;
	struct round_info ri;
	struct simsa_err err;
	struct cli_verified v;
	struct receipt_parsed p;
	char *pos[CLI_MAX_ARGS];
	int rc = cli_parse(&spec_receipt, "receipt", argc, argv, &a, pos);

	if (rc != CLI_RUN)
		return rc;
	if (!pos[1] == !a.file)
		return cli_usage_error("receipt", "give a receipt CODE or --file RECEIPTS (one)");
	if (pos[1] && ballot_receipt_parse(pos[1], &p) == RECEIPT_NOT_A_CODE)
		return cli_usage_error("receipt",
				       "'%s' is not a receipt code (letters and digits, like "
				       "1F-7K3M-Q2XA-9DPF-0B4R-V)",
				       pos[1]);
	c.path = pos[0];
	if (store_open_read(pos[0], &st, &err) < 0)
		return cli_fail(&err);
	if (cli_verify_first("receipt", pos[0], st, a.no_verify, "nothing looked up", &v) < 0) {
		store_close(&st);
		return EXIT_FAIL;
	}
	rc = store_round_info(st, &ri, &err);
	if (rc == 0)
		rc = ledger_load(st, &c.l, &err);
	if (rc == 0)
		rc = score_ballot_statuses(st, &c.sts, &err);
	store_close(&st);
	if (rc < 0) {
		ledger_release(&c.l);
		score_statuses_release(&c.sts);
		return cli_fail(&err);
	}
	cli_verified_banner(stdout, pos[0], &v);
	rc = a.file ? file_codes(&c, a.file, ri.round_id) : one_code(&c, pos[1]);
	ledger_release(&c.l);
	score_statuses_release(&c.sts);
	return cli_verified_status(&v, rc);
}
