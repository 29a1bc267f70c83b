/*
 * api_identities.c - the API's identity changes: generate, regenerate
 * (its impact first: GET gives certmgr's plan, POST does it), CSR and
 * upload, through the same core calls as the CLI (certmgr.c).  After a
 * replacement the reset command runs for the devices that must reset, as
 * `cert regenerate` runs it; the answer names them and how each went.
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
outcome_json(struct api_req *r, const struct certmgr_outcome *o,
    int reset_ran, const struct admin_reset *resets, size_t n_resets)
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
	/* null: no reset command is configured (reset them yourself). */
	if (reset_ran) {
		json_array_begin(&j, "resets");
		for (i = 0; i < n_resets; i++) {
			json_object_begin(&j, NULL);
			json_string(&j, "device", resets[i].device);
			json_string(&j, "ended", resets[i].exited ? "exit" :
			    "signal");
			json_int(&j, "code", resets[i].code);
			json_object_end(&j);
		}
		json_array_end(&j);
	} else
		json_null(&j, "resets");
	api_exports_json(&j, &o->exports);
	json_object_end(&j);
	json_finish(&j);
}

/* Runs the replacement and answers with what it did. */
static int
replace(struct api_req *r, struct replace_write *w,
    int (*apply)(struct store *, void *, struct ucerr *))
{
	struct admin_reset *resets;
	size_t n_resets;
	int rc, ran;

	memset(&w->o, 0, sizeof(w->o));
	rc = r->write_alone(r->write_ctx, apply, w, &r->err);
	/* Installed but a later step failed: said, as the CLI says it. */
	if (rc == -1 && !w->o.replaced) {
		certmgr_outcome_free(&w->o);
		return change_status(r);
	}
	ran = admin_reset_devices(r->st, &w->o, &resets, &n_resets);
	outcome_json(r, &w->o, ran, resets, n_resets);
	free(resets);
	certmgr_outcome_free(&w->o);
	return rc == 0 ? 200 : 500;
}

int
api_identity_generate(struct api_req *r)
{
	struct replace_write w;

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
	return replace(r, &w, replace_generate_apply);
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
	struct replace_write w;
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
	return replace(r, &w, replace_generate_apply);
}

int
api_identity_upload(struct api_req *r)
{
	struct replace_write w;
	int status;

	memset(&w, 0, sizeof(w));
	if ((w.p = purpose_lookup(r->params[0], &r->err)) == NULL)
		return 404;
	if (api_body_certs(r, &w.certs) == -1)
		return ucerr_wrap(&r->err, "cert upload"), 400;
	status = replace(r, &w, replace_upload_apply);
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
