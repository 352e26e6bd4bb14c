/* receipt_file — the rater's file of receipts (include/simsa/receipt_file.h). */
#include "simsa/receipt_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simsa/util.h"

#define RECEIPT_FILE_MAX (1 << 20)

/* The rater's name as a file name and a header may hold it: characters
 * outside A-Z a-z 0-9 . _ - become _. */
static void safe_name(const char *rater, char *out, size_t cap)
{
	size_t k = 0;

	for (const char *p = rater; *p && k + 1 < cap; p++)
		out[k++] = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
					   (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
					   *p == '-'
				   ? *p
				   : '_';
	out[k] = '\0';
}

int receipt_file_default(const char *round_id, const char *rater, char *out, size_t cap,
			 struct simsa_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char name[80];
	int w;

	safe_name(rater, name, sizeof name);
	/* XDG: a relative XDG_DATA_HOME is invalid and ignored */
	if (xdg && xdg[0] == '/')
		w = snprintf(out, cap, "%s/simsa/receipts/%s-%s.txt", xdg, round_id, name);
	else if (home && home[0] == '/')
		w = snprintf(out, cap, "%s/.local/share/simsa/receipts/%s-%s.txt", home, round_id,
			     name);
	else
		return err_set(err, "neither XDG_DATA_HOME nor HOME names a folder for the "
				    "receipts file; give one with --receipts FILE");
	if (w < 0 || (size_t)w >= cap)
		return err_set(err, "the receipts file's path is too long");
	return 0;
}

/* Creates the missing folders above path, 0700. */
static int make_parents(const char *path, struct simsa_err *err)
{
	char dir[4096];
	size_t n = strlen(path);

	if (n >= sizeof dir)
		return err_set(err, "%s: path too long", path);
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return err_set(err, "%s: cannot create: %s", dir, strerror(errno));
		*p = '/';
	}
	return 0;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int receipt_file_open(const char *path, const char *round_id, const char *rater, int *fd,
		      struct simsa_err *err)
{
	struct stat sb;
	char head[512], name[80];
	int n;

	*fd = -1;
	if (strlen(round_id) != 32 || strspn(round_id, "0123456789abcdef") != 32)
		return err_set(err, "the round's id is not 32 hex digits: no receipts file for it");
	if (make_parents(path, err) < 0)
		return -1;
	/* no symbolic link, FIFO or device, and only a file of this account
	 * that no one else can write: a link or file planted by another
	 * account (a shared folder, a --receipts path under /tmp) would get
	 * the rater's receipts appended to a file of someone else's, or keep
	 * them where another account can remove or add lines */
	*fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (*fd < 0)
		return err_set(err, "%s: cannot open: %s", path,
			       errno == ELOOP   ? "it is a symbolic link; give the file itself"
			       : errno == ENXIO ? "not a regular file"
						: strerror(errno));
	if (fstat(*fd, &sb) < 0) {
		err_set(err, "%s: cannot read its mode: %s", path, strerror(errno));
		goto refuse;
	}
	if (!S_ISREG(sb.st_mode)) {
		err_set(err, "%s: not a regular file", path);
		goto refuse;
	}
	if (sb.st_uid != geteuid()) {
		err_set(err, "%s: the file belongs to another account (uid %lu)", path,
			(unsigned long)sb.st_uid);
		goto refuse;
	}
	if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
		err_set(err, "%s: others can write the file (mode %04o; chmod 600 it)", path,
			(unsigned)(sb.st_mode & 07777));
		goto refuse;
	}
	if (fcntl(*fd, F_SETFL, O_APPEND) < 0) { /* O_NONBLOCK only guarded the open */
		err_set(err, "%s: %s", path, strerror(errno));
		goto refuse;
	}
	if (sb.st_size > 0)
		return 0;
	safe_name(rater, name, sizeof name);
	n = snprintf(head, sizeof head,
		     "# simsa receipts of rater %s in round %s: round, task, cast at (UTC), "
		     "receipt code\n# check them all: simsa receipt ROUND.db --file THIS-FILE\n",
		     name, round_id);
	if (n < 0 || (size_t)n >= sizeof head || write_all(*fd, head, (size_t)n) < 0) {
		err_set(err, "%s: cannot write: %s", path, strerror(errno));
		goto refuse;
	}
	return 0;
refuse:
	close(*fd);
	*fd = -1;
	return -1;
}

int receipt_file_append(int fd, const char *round_id, uint32_t task, const char *cast_at,
			const char *code, struct simsa_err *err)
{
	char line[256];
	int n = snprintf(line, sizeof line, "%s %u %s %s\n", round_id, (unsigned)task, cast_at,
			 code);

	if (n < 0 || (size_t)n >= sizeof line)
		return err_set(err, "a receipt line is too long");
	if (write_all(fd, line, (size_t)n) < 0 || fsync(fd) < 0)
		return err_set(err, "cannot write the receipt: %s", strerror(errno));
	return 0;
}

/* Copies field [s, e) into dst of cap bytes; -1 when it does not fit. */
static int take(char *dst, size_t cap, const char *s, const char *e)
{
	if ((size_t)(e - s) >= cap)
		return -1;
	memcpy(dst, s, (size_t)(e - s));
	dst[e - s] = '\0';
	return 0;
}

static int parse_line(const char *s, size_t len, struct receipt_line *r)
{
	const char *f[5], *fe[5], *p = s, *end = s + len;
	int n = 0;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p == end)
			break;
		if (n == 4)
			return -1;
		f[n] = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		fe[n++] = p;
	}
	if (n == 1)
		return take(r->code, sizeof r->code, f[0], fe[0]);
	if (n != 4)
		return -1;
	if (take(r->round_id, sizeof r->round_id, f[0], fe[0]) < 0 ||
	    take(r->task, sizeof r->task, f[1], fe[1]) < 0 ||
	    take(r->cast_at, sizeof r->cast_at, f[2], fe[2]) < 0)
		return -1;
	return take(r->code, sizeof r->code, f[3], fe[3]);
}

int receipt_file_read(const char *path, struct receipt_line **lines, size_t *n,
		      struct simsa_err *err)
{
	char *text = NULL;
	size_t len, cap = 0, at = 0, line = 0;

	*lines = NULL;
	*n = 0;
	if (read_file(path, RECEIPT_FILE_MAX, &text, &len, err) < 0)
		return -1;
	while (at < len) {
		const char *s = text + at, *nl = memchr(s, '\n', len - at);
		size_t l = nl ? (size_t)(nl - s) : len - at, k = 0;
		struct receipt_line r = { 0 };

		at += l + (nl ? 1 : 0);
		line++;
		while (k < l && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
			k++;
		if (k == l || s[k] == '#')
			continue;
		r.line = line;
		if (memchr(s, '\0', l) || parse_line(s, l, &r) < 0) {
			err_set(err,
				"%s:%zu: not a receipt line (a code, or round id, task, time "
				"and code)",
				path, line);
			goto fail;
		}
		if (grow_array((void **)lines, &cap, *n + 1, sizeof **lines) < 0) {
			err_set(err, "out of memory");
			goto fail;
		}
		(*lines)[(*n)++] = r;
	}
	free(text);
	return 0;
fail:
	free(text);
	free(*lines);
	*lines = NULL;
	*n = 0;
	return -1;
}
