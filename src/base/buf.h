/*
 * buf.h - the one bounds-checked reader and growable writer.
 *
 * Every byte that comes from a file, a socket or a capture is read through a
 * struct reader.  Protocol code never does pointer arithmetic of its own and
 * never trusts a length field without asking the reader for that many bytes
 * first.  All reads fail cleanly (return -1, cursor unchanged) when the data
 * runs out; integers are big-endian unless the name says _le.
 */
#ifndef UCPKI_BUF_H
#define UCPKI_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Propagate a failure in one line: GUARD(reader_u16(&r, &len)); */
#define GUARD(expr) do { if ((expr) < 0) return -1; } while (0)
#define GUARD_GOTO(expr, label) do { if ((expr) < 0) goto label; } while (0)

struct reader {
	const uint8_t	*data;
	size_t		 len;
	size_t		 pos;
	size_t		 base;	/* offset of data[0] in the outermost buffer */
};

void	reader_init(struct reader *r, const void *data, size_t len);
size_t	reader_left(const struct reader *r);
/* Absolute byte offset of the cursor, for "at byte N" messages. */
size_t	reader_offset(const struct reader *r);
int	reader_u8(struct reader *r, uint8_t *out);
/* The next byte without consuming it (a TLV's tag before choosing). */
int	reader_peek_u8(const struct reader *r, uint8_t *out);
int	reader_u16(struct reader *r, uint16_t *out);
int	reader_u32(struct reader *r, uint32_t *out);
int	reader_u16_le(struct reader *r, uint16_t *out);
int	reader_u32_le(struct reader *r, uint32_t *out);
/* Points *out into the reader's data (no copy) and advances n bytes. */
int	reader_bytes(struct reader *r, size_t n, const uint8_t **out);
int	reader_copy(struct reader *r, void *out, size_t n);
int	reader_skip(struct reader *r, size_t n);
/* A NUL-terminated string: *out points at it, *len excludes the NUL;
 * fails (cursor unchanged) when no NUL is left. */
int	reader_cstring(struct reader *r, const char **out, size_t *len);
/* Where needle next begins, counted from the cursor (which stays): 0
 * and *at set, or -1 when it is not in what is left. */
int	reader_find(const struct reader *r, const void *needle, size_t nlen,
	    size_t *at);
/* Carves the next n bytes off as a child reader (for containers). */
int	reader_sub(struct reader *r, size_t n, struct reader *child);

struct writer {
	uint8_t		*data;
	size_t		 len;
	size_t		 cap;
	size_t		 max;		/* 0 = no limit */
	int		 failed;	/* sticky: set by any failed write */
};

void	writer_init(struct writer *w, size_t max);
void	writer_free(struct writer *w);
/* Hands the buffer to the caller (who frees it); the writer is reset. */
uint8_t	*writer_take(struct writer *w, size_t *len);
int	writer_u8(struct writer *w, uint8_t v);
int	writer_u16(struct writer *w, uint16_t v);
int	writer_u32(struct writer *w, uint32_t v);
int	writer_u32_le(struct writer *w, uint32_t v);
int	writer_bytes(struct writer *w, const void *data, size_t n);
int	writer_fill(struct writer *w, uint8_t byte, size_t n);
/* tag u8 | length u16 | value: the element every format here shares. */
int	writer_tlv(struct writer *w, uint8_t tag, const void *value, size_t len);
int	writer_tlv_u8(struct writer *w, uint8_t tag, uint8_t v);
int	writer_tlv_u16(struct writer *w, uint8_t tag, uint16_t v);
/* The string and its NUL, counted in the length as the phones expect. */
int	writer_tlv_string(struct writer *w, uint8_t tag, const char *s);
/*
 * Length prefixes written before their contents are known: reserve a
 * u16, write the contents, then fill it with the bytes written since
 * `since` (fails, sticky, past 65535).  No literal offsets in callers.
 */
int	writer_reserve_u16(struct writer *w, size_t *at);
int	writer_fill_length_u16(struct writer *w, size_t at, size_t since);
/* Overwrites a u16 already written at offset pos. */
int	writer_patch_u16(struct writer *w, size_t pos, uint16_t v);

#endif
