/*
 * capf_msg.h - CAPF protocol messages (TLS on TCP 3804).
 *
 *   protocol_id u8 = 85 | command u8 | session_id u32 | length u16 | elements
 *
 * Elements are tag u8, length u16, value.  Decoding never trusts a length
 * it has not checked against the bytes that remain; an element appearing
 * twice, or one too large for its type, is an error naming the element.
 */
#ifndef UCPKI_CAPF_MSG_H
#define UCPKI_CAPF_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define CAPF_PROTOCOL_ID	85
#define CAPF_VERSION		3
/*
 * Jabber clients (CSF, BOT, TCT, TAB) speak version 2: AUTH_RESPONSE
 * carries VERSION 2, DEVICE_NAME and REASON, no certificate;
 * KEY_GENERATE_REQUEST only a KEY_SIZE (RSA); no REQUEST_IN_PROGRESS.
 */
#define CAPF_VERSION_SOFTPHONE	2
#define CAPF_HEADER_LEN		8
/* Larger than any real message (a 4096-bit chain and signatures). */
#define CAPF_MESSAGE_MAX	16384

enum capf_command {
	CAPF_AUTH_REQUEST = 1, CAPF_AUTH_RESPONSE = 2,
	CAPF_KEY_GENERATE_REQUEST = 3, CAPF_KEY_GENERATE_RESPONSE = 4,
	CAPF_ENCRYPT_RESPONSE = 5, CAPF_ENCRYPT_REQUEST = 6,
	CAPF_DECRYPT_REQUEST = 7, CAPF_DECRYPT_RESPONSE = 8,
	CAPF_STORE_CERTIFICATE_REQUEST = 9, CAPF_STORE_CERTIFICATE_RESPONSE = 10,
	CAPF_FETCH_CERTIFICATE_REQUEST = 11, CAPF_FETCH_CERTIFICATE_RESPONSE = 12,
	CAPF_DELETE_CERTIFICATE_REQUEST = 13, CAPF_DELETE_CERTIFICATE_RESPONSE = 14,
	CAPF_END_SESSION = 15, CAPF_RETRY_LATER = 16,
	CAPF_REQUEST_IN_PROGRESS = 17, CAPF_STATUS_REQUEST = 18,
	CAPF_STATUS_RESPONSE = 19, CAPF_ABORT_REQUEST = 20,
	CAPF_ABORT_RESPONSE = 21, CAPF_SIGN_CERTIFICATE_REQUEST = 22,
	CAPF_SIGN_CERTIFICATE_RESPONSE = 23,
};

enum capf_element {
	CAPF_EL_REASON = 1, CAPF_EL_REASON_INFO = 2, CAPF_EL_CERTIFICATE_TYPE = 3,
	CAPF_EL_CERTIFICATE = 4, CAPF_EL_CERTIFICATE_ID = 5,
	CAPF_EL_SIGNED_DATA = 6, CAPF_EL_VERSION = 7, CAPF_EL_AUTH_TYPE = 8,
	CAPF_EL_PUBLIC_KEY = 9, CAPF_EL_KEY_SIZE = 10, CAPF_EL_PASSWORD = 11,
	CAPF_EL_RETRY_DELAY = 12, CAPF_EL_DEVICE_NAME = 13,
	CAPF_EL_SUDI_DATA = 16, CAPF_EL_KEY_TYPE = 17, CAPF_EL_CURVE = 18,
	CAPF_EL_DIGEST_TYPE = 19, CAPF_EL_SHA2_SIGNED_DATA = 20,
	CAPF_EL_MAX = 21,
};

enum capf_reason {
	CAPF_REASON_NO_ACTION = 0, CAPF_REASON_UPDATE_CERTIFICATE = 1,
	CAPF_REASON_INVALID_ELEMENT = 7, CAPF_REASON_UNKNOWN_DEVICE = 9,
};

enum capf_auth_type {
	CAPF_AUTH_TYPE_NONE = 0, CAPF_AUTH_TYPE_PASSWORD = 1,
	CAPF_AUTH_TYPE_NO_PASSWORD = 2, CAPF_AUTH_TYPE_LSC = 3,
	CAPF_AUTH_TYPE_MIC = 4,
};

enum { CAPF_CERT_LSC = 1, CAPF_CERT_MIC = 2 };
enum { CAPF_KEY_RSA = 0, CAPF_KEY_EC = 1 };
enum { CAPF_CURVE_P256 = 0, CAPF_CURVE_P384 = 1, CAPF_CURVE_P521 = 2 };

/* A decoded message: elements point into the buffer it was decoded from. */
struct capf_msg {
	uint8_t		 command;
	uint32_t	 session_id;
	struct {
		const uint8_t	*value;
		uint16_t	 len;
		int		 present;
	} el[CAPF_EL_MAX];
	uint8_t		 unknown_tag;	/* first unknown element, 0 if none */
};

const char *capf_command_name(int command);

/*
 * Bytes needed before a whole message is buffered: 8 for the header,
 * then 8 + length.  Returns -1 (err set) on a bad header: wrong protocol
 * id, length over CAPF_MESSAGE_MAX.
 */
int	capf_msg_need(const uint8_t *data, size_t len, size_t *need,
	    struct ucerr *err);
/* Decodes one whole message (header + elements). */
int	capf_msg_decode(const uint8_t *data, size_t len, struct capf_msg *m,
	    struct ucerr *err);

/* Element accessors; -1 with err naming the element when absent/malformed. */
int	capf_msg_u8(const struct capf_msg *m, int tag, uint8_t *out,
	    struct ucerr *err);
int	capf_msg_u16(const struct capf_msg *m, int tag, uint16_t *out,
	    struct ucerr *err);
/* A NUL-terminated string element (the NUL is counted in its length). */
int	capf_msg_string(const struct capf_msg *m, int tag, char *out,
	    size_t outlen, struct ucerr *err);
int	capf_msg_bytes(const struct capf_msg *m, int tag, const uint8_t **out,
	    size_t *len, struct ucerr *err);
/* CERTIFICATE: u8 1 | u16 der_len + 2 | u8 0 | u8 cert_type | DER. */
int	capf_msg_certificate(const struct capf_msg *m, const uint8_t **der,
	    size_t *der_len, uint8_t *cert_type, struct ucerr *err);

/* VERSION: 2 (softphones) or 3 (phones); anything else is refused. */
int	capf_msg_version(const struct capf_msg *m, uint8_t *version,
	    struct ucerr *err);
/*
 * PUBLIC_KEY as both versions send it, a DER SubjectPublicKeyInfo: the
 * outer SEQUENCE's length must cover the element exactly (what the key
 * is, is lsc_public_key's to judge).
 */
int	capf_msg_spki(const struct capf_msg *m, const uint8_t **der,
	    size_t *len, struct ucerr *err);

/* Building: begin, add elements, end (patches the length). */
void	capf_msg_begin(struct writer *w, uint8_t command, uint32_t session_id);
int	capf_msg_end(struct writer *w);
int	capf_put_certificate(struct writer *w, uint8_t cert_type,
	    const uint8_t *der, size_t len);

#endif
