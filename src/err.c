/* err — formatting of error messages (see include/simsa/err.h). */
#include "simsa/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct simsa_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct simsa_err *err, const char *fmt, ...)
{
	char head[512];
	size_t h, cap = sizeof err->msg;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	h = strlen(head);
	memmove(err->msg + h + 2, err->msg, cap - h - 2);
	memcpy(err->msg, head, h);
	err->msg[h] = ':';
	err->msg[h + 1] = ' ';
	err->msg[cap - 1] = '\0';
	return -1;
}
