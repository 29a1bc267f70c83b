/* revoke.c - CAPF's revocations and its CRL (see revoke.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>

#include "clock.h"
#include "crl.h"
#include "device.h"
#include "fileio.h"
#include "identity.h"
#include "publish.h"
#include "revoke.h"
#include "store.h"
#include "store_device.h"
#include "x509.h"

/* "0A:1b:..." as the lsc table writes serials (BN_bn2hex, lower case). */
static int
serial_normalize(const char *in, char *out, size_t outlen)
{
	char hex[128], *s;
	BIGNUM *bn = NULL;
	size_t n = 0, i;

	for (i = 0; in[i] != '\0'; i++) {
		if (in[i] == ':' || in[i] == ' ')
			continue;
		if (n + 1 >= sizeof(hex) || !((in[i] >= '0' && in[i] <= '9') ||
		    (in[i] >= 'a' && in[i] <= 'f') ||
		    (in[i] >= 'A' && in[i] <= 'F')))
			return -1;
		hex[n++] = in[i];
	}
	hex[n] = '\0';
	if (n == 0 || BN_hex2bn(&bn, hex) == 0)
		return -1;
	s = BN_bn2hex(bn);
	BN_free(bn);
	if (s == NULL)
		return -1;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
	snprintf(out, outlen, "%s", s);
	OPENSSL_free(s);
	return 0;
}

/* The current CAPF's SHA-256 (what the lsc table records as issuer). */
static int
capf_sha256(struct store *st, char out[65], struct ucerr *err)
{
	X509 *capf;

	if (identity_load(st, "CAPF", &capf, NULL, err) == -1)
		return -1;
	cert_sha256_hex(capf, out);
	X509_free(capf);
	return 0;
}

static int
revoke_sel(struct store *st, enum revoke_which which, const char *device,
    const char *serial, int reason, struct revoke_result *r,
    struct ucerr *err)
{
	char sha[65];

	return capf_sha256(st, sha, err) == -1 ? -1 : store_revoke(st, which,
	    device, serial, reason, (int64_t)clock_now(), sha, &r->matched,
	    &r->revoked, &r->other_ca, err);
}

/* The device's record says who revoked what (it may be gone: no line). */
static int
note_history(struct store *st, const char *device, const char *serial,
    int superseded, struct ucerr *err)
{
	struct device d;
	int found;

	if ((found = store_device_get(st, device, &d, err)) != 1)
		return found;
	device_free(&d);
	return store_device_history_add(st, device, CERT_OP_NONE,
	    CERT_STATUS_NONE, "", serial ? "LSC revoked by administrator" :
	    superseded ? "superseded LSCs revoked by administrator" :
	    "every LSC revoked by administrator", err);
}

int
capf_revoke(struct store *st, const char *target, const char *serial,
    int superseded, struct revoke_result *r, struct ucerr *err)
{
	char norm[128];
	const char *device = NULL, *sel;

	memset(r, 0, sizeof(*r));
	if (device_name_valid(target))
		device = target;
	else if (serial != NULL)
		return ucerr_set(err, "%s: not a device name", target);
	else if (superseded)
		return ucerr_set(err, "%s: --superseded needs a device name",
		    target);
	else
		serial = target;
	sel = serial;
	if (serial != NULL) {
		if (serial_normalize(serial, norm, sizeof(norm)) == -1)
			return device ? ucerr_set(err, "%s: not an LSC serial",
			    serial) : ucerr_set(err, "%s: neither a device name "
			    "nor an LSC serial", target);
		sel = norm;
	}
	if (store_begin(st, err) == -1)
		return -1;
	if (revoke_sel(st, superseded ? REVOKE_SUPERSEDED : REVOKE_ALL, device,
	    sel, superseded ? CRL_REASON_SUPERSEDED : CRL_REASON_UNSPECIFIED,
	    r, err) == -1 || (device != NULL && r->revoked > 0 &&
	    note_history(st, device, sel, superseded, err) == -1) ||
	    store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	if (r->matched == 0)
		return device == NULL ? ucerr_set(err, "%s: no LSC with this "
		    "serial on record", target) : ucerr_set(err, "%s: no %sLSC "
		    "on record", target, serial ? "such " : superseded ?
		    "superseded " : "");
	return 0;
}

int
capf_revoke_deleted(struct store *st, const char *device, struct ucerr *err)
{
	int matched, revoked;

	return store_revoke(st, REVOKE_CURRENT, device, NULL,
	    CRL_REASON_CESSATION_OF_OPERATION, (int64_t)clock_now(), NULL,
	    &matched, &revoked, NULL, err);
}

int
capf_device_remove(struct store *st, const char *name,
    struct revoke_result *r, struct ucerr *err)
{
	memset(r, 0, sizeof(*r));
	if (store_begin(st, err) == -1)
		return -1;
	if (revoke_sel(st, REVOKE_ALL, name, NULL,
	    CRL_REASON_CESSATION_OF_OPERATION, r, err) == -1 ||
	    store_device_remove(st, name, err) == -1 ||
	    store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

static int
crl_path(struct store *st, char *out, size_t outlen, struct ucerr *err)
{
	char dir[4096];

	if (tftp_dir(st, dir, sizeof(dir), err) == -1)
		return -1;
	return path_join(out, outlen, dir, CAPF_CRL_FILE, err);
}

int
capf_crl_load(struct store *st, X509_CRL **out, struct ucerr *err)
{
	char path[4096];
	const unsigned char *p;
	uint8_t *data;
	size_t len;

	*out = NULL;
	if (crl_path(st, path, sizeof(path), err) == -1)
		return -1;
	if (!path_exists(path))
		return 0;
	if (file_read(path, 1u << 24, &data, &len, err) == -1)
		return -1;
	p = data;
	*out = d2i_X509_CRL(NULL, &p, (long)len);
	free(data);
	if (*out == NULL)
		return ucerr_set(err, "%s: not a DER CRL", path);
	return 0;
}

struct entries {
	struct crl_entry	*v;
	char			(*serials)[64];
	size_t			 n;
};

static int
collect(void *arg, const struct lsc_row *row)
{
	struct entries *e = arg;
	struct crl_entry *v = reallocarray(e->v, e->n + 1, sizeof(*v));
	char (*s)[64];

	if (v == NULL)
		return 1;
	e->v = v;
	if ((s = reallocarray(e->serials, e->n + 1, 64)) == NULL)
		return 1;
	e->serials = s;
	snprintf(s[e->n], 64, "%s", row->serial);
	e->v[e->n].revoked_at = (time_t)row->revoked_at;
	e->v[e->n].reason = row->revoke_reason;
	e->n++;
	return 0;
}

/* Does the published CRL still say what it must, for long enough? */
static int
crl_current(X509_CRL *crl, X509 *capf, const struct entries *e, time_t now)
{
	X509_REVOKED *rev;
	ASN1_INTEGER *serial;
	BIGNUM *bn;
	time_t next;
	size_t i;
	int found;

	if (crl == NULL || X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(capf)) != 0 ||
	    X509_CRL_verify(crl, X509_get0_pubkey(capf)) != 1)
		return 0;
	next = asn1_time_to_unix(X509_CRL_get0_nextUpdate(crl));
	if (next - now < (time_t)CAPF_CRL_DAYS * 86400 / 2)
		return 0;
	if ((size_t)sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) != e->n)
		return 0;
	for (i = 0; i < e->n; i++) {
		bn = NULL;
		if (BN_hex2bn(&bn, e->serials[i]) == 0)
			return 0;
		serial = BN_to_ASN1_INTEGER(bn, NULL);
		BN_free(bn);
		found = serial != NULL &&
		    X509_CRL_get0_by_serial(crl, &rev, serial) == 1;
		ASN1_INTEGER_free(serial);
		if (!found)
			return 0;
	}
	return 1;
}

int
capf_crl_publish(struct store *st, time_t now, int *signed_new,
    struct ucerr *err)
{
	struct entries e = { NULL, NULL, 0 };
	X509 *capf = NULL;
	EVP_PKEY *key = NULL;
	X509_CRL *old = NULL, *crl = NULL;
	char issuer[512], sha[65], path[4096], num[32];
	unsigned char *der = NULL;
	long number = 0;
	size_t i;
	struct identity_row row;
	int der_len, each, have, rc = -1;

	*signed_new = 0;
	/* No CAPF yet (a store being set up): nothing can be revoked.  A
	 * subscriber has no CAPF key: the publisher signs the CRL. */
	if ((have = store_node_is_publisher(st, err)) != 1 ||
	    (have = store_identity_get(st, "CAPF", &row, err)) != 1)
		return have;
	identity_row_free(&row);
	if (identity_load(st, "CAPF", &capf, &key, err) == -1)
		return -1;
	name_oneline(X509_get_subject_name(capf), issuer, sizeof(issuer));
	cert_sha256_hex(capf, sha);
	/* collect says 1 when out of memory; -1 is the store's. */
	if ((each = store_revoked_each(st, sha, issuer, collect, &e,
	    err)) != 0) {
		if (each == 1)
			ucerr_set(err, "CRL: out of memory");
		goto out;
	}
	for (i = 0; i < e.n; i++)
		e.v[i].serial_hex = e.serials[i];
	/* A damaged file is simply replaced. */
	if (capf_crl_load(st, &old, NULL) == 0 &&
	    crl_current(old, capf, &e, now)) {
		rc = 0;
		goto out;
	}
	if (store_meta_get(st, "capf.crl_number", num, sizeof(num), err) == -1)
		goto out;
	number = strtol(num, NULL, 10) + 1;
	snprintf(num, sizeof(num), "%ld", number);
	if (crl_sign(capf, key, e.v, e.n, now, now + (time_t)CAPF_CRL_DAYS *
	    86400, number, &crl, err) == -1 ||
	    store_meta_set(st, "capf.crl_number", num, err) == -1 ||
	    crl_path(st, path, sizeof(path), err) == -1)
		goto out;
	if ((der_len = i2d_X509_CRL(crl, &der)) <= 0) {
		ucerr_set(err, "CRL: cannot encode");
		goto out;
	}
	if (file_write_atomic(path, der, (size_t)der_len, 0644, err) == -1)
		goto out;
	*signed_new = 1;
	rc = 0;
out:
	OPENSSL_free(der);
	X509_CRL_free(crl);
	X509_CRL_free(old);
	free(e.v);
	free(e.serials);
	EVP_PKEY_free(key);
	X509_free(capf);
	return rc;
}
