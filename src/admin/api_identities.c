/*
 * api_identities.c - the API's identity changes: generate, regenerate
 * (its impact first: GET gives certmgr's plan, POST does it), CSR and
 * upload, through the same core calls as the CLI (certmgr.c).  A
 * replacement's answer names the devices that must reset; the API does
 * not run the reset hook (a terminal does, where its output is seen).
 */
#include <stdlib.h>
#include <string.h>

#include "admin_writes.h"
#include "api.h"
#include "cert_view.h"
#include "certmgr.h"
#include "json.h"

/* "yes": the body's confirmation, as the CLI's --yes. */
static int
confirmed(const struct api_req *r)
{
	int i;

	for (i = 0; i < r->body.n; i++)
		if (strcmp(r->body.m[i].key, "yes") == 0 &&
		    !r->body.m[i].is_null &&
		    (strcmp(r->body.m[i].value, "true") == 0 ||
		    strcmp(r->body.m[i].value, "yes") == 0))
			return 1;
	return 0;
}

/* The body's members as generate's or csr's options ("yes" aside). */
static int
params_from_body(struct api_req *r, const struct purpose_info *p,
    struct identity_params *params)
{
	const struct json_member *m;
	int i;

	identity_params_default(p, params);
	for (i = 0; i < r->body.n; i++) {
		m = &r->body.m[i];
		if (strcmp(m->key, "yes") == 0)
			continue;
		if (m->is_null)
			return ucerr_set(&r->err, "%s: option '%s' needs a value",
			    p->name, m->key);
		if (identity_params_option(p, params, m->key, m->value,
		    &r->err) == -1)
			return -1;
	}
	return identity_params_check(p, params, &r->err);
}

/* A refused change: the guard or a missing CSR is a conflict. */
static int
change_status(const struct api_req *r)
{
	return strstr(r->err.msg, "locked") != NULL ? 503 : 409;
}

static void
outcome_json(struct api_req *r, const struct certmgr_outcome *o)
{
	struct json j;
	size_t i;

	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_string(&j, "purpose", o->purpose);
	json_string(&j, "type", o->type);
	json_bool(&j, "replaced", o->replaced);
	json_int(&j, "cas_added", o->cas_added);
	json_string(&j, "trust_store", o->trust_store);
	json_bool(&j, "republished", o->republished);
	json_array_begin(&j, "devices_to_reset");
	for (i = 0; i < o->n_reset; i++)
		json_string(&j, NULL, o->reset[i]);
	json_array_end(&j);
	api_exports_json(&j, &o->exports);
	json_object_end(&j);
	json_finish(&j);
}

struct generate_write {
	const struct purpose_info	*p;
	struct identity_params		 params;
	STACK_OF(X509)			*certs;	/* upload */
	struct certmgr_outcome		 o;
};

static int
generate_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct generate_write *w = arg;

	return certmgr_generate(st, w->p, &w->params, &w->o, err);
}

static int
upload_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct generate_write *w = arg;

	return certmgr_upload_certs(st, w->p, w->certs, &w->o, err);
}

/* Runs the replacement and answers with what it did. */
static int
replace(struct api_req *r, struct generate_write *w,
    int (*apply)(struct store *, void *, struct ucerr *))
{
	int rc;

	memset(&w->o, 0, sizeof(w->o));
	rc = r->write_alone(r->write_ctx, apply, w, &r->err);
	/* Installed but a later step failed: said, as the CLI says it. */
	if (rc == -1 && !w->o.replaced) {
		certmgr_outcome_free(&w->o);
		return change_status(r);
	}
	outcome_json(r, &w->o);
	certmgr_outcome_free(&w->o);
	return rc == 0 ? 200 : 500;
}

int
api_identity_generate(struct api_req *r)
{
	struct generate_write w;

	memset(&w, 0, sizeof(w));
	if ((w.p = purpose_lookup(r->params[0], &r->err)) == NULL)
		return 404;
	if (params_from_body(r, w.p, &w.params) == -1)
		return 400;
	if (!confirmed(r))
		return ucerr_set(&r->err, "cert generate %s: Generating a new "
		    "certificate will overwrite the existing certificate, "
		    "including one signed by a third-party CA; repeat with "
		    "--yes to replace it", w.p->name), 409;
	return replace(r, &w, generate_apply);
}

int
api_identity_plan(struct api_req *r)
{
	const struct purpose_info *p;
	struct certmgr_plan plan;
	struct json j;

	if ((p = purpose_lookup(r->params[0], &r->err)) == NULL)
		return 404;
	if (certmgr_plan(r->st, p, &plan, &r->err) == -1)
		return 500;
	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_string(&j, "purpose", p->name);
	json_string(&j, "impact", plan.impact);
	json_string(&j, "in_store", plan.in_store);
	json_string(&j, "itl_laggards", plan.itl_laggards);
	json_int(&j, "devices", plan.devices);
	json_int(&j, "lsc_holders", plan.lsc_holders);
	json_bool(&j, "blocked", plan.blocked);
	json_string(&j, "why", plan.blocked ? plan.why.msg : NULL);
	json_object_end(&j);
	json_finish(&j);
	return 200;
}

int
api_identity_regenerate(struct api_req *r)
{
	struct generate_write w;
	struct certmgr_plan plan;

	memset(&w, 0, sizeof(w));
	if ((w.p = purpose_lookup(r->params[0], &r->err)) == NULL)
		return 404;
	if (r->body.n != (confirmed(r) ? 1 : 0))
		return ucerr_set(&r->err, "cert regenerate %s: takes no option "
		    "but \"yes\"", w.p->name), 400;
	if (certmgr_plan(r->st, w.p, &plan, &r->err) == -1)
		return 500;
	if (plan.blocked)
		return ucerr_set(&r->err, "%s", plan.why.msg), 409;
	if (!confirmed(r))
		return ucerr_set(&r->err, "cert regenerate %s: not done; repeat "
		    "with --yes", w.p->name), 409;
	identity_params_default(w.p, &w.params);
	return replace(r, &w, generate_apply);
}

int
api_identity_upload(struct api_req *r)
{
	struct generate_write w;
	int status;

	memset(&w, 0, sizeof(w));
	if ((w.p = purpose_lookup(r->params[0], &r->err)) == NULL)
		return 404;
	if (api_body_certs(r, &w.certs) == -1)
		return ucerr_wrap(&r->err, "cert upload"), 400;
	status = replace(r, &w, upload_apply);
	if (status >= 300)
		ucerr_wrap(&r->err, "cert upload");
	sk_X509_pop_free(w.certs, X509_free);
	return status;
}

int
api_identity_csr(struct api_req *r)
{
	struct csr_write w;

	memset(&w, 0, sizeof(w));
	if ((w.p = purpose_lookup(r->params[0], &r->err)) == NULL)
		return 404;
	if (params_from_body(r, w.p, &w.params) == -1)
		return 400;
	if (r->write_alone(r->write_ctx, csr_apply, &w, &r->err) == -1)
		return change_status(r);
	fwrite(w.pem, 1, w.len, r->out);
	free(w.pem);
	r->content_type = "application/pkcs10";
	snprintf(r->filename, sizeof(r->filename), "%s.csr", w.p->name);
	return 200;
}
