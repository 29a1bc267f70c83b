/* trustcheck.c - checks against the home's trust stores (see trustcheck.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certcheck.h"
#include "identity.h"
#include "store.h"
#include "trust.h"
#include "trustcheck.h"
#include "x509.h"

int
trust_store_load(struct store *st, const char *store_name, X509_STORE **out,
    struct ucerr *err)
{
	*out = NULL;
	if (!trust_store_valid(store_name))
		return ucerr_set(err, "%s: unknown trust store", store_name);
	if (st == NULL)
		return ucerr_set(err, "%s: no store to read it from",
		    store_name);
	return trust_x509_store(st, store_name, out, err);
}

int
trust_source_load(struct store *st, const char *what, X509_STORE **out,
    char *label, size_t labellen, struct ucerr *err)
{
	int n;

	if (trust_store_valid(what)) {
		if (trust_store_load(st, what, out, err) == -1)
			return -1;
		snprintf(label, labellen, "%s of %s", what, store_home(st));
		return 0;
	}
	if (ca_file_store(what, out, &n, err) == -1)
		return -1;
	snprintf(label, labellen, "%s (%d certificate%s)", what, n,
	    n == 1 ? "" : "s");
	return 0;
}

struct named_certs {
	STACK_OF(X509)	*certs;
	char		**names;
	int		 n;
	int		 oom;
};

static int
collect(void *arg, const struct trust_row *row)
{
	struct named_certs *c = arg;
	char **grown;
	X509 *cert;

	/* A row that does not parse is no certificate to check. */
	if (cert_from_der(row->cert_der, row->cert_len, &cert, NULL) == -1)
		return 0;
	if ((grown = realloc(c->names, sizeof(char *) *
	    (size_t)(c->n + 1))) == NULL) {
		X509_free(cert);
		c->oom = 1;
		return -1;
	}
	c->names = grown;
	if ((c->names[c->n] = strdup(row->name)) == NULL ||
	    sk_X509_push(c->certs, cert) == 0) {
		free(c->names[c->n]);
		X509_free(cert);
		c->oom = 1;
		return -1;
	}
	c->n++;
	return 0;
}

int
trust_store_check(struct store *st, const char *store_name, time_t now,
    struct findings *f, struct ucerr *err)
{
	struct named_certs c = { NULL, NULL, 0, 0 };
	int i, rc = -1;

	if (!trust_store_valid(store_name))
		return ucerr_set(err, "%s: unknown trust store", store_name);
	if (st == NULL)
		return ucerr_set(err, "%s: no store to read it from",
		    store_name);
	if ((c.certs = sk_X509_new_null()) == NULL)
		return ucerr_set(err, "trust: out of memory");
	if (store_trust_each(st, store_name, collect, &c, err) != 0) {
		if (c.oom)
			ucerr_set(err, "%s: out of memory", store_name);
		goto out;
	}
	trust_check(c.certs, c.names, now, f);
	rc = 0;
out:
	for (i = 0; i < c.n; i++)
		free(c.names[i]);
	free(c.names);
	sk_X509_pop_free(c.certs, X509_free);
	return rc;
}
