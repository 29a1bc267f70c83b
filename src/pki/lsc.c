/* lsc.c - issuing LSCs (see lsc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/decoder.h>
#include <openssl/x509v3.h>

#include "lsc.h"
#include "store.h"

int
lsc_days(struct store *st, long *days, struct ucerr *err)
{
	char value[32];
	int found;

	if ((found = store_meta_get(st, "capf.lsc_days", value, sizeof(value),
	    err)) == -1)
		return -1;
	*days = found ? strtol(value, NULL, 10) : LSC_DAYS_DEFAULT;
	if (*days <= 0)
		*days = LSC_DAYS_DEFAULT;
	return 0;
}

int
spki_decoder_init(struct spki_decoder *d)
{
	d->out = NULL;
	d->ctx = OSSL_DECODER_CTX_new_for_pkey(&d->out, "DER",
	    "SubjectPublicKeyInfo", NULL, EVP_PKEY_PUBLIC_KEY, NULL, NULL);
	return d->ctx != NULL ? 0 : -1;
}

void
spki_decoder_free(struct spki_decoder *d)
{
	OSSL_DECODER_CTX_free(d->ctx);
	EVP_PKEY_free(d->out);
	d->ctx = NULL;
	d->out = NULL;
}

static EVP_PKEY *
decode_spki(struct spki_decoder *dec, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	size_t left = len;
	EVP_PKEY *key;

	if (dec == NULL || dec->ctx == NULL) {
		key = d2i_PUBKEY(NULL, &p, (long)len);
		if (key != NULL && p != der + len) {
			EVP_PKEY_free(key);
			key = NULL;
		}
		return key;
	}
	dec->out = NULL;
	if (OSSL_DECODER_from_data(dec->ctx, &p, &left) != 1 || left != 0) {
		EVP_PKEY_free(dec->out);
		dec->out = NULL;
		return NULL;
	}
	key = dec->out;
	dec->out = NULL;
	return key;
}

int
lsc_public_key(struct spki_decoder *dec, const uint8_t *der, size_t len,
    const struct key_spec *asked, int allow_rsa512, EVP_PKEY **out,
    struct ucerr *err)
{
	EVP_PKEY *key;
	int is_ec, bits;

	*out = NULL;
	if (len == 0 || len > 4096)
		return ucerr_set(err, "PUBLIC_KEY: %zu bytes is not a key", len);
	if ((key = decode_spki(dec, der, len)) == NULL)
		return ucerr_ssl(err, "PUBLIC_KEY: not a DER SubjectPublicKeyInfo");
	is_ec = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC;
	bits = EVP_PKEY_get_bits(key);
	if (!is_ec && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		EVP_PKEY_free(key);
		return ucerr_set(err, "PUBLIC_KEY: neither RSA nor EC");
	}
	if (is_ec != asked->is_ec || bits != asked->bits) {
		EVP_PKEY_free(key);
		return ucerr_set(err, "PUBLIC_KEY: %s %d bits, but %s %d was asked "
		    "for", is_ec ? "EC" : "RSA", bits, asked->is_ec ? "EC" : "RSA",
		    asked->bits);
	}
	if (!is_ec && bits < 1024 && !(allow_rsa512 && bits == 512)) {
		EVP_PKEY_free(key);
		return ucerr_set(err, "PUBLIC_KEY: RSA %d bits is too weak", bits);
	}
	*out = key;
	return 0;
}

static void
ca_field(X509 *ca, int nid, char *out, size_t outlen)
{
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(ca), nid, out,
	    (int)outlen) < 0)
		out[0] = '\0';
}

int
lsc_issue(X509 *ca, EVP_PKEY *ca_key, const char *device_name,
    const uint8_t *spki_der, size_t spki_len, const EVP_MD *md, long days,
    X509 **out, struct ucerr *err)
{
	struct cert_template t;
	char o[128], ou[128], l[128], st[128], c[8];

	ca_field(ca, NID_organizationName, o, sizeof(o));
	ca_field(ca, NID_organizationalUnitName, ou, sizeof(ou));
	ca_field(ca, NID_localityName, l, sizeof(l));
	ca_field(ca, NID_stateOrProvinceName, st, sizeof(st));
	ca_field(ca, NID_countryName, c, sizeof(c));
	memset(&t, 0, sizeof(t));
	t.subject.cn = device_name;
	t.subject.o = o;
	t.subject.ou = ou;
	t.subject.l = l;
	t.subject.st = st;
	t.subject.c = c;
	t.profile = PROFILE_LSC;
	t.days = days;
	t.md = md;
	t.spki_der = spki_der;
	t.spki_len = spki_len;
	return cert_build(&t, NULL, ca, ca_key, out, err);
}
