/*
 * lsc.h - issuing Locally Significant Certificates.
 *
 * Subject CN = device name plus O/OU/L/ST/C of the issuing CA; issuer =
 * the CA's subject; 16-byte random serial; basicConstraints CA:FALSE and
 * keyUsage digitalSignature, keyEncipherment, both critical; EKU
 * serverAuth, clientAuth, ipsecEndSystem; SHA-256.
 */
#ifndef UCPKI_LSC_H
#define UCPKI_LSC_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"
#include "x509.h"

struct store;

#define LSC_DAYS_DEFAULT	1825

/* capf.lsc_days from the store, else the default. */
int	lsc_days(struct store *st, long *days, struct ucerr *err);

/*
 * A reusable SubjectPublicKeyInfo decoder: building one costs OpenSSL 3.0
 * ~200 us, using one ~15 us.  One per thread (each event loop has one).
 */
struct spki_decoder {
	struct ossl_decoder_ctx_st	*ctx;
	EVP_PKEY			*out;
};

int	spki_decoder_init(struct spki_decoder *d);
void	spki_decoder_free(struct spki_decoder *d);

/*
 * Parses the phone's PUBLIC_KEY (DER SubjectPublicKeyInfo) and checks it
 * is the key asked for.  RSA below 1024 bits only with allow_rsa512.
 * dec may be NULL (a one-off decode).
 */
int	lsc_public_key(struct spki_decoder *dec, const uint8_t *der, size_t len,
	    const struct key_spec *asked, int allow_rsa512, EVP_PKEY **out,
	    struct ucerr *err);

/* md NULL: SHA-256 (fetched on each call; servers pass a fetched one). */
int	lsc_issue(X509 *ca, EVP_PKEY *ca_key, const char *device_name,
	    const uint8_t *spki_der, size_t spki_len, const EVP_MD *md,
	    long days, X509 **out, struct ucerr *err);

#endif
