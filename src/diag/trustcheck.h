/*
 * trustcheck.h - the checks that read this home's trust stores: a chain
 * against a trust store or a file of CAs, a whole trust store, and the
 * --trust STORE|FILE that probe and check chain verify with.
 */
#ifndef UCPKI_TRUSTCHECK_H
#define UCPKI_TRUSTCHECK_H

#include <time.h>

#include <openssl/x509.h>

#include "err.h"
#include "findings.h"

struct store;

/*
 * A trust store of the home by its name (st may be NULL when what is not
 * one), else a file of CAs.  label says which ("CallManager-trust of
 * HOME", "FILE (3 certificates)").
 */
int	trust_source_load(struct store *st, const char *what, X509_STORE **out,
	    char *label, size_t labellen, struct ucerr *err);
/* A trust store by its name: unknown names are refused. */
int	trust_store_load(struct store *st, const char *store_name,
	    X509_STORE **out, struct ucerr *err);
/* Expired, not yet valid and duplicate certificates of a trust store. */
int	trust_store_check(struct store *st, const char *store_name, time_t now,
	    struct findings *f, struct ucerr *err);

#endif
