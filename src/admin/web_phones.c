/*
 * web_phones.c - Phones: Find and List Phones by LSC status, a phone's
 * CAPF Information (and its settings), bulk CAPF operations, and the
 * CAPF report with its CSV download.  The same filters, settings and
 * rules as `device list`, `device show`, `device set` and `capf report`
 * (device_view.c, device_settings.c, device_rules.c).
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>

#include "device_settings.h"
#include "device_view.h"
#include "store.h"
#include "store_device.h"
#include "web_int.h"
#include "x509.h"

#define BULK_MAX	1000

static const char *const lsc_choices[] = { "", "installed", "none" };

/* The Certificate Operation and Authentication Mode choices, as CUCM's
 * Phone Configuration lists them; current is selected. */
static void
operation_select(struct web_req *r, const char *id, int current)
{
	static const int ops[] = { CERT_OP_INSTALL, CERT_OP_DELETE,
	    CERT_OP_TROUBLESHOOT, CERT_OP_NONE };
	size_t i;

	web_printf(r, "<select name=\"operation\" id=\"%s\">", id);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		web_printf(r, "<option value=\"%s\"%s>%s</option>",
		    cert_operation_name(ops[i]), ops[i] == current ?
		    " selected" : "", cert_operation_text(ops[i]));
	web_printf(r, "</select>");
}

static void
auth_select(struct web_req *r, const char *id, int current, int with_string)
{
	int m;

	web_printf(r, "<select name=\"auth\" id=\"%s\">", id);
	for (m = CAPF_AUTH_NULL_STRING; m <= CAPF_AUTH_MIC; m++)
		if (with_string || m != CAPF_AUTH_STRING)
			web_printf(r, "<option value=\"%s\"%s>%s</option>",
			    capf_auth_mode_name(m), m == current ?
			    " selected" : "", capf_auth_mode_text(m));
	web_printf(r, "</select>");
}

static void
find_form(struct web_req *r, const char *lsc, const char *status,
    const char *model)
{
	size_t i;
	int s;

	web_printf(r, "<form method=\"get\" action=\"/phones\" class=\"find\">"
	    "Find Phone where LSC status is <select name=\"lsc\" id=\"lsc\">");
	for (i = 0; i < sizeof(lsc_choices) / sizeof(lsc_choices[0]); i++)
		web_printf(r, "<option value=\"%s\"%s>%s</option>",
		    lsc_choices[i], strcmp(lsc, lsc_choices[i]) == 0 ?
		    " selected" : "", lsc_choices[i][0] ? lsc_choices[i] :
		    "any");
	web_printf(r, "</select> and Certificate Operation Status is "
	    "<select name=\"status\" id=\"status\"><option value=\"\">any"
	    "</option>");
	for (s = CERT_STATUS_NONE; cert_status_text(s) != NULL; s++)
		web_printf(r, "<option value=\"%d\"%s>%s</option>", s,
		    status[0] != '\0' && cert_status_parse(status) == s ?
		    " selected" : "", cert_status_text(s));
	web_printf(r, "</select> and model is <input name=\"model\" "
	    "id=\"model\" size=\"8\" value=\"%s\"> <button type=\"submit\" "
	    "id=\"find\">Find</button></form>", model);
}

struct list_ctx {
	struct web_req	*r;
	int		 n;
};

static int
list_one(void *arg, const struct device *d)
{
	struct list_ctx *l = arg;
	struct capf_report_row row;

	capf_report_row_get(d, &row);
	web_printf(l->r, "<tr><td><input type=\"checkbox\" name=\"device\" "
	    "value=\"%s\"></td><td><a href=\"/phone?name=%U\">%s</a></td>"
	    "<td class=\"model\">%s</td><td>%s</td><td>%s</td><td>%s</td>"
	    "<td>%T</td></tr>", d->name, d->name, d->name, d->model,
	    cert_operation_text(d->operation), cert_status_text(d->status),
	    row.not_after != 0 ? "installed" : "none", (time_t)row.not_after);
	l->n++;
	return 0;
}

static int
phones(struct web_req *r)
{
	const char *keys[] = { "lsc", "status", "model" }, *v[3];
	struct device_filter f;
	struct list_ctx l = { r, 0 };
	size_t i;

	device_filter_init(&f);
	for (i = 0; i < 3; i++) {
		v[i] = web_arg(r, keys[i]);
		if (v[i] == NULL)
			v[i] = "";
		if (v[i][0] != '\0' && device_filter_option(&f, keys[i], v[i],
		    &r->err) == -1)
			return web_error_page(r, 400, "Find and List Phones",
			    r->err.msg);
	}
	if ((v[0] = web_arg(r, "pending")) != NULL && strcmp(v[0], "1") == 0)
		f.pending = 1;
	web_begin(r, "Find and List Phones");
	find_form(r, web_arg(r, "lsc") ? web_arg(r, "lsc") : "", web_arg(r,
	    "status") ? web_arg(r, "status") : "", web_arg(r, "model") ?
	    web_arg(r, "model") : "");
	web_form(r, "/phones/bulk", "bulk");
	web_printf(r, "<table id=\"phones\"><tr><th><input type=\"checkbox\" "
	    "id=\"select-all\" title=\"Select All\"></th><th>Device Name</th>"
	    "<th>Model</th><th>Certificate Operation</th><th>Certificate "
	    "Operation Status</th><th>LSC</th><th>LSC Expires</th></tr>");
	if (store_device_each(r->st, &f, list_one, &l, &r->err) == -1)
		web_status(r, 0, r->err.msg);
	/* A bulk operation gives every phone the same settings: an
	 * authentication string is per phone, so not offered here. */
	web_printf(r, "</table><p>%d phones.</p><h2>Bulk CAPF operation on the "
	    "selected phones</h2>Certificate Operation ", l.n);
	operation_select(r, "bulk-operation", CERT_OP_INSTALL);
	web_printf(r, " Authentication Mode ");
	auth_select(r, "bulk-auth", CAPF_AUTH_NULL_STRING, 0);
	web_printf(r, " <button type=\"submit\" id=\"bulk-apply\">Apply to "
	    "Selected</button></form>");
	web_end(r);
	return 200;
}

/* --- one phone ------------------------------------------------------------ */

static void
cert_row(struct web_req *r, const char *label, const uint8_t *der, size_t len)
{
	char subject[512], issuer[512], serial[64];
	X509 *c = NULL;

	if (der == NULL || cert_from_der(der, len, &c, NULL) == -1) {
		web_printf(r, "<tr><th>%s</th><td>none</td></tr>", label);
		return;
	}
	X509_NAME_oneline(X509_get_subject_name(c), subject, sizeof(subject));
	X509_NAME_oneline(X509_get_issuer_name(c), issuer, sizeof(issuer));
	cert_serial_hex(c, serial, sizeof(serial));
	web_printf(r, "<tr><th>%s</th><td class=\"cert\">%s<br>issued by %s"
	    "<br>serial %s, valid until %T</td></tr>", label, subject, issuer,
	    serial, asn1_time_to_unix(X509_get0_notAfter(c)));
	X509_free(c);
}

static int
history_one(void *arg, const struct device_event *e)
{
	struct web_req *r = arg;

	web_printf(r, "<tr><td>%T</td><td>%s</td><td>%s</td><td>%s</td>"
	    "<td>%s</td></tr>", (time_t)e->at, cert_operation_text(e->operation),
	    cert_status_text(e->status), e->peer, e->detail);
	return 0;
}

static int
phone(struct web_req *r)
{
	const char *arg = web_arg(r, "name");
	char name[64];
	struct device d;
	int found;

	if (arg == NULL)
		return web_redirect(r, "/phones");
	device_name_normalise(arg, name, sizeof(name));
	if ((found = device_lookup(r->st, name, &d, &r->err)) != 1)
		return web_error_page(r, found == 0 ? 404 : 500, "Phone",
		    r->err.msg);
	web_begin(r, "Phone Configuration");
	if (web_arg(r, "done") != NULL)
		web_status(r, 1, "the settings are saved");
	web_printf(r, "<h2>Device Information</h2><table class=\"fields\">"
	    "<tr><th>Device Name</th><td id=\"device-name\">%s</td></tr>"
	    "<tr><th>Model</th><td id=\"device-model\">%s</td></tr></table>"
	    "<h2>Certification Authority Proxy Function (CAPF) Information"
	    "</h2><table class=\"fields\" id=\"capf\">"
	    "<tr><th>Certificate Operation</th><td>%s</td></tr>"
	    "<tr><th>Authentication Mode</th><td>%s</td></tr>"
	    "<tr><th>Authentication String</th><td>%s</td></tr>"
	    "<tr><th>Key Size / Type</th><td>%s (%s)</td></tr>"
	    "<tr><th>Operation Completes By</th><td>%T</td></tr>"
	    "<tr><th>Certificate Operation Status</th><td id=\"status\">%s"
	    "</td></tr>", d.name, d.model, cert_operation_text(d.operation),
	    capf_auth_mode_text(d.auth_mode), d.auth_string[0] ? "set "
	    "(not shown)" : "none", d.key_type, key_order_text(d.key_order),
	    (time_t)d.deadline, cert_status_text(d.status));
	cert_row(r, "LSC", d.lsc_der, d.lsc_len);
	cert_row(r, "MIC", d.mic_der, d.mic_len);
	web_printf(r, "</table><h2>Change the CAPF settings</h2>");
	web_form(r, "/phone", "settings");
	web_printf(r, "<input type=\"hidden\" name=\"name\" value=\"%s\">"
	    "<label>Certificate Operation ", d.name);
	operation_select(r, "operation", d.operation);
	web_printf(r, "</label> <label>Authentication Mode ");
	auth_select(r, "auth", d.auth_mode, 1);
	web_printf(r, "</label> <label>Authentication String <input "
	    "name=\"auth-string\" size=\"10\" autocomplete=\"off\"></label> "
	    "<button type=\"submit\" id=\"save\">Save</button></form>"
	    "<h2>History</h2><table id=\"history\"><tr><th>When</th>"
	    "<th>Operation</th><th>Status</th><th>Peer</th><th>Detail</th></tr>");
	if (store_device_history_each(r->st, d.name, 50, history_one, r,
	    &r->err) == -1)
		web_status(r, 0, r->err.msg);
	web_printf(r, "</table>");
	web_end(r);
	device_free(&d);
	return 200;
}

/* The settings of the form (operation, auth, auth-string), checked. */
static int
form_settings(struct web_req *r, struct device_settings *s)
{
	static const char *const keys[] = { "operation", "auth", "auth-string" };
	const char *v;
	size_t i;

	device_settings_init(s);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((v = web_arg(r, keys[i])) != NULL && v[0] != '\0' &&
		    device_settings_option(s, keys[i], v, &r->err) == -1)
			return -1;
	return device_settings_check(s, &r->err);
}

struct set_write {
	char			(*names)[64];
	size_t			 n;
	struct device_settings	 s;
};

/* In the writer's transaction: every device or none. */
static int
set_apply(struct store *st, void *arg, struct ucerr *err)
{
	struct set_write *w = arg;
	size_t i;

	for (i = 0; i < w->n; i++)
		if (device_settings_apply(st, w->names[i], &w->s, err) == -1)
			return -1;
	return 0;
}

static int
phone_post(struct web_req *r)
{
	const char *arg = web_arg(r, "name");
	char name[64], next[128];
	struct set_write w = { &name, 1, { 0 } };
	int rc;

	if (arg == NULL)
		return web_error_page(r, 400, "Phone", "no phone named");
	device_name_normalise(arg, name, sizeof(name));
	if (form_settings(r, &w.s) == -1) {
		device_settings_clear(&w.s);
		return web_error_page(r, 400, "Phone", r->err.msg);
	}
	rc = web_write(r, &(struct web_change){ "device set", AUDIT_DEVICE,
	    name, NULL, 0 }, set_apply, &w);
	device_settings_clear(&w.s);
	if (rc == -1)
		return web_error_page(r, 409, "Phone", r->err.msg);
	snprintf(next, sizeof(next), "/phone?name=%s&done=1", name);
	return web_redirect(r, next);
}

static int
bulk_post(struct web_req *r)
{
	struct set_write w = { NULL, 0, { 0 } };
	struct evkeyval *kv;
	char what[128];
	int rc, status = 200;

	if ((w.names = calloc(BULK_MAX, sizeof(*w.names))) == NULL)
		return web_error_page(r, 500, "Bulk", "out of memory");
	TAILQ_FOREACH(kv, r->form, next) {
		if (strcmp(kv->key, "device") != 0)
			continue;
		if (w.n == BULK_MAX) {
			status = web_error_page(r, 400, "Bulk CAPF Operation",
			    "at most 1000 phones at once");
			goto out;
		}
		device_name_normalise(kv->value, w.names[w.n], sizeof(w.names[0]));
		w.n++;
	}
	if (w.n == 0) {
		status = web_error_page(r, 400, "Bulk CAPF Operation", "no "
		    "phones selected");
		goto out;
	}
	if (form_settings(r, &w.s) == -1) {
		status = web_error_page(r, 400, "Bulk CAPF Operation",
		    r->err.msg);
		goto out;
	}
	snprintf(what, sizeof(what), "%zu phones", w.n);
	rc = web_write(r, &(struct web_change){ "device set (bulk)",
	    AUDIT_NONE, what, NULL, 0 }, set_apply, &w);
	web_begin(r, "Bulk CAPF Operation");
	if (rc == -1) {
		web_status(r, 0, r->err.msg);
		status = 409;
	} else {
		snprintf(what, sizeof(what), "the operation is set on %zu "
		    "phones", w.n);
		web_status(r, 1, what);
	}
	web_printf(r, "<p><a href=\"/phones?pending=1\">Phones with a pending "
	    "operation</a></p>");
	web_end(r);
out:
	device_settings_clear(&w.s);
	free(w.names);
	return status;
}

/* --- the CAPF report ---------------------------------------------------------- */

static int
report_one(void *arg, const struct device *d)
{
	struct web_req *r = arg;
	struct capf_report_row row;

	capf_report_row_get(d, &row);
	web_printf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
	    "<td>%s</td><td>%s</td><td>%T</td></tr>", d->name, d->model,
	    cert_status_text(d->status), capf_auth_mode_text(d->auth_mode),
	    row.issuer, row.serial, row.not_after);
	return 0;
}

static int
report(struct web_req *r)
{
	web_begin(r, "CAPF Report");
	web_printf(r, "<p><a href=\"/capf-report.csv\" id=\"csv\">Download "
	    "CSV</a></p><table id=\"report\"><tr><th>Device</th><th>Model</th>"
	    "<th>Status</th><th>Authentication Mode</th><th>LSC Issuer</th>"
	    "<th>Serial</th><th>Expiry</th></tr>");
	if (store_device_each(r->st, NULL, report_one, r, &r->err) == -1)
		web_status(r, 0, r->err.msg);
	web_printf(r, "</table>");
	web_end(r);
	return 200;
}

static int
csv_one(void *arg, const struct device *d)
{
	struct capf_report_row row;

	capf_report_row_get(d, &row);
	capf_report_csv(arg, d, &row);
	return 0;
}

static int
report_csv(struct web_req *r)
{
	r->content_type = "text/csv; charset=utf-8";
	snprintf(r->filename, sizeof(r->filename), "capf-report.csv");
	capf_report_csv_header(r->out);
	if (store_device_each(r->st, NULL, csv_one, r->out, &r->err) == -1)
		return 500;
	return 200;
}

const struct web_route web_phone_routes[] = {
	{ "/phones", 0, phones, NULL },
	{ "/phone", 1, phone, phone_post },
	{ "/phones/bulk", 1, NULL, bulk_post },
	{ "/capf-report", 0, report, NULL },
	{ "/capf-report.csv", 0, report_csv, NULL },
	{ NULL, 0, NULL, NULL },
};
