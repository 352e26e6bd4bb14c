/* round — making a round file and enrolling raters in it: what `simsa
 * init` and `simsa rater add` (and the demo) do once their arguments are
 * read. Both are all or nothing: on failure nothing was created or changed
 * and err says why. The rubric files are docs/rubrics.md, the enrolment
 * statement docs/opening.md. */
#ifndef SIMSA_ROUND_H
#define SIMSA_ROUND_H

#include "simsa/err.h"
#include "simsa/keyfile.h"
#include "simsa/store.h"

/* Creates a round at path (which must not exist) titled title (1 to 200
 * bytes of UTF-8 without control characters) with the given rubric files
 * (paths, or "builtin:NAME" for a built-in asset; at most one expert and
 * one user rubric), or the built-in defaults when n_rubrics is 0, and the
 * organizer's public key. The round is built under a temporary name and
 * linked into place only when complete, so no one sees a half-made round;
 * the strings stay the caller's. */
int round_init(const char *path, const char *title, char **rubric_paths, int n_rubrics,
	       const unsigned char organizer_pk[32], struct simsa_err *err)
	__attribute__((warn_unused_result));

/* 0 when a rater may be enrolled under name: no rater has that name or one
 * that reads the same under identity screening's rule (leak_confusable():
 * "alice", "ALICE", "aIice" and "a1ice" read the same), and it does not read
 * as "organizer". Else -1, err naming both names (sanitized). */
int rater_name_check(struct store *st, const char *name, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Enrols a rater with the given public key in a draft or open round, in one
 * transaction of its own: the enrolment statement signed with organizer
 * (which must be the round's organizer key), and once the round is open
 * the late rater's tasks (late.h). name and categories (a JSON array of
 * strings, or NULL) are stored as given: the caller checks their form. A
 * closed round, or a name rater_name_check() refuses, is refused. */
int rater_enrol(struct store *st, const struct secret_key *organizer, const char *name,
		enum rater_role role, const unsigned char pk[32], const char *categories,
		struct simsa_err *err) __attribute__((warn_unused_result));
/* rater_enrol, and in the same transaction the rater's station key
 * (ssh_key: "TYPE BASE64" from sshkey_read, or NULL for none): a key that
 * is another rater's already refuses the whole enrolment. */
int rater_enrol_ssh(struct store *st, const struct secret_key *organizer, const char *name,
		    enum rater_role role, const unsigned char pk[32], const char *categories,
		    const char *ssh_key, struct simsa_err *err) __attribute__((warn_unused_result));

#endif
