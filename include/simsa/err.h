/* err — the one way simsa reports failure.
 *
 * Functions return 0 on success and -1 on failure, and on failure fill a
 * caller-owned struct simsa_err with a message that names what is at fault
 * (file, line, field). Only main() prints it and decides to exit. */
#ifndef SIMSA_ERR_H
#define SIMSA_ERR_H

#include <stddef.h>

struct simsa_err {
	char msg[1024];
};

/* Sets the message (printf-style) and returns -1, so callers can write
 * `return err_set(err, "cannot open '%s'", path);`. err may be NULL. */
int err_set(struct simsa_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Puts "prefix: " in front of the message already held. Returns -1. */
int err_prefix(struct simsa_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
