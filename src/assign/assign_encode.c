/* assign_encode — a task list's release, canonical bytes and hash
 * (see include/simsa/assign.h, docs/assignment.md). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "simsa/assign.h"

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)(v & 0xffff));
	put16(p + 2, (uint16_t)(v >> 16));
}

void assign_task_encode(const struct assign_task *t, unsigned char out[ASSIGN_TASK_BYTES])
{
	put32(out, t->rater);
	put32(out + 4, t->position);
	put32(out + 8, t->prompt);
	put16(out + 12, t->left);
	put16(out + 14, t->right);
	put16(out + 16, t->kind);
	put16(out + 18, t->replica);
	put32(out + 20, t->gold);
}

int assign_encode(const struct assign_result *r, size_t first, size_t n, unsigned char **out,
		  size_t *len, struct simsa_err *err)
{
	*out = NULL;
	*len = 0;
	if (first > r->n_tasks || n > r->n_tasks - first)
		return err_set(err, "tasks %zu..%zu are outside the list of %zu", first, first + n,
			       r->n_tasks);
	*out = malloc(n * ASSIGN_TASK_BYTES + 1);
	if (!*out)
		return err_set(err, "out of memory");
	for (size_t i = 0; i < n; i++)
		assign_task_encode(&r->tasks[first + i], *out + i * ASSIGN_TASK_BYTES);
	*len = n * ASSIGN_TASK_BYTES;
	return 0;
}

void assign_hash(const struct assign_result *r, unsigned char out[DRBG_HASH_LEN])
{
	crypto_generichash_state st;
	unsigned char b[ASSIGN_TASK_BYTES];

	crypto_generichash_init(&st, NULL, 0, DRBG_HASH_LEN);
	for (size_t i = 0; i < r->n_tasks; i++) {
		assign_task_encode(&r->tasks[i], b);
		crypto_generichash_update(&st, b, sizeof b);
	}
	crypto_generichash_final(&st, out, DRBG_HASH_LEN);
}

void assign_result_release(struct assign_result *r)
{
	free(r->tasks);
	free(r->first);
	memset(r, 0, sizeof *r);
}

const char *assign_kind_name(unsigned kind)
{
	return kind == ASSIGN_GOLD_REPEAT  ? "gold_repeat"
	       : kind == ASSIGN_GOLD_KNOWN ? "gold_known"
					   : "normal";
}
