/* enc — canonical binary encoding (see include/simsa/enc.h). */
#include "simsa/enc.h"

#include <stdlib.h>
#include <string.h>

#include "simsa/util.h"

void enc_raw(struct enc *e, const void *p, size_t n)
{
	e->sink(e->ctx, p, n);
}

void enc_u8(struct enc *e, unsigned v)
{
	unsigned char b = (unsigned char)v;

	enc_raw(e, &b, 1);
}

void enc_u32(struct enc *e, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };

	enc_raw(e, b, 4);
}

void enc_bytes(struct enc *e, const void *p, size_t n)
{
	enc_u32(e, (uint32_t)n);
	enc_raw(e, p, n);
}

void enc_str(struct enc *e, const char *s)
{
	enc_bytes(e, s ? s : "", s ? strlen(s) : 0);
}

void enc_opt(struct enc *e, const char *s)
{
	enc_u8(e, s != NULL);
	if (s)
		enc_str(e, s);
}

void enc_tag(struct enc *e, const char *tag)
{
	enc_raw(e, tag, strlen(tag) + 1);
}

void buf_sink(void *ctx, const void *data, size_t len)
{
	struct buf *b = ctx;

	if (b->oom)
		return;
	if (len > SIZE_MAX - b->n || grow_array((void **)&b->p, &b->cap, b->n + len, 1) < 0) {
		b->oom = true;
		return;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
}

struct enc buf_enc(struct buf *b)
{
	return (struct enc){ buf_sink, b };
}

void buf_release(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}
