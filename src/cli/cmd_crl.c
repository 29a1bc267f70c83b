/* cmd_crl.c - `ucpki crl add|list`. */
#include <stdio.h>
#include <stdlib.h>

#include "certmgr.h"
#include "commands.h"
#include "crl.h"
#include "export.h"
#include "fileio.h"
#include "json.h"
#include "store.h"
#include "x509.h"

const struct opt crl_add_opts[] = { { NULL, 0, NULL, NULL } };
const struct opt crl_list_opts[] = {
	{ "json", OPT_FLAG, NULL, "machine-readable output" },
	{ NULL, 0, NULL, NULL },
};

int
cmd_crl_add(struct cli *cli, const struct args *a)
{
	struct export_refresh exports;
	char issuer[512];
	uint8_t *data;
	size_t len;
	struct store *st;
	int rc;

	if ((st = cli_store(cli)) == NULL ||
	    file_read(a->positional[0], FILE_READ_MAX, &data, &len,
	    &cli->err) == -1)
		return -1;
	rc = certmgr_crl_add(st, data, len, issuer, sizeof(issuer), &exports,
	    &cli->err);
	free(data);
	if (rc == 0) {
		fprintf(cli->out, "CRL from %s added\n", issuer);
		cli_exports_report(cli, &exports);
	}
	return rc;
}

int
cmd_crl_list(struct cli *cli, const struct args *a)
{
	STACK_OF(X509_CRL) *crls;
	X509_CRL *crl;
	char issuer[512], next[TIME_TEXT_MAX];
	struct store *st;
	struct json j;
	time_t next_update;
	int i, revoked, json = args_has(a, "json");

	if ((st = cli_store(cli)) == NULL || crl_all(st, &crls, &cli->err) == -1)
		return -1;
	if (json) {
		json_init(&j, cli->out);
		json_array_begin(&j, NULL);
	}
	for (i = 0; i < sk_X509_CRL_num(crls); i++) {
		crl = sk_X509_CRL_value(crls, i);
		name_oneline(X509_CRL_get_issuer(crl), issuer, sizeof(issuer));
		next_update = asn1_time_to_unix(X509_CRL_get0_nextUpdate(crl));
		/* A CRL that revokes nothing has no list at all (-1). */
		if ((revoked = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl))) < 0)
			revoked = 0;
		if (json) {
			json_object_begin(&j, NULL);
			json_string(&j, "issuer", issuer);
			json_int(&j, "revoked", revoked);
			json_time(&j, "last_update", asn1_time_to_unix(
			    X509_CRL_get0_lastUpdate(crl)));
			if (X509_CRL_get0_nextUpdate(crl) != NULL)
				json_time(&j, "next_update", next_update);
			else
				json_null(&j, "next_update");
			json_object_end(&j);
			continue;
		}
		time_format(next_update, next, sizeof(next));
		fprintf(cli->out, "%s: %d revoked, next update %s\n", issuer,
		    revoked,
		    X509_CRL_get0_nextUpdate(crl) != NULL ? next : "none");
	}
	if (json) {
		json_array_end(&j);
		json_finish(&j);
	}
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return 0;
}
