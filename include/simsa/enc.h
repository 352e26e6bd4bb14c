/* enc — the canonical binary encoding shared by everything simsa hashes or
 * signs (manifest, statements, and later ballots): fixed field order,
 * little-endian integers, length-prefixed byte strings, no floats.
 *
 *   u8, u32 (LE), bytes = u32 length + bytes, str = bytes of the UTF-8,
 *   opt = u8 0 (absent) or u8 1 + str, raw = the bytes alone (fixed size).
 *
 * An encoder writes to a sink: a hash state, or a growable buffer. */
#ifndef SIMSA_ENC_H
#define SIMSA_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct enc {
	void (*sink)(void *ctx, const void *data, size_t len);
	void *ctx;
};

void enc_raw(struct enc *e, const void *p, size_t n);
void enc_u8(struct enc *e, unsigned v);
void enc_u32(struct enc *e, uint32_t v);
void enc_bytes(struct enc *e, const void *p, size_t n);
void enc_str(struct enc *e, const char *s); /* NULL encodes as "" */
void enc_opt(struct enc *e, const char *s);
void enc_tag(struct enc *e, const char *tag); /* the tag and its NUL */

/* A growable buffer as a sink. */
struct buf {
	unsigned char *p;
	size_t n, cap;
	bool oom;
};

void buf_sink(void *buf, const void *data, size_t len);
struct enc buf_enc(struct buf *b);
void buf_release(struct buf *b);

#endif
