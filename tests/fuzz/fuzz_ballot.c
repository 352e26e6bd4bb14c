/* libFuzzer target: any bytes the ballot decoder accepts must encode back to
 * exactly the same bytes, and nothing may crash or leak. `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simsa/ballot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ballot b;
	struct simsa_err err;
	unsigned char *again;
	size_t n;

	if (ballot_decode(data, size, &b, &err) < 0)
		return 0;
	if (ballot_encode(&b, &again, &n, &err) < 0 || n != size || memcmp(again, data, n) != 0)
		abort();
	free(again);
	return 0;
}
