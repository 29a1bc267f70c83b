/*
 * web_certs.c - Security > Certificate Management, as CUCM's Unified OS
 * Administration words it: the Certificate List with its find, a
 * certificate's settings page and downloads, Generate Self-signed (the
 * impact of regenerating first, certmgr's plan, and the "will overwrite"
 * warning), Generate CSR, Upload Certificate/Certificate chain (a file
 * picker), and the trust stores with Upload Trust Certificate.  The same
 * core as `cert` and `trust` (certmgr.c, cert_view.c, certinfo.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "admin_writes.h"
#include "cert_view.h"
#include "certinfo.h"
#include "certmgr.h"
#include "multipart.h"
#include "store.h"
#include "trust.h"
#include "web_int.h"
#include "x509.h"

/* The purpose a page names, or NULL with an error page written. */
static const struct purpose_info *
purpose_arg(struct web_req *r, int *status)
{
	const char *v = web_arg(r, "purpose");
	const struct purpose_info *p;

	if ((p = purpose_lookup(v != NULL ? v : "", &r->err)) == NULL)
		*status = web_error_page(r, 404, "Certificate", r->err.msg);
	return p;
}

static void
purpose_select(struct web_req *r, const struct purpose_info *chosen)
{
	const struct purpose_info *p;

	web_printf(r, "<label>Certificate Purpose <select name=\"purpose\" "
	    "id=\"purpose\">");
	for (p = purposes; p->name != NULL; p++)
		web_printf(r, "<option value=\"%s\"%s>%s</option>", p->name,
		    p == chosen ? " selected" : "", p->name);
	web_printf(r, "</select></label> ");
}

/* --- Certificate List ---------------------------------------------------------- */

struct find {
	struct web_req	*r;
	const char	*field;		/* "certificate", "cn", "usage" */
	const char	*prefix;
	int		 n;
};

static int
begins_with(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static void
list_row(struct find *f, const char *cert_name, const char *href_key,
    const char *href_value, const char *href_key2, const char *href_value2,
    const char *usage, const uint8_t *der, size_t len, const char *desc)
{
	struct certinfo info;
	X509 *c;

	if (cert_from_der(der, len, &c, NULL) == -1)
		return;
	certinfo_get(c, &info);
	X509_free(c);
	if (f->prefix[0] != '\0' && !begins_with(strcmp(f->field, "cn") == 0 ?
	    info.common_name : strcmp(f->field, "usage") == 0 ? usage :
	    cert_name, f->prefix))
		return;
	web_printf(f->r, "<tr><td><a href=\"%s?%s=%U", href_key2 != NULL ?
	    "/trust/entry" : "/certificate", href_key, href_value);
	if (href_key2 != NULL)
		web_printf(f->r, "&amp;%s=%U", href_key2, href_value2);
	web_printf(f->r, "\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
	    "<td>%s %d</td><td>%s</td><td>%T</td><td>%s</td></tr>", cert_name,
	    info.common_name, usage, info.type, info.key_type, info.key_bits,
	    info.issuer, info.not_after, desc);
	f->n++;
}

static int
list_identity(void *arg, const struct identity_row *row)
{
	const struct purpose_info *p = purpose_find(row->purpose);

	list_row(arg, row->purpose, "purpose", row->purpose, NULL, NULL,
	    "identity", row->cert_der, row->cert_len, p != NULL ?
	    p->description : "");
	return 0;
}

static int
list_trust(void *arg, const struct trust_row *row)
{
	list_row(arg, row->store, "store", row->store, "name", row->name,
	    "trust-store", row->cert_der, row->cert_len, row->name);
	return 0;
}

static int
cert_list(struct web_req *r)
{
	static const char *const fields[][2] = {
		{ "certificate", "Certificate" }, { "cn", "Common Name" },
		{ "usage", "Usage" },
	};
	const char *field = web_arg(r, "field"), *prefix = web_arg(r, "q");
	struct find f = { r, "certificate", "", 0 };
	size_t i;

	for (i = 0; field != NULL && i < 3; i++)
		if (strcmp(field, fields[i][0]) == 0)
			f.field = fields[i][0];
	if (prefix != NULL)
		f.prefix = prefix;
	web_begin(r, "Certificate List");
	web_printf(r, "<p><a href=\"/certificate/generate?purpose=tomcat\">"
	    "Generate Self-signed</a> | <a href=\"/certificate/upload\">Upload "
	    "Certificate/Certificate chain</a> | <a href=\"/certificate/csr\">"
	    "Generate CSR</a></p><form method=\"get\" action=\"/certificates\" "
	    "class=\"find\">Find Certificate List where <select name=\"field\" "
	    "id=\"field\">");
	for (i = 0; i < 3; i++)
		web_printf(r, "<option value=\"%s\"%s>%s</option>", fields[i][0],
		    strcmp(f.field, fields[i][0]) == 0 ? " selected" : "",
		    fields[i][1]);
	web_printf(r, "</select> begins with <input name=\"q\" id=\"q\" "
	    "value=\"%s\"> <button type=\"submit\" id=\"find\">Find</button>"
	    "</form><table id=\"certificates\"><tr><th>Certificate</th>"
	    "<th>Common Name</th><th>Usage</th><th>Type</th><th>Key Type</th>"
	    "<th>Issued By</th><th>Expiration</th><th>Description</th></tr>",
	    f.prefix);
	if (store_identity_each(r->st, list_identity, &f, &r->err) == -1 ||
	    store_trust_each(r->st, NULL, list_trust, &f, &r->err) == -1)
		web_status(r, 0, r->err.msg);
	web_printf(r, "</table><p>%d records found.</p>", f.n);
	web_end(r);
	return 200;
}

/* --- a certificate ----------------------------------------------------------------- */

static void
details(struct web_req *r, X509 *cert)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return;
	certinfo_print(fp, cert);
	fclose(fp);
	web_printf(r, "<h2>Certificate File Data</h2><pre id=\"details\">%s"
	    "</pre>", text);
	free(text);
}

static int
cert_settings(struct web_req *r)
{
	const struct purpose_info *p;
	char type[32];
	X509 *cert;
	int status = 0, found;

	if ((p = purpose_arg(r, &status)) == NULL)
		return status;
	if ((found = identity_cert_get(r->st, p, &cert, type, &r->err)) != 1)
		return web_error_page(r, found == 0 ? 404 : 500, "Certificate "
		    "Settings", r->err.msg);
	web_begin(r, "Certificate Settings");
	if (web_arg(r, "done") != NULL)
		web_status(r, 1, web_arg(r, "done")[0] == 'u' ? "Certificate "
		    "Signed by a Certificate Authority installed" :
		    "Self-signed certificate generated by system");
	web_printf(r, "<table class=\"fields\"><tr><th>File Name</th><td>%s.pem"
	    "</td></tr><tr><th>Certificate Purpose</th><td id=\"purpose\">%s"
	    "</td></tr><tr><th>Certificate Type</th><td id=\"type\">%s</td>"
	    "</tr><tr><th>Description</th><td>%s</td></tr></table><p>"
	    "<a href=\"/certificate/download?purpose=%U&amp;format=pem\">"
	    "Download .PEM File</a> | <a href=\"/certificate/download?"
	    "purpose=%U&amp;format=der\">Download .DER File</a> | <a "
	    "href=\"/certificate/generate?purpose=%U\">Regenerate</a> | <a "
	    "href=\"/certificate/csr?purpose=%U\">Generate CSR</a> | <a "
	    "href=\"/certificate/upload?purpose=%U\">Upload Certificate</a>"
	    "</p>", p->name, p->name, type, p->description, p->name, p->name,
	    p->name, p->name, p->name);
	details(r, cert);
	X509_free(cert);
	web_end(r);
	return 200;
}

static int
cert_download(struct web_req *r)
{
	const struct purpose_info *p;
	const char *format = web_arg(r, "format");
	char type[32];
	X509 *cert;
	int status = 0, found, as_der = format != NULL &&
	    strcmp(format, "der") == 0;

	if ((p = purpose_arg(r, &status)) == NULL)
		return status;
	if ((found = identity_cert_get(r->st, p, &cert, type, &r->err)) != 1)
		return web_error_page(r, found == 0 ? 404 : 500, "Download",
		    r->err.msg);
	admin_cert_download(r->out, cert, p->name, as_der, &r->content_type,
	    r->filename, sizeof(r->filename));
	X509_free(cert);
	return 200;
}

/*
 * What the outcome of a replacement says, as `cert generate` says it,
 * after the reset command has run for the devices that must reset.
 */
static void
outcome(struct web_req *r, const struct certmgr_outcome *o)
{
	struct admin_reset *resets;
	size_t i, n;

	if (o->cas_added > 0)
		web_printf(r, "<p>%d CA certificates added to %s.</p>",
		    o->cas_added, o->trust_store);
	if (o->republished)
		web_printf(r, "<p>The ITL is republished to the TFTP root.</p>");
	if (admin_reset_devices(r->st, o, &resets, &n)) {
		web_printf(r, "<p>Devices reset by the reset command:</p>"
		    "<ul id=\"resets\">");
		for (i = 0; i < n; i++)
			web_printf(r, "<li>%s: %s %d</li>", resets[i].device,
			    resets[i].exited ? "exit" : "signal", resets[i].code);
		web_printf(r, "</ul>");
		free(resets);
	} else if (o->n_reset > 0) {
		web_printf(r, "<p>Devices that must reset to take it (no reset "
		    "command is configured: <code>ucpki config --reset-command "
		    "CMD</code>):</p><ul id=\"resets\">");
		for (i = 0; i < o->n_reset; i++)
			web_printf(r, "<li>%s</li>", o->reset[i]);
		web_printf(r, "</ul>");
	}
}

/* --- Generate Self-signed / Regenerate ------------------------------------------- */

static int
generate_page(struct web_req *r)
{
	const struct purpose_info *p;
	struct certmgr_plan plan;
	int status = 0;

	if ((p = purpose_arg(r, &status)) == NULL)
		return status;
	if (certmgr_plan(r->st, p, &plan, &r->err) == -1)
		return web_error_page(r, 500, "Generate Self-signed "
		    "Certificate", r->err.msg);
	web_begin(r, "Generate Self-signed Certificate");
	web_printf(r, "<div class=\"warn\" id=\"warning\"><p><b>Warning:</b> "
	    "Generating a new certificate will overwrite the existing "
	    "certificate, including a certificate signed by a third party "
	    "certificate authority (CA).</p></div><h2>Impact of regenerating "
	    "%s</h2><p id=\"impact\">%s</p>", p->name, plan.impact);
	if (plan.in_store[0] != '\0')
		web_printf(r, "<p>%s</p>", plan.in_store);
	if (plan.itl_laggards[0] != '\0')
		web_printf(r, "<p>%s</p>", plan.itl_laggards);
	if (plan.blocked) {
		web_status(r, 0, plan.why.msg);
	} else {
		web_form(r, "/certificate/generate", "generate");
		web_printf(r, "<input type=\"hidden\" name=\"purpose\" "
		    "value=\"%s\"><button type=\"submit\" id=\"generate\">"
		    "Generate</button></form>", p->name);
	}
	web_end(r);
	return 200;
}

static int
generate_post(struct web_req *r)
{
	struct replace_write g;
	int status = 0, rc;

	memset(&g, 0, sizeof(g));
	if ((g.p = purpose_arg(r, &status)) == NULL)
		return status;
	identity_params_default(g.p, &g.params);
	rc = web_write(r, &(struct web_change){ "cert generate",
	    AUDIT_IDENTITY, g.p->name, NULL, 1 }, replace_generate_apply, &g);
	web_begin(r, "Generate Self-signed Certificate");
	web_status(r, rc == 0, rc == 0 ? "Self-signed certificate generated "
	    "by system" : r->err.msg);
	outcome(r, &g.o);
	web_printf(r, "<p><a href=\"/certificate?purpose=%U\">Certificate "
	    "Settings</a></p>", g.p->name);
	web_end(r);
	certmgr_outcome_free(&g.o);
	return rc == 0 ? 200 : 409;
}

/* --- Generate CSR ---------------------------------------------------------------- */

static int
csr_page(struct web_req *r)
{
	const char *v = web_arg(r, "purpose");

	web_begin(r, "Generate Certificate Signing Request");
	web_form(r, "/certificate/csr", "csr");
	purpose_select(r, purpose_find(v != NULL ? v : "tomcat"));
	web_printf(r, "<label>Key <select name=\"key\" id=\"key\"><option "
	    "value=\"\">the purpose's default</option><option value=\"rsa2048\">"
	    "RSA 2048</option><option value=\"rsa3072\">RSA 3072</option>"
	    "<option value=\"rsa4096\">RSA 4096</option><option value=\"ec256\">"
	    "EC P-256</option><option value=\"ec384\">EC P-384</option>"
	    "</select></label> <button type=\"submit\" id=\"generate-csr\">"
	    "Generate</button></form><p>The subject and the alternative names "
	    "are the node's, as <code>ucpki cert csr</code> makes them.</p>");
	web_end(r);
	return 200;
}

static int
csr_post(struct web_req *r)
{
	const char *key = web_arg(r, "key");
	struct csr_write c;
	int status = 0;

	memset(&c, 0, sizeof(c));
	if ((c.p = purpose_arg(r, &status)) == NULL)
		return status;
	identity_params_default(c.p, &c.params);
	if (key != NULL && key[0] != '\0' &&
	    (key_spec_parse(key, &c.params.key, &r->err) == -1 ||
	    identity_key_usable(c.p, &c.params.key, &r->err) == -1))
		return web_error_page(r, 400, "Generate Certificate Signing "
		    "Request", r->err.msg);
	if (web_write(r, &(struct web_change){ "cert csr", AUDIT_IDENTITY,
	    c.p->name, NULL, 1 }, csr_apply, &c) == -1)
		return web_error_page(r, 409, "Generate Certificate Signing "
		    "Request", r->err.msg);
	web_begin(r, "Generate Certificate Signing Request");
	web_status(r, 1, "the CSR is generated; the current certificate stays "
	    "in use until the signed one is uploaded");
	web_printf(r, "<p><a href=\"/certificate/csr.pem?purpose=%U\" "
	    "id=\"download-csr\">Download CSR</a> | <a href=\"/certificate/"
	    "upload?purpose=%U\">Upload Certificate</a></p><pre id=\"csr\">%s"
	    "</pre>", c.p->name, c.p->name, c.pem);
	web_end(r);
	free(c.pem);
	return 200;
}

static int
csr_download(struct web_req *r)
{
	const struct purpose_info *p;
	struct csr_row row;
	const unsigned char *der;
	X509_REQ *req;
	int status = 0, found;

	if ((p = purpose_arg(r, &status)) == NULL)
		return status;
	if ((found = store_csr_get(r->st, p->name, &row, &r->err)) != 1)
		return web_error_page(r, found == 0 ? 404 : 500, "Download CSR",
		    found == 0 ? "no CSR is pending for this purpose" :
		    r->err.msg);
	der = row.csr_der;
	if ((req = d2i_X509_REQ(NULL, &der, (long)row.csr_len)) != NULL) {
		PEM_write_X509_REQ(r->out, req);
		X509_REQ_free(req);
	}
	csr_row_free(&row);
	r->content_type = "application/pkcs10";
	snprintf(r->filename, sizeof(r->filename), "%s.csr", p->name);
	return 200;
}

/* --- Upload Certificate/Certificate chain ------------------------------------------- */

/*
 * The certificates of the file a form sent in field key (PEM, DER or DER
 * PKCS#7, as the CLI reads a file); -1 with r->err naming the file.
 */
static int
file_certs(struct web_req *r, const char *key, STACK_OF(X509) **certs)
{
	const struct multipart_part *f = web_file(r, key);

	*certs = NULL;
	if (f == NULL || (f->filename[0] == '\0' && f->len == 0))
		return ucerr_set(&r->err, "no file chosen");
	if (certs_parse(f->data, f->len, certs, &r->err) == -1)
		return ucerr_wrap(&r->err, "%s", f->filename[0] != '\0' ?
		    f->filename : key);
	return 0;
}

/* The file input both upload pages have. */
static void
file_input(struct web_req *r, const char *label)
{
	web_printf(r, "<p><label for=\"file\">%s</label> <input type=\"file\" "
	    "name=\"file\" id=\"file\" required accept=\".pem,.crt,.cer,.der,"
	    ".p7b,.p7c\"></p>", label);
}

static int
upload_page(struct web_req *r)
{
	const char *v = web_arg(r, "purpose");

	web_begin(r, "Upload Certificate/Certificate chain");
	web_form_files(r, "/certificate/upload", "upload");
	purpose_select(r, purpose_find(v != NULL ? v : "tomcat"));
	file_input(r, "Upload File (the CA-signed certificate for the pending "
	    "CSR, with its chain: PEM, DER or PKCS#7)");
	web_printf(r, "<p><button type=\"submit\" id=\"upload\">Upload"
	    "</button></p></form>");
	web_end(r);
	return 200;
}

static int
upload_post(struct web_req *r)
{
	struct replace_write u;
	int status = 0, rc;

	memset(&u, 0, sizeof(u));
	if ((u.p = purpose_arg(r, &status)) == NULL)
		return status;
	if (file_certs(r, "file", &u.certs) == -1)
		return ucerr_wrap(&r->err, "cert upload"),
		    web_error_page(r, 400, "Upload Certificate/Certificate "
		    "chain", r->err.msg);
	rc = web_write(r, &(struct web_change){ "cert upload", AUDIT_IDENTITY,
	    u.p->name, NULL, 1 }, replace_upload_apply, &u);
	sk_X509_pop_free(u.certs, X509_free);
	/* Installed but a later step failed: said, as the CLI says it. */
	if (rc == -1 && !u.o.replaced) {
		certmgr_outcome_free(&u.o);
		ucerr_wrap(&r->err, "cert upload");
		return web_error_page(r, 409, "Upload Certificate/Certificate "
		    "chain", r->err.msg);
	}
	web_begin(r, "Upload Certificate/Certificate chain");
	web_status(r, rc == 0, rc == 0 ? "Certificate Signed by a Certificate "
	    "Authority installed" : r->err.msg);
	outcome(r, &u.o);
	web_printf(r, "<p><a href=\"/certificate?purpose=%U\" id=\"settings\">"
	    "Certificate Settings</a></p>", u.p->name);
	web_end(r);
	certmgr_outcome_free(&u.o);
	return rc == 0 ? 200 : 500;
}

/* --- trust stores ------------------------------------------------------------------- */

static int
trust_one(void *arg, const struct trust_row *row)
{
	struct find *f = arg;

	list_row(f, row->name, "store", row->store, "name", row->name,
	    row->store, row->cert_der, row->cert_len, row->sha256);
	return 0;
}

static int
trust_page(struct web_req *r)
{
	const char *store_name = web_arg(r, "store");
	struct find f = { r, "certificate", "", 0 };
	size_t i;

	if (store_name != NULL && trust_store_name_check(store_name,
	    &r->err) == -1)
		return web_error_page(r, 404, "Trust Stores", r->err.msg);
	web_begin(r, "Trust Stores");
	web_printf(r, "<p>");
	for (i = 0; trust_stores[i] != NULL; i++)
		web_printf(r, "%s<a href=\"/trust?store=%U\">%s</a>", i ? " | " :
		    "", trust_stores[i], trust_stores[i]);
	web_printf(r, "</p><p><a href=\"/trust/add%s%U\" id=\"trust-add\">"
	    "Upload Trust Certificate</a></p>", store_name != NULL ?
	    "?store=" : "", store_name != NULL ? store_name : "");
	web_printf(r, "<table id=\"trust\"><tr><th>Certificate</th><th>"
	    "Common Name</th><th>Store</th><th>Type</th><th>Key Type</th><th>"
	    "Issued By</th><th>Expiration</th><th>SHA-256</th></tr>");
	if (store_trust_each(r->st, store_name, trust_one, &f, &r->err) == -1)
		web_status(r, 0, r->err.msg);
	web_printf(r, "</table><p>%d records found.</p>", f.n);
	web_end(r);
	return 200;
}

static int
trust_entry(struct web_req *r)
{
	const char *store_name = web_arg(r, "store"), *name = web_arg(r, "name");
	char label[300];
	X509 *cert;
	int found;

	if (store_name == NULL || name == NULL)
		return web_redirect(r, "/trust");
	if ((found = trust_cert_get(r->st, store_name, name, &cert, label,
	    sizeof(label), &r->err)) != 1)
		return web_error_page(r, found == 0 ? 404 : 500, "Trust "
		    "Certificate", r->err.msg);
	web_begin(r, "Certificate Settings");
	/* label is trust_cert_get's "<store>/<name>.pem". */
	web_printf(r, "<table class=\"fields\"><tr><th>File Name</th><td "
	    "id=\"file-name\">%s</td></tr><tr><th>Certificate Purpose</th>"
	    "<td>%s</td></tr></table>", label, store_name);
	web_printf(r, "<h2>Delete</h2>");
	web_form(r, "/trust/delete", "delete");
	web_printf(r, "<input type=\"hidden\" name=\"store\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"name\" value=\"%s\"><label>"
	    "<input type=\"checkbox\" name=\"force\" value=\"1\"> even if "
	    "phones' LSCs chain to it (they will fail with Invalid LSC)"
	    "</label> <button type=\"submit\" id=\"delete\">Delete</button>"
	    "</form>", store_name, name);
	details(r, cert);
	X509_free(cert);
	web_end(r);
	return 200;
}

static int
trust_delete(struct web_req *r)
{
	const char *name = web_arg(r, "name"), *force = web_arg(r, "force");
	struct trust_delete_write d;
	char done[400];

	memset(&d, 0, sizeof(d));
	d.store_name = web_arg(r, "store");
	if (d.store_name == NULL || name == NULL ||
	    trust_store_name_check(d.store_name, &r->err) == -1)
		return web_error_page(r, 400, "Delete Trust Certificate",
		    d.store_name == NULL || name == NULL ? "no certificate "
		    "named" : r->err.msg);
	trust_name_normalize(name, d.name, sizeof(d.name));
	d.force = force != NULL && strcmp(force, "1") == 0;
	if (web_write(r, &(struct web_change){ "trust delete", AUDIT_TRUST,
	    d.store_name, d.name, 1 }, trust_delete_apply, &d) == -1)
		return web_error_page(r, 409, "Delete Trust Certificate",
		    r->err.msg);
	web_begin(r, "Delete Trust Certificate");
	snprintf(done, sizeof(done), "%s/%s.pem deleted", d.store_name, d.name);
	web_status(r, 1, done);
	if (d.holders > 0)
		web_printf(r, "<p class=\"warn\">It signs %L devices' LSCs: they "
		    "will fail with Invalid LSC.</p>", d.holders);
	web_printf(r, "<p><a href=\"/trust?store=%U\">%s</a></p>",
	    d.store_name, d.store_name);
	web_end(r);
	return 200;
}

static int
trust_add_page(struct web_req *r)
{
	const char *chosen = web_arg(r, "store");
	size_t i;

	web_begin(r, "Upload Trust Certificate");
	web_form_files(r, "/trust/add", "trust-add");
	web_printf(r, "<label>Certificate Purpose <select name=\"store\" "
	    "id=\"store\">");
	for (i = 0; trust_stores[i] != NULL; i++)
		web_printf(r, "<option value=\"%s\"%s>%s</option>",
		    trust_stores[i], chosen != NULL && strcmp(chosen,
		    trust_stores[i]) == 0 ? " selected" : "", trust_stores[i]);
	web_printf(r, "</select></label> <label>Name <input name=\"name\" "
	    "id=\"name\" placeholder=\"its Common Name\"></label>");
	file_input(r, "Upload File (a CA certificate or a bundle: PEM, DER or "
	    "PKCS#7)");
	web_printf(r, "<p><button type=\"submit\" id=\"upload\">Upload"
	    "</button></p></form>");
	web_end(r);
	return 200;
}

static int
trust_add_post(struct web_req *r)
{
	const char *name = web_arg(r, "name");
	struct trust_add_write a;
	char named[256];
	int i, n, rc;

	memset(&a, 0, sizeof(a));
	a.store_name = web_arg(r, "store");
	if (a.store_name == NULL || trust_store_name_check(a.store_name,
	    &r->err) == -1)
		return web_error_page(r, 400, "Upload Trust Certificate",
		    a.store_name == NULL ? "no trust store chosen" :
		    r->err.msg);
	if (name != NULL && name[0] != '\0') {
		trust_name_normalize(name, named, sizeof(named));
		a.name = named;
	}
	if (file_certs(r, "file", &a.certs) == -1)
		return ucerr_wrap(&r->err, "trust add"),
		    web_error_page(r, 400, "Upload Trust Certificate",
		    r->err.msg);
	n = sk_X509_num(a.certs);
	if (a.name != NULL && n > 1) {
		sk_X509_pop_free(a.certs, X509_free);
		snprintf(r->err.msg, sizeof(r->err.msg), "trust add: a name "
		    "needs a file with one certificate (it has %d)", n);
		return web_error_page(r, 400, "Upload Trust Certificate",
		    r->err.msg);
	}
	if ((a.results = calloc((size_t)n, sizeof(*a.results))) == NULL) {
		sk_X509_pop_free(a.certs, X509_free);
		return web_error_page(r, 500, "Upload Trust Certificate",
		    "out of memory");
	}
	rc = web_write(r, &(struct web_change){ "trust add", AUDIT_NONE,
	    a.store_name, a.name, 1 }, trust_add_apply, &a);
	sk_X509_pop_free(a.certs, X509_free);
	if (rc == -1) {
		free(a.results);
		ucerr_wrap(&r->err, "trust add");
		return web_error_page(r, 409, "Upload Trust Certificate",
		    r->err.msg);
	}
	web_begin(r, "Upload Trust Certificate");
	web_status(r, 1, "Certificate uploaded to the trust store");
	web_printf(r, "<ul id=\"added\">");
	for (i = 0; i < n; i++)
		web_printf(r, "<li>%s/%s.pem: %s</li>", a.store_name,
		    a.results[i].name, a.results[i].duplicate ? "already there" :
		    "added");
	web_printf(r, "</ul><p><a href=\"/trust?store=%U\">%s</a></p>",
	    a.store_name, a.store_name);
	web_end(r);
	free(a.results);
	return 200;
}

const struct web_route web_cert_routes[] = {
	{ "/certificates", 0, cert_list, NULL },
	{ "/certificate", 0, cert_settings, NULL },
	{ "/certificate/download", 0, cert_download, NULL },
	{ "/certificate/generate", 1, generate_page, generate_post },
	{ "/certificate/csr", 1, csr_page, csr_post },
	{ "/certificate/csr.pem", 0, csr_download, NULL },
	{ "/certificate/upload", 1, upload_page, upload_post },
	{ "/trust", 0, trust_page, NULL },
	{ "/trust/entry", 0, trust_entry, NULL },
	{ "/trust/add", 1, trust_add_page, trust_add_post },
	{ "/trust/delete", 1, NULL, trust_delete },
	{ NULL, 0, NULL, NULL },
};
