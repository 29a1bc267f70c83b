/* device_view.c - a device as every front end shows it (see device_view.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certinfo.h"
#include "clock.h"
#include "capf_msg.h"
#include "device_rules.h"
#include "device_view.h"
#include "publish.h"
#include "store.h"
#include "text.h"
#include "x509.h"

int
device_name_check(const char *name, struct ucerr *err)
{
	if (!device_name_valid(name))
		return ucerr_set(err, "%s: not a device name (phones: SEP "
		    "+ 12 upper-case hex digits; clients: CSF, BOT, TCT or TAB + "
		    "user id)", name);
	return 0;
}

int
device_lookup(struct store *st, const char *name, struct device *d,
    struct ucerr *err)
{
	int found;

	if (device_name_check(name, err) == -1)
		return 0;
	if ((found = store_device_get(st, name, d, err)) == 0)
		ucerr_set(err, "%s: no such device", name);
	return found;
}

int
device_filter_option(struct device_filter *f, const char *option,
    const char *value, struct ucerr *err)
{
	char *end;
	long days;

	if (strcmp(option, "status") == 0) {
		if ((f->status = cert_status_parse(value)) == -1)
			return ucerr_set(err, "--status: unknown status '%s'",
			    value);
	} else if (strcmp(option, "lsc") == 0) {
		if (strcmp(value, "installed") == 0)
			f->lsc = 1;
		else if (strcmp(value, "none") == 0)
			f->lsc = 0;
		else
			return ucerr_set(err, "--lsc must be installed or none, "
			    "not '%s'", value);
	} else if (strcmp(option, "model") == 0) {
		f->model = value;
	} else if (strcmp(option, "expiring") == 0) {
		errno = 0;
		days = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || days < 0 ||
		    days > 36500)
			return ucerr_set(err, "device list: --expiring must be a "
			    "number from 0 to 36500, not '%s'", value);
		f->expiring_before = (int64_t)clock_now() + days * 86400;
	} else {
		return ucerr_set(err, "device list: unknown filter '%s' (status, "
		    "lsc, model, expiring)", option);
	}
	return 0;
}

static void
json_cert(struct json *j, const char *key, const uint8_t *der, size_t len)
{
	struct certinfo info;
	X509 *cert;

	if (der == NULL || cert_from_der(der, len, &cert, NULL) == -1) {
		json_null(j, key);
		return;
	}
	certinfo_get(cert, &info);
	X509_free(cert);
	json_object_begin(j, key);
	certinfo_json_fields(j, &info);
	json_object_end(j);
}

static int
json_event(void *arg, const struct device_event *e)
{
	struct json *j = arg;

	json_object_begin(j, NULL);
	json_time(j, "at", (time_t)e->at);
	json_string(j, "operation", cert_operation_name(e->operation));
	json_int(j, "status", e->status);
	json_string(j, "status_text", cert_status_text(e->status));
	json_string(j, "peer", e->peer);
	json_string(j, "detail", e->detail);
	json_object_end(j);
	return 0;
}

static void
json_fetch(struct json *j, struct store *st, const char *device,
    const char *kind, const char *key)
{
	struct tftp_last_fetch l;
	char when[32];

	tftp_last_fetch(st, device, kind, &l);
	if (!l.found) {
		json_null(j, key);
		return;
	}
	json_object_begin(j, key);
	json_string(j, "file", l.e.file);
	json_string(j, "sha256", l.e.sha256);
	time_format((time_t)l.e.at, when, sizeof(when));
	json_string(j, "at", when);
	json_string(j, "from", l.e.peer);
	json_string(j, "transport", l.e.transport);
	if (l.current >= 0)
		json_bool(j, "current", l.current);
	json_object_end(j);
}

void
device_json_show(struct json *j, struct store *st, const struct device *d,
    int show_secrets)
{
	struct key_spec first, fallback;
	char key[16];
	int has_fallback = device_key_plan(d, &first, &fallback);

	json_object_begin(j, NULL);
	json_string(j, "name", d->name);
	json_string(j, "model", d->model);
	json_string(j, "operation", cert_operation_name(d->operation));
	json_string(j, "auth_mode", capf_auth_mode_name(d->auth_mode));
	json_string(j, "auth_mode_text", capf_auth_mode_text(d->auth_mode));
	json_bool(j, "auth_string_set", d->auth_string[0] != '\0');
	if (show_secrets)
		json_string(j, "auth_string", d->auth_string);
	/* What CAPF will ask for: the first key, then the backup. */
	key_spec_name(&first, key, sizeof(key));
	json_string(j, "key", key);
	key_spec_name(&fallback, key, sizeof(key));
	json_string(j, "backup_key", has_fallback ? key : NULL);
	json_string(j, "key_order", key_order_name(device_key_order(d)));
	json_string(j, "key_order_text", key_order_text(device_key_order(d)));
	if (d->deadline)
		json_time(j, "operation_completes_by", (time_t)d->deadline);
	else
		json_null(j, "operation_completes_by");
	json_int(j, "status", d->status);
	json_string(j, "status_text", cert_status_text(d->status));
	json_int(j, "auth_failures", d->auth_failures);
	json_cert(j, "lsc", d->lsc_der, d->lsc_len);
	json_cert(j, "mic", d->mic_der, d->mic_len);
	json_cert(j, "fetched", d->fetched_der, d->fetched_len);
	json_string(j, "security_mode", security_mode_name(d->security_mode));
	json_bool(j, "encrypted_config", d->encrypted_config);
	json_bool(j, "softphone", device_is_softphone(d->name));
	if (device_is_softphone(d->name)) {
		json_int(j, "capf_protocol_version", CAPF_VERSION_SOFTPHONE);
		json_bool(j, "second_lsc_refused", device_softphone_refused(d));
	}
	json_fetch(j, st, d->name, "itl", "last_itl");
	json_fetch(j, st, d->name, "config", "last_config");
	json_array_begin(j, "history");
	store_device_history_each(st, d->name, 50, json_event, j, NULL);
	json_array_end(j);
	json_object_end(j);
}

void
device_json_item(struct json *j, const struct device *d)
{
	json_object_begin(j, NULL);
	json_string(j, "name", d->name);
	json_string(j, "model", d->model);
	json_int(j, "status", d->status);
	json_string(j, "status_text", cert_status_text(d->status));
	json_string(j, "operation", cert_operation_name(d->operation));
	json_string(j, "auth_mode", capf_auth_mode_name(d->auth_mode));
	json_bool(j, "lsc", d->lsc_der != NULL);
	if (d->lsc_der != NULL)
		json_time(j, "lsc_not_after", (time_t)d->lsc_not_after);
	else
		json_null(j, "lsc_not_after");
	json_object_end(j);
}

void
capf_report_row_get(const struct device *d, struct capf_report_row *r)
{
	X509 *lsc;

	memset(r, 0, sizeof(*r));
	if (d->lsc_der != NULL &&
	    cert_from_der(d->lsc_der, d->lsc_len, &lsc, NULL) == 0) {
		X509_NAME_get_text_by_NID(X509_get_issuer_name(lsc),
		    NID_commonName, r->issuer, sizeof(r->issuer));
		cert_serial_hex(lsc, r->serial, sizeof(r->serial));
		r->not_after = asn1_time_to_unix(X509_get0_notAfter(lsc));
		X509_free(lsc);
	}
	/* The issuer is a certificate's bytes. */
	text_escape_inplace(r->issuer, sizeof(r->issuer));
}

void
capf_report_json(struct json *j, const struct device *d,
    const struct capf_report_row *r)
{
	json_object_begin(j, NULL);
	json_string(j, "device", d->name);
	json_string(j, "model", d->model);
	json_int(j, "status", d->status);
	json_string(j, "status_text", cert_status_text(d->status));
	json_string(j, "auth_mode", capf_auth_mode_name(d->auth_mode));
	json_string(j, "auth_mode_text", capf_auth_mode_text(d->auth_mode));
	json_string(j, "lsc_issuer", r->issuer[0] ? r->issuer : NULL);
	json_string(j, "lsc_serial", r->serial[0] ? r->serial : NULL);
	if (r->not_after != 0)
		json_time(j, "lsc_expiry", r->not_after);
	else
		json_null(j, "lsc_expiry");
	json_object_end(j);
}

/* A report field as RFC 4180 writes it: quoted when it must be. */
static void
csv_field(FILE *fp, const char *s, int last)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		fprintf(fp, "%s%s", s, last ? "\n" : ",");
		return;
	}
	fputc('"', fp);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	fprintf(fp, "\"%s", last ? "\n" : ",");
}

void
capf_report_csv_header(FILE *fp)
{
	fprintf(fp, "device,model,status,status_text,auth_mode,lsc_issuer,"
	    "lsc_serial,lsc_expiry\n");
}

void
capf_report_csv(FILE *fp, const struct device *d,
    const struct capf_report_row *r)
{
	char expiry[TIME_TEXT_MAX] = "", status[12];
	char model[4 * sizeof(d->model)];

	if (r->not_after != 0)
		time_format(r->not_after, expiry, sizeof(expiry));
	/* The model may be an old row's. */
	text_escape(d->model, model, sizeof(model));
	snprintf(status, sizeof(status), "%d", d->status);
	csv_field(fp, d->name, 0);
	csv_field(fp, model, 0);
	csv_field(fp, status, 0);
	csv_field(fp, cert_status_text(d->status), 0);
	csv_field(fp, capf_auth_mode_text(d->auth_mode), 0);
	csv_field(fp, r->issuer, 0);
	csv_field(fp, r->serial, 0);
	csv_field(fp, expiry, 1);
}
