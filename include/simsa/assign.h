/* assign — who rates what, in which order: a pure function of the round's
 * seed and manifest.
 *
 * Users get pairwise tasks (one prompt, two entrants' outputs): every
 * (prompt, unordered pair) slot goes to k distinct users, every pair is
 * compared equally often, left/right alternates per pair, and no user sees
 * a prompt twice. Experts get side-by-side tasks so that every output is
 * scored by at least m distinct experts, positions balanced per entrant,
 * within the categories an expert may rate. Each rater's list is then
 * shuffled by a stream of their own, and the organizer's gold items are
 * inserted. Raters flagged late (enrolled after open) get tasks from a stream
 * keyed by their public key alone, so adding them changes nobody else's.
 *
 * All randomness comes from drbg streams (include/simsa/drbg.h). The input
 * is plain values, the output plain arrays; nothing here touches the round
 * file. docs/assignment.md is the exact specification an auditor can
 * reimplement; any change to the output for a given input is a new version
 * of that document. */
#ifndef SIMSA_ASSIGN_H
#define SIMSA_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsa/drbg.h"
#include "simsa/err.h"

#define ASSIGN_MAX_ENTRANTS 64
#define ASSIGN_MAX_PROMPTS (1u << 24)
#define ASSIGN_MAX_RATERS (1u << 20)
#define ASSIGN_MAX_REPLICAS 1024     /* k and m */
#define ASSIGN_MAX_TASKS (1u << 28)  /* whole result */
#define ASSIGN_NO_GOLD 0xFFFFFFFFu   /* assign_task.gold of a non-gold task */
#define ASSIGN_REPLICA_EXTRA 0xFFFFu /* assign_task.replica of a late rater */
#define ASSIGN_TASK_BYTES 24         /* one task in the canonical encoding */
#define ASSIGN_PUBKEY_LEN 32

enum assign_role {
	ASSIGN_AUDITOR = 0, /* gets no tasks */
	ASSIGN_USER = 1,
	ASSIGN_EXPERT = 2,
};

enum assign_kind {
	ASSIGN_NORMAL = 0,
	ASSIGN_GOLD_REPEAT = 1, /* one of the rater's own tasks again, sides swapped */
	ASSIGN_GOLD_KNOWN = 2,  /* the organizer's pair with a known better answer */
};

struct assign_rater {
	enum assign_role role;
	/* Enrolled after open. Late raters must come after every other rater
	 * in assign_input.raters, so earlier raters keep their indices. */
	bool late;
	/* Experts only: the prompt categories this expert may rate (indices
	 * as in assign_input.prompt_category); n_categories 0 means all. */
	const uint32_t *categories;
	size_t n_categories;
	/* Keys a late rater's stream; unused for others. */
	unsigned char public_key[ASSIGN_PUBKEY_LEN];
};

/* A control task committed in the manifest. Every rater of `role` gets each
 * gold item of that role once (a REPEAT only if they have a task to repeat);
 * the expected answer of a KNOWN pair stays in the manifest, tasks point at
 * it by gold index. */
struct assign_gold {
	enum assign_kind kind;        /* ASSIGN_GOLD_REPEAT or ASSIGN_GOLD_KNOWN */
	enum assign_role role;        /* ASSIGN_USER or ASSIGN_EXPERT */
	uint32_t prompt, left, right; /* GOLD_KNOWN only: as the manifest states them */
};

/* Everything here except the seed must be covered by manifest_hash (the
 * caller's commitment to the frozen inputs, gold list included). */
struct assign_input {
	unsigned char seed[DRBG_SEED_LEN];          /* secret until close */
	unsigned char manifest_hash[DRBG_HASH_LEN]; /* of the frozen inputs */
	uint32_t n_entrants;                        /* 2..ASSIGN_MAX_ENTRANTS */
	uint32_t n_prompts;
	const uint32_t *prompt_category; /* n_prompts entries, or NULL: all 0 */
	uint32_t n_raters;
	const struct assign_rater *raters;
	uint32_t user_raters_per_slot;      /* k, from the user rubric; 0: no users */
	uint32_t expert_ratings_per_output; /* m, from the expert rubric; 0: no experts */
	uint32_t n_gold;
	const struct assign_gold *gold;
	/* Normal tasks per late rater; 0 means the regular average for their
	 * role (rounded up). Capped by the prompts they may see. */
	uint32_t late_tasks;
	/* For messages only (never part of the assignment): each prompt's id
	 * (n_prompts entries) and each category's name, or NULL: numbers. */
	const char *const *prompt_names;
	const char *const *category_names;
};

struct assign_task {
	uint32_t rater;    /* index into assign_input.raters */
	uint32_t position; /* 0-based place in that rater's list */
	uint32_t prompt;
	uint16_t left;    /* entrant shown as A */
	uint16_t right;   /* entrant shown as B */
	uint16_t kind;    /* enum assign_kind */
	uint16_t replica; /* which of the slot's k (users) or m (experts) */
	uint32_t gold;    /* index into assign_input.gold, or ASSIGN_NO_GOLD */
};

/* Tasks sorted by (rater, position); rater r's are
 * tasks[first[r]] .. tasks[first[r + 1] - 1]. */
struct assign_result {
	struct assign_task *tasks;
	size_t n_tasks;
	size_t *first; /* n_raters + 1 entries */
	uint32_t n_raters;
};

/* Users needed for k raters per slot: E(E-1)/2 pairs × k. */
uint64_t assign_users_needed(uint32_t n_entrants, uint32_t k);

/* Checks the input without assigning: sizes, indices, late raters last,
 * enough users for the slots, at least m eligible experts for every prompt.
 * The message says what to change. */
int assign_check(const struct assign_input *in, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Assigns. On success *out owns the tasks (release with
 * assign_result_release); on failure *out is empty. Refuses what
 * assign_check() refuses; otherwise fails only for want of memory. */
int assign_run(const struct assign_input *in, struct assign_result *out, struct simsa_err *err)
	__attribute__((warn_unused_result));

/* Frees the arrays and zeroes *r. Accepts a zeroed result. */
void assign_result_release(struct assign_result *r);

/* The canonical bytes of one task: rater, position, prompt (u32), left,
 * right, kind, replica (u16), gold (u32), all little-endian. */
void assign_task_encode(const struct assign_task *t, unsigned char out[ASSIGN_TASK_BYTES]);

/* The canonical bytes of tasks[first .. first+n-1] (n × ASSIGN_TASK_BYTES)
 * in a new buffer *out (caller frees). Pass first 0, n r->n_tasks for all,
 * or a rater's range from r->first. */
int assign_encode(const struct assign_result *r, size_t first, size_t n, unsigned char **out,
		  size_t *len, struct simsa_err *err) __attribute__((warn_unused_result));

/* BLAKE2b-256 (unkeyed) of the canonical bytes of the whole list. */
void assign_hash(const struct assign_result *r, unsigned char out[DRBG_HASH_LEN]);

/* The stored name of a task kind (enum assign_kind): "normal",
 * "gold_repeat" or "gold_known" (the task table's kind column). */
const char *assign_kind_name(unsigned kind);

#endif
