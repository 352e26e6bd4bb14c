/* receipt_file — the file of receipts a rater keeps: the console appends a
 * line for every ballot it casts, and `simsa receipt ROUND --file FILE`
 * checks them all at once (docs/ballot-format.md, "The receipts file").
 *
 * One line per ballot: round id, task number (from 1), cast time (UTC) and
 * receipt code, separated by blanks; lines starting with `#` are comments.
 * The file is created mode 0600 (its folders 0700), appended to, and
 * flushed to the disk (fsync) after each line. */
#ifndef SIMSA_RECEIPT_FILE_H
#define SIMSA_RECEIPT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "simsa/err.h"

/* The default path: $XDG_DATA_HOME/simsa/receipts/ROUNDID-RATER.txt, or
 * $HOME/.local/share/simsa/receipts/ROUNDID-RATER.txt (characters of the
 * rater's name outside A-Z a-z 0-9 . _ - are written _). */
int receipt_file_default(const char *round_id, const char *rater, char *out, size_t cap,
			 struct simsa_err *err) __attribute__((warn_unused_result));

/* Opens path for appending (creating it 0600, and its missing folders
 * 0700); a new or empty file gets a header naming the rater and the round.
 * Refused: a symbolic link, anything but a regular file, a file of
 * another account or one that group or others can write. *fd is the open
 * descriptor. */
int receipt_file_open(const char *path, const char *round_id, const char *rater, int *fd,
		      struct simsa_err *err) __attribute__((warn_unused_result));

/* Appends one receipt line to fd and flushes it to the disk. */
int receipt_file_append(int fd, const char *round_id, uint32_t task, const char *cast_at,
			const char *code, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* A receipt line as read back: the code is the line's last field; a line of
 * four fields also names the round, the task and the time. */
struct receipt_line {
	size_t line;       /* 1-based line number in the file */
	char round_id[33]; /* "" when the line gives only a code */
	char task[16];     /* as written, "" when not given */
	char cast_at[32];  /* as written, "" when not given */
	char code[64];     /* as written (possibly mistyped) */
};

/* Reads every receipt line of path (comments and blank lines skipped; at
 * most 1 MiB) into *lines (caller frees). A line of another shape, or a
 * field too long, is refused naming its line. */
int receipt_file_read(const char *path, struct receipt_line **lines, size_t *n,
		      struct simsa_err *err) __attribute__((warn_unused_result));

#endif
