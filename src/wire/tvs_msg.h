/*
 * tvs_msg.h - Trust Verification Service messages (TLS on TCP 2445).
 *
 *   protocol_id u8 = 87 | version u8 = 1 | command u8 | pad u8 = 0 |
 *   session_id u32 | length u16 | elements (tag u8, length u16, value)
 *
 * Requests: DEVICE_NAME (a 0x01 byte, then "CP-<model>-SEP<MAC>", no NUL),
 * CERTIFICATE (DER).  Responses: STATUS (0 valid, 1 invalid), ROLES (one
 * byte per role), TTL (u32 seconds).
 */
#ifndef UCPKI_TVS_MSG_H
#define UCPKI_TVS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define TVS_PROTOCOL_ID		87
#define TVS_VERSION		1
#define TVS_HEADER_LEN		10
#define TVS_MESSAGE_MAX		16384
#define TVS_ROLES_MAX		16

enum tvs_command {
	TVS_VERIFY_REQUEST = 1, TVS_VERIFY_RESPONSE = 2,
	TVS_QUERY_REQUEST = 3, TVS_QUERY_RESPONSE = 4,
};

enum tvs_element {
	TVS_EL_DEVICE_NAME = 1, TVS_EL_CERTIFICATE = 2, TVS_EL_STATUS = 7,
	TVS_EL_ROLES = 8, TVS_EL_TTL = 9,
};

enum { TVS_STATUS_VALID = 0, TVS_STATUS_INVALID = 1 };

struct tvs_msg {
	uint8_t		 command;
	uint32_t	 session_id;
	char		 device_name[64];	/* "" when absent */
	const uint8_t	*cert;			/* points into the buffer */
	size_t		 cert_len;
	int		 has_status;
	uint8_t		 status;
	uint8_t		 roles[TVS_ROLES_MAX];
	size_t		 n_roles;
	int		 has_ttl;
	uint32_t	 ttl;
	uint8_t		 unknown_tag;
};

/* Header checks and the whole message's size (see capf_msg_need). */
int	tvs_msg_need(const uint8_t *data, size_t len, size_t *need,
	    struct ucerr *err);
int	tvs_msg_decode(const uint8_t *data, size_t len, struct tvs_msg *m,
	    struct ucerr *err);
/* CP-<model>-SEP + 12 upper-case hex digits. */
int	tvs_device_name_valid(const char *name);

void	tvs_msg_begin(struct writer *w, uint8_t command, uint32_t session_id);
int	tvs_msg_end(struct writer *w);
int	tvs_put_device_name(struct writer *w, const char *name);

#endif
