/*
 * crl.h - certificate revocation lists for the trust stores: added after
 * their signature verifies against a CA in a trust store; the monitor
 * raises CertificateRevoked for a trust certificate a CRL lists.
 */
#ifndef UCPKI_CRL_H
#define UCPKI_CRL_H

#include <stdio.h>

#include <openssl/x509.h>

#include "err.h"

struct store;

/* PEM or DER; NULL when neither (caller frees with X509_CRL_free). */
X509_CRL *crl_parse(const uint8_t *data, size_t len);
int	crl_add(struct store *st, const uint8_t *data, size_t len,
	    char *issuer, size_t issuer_len, struct ucerr *err);
/* Every CRL (caller frees with sk_X509_CRL_pop_free). */
int	crl_all(struct store *st, STACK_OF(X509_CRL) **out, struct ucerr *err);
/* Is cert revoked by one of crls? */
int	crl_revoked(STACK_OF(X509_CRL) *crls, X509 *cert);

#endif
