/* passphrase — gets the passphrase that unlocks a key file, from a file for
 * scripts or from the terminal without echo, into locked memory.
 *
 * Sources, first that applies:
 *   1. file_opt (from --passphrase-file), when not NULL;
 *   2. the file named by the environment variable SIMSA_PASSPHRASE_FILE,
 *      when set and not empty;
 *   3. the terminal (/dev/tty, whatever stdin and stdout are): the prompt is
 *      written there and the answer read with echo off; with confirm the
 *      passphrase is asked twice and a mismatch refused.
 * A file gives its first line: a UTF-8 byte order mark and the line end
 * ("\n" or "\r\n") are dropped, other spaces are part of the passphrase. A
 * passphrase file that other users could read or write (mode & 077) is
 * refused. A passphrase that is valid UTF-8 is put in Unicode NFC, so the
 * same Hangul typed or saved in composed or decomposed form is the same
 * passphrase; other bytes are used as they are.
 *
 * The terminal is always restored. A signal that would end or stop the
 * program (INT, HUP, QUIT, TERM, TSTP, TTIN, TTOU) while the prompt waits
 * restores echo first and is then delivered as usual; after a stop the
 * prompt starts again. Nothing else is printed. */
#ifndef SIMSA_PASSPHRASE_H
#define SIMSA_PASSPHRASE_H

#include <stdbool.h>
#include <stddef.h>

#include "simsa/err.h"

#define PASSPHRASE_MAX 4096 /* bytes, as read */

/* Gets a passphrase (see above) into *out: sodium_malloc memory,
 * NUL-terminated, *len bytes without the NUL; free with passphrase_free.
 * An empty, over-long or NUL-containing passphrase is refused; so is
 * running without a terminal when no file is given. */
int passphrase_get(const char *prompt, const char *file_opt, bool confirm, char **out, size_t *len,
		   struct simsa_err *err) __attribute__((warn_unused_result));

/* Wipes and frees *p (len as returned; the whole allocation is wiped
 * regardless) and sets it to NULL. */
void passphrase_free(char **p, size_t len);

#endif
