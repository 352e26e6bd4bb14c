/* instructions — what raters are told before their first task: one
 * markdown file per language that a rubric names (instructions_ko,
 * instructions_en; docs/rubrics.md, "Instructions"). simsa init reads them
 * into the round file and the manifest commits them at open, so an auditor
 * sees exactly the words raters saw. */
#ifndef SIMSA_INSTRUCTIONS_H
#define SIMSA_INSTRUCTIONS_H

#include <stddef.h>

#include "simsa/err.h"

#define INSTRUCTIONS_MAX_BYTES (64u << 10)

/* Checks an instructions text: not blank, at most INSTRUCTIONS_MAX_BYTES,
 * valid UTF-8, no NUL, no control character but tab and line ends (LF,
 * CR LF), no C1 control and no bidirectional override or isolate (which
 * would show raters another order than the auditor reads). source names it
 * in messages: "SOURCE:LINE: ...". */
int instructions_check(const char *source, const char *text, size_t len, struct simsa_err *err);

/* Reads the file a rubric names: name (a relative path ending in ".md",
 * no "." or ".." part) resolved beside the rubric (the rubric's own
 * folder; for "builtin:rubrics/X.rubric", the built-in "rubrics/NAME"),
 * one part at a time and never through a symbolic link, then checked. *text is
 * malloc'd and NUL-terminated. */
int instructions_load(const char *rubric_source, const char *name, char **text, size_t *len,
		      struct simsa_err *err) __attribute__((warn_unused_result));

#endif
