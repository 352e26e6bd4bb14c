/* libFuzzer target: any bytes the ballot decoder accepts must encode back to
 * exactly the same bytes, and nothing may crash or leak. The same bytes
 * read as a typed receipt code: a code that reads, written again from its
 * place and hash prefix, reads as the same place and prefix, and is one
 * typo from nothing but codes within reach. `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/ballot.h"

static void receipt_code(const uint8_t *data, size_t size)
{
	char typed[64], code[BALLOT_RECEIPT_MAX + 1], sym[BALLOT_RECEIPT_SYMBOLS + 2];
	unsigned char hash[BALLOT_HASH_LEN] = { 0 };
	struct receipt_parsed p, q;

	if (size >= sizeof typed)
		return;
	memcpy(typed, data, size);
	typed[size] = '\0';
	if (ballot_receipt_parse(typed, &p) != RECEIPT_CODE)
		return;
	memcpy(hash, p.prefix, 10);
	ballot_receipt(p.place, hash, code);
	if (ballot_receipt_parse(code, &q) != RECEIPT_CODE || q.place != p.place ||
	    memcmp(q.prefix, p.prefix, 10) != 0)
		abort();
	ballot_receipt_normal(code, sym);
	if (!ballot_receipt_near(sym, sym))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ballot b;
	struct simsa_err err;
	unsigned char *again;
	size_t n;

	receipt_code(data, size);
	if (ballot_decode(data, size, &b, &err) < 0)
		return 0;
	if (ballot_encode(&b, &again, &n, &err) < 0 || n != size || memcmp(again, data, n) != 0)
		abort();
	free(again);
	return 0;
}
