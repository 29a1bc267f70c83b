/* crl.c - revocation lists (see crl.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "crl.h"
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
	rc = store_crl_add(st, issuer, der, (size_t)der_len, err);
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
