/* tvs_msg.c - TVS messages (see tvs_msg.h). */
#include <ctype.h>
#include <string.h>

#include "tvs_msg.h"

int
tvs_msg_need(const uint8_t *data, size_t len, size_t *need, struct ucerr *err)
{
	struct reader r;
	uint8_t protocol_id, version;
	uint16_t body;

	*need = TVS_HEADER_LEN;
	if (len < TVS_HEADER_LEN)
		return 0;
	reader_init(&r, data, len);
	reader_u8(&r, &protocol_id);
	reader_u8(&r, &version);
	if (protocol_id != TVS_PROTOCOL_ID)
		return ucerr_set(err, "TVS: protocol id %u, expected %u",
		    protocol_id, TVS_PROTOCOL_ID);
	if (version != TVS_VERSION)
		return ucerr_set(err, "TVS: protocol version %u, expected %u",
		    version, TVS_VERSION);
	reader_skip(&r, 6);
	reader_u16(&r, &body);
	if (body > TVS_MESSAGE_MAX - TVS_HEADER_LEN)
		return ucerr_set(err, "TVS: message length %u over the limit of "
		    "%u", body, TVS_MESSAGE_MAX - TVS_HEADER_LEN);
	*need = TVS_HEADER_LEN + body;
	return 0;
}

static int
element(struct tvs_msg *m, uint8_t tag, struct reader *v, size_t offset,
    struct ucerr *err)
{
	const uint8_t *name;
	uint8_t one = 0;
	size_t n = reader_left(v);

	switch (tag) {
	case TVS_EL_DEVICE_NAME:
		/* A 0x01 byte, then the name without NUL. */
		if (n < 2 || n - 1 >= sizeof(m->device_name))
			return ucerr_set(err, "TVS: DEVICE_NAME length %zu at byte "
			    "%zu, expected 2 to %zu", n, offset,
			    sizeof(m->device_name));
		if (reader_u8(v, &one) == -1 || one != 1)
			return ucerr_set(err, "TVS: DEVICE_NAME at byte %zu starts "
			    "with 0x%02x, expected 0x01", offset, one);
		if (reader_bytes(v, n - 1, &name) == -1 ||
		    memchr(name, '\0', n - 1) != NULL)
			return ucerr_set(err, "TVS: DEVICE_NAME at byte %zu holds "
			    "a NUL", offset);
		memcpy(m->device_name, name, n - 1);
		m->device_name[n - 1] = '\0';
		return 0;
	case TVS_EL_CERTIFICATE:
		m->cert_len = n;
		return reader_bytes(v, n, &m->cert);
	case TVS_EL_STATUS:
		if (n != 1)
			return ucerr_set(err, "TVS: STATUS length %zu, expected 1",
			    n);
		m->has_status = 1;
		return reader_u8(v, &m->status);
	case TVS_EL_ROLES:
		if (n > TVS_ROLES_MAX)
			return ucerr_set(err, "TVS: %zu ROLES, at most %d", n,
			    TVS_ROLES_MAX);
		m->n_roles = n;
		return reader_copy(v, m->roles, n);
	case TVS_EL_TTL:
		if (n != 4)
			return ucerr_set(err, "TVS: TTL length %zu, expected 4", n);
		m->has_ttl = 1;
		return reader_u32(v, &m->ttl);
	default:
		if (m->unknown_tag == 0)
			m->unknown_tag = tag ? tag : 0xff;
		return 0;
	}
}

int
tvs_msg_decode(const uint8_t *data, size_t len, struct tvs_msg *m,
    struct ucerr *err)
{
	struct reader r, body, value;
	uint8_t protocol_id, version, pad, tag;
	uint16_t body_len, vlen;
	size_t offset;

	memset(m, 0, sizeof(*m));
	reader_init(&r, data, len);
	if (reader_u8(&r, &protocol_id) == -1 || reader_u8(&r, &version) == -1 ||
	    reader_u8(&r, &m->command) == -1 || reader_u8(&r, &pad) == -1 ||
	    reader_u32(&r, &m->session_id) == -1 || reader_u16(&r, &body_len) == -1)
		return ucerr_set(err, "TVS: short header (%zu bytes)", len);
	if (protocol_id != TVS_PROTOCOL_ID || version != TVS_VERSION)
		return ucerr_set(err, "TVS: protocol id %u version %u, expected "
		    "%u version %u", protocol_id, version, TVS_PROTOCOL_ID,
		    TVS_VERSION);
	if (reader_sub(&r, body_len, &body) == -1)
		return ucerr_set(err, "TVS: length %u but only %zu bytes",
		    body_len, reader_left(&r));
	if (reader_left(&r) != 0)
		return ucerr_set(err, "TVS: %zu bytes after the message",
		    reader_left(&r));
	while (reader_left(&body) > 0) {
		offset = reader_offset(&body);
		if (reader_u8(&body, &tag) == -1 || reader_u16(&body, &vlen) == -1 ||
		    reader_sub(&body, vlen, &value) == -1)
			return ucerr_set(err, "TVS: element at byte %zu is "
			    "truncated", offset);
		if (element(m, tag, &value, offset, err) == -1)
			return -1;
	}
	return 0;
}

int
tvs_device_name_valid(const char *name)
{
	const char *p = name, *sep;
	size_t i;

	if (strncmp(p, "CP-", 3) != 0)
		return 0;
	p += 3;
	if ((sep = strstr(p, "-SEP")) == NULL || sep == p || sep - p > 16)
		return 0;
	for (; p < sep; p++)
		if (!isalnum((unsigned char)*p))
			return 0;
	p = sep + 4;
	if (strlen(p) != 12)
		return 0;
	for (i = 0; i < 12; i++)
		if (!isdigit((unsigned char)p[i]) && !(p[i] >= 'A' && p[i] <= 'F'))
			return 0;
	return 1;
}

void
tvs_msg_begin(struct writer *w, uint8_t command, uint32_t session_id)
{
	writer_init(w, TVS_MESSAGE_MAX);
	writer_u8(w, TVS_PROTOCOL_ID);
	writer_u8(w, TVS_VERSION);
	writer_u8(w, command);
	writer_u8(w, 0);
	writer_u32(w, session_id);
	writer_u16(w, 0);
}

int
tvs_msg_end(struct writer *w)
{
	if (w->failed || w->len < TVS_HEADER_LEN)
		return -1;
	/* The header ends with the body's u16 length. */
	return writer_fill_length_u16(w, TVS_HEADER_LEN - 2, TVS_HEADER_LEN);
}

int
tvs_put_device_name(struct writer *w, const char *name)
{
	size_t n = strlen(name);

	if (n + 1 > UINT16_MAX) {
		w->failed = 1;
		return -1;
	}
	GUARD(writer_u8(w, TVS_EL_DEVICE_NAME));
	GUARD(writer_u16(w, (uint16_t)(n + 1)));
	GUARD(writer_u8(w, 1));
	return writer_bytes(w, name, n);
}
