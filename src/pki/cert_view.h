/*
 * cert_view.h - the node's certificates and the trust stores as every
 * front end shows them: lookups with the CLI's messages, and the JSON of
 * `cert list --json`, `cert show --json` and `trust show --json`, which
 * the API returns unchanged.
 */
#ifndef UCPKI_CERT_VIEW_H
#define UCPKI_CERT_VIEW_H

#include <openssl/x509.h>

#include "err.h"
#include "identity.h"
#include "json.h"
#include "store.h"

/* NULL and "NAME: unknown certificate purpose (...)" in err. */
const struct purpose_info *purpose_lookup(const char *name, struct ucerr *err);
/* "NAME: unknown trust store" */
int	trust_store_name_check(const char *name, struct ucerr *err);

/* A purpose's certificate: 1 found, 0 "P: no certificate", -1 error. */
int	identity_cert_get(struct store *st, const struct purpose_info *p,
	    X509 **cert, char type[32], struct ucerr *err);
/* A trust certificate by its (normalised) name: 1, 0 "S/N.pem: no such
 * trust certificate", -1.  label gets "S/N.pem". */
int	trust_cert_get(struct store *st, const char *store_name,
	    const char *name, X509 **cert, char *label, size_t labellen,
	    struct ucerr *err);

/* A row of `cert list own --json` / `cert list trust --json`. */
void	identity_json_item(struct json *j, const struct identity_row *row);
void	trust_json_item(struct json *j, const struct trust_row *row);
/* `cert show --json` (key "purpose") and `trust show --json` ("name");
 * type NULL for trust certificates. */
void	cert_json_show(struct json *j, X509 *cert, const char *key,
	    const char *value, const char *type);

#endif
