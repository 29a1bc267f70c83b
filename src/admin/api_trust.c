/*
 * api_trust.c - the API's trust store changes: the same core calls as
 * `trust add`, `trust delete` (with its guards) and `trust export`.
 */
#include <stdlib.h>
#include <string.h>

#include "admin_writes.h"
#include "api.h"
#include "cert_view.h"
#include "certmgr.h"
#include "export.h"
#include "json.h"
#include "trust.h"

/* The status of a refused trust change: a guard or a duplicate is a
 * conflict, a missing certificate 404. */
static int
trust_status(const struct api_req *r)
{
	return strstr(r->err.msg, "no such trust") != NULL ? 404 :
	    strstr(r->err.msg, "locked") != NULL ? 503 : 409;
}

int
api_trust_add(struct api_req *r)
{
	struct trust_add_write w;
	struct json j;
	int i, n, status = 400;

	memset(&w, 0, sizeof(w));
	w.store_name = r->params[0];
	w.name = api_query(r, "name");
	if (trust_store_name_check(w.store_name, &r->err) == -1)
		return 404;
	if (api_body_certs(r, &w.certs) == -1)
		return 400;
	n = sk_X509_num(w.certs);
	if (w.name != NULL && n > 1) {
		ucerr_set(&r->err, "body: --name needs a file with one "
		    "certificate (it has %d)", n);
		goto out;
	}
	if ((w.results = calloc((size_t)n, sizeof(*w.results))) == NULL) {
		ucerr_set(&r->err, "trust add: out of memory");
		status = 500;
		goto out;
	}
	/* Its own transaction, then the exports: as the CLI's. */
	if (r->write_alone(r->write_ctx, trust_add_apply, &w, &r->err) == -1) {
		status = trust_status(r);
		goto out;
	}
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "certificates");
	for (i = 0; i < n; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "name", w.results[i].name);
		json_bool(&j, "added", !w.results[i].duplicate);
		json_object_end(&j);
	}
	json_array_end(&j);
	api_exports_json(&j, &w.exports);
	json_object_end(&j);
	json_finish(&j);
	status = 201;
out:
	free(w.results);
	sk_X509_pop_free(w.certs, X509_free);
	return status;
}

int
api_trust_delete(struct api_req *r)
{
	struct trust_delete_write w;
	struct json j;

	memset(&w, 0, sizeof(w));
	w.store_name = r->params[0];
	trust_name_normalize(r->params[1], w.name, sizeof(w.name));
	w.force = api_query_flag(r, "force");
	if (trust_store_name_check(w.store_name, &r->err) == -1)
		return 404;
	if (r->write_alone(r->write_ctx, trust_delete_apply, &w, &r->err) == -1)
		return trust_status(r);
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_string(&j, "deleted", w.name);
	json_int(&j, "lsc_holders", w.holders);
	api_exports_json(&j, &w.exports);
	json_object_end(&j);
	json_finish(&j);
	return 200;
}

int
api_trust_export(struct api_req *r)
{
	char *buf = NULL;
	size_t len;
	int count;

	if (trust_store_name_check(r->params[0], &r->err) == -1)
		return 404;
	if (trust_bundle(r->st, r->params[0], &buf, &len, &count,
	    &r->err) == -1)
		return 500;
	fwrite(buf, 1, len, r->out);
	free(buf);
	r->content_type = "application/x-pem-file";
	snprintf(r->filename, sizeof(r->filename), "%.50s.pem", r->params[0]);
	return 200;
}
