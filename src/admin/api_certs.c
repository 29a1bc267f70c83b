/*
 * api_certs.c - the API's identities and trust stores: the same lookups
 * and JSON as `cert list`, `cert show` and `trust show` (cert_view.c).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "admin_writes.h"
#include "api.h"
#include "cert_view.h"
#include "json.h"
#include "store.h"

/* The HTTP status for a lookup's result (1 found, 0 none, -1 error). */
static int
lookup_status(int found)
{
	return found == 0 ? 404 : 500;
}

static int
list_identity(void *arg, const struct identity_row *row)
{
	identity_json_item(arg, row);
	return 0;
}

int
api_identity_list(struct api_req *r)
{
	struct json j;
	int rc;

	json_init(&j, r->out);
	json_array_begin(&j, NULL);
	rc = store_identity_each(r->st, list_identity, &j, &r->err);
	json_array_end(&j);
	json_finish(&j);
	return rc == 0 ? 200 : 500;
}

/* The purpose in the path and its certificate; 0 when found. */
static int
identity_arg(struct api_req *r, const struct purpose_info **p, X509 **cert,
    char type[32])
{
	int found;

	if ((*p = purpose_lookup(r->params[0], &r->err)) == NULL)
		return 404;
	if ((found = identity_cert_get(r->st, *p, cert, type, &r->err)) != 1)
		return lookup_status(found);
	return 0;
}

int
api_identity_show(struct api_req *r)
{
	const struct purpose_info *p;
	struct json j;
	char type[32];
	X509 *cert;
	int status;

	if ((status = identity_arg(r, &p, &cert, type)) != 0)
		return status;
	json_init(&j, r->out);
	cert_json_show(&j, cert, "purpose", p->name, type);
	json_finish(&j);
	X509_free(cert);
	return 200;
}

static int
identity_download(struct api_req *r, int der)
{
	const struct purpose_info *p;
	char type[32];
	X509 *cert;
	int status;

	if ((status = identity_arg(r, &p, &cert, type)) != 0)
		return status;
	/* The names CUCM's Download gives: tomcat.pem, tomcat.der. */
	admin_cert_download(r->out, cert, p->name, der, &r->content_type,
	    r->filename, sizeof(r->filename));
	X509_free(cert);
	return 200;
}

int
api_identity_pem(struct api_req *r)
{
	return identity_download(r, 0);
}

int
api_identity_der(struct api_req *r)
{
	return identity_download(r, 1);
}

static int
list_trust(void *arg, const struct trust_row *row)
{
	trust_json_item(arg, row);
	return 0;
}

int
api_trust_list(struct api_req *r)
{
	const char *store_name = r->params[0];
	struct json j;
	int rc;

	if (store_name != NULL &&
	    trust_store_name_check(store_name, &r->err) == -1)
		return 404;
	json_init(&j, r->out);
	json_array_begin(&j, NULL);
	rc = store_trust_each(r->st, store_name, list_trust, &j, &r->err);
	json_array_end(&j);
	json_finish(&j);
	return rc == 0 ? 200 : 500;
}

int
api_trust_show(struct api_req *r)
{
	char label[300];
	struct json j;
	X509 *cert;
	int found;

	if ((found = trust_cert_get(r->st, r->params[0], r->params[1], &cert,
	    label, sizeof(label), &r->err)) != 1)
		return lookup_status(found);
	json_init(&j, r->out);
	cert_json_show(&j, cert, "name", label, NULL);
	json_finish(&j);
	X509_free(cert);
	return 200;
}
