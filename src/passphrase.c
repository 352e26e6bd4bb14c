/* passphrase — reading a passphrase from a file or from the terminal with
 * echo off, and restoring the terminal on every path (see
 * include/simsa/passphrase.h). Passphrase bytes only ever sit in
 * sodium_malloc memory, which is wiped when freed. */
#include "simsa/passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>
#include <utf8proc.h>

#define ENV_FILE "SIMSA_PASSPHRASE_FILE"
#define NO_TTY "no terminal to ask for the passphrase; use --passphrase-file or " ENV_FILE
/* room for a byte order mark, the passphrase and "\r\n" */
#define FILE_CAP (3 + PASSPHRASE_MAX + 2)

/* Signals that would end or stop the program while echo is off. */
static const int watched[] = { SIGINT, SIGHUP, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
#define N_WATCHED (sizeof watched / sizeof watched[0])
static volatile sig_atomic_t caught[N_WATCHED];

static void on_signal(int sig)
{
	for (size_t i = 0; i < N_WATCHED; i++)
		if (watched[i] == sig)
			caught[i] = 1;
}

static bool any_caught(void)
{
	for (size_t i = 0; i < N_WATCHED; i++)
		if (caught[i])
			return true;
	return false;
}

/* A copy of the line in Unicode NFC when it is valid UTF-8, else as is,
 * built in sodium memory (utf8proc works in the buffer it is given). */
static int normalize(const unsigned char *s, size_t n, char **out, size_t *len)
{
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
	utf8proc_ssize_t cps = utf8proc_decompose(s, (utf8proc_ssize_t)n, NULL, 0, opt);
	utf8proc_int32_t *cp = NULL;
	char *copy;

	if (cps >= 0) {
		cp = sodium_malloc((size_t)cps * sizeof *cp + 1);
		if (!cp)
			return -1;
		cps = utf8proc_decompose(s, (utf8proc_ssize_t)n, cp, cps, opt);
		if (cps >= 0)
			cps = utf8proc_reencode(cp, cps, opt);
		if (cps >= 0) {
			s = (const unsigned char *)cp;
			n = (size_t)cps;
		}
	}
	copy = sodium_malloc(n + 1);
	if (copy) {
		memcpy(copy, s, n);
		copy[n] = '\0';
		*out = copy;
		*len = n;
	}
	sodium_free(cp);
	return copy ? 0 : -1;
}

/* The checks every passphrase passes, then the normalized copy. */
static int finish(const unsigned char *s, size_t n, const char *src, char **out, size_t *len,
		  struct simsa_err *err)
{
	if (n == 0)
		return err_set(err, "%sempty passphrase", src);
	if (n > PASSPHRASE_MAX)
		return err_set(err, "%spassphrase longer than %d bytes", src, PASSPHRASE_MAX);
	if (memchr(s, '\0', n))
		return err_set(err, "%spassphrase contains a NUL byte", src);
	if (normalize(s, n, out, len) < 0)
		return err_set(err, "out of memory");
	return 0;
}

static int from_file(const char *path, const char *via, char **out, size_t *len,
		     struct simsa_err *err)
{
	unsigned char *buf = NULL, *line, *nl = NULL;
	size_t n = 0, ln;
	struct stat st;
	char src[600];
	int fd, rc = -1;

	snprintf(src, sizeof src, "%s%s: ", path, via);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, "%scannot open passphrase file: %s", src, strerror(errno));
	if (fstat(fd, &st) < 0) {
		err_set(err, "%scannot stat: %s", src, strerror(errno));
		goto out;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 077)) {
		err_set(err,
			"%spassphrase file is open to other users (mode %04o); "
			"make it private with chmod 600",
			src, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	buf = sodium_malloc(FILE_CAP);
	if (!buf) {
		err_set(err, "out of memory");
		goto out;
	}
	/* Stop at the first line end, so a pipe need not be closed. */
	while (n < FILE_CAP && !nl) {
		ssize_t got = read(fd, buf + n, FILE_CAP - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err_set(err, "%sread error: %s", src, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		nl = memchr(buf + n, '\n', (size_t)got);
		n += (size_t)got;
	}
	if (!nl && n == FILE_CAP) {
		err_set(err, "%spassphrase longer than %d bytes", src, PASSPHRASE_MAX);
		goto out;
	}
	line = buf;
	ln = nl ? (size_t)(nl - buf) : n;
	if (ln >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
		line += 3;
		ln -= 3;
	}
	if (ln > 0 && line[ln - 1] == '\r')
		ln--;
	rc = finish(line, ln, src, out, len, err);
out:
	sodium_free(buf);
	close(fd);
	return rc;
}

/* Reads one line from the terminal. Signals are blocked except inside
 * pselect, so one cannot slip in between the check and the wait. Returns 1
 * when a watched signal arrived. */
static int read_line(int fd, const sigset_t *wait_mask, unsigned char *buf, size_t *n,
		     struct simsa_err *err)
{
	size_t len = 0;
	bool too_long = false;

	for (;;) {
		unsigned char c;
		fd_set rd;
		ssize_t got;

		FD_ZERO(&rd);
		FD_SET(fd, &rd);
		if (pselect(fd + 1, &rd, NULL, NULL, NULL, wait_mask) < 0) {
			if (errno != EINTR)
				return err_set(err, "cannot wait for the terminal: %s",
					       strerror(errno));
			if (any_caught())
				return 1;
			continue;
		}
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return err_set(err, "cannot read from the terminal: %s", strerror(errno));
		if (got == 0 || c == '\n')
			break;
		if (len < PASSPHRASE_MAX)
			buf[len++] = c;
		else
			too_long = true;
	}
	if (too_long)
		return err_set(err, "passphrase longer than %d bytes", PASSPHRASE_MAX);
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	*n = len;
	return 0;
}

static void put(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* One attempt at the terminal: asks (twice with confirm) with echo off and
 * puts everything back. *stopped is set when a stop signal interrupted. */
static int ask_once(int fd, const char *prompt, bool confirm, char **out, size_t *len,
		    bool *stopped, struct simsa_err *err)
{
	struct sigaction sa, old[N_WATCHED];
	struct termios saved, quiet;
	sigset_t block, oldmask;
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	bool interrupted = false, stop = false;
	int r = -1, rc = -1;

	*stopped = false;
	if (tcgetattr(fd, &saved) < 0)
		return err_set(err, NO_TTY);
	a = sodium_malloc(PASSPHRASE_MAX);
	b = sodium_malloc(PASSPHRASE_MAX);
	if (!a || !b) {
		sodium_free(a);
		sodium_free(b);
		return err_set(err, "out of memory");
	}
	sigemptyset(&block);
	for (size_t i = 0; i < N_WATCHED; i++) {
		sigaddset(&block, watched[i]);
		caught[i] = 0;
	}
	sigprocmask(SIG_BLOCK, &block, &oldmask);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: pselect must return */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_WATCHED; i++) {
		sigaction(watched[i], &sa, &old[i]);
		if (old[i].sa_handler == SIG_IGN) /* ignored stays ignored */
			sigaction(watched[i], &old[i], NULL);
	}

	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON | ISIG;
	quiet.c_iflag |= ICRNL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		err_set(err, "cannot turn off echo: %s", strerror(errno));
		goto restore;
	}
	put(fd, prompt);
	r = read_line(fd, &oldmask, a, &alen, err);
	put(fd, "\n");
	if (r == 0 && confirm) {
		put(fd, "Repeat the passphrase: ");
		r = read_line(fd, &oldmask, b, &blen, err);
		put(fd, "\n");
	}
	if (r == 0)
		rc = 0;
restore:
	tcsetattr(fd, TCSAFLUSH, &saved);
	for (size_t i = 0; i < N_WATCHED; i++)
		sigaction(watched[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	/* Deliver what was caught now that the terminal is sane: the program
	 * ends or stops as it would have, or its own handler runs. */
	for (size_t i = 0; i < N_WATCHED; i++) {
		if (!caught[i])
			continue;
		kill(getpid(), watched[i]);
		if (watched[i] == SIGTSTP || watched[i] == SIGTTIN || watched[i] == SIGTTOU)
			stop = true;
		else
			interrupted = true;
	}
	if (interrupted) {
		rc = err_set(err, "passphrase entry interrupted");
	} else if (stop) { /* continued after a stop: ask again */
		*stopped = true;
		rc = 0;
	} else if (rc == 0 && confirm && (alen != blen || sodium_memcmp(a, b, alen) != 0)) {
		rc = err_set(err, "the passphrases do not match");
	} else if (rc == 0) {
		rc = finish(a, alen, "", out, len, err);
	}
	sodium_free(a);
	sodium_free(b);
	return rc;
}

static int from_tty(const char *prompt, bool confirm, char **out, size_t *len,
		    struct simsa_err *err)
{
	bool stopped;
	int fd, rc;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, NO_TTY);
	if (fd >= FD_SETSIZE || !isatty(fd)) {
		close(fd);
		return err_set(err, NO_TTY);
	}
	do
		rc = ask_once(fd, prompt ? prompt : "Passphrase: ", confirm, out, len, &stopped,
			      err);
	while (rc == 0 && stopped);
	close(fd);
	return rc;
}

int passphrase_get(const char *prompt, const char *file_opt, bool confirm, char **out, size_t *len,
		   struct simsa_err *err)
{
	const char *env = getenv(ENV_FILE);

	if (sodium_init() < 0)
		return err_set(err, "cannot initialise libsodium");
	if (file_opt)
		return from_file(file_opt, "", out, len, err);
	if (env && *env)
		return from_file(env, " (" ENV_FILE ")", out, len, err);
	return from_tty(prompt, confirm, out, len, err);
}

void passphrase_free(char **p, size_t len)
{
	(void)len;
	if (!p || !*p)
		return;
	sodium_free(*p);
	*p = NULL;
}
