/*
 * trust.h - trust store operations on top of the store: naming entries
 * the way CUCM does (by CN, ".pem" optional), keeping two different
 * certificates with the same CN apart, and building an X509_STORE from a
 * trust store for verification.
 */
#ifndef UCPKI_TRUST_H
#define UCPKI_TRUST_H

#include <openssl/x509.h>

#include "err.h"
#include "export.h"

struct store;

/* Copies name without a trailing ".pem" into out. */
void	trust_name_normalize(const char *name, char *out, size_t outlen);

/*
 * Adds cert to store_name under name (NULL = its CN).  A different
 * certificate already holding that name keeps it; the new one gets
 * "<name>_<first 8 hex of its SHA-256>".  The final name goes to out_name
 * (may be NULL).  Fails if the same certificate is already there.
 */
int	trust_add_cert(struct store *st, const char *store_name, X509 *cert,
	    const char *name, char *out_name, size_t out_name_len,
	    struct ucerr *err);

/*
 * Adds a bundle in one transaction, as CUCM does: a certificate already in
 * the store is skipped (results[i].duplicate, under its existing name),
 * the others are added.  results has one entry per certificate.  Returns
 * how many were added; fails, changing nothing, when none was new or any
 * certificate could not be added.  A name given (NULL: the CN's) is for
 * a bundle of one.  Once committed, the exports kept current are
 * rewritten (*exports says what changed).
 */
struct trust_added {
	char	name[256];
	int	duplicate;
};

int	trust_add_bundle(struct store *st, const char *store_name,
	    STACK_OF(X509) *certs, const char *name, struct trust_added *results,
	    struct export_refresh *exports, struct ucerr *err);

/*
 * Trusts a node identity in store_name under its CN.  replace: an entry
 * of that name holding another certificate is replaced (a regenerated
 * identity); otherwise both stay.  Already present: no change.
 */
int	trust_add_identity(struct store *st, const char *store_name, X509 *cert,
	    int replace, struct ucerr *err);

/* Every certificate of a trust store in an X509_STORE (caller frees). */
int	trust_x509_store(struct store *st, const char *store_name,
	    X509_STORE **out, struct ucerr *err);
/* Every certificate of a trust store as a stack (caller frees). */
int	trust_certs(struct store *st, const char *store_name,
	    STACK_OF(X509) **out, struct ucerr *err);

#endif
