/* cmd_capf_admin.c - `ucpki capf report` and `ucpki capf config`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "device.h"
#include "lsc.h"
#include "store.h"
#include "store_device.h"
#include "text.h"
#include "x509.h"


const struct opt capf_report_opts[] = {
	{ "csv", OPT_FLAG, NULL, "comma-separated values with a header line" },
	{ NULL, 0, NULL, NULL },
};

const struct opt capf_config_opts[] = {
	{ "lsc-days", OPT_VALUE, "N", "validity of issued LSCs in days (default 1825)" },
	{ NULL, 0, NULL, NULL },
};

struct report_ctx {
	FILE	*fp;
	int	 csv;
};

static int
report_one(void *arg, const struct device *d)
{
	struct report_ctx *r = arg;
	char issuer[256] = "", serial[64] = "", expiry[32] = "";
	char model[4 * sizeof(d->model)];
	X509 *lsc;

	if (d->lsc_der != NULL &&
	    cert_from_der(d->lsc_der, d->lsc_len, &lsc, NULL) == 0) {
		X509_NAME_get_text_by_NID(X509_get_issuer_name(lsc),
		    NID_commonName, issuer, sizeof(issuer));
		cert_serial_hex(lsc, serial, sizeof(serial));
		time_format(asn1_time_to_unix(X509_get0_notAfter(lsc)), expiry,
		    sizeof(expiry));
		X509_free(lsc);
	}
	/* The issuer is a certificate's bytes, the model an old row's. */
	text_escape_inplace(issuer, sizeof(issuer));
	text_escape(d->model, model, sizeof(model));
	if (r->csv)
		fprintf(r->fp, "%s,%s,%d,%s,%s,%s,%s,%s\n", d->name, model,
		    d->status, cert_status_text(d->status),
		    capf_auth_mode_text(d->auth_mode), issuer, serial, expiry);
	else
		fprintf(r->fp, "%-16s %-6s %-45s %-28s %-15s %-33s %s\n",
		    d->name, model[0] ? model : "-",
		    cert_status_text(d->status), capf_auth_mode_text(d->auth_mode),
		    issuer[0] ? issuer : "-", serial[0] ? serial : "-",
		    expiry[0] ? expiry : "-");
	return 0;
}

int
cmd_capf_report(struct cli *cli, const struct args *a)
{
	struct report_ctx r = { cli->out, args_has(a, "csv") };
	struct store *st;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (r.csv)
		fprintf(cli->out, "device,model,status,status_text,auth_mode,"
		    "lsc_issuer,lsc_serial,lsc_expiry\n");
	else
		fprintf(cli->out, "%-16s %-6s %-45s %-28s %-15s %-33s %s\n",
		    "Device", "Model", "Status", "Authentication Mode",
		    "LSC Issuer", "Serial", "Expiry");
	return store_device_each(st, NULL, report_one, &r, &cli->err);
}

int
cmd_capf_config(struct cli *cli, const struct args *a)
{
	struct store *st;
	char value[32];
	long days;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (args_has(a, "lsc-days")) {
		if (args_int(cli, a, "lsc-days", LSC_DAYS_DEFAULT, 1, 36500,
		    &days) == -1)
			return -1;
		snprintf(value, sizeof(value), "%ld", days);
		if (store_meta_set(st, "capf.lsc_days", value, &cli->err) == -1)
			return -1;
	}
	if (lsc_days(st, &days, &cli->err) == -1)
		return -1;
	fprintf(cli->out, "lsc-days %ld\n", days);
	return 0;
}
