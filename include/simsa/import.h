/* import — loading entrants, prompts and outputs from JSON Lines files into
 * a draft round. Formats: docs/input-formats.md.
 *
 * Each import is all-or-nothing: the whole file is read and checked inside
 * one transaction, and the first problem rolls everything back and is
 * reported as "FILE:LINE: field 'NAME': what is wrong". Output texts are
 * stored exactly as given, with their BLAKE2b-256 hash. */
#ifndef SIMSA_IMPORT_H
#define SIMSA_IMPORT_H

#include "simsa/err.h"
#include "simsa/store.h"
#include "simsa/util.h"

/* The longest practice note (bytes): about one screen. */
#define PRACTICE_NOTE_MAX 1000

enum import_kind { IMPORT_ENTRANTS, IMPORT_PROMPTS, IMPORT_OUTPUTS, IMPORT_GOLD, IMPORT_PRACTICE };

struct import_result {
	long records;
	unsigned char file_hash[HASH_LEN];
};

int import_file(struct store *st, enum import_kind kind, const char *path,
		struct import_result *res, struct simsa_err *err)
	__attribute__((warn_unused_result));

const char *import_kind_name(enum import_kind kind);

#endif
