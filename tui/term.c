/* term — the ncursesw front end: the canvas goes to the screen (ncurses
 * sends only what changed), keys come from get_wch, and signals only set
 * flags that the loop reads (neomutt's way): SIGWINCH re-lays out,
 * SIGHUP/SIGTERM leave with the draft saved, SIGINT asks, SIGTSTP
 * suspends and SIGCONT restores the screen. Colour is used only as an
 * extra (never the only sign of anything) and not at all under NO_COLOR
 * or on a monochrome terminal.
 *
 * Bracketed paste (xterm mode 2004) is on while the screen is ours: set in
 * term_open and after a resume, reset before every endwin (term_close,
 * suspend). Its marks ESC [ 200 ~ and ESC [ 201 ~ are taught to ncurses
 * with define_key, so its own escape parsing (and ESCDELAY) returns them
 * as single keys, K_PASTE_BEGIN and K_PASTE_END. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "console_int.h"

static SCREEN *g_screen;
static bool g_colour;
static bool g_have_ahead;
static struct event g_ahead;
static int g_paste_code[2]; /* ncurses key codes of the two marks */
static volatile sig_atomic_t g_sig_tstp, g_sig_cont;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		console_sig_winch = 1;
	else if (sig == SIGINT)
		console_sig_int = 1;
	else if (sig == SIGTSTP)
		g_sig_tstp = 1;
	else if (sig == SIGCONT)
		g_sig_cont = 1;
	else
		console_sig_quit = sig;
}

void console_signals(void)
{
	/* SIGTSTP handled here, so ncurses does not install its own (which
	 * would leave bracketed paste on for the shell) */
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGWINCH, SIGTSTP, SIGCONT };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a waiting get_wch returns */
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The terminfo string cap (BE, BD, PS, PE in ncurses' xterm entries), else
 * xterm's: terminals that do not know mode 2004 ignore it. */
static const char *cap(const char *name, const char *fallback)
{
	char *s = tigetstr(name);

	return s && s != (char *)-1 && *s ? s : fallback;
}

static void paste_mode(bool on)
{
	putp(on ? cap("BE", "\033[?2004h") : cap("BD", "\033[?2004l"));
	fflush(stdout); /* putp goes through stdio, ncurses' screen output does not */
}

/* A key code ncurses does not use yet, from `from` up. */
static int unused_code(int from)
{
	for (int k = from; k < from + 4096; k++) {
		char *s = keybound(k, 0);

		if (!s)
			return k;
		free(s);
	}
	return -1;
}

static void define_paste_keys(void)
{
	const char *seq[2] = { cap("PS", "\033[200~"), cap("PE", "\033[201~") };
	int next = KEY_MAX + 1;

	for (int i = 0; i < 2; i++) {
		int k = key_defined(seq[i]);

		if (k <= 0) {
			k = unused_code(next);
			if (k > 0 && define_key(seq[i], k) != OK)
				k = -1;
		}
		g_paste_code[i] = k;
		if (k > 0)
			next = k + 1;
	}
}

int term_open(int *w, int *h, struct simsa_err *err)
{
	const char *nc = getenv("NO_COLOR");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return err_set(err, "the console needs a terminal (for scripts and tests, see "
				    "SIMSA_CONSOLE_SCRIPT in docs/console.md)");
	g_screen = newterm(NULL, stdout, stdin);
	if (!g_screen)
		return err_set(err, "cannot start the terminal (TERM=%s)",
			       getenv("TERM") ? getenv("TERM") : "");
	set_term(g_screen);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* How long ncurses waits for the rest of an escape sequence: long
	 * enough that a paste's begin mark (ESC [ 200 ~) split by a slow link
	 * is still one key, as vim's ttimeoutlen; a lone Esc waits this long */
	set_escdelay(100);
	define_paste_keys();
	paste_mode(true);
	curs_set(0);
	g_colour = has_colors() && !(nc && *nc);
	if (g_colour && start_color() == OK) {
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
		init_pair(2, COLOR_MAGENTA, -1);
		init_pair(3, COLOR_CYAN, -1);
	} else {
		g_colour = false;
	}
	*w = COLS;
	*h = LINES;
	return 0;
}

void term_close(void)
{
	if (!g_screen)
		return;
	paste_mode(false);
	endwin();
	delscreen(g_screen);
	g_screen = NULL;
}

static attr_t to_curses(unsigned a, short *pair)
{
	attr_t r = 0;

	*pair = 0;
	if (a & AT_BOLD)
		r |= A_BOLD;
	if (a & AT_REVERSE)
		r |= A_REVERSE;
	if (a & AT_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & AT_DIM)
		r |= A_DIM;
	if (a & AT_BAR) {
		if (g_colour)
			*pair = 1;
		else
			r |= A_REVERSE;
	} else if (g_colour && (a & AT_DIM)) {
		*pair = 2;
	} else if (g_colour && (a & AT_CODE)) {
		*pair = 3;
	}
	return r;
}

static void term_present(struct console *c)
{
	const struct canvas *cv = &c->cv;

	for (int y = 0; y < cv->h && y < LINES; y++) {
		for (int x = 0; x < cv->w && x < COLS;) {
			const struct cell *cl = &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
			short pair;
			attr_t a = to_curses(cl->attr, &pair);

			if (cl->cols == 0) { /* a continuation whose lead was cut: blank */
				attr_set(a, pair, NULL);
				mvaddch(y, x, ' ');
				x++;
				continue;
			}
			attr_set(a, pair, NULL);
			if (cl->len)
				mvaddnstr(y, x, cv->arena + cl->off, cl->len);
			else
				mvaddch(y, x, ' ');
			x += cl->cols;
		}
	}
	attr_set(A_NORMAL, 0, NULL);
	if (c->cur_y >= 0 && c->cur_x >= 0 && c->cur_y < LINES && c->cur_x < COLS) {
		curs_set(1);
		move(c->cur_y, c->cur_x);
	} else {
		curs_set(0);
	}
	refresh();
}

static int map_key(int r, wint_t ch)
{
	if (r == KEY_CODE_YES) {
		if ((int)ch == g_paste_code[0])
			return K_PASTE_BEGIN;
		if ((int)ch == g_paste_code[1])
			return K_PASTE_END;
		switch (ch) {
		case KEY_UP: return K_UP;
		case KEY_DOWN: return K_DOWN;
		case KEY_LEFT: return K_LEFT;
		case KEY_RIGHT: return K_RIGHT;
		case KEY_PPAGE: return K_PGUP;
		case KEY_NPAGE: return K_PGDN;
		case KEY_HOME: return K_HOME;
		case KEY_END: return K_END;
		case KEY_BACKSPACE: return K_BS;
		case KEY_DC: return K_DEL;
		case KEY_ENTER: return K_ENTER;
		case KEY_BTAB: return K_BTAB;
		case KEY_F(1): return K_F1;
		default: return 0;
		}
	}
	switch (ch) {
	case '\r': return K_ENTER;
	/* Ctrl-J: with nonl() the terminal's Enter sends '\r', and '\n' is
	 * Ctrl-J itself (a line break in the comment editor) */
	case '\n': return '\n';
	case '\t': return K_TAB;
	case 27: return K_ESC;
	case 127:
	case 8: return K_BS;
	default: return (int)ch;
	}
}

static bool resize_event(struct event *ev)
{
	struct winsize ws;

	if (!console_sig_winch)
		return false;
	console_sig_winch = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	*ev = (struct event){ .type = EV_RESIZE, .w = COLS, .h = LINES, .last = true };
	return true;
}

/* After SIGTSTP: hand the terminal back as it was (paste mode off),
 * stop, and on SIGCONT take it again; a SIGCONT alone (after SIGSTOP)
 * only takes it again, as the shell may have changed its modes. Both end
 * in a re-layout at the size the terminal has now. */
static void suspend_resume(void)
{
	if (g_sig_tstp) {
		struct sigaction dfl, old;

		paste_mode(false);
		endwin();
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		sigemptyset(&dfl.sa_mask);
		sigaction(SIGTSTP, &dfl, &old);
		raise(SIGTSTP); /* stopped here until SIGCONT */
		sigaction(SIGTSTP, &old, NULL);
	}
	g_sig_tstp = g_sig_cont = 0;
	reset_prog_mode();
	paste_mode(true);
	clearok(curscr, TRUE);
	console_sig_winch = 1;
}

/* One read: a key, a resize, or a tick (timeout or interrupted wait). */
static void read_one(struct event *ev, int wait_ms)
{
	wint_t ch = 0;
	int r;

	if (g_sig_tstp || g_sig_cont)
		suspend_resume();
	if (resize_event(ev))
		return;
	timeout(wait_ms);
	r = get_wch(&ch);
	if (r == ERR) {
		if (g_sig_tstp || g_sig_cont)
			suspend_resume();
		if (!resize_event(ev))
			*ev = (struct event){ .type = EV_TICK, .last = true };
		return;
	}
	if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
		*ev = (struct event){ .type = EV_RESIZE, .w = COLS, .h = LINES, .last = true };
		return;
	}
	*ev = (struct event){ .type = EV_KEY, .key = map_key(r, ch) };
	if (ev->key == K_ESC) {
		/* Alt-Enter: the terminal sends ESC and CR together, so the CR
		 * is already waiting; anything else waiting goes back */
		wint_t ch2 = 0;
		int r2;

		timeout(0);
		r2 = get_wch(&ch2);
		if (r2 == OK && (ch2 == '\r' || ch2 == '\n'))
			ev->key = K_ALT_ENTER;
		else if (r2 == KEY_CODE_YES)
			ungetch((int)ch2);
		else if (r2 == OK)
			unget_wch(ch2);
	}
	if (ev->key == 0)
		ev->type = EV_TICK;
}

static int term_next(struct console *c, struct event *ev)
{
	(void)c;
	if (g_have_ahead) {
		*ev = g_ahead;
		g_have_ahead = false;
		return 0;
	}
	read_one(ev, 1000);
	return 0;
}

static bool term_pending(struct console *c)
{
	(void)c;
	if (g_have_ahead)
		return true;
	read_one(&g_ahead, 0);
	if (g_ahead.type == EV_TICK)
		return false;
	g_have_ahead = true;
	return true;
}

static void term_flush(struct console *c)
{
	(void)c;
	flushinp();
	g_have_ahead = false;
}

const struct frontend term_frontend = { term_next, term_pending, term_present, term_flush, NULL };
