/* cmd_capf_admin.c - `ucpki capf report` and `ucpki capf config`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capf_config.h"
#include "certmgr.h"
#include "commands.h"
#include "device.h"
#include "device_view.h"
#include "json.h"
#include "clock.h"
#include "lsc.h"
#include "revoke.h"
#include "renew.h"
#include "store.h"
#include "store_device.h"
#include "text.h"
#include "x509.h"


const struct opt capf_report_opts[] = {
	{ "csv", OPT_FLAG, NULL, "comma-separated values with a header line" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

const struct opt capf_revoke_opts[] = {
	{ "superseded", OPT_FLAG, NULL, "only the device's earlier LSCs, not its current one" },
	{ NULL, 0, NULL, NULL },
};

const struct opt capf_config_opts[] = {
	{ "lsc-days", OPT_VALUE, "N", "validity of issued LSCs in days (default 1825)" },
	{ "renew-at", OPT_VALUE, "FRACTION", "the monitor schedules an install by existing certificate (precedence LSC) for every device whose LSC has passed this fraction of its lifetime: 2/3, 0.75, 75% or off (the default)" },
	{ "renew-within", OPT_VALUE, "PERIOD", "Operation Completes By of such a renewal, from when the monitor schedules it: 24h, 7d or seconds (default 7d)" },
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

struct report_ctx {
	FILE		*fp;
	int		 csv;
	struct json	*json;
};

static int
report_one(void *arg, const struct device *d)
{
	struct report_ctx *r = arg;
	struct capf_report_row row;
	char expiry[TIME_TEXT_MAX] = "", *issuer = row.issuer;
	char model[4 * sizeof(d->model)], *serial = row.serial;

	capf_report_row_get(d, &row);
	if (row.not_after != 0)
		time_format(row.not_after, expiry, sizeof(expiry));
	/* The model may be an old row's. */
	text_escape(d->model, model, sizeof(model));
	if (r->json != NULL) {
		capf_report_json(r->json, d, &row);
	} else if (r->csv) {
		capf_report_csv(r->fp, d, &row);
	} else
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
	struct report_ctx r = { cli->out, args_has(a, "csv"), NULL };
	struct json j;
	struct store *st;
	int rc;

	if (r.csv && args_has(a, "json"))
		return ucerr_set(&cli->err, "capf report: give --csv or --json, "
		    "not both");
	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		json_array_begin(&j, NULL);
		r.json = &j;
		rc = store_device_each(st, NULL, report_one, &r, &cli->err);
		json_array_end(&j);
		json_finish(&j);
		return rc;
	}
	if (r.csv)
		capf_report_csv_header(cli->out);
	else
		fprintf(cli->out, "%-16s %-6s %-45s %-28s %-15s %-33s %s\n",
		    "Device", "Model", "Status", "Authentication Mode",
		    "LSC Issuer", "Serial", "Expiry");
	return store_device_each(st, NULL, report_one, &r, &cli->err);
}

int
cmd_capf_config(struct cli *cli, const struct args *a)
{
	static const char *const settings[] = { "renew-within", "renew-at",
	    "lsc-days", NULL };
	struct capf_config c;
	struct store *st;
	struct json j;
	const char *v;
	int i;

	if ((st = cli_store(cli)) == NULL)
		return -1;
	for (i = 0; settings[i] != NULL; i++)
		if ((v = args_get(a, settings[i])) != NULL &&
		    capf_config_set(st, settings[i], v, &cli->err) == -1)
			return -1;
	if (capf_config_get(st, &c, &cli->err) == -1)
		return -1;
	if (args_has(a, "json")) {
		json_init(&j, cli->out);
		capf_config_json(&j, &c);
		json_finish(&j);
		return 0;
	}
	fprintf(cli->out, "lsc-days %ld\nrenew-at %s\nrenew-within %lds\n",
	    c.lsc_days, c.renew_at, c.renew_within_s);
	return 0;
}

void
cli_revoke_report(struct cli *cli, const struct certmgr_revocation *v)
{
	const struct revoke_result *r = &v->r;

	if (r->other_ca > 0)
		fprintf(stderr, "%d revoked LSC(s) were issued by an earlier CAPF "
		    "whose key is gone: no CRL can list them; delete that CAPF "
		    "from CAPF-trust and CallManager-trust to reject them\n",
		    r->other_ca);
	cli_exports_report(cli, &v->exports);
}

int
cmd_capf_revoke(struct cli *cli, const struct args *a)
{
	const char *target = a->positional[0];
	struct certmgr_revocation v;
	const struct revoke_result *r = &v.r;
	struct store *st;

	if ((st = cli_store(cli)) == NULL ||
	    certmgr_revoke(st, target, NULL, args_has(a, "superseded"), &v,
	    &cli->err) == -1)
		return -1;
	if (r->revoked < r->matched)
		fprintf(cli->out, "%s: %d LSC(s) revoked, %d already were\n",
		    target, r->revoked, r->matched - r->revoked);
	else
		fprintf(cli->out, "%s: %d LSC(s) revoked\n", target, r->revoked);
	cli_revoke_report(cli, &v);
	return 0;
}
