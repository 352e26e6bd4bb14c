/* opt — the commands' option tables (cli/cli.h): one table per command
 * parses its command line with getopt_long (so --opt value, --opt=value,
 * unambiguous abbreviations, options after the arguments and `--` work as
 * they always did) and prints its usage line and its --help text. */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "opt.h"
#include "out.h"
#include "simsa/util.h"

#define MAX_OPTS 32
#define HELP_COL_MAX 30 /* wider options put their help two spaces after them */
#define USAGE_MAX 90    /* a longer usage line shows "[OPTION]..." instead */

const char *const cli_format_names[FMT_COUNT] = {
	"text", "json", "jsonl", "csv", "bundle", "votes", "ratings",
};

static bool takes_arg(const struct cli_opt *o)
{
	return o->kind != OPT_FLAG;
}

/* "PATH", "tie|exclude", or for --format the accepted formats "text|json". */
static const char *arg_name(const struct cli_opt *o, char *buf, size_t cap)
{
	size_t n = 0;

	if (o->kind != OPT_FORMAT || o->arg)
		return o->arg ? o->arg : "";
	buf[0] = '\0';
	for (int f = 0; f < FMT_COUNT; f++)
		if (o->formats & FMT_BIT(f) && n < cap)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? "|" : "",
					      cli_format_names[f]);
	return buf;
}

/* "a|b|c" -> "a, b or c" */
static void choice_list(const char *choices, char *buf, size_t cap)
{
	const char *last = strrchr(choices, '|');
	size_t n = 0;

	buf[0] = '\0';
	for (const char *p = choices; *p && n + 5 < cap; p++) {
		if (*p != '|')
			buf[n++] = *p;
		else if (p == last)
			n += (size_t)snprintf(buf + n, cap - n, " or ");
		else
			n += (size_t)snprintf(buf + n, cap - n, ", ");
	}
	buf[n < cap ? n : cap - 1] = '\0';
}

static bool is_choice(const char *choices, const char *s)
{
	size_t len = strlen(s);

	for (const char *p = choices; len; p++) {
		if (strncmp(p, s, len) == 0 && (p[len] == '|' || p[len] == '\0'))
			return true;
		p = strchr(p, '|');
		if (!p)
			break;
	}
	return false;
}

static size_t count_words(const char *s)
{
	size_t n = 0;

	for (const char *p = s ? s : ""; *p; p++)
		n += *p != ' ' && (p == s || p[-1] == ' ');
	return n;
}

/* The positional arguments that must be given: those not in [brackets]. */
static size_t count_required(const char *s)
{
	size_t n = 0;

	for (const char *p = s ? s : ""; *p; p++)
		n += *p != ' ' && *p != '[' && (p == s || p[-1] == ' ');
	return n;
}

void cli_usage(const struct cli_spec *s, char *buf, size_t cap)
{
	char a[128];
	size_t n = (size_t)snprintf(buf, cap, "%s", s->args ? s->args : ""), base;

	for (int pass = 0; pass < 2; pass++) {
		base = n;
		for (const struct cli_opt *o = s->opts; o && o->name && n < cap; o++) {
			bool req = o->flags & OPT_REQUIRED;

			if (req != (pass == 0))
				continue;
			n += (size_t)snprintf(buf + n, cap - n, "%s%s--%s%s%s%s%s", n ? " " : "",
					      req ? "" : "[", o->name, takes_arg(o) ? " " : "",
					      arg_name(o, a, sizeof a), req ? "" : "]",
					      o->flags & OPT_REPEAT ? "..." : "");
		}
		if (pass == 1 && n > USAGE_MAX && base < cap)
			n = base + (size_t)snprintf(buf + base, cap - base, "%s[OPTION]...",
						    base ? " " : "");
	}
}

static void put_option(FILE *f, const char *left, const char *help, int col)
{
	int w = (int)strlen(left);

	fputs(left, f);
	for (const char *line = help; line;) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		if (line != help || w > col - 2)
			fprintf(f, "\n%*s", col, "");
		else
			fprintf(f, "%*s", col - w, "");
		fprintf(f, "%.*s", len, line);
		line = nl ? nl + 1 : NULL;
	}
	fputc('\n', f);
}

static void left_part(const struct cli_opt *o, bool shorts, char *buf, size_t cap)
{
	char a[128];

	if (shorts && o->short_name)
		snprintf(buf, cap, "  -%c, --%s%s%s", o->short_name, o->name,
			 takes_arg(o) ? " " : "", arg_name(o, a, sizeof a));
	else
		snprintf(buf, cap, "  %s--%s%s%s", shorts ? "    " : "", o->name,
			 takes_arg(o) ? " " : "", arg_name(o, a, sizeof a));
}

void cli_spec_help(const char *name, const struct cli_spec *s, FILE *f)
{
	static const struct cli_opt help = CLI_OPT("help", 'h', NULL, OPT_FLAG, 0, 0, "this text");
	char u[1024], left[256];
	bool shorts = false;
	int col = 0;

	cli_usage(s, u, sizeof u);
	fprintf(f, "usage: simsa %s %s\n%s\n\n", name, u, s->summary);
	if (s->intro)
		fputs(s->intro, f);
	for (const struct cli_opt *o = s->opts; o && o->name; o++)
		shorts |= o->short_name != 0;
	for (const struct cli_opt *o = s->opts; o && o->name; o++) {
		left_part(o, shorts, left, sizeof left);
		if ((int)strlen(left) <= HELP_COL_MAX && (int)strlen(left) > col)
			col = (int)strlen(left);
	}
	left_part(&help, shorts, left, sizeof left);
	if ((int)strlen(left) > col)
		col = (int)strlen(left);
	col += 2;
	for (const struct cli_opt *o = s->opts; o && o->name; o++) {
		left_part(o, shorts, left, sizeof left);
		put_option(f, left, o->help, col);
	}
	left_part(&help, shorts, left, sizeof left);
	put_option(f, left, help.help, col);
	if (s->outro)
		fputs(s->outro, f);
}

/* Stores one option's value; NULL, or what is wrong with it (in msg). */
static const char *store(const struct cli_opt *o, const char *arg, void *args, char *msg,
			 size_t cap)
{
	char *at = (char *)args + o->off, list[256], a[128];
	long v;

	switch (o->kind) {
	case OPT_FLAG: *(bool *)at = true; return NULL;
	case OPT_STRING: *(const char **)at = arg; return NULL;
	case OPT_CHOICE:
	case OPT_FORMAT:
		if (!is_choice(arg_name(o, a, sizeof a), arg)) {
			choice_list(arg_name(o, a, sizeof a), list, sizeof list);
			snprintf(msg, cap, "--%s must be %s, not '%s'", o->name, list, arg);
			return msg;
		}
		if (o->kind == OPT_CHOICE) {
			*(const char **)at = arg;
			return NULL;
		}
		for (int f = 0; f < FMT_COUNT; f++)
			if (strcmp(cli_format_names[f], arg) == 0)
				*(enum out_format *)at = (enum out_format)f;
		return NULL;
	case OPT_LONG:
		if (parse_long(arg, o->min, o->max, &v)) {
			*(long *)at = v;
			return NULL;
		}
		if (o->max == LONG_MAX)
			snprintf(msg, cap, "bad value '%s' for --%s: a whole number >= %ld", arg,
				 o->name, o->min);
		else
			snprintf(msg, cap,
				 "bad value '%s' for --%s: a whole number from %ld to %ld", arg,
				 o->name, o->min, o->max);
		return msg;
	case OPT_CALL: return o->call(arg, args);
	}
	return NULL;
}

int cli_spec_usage_verror(const char *name, const struct cli_spec *spec, const char *fmt,
			  va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof msg, fmt, ap); /* quotes the command line */
	fprintf(stderr, "simsa %s: %s\n", cli_text(name), cli_text(msg));
	if (spec) {
		char u[1024];

		cli_usage(spec, u, sizeof u);
		fprintf(stderr, "usage: simsa %s %s\n", cli_text(name), u);
	}
	return EXIT_USAGE;
}

static int usage_error(const char *name, const struct cli_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int usage_error(const char *name, const struct cli_spec *spec, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cli_spec_usage_verror(name, spec, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_parse(const struct cli_spec *spec, const char *name, int argc, char **argv, void *args,
	      char *pos[CLI_MAX_ARGS])
{
	const struct cli_spec *c = spec;
	const struct cli_opt *opts = c ? c->opts : NULL;
	struct option lo[MAX_OPTS + 2];
	char shorts[2 * MAX_OPTS + 2], msg[512];
	bool seen[MAX_OPTS] = { false };
	size_t n = 0, ns = 0, npos = c ? count_words(c->args) : 0,
	       nreq = c ? count_required(c->args) : 0;
	int ch;

	if (!c)
		return usage_error(name, c, "no option table");
	for (; opts && opts[n].name && n < MAX_OPTS; n++) {
		lo[n] = (struct option){ opts[n].name,
					 takes_arg(&opts[n]) ? required_argument : no_argument,
					 NULL, 256 + (int)n };
		if (opts[n].short_name) {
			shorts[ns++] = opts[n].short_name;
			if (takes_arg(&opts[n]))
				shorts[ns++] = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ 0, 0, 0, 0 };
	shorts[ns++] = 'h';
	shorts[ns] = '\0';
	optind = 0;
	while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		size_t i = n;
		const char *bad;

		if (ch == 'h') {
			cli_spec_help(name, c, stdout);
			return EXIT_OK;
		}
		if (ch >= 256)
			i = (size_t)(ch - 256);
		else
			for (i = 0; i < n && opts[i].short_name != ch; i++)
				;
		if (i >= n)
			return usage_error(name, c, "bad option");
		seen[i] = true;
		bad = store(&opts[i], optarg, args, msg, sizeof msg);
		if (bad)
			return usage_error(name, c, "%s", bad);
	}
	if ((size_t)(argc - optind) > npos || (size_t)(argc - optind) < nreq) {
		char words[256], *second;

		snprintf(words, sizeof words, "%s", c->args);
		second = strchr(words, ' ');
		if (second)
			*second++ = '\0';
		if (npos == 0)
			return usage_error(name, c, "unexpected argument '%s'", argv[optind]);
		if (npos == 1)
			return usage_error(name, c, "expected one %s", words);
		return usage_error(name, c, "expected %s and %s", words, second);
	}
	for (size_t i = 0; i < n; i++)
		if (opts[i].flags & OPT_REQUIRED && !seen[i])
			return usage_error(name, c, "--%s is required", opts[i].name);
	for (size_t i = 0; i < npos && i < CLI_MAX_ARGS; i++)
		pos[i] = optind + (int)i < argc ? argv[optind + (int)i] : NULL;
	return CLI_RUN;
}
