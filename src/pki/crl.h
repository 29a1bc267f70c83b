/*
 * crl.h - certificate revocation lists for the trust stores: added after
 * their signature verifies against a CA in a trust store; the monitor
 * raises CertificateRevoked for a trust certificate a CRL lists.
 */
#ifndef UCPKI_CRL_H
#define UCPKI_CRL_H

#include <stdio.h>
#include <time.h>

#include <openssl/x509.h>

#include "err.h"

struct store;

/* PEM or DER; NULL when neither (caller frees with X509_CRL_free). */
X509_CRL *crl_parse(const uint8_t *data, size_t len);
/* Adds a CRL a trusted CA signed (certmgr_crl_add also rewrites the
 * exports that hold the CRLs: front ends call that). */
int	crl_add(struct store *st, const uint8_t *data, size_t len,
	    char *issuer, size_t issuer_len, struct ucerr *err);
/* Every CRL (caller frees with sk_X509_CRL_pop_free). */
int	crl_all(struct store *st, STACK_OF(X509_CRL) **out, struct ucerr *err);
/* What `crl list` shows of a CRL. */
struct crl_info {
	char	 issuer[512];
	int	 revoked;
	time_t	 last_update;
	time_t	 next_update;		/* 0: none */
};
void	crl_info_get(X509_CRL *crl, struct crl_info *info);
/* Every CRL's facts as `crl list --json` shows them. */
struct json;
int	crl_list_json(struct json *j, struct store *st, struct ucerr *err);
/* Is cert revoked by one of crls? */
int	crl_revoked(STACK_OF(X509_CRL) *crls, X509 *cert);

/* One entry of a CRL being signed. */
struct crl_entry {
	const char	*serial_hex;
	time_t		 revoked_at;
	int		 reason;	/* CRL reason code; 0 unspecified (left out) */
};

/*
 * A version 2 CRL issued by ca with its key: the entries, thisUpdate and
 * nextUpdate, a CRL number and the CA's key identifier, SHA-256.
 */
int	crl_sign(X509 *ca, EVP_PKEY *key, const struct crl_entry *entries,
	    size_t n, time_t this_update, time_t next_update, long number,
	    X509_CRL **out, struct ucerr *err);

#endif
