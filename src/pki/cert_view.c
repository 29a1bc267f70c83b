/* cert_view.c - certificates as every front end shows them (see cert_view.h). */
#include <stdio.h>
#include <string.h>

#include "cert_view.h"
#include "certinfo.h"
#include "trust.h"
#include "x509.h"

const struct purpose_info *
purpose_lookup(const char *name, struct ucerr *err)
{
	const struct purpose_info *p = purpose_find(name);

	if (p == NULL)
		ucerr_set(err, "%s: unknown certificate purpose (tomcat, "
		    "ipsec, CallManager, CallManager-ECDSA, CAPF, TVS, ITLRecovery)",
		    name);
	return p;
}

int
trust_store_name_check(const char *name, struct ucerr *err)
{
	if (!trust_store_valid(name))
		return ucerr_set(err, "%s: unknown trust store", name);
	return 0;
}

int
identity_cert_get(struct store *st, const struct purpose_info *p, X509 **cert,
    char type[32], struct ucerr *err)
{
	struct identity_row row;
	int found;

	if ((found = store_identity_get(st, p->name, &row, err)) != 1)
		return found == 0 ? (ucerr_set(err, "%s: no certificate",
		    p->name), 0) : -1;
	if (type != NULL)
		snprintf(type, 32, "%s", row.type);
	found = cert_from_der(row.cert_der, row.cert_len, cert, err) == 0 ? 1 :
	    ucerr_wrap(err, "%s/%s.pem in the store", p->name, p->name);
	identity_row_free(&row);
	return found;
}

int
trust_cert_get(struct store *st, const char *store_name, const char *name,
    X509 **cert, char *label, size_t labellen, struct ucerr *err)
{
	struct trust_row row;
	char normal[256];
	int found;

	trust_name_normalize(name, normal, sizeof(normal));
	snprintf(label, labellen, "%s/%s.pem", store_name, normal);
	if (trust_store_name_check(store_name, err) == -1)
		return 0;
	if ((found = store_trust_get(st, store_name, normal, &row, err)) != 1)
		return found == 0 ? (ucerr_set(err, "%s/%s.pem: no such trust "
		    "certificate", store_name, normal), 0) : -1;
	found = cert_from_der(row.cert_der, row.cert_len, cert, err) == 0 ? 1 :
	    ucerr_wrap(err, "%s in the store", label);
	trust_row_free(&row);
	return found;
}

/* A list row: what names it, then the certificate's fields. */
static void
cert_item(struct json *j, const uint8_t *der, size_t len, const char *k1,
    const char *v1, const char *name, const char *type)
{
	struct certinfo info;
	X509 *cert;

	if (cert_from_der(der, len, &cert, NULL) == -1)
		return;
	certinfo_get(cert, &info);
	X509_free(cert);
	json_object_begin(j, NULL);
	json_string(j, k1, v1);
	json_string(j, "name", name);
	if (type != NULL)
		snprintf(info.type, sizeof(info.type), "%s", type);
	certinfo_json_fields(j, &info);
	json_object_end(j);
}

void
identity_json_item(struct json *j, const struct identity_row *row)
{
	cert_item(j, row->cert_der, row->cert_len, "purpose", row->purpose,
	    row->purpose, row->type);
}

void
trust_json_item(struct json *j, const struct trust_row *row)
{
	cert_item(j, row->cert_der, row->cert_len, "store", row->store,
	    row->name, NULL);
}

void
cert_json_show(struct json *j, X509 *cert, const char *key, const char *value,
    const char *type)
{
	json_object_begin(j, NULL);
	json_string(j, key, value);
	certinfo_print_json(j, cert);
	if (type != NULL)
		json_string(j, "type", type);
	json_object_end(j);
}
