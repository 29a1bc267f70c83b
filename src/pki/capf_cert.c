/* capf_cert.c - certificates bound to devices for CAPF (see capf_cert.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "capf_auth.h"
#include "capf_cert.h"
#include "store_device.h"
#include "x509.h"

static int refuse(struct capf_cert_verdict *v, const char *fmt, ...)
    UC_PRINTF(2, 3);

static int
refuse(struct capf_cert_verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
	return -1;
}

int
capf_cert_is_mic(X509 *cert)
{
	char cn[128];

	cert_common_name(cert, cn, sizeof(cn));
	return strncmp(cn, "CP-", 3) == 0;
}

/*
 * The device a manufacturing certificate names: CN CP-<model>-<name>.
 * Returns the name part (after the last '-'), or NULL when the CN does
 * not have that shape.
 */
static const char *
mfg_cert_device(const char *cn)
{
	const char *dash = strrchr(cn, '-');

	if (strncmp(cn, "CP-", 3) != 0 || dash == NULL || dash < cn + 4 ||
	    dash[1] == '\0')
		return NULL;
	return dash + 1;
}

/* Expired or not yet valid, said with the date, before any chain work. */
static int
check_validity(const struct capf_cert_ctx *c, X509 *cert, const char *what,
    struct capf_cert_verdict *v)
{
	time_t now = c->now;
	char when[40];

	if (X509_cmp_time(X509_get0_notAfter(cert), &now) < 0) {
		time_format(asn1_time_to_unix(X509_get0_notAfter(cert)), when,
		    sizeof(when));
		return refuse(v, "the %s expired on %s", what, when);
	}
	if (X509_cmp_time(X509_get0_notBefore(cert), &now) > 0) {
		time_format(asn1_time_to_unix(X509_get0_notBefore(cert)), when,
		    sizeof(when));
		return refuse(v, "the %s is not valid before %s", what, when);
	}
	return 0;
}

/* A CAPF certificate: this node's, any CA that issued an LSC on record,
 * or one named as CUCM names CAPFs (CAPF-<hex>). */
static int
is_capf(const struct capf_cert_ctx *c, X509 *cert)
{
	char cn[128], sha[65];

	if (c->capf != NULL && X509_cmp(cert, c->capf) == 0)
		return 1;
	cert_common_name(cert, cn, sizeof(cn));
	if (strncmp(cn, "CAPF-", 5) == 0)
		return 1;
	cert_sha256_hex(cert, sha);
	return store_lsc_issuer_known(c->st, sha, NULL) == 1;
}

/*
 * Verifies cert against CAPF-trust at c->now; *chain gets the chain
 * (leaf first) on success.  On failure, OpenSSL's verify error.
 */
static int
chain_verify(const struct capf_cert_ctx *c, X509 *cert,
    STACK_OF(X509) **chain, int *verify_error)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;

	*chain = NULL;
	*verify_error = X509_V_ERR_UNSPECIFIED;
	if (c->trust != NULL && ctx != NULL &&
	    X509_STORE_CTX_init(ctx, c->trust, cert, NULL) == 1) {
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
		X509_STORE_CTX_set_time(ctx, 0, c->now);
		if (X509_verify_cert(ctx) == 1) {
			ok = 1;
			*chain = X509_STORE_CTX_get1_chain(ctx);
		} else {
			*verify_error = X509_STORE_CTX_get_error(ctx);
		}
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok && *chain != NULL ? 0 : -1;
}

static int
issuer_missing(int verify_error)
{
	return verify_error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    verify_error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	    verify_error == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	    verify_error == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	    verify_error == X509_V_ERR_UNSPECIFIED;
}

static int
lsc_names_device(const struct capf_cert_ctx *c, X509 *cert,
    struct capf_cert_verdict *v)
{
	char cn[128];

	v->is_mic = 0;
	cert_common_name(cert, cn, sizeof(cn));
	if (strcmp(cn, c->device) != 0)
		return refuse(v, "the LSC names %s, not %s", cn[0] ? cn :
		    "no device", c->device);
	return 0;
}

/* The lsc table holds these very bytes, issued to c->device. */
static int
lsc_on_record(const struct capf_cert_ctx *c, X509 *cert, const uint8_t *der,
    size_t len, struct lsc_row *row, struct capf_cert_verdict *v)
{
	struct ucerr err;
	char serial[64];
	int found;

	cert_serial_hex(cert, serial, sizeof(serial));
	if ((found = store_lsc_find(c->st, der, len, serial, row, &err)) == -1)
		return refuse(v, "%s", err.msg);
	if (found == 0)
		return refuse(v, "the LSC (serial %s) is not one this cluster "
		    "issued to %s", serial, c->device);
	if (strcmp(row->device, c->device) != 0)
		return refuse(v, "the LSC (serial %s) was issued to %s, not %s",
		    serial, row->device, c->device);
	snprintf(v->issuer_sha256, sizeof(v->issuer_sha256), "%s",
	    row->issuer_sha256);
	return 0;
}

int
capf_lsc_issued(const struct capf_cert_ctx *c, X509 *cert, const uint8_t *der,
    size_t len, struct capf_cert_verdict *v)
{
	struct lsc_row row;

	if (lsc_names_device(c, cert, v) == -1)
		return -1;
	return lsc_on_record(c, cert, der, len, &row, v);
}

int
capf_lsc_check(const struct capf_cert_ctx *c, X509 *cert, const uint8_t *der,
    size_t len, struct capf_cert_verdict *v)
{
	STACK_OF(X509) *chain;
	struct lsc_row row;
	char serial[64], when[40];
	int verr;

	if (lsc_names_device(c, cert, v) == -1)
		return -1;
	if (check_validity(c, cert, "LSC", v) == -1)
		return -1;
	if (chain_verify(c, cert, &chain, &verr) == -1)
		return issuer_missing(verr) ?
		    refuse(v, "the LSC's issuer is not in CAPF-trust") :
		    refuse(v, "the LSC does not verify against CAPF-trust: %s",
		    X509_verify_cert_error_string(verr));
	sk_X509_pop_free(chain, X509_free);
	if (lsc_on_record(c, cert, der, len, &row, v) == -1)
		return -1;
	if (row.revoked_at != 0) {
		cert_serial_hex(cert, serial, sizeof(serial));
		time_format((time_t)row.revoked_at, when, sizeof(when));
		return refuse(v, "the LSC (serial %s) was revoked on %s", serial,
		    when);
	}
	return 0;
}

/*
 * A manufacturing certificate (MIC or SUDI) of c->device: its validity,
 * a chain to CAPF-trust that passes through no CAPF, and its name.
 */
static int
mfg_check(const struct capf_cert_ctx *c, X509 *cert, const char *what,
    const char *ca_kind, struct capf_cert_verdict *v)
{
	STACK_OF(X509) *chain;
	const char *named;
	char cn[128], capf_cn[128];
	int i, verr;

	if (check_validity(c, cert, what, v) == -1)
		return -1;
	if (chain_verify(c, cert, &chain, &verr) == -1)
		return issuer_missing(verr) ?
		    refuse(v, "the %s does not chain to a CA in CAPF-trust",
		    what) :
		    refuse(v, "the %s does not verify against CAPF-trust: %s",
		    what, X509_verify_cert_error_string(verr));
	for (i = 1; i < sk_X509_num(chain); i++) {
		if (!is_capf(c, sk_X509_value(chain, i)))
			continue;
		cert_common_name(sk_X509_value(chain, i), capf_cn,
		    sizeof(capf_cn));
		sk_X509_pop_free(chain, X509_free);
		return refuse(v, "the %s chains to a CAPF (%s), not to a %s CA",
		    what, capf_cn, ca_kind);
	}
	sk_X509_pop_free(chain, X509_free);
	cert_common_name(cert, cn, sizeof(cn));
	if ((named = mfg_cert_device(cn)) == NULL)
		return refuse(v, "the %s's CN (%s) is not CP-<model>-<device>",
		    what, cn);
	if (strcmp(named, c->device) != 0)
		return refuse(v, "the %s names %s, not %s", what, named,
		    c->device);
	return 0;
}

int
capf_mic_check(const struct capf_cert_ctx *c, X509 *cert,
    struct capf_cert_verdict *v)
{
	v->is_mic = 1;
	return mfg_check(c, cert, "MIC", "manufacturing", v);
}

static int
sudi_check(const struct capf_cert_ctx *c, const uint8_t *data, size_t len,
    uint32_t session_id, const uint8_t *cert_der, size_t cert_len,
    struct capf_cert_verdict *v)
{
	struct ucerr err;
	uint8_t *sudi_der = NULL;
	size_t sudi_len = 0;
	X509 *sudi;
	int rc, same;

	if (capf_sudi_verify(data, len, session_id, &sudi, &err) == -1)
		return refuse(v, "%s", err.msg);
	if (cert_to_der(sudi, &sudi_der, &sudi_len, &err) == -1) {
		X509_free(sudi);
		return refuse(v, "%s", err.msg);
	}
	same = sudi_len == cert_len && memcmp(sudi_der, cert_der, cert_len) == 0;
	OPENSSL_free(sudi_der);
	/* The certificate already judged, signed again over the session. */
	rc = same ? 0 : mfg_check(c, sudi, "SUDI", "SUDI", v);
	X509_free(sudi);
	return rc;
}

int
capf_cert_authenticate(const struct capf_cert_ctx *c, const struct capf_msg *m,
    uint32_t session_id, struct capf_cert_verdict *v)
{
	const uint8_t *der, *sig, *sha2, *sudi;
	size_t der_len, sig_len, sha2_len, sudi_len;
	struct ucerr err;
	uint8_t type;
	X509 *cert = NULL;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	if (capf_msg_certificate(m, &der, &der_len, &type, &err) == -1 ||
	    cert_from_der(der, der_len, &cert, &err) == -1) {
		/* No claim to judge by: the phone's own word on the type. */
		v->is_mic = capf_msg_certificate(m, &der, &der_len, &type,
		    NULL) == 0 && type == CAPF_CERT_MIC;
		return refuse(v, "no usable certificate presented");
	}
	v->is_mic = capf_cert_is_mic(cert);
	if (capf_msg_bytes(m, CAPF_EL_SIGNED_DATA, &sig, &sig_len, NULL) == -1) {
		refuse(v, "SIGNED_DATA missing");
		goto out;
	}
	/* Absent only for keys too small for SHA-512 (capf_proof_verify
	 * refuses its absence for any other key: no downgrade). */
	if (capf_msg_bytes(m, CAPF_EL_SHA2_SIGNED_DATA, &sha2, &sha2_len,
	    NULL) == -1) {
		sha2 = NULL;
		sha2_len = 0;
	}
	if (capf_proof_verify(cert, c->device, der, der_len, sig, sig_len,
	    sha2, sha2_len, &err) == -1) {
		refuse(v, "the certificate's signed data does not verify");
		goto out;
	}
	if ((v->is_mic ? capf_mic_check(c, cert, v) :
	    capf_lsc_check(c, cert, der, der_len, v)) == -1)
		goto out;
	if (capf_msg_bytes(m, CAPF_EL_SUDI_DATA, &sudi, &sudi_len, NULL) == 0 &&
	    sudi_check(c, sudi, sudi_len, session_id, der, der_len, v) == -1)
		goto out;
	rc = 0;
out:
	X509_free(cert);
	return rc;
}
