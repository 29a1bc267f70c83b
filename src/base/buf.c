/* buf.c - bounds-checked reader and growable writer (see buf.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
reader_init(struct reader *r, const void *data, size_t len)
{
	r->data = data;
	r->len = data == NULL ? 0 : len;
	r->pos = 0;
	r->base = 0;
}

size_t
reader_left(const struct reader *r)
{
	return r->len - r->pos;
}

size_t
reader_offset(const struct reader *r)
{
	return r->base + r->pos;
}

int
reader_bytes(struct reader *r, size_t n, const uint8_t **out)
{
	if (n > reader_left(r))
		return -1;
	*out = r->data + r->pos;
	r->pos += n;
	return 0;
}

int
reader_copy(struct reader *r, void *out, size_t n)
{
	const uint8_t *p;

	GUARD(reader_bytes(r, n, &p));
	if (n > 0)
		memcpy(out, p, n);
	return 0;
}

int
reader_cstring(struct reader *r, const char **out, size_t *len)
{
	const uint8_t *start, *nul;

	if (reader_left(r) == 0)
		return -1;
	start = r->data + r->pos;
	if ((nul = memchr(start, '\0', reader_left(r))) == NULL)
		return -1;
	*len = (size_t)(nul - start);
	*out = (const char *)start;
	r->pos += *len + 1;
	return 0;
}

int
reader_find(const struct reader *r, const void *needle, size_t nlen,
    size_t *at)
{
	const uint8_t *start = r->data + r->pos, *hit;

	if (nlen == 0 || nlen > reader_left(r))
		return -1;
	if ((hit = memmem(start, reader_left(r), needle, nlen)) == NULL)
		return -1;
	*at = (size_t)(hit - start);
	return 0;
}

int
reader_skip(struct reader *r, size_t n)
{
	const uint8_t *p;

	return reader_bytes(r, n, &p);
}

int
reader_sub(struct reader *r, size_t n, struct reader *child)
{
	size_t offset = reader_offset(r);
	const uint8_t *p;

	GUARD(reader_bytes(r, n, &p));
	reader_init(child, p, n);
	child->data = p;	/* keep a valid pointer even when n == 0 */
	child->base = offset;
	return 0;
}

int
reader_u8(struct reader *r, uint8_t *out)
{
	const uint8_t *p;

	GUARD(reader_bytes(r, 1, &p));
	*out = p[0];
	return 0;
}

int
reader_peek_u8(const struct reader *r, uint8_t *out)
{
	if (reader_left(r) < 1)
		return -1;
	*out = r->data[r->pos];
	return 0;
}

int
reader_u16(struct reader *r, uint16_t *out)
{
	const uint8_t *p;

	GUARD(reader_bytes(r, 2, &p));
	*out = (uint16_t)((p[0] << 8) | p[1]);
	return 0;
}

int
reader_u32(struct reader *r, uint32_t *out)
{
	const uint8_t *p;

	GUARD(reader_bytes(r, 4, &p));
	*out = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	return 0;
}

int
reader_u16_le(struct reader *r, uint16_t *out)
{
	const uint8_t *p;

	GUARD(reader_bytes(r, 2, &p));
	*out = (uint16_t)((p[1] << 8) | p[0]);
	return 0;
}

int
reader_u32_le(struct reader *r, uint32_t *out)
{
	const uint8_t *p;

	GUARD(reader_bytes(r, 4, &p));
	*out = ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) |
	    ((uint32_t)p[1] << 8) | p[0];
	return 0;
}

void
writer_init(struct writer *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->max = max;
}

void
writer_free(struct writer *w)
{
	free(w->data);
	writer_init(w, w->max);
}

uint8_t *
writer_take(struct writer *w, size_t *len)
{
	uint8_t *data = w->data;

	*len = w->len;
	writer_init(w, w->max);
	return data;
}

/* Makes room for n more bytes; returns a pointer to them or NULL. */
static uint8_t *
writer_grow(struct writer *w, size_t n)
{
	size_t need, cap;
	uint8_t *data;

	if (w->failed || n > SIZE_MAX - w->len)
		goto fail;
	need = w->len + n;
	if (w->max != 0 && need > w->max)
		goto fail;
	if (need > w->cap) {
		cap = w->cap ? w->cap : 256;
		while (cap < need)
			cap *= 2;
		if ((data = realloc(w->data, cap)) == NULL)
			goto fail;
		w->data = data;
		w->cap = cap;
	}
	data = w->data + w->len;
	w->len = need;
	return data;
fail:
	w->failed = 1;
	return NULL;
}

int
writer_bytes(struct writer *w, const void *src, size_t n)
{
	uint8_t *p;

	if ((p = writer_grow(w, n)) == NULL)
		return -1;
	if (n > 0)
		memcpy(p, src, n);
	return 0;
}

int
writer_fill(struct writer *w, uint8_t byte, size_t n)
{
	uint8_t *p;

	if ((p = writer_grow(w, n)) == NULL)
		return -1;
	memset(p, byte, n);
	return 0;
}

int
writer_u8(struct writer *w, uint8_t v)
{
	return writer_bytes(w, &v, 1);
}

int
writer_u16(struct writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return writer_bytes(w, b, sizeof(b));
}

int
writer_u32(struct writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return writer_bytes(w, b, sizeof(b));
}

int
writer_u32_le(struct writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8),
	    (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	return writer_bytes(w, b, sizeof(b));
}

int
writer_tlv(struct writer *w, uint8_t tag, const void *value, size_t len)
{
	if (len > UINT16_MAX) {
		w->failed = 1;
		return -1;
	}
	GUARD(writer_u8(w, tag));
	GUARD(writer_u16(w, (uint16_t)len));
	return writer_bytes(w, value, len);
}

int
writer_tlv_u8(struct writer *w, uint8_t tag, uint8_t v)
{
	return writer_tlv(w, tag, &v, 1);
}

int
writer_tlv_u16(struct writer *w, uint8_t tag, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return writer_tlv(w, tag, b, sizeof(b));
}

int
writer_tlv_string(struct writer *w, uint8_t tag, const char *s)
{
	return writer_tlv(w, tag, s, strlen(s) + 1);
}

int
writer_reserve_u16(struct writer *w, size_t *at)
{
	*at = w->len;
	return writer_u16(w, 0);
}

int
writer_fill_length_u16(struct writer *w, size_t at, size_t since)
{
	if (w->failed || since > w->len || w->len - since > UINT16_MAX) {
		w->failed = 1;
		return -1;
	}
	return writer_patch_u16(w, at, (uint16_t)(w->len - since));
}

int
writer_patch_u16(struct writer *w, size_t pos, uint16_t v)
{
	if (w->failed || pos > w->len || w->len - pos < 2) {
		w->failed = 1;
		return -1;
	}
	w->data[pos] = (uint8_t)(v >> 8);
	w->data[pos + 1] = (uint8_t)v;
	return 0;
}
