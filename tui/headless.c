/* headless — the console without a terminal, for tests: keys from a script
 * file, the screen kept in the canvas at a pinned size, and dumps of the
 * screen text and of its meaning (screen, task, cursor, fields) on demand.
 * Script lines (docs/console.md):
 *   keys j j 4 <Enter> <C-c>   key names, separated by blanks
 *   type 한국어 text           the rest of the line, one key per code point
 *   paste 붙여넣은 글\n둘째 줄  the rest of the line as a bracketed paste
 *   resize 100x30 | dump [LABEL] | signal HUP|TERM|INT|KILL | # comment
 * One line is one burst of input: drafts are saved when a line is done. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "console_int.h"
#include "simsa/util.h"

struct headless {
	struct event *ev;
	size_t n, cap, next;
	char **labels;
	size_t nlabels, labels_cap;
	FILE *dump;
	bool own_dump;
};

static int add(struct headless *hl, struct event ev)
{
	if (grow_array((void **)&hl->ev, &hl->cap, hl->n + 1, sizeof *hl->ev) < 0)
		return -1;
	hl->ev[hl->n++] = ev;
	return 0;
}

static int parse_size(const char *s, int *w, int *h)
{
	char *end;
	long a = strtol(s, &end, 10), b;

	if (end == s || *end != 'x')
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || a < 1 || b < 1 || a > 4096 || b > 4096)
		return -1;
	*w = (int)a;
	*h = (int)b;
	return 0;
}

static int add_keys(struct headless *hl, const char *p, size_t lineno, struct simsa_err *err)
{
	while (*p) {
		const char *q;
		int k;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		q = p;
		while (*q && *q != ' ' && *q != '\t')
			q++;
		k = keys_parse(p, (size_t)(q - p));
		if (k < 0)
			return err_set(err, "script line %zu: unknown key '%.*s'", lineno,
				       (int)(q - p), p);
		if (add(hl, (struct event){ .type = EV_KEY, .key = k }) < 0)
			return err_set(err, "out of memory");
		p = q;
	}
	return 0;
}

static int add_text(struct headless *hl, const char *arg, size_t lineno, struct simsa_err *err)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)arg;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(arg);

	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);

		if (n <= 0)
			return err_set(err, "script line %zu: invalid UTF-8", lineno);
		if (add(hl, (struct event){ .type = EV_KEY, .key = cp }) < 0)
			return err_set(err, "out of memory");
		p += n;
		left -= n;
	}
	return 0;
}

/* paste TEXT: the begin mark, the text (\n newline, \t tab, \\ a
 * backslash; bytes that are not UTF-8 are dropped, as a terminal's are),
 * the end mark: what a terminal in bracketed paste mode sends. */
static int add_paste(struct headless *hl, const char *arg, struct simsa_err *err)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)arg;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(arg);

	if (add(hl, (struct event){ .type = EV_KEY, .key = K_PASTE_BEGIN }) < 0)
		return err_set(err, "out of memory");
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);

		if (n <= 0) {
			p++;
			left--;
			continue;
		}
		if (cp == '\\' && n < left && (p[1] == 'n' || p[1] == 't' || p[1] == '\\')) {
			cp = p[1] == 'n' ? K_ENTER : p[1] == 't' ? K_TAB : '\\';
			n = 2;
		}
		if (add(hl, (struct event){ .type = EV_KEY, .key = cp }) < 0)
			return err_set(err, "out of memory");
		p += n;
		left -= n;
	}
	if (add(hl, (struct event){ .type = EV_KEY, .key = K_PASTE_END }) < 0)
		return err_set(err, "out of memory");
	return 0;
}

static int add_signal(struct headless *hl, const char *arg, size_t lineno, struct simsa_err *err)
{
	/* clang-format off */
	static const struct {
		const char *name;
		int sig;
	} sigs[] = { { "HUP", SIGHUP }, { "TERM", SIGTERM }, { "INT", SIGINT }, { "KILL", SIGKILL } };
	/* clang-format on */

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (strcmp(arg, sigs[i].name) == 0) {
			if (add(hl, (struct event){ .type = EV_SIGNAL, .sig = sigs[i].sig }) < 0)
				return err_set(err, "out of memory");
			return 0;
		}
	return err_set(err, "script line %zu: signal HUP|TERM|INT|KILL", lineno);
}

static int add_dump(struct headless *hl, const char *arg, struct simsa_err *err)
{
	char *label = NULL;

	if (*arg) {
		label = strdup(arg);
		if (!label)
			return err_set(err, "out of memory");
	}
	if (grow_array((void **)&hl->labels, &hl->labels_cap, hl->nlabels + 1, sizeof *hl->labels) <
	    0) {
		free(label);
		return err_set(err, "out of memory");
	}
	hl->labels[hl->nlabels++] = label;
	if (add(hl, (struct event){ .type = EV_DUMP, .label = label }) < 0)
		return err_set(err, "out of memory");
	return 0;
}

static int parse_line(struct headless *hl, char *line, size_t lineno, struct simsa_err *err)
{
	char *arg = line;
	size_t before = hl->n;
	int rc;

	while (*arg && *arg != ' ')
		arg++;
	if (*arg)
		*arg++ = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	if (strcmp(line, "keys") == 0) {
		rc = add_keys(hl, arg, lineno, err);
	} else if (strcmp(line, "type") == 0) {
		rc = add_text(hl, arg, lineno, err);
	} else if (strcmp(line, "paste") == 0) {
		rc = add_paste(hl, arg, err);
	} else if (strcmp(line, "resize") == 0) {
		struct event ev = { .type = EV_RESIZE };

		if (parse_size(arg, &ev.w, &ev.h) < 0)
			return err_set(err, "script line %zu: resize WxH", lineno);
		rc = add(hl, ev) < 0 ? err_set(err, "out of memory") : 0;
	} else if (strcmp(line, "dump") == 0) {
		rc = add_dump(hl, arg, err);
	} else if (strcmp(line, "signal") == 0) {
		rc = add_signal(hl, arg, lineno, err);
	} else {
		return err_set(err, "script line %zu: unknown command '%s'", lineno, line);
	}
	if (rc == 0 && hl->n > before)
		hl->ev[hl->n - 1].last = true;
	return rc;
}

int headless_open(const char *script_path, const char *dump_path, struct headless **out,
		  struct simsa_err *err)
{
	struct headless *hl = calloc(1, sizeof *hl);
	char *text = NULL, *line;
	size_t len = 0, lineno = 0;

	if (!hl)
		return err_set(err, "out of memory");
	if (read_file(script_path, 1u << 24, &text, &len, err) < 0)
		goto fail;
	line = text;
	while (line && *line) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (nl && nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		lineno++;
		if (parse_line(hl, line, lineno, err) < 0) {
			err_prefix(err, "%s", script_path);
			goto fail;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	text = NULL;
	if (dump_path && *dump_path) {
		hl->dump = fopen(dump_path, "a");
		if (!hl->dump) {
			err_set(err, "%s: cannot open for writing", dump_path);
			goto fail;
		}
		hl->own_dump = true;
	} else {
		hl->dump = stdout;
	}
	*out = hl;
	return 0;
fail:
	free(text);
	headless_free(&hl);
	return -1;
}

void headless_free(struct headless **p)
{
	struct headless *hl = *p;

	if (!hl)
		return;
	if (hl->own_dump && hl->dump)
		fclose(hl->dump);
	for (size_t i = 0; i < hl->nlabels; i++)
		free(hl->labels[i]);
	free(hl->labels);
	free(hl->ev);
	free(hl);
	*p = NULL;
}

static int hl_next(struct console *c, struct event *ev)
{
	struct headless *hl = c->fe_data;

	if (hl->next >= hl->n) {
		*ev = (struct event){ .type = EV_END, .last = true };
		return 0;
	}
	*ev = hl->ev[hl->next++];
	return 0;
}

static bool hl_pending(struct console *c)
{
	struct headless *hl = c->fe_data;

	return hl->next > 0 && hl->next < hl->n && !hl->ev[hl->next - 1].last;
}

static void hl_present(struct console *c)
{
	(void)c;
}
static void hl_flush(struct console *c)
{
	(void)c;
}

/* The screen as text, then its meaning: the view up (or "too-small"), the
 * size, and what the program says of its state (struct program). */
static int hl_dump(struct console *c, const char *label)
{
	struct headless *hl = c->fe_data;
	FILE *f = hl->dump;
	size_t cap = (size_t)c->w * 64 + 1;
	char *row = malloc(cap);
	int unsafe = 0;

	if (!row)
		return -1;
	fprintf(f, "--- screen %dx%d%s%s\n", c->w, c->h, label ? " " : "", label ? label : "");
	for (int y = 0; y < c->h; y++) {
		canvas_row(&c->cv, y, row, cap);
		unsafe += canvas_row_unsafe(&c->cv, y);
		fprintf(f, "%s\n", row);
	}
	fprintf(f, "--- state\n");
	fprintf(f, "screen=%s\n", c->too_small && !c->view->small_ok ? "too-small" : c->view->name);
	fprintf(f, "size=%dx%d\n", c->w, c->h);
	c->prog->dump_state(c, f);
	fprintf(f, "unsafe_rows=%d\n--- end\n", unsafe);
	fflush(f);
	free(row);
	return ferror(f) ? -1 : 0;
}

const struct frontend headless_frontend = { hl_next, hl_pending, hl_present, hl_flush, hl_dump };
