/*
 * admin_tls.h - the administration service's TLS: the tomcat identity,
 * TLS 1.2 and later only.  A new or uploaded tomcat certificate is seen
 * on the next connection: each accept first looks whether the store's
 * generation moved (in serve, the one its watch keeps in memory), and
 * only then reloads.
 */
#ifndef UCPKI_ADMIN_TLS_H
#define UCPKI_ADMIN_TLS_H

#include <stdint.h>

#include <openssl/ssl.h>

#include "err.h"

struct store;

struct admin_tls {
	SSL_CTX		*ctx;		/* each SSL holds its own reference */
	char		 sha256[65];	/* of the certificate ctx presents */
	int64_t		 generation;	/* the store's, when last checked */
};

int	admin_tls_load(struct admin_tls *t, struct store *st, struct ucerr *err);
/* Reloads when the tomcat certificate changed; keeps the old on failure. */
void	admin_tls_refresh(struct admin_tls *t, struct store *st);
void	admin_tls_free(struct admin_tls *t);

#endif
