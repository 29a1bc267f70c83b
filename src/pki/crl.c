/* crl.c - revocation lists (see crl.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "crl.h"
#include "json.h"
#include "store.h"
#include "trust.h"
#include "x509.h"

X509_CRL *
crl_parse(const uint8_t *data, size_t len)
{
	const unsigned char *p = data;
	X509_CRL *crl = NULL;
	BIO *bio;

	if (len > 0x7fffffff)
		return NULL;
	if ((bio = BIO_new_mem_buf(data, (int)len)) != NULL) {
		crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	if (crl == NULL)
		crl = d2i_X509_CRL(NULL, &p, (long)len);
	return crl;
}

struct find_issuer {
	X509_CRL	*crl;
	int		 found;
};

static int
try_issuer(void *arg, const struct trust_row *row)
{
	struct find_issuer *f = arg;
	X509 *cert;

	if (f->found || cert_from_der(row->cert_der, row->cert_len, &cert,
	    NULL) == -1)
		return 0;
	if (X509_NAME_cmp(X509_get_subject_name(cert),
	    X509_CRL_get_issuer(f->crl)) == 0 &&
	    X509_CRL_verify(f->crl, X509_get0_pubkey(cert)) == 1)
		f->found = 1;
	X509_free(cert);
	return 0;
}

int
crl_add(struct store *st, const uint8_t *data, size_t len, char *issuer,
    size_t issuer_len, struct ucerr *err)
{
	struct find_issuer f = { NULL, 0 };
	unsigned char *der = NULL;
	int der_len, rc = -1;

	if ((f.crl = crl_parse(data, len)) == NULL)
		return ucerr_set(err, "CRL: neither PEM nor DER");
	name_oneline(X509_CRL_get_issuer(f.crl), issuer, issuer_len);
	if (store_trust_each(st, NULL, try_issuer, &f, err) != 0)
		goto out;
	if (!f.found) {
		ucerr_set(err, "CRL from %s: no CA in the trust stores signed it",
		    issuer);
		goto out;
	}
	if ((der_len = i2d_X509_CRL(f.crl, &der)) <= 0) {
		ucerr_set(err, "CRL from %s: cannot encode it", issuer);
		goto out;
	}
	if (store_crl_add(st, issuer, der, (size_t)der_len, err) == -1)
		goto out;
	rc = 0;
out:
	OPENSSL_free(der);
	X509_CRL_free(f.crl);
	return rc;
}

static int
collect_crl(void *arg, const uint8_t *der, size_t len)
{
	STACK_OF(X509_CRL) *crls = arg;
	const unsigned char *p = der;
	X509_CRL *crl;

	/* A row that no longer parses is skipped: it was checked when added. */
	crl = d2i_X509_CRL(NULL, &p, (long)len);
	if (crl != NULL && !sk_X509_CRL_push(crls, crl))
		X509_CRL_free(crl);
	return 0;
}

int
crl_all(struct store *st, STACK_OF(X509_CRL) **out, struct ucerr *err)
{
	if ((*out = sk_X509_CRL_new_null()) == NULL)
		return ucerr_set(err, "CRL: out of memory");
	if (store_crl_each(st, collect_crl, *out, err) == -1) {
		sk_X509_CRL_pop_free(*out, X509_CRL_free);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
crl_revoked(STACK_OF(X509_CRL) *crls, X509 *cert)
{
	X509_REVOKED *rev;
	int i;

	for (i = 0; crls != NULL && i < sk_X509_CRL_num(crls); i++)
		if (X509_NAME_cmp(X509_CRL_get_issuer(sk_X509_CRL_value(crls, i)),
		    X509_get_issuer_name(cert)) == 0 &&
		    X509_CRL_get0_by_cert(sk_X509_CRL_value(crls, i), &rev,
		    cert) == 1)
			return 1;
	return 0;
}

static int
add_entry(X509_CRL *crl, const struct crl_entry *e)
{
	X509_REVOKED *rev = X509_REVOKED_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *serial = NULL;
	ASN1_TIME *when = NULL;
	ASN1_ENUMERATED *reason = NULL;
	int ok = 0;

	if (rev == NULL || BN_hex2bn(&bn, e->serial_hex) == 0 ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    (when = ASN1_TIME_set(NULL, e->revoked_at)) == NULL ||
	    !X509_REVOKED_set_serialNumber(rev, serial) ||
	    !X509_REVOKED_set_revocationDate(rev, when))
		goto out;
	if (e->reason != 0 && ((reason = ASN1_ENUMERATED_new()) == NULL ||
	    !ASN1_ENUMERATED_set(reason, e->reason) ||
	    !X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0, 0)))
		goto out;
	if (X509_CRL_add0_revoked(crl, rev)) {
		rev = NULL;
		ok = 1;
	}
out:
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(when);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	X509_REVOKED_free(rev);
	return ok;
}

int
crl_sign(X509 *ca, EVP_PKEY *key, const struct crl_entry *entries, size_t n,
    time_t this_update, time_t next_update, long number, X509_CRL **out,
    struct ucerr *err)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t1 = ASN1_TIME_set(NULL, this_update);
	ASN1_TIME *t2 = ASN1_TIME_set(NULL, next_update);
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(ca);
	size_t i;
	int ok = 0;

	*out = NULL;
	if (crl == NULL || t1 == NULL || t2 == NULL || num == NULL ||
	    akid == NULL || !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) ||
	    !X509_CRL_set1_lastUpdate(crl, t1) ||
	    !X509_CRL_set1_nextUpdate(crl, t2) ||
	    !ASN1_INTEGER_set(num, number) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0))
		goto out;
	if (ski != NULL && ((akid->keyid = ASN1_OCTET_STRING_dup(ski)) == NULL ||
	    !X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, akid, 0,
	    0)))
		goto out;
	for (i = 0; i < n; i++)
		if (!add_entry(crl, &entries[i]))
			goto out;
	if (!X509_CRL_sort(crl) || X509_CRL_sign(crl, key, EVP_sha256()) <= 0)
		goto out;
	*out = crl;
	crl = NULL;
	ok = 1;
out:
	AUTHORITY_KEYID_free(akid);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t2);
	ASN1_TIME_free(t1);
	X509_CRL_free(crl);
	return ok ? 0 : ucerr_ssl(err, "CRL: cannot sign");
}

void
crl_info_get(X509_CRL *crl, struct crl_info *info)
{
	memset(info, 0, sizeof(*info));
	name_oneline(X509_CRL_get_issuer(crl), info->issuer,
	    sizeof(info->issuer));
	/* A CRL that revokes nothing has no list at all (-1). */
	if ((info->revoked = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl))) < 0)
		info->revoked = 0;
	info->last_update = asn1_time_to_unix(X509_CRL_get0_lastUpdate(crl));
	if (X509_CRL_get0_nextUpdate(crl) != NULL)
		info->next_update = asn1_time_to_unix(
		    X509_CRL_get0_nextUpdate(crl));
}

int
crl_list_json(struct json *j, struct store *st, struct ucerr *err)
{
	STACK_OF(X509_CRL) *crls;
	struct crl_info info;
	int i;

	if (crl_all(st, &crls, err) == -1)
		return -1;
	json_array_begin(j, NULL);
	for (i = 0; i < sk_X509_CRL_num(crls); i++) {
		crl_info_get(sk_X509_CRL_value(crls, i), &info);
		json_object_begin(j, NULL);
		json_string(j, "issuer", info.issuer);
		json_int(j, "revoked", info.revoked);
		json_time(j, "last_update", info.last_update);
		if (info.next_update != 0)
			json_time(j, "next_update", info.next_update);
		else
			json_null(j, "next_update");
		json_object_end(j);
	}
	json_array_end(j);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return 0;
}
