/* out — how the commands print what they did not write themselves (cli/cli.h):
 * every untrusted string through the console's sanitizer (simsa/text.h,
 * docs/text.md), JSON with what a terminal acts on escaped, and the exact
 * bytes of CSV and JSON Lines never raw to a terminal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "simsa/text.h"
#include "simsa/util.h"

/* The last strings cli_text() and cli_pad() gave: each stays valid for
 * CLI_TEXT_RING more calls, enough for one printf. */
#define CLI_TEXT_RING 16
static char *ring[CLI_TEXT_RING];
static size_t ring_next;

static const char *keep(char *s)
{
	if (!s)
		return "?"; /* out of memory: nothing unsafe is printed */
	free(ring[ring_next]);
	ring[ring_next] = s;
	ring_next = (ring_next + 1) % CLI_TEXT_RING;
	return s;
}

const char *cli_text(const char *s)
{
	return keep(text_sanitize_alloc(s ? s : "", s ? strlen(s) : 0));
}

int cli_width(const char *s)
{
	return s ? text_width(s, strlen(s)) : 0;
}

const char *cli_pad(const char *s, int cols)
{
	size_t len = s ? strlen(s) : 0, need = text_sanitize_line(s ? s : "", len, NULL, 0);
	int w = cli_width(s), pad = w < cols ? cols - w : 0;
	char *out = malloc(need + (size_t)pad + 1);

	if (out) {
		text_sanitize_line(s ? s : "", len, out, need + 1);
		memset(out + need, ' ', (size_t)pad);
		out[need + (size_t)pad] = '\0';
	}
	return keep(out);
}

void cli_puts(FILE *f, const char *prefix, const char *msg)
{
	/* line by line, so that a message of several lines keeps them */
	for (const char *p = msg;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *safe = text_sanitize_alloc(p, len);

		fprintf(f, "%s%s\n", prefix, safe ? safe : "?");
		free(safe);
		if (!nl || !nl[1])
			break;
		p = nl + 1;
	}
}

json_t *cli_jtext(const char *s)
{
	json_t *j;
	char *fixed;

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	fixed = utf8_lossy(s, strlen(s));
	j = fixed ? json_string(fixed) : NULL;
	free(fixed);
	return j;
}

int cli_json(FILE *f, const json_t *j, size_t flags)
{
	char *s = json_dumps(j, flags), *safe = s ? text_json_escape(s, strlen(s)) : NULL;
	int rc = safe ? 0 : -1;

	if (safe)
		fprintf(f, "%s\n", safe);
	free(safe);
	free(s);
	return rc;
}

FILE *cli_raw_begin(struct cli_raw *r, FILE *dest)
{
	memset(r, 0, sizeof *r);
	r->dest = dest;
	if (!isatty(fileno(dest)))
		return dest;
	r->mem = open_memstream(&r->buf, &r->len);
	return r->mem ? r->mem : dest;
}

int cli_raw_end(struct cli_raw *r, const char *what, const char *instead, struct simsa_err *err)
{
	int rc = 0;

	if (!r->mem)
		return 0;
	if (fclose(r->mem) != 0) {
		rc = err_set(err, "cannot hold the %s in memory: %s", what, strerror(errno));
	} else if (!text_is_plain(r->buf, r->len)) {
		rc = err_set(err,
			     "the %s holds bytes a terminal would act on or hide (control "
			     "characters, bidi controls, invalid UTF-8) and standard output is "
			     "a terminal: %s",
			     what, instead);
	} else if (fwrite(r->buf, 1, r->len, r->dest) != r->len) {
		rc = err_set(err, "standard output: write error");
	}
	free(r->buf);
	r->mem = NULL;
	r->buf = NULL;
	return rc;
}

void cli_raw_drop(struct cli_raw *r)
{
	if (r->mem)
		fclose(r->mem);
	free(r->buf);
	r->mem = NULL;
	r->buf = NULL;
}
