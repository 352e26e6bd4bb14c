/* instructions — reading and checking the instructions files a rubric
 * names (see include/simsa/instructions.h). */
#include "simsa/instructions.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simsa/assets.h"
#include "simsa/util.h"

/* The code point at s (valid UTF-8 of n >= 1 bytes), and its length. */
static uint32_t cp_at(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80 || n < 2) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0) {
		*len = 3;
		return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*len = 4;
	return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	       (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

int instructions_check(const char *source, const char *text, size_t len, struct simsa_err *err)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t bad, line = 1;
	bool blank = true;

	if (len > INSTRUCTIONS_MAX_BYTES)
		return err_set(err, "%s: longer than %u bytes", source, INSTRUCTIONS_MAX_BYTES);
	if (!utf8_valid(text, len, &bad)) {
		for (size_t i = 0; i < bad; i++)
			line += text[i] == '\n';
		return err_set(err, "%s:%zu: not valid UTF-8 (byte %zu of the file)", source, line,
			       bad + 1);
	}
	for (size_t i = 0, k; i < len; i += k) {
		uint32_t c = cp_at(s + i, len - i, &k);
		const char *what = NULL;

		if (c == '\n') {
			line++;
			continue;
		}
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (c == 0)
			what = "a NUL byte";
		else if ((c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0))
			what = "a control character";
		else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
			 c == 0x200e || c == 0x200f || c == 0x061c)
			what = "a bidirectional control";
		if (what)
			return err_set(err, "%s:%zu: %s (U+%04X); instructions are plain text",
				       source, line, what, (unsigned)c);
		if (c != ' ' && c != '\t' && c != '\r')
			blank = false;
	}
	if (blank)
		return err_set(err, "%s: empty: raters would be told nothing", source);
	return 0;
}

/* A name a rubric may give: a file in the rubric's folder or below it,
 * ending in ".md": not absolute, no ".." part, no empty part. A rubric
 * handed over by someone else could otherwise have init copy any text file
 * the organizer can read (a private key is plain text) into the round and
 * the bundle that is published. */
static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	const char *p = name;

	if (n < 4 || strcmp(name + n - 3, ".md") != 0 || name[0] == '/')
		return false;
	while (*p) {
		size_t k = strcspn(p, "/");

		if (k == 0 || (k == 2 && p[0] == '.' && p[1] == '.') || (k == 1 && p[0] == '.'))
			return false;
		p += k;
		if (*p == '/')
			p++;
	}
	return name[n - 1] != '/';
}

/* Reads name below the rubric's folder (slash: the rubric path's last
 * '/', or NULL for the working folder), one part at a time from that
 * folder and never through a symbolic link: a folder or file that is one
 * is refused, so nothing outside the folder can be reached. path names it
 * in messages. */
static int read_beside(const char *rubric_source, const char *slash, const char *name,
		       const char *path, char **text, size_t *len, struct simsa_err *err)
{
	char dir[4096], part[4096];
	const char *p = name;
	struct stat sb;
	FILE *f;
	int fd, next, rc;

	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - rubric_source + 1) : 1,
		 slash ? rubric_source : ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, "%s: cannot open: %s", dir, strerror(errno));
	for (;;) {
		size_t k = strcspn(p, "/");
		bool last = p[k] == '\0';

		snprintf(part, sizeof part, "%.*s", (int)k, p);
		next = openat(fd, part,
			      (last ? O_RDONLY | O_NONBLOCK : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW |
				      O_CLOEXEC);
		if (next < 0) {
			int e = errno;

			close(fd);
			if (e == ELOOP || (e == ENOTDIR && !last))
				return err_set(err,
					       "%s: instructions: %s is a symbolic link or not "
					       "a folder: only files below the rubric's folder "
					       "are read",
					       path, part);
			return err_set(err, "%s: cannot open: %s", path, strerror(e));
		}
		close(fd);
		fd = next;
		if (last)
			break;
		p += k + 1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(err, "%s: instructions: not a regular file", path);
	}
	f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return err_set(err, "out of memory");
	}
	rc = read_stream(f, path, INSTRUCTIONS_MAX_BYTES, text, len, err);
	fclose(f);
	return rc;
}

int instructions_load(const char *rubric_source, const char *name, char **text, size_t *len,
		      struct simsa_err *err)
{
	const char *slash;
	char path[4096];
	int n;

	*text = NULL;
	*len = 0;
	if (!name_ok(name))
		return err_set(err,
			       "%s: instructions: \"%s\" is not a file name beside the rubric: a "
			       "relative path ending in .md, without \"..\" (docs/rubrics.md)",
			       rubric_source, name);
	if (strncmp(rubric_source, "builtin:", 8) == 0) {
		const struct asset *a;

		slash = strrchr(rubric_source + 8, '/');
		n = snprintf(path, sizeof path, "%.*s%s",
			     slash ? (int)(slash + 1 - (rubric_source + 8)) : 0, rubric_source + 8,
			     name);
		a = (n > 0 && (size_t)n < sizeof path) ? asset_find(path) : NULL;
		if (!a)
			return err_set(err, "%s: instructions: no built-in file %s", rubric_source,
				       name);
		*text = malloc(a->len + 1);
		if (!*text)
			return err_set(err, "out of memory");
		memcpy(*text, a->data, a->len + 1);
		*len = a->len;
	} else {
		slash = strrchr(rubric_source, '/');
		if (!slash)
			n = snprintf(path, sizeof path, "%s", name);
		else
			n = snprintf(path, sizeof path, "%.*s%s", (int)(slash + 1 - rubric_source),
				     rubric_source, name);
		if (n < 0 || (size_t)n >= sizeof path)
			return err_set(err, "%s: instructions: the path is too long",
				       rubric_source);
		if (read_beside(rubric_source, slash, name, path, text, len, err) < 0)
			return -1;
	}
	if (instructions_check(path, *text, *len, err) < 0) {
		free(*text);
		*text = NULL;
		*len = 0;
		return -1;
	}
	return 0;
}
