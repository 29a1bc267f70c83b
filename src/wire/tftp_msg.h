/*
 * tftp_msg.h - TFTP packets (RFC 1350) and the option extension
 * (RFC 2347: blksize RFC 2348, timeout and tsize RFC 2349).
 *
 * Every received datagram goes through tftp_msg_parse, which reads it with
 * the bounds-checked reader; errors say which field is wrong and map to
 * the TFTP error code the server answers with.
 */
#ifndef UCPKI_TFTP_MSG_H
#define UCPKI_TFTP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

enum tftp_opcode {
	TFTP_RRQ = 1, TFTP_WRQ = 2, TFTP_DATA = 3, TFTP_ACK = 4,
	TFTP_ERROR = 5, TFTP_OACK = 6,
};

/* RFC 1350 error codes (8: RFC 2347 option negotiation). */
enum tftp_error {
	TFTP_ERR_UNDEFINED = 0, TFTP_ERR_NOT_FOUND = 1,
	TFTP_ERR_ACCESS = 2, TFTP_ERR_DISK_FULL = 3, TFTP_ERR_ILLEGAL = 4,
	TFTP_ERR_UNKNOWN_TID = 5, TFTP_ERR_EXISTS = 6, TFTP_ERR_NO_USER = 7,
	TFTP_ERR_OPTIONS = 8,
};

#define TFTP_BLKSIZE_DEFAULT	512
#define TFTP_BLKSIZE_MIN	8
#define TFTP_BLKSIZE_MAX	65464
#define TFTP_NAME_MAX		255	/* longest file name accepted */
/* A request is at most one datagram; RFC 2347 asks for 512 bytes, some
 * clients send more options than that. */
#define TFTP_PACKET_MAX		(4 + TFTP_BLKSIZE_MAX)

struct tftp_msg {
	uint16_t	 opcode;
	/* RRQ/WRQ */
	char		 filename[TFTP_NAME_MAX + 1];
	int		 netascii;		/* mode netascii (else octet) */
	int		 blksize;		/* 0: not asked */
	int		 timeout_s;		/* 0: not asked */
	int		 tsize;			/* tsize asked */
	/* DATA/ACK */
	uint16_t	 block;
	const uint8_t	*data;			/* DATA: points into the packet */
	size_t		 data_len;
	/* ERROR */
	uint16_t	 error_code;
	char		 error_msg[128];
};

/*
 * Parses one datagram.  On failure *tftp_err gets the code to answer with
 * (4 illegal operation, or 8 for a bad option) and err says why.
 * Options with values out of range are ignored, as RFC 2347 allows;
 * unknown options are ignored.
 */
int	tftp_msg_parse(const uint8_t *pkt, size_t len, struct tftp_msg *m,
	    int *tftp_err, struct ucerr *err);

/* Builders: return the packet length, or 0 when out does not fit. */
size_t	tftp_build_error(uint8_t *out, size_t outlen, uint16_t code,
	    const char *msg);
size_t	tftp_build_data_header(uint8_t *out, size_t outlen, uint16_t block);
size_t	tftp_build_ack(uint8_t *out, size_t outlen, uint16_t block);
/* OACK with the options accepted (blksize/timeout 0 and tsize < 0 left out). */
size_t	tftp_build_oack(uint8_t *out, size_t outlen, int blksize,
	    int timeout_s, int64_t tsize);
/* A request, for the phone simulator and the tests. */
size_t	tftp_build_request(uint8_t *out, size_t outlen, uint16_t opcode,
	    const char *filename, const char *mode, int blksize, int tsize);

#endif
