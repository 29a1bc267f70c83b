/* capf_msg.c - CAPF protocol messages (see capf_msg.h). */
#include <string.h>

#include "capf_msg.h"

static const char *const command_names[] = {
	[CAPF_AUTH_REQUEST] = "AUTH_REQUEST",
	[CAPF_AUTH_RESPONSE] = "AUTH_RESPONSE",
	[CAPF_KEY_GENERATE_REQUEST] = "KEY_GENERATE_REQUEST",
	[CAPF_KEY_GENERATE_RESPONSE] = "KEY_GENERATE_RESPONSE",
	[CAPF_ENCRYPT_RESPONSE] = "ENCRYPT_RESPONSE",
	[CAPF_ENCRYPT_REQUEST] = "ENCRYPT_REQUEST",
	[CAPF_DECRYPT_REQUEST] = "DECRYPT_REQUEST",
	[CAPF_DECRYPT_RESPONSE] = "DECRYPT_RESPONSE",
	[CAPF_STORE_CERTIFICATE_REQUEST] = "STORE_CERTIFICATE_REQUEST",
	[CAPF_STORE_CERTIFICATE_RESPONSE] = "STORE_CERTIFICATE_RESPONSE",
	[CAPF_FETCH_CERTIFICATE_REQUEST] = "FETCH_CERTIFICATE_REQUEST",
	[CAPF_FETCH_CERTIFICATE_RESPONSE] = "FETCH_CERTIFICATE_RESPONSE",
	[CAPF_DELETE_CERTIFICATE_REQUEST] = "DELETE_CERTIFICATE_REQUEST",
	[CAPF_DELETE_CERTIFICATE_RESPONSE] = "DELETE_CERTIFICATE_RESPONSE",
	[CAPF_END_SESSION] = "END_SESSION",
	[CAPF_RETRY_LATER] = "RETRY_LATER",
	[CAPF_REQUEST_IN_PROGRESS] = "REQUEST_IN_PROGRESS",
	[CAPF_STATUS_REQUEST] = "STATUS_REQUEST",
	[CAPF_STATUS_RESPONSE] = "STATUS_RESPONSE",
	[CAPF_ABORT_REQUEST] = "ABORT_REQUEST",
	[CAPF_ABORT_RESPONSE] = "ABORT_RESPONSE",
	[CAPF_SIGN_CERTIFICATE_REQUEST] = "SIGN_CERTIFICATE_REQUEST",
	[CAPF_SIGN_CERTIFICATE_RESPONSE] = "SIGN_CERTIFICATE_RESPONSE",
};

static const char *const element_names[CAPF_EL_MAX] = {
	[CAPF_EL_REASON] = "REASON", [CAPF_EL_REASON_INFO] = "REASON_INFO",
	[CAPF_EL_CERTIFICATE_TYPE] = "CERTIFICATE_TYPE",
	[CAPF_EL_CERTIFICATE] = "CERTIFICATE",
	[CAPF_EL_CERTIFICATE_ID] = "CERTIFICATE_ID",
	[CAPF_EL_SIGNED_DATA] = "SIGNED_DATA", [CAPF_EL_VERSION] = "VERSION",
	[CAPF_EL_AUTH_TYPE] = "AUTH_TYPE", [CAPF_EL_PUBLIC_KEY] = "PUBLIC_KEY",
	[CAPF_EL_KEY_SIZE] = "KEY_SIZE", [CAPF_EL_PASSWORD] = "PASSWORD",
	[CAPF_EL_RETRY_DELAY] = "RETRY_DELAY",
	[CAPF_EL_DEVICE_NAME] = "DEVICE_NAME", [CAPF_EL_SUDI_DATA] = "SUDI_DATA",
	[CAPF_EL_KEY_TYPE] = "KEY_TYPE", [CAPF_EL_CURVE] = "CURVE",
	[CAPF_EL_DIGEST_TYPE] = "DIGEST_TYPE",
	[CAPF_EL_SHA2_SIGNED_DATA] = "SHA2_SIGNED_DATA",
};

const char *
capf_command_name(int command)
{
	if (command > 0 && command <= CAPF_SIGN_CERTIFICATE_RESPONSE)
		return command_names[command];
	return "unknown command";
}

static const char *
element_name(int tag)
{
	return tag > 0 && tag < CAPF_EL_MAX && element_names[tag] ?
	    element_names[tag] : "unknown element";
}

int
capf_msg_need(const uint8_t *data, size_t len, size_t *need,
    struct ucerr *err)
{
	struct reader r;
	uint8_t protocol_id;
	uint16_t body;

	*need = CAPF_HEADER_LEN;
	if (len < CAPF_HEADER_LEN)
		return 0;
	reader_init(&r, data, len);
	reader_u8(&r, &protocol_id);
	if (protocol_id != CAPF_PROTOCOL_ID)
		return ucerr_set(err, "CAPF: protocol id %u, expected %u",
		    protocol_id, CAPF_PROTOCOL_ID);
	reader_skip(&r, 5);
	reader_u16(&r, &body);
	if (body > CAPF_MESSAGE_MAX - CAPF_HEADER_LEN)
		return ucerr_set(err, "CAPF: message length %u over the limit of "
		    "%u", body, CAPF_MESSAGE_MAX - CAPF_HEADER_LEN);
	*need = CAPF_HEADER_LEN + body;
	return 0;
}

int
capf_msg_decode(const uint8_t *data, size_t len, struct capf_msg *m,
    struct ucerr *err)
{
	struct reader r, body, value;
	uint8_t protocol_id, tag;
	uint16_t body_len, vlen;
	size_t offset;

	memset(m, 0, sizeof(*m));
	reader_init(&r, data, len);
	if (reader_u8(&r, &protocol_id) == -1 || reader_u8(&r, &m->command) == -1 ||
	    reader_u32(&r, &m->session_id) == -1 || reader_u16(&r, &body_len) == -1)
		return ucerr_set(err, "CAPF: short header (%zu bytes)", len);
	if (protocol_id != CAPF_PROTOCOL_ID)
		return ucerr_set(err, "CAPF: protocol id %u, expected %u",
		    protocol_id, CAPF_PROTOCOL_ID);
	if (reader_sub(&r, body_len, &body) == -1)
		return ucerr_set(err, "CAPF: %s: length %u but only %zu bytes",
		    capf_command_name(m->command), body_len, reader_left(&r));
	if (reader_left(&r) != 0)
		return ucerr_set(err, "CAPF: %s: %zu bytes after the message",
		    capf_command_name(m->command), reader_left(&r));
	while (reader_left(&body) > 0) {
		offset = reader_offset(&body);
		if (reader_u8(&body, &tag) == -1 || reader_u16(&body, &vlen) == -1 ||
		    reader_sub(&body, vlen, &value) == -1)
			return ucerr_set(err, "CAPF: %s: element at byte %zu is "
			    "truncated", capf_command_name(m->command), offset);
		if (tag == 0 || tag >= CAPF_EL_MAX || element_names[tag] == NULL) {
			/* Logged and answered by the caller, never fatal here. */
			if (m->unknown_tag == 0)
				m->unknown_tag = tag ? tag : 0xff;
			continue;
		}
		if (m->el[tag].present)
			return ucerr_set(err, "CAPF: %s: %s appears twice",
			    capf_command_name(m->command), element_name(tag));
		m->el[tag].present = 1;
		m->el[tag].len = vlen;
		m->el[tag].value = value.data;
	}
	return 0;
}

static int
missing(const struct capf_msg *m, int tag, struct ucerr *err)
{
	return ucerr_set(err, "CAPF: %s: %s missing",
	    capf_command_name(m->command), element_name(tag));
}

int
capf_msg_u8(const struct capf_msg *m, int tag, uint8_t *out, struct ucerr *err)
{
	if (tag <= 0 || tag >= CAPF_EL_MAX || !m->el[tag].present)
		return missing(m, tag, err);
	if (m->el[tag].len != 1)
		return ucerr_set(err, "CAPF: %s: %s length %u, expected 1",
		    capf_command_name(m->command), element_name(tag),
		    m->el[tag].len);
	*out = m->el[tag].value[0];
	return 0;
}

int
capf_msg_u16(const struct capf_msg *m, int tag, uint16_t *out,
    struct ucerr *err)
{
	if (tag <= 0 || tag >= CAPF_EL_MAX || !m->el[tag].present)
		return missing(m, tag, err);
	if (m->el[tag].len != 2)
		return ucerr_set(err, "CAPF: %s: %s length %u, expected 2",
		    capf_command_name(m->command), element_name(tag),
		    m->el[tag].len);
	*out = (uint16_t)((m->el[tag].value[0] << 8) | m->el[tag].value[1]);
	return 0;
}

int
capf_msg_string(const struct capf_msg *m, int tag, char *out, size_t outlen,
    struct ucerr *err)
{
	size_t n;

	if (tag <= 0 || tag >= CAPF_EL_MAX || !m->el[tag].present)
		return missing(m, tag, err);
	n = m->el[tag].len;
	if (n > 0 && m->el[tag].value[n - 1] == '\0')
		n--;
	if (n >= outlen || memchr(m->el[tag].value, '\0', n) != NULL)
		return ucerr_set(err, "CAPF: %s: %s malformed (%u bytes)",
		    capf_command_name(m->command), element_name(tag),
		    m->el[tag].len);
	memcpy(out, m->el[tag].value, n);
	out[n] = '\0';
	return 0;
}

int
capf_msg_bytes(const struct capf_msg *m, int tag, const uint8_t **out,
    size_t *len, struct ucerr *err)
{
	if (tag <= 0 || tag >= CAPF_EL_MAX || !m->el[tag].present)
		return missing(m, tag, err);
	*out = m->el[tag].value;
	*len = m->el[tag].len;
	return 0;
}

int
capf_msg_certificate(const struct capf_msg *m, const uint8_t **der,
    size_t *der_len, uint8_t *cert_type, struct ucerr *err)
{
	struct reader r;
	uint8_t one, zero;
	uint16_t inner;

	if (!m->el[CAPF_EL_CERTIFICATE].present)
		return missing(m, CAPF_EL_CERTIFICATE, err);
	reader_init(&r, m->el[CAPF_EL_CERTIFICATE].value,
	    m->el[CAPF_EL_CERTIFICATE].len);
	if (reader_u8(&r, &one) == -1 || reader_u16(&r, &inner) == -1 ||
	    reader_u8(&r, &zero) == -1 || reader_u8(&r, cert_type) == -1)
		return ucerr_set(err, "CAPF: %s: CERTIFICATE shorter than its "
		    "5-byte prefix", capf_command_name(m->command));
	*der_len = reader_left(&r);
	if (*der_len == 0)
		return ucerr_set(err, "CAPF: %s: CERTIFICATE is empty",
		    capf_command_name(m->command));
	return reader_bytes(&r, *der_len, der);
}

int
capf_msg_version(const struct capf_msg *m, uint8_t *version,
    struct ucerr *err)
{
	if (capf_msg_u8(m, CAPF_EL_VERSION, version, err) == -1)
		return -1;
	if (*version != CAPF_VERSION && *version != CAPF_VERSION_SOFTPHONE)
		return ucerr_set(err, "CAPF: %s: unsupported protocol version %u "
		    "(2 or 3)", capf_command_name(m->command), *version);
	return 0;
}

/* A DER length: short form, or long form of 1 or 2 bytes. */
static int
der_length(struct reader *r, size_t *len)
{
	uint8_t first, b;
	uint16_t two;

	GUARD(reader_u8(r, &first));
	if (first < 0x80) {
		*len = first;
		return 0;
	}
	if (first == 0x81) {
		GUARD(reader_u8(r, &b));
		*len = b;
		return b < 0x80 ? -1 : 0;	/* DER: the shortest form */
	}
	if (first == 0x82) {
		GUARD(reader_u16(r, &two));
		*len = two;
		return two < 0x100 ? -1 : 0;
	}
	return -1;
}

int
capf_msg_spki(const struct capf_msg *m, const uint8_t **der, size_t *len,
    struct ucerr *err)
{
	struct reader r;
	uint8_t tag;
	size_t inner;

	if (!m->el[CAPF_EL_PUBLIC_KEY].present)
		return missing(m, CAPF_EL_PUBLIC_KEY, err);
	reader_init(&r, m->el[CAPF_EL_PUBLIC_KEY].value,
	    m->el[CAPF_EL_PUBLIC_KEY].len);
	if (reader_u8(&r, &tag) == -1 || tag != 0x30 ||
	    der_length(&r, &inner) == -1)
		return ucerr_set(err, "CAPF: %s: PUBLIC_KEY is not a DER "
		    "SEQUENCE (SubjectPublicKeyInfo)",
		    capf_command_name(m->command));
	if (inner != reader_left(&r))
		return ucerr_set(err, "CAPF: %s: PUBLIC_KEY SEQUENCE of %zu "
		    "bytes in an element of %zu", capf_command_name(m->command),
		    inner, reader_left(&r));
	*der = m->el[CAPF_EL_PUBLIC_KEY].value;
	*len = m->el[CAPF_EL_PUBLIC_KEY].len;
	return 0;
}

void
capf_msg_begin(struct writer *w, uint8_t command, uint32_t session_id)
{
	writer_init(w, CAPF_MESSAGE_MAX);
	writer_u8(w, CAPF_PROTOCOL_ID);
	writer_u8(w, command);
	writer_u32(w, session_id);
	writer_u16(w, 0);
}

int
capf_msg_end(struct writer *w)
{
	if (w->failed || w->len < CAPF_HEADER_LEN)
		return -1;
	/* The header ends with the body's u16 length. */
	return writer_fill_length_u16(w, CAPF_HEADER_LEN - 2, CAPF_HEADER_LEN);
}

int
capf_put_certificate(struct writer *w, uint8_t cert_type, const uint8_t *der,
    size_t len)
{
	if (len + 5 > UINT16_MAX) {
		w->failed = 1;
		return -1;
	}
	GUARD(writer_u8(w, CAPF_EL_CERTIFICATE));
	GUARD(writer_u16(w, (uint16_t)(len + 5)));
	GUARD(writer_u8(w, 1));
	GUARD(writer_u16(w, (uint16_t)(len + 2)));
	GUARD(writer_u8(w, 0));
	GUARD(writer_u8(w, cert_type));
	return writer_bytes(w, der, len);
}
