/* Unit tests: the commands' option tables (cli/opt.c, cli/cli.h). For every
 * command of the command table: `simsa CMD --help` prints exactly what the
 * table makes of itself; every option the table parses appears in that
 * help; every --option the help mentions is parsed (with a valid value it
 * is accepted, not refused as unknown), by its short name too; no line of
 * the help but the usage line is wider than 80 columns. */
#include "testutil.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* What f(c) prints on standard output. */
static char *capture_run(const struct command *c, int argc, char **argv, int *rc)
{
	FILE *tmp = tmpfile();
	int saved;
	long len;
	char *text;

	assert_non_null(tmp);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
	*rc = c->run(argc, argv);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	len = ftell(tmp);
	assert_true(len >= 0);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	rewind(tmp);
	assert_int_equal(fread(text, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	return text;
}

static char *table_help(const struct command *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	cli_spec_help(c->name, c->spec, f);
	fclose(f);
	return text;
}

/* "--name" in text, not as the start of a longer option name */
static bool mentions(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(text, "--"); p; p = strstr(p + 2, "--"))
		if (strncmp(p + 2, name, n) == 0 &&
		    !(p[2 + n] == '-' || (p[2 + n] >= 'a' && p[2 + n] <= 'z')))
			return true;
	return false;
}

static const struct cli_opt *find_opt(const struct cli_spec *s, const char *name, size_t n)
{
	for (const struct cli_opt *o = s->opts; o && o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

/* A value the table accepts for o: a choice, a format, the least number. */
static const char *good_value(const struct cli_opt *o, char *buf, size_t cap)
{
	switch (o->kind) {
	case OPT_FLAG: return NULL;
	case OPT_CHOICE: snprintf(buf, cap, "%.*s", (int)strcspn(o->arg, "|"), o->arg); return buf;
	case OPT_FORMAT:
		for (int f = 0; f < FMT_COUNT; f++)
			if (o->formats & FMT_BIT(f))
				return cli_format_names[f];
		fail_msg("--%s accepts no format", o->name);
		return NULL;
	case OPT_LONG: snprintf(buf, cap, "%ld", o->min); return buf;
	default: return "x";
	}
}

/* Parses "CMD [positionals] [required options] OPT" with the table: the
 * option (by "--name", or "-c" when short) must be accepted. */
static void expect_parsed(const struct command *c, const struct cli_opt *o, bool by_short)
{
	union {
		max_align_t align;
		char bytes[4096];
	} args;
	char *argv[64], *pos[CLI_MAX_ARGS], vals[16][64], flag[80], shortflag[3] = "-?";
	int argc = 0, nv = 0, rc;
	const char *last = strrchr(c->name, ' ');
	const char *v;

	memset(&args, 0, sizeof args);
	argv[argc++] = (char *)(last ? last + 1 : c->name);
	for (const char *p = c->spec->args; *p; p++)
		if (*p != ' ' && (p == c->spec->args || p[-1] == ' '))
			argv[argc++] = "arg";
	for (const struct cli_opt *r = c->spec->opts; r && r->name; r++) {
		if (!(r->flags & OPT_REQUIRED) || r == o)
			continue;
		snprintf(vals[nv], sizeof vals[nv], "--%s", r->name);
		argv[argc++] = vals[nv++];
		v = good_value(r, vals[nv], sizeof vals[nv]);
		nv++;
		if (v)
			argv[argc++] = (char *)v;
	}
	if (by_short) {
		shortflag[1] = o->short_name;
		argv[argc++] = shortflag;
	} else {
		snprintf(flag, sizeof flag, "--%s", o->name);
		argv[argc++] = flag;
	}
	v = good_value(o, vals[nv], sizeof vals[nv]);
	if (v)
		argv[argc++] = (char *)v;
	argv[argc] = NULL;
	rc = cli_parse(c->spec, c->name, argc, argv, &args, pos);
	if (rc != CLI_RUN)
		fail_msg("simsa %s: %s%s is refused (exit %d)", c->name, by_short ? "-" : "--",
			 by_short ? shortflag + 1 : o->name, rc);
}

static void test_help_is_the_table(void **state)
{
	for (const struct command *c = simsa_commands; c->name; c++) {
		char *argv[] = { (char *)c->name, "--help", NULL };
		int rc;
		char *got = capture_run(c, 2, argv, &rc), *want = table_help(c);

		assert_int_equal(rc, EXIT_OK);
		if (strcmp(got, want) != 0)
			fail_msg("simsa %s --help is not its table's help:\n%s\n---\n%s", c->name,
				 got, want);
		assert_true(strncmp(got, "usage: simsa ", 13) == 0);
		free(got);
		free(want);
	}
}

static void test_every_option_in_help(void **state)
{
	for (const struct command *c = simsa_commands; c->name; c++) {
		char *help = table_help(c);

		assert_true(mentions(help, "help"));
		for (const struct cli_opt *o = c->spec->opts; o && o->name; o++) {
			if (!mentions(help, o->name))
				fail_msg("simsa %s parses --%s, its help does not say so", c->name,
					 o->name);
			if (!o->help || !*o->help)
				fail_msg("simsa %s --%s has no help line", c->name, o->name);
		}
		free(help);
	}
}

static void test_every_option_in_help_is_parsed(void **state)
{
	for (const struct command *c = simsa_commands; c->name; c++) {
		char *help = table_help(c);

		for (const char *p = strstr(help, "--"); p; p = strstr(p + 2, "--")) {
			size_t n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
			const struct cli_opt *o;

			if (n == 0 || (n == 4 && strncmp(p + 2, "help", 4) == 0))
				continue;
			o = find_opt(c->spec, p + 2, n);
			if (!o)
				fail_msg("simsa %s --help mentions --%.*s, which it does not parse",
					 c->name, (int)n, p + 2);
			expect_parsed(c, o, false);
			if (o->short_name)
				expect_parsed(c, o, true);
		}
		free(help);
	}
}

static void test_help_fits_80_columns(void **state)
{
	for (const struct command *c = simsa_commands; c->name; c++) {
		char *help = table_help(c), *save = NULL;

		for (char *l = strtok_r(help, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if (strncmp(l, "usage: ", 7) != 0 && strlen(l) > 80)
				fail_msg("simsa %s --help: a line of %zu columns: %s", c->name,
					 strlen(l), l);
		free(help);
	}
}

/* The checks the table makes: a bad choice, a number out of range, a
 * missing required option, the wrong number of arguments. */
static void test_table_refusals(void **state)
{
	char *pos[CLI_MAX_ARGS];
	union {
		max_align_t align;
		char bytes[4096];
	} args;
	char *bad_fmt[] = { "status", "round.db", "--format", "xml", NULL };
	char *bad_num[] = { "rank", "v.csv", "--much-better-weight=0", NULL };
	char *no_title[] = { "init", "round.db", NULL };
	char *two[] = { "status", "a.db", "b.db", NULL };
	char *ok[] = { "rank", "--format=csv", "v.csv", "-w", "3", "--", NULL };
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	assert_true(saved >= 0 && null >= 0);
	assert_true(dup2(null, STDERR_FILENO) >= 0); /* the usage messages */
	close(null);
	memset(&args, 0, sizeof args);
	assert_int_equal(cli_parse(&spec_status, "status", 4, bad_fmt, &args, pos), EXIT_USAGE);
	assert_int_equal(cli_parse(&spec_rank, "rank", 3, bad_num, &args, pos), EXIT_USAGE);
	assert_int_equal(cli_parse(&spec_init, "init", 2, no_title, &args, pos), EXIT_USAGE);
	assert_int_equal(cli_parse(&spec_status, "status", 3, two, &args, pos), EXIT_USAGE);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	assert_int_equal(cli_parse(&spec_rank, "rank", 6, ok, &args, pos), CLI_RUN);
	assert_string_equal(pos[0], "v.csv");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_is_the_table),
		cmocka_unit_test(test_every_option_in_help),
		cmocka_unit_test(test_every_option_in_help_is_parsed),
		cmocka_unit_test(test_help_fits_80_columns),
		cmocka_unit_test(test_table_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
