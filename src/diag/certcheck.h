/*
 * certcheck.h - the seeds' catalogue of certificate mistakes, checked:
 * usages, names, sizes, dates, signatures, key files, CSR matches,
 * chains and trust stores.
 */
#ifndef UCPKI_CERTCHECK_H
#define UCPKI_CERTCHECK_H

#include <openssl/x509.h>

#include "err.h"
#include "findings.h"

struct cert_check_opts {
	const char	*role;		/* expressway-c|expressway-e|callmanager|
					   tomcat|capf|lsc|mic, or NULL */
	const char	*require_san;	/* "a.example,b.example" or NULL */
	/* The seeds' Expressway SAN table, comma-separated lists: */
	const char	*mra_domains;	/* E: domain or collab-edge.<domain> */
	const char	*security_profiles;	/* C: phone security profiles */
	const char	*xmpp_domains;	/* E: XMPP federation domains */
	const char	*chat_aliases;	/* C and E: IM&P chat node aliases */
	const uint8_t	*key_pem;	/* the private key file's bytes, or NULL */
	size_t		 key_len;
	time_t		 now;
};

int	cert_check(X509 *cert, const struct cert_check_opts *o,
	    struct findings *f, struct ucerr *err);
/* Does the certificate belong to this CSR? */
void	csr_check(X509_REQ *req, X509 *cert, struct findings *f);
/* Builds the chain from cert over untrusted to a root in trusted. */
void	chain_check(X509 *cert, STACK_OF(X509) *untrusted, X509_STORE *trusted,
	    time_t now, struct findings *f);
/* Expired, not yet valid and duplicate certificates in a trust store. */
void	trust_check(STACK_OF(X509) *certs, char **names, time_t now,
	    struct findings *f);

#endif
