/* capf_client.c - the phone's CAPF state machine (see capf_client.h). */
#include <stdio.h>
#include <string.h>

#include "capf_auth.h"
#include "capf_client.h"
#include "capf_msg.h"
#include "device.h"

enum client_state {
	ST_WAIT_AUTH_REQUEST,
	ST_WAIT_OPERATION,	/* KEY_GENERATE / FETCH / DELETE / END */
	ST_WAIT_STORE,		/* key sent, waiting for the LSC */
	ST_WAIT_END,
	ST_DONE,
};

void
capf_client_init(struct capf_client *c)
{
	memset(c, 0, sizeof(*c));
	c->password = "";
}

void
capf_client_free(struct capf_client *c)
{
	EVP_PKEY_free(c->new_key);
	X509_free(c->new_lsc);
	c->new_key = NULL;
	c->new_lsc = NULL;
}

static enum capf_client_action
fail(struct capf_client *c, const char *prefix, const char *detail)
{
	snprintf(c->message, sizeof(c->message), "%s%s", prefix, detail);
	c->outcome = OUTCOME_FAILED;
	c->state = ST_DONE;
	return CLIENT_ERROR;
}

/*
 * AUTH_RESPONSE with a certificate and its proof, or with none (cert
 * NULL).  -1 when the key cannot sign the proof: the caller falls back.
 */
static int
write_auth_response(struct capf_client *c, struct writer *out, X509 *cert,
    EVP_PKEY *key, int is_lsc, struct ucerr *err)
{
	uint8_t *der = NULL;
	int der_len, rc = -1;

	capf_msg_begin(out, CAPF_AUTH_RESPONSE, c->session_id);
	writer_tlv_u8(out, CAPF_EL_REASON, CAPF_REASON_UPDATE_CERTIFICATE);
	writer_tlv_u8(out, CAPF_EL_VERSION, CAPF_VERSION);
	writer_tlv_string(out, CAPF_EL_DEVICE_NAME, c->device_name);
	writer_tlv_string(out, CAPF_EL_PASSWORD, c->password ? c->password : "");
	if (cert != NULL && key != NULL) {
		if ((der_len = i2d_X509(cert, &der)) <= 0) {
			ucerr_set(err, "cannot encode the certificate");
			goto out;
		}
		capf_put_certificate(out, is_lsc ? CAPF_CERT_LSC : CAPF_CERT_MIC,
		    der, (size_t)der_len);
		if (capf_proof_write(out, key, c->device_name, der,
		    (size_t)der_len, err) == -1)
			goto out;
	}
	rc = 0;
out:
	OPENSSL_free(der);
	if (rc == -1)
		writer_free(out);
	return rc;
}

/*
 * Version 2 (Jabber): the name and an update request; the
 * authentication string only when one was keyed in.  No certificate:
 * a softphone has no MIC and v2 carries no proof.
 */
static enum capf_client_action
send_softphone_response(struct capf_client *c, struct writer *out)
{
	capf_msg_begin(out, CAPF_AUTH_RESPONSE, c->session_id);
	writer_tlv_u8(out, CAPF_EL_VERSION, CAPF_VERSION_SOFTPHONE);
	writer_tlv_string(out, CAPF_EL_DEVICE_NAME, c->device_name);
	if (c->password != NULL && c->password[0] != '\0')
		writer_tlv_string(out, CAPF_EL_PASSWORD, c->password);
	writer_tlv_u8(out, CAPF_EL_REASON, CAPF_REASON_UPDATE_CERTIFICATE);
	if (capf_msg_end(out) == -1)
		return fail(c, "", "AUTH_RESPONSE too large");
	c->state = ST_WAIT_OPERATION;
	return CLIENT_SEND;
}

static enum capf_client_action
send_auth_response(struct capf_client *c, struct writer *out)
{
	struct ucerr err;
	uint8_t *der = NULL;
	int der_len;

	/*
	 * As a phone does: the LSC (or MIC) with what proof its key can
	 * sign; if the LSC's key cannot sign at all, the MIC; if that
	 * cannot either, no certificate (enough for By Null String and By
	 * Authentication String).
	 */
	if (write_auth_response(c, out, c->auth_cert, c->auth_key,
	    c->auth_is_lsc, &err) == -1 &&
	    (c->fallback_cert == NULL || write_auth_response(c, out,
	    c->fallback_cert, c->fallback_key, 0, &err) == -1) &&
	    write_auth_response(c, out, NULL, NULL, 0, &err) == -1)
		return fail(c, "", err.msg);
	if (c->sudi != NULL && c->sudi_key != NULL &&
	    (der_len = i2d_X509(c->sudi, &der)) > 0) {
		capf_sudi_write(out, c->sudi_key, der, (size_t)der_len,
		    c->session_id, &err);
		OPENSSL_free(der);
	}
	if (capf_msg_end(out) == -1)
		return fail(c, "", "AUTH_RESPONSE too large");
	c->state = ST_WAIT_OPERATION;
	return CLIENT_SEND;
}

static int
asked_key(const struct capf_msg *m, struct key_spec *spec)
{
	uint8_t type, curve;
	uint16_t size;

	if (capf_msg_u8(m, CAPF_EL_KEY_TYPE, &type, NULL) == -1)
		type = CAPF_KEY_RSA;
	if (type == CAPF_KEY_EC) {
		if (capf_msg_u8(m, CAPF_EL_CURVE, &curve, NULL) == -1 || curve > 2)
			return -1;
		spec->is_ec = 1;
		spec->bits = curve == 0 ? 256 : curve == 1 ? 384 : 521;
		return 0;
	}
	if (type != CAPF_KEY_RSA ||
	    capf_msg_u16(m, CAPF_EL_KEY_SIZE, &size, NULL) == -1)
		return -1;
	if (size != 512 && size != 1024 && size != 2048 && size != 3072 &&
	    size != 4096)
		return -1;
	spec->is_ec = 0;
	spec->bits = size;
	return 0;
}

static enum capf_client_action
on_operation(struct capf_client *c, const struct capf_msg *m,
    struct writer *out)
{
	uint8_t reason = 0xff;
	uint8_t *der = NULL;
	uint16_t delay;
	int der_len;

	switch (m->command) {
	case CAPF_KEY_GENERATE_REQUEST:
		c->operation = CERT_OP_INSTALL;
		if (asked_key(m, &c->asked) == -1)
			return fail(c, "", "KEY_GENERATE_REQUEST asks for an "
			    "unsupported key");
		/* Version 2 has no REQUEST_IN_PROGRESS: the key is the reply. */
		if (!c->softphone) {
			capf_msg_begin(out, CAPF_REQUEST_IN_PROGRESS,
			    c->session_id);
			capf_msg_end(out);
		}
		return CLIENT_KEYGEN;
	case CAPF_DELETE_CERTIFICATE_REQUEST:
		c->operation = CERT_OP_DELETE;
		capf_msg_begin(out, CAPF_DELETE_CERTIFICATE_RESPONSE,
		    c->session_id);
		writer_tlv_u8(out, CAPF_EL_REASON, CAPF_REASON_UPDATE_CERTIFICATE);
		capf_msg_end(out);
		c->state = ST_WAIT_END;
		return CLIENT_SEND;
	case CAPF_FETCH_CERTIFICATE_REQUEST:
		c->operation = CERT_OP_TROUBLESHOOT;
		capf_msg_begin(out, CAPF_FETCH_CERTIFICATE_RESPONSE,
		    c->session_id);
		if (c->current_lsc != NULL &&
		    (der_len = i2d_X509(c->current_lsc, &der)) > 0) {
			writer_tlv_u8(out, CAPF_EL_REASON,
			    CAPF_REASON_UPDATE_CERTIFICATE);
			capf_put_certificate(out, CAPF_CERT_LSC, der,
			    (size_t)der_len);
			OPENSSL_free(der);
		} else if (c->auth_cert != NULL &&
		    (der_len = i2d_X509(c->auth_cert, &der)) > 0) {
			writer_tlv_u8(out, CAPF_EL_REASON,
			    CAPF_REASON_UPDATE_CERTIFICATE);
			capf_put_certificate(out, CAPF_CERT_MIC, der,
			    (size_t)der_len);
			OPENSSL_free(der);
		} else {
			writer_tlv_u8(out, CAPF_EL_REASON,
			    CAPF_REASON_INVALID_ELEMENT);
		}
		capf_msg_end(out);
		c->state = ST_WAIT_END;
		return CLIENT_SEND;
	case CAPF_RETRY_LATER:
		if (capf_msg_u16(m, CAPF_EL_RETRY_DELAY, &delay, NULL) == 0)
			c->retry_delay = delay;
		c->outcome = OUTCOME_RETRY_LATER;
		c->state = ST_DONE;
		return CLIENT_DONE;
	case CAPF_END_SESSION:
		capf_msg_u8(m, CAPF_EL_REASON, &reason, NULL);
		c->end_reason = reason;
		c->outcome = reason == CAPF_REASON_NO_ACTION ? OUTCOME_NO_ACTION :
		    reason == CAPF_REASON_UNKNOWN_DEVICE ? OUTCOME_UNKNOWN_DEVICE :
		    OUTCOME_REJECTED;
		c->state = ST_DONE;
		return CLIENT_DONE;
	default:
		return fail(c, "unexpected ", capf_command_name(m->command));
	}
}

enum capf_client_action
capf_client_keygen(struct capf_client *c, struct writer *out)
{
	struct ucerr err;
	unsigned char *der = NULL;
	const uint8_t *spki = NULL;
	int der_len;

	EVP_PKEY_free(c->new_key);
	c->new_key = c->keygen ? c->keygen(c->keygen_ctx, &c->asked) : NULL;
	if (c->new_key == NULL && key_generate(&c->asked, &c->new_key, &err) == -1)
		return fail(c, "", "key generation failed");
	if (c->keygen_spki != NULL)
		spki = c->keygen_spki(c->keygen_ctx, c->new_key, &der_len);
	if (spki == NULL && (der_len = i2d_PUBKEY(c->new_key, &der)) <= 0)
		return fail(c, "", "cannot encode the public key");
	writer_free(out);
	capf_msg_begin(out, CAPF_KEY_GENERATE_RESPONSE, c->session_id);
	writer_tlv(out, CAPF_EL_PUBLIC_KEY, spki ? spki : der, (size_t)der_len);
	capf_msg_end(out);
	OPENSSL_free(der);
	c->state = ST_WAIT_STORE;
	return CLIENT_SEND;
}

static enum capf_client_action
on_store(struct capf_client *c, const struct capf_msg *m)
{
	struct ucerr err;
	const uint8_t *der;
	size_t len;
	uint8_t type;
	X509 *lsc;

	if (m->command == CAPF_END_SESSION)
		return on_operation(c, m, NULL);
	if (m->command != CAPF_STORE_CERTIFICATE_REQUEST)
		return fail(c, "unexpected ", capf_command_name(m->command));
	if (capf_msg_certificate(m, &der, &len, &type, &err) == -1 ||
	    cert_from_der(der, len, &lsc, &err) == -1)
		return fail(c, "", err.msg);
	if (!cert_matches_key(lsc, c->new_key)) {
		X509_free(lsc);
		return fail(c, "", "the LSC is not for the key sent");
	}
	X509_free(c->new_lsc);
	c->new_lsc = lsc;
	return CLIENT_STORE;
}

enum capf_client_action
capf_client_stored(struct capf_client *c, int ok, struct writer *out)
{
	capf_msg_begin(out, CAPF_STORE_CERTIFICATE_RESPONSE, c->session_id);
	writer_tlv_u8(out, CAPF_EL_REASON, ok ? CAPF_REASON_UPDATE_CERTIFICATE :
	    CAPF_REASON_INVALID_ELEMENT);
	capf_msg_end(out);
	c->state = ST_WAIT_END;
	return CLIENT_SEND;
}

static enum capf_client_action
on_end(struct capf_client *c, const struct capf_msg *m)
{
	uint8_t reason = 0xff;

	if (m->command != CAPF_END_SESSION)
		return fail(c, "unexpected ", capf_command_name(m->command));
	capf_msg_u8(m, CAPF_EL_REASON, &reason, NULL);
	c->end_reason = reason;
	c->state = ST_DONE;
	switch (c->operation) {
	case CERT_OP_INSTALL:
		c->outcome = c->new_lsc ? OUTCOME_INSTALLED : OUTCOME_REJECTED;
		break;
	case CERT_OP_DELETE:
		c->outcome = reason == CAPF_REASON_UPDATE_CERTIFICATE ?
		    OUTCOME_DELETED : OUTCOME_REJECTED;
		break;
	default:
		c->outcome = OUTCOME_FETCHED;
	}
	return CLIENT_DONE;
}

enum capf_client_action
capf_client_handle(struct capf_client *c, const uint8_t *msg, size_t len,
    struct writer *out)
{
	struct capf_msg m;
	struct ucerr err;
	uint8_t version;

	writer_free(out);
	if (capf_msg_decode(msg, len, &m, &err) == -1)
		return fail(c, "", err.msg);
	if (c->state != ST_WAIT_AUTH_REQUEST && m.session_id != c->session_id)
		return fail(c, "", "the server changed the session id");
	switch (c->state) {
	case ST_WAIT_AUTH_REQUEST:
		if (m.command == CAPF_END_SESSION)
			return on_operation(c, &m, out);
		if (m.command != CAPF_AUTH_REQUEST)
			return fail(c, "expected AUTH_REQUEST, got ",
			    capf_command_name(m.command));
		/* A softphone answers a version 3 server in version 2. */
		if (capf_msg_version(&m, &version, &err) == -1 ||
		    (!c->softphone && version != CAPF_VERSION))
			return fail(c, "", "unsupported protocol version");
		c->session_id = m.session_id;
		return c->softphone ? send_softphone_response(c, out) :
		    send_auth_response(c, out);
	case ST_WAIT_OPERATION:
		return on_operation(c, &m, out);
	case ST_WAIT_STORE:
		return on_store(c, &m);
	case ST_WAIT_END:
		return on_end(c, &m);
	default:
		return fail(c, "", "message after the session ended");
	}
}

const char *
capf_client_outcome_name(enum capf_client_outcome outcome)
{
	static const char *const names[OUTCOME_COUNT] = {
		[OUTCOME_NONE] = "none",
		[OUTCOME_INSTALLED] = "installed",
		[OUTCOME_DELETED] = "deleted",
		[OUTCOME_FETCHED] = "fetched",
		[OUTCOME_NO_ACTION] = "no_action",
		[OUTCOME_UNKNOWN_DEVICE] = "unknown_device",
		[OUTCOME_REJECTED] = "rejected",
		[OUTCOME_RETRY_LATER] = "retry_later",
		[OUTCOME_FAILED] = "failed",
	};

	return (unsigned)outcome < OUTCOME_COUNT ? names[outcome] : "unknown";
}
