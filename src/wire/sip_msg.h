/*
 * sip_msg.h - the little of SIP (RFC 3261) a phone needs to register
 * over TLS: the REGISTER request, and the status line and body length of
 * a response.  Responses are untrusted: read through struct reader.
 */
#ifndef UCPKI_SIP_MSG_H
#define UCPKI_SIP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Largest response head (status line and headers) the phone reads. */
#define SIP_HEAD_MAX	8192
/* Largest body it skips. */
#define SIP_BODY_MAX	65536

struct sip_register {
	const char	*user;		/* the device name, SEP<MAC> */
	const char	*domain;	/* the server's host */
	int		 port;
	const char	*local_host;	/* the phone's address and port */
	int		 local_port;
	const char	*user_agent;
	const char	*call_id;	/* random tokens from the caller */
	const char	*branch;
	const char	*tag;
	unsigned	 expires;
};

/* The request, NUL-terminated, into out. */
int	sip_register_build(const struct sip_register *r, char *out,
	    size_t outlen, size_t *len, struct ucerr *err);

/* Length of the head up to and including its blank line; 0 when the
 * blank line has not arrived yet. */
size_t	sip_head_length(const uint8_t *data, size_t len);

struct sip_response {
	int	 code;			/* 100..699 */
	char	 status_line[256];	/* "SIP/2.0 200 OK" */
	size_t	 content_length;
	char	 cseq_method[16];	/* "REGISTER" */
};

/* A complete head (sip_head_length bytes). */
int	sip_response_parse(const uint8_t *data, size_t len,
	    struct sip_response *out, struct ucerr *err);

#endif
