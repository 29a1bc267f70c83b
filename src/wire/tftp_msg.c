/* tftp_msg.c - TFTP packets through the reader (see tftp_msg.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tftp_msg.h"

/* A NUL-terminated string field; fails when the NUL is missing. */
static int
read_string(struct reader *r, char *out, size_t outlen, size_t *len)
{
	const char *s;

	if (reader_cstring(r, &s, len) == -1 || *len >= outlen)
		return -1;
	memcpy(out, s, *len + 1);
	return 0;
}

/* A decimal option value in [min, max], or -1. */
static long
option_number(const char *v, long min, long max)
{
	char *end;
	long n;

	if (*v < '0' || *v > '9' || strlen(v) > 10)
		return -1;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < min || n > max)
		return -1;
	return n;
}

static int
parse_request(struct reader *r, struct tftp_msg *m, int *tftp_err,
    struct ucerr *err)
{
	char mode[16], name[32], value[32];
	size_t len;
	long n;

	if (read_string(r, m->filename, sizeof(m->filename), &len) == -1)
		return ucerr_set(err, "TFTP request: filename missing, "
		    "unterminated or longer than %d bytes", TFTP_NAME_MAX);
	if (len == 0)
		return ucerr_set(err, "TFTP request: empty filename");
	if (read_string(r, mode, sizeof(mode), &len) == -1)
		return ucerr_set(err, "TFTP request: mode missing or "
		    "unterminated");
	if (strcasecmp(mode, "netascii") == 0)
		m->netascii = 1;
	else if (strcasecmp(mode, "octet") != 0)
		return ucerr_set(err, "TFTP request: mode '%s' (only octet and "
		    "netascii are served)", mode);
	/* RFC 2347: option name and value pairs, both NUL-terminated. */
	while (reader_left(r) > 0) {
		if (read_string(r, name, sizeof(name), &len) == -1 ||
		    read_string(r, value, sizeof(value), &len) == -1) {
			*tftp_err = TFTP_ERR_OPTIONS;
			return ucerr_set(err, "TFTP request: option at byte %zu "
			    "malformed (RFC 2347)", reader_offset(r));
		}
		if (strcasecmp(name, "blksize") == 0 &&
		    (n = option_number(value, TFTP_BLKSIZE_MIN,
		    TFTP_BLKSIZE_MAX)) > 0)
			m->blksize = (int)n;
		else if (strcasecmp(name, "timeout") == 0 &&
		    (n = option_number(value, 1, 255)) > 0)
			m->timeout_s = (int)n;
		else if (strcasecmp(name, "tsize") == 0 &&
		    option_number(value, 0, 0x7fffffff) >= 0)
			m->tsize = 1;
	}
	return 0;
}

int
tftp_msg_parse(const uint8_t *pkt, size_t len, struct tftp_msg *m,
    int *tftp_err, struct ucerr *err)
{
	struct reader r;
	size_t n;

	memset(m, 0, sizeof(*m));
	*tftp_err = TFTP_ERR_ILLEGAL;
	reader_init(&r, pkt, len);
	if (reader_u16(&r, &m->opcode) == -1)
		return ucerr_set(err, "TFTP: packet of %zu bytes has no opcode",
		    len);
	switch (m->opcode) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		return parse_request(&r, m, tftp_err, err);
	case TFTP_DATA:
		if (reader_u16(&r, &m->block) == -1)
			return ucerr_set(err, "TFTP DATA: no block number");
		m->data_len = reader_left(&r);
		return reader_bytes(&r, m->data_len, &m->data);
	case TFTP_ACK:
		if (reader_u16(&r, &m->block) == -1)
			return ucerr_set(err, "TFTP ACK: no block number");
		return 0;
	case TFTP_ERROR:
		if (reader_u16(&r, &m->error_code) == -1)
			return ucerr_set(err, "TFTP ERROR: no error code");
		/* The message is informative: keep what fits. */
		n = reader_left(&r);
		if (n >= sizeof(m->error_msg))
			n = sizeof(m->error_msg) - 1;
		reader_copy(&r, m->error_msg, n);
		m->error_msg[strcspn(m->error_msg, "\r\n")] = '\0';
		return 0;
	case TFTP_OACK:
		return 0;
	default:
		return ucerr_set(err, "TFTP: unknown opcode %u", m->opcode);
	}
}

static size_t
finish(struct writer *w, uint8_t *out, size_t outlen)
{
	size_t len = w->len;

	if (w->failed || len > outlen) {
		writer_free(w);
		return 0;
	}
	memcpy(out, w->data, len);
	writer_free(w);
	return len;
}

size_t
tftp_build_error(uint8_t *out, size_t outlen, uint16_t code, const char *msg)
{
	struct writer w;

	writer_init(&w, outlen);
	writer_u16(&w, TFTP_ERROR);
	writer_u16(&w, code);
	writer_bytes(&w, msg, strlen(msg) + 1);
	return finish(&w, out, outlen);
}

/*
 * DATA's header and ACK are the same four bytes, opcode then block.  They
 * are written in place, without the growing writer, as every block of
 * every transfer sends one.
 */
static size_t
put_opcode_block(uint8_t *out, size_t outlen, uint16_t opcode,
    uint16_t block)
{
	if (outlen < 4)
		return 0;
	out[0] = (uint8_t)(opcode >> 8);
	out[1] = (uint8_t)opcode;
	out[2] = (uint8_t)(block >> 8);
	out[3] = (uint8_t)block;
	return 4;
}

size_t
tftp_build_data_header(uint8_t *out, size_t outlen, uint16_t block)
{
	return put_opcode_block(out, outlen, TFTP_DATA, block);
}

size_t
tftp_build_ack(uint8_t *out, size_t outlen, uint16_t block)
{
	return put_opcode_block(out, outlen, TFTP_ACK, block);
}

static void
put_option(struct writer *w, const char *name, long long value)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", value);
	writer_bytes(w, name, strlen(name) + 1);
	writer_bytes(w, num, strlen(num) + 1);
}

size_t
tftp_build_oack(uint8_t *out, size_t outlen, int blksize, int timeout_s,
    int64_t tsize)
{
	struct writer w;

	writer_init(&w, outlen);
	writer_u16(&w, TFTP_OACK);
	if (blksize > 0)
		put_option(&w, "blksize", blksize);
	if (timeout_s > 0)
		put_option(&w, "timeout", timeout_s);
	if (tsize >= 0)
		put_option(&w, "tsize", (long long)tsize);
	return finish(&w, out, outlen);
}

size_t
tftp_build_request(uint8_t *out, size_t outlen, uint16_t opcode,
    const char *filename, const char *mode, int blksize, int tsize)
{
	struct writer w;

	writer_init(&w, outlen);
	writer_u16(&w, opcode);
	writer_bytes(&w, filename, strlen(filename) + 1);
	writer_bytes(&w, mode, strlen(mode) + 1);
	if (blksize > 0)
		put_option(&w, "blksize", blksize);
	if (tsize)
		put_option(&w, "tsize", 0);
	return finish(&w, out, outlen);
}
